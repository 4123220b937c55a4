"""R007/R012: dates and times as TEI defines them (att.datable.w3c), and archive TEI
that jing calls valid passes the validator with no error."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tei_tools.validate import Validator
from tests.conftest import ROOT, TEI_ALL, skip_unless

FRUS = ROOT.parent / "shared" / "corpora" / "frus"

DOCUMENT = """<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc>
<titleStmt><title>t</title></titleStmt><publicationStmt><p>p</p></publicationStmt>
<sourceDesc><p>s</p></sourceDesc></fileDesc></teiHeader>
<text><body><p><date {attrs}>x</date></p></body></text></TEI>"""


def codes(attrs: str) -> list[str]:
    data = DOCUMENT.format(attrs=attrs).encode()
    return [d.code for d in Validator(select=["R007", "R012"]).iter_errors("d.xml", data)]


@pytest.mark.parametrize(
    "value",
    [
        "1962-11-06",  # xs:date
        "1962-11-06Z",
        "1962-11-06+03:00",
        "1962-02-28",
        "1960-02-29",  # a leap year
        "2000-02-29",
        "1962-11-06T16:30:00",  # xs:dateTime
        "1962-11-06T16:30:00.5-05:00",
        "16:30:00",  # xs:time
        "24:00:00",
        "1962-11",  # xs:gYearMonth
        "1962",  # xs:gYear
        "-0044",  # 44 BC
        "12345",
        "--11-06",  # xs:gMonthDay
        "--02-29",
        "--11",  # xs:gMonth
        "---06",  # xs:gDay
    ],
)
def test_every_w3c_type_is_accepted(value):
    assert codes(f'when="{value}"') == []


@pytest.mark.parametrize(
    "value",
    [
        "1962-02-30",
        "1900-02-29",  # not a leap year
        "1962-13",
        "1962-00-10",
        "25:00:00",
        "16:60:00",
        "1962-11-06T24:30:00",
        "--02-30",
        "---32",
        "0000",
        "6 November 1962",
        "1962/11/06",
    ],
)
def test_impossible_values_are_errors(value):
    assert codes(f'when="{value}"') == ["R007"]


def test_every_date_attribute_is_checked():
    for attr in ("when", "notBefore", "notAfter", "from", "to"):
        assert codes(f'{attr}="1962-02-30"') == ["R007"], attr


def test_a_range_that_ends_before_it_starts():
    assert codes('from="1962-11-07" to="1962-11-06"') == ["R007"]
    assert codes('notBefore="1963" notAfter="1962"') == ["R007"]
    assert codes('from="1962-11-06" to="1962-11-07"') == []
    assert codes('from="1962" to="1962-11-07"') == []  # different types: not compared
    # A time of day may cross midnight: a warning, not an error.
    assert codes('from="09:30:00" to="09:00:00"') == ["R012"]
    assert codes('from="16:30:00" to="17:10:00"') == []


@pytest.mark.parametrize(
    "element",
    [
        '<locus from="1ra:1" to="51va:24">fol. 1ra</locus>',  # folio references
        '<citedRange from="12" to="3">pp.</citedRange>',  # att.citing: page numbers
        '<span from="#a" to="#b"/>',  # pointers
        '<rt from="#a" to="#b"/>',
        '<x:date xmlns:x="urn:example" when="1962-02-30"/>',  # not TEI
    ],
)
def test_from_and_to_where_tei_makes_them_no_dates_are_not_read_as_dates(element):
    """Only att.datable's attributes hold W3C dates; a locus's @from is a folio, a
    span's a pointer: reading them as dates gave errors on valid TEI."""
    data = (
        DOCUMENT.replace(
            "<date {attrs}>x</date>", f'<anchor xml:id="a"/>{element}<anchor xml:id="b"/>'
        )
    ).encode()
    found = Validator(select=["R007", "R012"]).iter_errors("d.xml", data)
    assert [d.format() for d in found] == []


