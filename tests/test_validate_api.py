"""The validator's API (after xmlschema's triad): ``iter_errors`` is a generator,
``is_valid`` stops at the first error, and a batch engine's pending verdict never
escapes the public API."""

from __future__ import annotations

import inspect

import pytest

from tei_tools.diagnostics import Severity
from tei_tools.schema_files import project_schema_path
from tei_tools.validate import Validator
from tei_tools.validate.relaxng import JingSchema, jing_command

from .conftest import ROOT, skip_unless

TEI_ALL = ROOT.parent / "shared" / "tei-p5" / "tei_all.rng"
INVALID = (
    b'<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>t'
    b"</title></titleStmt><publicationStmt><p>p</p></publicationStmt><sourceDesc><p>s</p>"
    b"</sourceDesc></fileDesc></teiHeader><text><body><zz/></body></text></TEI>"
)


def test_iter_errors_is_a_generator():
    assert inspect.isgenerator(Validator().iter_errors("x.xml", INVALID))
    assert inspect.isgenerator(Validator(max_findings=0).iter_errors("x.xml", INVALID))


def test_is_valid_stops_at_the_first_error(monkeypatch):
    validator = Validator()

    def rules_must_not_run(doc):  # type: ignore[no-untyped-def]
        pytest.fail("the rules ran after the schema had found an error")

    monkeypatch.setattr(validator, "_rules", rules_must_not_run)
    assert validator.is_valid("x.xml", INVALID) is False


def test_max_findings_zero_streams_the_same_findings_as_the_capped_path():
    streamed = [d.code for d in Validator(max_findings=0).iter_errors("x.xml", INVALID)]
    capped = [d.code for d in Validator(max_findings=100).iter_errors("x.xml", INVALID)]
    assert sorted(streamed) == sorted(capped) and "S001" in streamed


def test_a_pending_verdict_never_escapes_iter_errors(tmp_path):
    skip_unless(TEI_ALL.is_file(), f"tei_all.rng is not at {TEI_ALL}")
    skip_unless(jing_command() is not None, "jing is not installed")
    doc = tmp_path / "bad.xml"
    doc.write_bytes(INVALID)
    validator = Validator(TEI_ALL, cache=False, schematron=False)
    schema = validator.schema
    assert isinstance(schema, JingSchema)
    schema.prepare([str(doc)])  # the batch is ready, libxml2 will not accept the file
    assert validator.check(str(doc), INVALID, defer=True).__class__.__name__ == "Pending"
    found = list(validator.iter_errors(str(doc), INVALID))  # jing, now, for this file
    assert found and {d.code for d in found} == {"S001"} and "zz" in found[0].message


def _pointing(target: str) -> bytes:
    return INVALID.replace(b"<zz/>", f'<p><persName ref="{target}">A</persName></p>'.encode())


def test_a_pointer_into_another_file_sees_that_file_as_it_is_now(tmp_path):
    """One validator, many documents (a CI job, a server): a file pointed at is read
    again when it changes, appears or goes, never answered from an earlier state."""
    validator = Validator(select=["R001"])
    doc = tmp_path / "doc.xml"
    doc.write_bytes(_pointing("persons.xml#a"))
    persons = tmp_path / "persons.xml"

    def dangling() -> bool:
        return any(d.code == "R001" for d in validator.iter_errors(str(doc), doc.read_bytes()))

    assert not dangling()  # no such file: nothing to check against
    persons.write_bytes(INVALID.replace(b"<zz/>", b'<p xml:id="b">x</p>'))
    assert dangling()
    persons.write_bytes(INVALID.replace(b"<zz/>", b'<p xml:id="a">x</p><!-- longer -->'))
    assert not dangling()
    persons.unlink()
    assert not dangling()


