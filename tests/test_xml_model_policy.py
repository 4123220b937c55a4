"""A document's ``<?xml-model?>`` schemas are checked in addition to the project
schema (or the one --schema names), never instead: a document cannot opt out of the
checks CI runs by naming a lax grammar of its own."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from tei_tools.cli import cli

RNG_NS = "http://relaxng.org/ns/structure/1.0"
SCH_NS = "http://purl.oclc.org/dsdl/schematron"
LAX = f"""<grammar xmlns="{RNG_NS}"><start><ref name="any"/></start>
<define name="any"><element><anyName/><zeroOrMore><choice><attribute><anyName/></attribute>
<text/><ref name="any"/></choice></zeroOrMore></element></define></grammar>"""
BOGUS = (
    '<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader/><text><body><bogus/></body>'
    "</text></TEI>\n"
)


def document(tmp_path: Path, *models: tuple[str, str]) -> Path:
    pis = "".join(f'<?xml-model href="{href}" schematypens="{ns}"?>\n' for href, ns in models)
    path = tmp_path / "doc.xml"
    path.write_text(f'<?xml version="1.0"?>\n{pis}{BOGUS}')
    return path


def validate(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["validate", *map(str, args)])
    return result.exit_code, result.output


def test_a_lax_grammar_of_its_own_does_not_replace_the_project_schema(tmp_path):
    (tmp_path / "lax.rng").write_text(LAX)
    doc = document(tmp_path, ("lax.rng", RNG_NS))
    code, out = validate(doc)
    assert code == 1, out
    assert "S001" in out and "bogus" in out
    assert "1 file checked: 0 without errors, 1 with errors" in out


def test_the_xml_model_schemas_add_their_findings(tmp_path):
    (tmp_path / "lax.rng").write_text(LAX)
    (tmp_path / "rules.sch").write_text(
        f'<schema xmlns="{SCH_NS}" queryBinding="xslt2"><ns prefix="t" '
        'uri="http://www.tei-c.org/ns/1.0"/><pattern><rule context="t:bogus">'
        '<report test="true()">no bogus here</report></rule></pattern></schema>'
    )
    doc = document(tmp_path, ("lax.rng", RNG_NS), ("rules.sch", SCH_NS))
    code, out = validate(doc)
    assert code == 1, out
    assert "S002 no bogus here" in out  # the document's own Schematron
    assert "S001" in out  # and the project schema


def test_an_unusable_xml_model_is_v008_and_the_project_schema_still_runs(tmp_path):
    doc = document(tmp_path, ("nowhere.rng", RNG_NS))
    code, out = validate(doc)
    assert code == 1, out
    assert "V008" in out and "S001" in out


def test_verbose_names_every_schema_a_file_is_checked_against(tmp_path):
    (tmp_path / "lax.rng").write_text(LAX)
    doc = document(tmp_path, ("lax.rng", RNG_NS))
    result = CliRunner().invoke(cli, ["validate", "--verbose", str(doc)])
    assert "tei_tools.xsd" in result.output and "lax.rng" in result.output
    assert "in addition" in result.output
