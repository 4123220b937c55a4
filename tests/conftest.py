"""Shared helpers: paths, the tei_all oracle, and the text projection used by
the conservation tests."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest
from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "raw"
ENCODED = ROOT / "encoded"
TEI_ALL = ROOT.parent / "shared" / "tei-p5" / "tei_all.rng"
NS = {"t": "http://www.tei-c.org/ns/1.0"}
SEEDS = sorted(RAW.glob("*.txt"))
# The seeds' TEI (encoded/ also holds the collection's persons.xml, made by a build)
ENCODED_DOCS = sorted(p for p in ENCODED.glob("*.xml") if p.name != "persons.xml")


def skip_unless(condition: bool, reason: str) -> None:
    """Skip with a reason, except in CI, where everything the tests need is installed."""
    if not condition:
        if os.environ.get("CI"):
            pytest.fail(f"required in CI: {reason}")
        pytest.skip(reason)


def tei_all_errors(paths: list[Path]) -> str:
    """Validate files against the official tei_all schema; return the error text."""
    skip_unless(
        TEI_ALL.is_file(), f"official TEI schema not found at {TEI_ALL} (outside this workspace)"
    )
    jing = shutil.which("jing")
    if jing:
        run = subprocess.run(
            [jing, str(TEI_ALL), *map(str, paths)], capture_output=True, text=True, check=False
        )
        errors = [line for line in run.stdout.splitlines() if "error" in line]
        return "\n".join(errors) if run.returncode else ""
    schema = _lxml_tei_all()
    problems = []
    for path in paths:
        if not schema.validate(etree.parse(str(path))):
            problems.append(f"{path}: {schema.error_log}")
    return "\n".join(problems)


def jing_verdicts(command: list[str], schema: Path, paths: list[Path]) -> dict[str, bool]:
    """jing's verdict on each file, in as few runs (JVM starts) as it takes: one for
    the plain files, but jing stops at a file that is not well-formed (the rest go in
    another run), and a file with a DOCTYPE, whose entities may abort jing for the
    files after it, runs alone."""
    verdicts: dict[str, bool] = {}
    todo = [str(p) for p in paths if b"<!DOCTYPE" not in p.read_bytes()]
    for alone in (str(p) for p in paths if str(p) not in todo):
        run = subprocess.run([*command, str(schema), alone], capture_output=True, check=False)
        verdicts[alone] = run.returncode == 0
    while todo:
        run = subprocess.run(
            [*command, str(schema), *todo], capture_output=True, text=True, check=False
        )
        bad: set[str] = set()
        stopped = len(todo)
        for m in re.finditer(r"^(.+?):\d+:\d+: (error|fatal)", run.stdout + run.stderr, re.M):
            bad.add(m.group(1))
            if m.group(2) == "fatal" and m.group(1) in todo:
                stopped = min(stopped, todo.index(m.group(1)) + 1)
        verdicts.update((f, f not in bad) for f in todo[:stopped])
        todo = todo[stopped:]
    return verdicts


@cache
def _lxml_tei_all() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(TEI_ALL)))


def projection(root: etree._Element) -> str:
    """The characters of <text> as the raw file had them: gaps become their raw forms."""
    text = root.find("t:text", NS)
    assert text is not None
    out: list[str] = []

    def walk(el: etree._Element) -> None:
        if el.tag == f"{{{NS['t']}}}gap":
            if el.get("reason") == "redacted":
                out.append("[REDACTED]")
            else:
                out.append("x" * int(el.get("quantity", "0")))
        else:
            out.append(el.text or "")
            for child in el:
                walk(child)
        if el is not text:
            out.append(el.tail or "")

    walk(text)
    return "".join(out)


def non_space(text: str) -> str:
    return "".join(text.split())


def is_subsequence(needle: str, haystack: str) -> bool:
    it = iter(haystack)
    return all(c in it for c in needle)


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The tests never read or write the user's cache (derived grammars, verdicts)."""
    os.environ["TEI_TOOLS_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
