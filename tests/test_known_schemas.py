"""Schemas the TEI publishes that tei-tools knows, by their bytes, to be RELAX NG jing
accepts (``validate/pruned/known.py``): each entry is the file beside this clone, jing
accepts it, and a first run against it starts no Java to check the schema itself."""

from __future__ import annotations

import hashlib
import shutil
import subprocess

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