def test_warnings_past_the_cap_stay_warnings_and_leave_a_document_valid(tmp_path):
    """A Schematron warning on every paragraph: is_valid is True, and the findings the
    cap hides are counted as the warnings they are."""
    rules = tmp_path / "w.sch"
    rules.write_text(
        '<schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt2">'
        '<ns prefix="tei" uri="http://www.tei-c.org/ns/1.0"/><pattern id="w">'
        '<rule context="tei:p"><report test="true()" role="warning">a p</report></rule>'
        "</pattern></schema>"
    )
    doc = b'<TEI xmlns="http://www.tei-c.org/ns/1.0"><p>1</p><p>2</p><p>3</p></TEI>'
    assert Validator(rules, cache=False).is_valid("d.xml", doc)
    found = list(Validator(rules, cache=False, max_findings=2).iter_errors("d.xml", doc))
    assert found[-1].code == "V007" and found[-1].level is Severity.WARNING, found[-1]


def test_a_schema_is_named_by_a_path_or_its_string(tmp_path):
    """``Validator("schema.rng")`` is the path, as a string: the same verdicts as a Path."""
    schema = tmp_path / "tiny.rng"
    schema.write_text(
        '<element name="TEI" ns="http://www.tei-c.org/ns/1.0"'
        ' xmlns="http://relaxng.org/ns/structure/1.0"><text/></element>'
    )
    by_string, by_path = Validator(str(schema)), Validator(schema)
    good = b'<TEI xmlns="http://www.tei-c.org/ns/1.0">x</TEI>'
    bad = b'<TEI xmlns="http://www.tei-c.org/ns/1.0"><p/></TEI>'
    assert by_string.is_valid("d.xml", good) and by_path.is_valid("d.xml", good)
    assert not by_string.is_valid("d.xml", bad) and not by_path.is_valid("d.xml", bad)


_PROFILED = b"""<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc>
<titleStmt><title>t</title></titleStmt><publicationStmt><p>p</p></publicationStmt>
<sourceDesc><p>s</p></sourceDesc></fileDesc></teiHeader>
<standOff><listPerson><person xml:id="p1"><persName>Ann</persName></person></listPerson></standOff>
<text><body><pb n="2"/><p><said who="#p1">Yes.</said> <persName>Bob</persName>
<said>No.</said> <date when="1962-02-30">x</date> <ref target="#nowhere">y</ref></p>
<pb n="1"/><fw type="pageNum">7</fw><p>z</p></body></text></TEI>"""
# the rules of tei-tools' own encoding (the speakers of a memorandum declared in
# particDesc, its pages in order, every name linked), not of TEI
_PROFILE = {"R003", "R006", "R009", "R010", "R011"}


def _rule_codes(validator: Validator) -> set[str]:
    return {d.code for d in validator.iter_errors("d.xml", _PROFILED) if d.code[0] == "R"}


def test_the_encodings_own_rules_run_with_the_project_schema_not_with_another(tmp_path):
    """Another project's TEI declares its speakers in a listPerson and may number
    pages as it likes: against its schema, tei-tools' own conventions are no errors;
    TEI's (pointers resolve, dates exist) still hold, and a rule named in --select runs."""
    anything = tmp_path / "any.rng"
    anything.write_text(
        '<grammar xmlns="http://relaxng.org/ns/structure/1.0"><start><ref name="e"/></start>'
        '<define name="e"><element><anyName/><zeroOrMore><choice><attribute><anyName/>'
        '</attribute><text/><ref name="e"/></choice></zeroOrMore></element></define></grammar>'
    )
    assert _rule_codes(Validator(cache=False)) >= _PROFILE | {"R001", "R007"}
    named_project = Validator(project_schema_path(), cache=False)
    assert _rule_codes(named_project) == _rule_codes(Validator(cache=False))
    other = _rule_codes(Validator(anything, cache=False))
    assert other & _PROFILE == set() and {"R001", "R007"} <= other
    named = _rule_codes(Validator(anything, select=["R003", "R011", "R001"], cache=False))
    assert named == {"R003", "R011", "R001"}
    assert _rule_codes(Validator(anything, select=["R"], cache=False)) == other
