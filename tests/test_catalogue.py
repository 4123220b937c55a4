"""The code catalogue: complete, typed, and every code reachable. Each code in it is
produced by some fixture (tests/fixtures/codes, tests/fixtures/tei) through the stage
that reports it, and a code outside it cannot be made."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner
from lxml import etree

from tei_tools.cli import cli
from tei_tools.collection import task
from tei_tools.collection.config import load_config
from tei_tools.collection.engine import validate_persons
from tei_tools.convert import convert_bytes, pipeline
from tei_tools.convert.people_file import load_people, parse_people
from tei_tools.convert.pipeline import convert_folder
from tei_tools.diagnostics import CODES, Code, Diagnostic, Severity
from tei_tools.export import export
from tei_tools.validate import Validator
from tei_tools.validate.rules import RULES

from .conftest import ROOT
from .test_sources import BODY, TRACKED, docx, para, run

CODE_FIXTURES = ROOT / "tests" / "fixtures" / "codes"
SOURCE_FIXTURES = ROOT / "tests" / "fixtures" / "sources"
PAGE_FIXTURES = ROOT / "tests" / "fixtures" / "page"
TEI_FIXTURES = ROOT / "tests" / "fixtures" / "tei"
SCHEMATRON = ROOT / "tests" / "fixtures" / "schemas" / "said-has-who.sch"


def test_every_diagnostic_has_a_level_and_an_unknown_code_cannot_be_made():
    for code in Code:
        assert Diagnostic(code, "x").level is code.severity
        assert Diagnostic(str(code), "x").format().startswith("<input>:0:0: ")
    with pytest.raises(ValueError, match="R999"):
        Diagnostic("R999", "x")
    assert set(RULES) == {c for c in CODES if c.startswith("R")}


def test_a_persons_finding_made_without_a_severity_formats(tmp_path):
    """validate_persons made R002 without a severity, and format() raised KeyError."""
    folder = tmp_path / "c"
    (folder / "raw").mkdir(parents=True)
    (folder / "encoded").mkdir()
    (folder / "encoded" / "persons.xml").write_text(
        '<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>t'
        "</title></titleStmt><publicationStmt><p>p</p></publicationStmt><sourceDesc><p>s</p>"
        "</sourceDesc></fileDesc><profileDesc><particDesc><listPerson>"
        '<person xml:id="a"><persName>A</persName></person>'
        '<person xml:id="a"><persName>B</persName></person>'
        "</listPerson></particDesc></profileDesc></teiHeader><text><body><p/></body></text></TEI>"
    )
    found = validate_persons(load_config(folder))
    assert "R002" in [d.code for d in found]
    assert all(d.format() for d in found)


def _converted() -> set[str]:
    people, _ = load_people(CODE_FIXTURES / "people.toml")
    codes: set[str] = set()
    for raw in sorted(CODE_FIXTURES.glob("*.txt")):
        result = convert_bytes(raw.read_bytes(), raw.name, people)
        codes |= {d.code for d in result.diagnostics}
    codes |= {d.code for d in load_people(CODE_FIXTURES / "bad-people.toml")[1]}
    return codes | _sources()


def _sources() -> set[str]:
    """The Word and PAGE readers' codes: a footnote (C401), a tracked change accepted
    (C403) and a symbol with no character code (C009) in a Word file, a damaged one
    (C008); PAGE files whose tags cross (C402), an OCR-D workspace of several groups
    (C404), eScriptorium's placeholder region (C405)."""
    symbol = '<w:r><w:sym w:char="zz"/></w:r>'
    body = para(run("Text"), '<w:r><w:footnoteReference w:id="1"/></w:r>', symbol) + TRACKED
    codes = {d.code for d in convert_bytes(docx(body), "memo.docx", tracked="accept").diagnostics}
    for page in (PAGE_FIXTURES / "tags.xml", PAGE_FIXTURES / "regions.xml"):
        codes |= {d.code for d in convert_bytes(page.read_bytes(), page.name).diagnostics}
    codes |= {d.code for d in convert_folder(PAGE_FIXTURES / "workspace").diagnostics}
    return codes | {d.code for d in convert_bytes(docx(BODY)[:-30], "cut.docx").diagnostics}


def _validated_and_exported() -> set[str]:
    codes: set[str] = set()
    validator = Validator(None)
    for path in sorted(TEI_FIXTURES.rglob("*.xml")) + sorted(CODE_FIXTURES.glob("*.xml")):
        codes |= {d.code for d in validator.iter_errors(path.name, path.read_bytes())}
        try:
            root = etree.parse(str(path)).getroot()
        except etree.XMLSyntaxError:
            continue
        for fmt in ("html", "text", "raw"):
            codes |= {d.code for d in export(root, fmt, view="reading", source=path.name)[1]}
    valid = TEI_FIXTURES / "valid" / "alterations.xml"
    tiny = Validator(None, max_bytes=16)
    codes |= {d.code for d in tiny.iter_errors(valid.name, valid.read_bytes())}
    capped = Validator(None, max_findings=1)
    invalid = CODE_FIXTURES / "rules.xml"
    codes |= {d.code for d in capped.iter_errors(invalid.name, invalid.read_bytes())}
    schematron = Validator(SCHEMATRON)
    said = b'<TEI xmlns="http://www.tei-c.org/ns/1.0"><said>x</said></TEI>'
    codes |= {d.code for d in schematron.iter_errors("said.xml", said)}
    codes |= {d.code for d in Validator(None).iter_errors("said.xml", said)}  # R010
    return codes


