"""Schemas the TEI publishes that are known, by their bytes, to be RELAX NG jing
accepts: a grammar simplified here only in the parts a batch needs is otherwise
checked whole by jing once (a Java start, 0.7 s of work) on a first run, or on every
run without a cache. Each entry is checked against its file by
tests/test_known_schemas.py; a file that differs by one byte is checked as any other."""

from __future__ import annotations

import hashlib
from pathlib import Path

# SHA-256 of the file's bytes: what it is
ACCEPTED_BY_JING = {
    "7a18b359f214244ee406e5d4424707856cfca5536b3322202caed567a88070d2": "tei_all.rng, TEI P5 4.9.0",
    "3885c37dfb032b74de2c3f822dc1754156a6ee796f8767b21b3171171507ea67": "teisimple.rng, TEI Simple",
}


def accepted_by_jing(path: Path) -> bool:
    """Whether ``path`` is a published schema jing is known to accept."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() in ACCEPTED_BY_JING
    except OSError:
        return False
