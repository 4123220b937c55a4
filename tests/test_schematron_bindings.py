"""Both query bindings give the same Schematron: XSLT 1 (lxml's compiled XSLT) and
XPath 2/3 (elementpath) report what fires, include what ``sch:include`` names, and
refuse what they cannot resolve."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from tei_tools.cli import cli

SCH = "http://purl.oclc.org/dsdl/schematron"
BINDINGS = ["xslt", "xslt2"]
DOC = (
    '<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p n="1">a</p>\n<p>b</p>'
    "</body></text></TEI>"
)


def schema(path: Path, binding: str, body: str) -> Path:
    path.write_text(
        f'<schema xmlns="{SCH}" queryBinding="{binding}">\n'
        '  <ns prefix="tei" uri="http://www.tei-c.org/ns/1.0"/>\n'
        f"  {body}\n</schema>\n"
    )
    return path


def validate(tmp_path: Path, rules: Path) -> tuple[int, str]:
    doc = tmp_path / "doc.xml"
    doc.write_text(DOC)
    result = CliRunner().invoke(cli, ["validate", "--schema", str(rules), str(doc)])
    return result.exit_code, result.output


@pytest.mark.parametrize("binding", BINDINGS)
def test_a_report_that_fires_is_a_finding_at_its_roles_severity(tmp_path, binding):
    rules = schema(
        tmp_path / "rules.sch",
        binding,
        '<pattern><rule context="tei:p"><assert test="true()">never</assert>'
        '<report test="not(@n)" role="warning">p without n</report>'
        '<report test="@n" role="info">numbered</report></rule></pattern>',
    )
    code, out = validate(tmp_path, rules)
    assert code == 0, out
    assert "doc.xml:2:1: warning S002 p without n" in out
    assert "doc.xml:1:" in out and "info S002 numbered" in out
    assert "never" not in out


@pytest.mark.parametrize("binding", BINDINGS)
def test_a_report_alone_fails_the_file_at_error_level(tmp_path, binding):
    rules = schema(
        tmp_path / "rules.sch",
        binding,
        '<pattern><rule context="tei:p"><report test="not(@n)">p without n</report>'
        "</rule></pattern>",
    )
    code, out = validate(tmp_path, rules)
    assert code == 1 and "doc.xml:2:1: error S002 p without n" in out, out