def _commands(tmp_path) -> set[str]:
    runner = CliRunner()
    # a PAGE export whose page image is not beside it (E004, from the site's build)
    export = tmp_path / "collection" / "raw" / "memo"
    (export / "page").mkdir(parents=True)
    shutil.copy(SOURCE_FIXTURES / "tagged.page.xml", export / "page" / "0001.xml")
    # one whose "image" is a web page (E005: only images are copied into the site)
    other = tmp_path / "collection" / "raw" / "memo2"
    shutil.copytree(export, other)
    (other / "0001.jpg").write_text("<script>alert(1)</script>")
    build = ["build", str(tmp_path / "collection"), "-j", "1", "--no-search"]
    out = runner.invoke(cli, build).output
    out += runner.invoke(cli, ["convert", str(tmp_path / "missing.txt")]).output
    # a Schematron rule that fails on a document (S003); an xml-model naming a missing
    # schema (V008)
    rules = tmp_path / "rules.sch"
    rules.write_text(
        '<schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt2">'
        '<ns prefix="t" uri="http://www.tei-c.org/ns/1.0"/><pattern><rule context="t:p">'
        '<assert test="xs:integer(.) gt 0">x</assert></rule></pattern></schema>'
    )
    doc = tmp_path / "doc.xml"
    doc.write_text(
        '<?xml-model href="nowhere.rng" schematypens="http://relaxng.org/ns/structure/1.0"?>'
        '<TEI xmlns="http://www.tei-c.org/ns/1.0"><p>a</p></TEI>'
    )
    out += runner.invoke(cli, ["validate", "--schema", str(rules), str(doc)]).output
    out += runner.invoke(cli, ["validate", str(doc)]).output
    out += runner.invoke(cli, ["validate", str(tmp_path / "missing.xml")]).output
    (tmp_path / "x.xml").write_text("<notTei/>")
    out += runner.invoke(cli, ["export", "--to", "text", str(tmp_path / "x.xml")]).output
    return {code for code in CODES if f" {code} " in out}


def _converter_bug(monkeypatch) -> set[str]:
    """C900 reports a converter bug: provoked by breaking the writer."""
    original = pipeline.write_tei

    def broken(doc, publication=None):  # type: ignore[no-untyped-def]
        tree = original(doc, publication)
        body = tree.getroot().find(".//{http://www.tei-c.org/ns/1.0}body")
        etree.SubElement(body, "bogus")
        return tree

    monkeypatch.setattr(pipeline, "write_tei", broken)
    found = {d.code for d in convert_bytes(b"A paragraph.\n", "x.txt").diagnostics}
    # C901: whatever a document's build raises fails that document alone
    monkeypatch.setattr(task, "convert_bytes", lambda *args, **kwargs: 1 / 0)
    job = task.Job("x", "raw/x.txt", b"A paragraph.\n", None, "", None, ("html",), "x.xml")
    return found | {d.code for d in task.run_job(job).diagnostics}


def test_every_code_in_the_catalogue_is_produced_by_a_fixture(tmp_path, monkeypatch):
    produced = _converted() | _validated_and_exported() | _commands(tmp_path)
    produced |= _converter_bug(monkeypatch)
    missing = sorted(set(CODES) - produced)
    assert missing == [], f"no fixture produces {missing}"


def test_people_file_errors_name_the_line_and_key():
    data = b'[[person]]\nid = "kuznetsov"\nname = "V. Kuznetsov"\n\n[[person]]\nid = "1ab"\n'
    data += b'name = 3\nalias = ["x"]\n\n[[person]]\nid = "kuznetsov"\nname = "Other"\n'
    people, diags = parse_people(data, "people.toml")
    found = [(d.line, d.code, d.message.split(" in ")[0]) for d in diags]
    assert (6, "C304", "id = '1ab'") in found
    assert (7, "C304", "name = 3") in found
    assert (8, "C304", "unknown key 'alias'") in found
    assert any(d.line == 11 and "also the id" in d.message for d in diags)
    assert all(d.level is Severity.ERROR for d in diags)
    assert [p.id for p in people] == ["kuznetsov"]
    for bad in (b'[[person]]\nid = "a b"\nname = "X"\n', b'[[person]]\nname = "X"\n'):
        assert parse_people(bad, "p.toml")[1]


def test_a_people_file_error_stops_convert_and_build_before_any_conversion(tmp_path):
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "memo.txt").write_text("Mr. Kuznetsov said no.\n")
    (tmp_path / "raw" / "people.toml").write_text('[[person]]\nid = "1ab"\nname = "X"\n')
    runner = CliRunner()
    result = runner.invoke(cli, ["convert", str(tmp_path / "raw" / "memo.txt")])
    assert result.exit_code == 2 and "people.toml:2:1: error C304" in result.output
    assert "C900" not in result.output and not (tmp_path / "raw" / "memo.xml").exists()
    result = runner.invoke(cli, ["build", str(tmp_path), "-j", "1"])
    assert result.exit_code == 2 and "people.toml:2:1: error C304" in result.output
    assert not (tmp_path / "encoded").exists()
