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


NEEDS_N = (
    '<pattern id="numbered"><rule context="tei:p"><assert test="@n">p without n</assert>'
    "</rule></pattern>"
)


@pytest.mark.parametrize("binding", BINDINGS)
def test_an_included_pattern_runs(tmp_path, binding):
    (tmp_path / "parts").mkdir()
    (tmp_path / "parts" / "numbered.sch").write_text(
        NEEDS_N.replace("<pattern ", f'<pattern xmlns="{SCH}" ', 1)
    )
    rules = schema(tmp_path / "rules.sch", binding, '<include href="parts/numbered.sch"/>')
    code, out = validate(tmp_path, rules)
    assert code == 1 and "doc.xml:2:1: error S002 p without n" in out, out


@pytest.mark.parametrize("binding", BINDINGS)
def test_an_include_by_fragment_and_an_include_inside_an_included_file(tmp_path, binding):
    # library.sch holds the pattern by id; its rule takes its assert from asserts.sch
    schema(
        tmp_path / "library.sch",
        binding,
        '<pattern id="numbered"><rule context="tei:p"><include href="asserts.sch#n"/>'
        '</rule></pattern><pattern id="unused"><rule context="tei:p">'
        '<assert test="false()">unused</assert></rule></pattern>',
    )
    (tmp_path / "asserts.sch").write_text(
        f'<rule xmlns="{SCH}" context="x"><assert id="n" test="@n">p without n</assert></rule>'
    )
    rules = schema(tmp_path / "rules.sch", binding, '<include href="library.sch#numbered"/>')
    code, out = validate(tmp_path, rules)
    assert code == 1 and "doc.xml:2:1: error S002 p without n" in out, out
    assert "unused" not in out


@pytest.mark.parametrize("binding", BINDINGS)
def test_extends_takes_the_children_of_what_it_names(tmp_path, binding):
    (tmp_path / "base.sch").write_text(
        f'<rule xmlns="{SCH}" context="x"><assert test="@n">p without n</assert></rule>'
    )
    rules = schema(
        tmp_path / "rules.sch",
        binding,
        '<pattern><rule context="tei:p"><extends href="base.sch"/></rule></pattern>',
    )
    code, out = validate(tmp_path, rules)
    assert code == 1 and "doc.xml:2:1: error S002 p without n" in out, out


@pytest.mark.parametrize("binding", BINDINGS)
@pytest.mark.parametrize(
    ("target", "says"),
    [
        ("missing.sch", "cannot read"),
        ("rules.sch", "cycle"),
        ("loop.sch", "cycle"),
        ("http://127.0.0.1:9/x.sch", "network"),
        ("parts.sch#nothing", "no Schematron element with id 'nothing'"),
        ("whole.sch", "a whole schema"),
    ],
)
def test_an_include_that_cannot_be_resolved_is_refused_with_its_place(
    tmp_path, binding, target, says
):
    (tmp_path / "loop.sch").write_text(
        f'<pattern xmlns="{SCH}">\n<include href="rules.sch#p"/></pattern>'
    )
    (tmp_path / "parts.sch").write_text(f'<pattern xmlns="{SCH}" id="p"/>')
    schema(tmp_path / "whole.sch", binding, NEEDS_N)
    rules = schema(
        tmp_path / "rules.sch", binding, f'<pattern id="p"><include href="{target}"/></pattern>'
    )
    code, out = validate(tmp_path, rules)
    assert code == 2, out
    assert says in out and "Traceback" not in out
    assert ".sch:3:" in out or ".sch:2:" in out, out


def test_includes_that_multiply_are_refused_not_expanded(tmp_path):
    """Each level includes the next twice: 2**40 copies, were they made."""
    for level in range(40):
        (tmp_path / f"l{level}.sch").write_text(
            f'<pattern xmlns="{SCH}"><include href="l{level + 1}.sch"/>'
            f'<include href="l{level + 1}.sch"/></pattern>'
        )
    (tmp_path / "l40.sch").write_text(f'<rule xmlns="{SCH}" context="tei:p"/>')
    rules = schema(tmp_path / "rules.sch", "xslt2", '<include href="l0.sch"/>')
    code, out = validate(tmp_path, rules)
    assert code == 2 and "include" in out, out
