"""The converter on memoranda it was not written from: the labelled devset beside the
project (../shared/devset), scored by its own scorer, and the raw round trip.

The targets are those of the README's "Accuracy" section; a change that lowers a
summary figure below its target, or any document below 0.80, fails here.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tei_tools.convert import convert_bytes
from tei_tools.export import export
from tests.conftest import ROOT, SEEDS, skip_unless

DEVSET = ROOT.parent / "shared" / "devset"
DEVSET_RAW = sorted((DEVSET / "raw").glob("*.txt"))
ERAS_RAW = sorted((DEVSET / "eras" / "raw").glob("*.txt"))
TARGETS = {
    "header": 0.99,
    "participants": 0.99,
    "speakers": 0.97,
    "paragraph_recall": 0.99,
    "paragraph_precision": 0.99,
}
SETS = ["main", "eras"]  # the first 40 memoranda, and 40 from eight other volumes
PER_DOCUMENT_MINIMUM = 0.80


@cache
def scored(tmp: str, source_format: str, which: str) -> dict[str, Any]:
    report = Path(tmp) / "devset-report.json"
    env = {**os.environ, "TEI_TOOLS": f"{sys.executable} -m tei_tools", "REPORT": str(report)}
    env["OUT"] = tmp
    env.pop("SET", None)
    if which != "main":
        env["SET"] = which
    run = subprocess.run(
        [str(DEVSET / "score"), "--format", source_format],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    data: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    return data


@pytest.fixture(
    scope="module",
    params=[(which, fmt) for which in SETS for fmt in ("raw", "docx", "page")],
    ids=lambda p: f"{p[0]}-{p[1]}",
)
def report(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> dict[str, Any]:
    """Each set's 40 documents typed raw, in Word and as a Transkribus PAGE export: one
    truth, so each figure must reach the same target in every format."""
    skip_unless((DEVSET / "score").is_file(), f"the devset is not at {DEVSET}")
    which, source_format = request.param
    tmp = str(tmp_path_factory.mktemp(f"devset-{which}-{source_format}"))
    return scored(tmp, source_format, which)


def test_devset_summary_meets_every_target(report: dict[str, Any]) -> None:
    summary = report["summary"]
    assert summary["converted"] == summary["documents"] == 40
    for key, target in TARGETS.items():
        assert summary[key] >= target, f"{key} {summary[key]:.3f} < {target}"
    for kind, f1 in summary["f1"].items():
        assert f1 is None or f1 == 1.0, f"{kind} F1 {f1}"
    assert summary["conservation"] == 1.0 and summary["reading"] == 1.0
    assert summary.get("valid", summary["documents"]) == summary["documents"]


def test_no_speaker_is_given_to_the_wrong_person(report: dict[str, Any]) -> None:
    """A speaker the text names but nobody declared stays unresolved; never another."""
    wrong = [
        f"{case['name']} paragraph {w['paragraph']}: {w['who']} for {w['want']}"
        for case in report["cases"]
        for w in ((case.get("metrics") or {}).get("speakers") or {}).get("wrong", [])
        if w["got"] is not None
    ]
    assert not wrong, "\n".join(wrong)


def test_no_devset_document_falls_below_the_minimum(report: dict[str, Any]) -> None:
    low = []
    for case in report["cases"]:
        m = case.get("metrics") or {}
        figures = {
            "header": (m.get("header") or {}).get("score"),
            "paragraph recall": (m.get("structure") or {}).get("recall"),
        }
        if m.get("participants"):
            figures["participants"] = m["participants"]["found"] / m["participants"]["total"]
        if m.get("speakers") and m["speakers"]["total"]:
            figures["speakers"] = m["speakers"]["accuracy"]
        low += [
            f"{case['name']}: {k} {v:.2f}"
            for k, v in figures.items()
            if v is not None and v < PER_DOCUMENT_MINIMUM
        ]
    assert not low, "\n".join(low)


def _without_revision(xml: bytes) -> str:
    return re.sub(r"<revisionDesc>.*</revisionDesc>", "", xml.decode("utf-8"), flags=re.S)


@pytest.mark.parametrize("raw", [*SEEDS, *DEVSET_RAW, *ERAS_RAW], ids=lambda p: p.stem)
def test_raw_round_trip_gives_the_same_tei(raw: Path) -> None:
    """convert → export --to raw → convert: the same TEI but for the revision record
    (which names the raw file's checksum)."""
    first = convert_bytes(raw.read_bytes(), str(raw))
    assert first.tree is not None, first.diagnostics
    text, _ = export(first.tree.getroot(), "raw")
    again = convert_bytes(text.encode("utf-8"), str(raw))
    assert again.tree is not None, again.diagnostics
    assert _without_revision(again.xml()) == _without_revision(first.xml())
