"""Schemas the TEI publishes that are known, by their bytes, to be RELAX NG jing
accepts and within what ``simplify`` covers: a grammar simplified here only in the
parts a batch needs is otherwise checked whole by jing once (a Java start, 0.7 s of
work) and read whole for what it holds (a fifth of a second) on a first run, or on
every run without a cache. What their embedded Schematron's rules need of a document
(``prefilter``) ships too (``known_rules/``), so that a first run neither loads
elementpath nor parses every rule to learn it. Each entry is checked against its file
by tests/test_known_schemas.py; a file that differs by one byte is read as any other.

``python -m tei_tools.validate.pruned.known SCHEMA…`` writes the rules' entries again
(after a change to ``prefilter``: the test says when)."""

from __future__ import annotations

import functools
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

# SHA-256 of the file's bytes: what it is
ACCEPTED_BY_JING = {
    "7a18b359f214244ee406e5d4424707856cfca5536b3322202caed567a88070d2": "tei_all.rng, TEI P5 4.9.0",
    "3885c37dfb032b74de2c3f822dc1754156a6ee796f8767b21b3171171507ea67": "teisimple.rng, TEI Simple",
}
RULES = Path(__file__).parent / "known_rules"


@functools.lru_cache(maxsize=16)
def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def accepted_by_jing(path: Path) -> bool:
    """Whether ``path`` is a published schema jing is known to accept (and ``simplify``
    to cover)."""
    return _digest(path) in ACCEPTED_BY_JING


def rule_needs(files: list[Path]) -> list[Any] | None:
    """What each rule of a known schema's embedded Schematron needs of a document, as
    ``prefilter.needs`` reads it (JSON), where the rules come from that one file."""
    if len(files) != 1 or not accepted_by_jing(files[0]):
        return None
    try:
        stored = json.loads((RULES / f"{_digest(files[0])}.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return stored if isinstance(stored, list) else None


def computed_needs(path: Path) -> list[Any]:
    """What each rule of ``path``'s embedded Schematron needs, read now as a run reads
    them (includes expanded, then elementpath parses every rule), as ``rule_needs``
    stores it."""
    from tei_tools.validate.rulesets import XPath2Schematron
    from tei_tools.xmlparse import parse_file

    rules = XPath2Schematron(path, parse_file(path, huge=True), shipped=False).rules
    assert not rules.lazy, "the shipped filters would be read back, not computed"
    return [None if n is None else [[sorted(s) for s in a] for a in n] for n in rules.needs]


if __name__ == "__main__":  # pragma: no cover (a maintainer's tool)
    for name in sys.argv[1:]:
        schema = Path(name)
        digest = _digest(schema)
        if digest not in ACCEPTED_BY_JING:
            sys.exit(f"{schema}: not a known schema")
        target = RULES / f"{digest}.json"
        target.write_text(json.dumps(computed_needs(schema)) + "\n", encoding="utf-8")
        print(f"wrote {target}")