def test_every_datable_element_of_tei_is_checked():
    """The elements whose dates are checked are att.datable's members in the TEI's own
    source (p5subset.xml), all of them."""
    from lxml import etree

    from tei_tools.validate.rules import DATABLE

    p5 = ROOT.parent / "shared" / "tei-p5" / "reference" / "p5subset.xml"
    skip_unless(p5.is_file(), f"p5subset.xml is not at {p5}")
    ns = {"t": "http://www.tei-c.org/ns/1.0"}
    tree = etree.parse(str(p5))
    member_of = {
        spec.get("ident"): {m.get("key") for m in spec.iterfind("t:classes/t:memberOf", ns)}
        for spec in tree.iterfind(".//t:classSpec", ns)
    }

    def datable(classes, seen=frozenset()):
        return any(
            c in ("att.datable", "att.datable.w3c")
            or (c not in seen and datable(member_of.get(c, set()), seen | {c}))
            for c in classes
        )

    expected = {
        spec.get("ident")
        for spec in tree.iterfind(".//t:elementSpec", ns)
        if datable({m.get("key") for m in spec.iterfind("t:classes/t:memberOf", ns)})
    }
    assert {name.split("}")[1] for name in DATABLE} == expected
    for name in ("date", "birth", "change", "persName"):
        assert codes_on(name, 'when="1962-02-30"') == ["R007"], name


def codes_on(element: str, attrs: str) -> list[str]:
    data = DOCUMENT.replace("<date {attrs}>x</date>", f"<{element} {attrs}>x</{element}>")
    return [d.code for d in Validator(select=["R007"]).iter_errors("d.xml", data.encode())]


def test_archive_tei_that_jing_calls_valid_has_no_error(tmp_path):
    skip_unless(FRUS.is_dir(), f"the FRUS volumes are not at {FRUS}")
    skip_unless(TEI_ALL.is_file(), f"tei_all.rng is not at {TEI_ALL}")
    validator = Validator(schema=TEI_ALL)
    for volume in sorted(FRUS.glob("*.xml")):
        found = validator.iter_errors(volume.name, volume.read_bytes())
        errors = [f"{d.line}: {d.code} {d.message}" for d in found if d.level.name == "ERROR"]
        assert errors == [], volume.name


TEI_SIMPLE = ROOT.parent / "shared" / "corpora" / "tei-simple"


def test_a_schema_libxml2_cannot_compile_gives_jings_verdicts():
    """TEI Simple: libxml2 never finishes compiling it; jing checks its test files."""
    from tei_tools.validate.relaxng import jing_command

    skip_unless((TEI_SIMPLE / "teisimple.rng").is_file(), f"TEI Simple is not at {TEI_SIMPLE}")
    skip_unless(jing_command() is not None, "jing is not installed (pip install 'tei-tools[rng]')")
    validator = Validator(
        schema=TEI_SIMPLE / "teisimple.rng", select=["S"], max_findings=0, schematron=False
    )
    verdicts = {}
    for test in sorted((TEI_SIMPLE / "tests").glob("*.xml")):
        verdicts[test.name] = list(validator.iter_errors(str(test), test.read_bytes()))
    assert {name for name, found in verdicts.items() if found} == {"testms.xml"}
    first = verdicts["testms.xml"][0]
    assert (first.line, first.column) == (22, 22) and 'element "country"' in first.message
    assert len(verdicts["testms.xml"]) > 300


def test_without_jing_a_schema_that_does_not_compile_in_time_is_refused(monkeypatch, tmp_path):
    """TEI Simple, which libxml2 never compiles whole, with a ``div`` the in-process
    simplification does not cover: libxml2 must compile it whole, and cannot."""
    from tei_tools.validate import relaxng, schemas

    skip_unless((TEI_SIMPLE / "teisimple.rng").is_file(), f"TEI Simple is not at {TEI_SIMPLE}")
    grammar = (TEI_SIMPLE / "teisimple.rng").read_text(encoding="utf-8")
    uncovered = tmp_path / "teisimple-div.rng"
    uncovered.write_text(grammar.replace("<start>", "<div/><start>", 1), encoding="utf-8")
    monkeypatch.setattr(schemas, "jing_command", lambda: None)
    monkeypatch.setattr(relaxng, "COMPILE_BUDGET", 2.0)
    with pytest.raises(schemas.SchemaError, match="did not compile this RELAX NG schema within"):
        Validator(schema=uncovered)


