"""Schemas the TEI publishes that tei-tools knows, by their bytes, to be RELAX NG jing
accepts (``validate/pruned/known.py``): each entry is the file beside this clone, jing
accepts it, and a first run against it starts no Java to check the schema itself."""

from __future__ import annotations

import hashlib
import shutil
import subprocess

import pytest

from tei_tools.validate.pruned import cache
from tei_tools.validate.pruned.known import ACCEPTED_BY_JING, accepted_by_jing

from .conftest import ROOT, TEI_ALL, skip_unless

SHARED = ROOT.parent / "shared"
PUBLISHED = [TEI_ALL, SHARED / "corpora" / "tei-simple" / "teisimple.rng"]


def test_every_known_schema_is_a_file_jing_accepts() -> None:
    skip_unless(all(p.is_file() for p in PUBLISHED), f"the published schemas are not in {SHARED}")
    skip_unless(shutil.which("jing") is not None, "jing is not installed")
    digests = {hashlib.sha256(p.read_bytes()).hexdigest(): p for p in PUBLISHED}
    assert set(ACCEPTED_BY_JING) <= set(digests), "an entry names no file here"
    for digest in ACCEPTED_BY_JING:
        run = subprocess.run(["jing", str(digests[digest])], capture_output=True, check=False)
        assert run.returncode == 0, (digests[digest], run.stdout)


def test_a_known_schema_is_not_checked_again_and_another_is(tmp_path, monkeypatch) -> None:
    skip_unless(TEI_ALL.is_file(), f"tei_all.rng is not at {TEI_ALL}")
    assert accepted_by_jing(TEI_ALL)
    changed = tmp_path / "tei_all.rng"
    changed.write_bytes(TEI_ALL.read_bytes() + b"\n")
    assert not accepted_by_jing(changed)
    started: list[list[str]] = []
    monkeypatch.setattr(cache, "_in_background", lambda args, _: started.append(args))
    monkeypatch.setenv("TEI_TOOLS_CACHE_DIR", str(tmp_path / "cache"))
    cache.verify_ahead("known", TEI_ALL, ["jing"])
    cache.verify_ahead("changed", changed, ["jing"])
    assert started == [["jing", str(changed)]]


def test_every_known_schema_is_one_the_simplifier_covers() -> None:
    skip_unless(all(p.is_file() for p in PUBLISHED), f"the published schemas are not in {SHARED}")
    from tei_tools.validate.pruned.simplify import covers
    from tei_tools.xmlparse import parse_file

    for path in PUBLISHED:
        assert accepted_by_jing(path)
        assert covers(parse_file(path, huge=True).getroot()), path


def test_the_shipped_rule_filters_are_what_the_rules_give_now() -> None:
    """A known schema's rules are not parsed on a first run: what each needs of a
    document ships. After a change to the pre-filter this fails; then
    ``python -m tei_tools.validate.pruned.known SCHEMA…`` writes them again."""
    skip_unless(all(p.is_file() for p in PUBLISHED), f"the published schemas are not in {SHARED}")
    from tei_tools.validate.pruned.known import computed_needs, rule_needs

    for path in PUBLISHED:
        assert rule_needs([path]) == computed_needs(path), path
    assert rule_needs([PUBLISHED[0], PUBLISHED[1]]) is None  # rules of one known file only


def test_a_first_run_against_tei_all_reads_neither_every_define_nor_every_rule(
    tmp_path, monkeypatch
) -> None:
    """With an empty cache, tei_all's coverage and its rules' pre-filters are known: the
    grammar is not read whole, no rule is parsed (elementpath is not loaded)."""
    skip_unless(TEI_ALL.is_file(), f"tei_all.rng is not at {TEI_ALL}")
    import sys

    from tei_tools.validate import Validator
    from tei_tools.validate.pruned import engines

    monkeypatch.setenv("TEI_TOOLS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(engines, "covers", lambda root: pytest.fail("read every define"))
    for name in [m for m in sys.modules if m == "elementpath" or m.startswith("elementpath.")]:
        monkeypatch.delitem(sys.modules, name)
    validator = Validator(schema=TEI_ALL)
    assert validator.schema.rules.rules.lazy
    assert "elementpath" not in sys.modules


def test_only_the_process_that_started_jings_check_of_a_schema_collects_it(
    tmp_path, monkeypatch
) -> None:
    """A worker forked while jing checks the schema cannot wait for that check (it is
    not jing's parent): it must not take the check as passed, nor remember it so."""
    import os

    monkeypatch.setenv("TEI_TOOLS_CACHE_DIR", str(tmp_path / "cache"))
    schema = tmp_path / "schema.rng"
    schema.write_text("<grammar/>")
    cache.verify_ahead("refused", schema, ["sh", "-c", "echo 'x: error: refused'; exit 1", "sh"])
    pid = os.fork()
    if pid == 0:  # pragma: no cover (the child's outcome is its exit status)
        said = cache.verified("refused")
        os._exit(0 if said is None else 3)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert not (tmp_path / "cache" / "rng" / "refused.verified").exists()
    assert cache.verified("refused") is not None  # the parent hears jing's refusal
