"""The project schema: the ODD and the XSD agree, and the XSD is a subset of tei_all."""

from __future__ import annotations

import pytest
import xmlschema
from hypothesis import HealthCheck, given, settings
from lxml import etree

from tei_tools.convert import convert_text
from tei_tools.schema_files import project_schema_path
from tei_tools.validate import Validator

from .conftest import ENCODED_DOCS, NS, ROOT, tei_all_errors
from .test_conservation import _DOCS

ODD = ROOT / "schema" / "tei_tools.odd"
VALID_FIXTURES = sorted((ROOT / "tests" / "fixtures" / "tei" / "valid").glob("*.xml"))


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
    if not written:
        pytest.skip("nothing generated")
    assert tei_all_errors(written) == ""