def test_without_jing_tei_simple_is_checked_pruned_with_jings_verdicts(monkeypatch, tmp_path):
    """The grammar simplified and pruned in process: libxml2 compiles it at once."""
    from tei_tools.validate import schemas
    from tei_tools.validate.runner import run

    skip_unless((TEI_SIMPLE / "teisimple.rng").is_file(), f"TEI Simple is not at {TEI_SIMPLE}")
    monkeypatch.setattr(schemas, "jing_command", lambda: None)
    monkeypatch.setenv("TEI_TOOLS_CACHE_DIR", str(tmp_path))
    validator = Validator(schema=TEI_SIMPLE / "teisimple.rng", select=["S"], schematron=False)
    tests = sorted(str(t) for t in (TEI_SIMPLE / "tests").glob("*.xml"))
    results = run(validator, tests, jobs=2)
    assert {Path(r.name).name for r in results if r.diagnostics} == {"testms.xml"}  # as jing
    # a document outside the batch (standard input) is pruned to its own names
    doc = (TEI_SIMPLE / "tests" / "testms.xml").read_bytes()
    assert list(validator.iter_errors("-", doc))
    # a root the grammar does not start with is said at once: libxml2 would need the
    # whole of TEI Simple, which it never compiles
    found = list(validator.iter_errors("-", b'<p xmlns="http://www.tei-c.org/ns/1.0">x</p>'))
    assert [(d.code, d.line) for d in found] == [("S001", 1)]
    assert "<p> is not an element this schema allows" in found[0].message
    assert "<TEI>" in (found[0].hint or "")


# --- pointers into other files and through prefixDef (R001, R013) ---------------------

POINTING = """<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc>
<titleStmt><title>t</title></titleStmt><publicationStmt><p>p</p></publicationStmt>
<sourceDesc><p>s</p></sourceDesc></fileDesc><encodingDesc><listPrefixDef>
<prefixDef ident="vol" matchPattern="(d\\d+)" replacementPattern="other.xml#$1"/>
</listPrefixDef></encodingDesc></teiHeader>
<text><body><p xml:id="here"><ref target="{target}">x</ref></p></body></text></TEI>"""
OTHER = """<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc>
<titleStmt><title>t</title></titleStmt><publicationStmt><p>p</p></publicationStmt>
<sourceDesc><p>s</p></sourceDesc></fileDesc></teiHeader>
<text><body><p xml:id="d12">x</p></body></text></TEI>"""


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("#here", []),
        ("#nowhere", ["R001"]),
        ("other.xml#d12", []),
        ("other.xml#d99", ["R001"]),
        ("other#d12", []),  # the file named without its .xml
        ("vol:d12", []),  # prefixDef: other.xml#d12
        ("vol:d99", ["R001"]),
        ("missing.xml#d1", ["R013"]),  # no such file beside: cannot be checked
        ("https://example.org/x#y", []),
    ],
)
def test_pointers_resolve_into_files_beside_the_document(tmp_path, target, expected):
    (tmp_path / "other.xml").write_text(OTHER)
    doc = tmp_path / "doc.xml"
    doc.write_text(POINTING.format(target=target))
    found = Validator(select=["R001", "R013"]).iter_errors(str(doc), doc.read_bytes())
    assert [d.code for d in found] == expected


def _digits(n: int) -> st.SearchStrategy[str]:
    return st.integers(0, 10**n - 1).map(lambda v: f"{v:0{n}d}")


