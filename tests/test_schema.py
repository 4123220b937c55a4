"""The project schema: the ODD and the XSD agree, and the XSD is a subset of tei_all."""

from __future__ import annotations

import shutil
from html import escape
from pathlib import Path

import pytest
import xmlschema
from hypothesis import HealthCheck, given, settings
from lxml import etree

from tei_tools.convert import convert_bytes, convert_text
from tei_tools.convert.pipeline import Conversion, convert_folder
from tei_tools.schema_files import project_schema_path
from tei_tools.validate import Validator

from .conftest import (
    ENCODED_DOCS,
    NS,
    ROOT,
    SEEDS,
    TEI_ALL,
    jing_verdicts,
    skip_unless,
    tei_all_errors,
)
from .test_conservation import _DOCS
from .test_hostile_collection import export
from .test_pointers import NAMES

ODD = ROOT / "schema" / "tei_tools.odd"
VALID_FIXTURES = sorted((ROOT / "tests" / "fixtures" / "tei" / "valid").glob("*.xml"))
FIXTURES = ROOT / "tests" / "fixtures"
SHARED = ROOT.parent / "shared"


def xsd():
    return xmlschema.XMLSchema(str(project_schema_path()))


def xsd_elements():
    return {c.local_name for c in xsd().iter_components(xmlschema.XsdElement)}


def xsd_enumerations():
    found = {}
    for element in xsd().iter_components(xmlschema.XsdElement):
        for name, attribute in element.attributes.items():
            enumeration = getattr(attribute.type, "enumeration", None)
            if enumeration and name:
                found[(element.local_name, name.rsplit("}", 1)[-1])] = set(enumeration)
    return found


def odd():
    return etree.parse(str(ODD))


def test_odd_and_xsd_name_the_same_elements():
    included = set()
    for ref in odd().iterfind(".//t:schemaSpec/t:moduleRef", NS):
        included |= set((ref.get("include") or "").split())
    assert included == xsd_elements()


def test_odd_value_lists_match_xsd_enumerations():
    enumerations = xsd_enumerations()
    odd_lists = {}
    for spec in odd().iterfind(".//t:elementSpec", NS):
        for att in spec.iterfind(".//t:attDef", NS):
            values = {
                v.get("ident") for v in att.iterfind("t:valList[@type='closed']/t:valItem", NS)
            }
            if values:
                odd_lists[(spec.get("ident"), att.get("ident"))] = values
    assert odd_lists
    for key, values in odd_lists.items():
        assert enumerations.get(key) == values, key
    # and every enumeration in the XSD is documented in the ODD
    assert set(enumerations) == set(odd_lists)


def test_odd_is_valid_tei():
    assert tei_all_errors([ODD]) == ""


def test_valid_documents_are_valid_against_tei_all_too():
    validator = Validator(select=["S", "V"])
    files = ENCODED_DOCS + VALID_FIXTURES
    for path in files:
        assert validator.is_valid(str(path), path.read_bytes()), path
    assert tei_all_errors(files) == ""


def test_converter_outputs_are_valid_against_both_schemas(tmp_path):
    """The subset property on generated documents: valid here ⇒ valid against tei_all."""
    validator = Validator(select=["S", "V"])
    written = []

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(_DOCS)
    def convert_one(raw):
        result = convert_text(raw, "generated.txt")
        if result.ok:
            xml = result.xml()
            problems = list(validator.iter_errors("generated.xml", xml))
            assert not problems, (raw, [d.format() for d in problems])
            path = tmp_path / f"g{len(written):04d}.xml"
            path.write_bytes(xml)
            written.append(path)

    convert_one()
    assert len(written) > 50
    assert tei_all_errors(written) == ""


# -- the oracle: valid here => valid against tei_all, on what the converter makes ----------


def _project_inputs(tmp_path: Path) -> list[Path]:
    """The seeds, the small fixtures, and a PAGE export whose image names and a raw
    file whose addresses are the awkward ones of tests/test_pointers.py."""
    pages = {f"page/{n:04d}.xml": escape(name) for n, name in enumerate(NAMES, 1)}
    links = tmp_path / "links.txt"
    links.write_text("MEMORANDUM\n\nSee <https://example.org/100%/a[1]?q=[x]#one#two>.\n")
    return [
        *SEEDS,
        *sorted(FIXTURES.rglob("*.txt")),
        *sorted(FIXTURES.glob("sources/*")),
        *sorted(FIXTURES.glob("codes/*.xml")),
        export(tmp_path / "names", pages, {}),
        links,
    ]


def _shared_inputs(corpus: str) -> list[Path]:
    """A sample of a shared corpus's Word files and PAGE exports, read in place: every
    fourth of the devset's (its units are alike), all of realworld's."""
    if corpus == "devset":
        found: list[Path] = []
        for base in (SHARED / "devset", SHARED / "devset" / "eras"):
            found += sorted((base / "docx").glob("*.docx"))[::4]
            found += sorted(p for p in (base / "page").glob("*") if p.is_dir())[::4]
        return found
    return sorted((SHARED / corpus / "docx").glob("*.docx")) + sorted(
        (SHARED / corpus / "page").glob("*")
    )


def _convert(path: Path) -> Conversion:
    if path.is_dir():
        return convert_folder(path)
    return convert_bytes(path.read_bytes(), path.name, base=path.parent)


@pytest.mark.parametrize("corpus", ["project", "devset", "realworld"])
def test_every_output_valid_against_the_project_schema_is_valid_against_tei_all(tmp_path, corpus):
    """The subset property on what the converter makes of real inputs: whatever the
    project schema lets through, tei_all (as jing checks it) lets through too."""
    skip_unless(TEI_ALL.is_file(), f"official TEI schema not found at {TEI_ALL}")
    jing = shutil.which("jing")
    skip_unless(jing is not None, "jing is not installed (the oracle is jing's verdict)")
    if corpus == "project":
        inputs = _project_inputs(tmp_path)
    else:
        skip_unless((SHARED / corpus).is_dir(), f"{SHARED / corpus} is not beside this clone")
        inputs = _shared_inputs(corpus)
    schema = etree.XMLSchema(etree.parse(str(project_schema_path())))
    outputs: dict[Path, Path] = {}
    for n, source in enumerate(inputs):
        result = _convert(source)
        if result.tree is not None and schema.validate(result.tree):
            out = tmp_path / f"out{n:03d}.xml"
            out.write_bytes(result.xml())
            outputs[out] = source
    assert len(outputs) >= min(10, len(inputs) // 2), (corpus, len(outputs), len(inputs))
    verdicts = jing_verdicts([str(jing)], TEI_ALL, list(outputs))
    refused = [out for out in outputs if not verdicts[str(out)]]
    detail = tei_all_errors(refused[:3]) if refused else ""
    assert not refused, ([str(outputs[out]) for out in refused], detail)