_FRACTIONS = ["", ".5", ".25", ".1234567", ".1234568", ".0000001", ".0000002", ".9999999"]
_CLOCK = st.tuples(_digits(2), _digits(2), _digits(2), st.sampled_from(_FRACTIONS))
_DATES = st.one_of(
    st.tuples(_digits(4), _digits(2), _digits(2)).map("-".join),
    st.tuples(_digits(4), _digits(2), _digits(2), _CLOCK).map(
        lambda t: f"{t[0]}-{t[1]}-{t[2]}T{t[3][0]}:{t[3][1]}:{t[3][2]}{t[3][3]}"
    ),
    _CLOCK.map(lambda t: f"{t[0]}:{t[1]}:{t[2]}{t[3]}"),
    st.tuples(_digits(4), _digits(2)).map("-".join),
    _digits(4),
    st.tuples(_digits(2), _digits(2)).map(lambda t: f"--{t[0]}-{t[1]}"),
    _digits(2).map(lambda m: f"--{m}"),
    _digits(2).map(lambda d: f"---{d}"),
    st.sampled_from(["1962-11-06Z", "24:00:00", "-0044", "12345", "0000", "1962-11-06T24:00:00"]),
)


@settings(max_examples=600, deadline=None)
@given(first=_DATES, second=_DATES)
@example(first="1960-02-29", second="1900-02-29")
@example(first="--02-29", second="--04-31")
@example(first="16:30:00.5", second="16:30:00.25")
@example(first="1962-11-06T23:59:59", second="1962-11-07T00:00:00")
@example(first="1962-11-06T10:00:00.1234568", second="1962-11-06T10:00:00.1234567")
@example(first="10:00:00.0000002", second="10:00:00.0000001")
def test_dates_read_without_elementpath_are_its_reading(first, second):
    """A plain date or time read here (the common case: no import of elementpath) has
    the type elementpath's reading gives it, is possible exactly when elementpath says
    so, and orders against another of its type as elementpath's values do."""
    from tei_tools.validate.rules import _later, plain_value, w3c_value

    for value in (first, second):
        plain, exact = plain_value(value), w3c_value(value)
        if plain is not None:
            assert not isinstance(exact, str), value
            assert plain[0] == exact[0], value
    plain_first, plain_second = plain_value(first), plain_value(second)
    exact_first, exact_second = w3c_value(first), w3c_value(second)
    if plain_first is None or plain_second is None or plain_first[0] != plain_second[0]:
        return
    assert not isinstance(exact_first, str) and not isinstance(exact_second, str)
    assert _later(plain_first[1], plain_second[1]) == _later(exact_first[1], exact_second[1])
    assert _later(plain_second[1], plain_first[1]) == _later(exact_second[1], exact_first[1])


@pytest.mark.parametrize(
    "value", ["1962-11-06", "1962-02-30", "--02-29", "16:30:00", "1962-11", "---31", "1962"]
)
def test_a_plain_value_is_read_without_elementpath_where_it_is_possible(value):
    from tei_tools.validate.rules import plain_value, w3c_value

    exact = w3c_value(value)
    assert (plain_value(value) is None) == isinstance(
        exact, str
    )  # impossible: elementpath says why


@pytest.mark.parametrize(
    ("start", "end"),
    [("1962-11-08", "1962-11-06Z"), ("1962-11-06Z", "1962-11-08"), ("1963", "1962Z")],
)
def test_a_range_with_one_time_zone_is_ordered_as_elementpath_orders_it(start, end):
    """An element's dates are read alike: one with a time zone has both read by
    elementpath, which orders them (or not) as XSD says."""
    from tei_tools.validate.rules import _later, w3c_value

    first, second = w3c_value(start), w3c_value(end)
    assert not isinstance(first, str) and not isinstance(second, str)
    expected = ["R007"] if _later(first[1], second[1]) else []
    assert codes(f'from="{start}" to="{end}"') == expected
