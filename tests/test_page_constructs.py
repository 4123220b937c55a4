"""Each PAGE construct as TEI: small PAGE files in tests/fixtures/page and the TEI body
expected of each (``NAME.expected.xml``), valid against tei_all; what cannot be
encoded as the source says is reported. Run with ``TEI_TOOLS_BLESS=1`` to rewrite the
expected files after a deliberate change (and read the diff)."""

from __future__ import annotations

import itertools
import os
import re
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from click.testing import CliRunner
from hypothesis import example, given, settings
from hypothesis import strategies as st
from lxml import etree

from tei_tools.cli import cli
from tei_tools.convert import convert_bytes
from tei_tools.convert.model import Person
from tei_tools.convert.pipeline import Conversion, convert_folder
from tei_tools.convert.readers.transkribus import Carried, Found, cut, line_runs

from .conftest import NS, ROOT, tei_all_errors

XML = "http://www.w3.org/XML/1998/namespace"

FIXTURES = ROOT / "tests" / "fixtures" / "page"
CASES = ["tags", "regions", "points-2010", "workspace"]


def converted(name: str, **options: str) -> Conversion:
    path = FIXTURES / name if (FIXTURES / name).is_dir() else FIXTURES / f"{name}.xml"
    if path.is_dir():
        return convert_folder(path, **options)  # type: ignore[arg-type]
    return convert_bytes(path.read_bytes(), path.name, **options)  # type: ignore[arg-type]


def body_of(result: Conversion) -> str:
    """The body as the converter writes it, byte for byte."""
    xml = result.xml().decode("utf-8")
    return xml[xml.index("<body>") : xml.index("</body>") + len("</body>")] + "\n"


@pytest.mark.parametrize("name", CASES)
def test_each_construct_is_encoded_as_expected(name: str, tmp_path: Path) -> None:
    result = converted(name)
    expected = FIXTURES / f"{name}.expected.xml"
    if os.environ.get("TEI_TOOLS_BLESS"):
        expected.write_text(body_of(result), encoding="utf-8")
    assert body_of(result) == expected.read_text(encoding="utf-8")
    out = tmp_path / f"{name}.xml"
    out.write_bytes(result.xml())
    assert tei_all_errors([out]) == ""


def codes(result: Conversion) -> list[str]:
    return [d.code for d in result.diagnostics]


def test_what_the_tei_cannot_hold_as_the_source_says_is_reported() -> None:
    diags = converted("tags").diagnostics
    crossing = [d for d in diags if d.code == "C402" and "cross" in d.message]
    assert len(crossing) == 1 and "'unclear' is encoded in two parts linked" in crossing[0].message
    assert (crossing[0].file, crossing[0].line) == ("tags.xml", 22)
    assert not [d for d in diags if d.code == "C402" and "property" in d.message]  # none lost
    assert all(d.level.name == "INFO" for d in diags if d.code == "C402")


def test_placeholder_regions_and_loose_lines_are_read_and_said() -> None:
    result = converted("regions")
    messages = [d.message for d in result.diagnostics if d.code == "C405"]
    assert any("placeholder" in m for m in messages) and any("outside" in m for m in messages)
    zones = result.tree.getroot().xpath("//t:zone/@xml:id", namespaces=NS)  # type: ignore[union-attr]
    assert not any("dummy" in z for z in zones)  # 0,0 0,0 is no place on the page


def test_a_workspace_reads_its_ground_truth_and_says_which_group() -> None:
    result = converted("workspace")
    [choice] = [d for d in result.diagnostics if d.code == "C404"]
    assert "'OCR-D-GT-PAGE' (ground truth)" in choice.message and "OCR-D-OCR" in choice.message
    other = converted("workspace", file_grp="OCR-D-OCR")
    assert "Machine reading of page 1." in body_of(other)
    incomplete = converted("workspace", file_grp="OCR-D-COR")
    assert not incomplete.ok and "OCR-D-COR/p1.xml" in incomplete.diagnostics[-1].message
    unknown = converted("workspace", file_grp="NOPE")
    assert not unknown.ok and "no fileGrp 'NOPE'" in " ".join(
        d.message for d in unknown.diagnostics
    )


def test_the_command_takes_a_file_group(tmp_path: Path) -> None:
    out = tmp_path / "ws.xml"
    args = ["convert", str(FIXTURES / "workspace"), "--file-grp", "OCR-D-OCR", "-o", str(out)]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert b"Machine reading of page 2." in out.read_bytes()


def test_a_tags_other_properties_are_a_feature_structure_it_points_at() -> None:
    """What no TEI attribute holds (a place's country, a project's own keys) is kept
    in the standOff, one fs per tag kind and values, named in the header."""
    data = _tagged_page(
        "place {offset:5; length:6; country:AT; n°:x;}",
        "place {offset:5; length:6; country:AT; n°:x;} "
        "abbrev {offset:0; length:4; expansion:Josef; hand:B;}",
    )
    result = convert_bytes(data, "features.xml")
    root = result.tree.getroot()  # type: ignore[union-attr]
    [fs_place, fs_abbrev] = root.iterfind("t:standOff/t:fs", NS)
    assert fs_place.get("type") == "place" and fs_abbrev.get("type") == "abbrev"
    features = [(f.get("name"), f.findtext("t:string", namespaces=NS)) for f in fs_place]
    assert features == [("country", "AT"), ("n_", "x")]  # a key as an XML name
    places = root.xpath("//t:body//t:placeName/@ana", namespaces=NS)
    assert places == ["#tagprops-1", "#tagprops-1"]  # the same values: one structure
    assert root.xpath("//t:body//t:choice/@ana", namespaces=NS) == ["#tagprops-2"]
    decl = " ".join(root.xpath("//t:editorialDecl//text()", namespaces=NS))
    assert "abbrev/hand (1)" in decl and "place/country (2)" in decl


_QUOTE = {'"': "&quot;"}


def _tagged_page(*customs: str) -> bytes:
    lines = "".join(
        f'<TextLine id="l{n}" custom="readingOrder {{index:{n};}} {escape(custom, _QUOTE)}">'
        f"<TextEquiv><Unicode>Jos. Hammer wrote to Hammer.</Unicode></TextEquiv></TextLine>"
        for n, custom in enumerate(customs)
    )
    return (
        '<PcGts xmlns="http://schema.primaresearch.org/PAGE/gts/pagecontent/2013-07-15">'
        '<Page imageFilename="p.jpg" imageWidth="100" imageHeight="100">'
        f'<TextRegion id="r1">{lines}</TextRegion></Page></PcGts>'
    ).encode()


def test_a_person_tags_names_dates_and_item_are_the_persons_record(tmp_path: Path) -> None:
    """Each person once in the standOff, the tagged names pointing at it: the same
    names and dates are one person, a namesake with other dates another, and an id a
    people file already gives is not taken twice."""
    same = "firstname:Joseph; lastname:Hammer-Purgstall,\\u0020von; dateOfBirth:9.6.1774;"
    data = _tagged_page(
        f"person {{offset:0; length:11; {same} wikiData:Q84211;}}",
        f"person {{offset:21; length:6; {same} wikiData:Q84211;}}",
        "person {offset:0; length:11; lastname:Hammer; dateOfDeath:about\\u00201850;}",
        "person {offset:21; length:6;}",
    )
    file_person = Person("hammer", "Anna Hammer")
    result = convert_bytes(data, "people.xml", [file_person])
    root = result.tree.getroot()  # type: ignore[union-attr]
    [declared] = root.xpath("//t:particDesc//t:person/@xml:id", namespaces=NS)
    assert declared == "hammer"  # the people file's, named in the text
    records = root.xpath("//t:standOff/t:listPerson/t:person", namespaces=NS)
    assert [r.get(f"{{{XML}}}id") for r in records] == ["hammer-purgstall-von-joseph", "hammer-2"]
    first, second = records
    assert first.findtext("t:persName/t:forename", namespaces=NS) == "Joseph"
    assert first.findtext("t:persName/t:surname", namespaces=NS) == "Hammer-Purgstall, von"
    assert first.find("t:birth", NS).get("when") == "1774-06-09"
    assert first.findtext("t:idno", namespaces=NS) == "https://www.wikidata.org/wiki/Q84211"
    death = second.find("t:death", NS)
    assert death.text == "about 1850" and death.get("when") is None  # stated, no calendar date
    names = root.iterfind(".//t:body//t:persName", NS)
    tagged = [n.get("ref") for n in names if n.text == "Jos. Hammer"]
    assert tagged == ["#hammer-purgstall-von-joseph", "#hammer-2"]
    last = root.xpath("//t:body//t:persName", namespaces=NS)[-1]
    assert last.get("ref") is None  # a tag that names no one points at no one
    assert not [d for d in result.diagnostics if d.code == "C402" and "property" in d.message]
    out = tmp_path / "people.xml"
    out.write_bytes(result.xml())
    assert tei_all_errors([out]) == ""


def test_tag_offsets_count_utf16_units_as_transkribus_does() -> None:
    """An emoji or a character past U+FFFF is two units in Java's strings."""
    text = "\U0001f600 Anna Meier"
    runs = line_runs(text, "person {offset:3; length:10;}", Carried(), Found())
    assert [(r.text, [t.element for t in r.tags]) for r in runs] == [
        ("\U0001f600 ", []),
        ("Anna Meier", ["persName"]),
    ]


def test_a_tag_past_the_line_end_is_cut_at_it_and_a_bad_offset_reported() -> None:
    found = Found()
    runs = line_runs(
        "short", "place {offset:2; length:99;} person {offset:x; length:2;}", Carried(), found
    )
    assert "".join(r.text for r in runs) == "short"
    assert [p[0] for p in found.problems] == [
        "the offset of the tag 'person' is not a whole number; it is read from the line's start"
    ]


def test_the_exports_render_each_construct(tmp_path: Path) -> None:
    """Reading view: abbreviations expanded, corrections made, supplied text bracketed,
    an editor's gap text kept; diplomatic view: the source's forms. HTML: margin notes
    beside the text, tables as tables, furniture by its type."""
    from tei_tools.export import export

    tags = converted("tags").tree
    regions = converted("regions").tree
    assert tags is not None and regions is not None
    reading, _ = export(tags.getroot(), "text", view="reading")
    diplomatic, _ = export(tags.getroot(), "text", view="diplomatic")
    assert "Herr Johann Meier" in reading and "Hr. Johann Meier" in diplomatic
    assert "about the words of" in reading and "about the wrds of" in diplomatic
    assert "tract [...] [and] a comment [Comment: A note by the editor]." in reading
    text, _ = export(regions.getroot(), "text", view="reading")
    assert "Name | Ort\n" in text and "[Figure]" in text and "[Figure: Fig. 1. A caption.]" in text
    html, found = export(regions.getroot(), "html", view="reading")
    assert not [d for d in found if d.code == "E001"]  # every element known
    assert '<aside class="note note-margin" role="note">' in html
    assert "<table><tr><td>" in html and '<td colspan="2">' in html
    assert 'class="fw fw-catch"' in html and 'class="fw fw-sig"' in html
    assert "<h" in html and "A Heading" in html
    tagged, _ = export(tags.getroot(), "html", view="reading")
    assert 'class="unclear"' in tagged and 'class="supplied"' in tagged


def test_the_site_lists_the_places_and_organisations_tagged(tmp_path: Path) -> None:
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "letter.xml").write_bytes((FIXTURES / "tags.xml").read_bytes())
    (tmp_path / "pyproject.toml").write_text('[tool.tei-tools]\ntitle = "Letters"\n')
    result = CliRunner().invoke(cli, ["build", str(tmp_path), "-j", "1", "-q", "--no-search"])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "site" / "places.html").read_text(encoding="utf-8")
    assert page.index(">Places<") < page.index("Wien") < page.index(">Organisations<")
    assert page.index(">Organisations<") < page.index("Hofkammer")
    assert page.count('href="letter.html"') == 3  # Wien, Nested Place Name, Hofkammer
    assert 'href="places.html"' in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")


def _page(lines: str) -> bytes:
    return (
        '<PcGts xmlns="http://schema.primaresearch.org/PAGE/gts/pagecontent/2013-07-15">'
        '<Page imageFilename="p.jpg" imageWidth="100" imageHeight="100">'
        f"{lines}</Page></PcGts>"
    ).encode()


def _line(lid: str, text: str, custom: str = "") -> str:
    return (
        f'<TextLine id="{lid}" custom="{custom}"><Coords points="1,1 9,1 9,9"/>'
        f"<TextEquiv><Unicode>{text}</Unicode></TextEquiv></TextLine>"
    )


def test_what_a_page_states_oddly_never_costs_the_document() -> None:
    """A table row numbered 300,000,000, a date tag that is no calendar date, line ids
    that collide once renamed: converted, valid, and the odd value reported."""
    table = (
        '<TableRegion id="t"><Coords points="1,1 9,1 9,9"/>'
        '<TableCell row="300000000" col="0" id="c"><Coords points="1,1 9,1 9,9"/>'
        + _line("cl", "Cell")
        + "</TableCell></TableRegion>"
    )
    region = (
        '<TextRegion id="r"><Coords points="1,1 9,1 9,9"/>'
        + _line("a", "Dated 31 February 1792", "date {offset:6; length:16; when:31.02.1792;}")
        + _line("a-3", "second")
        + _line("a", "third")
        + "</TextRegion>"
    )
    result = convert_bytes(_page(table + region), "odd.xml")
    assert result.ok, [d.format() for d in result.diagnostics]
    root = result.tree.getroot()  # type: ignore[union-attr]
    assert len(root.findall(".//t:table/t:row", NS)) == 1
    assert root.find(".//t:date", NS).get("when") is None
    assert any(d.code == "C009" and "calendar" in d.message for d in result.diagnostics)
    ids = root.xpath("//@xml:id")
    assert len(ids) == len(set(ids))


def test_a_note_or_gap_inside_a_tag_leaves_the_tag_whole() -> None:
    for custom, whole in (
        ("person {offset:0; length:12;} gap {offset:6; length:0;}", "persName"),
        (
            "abbrev {offset:0; length:6; expansion:Herr;} "
            "comment {offset:3; length:0; comment:Hm;}",
            "abbr",
        ),
    ):
        result = convert_bytes(_page(_line("l", "Johann Meier x", custom)), "p.xml")
        assert result.tree is not None
        found = result.tree.getroot().findall(f".//t:{whole}", NS)
        assert len(found) == 1, custom  # one element, the note or gap inside it


def test_an_abbreviation_split_by_a_crossing_tag_gives_its_expansion_once(
    tmp_path: Path,
) -> None:
    """Its first part the choice, the rest the abbreviation alone, linked to it: no
    second, empty expansion (which would say the abbreviation expands to nothing)."""
    custom = "person {offset:0; length:6;} abbrev {offset:4; length:6; expansion:Herr;}"
    for profile in ("document", "memorandum"):
        result = convert_bytes(
            _page(_line("l", "Johann Meier x", custom)), "p.xml", profile=profile
        )
        assert result.tree is not None
        root = result.tree.getroot()
        assert [e.text for e in root.iterfind(".//t:expan", NS)] == ["Herr"], profile
        choice = root.find(".//t:choice", NS)
        rest = root.find(".//t:abbr[@prev]", NS)
        assert choice is not None and rest is not None, profile
        assert rest.getparent().tag != f"{{{NS['t']}}}choice"
        assert choice.get("next") == f"#{rest.get(f'{{{XML}}}id')}"
        assert rest.get("prev") == f"#{choice.get(f'{{{XML}}}id')}"
        assert (choice.find("t:abbr", NS).text, rest.text) == ("nn", "Mei")
        out = tmp_path / f"{profile}.xml"
        out.write_bytes(result.xml())
        assert tei_all_errors([out]) == ""


@pytest.mark.parametrize(
    ("custom", "alone"),
    [
        ("sic {offset:0; length:4;}", "sic"),
        ("abbrev {offset:0; length:4;}", "abbr"),
        ("sic {offset:0; length:4; correction:\\u0020;}", "sic"),
    ],
)
def test_an_error_or_abbreviation_with_no_reading_given_is_written_alone(
    custom: str, alone: str, tmp_path: Path
) -> None:
    """A choice offers two readings; an empty corr or expan would state that the
    text should read as nothing."""
    result = convert_bytes(_page(_line("l", "wrds here", custom)), "p.xml")
    assert result.tree is not None
    root = result.tree.getroot()
    assert root.find(".//t:choice", NS) is None
    assert [e.text for e in root.iterfind(f".//t:{alone}", NS)] == ["wrds"]
    (tmp_path / "alone.xml").write_bytes(result.xml())
    assert tei_all_errors([tmp_path / "alone.xml"]) == ""


def test_a_tag_with_an_offset_and_no_length_is_a_point_as_in_transkribus() -> None:
    """Transkribus gives such a tag (length -1) no text: a gap there is a gap at that
    place, and the line's words stay text, not the gap's description."""
    custom = "gap {offset:5;} place {offset:0; length:7;}"
    result = convert_bytes(_page(_line("l", "nation: together with", custom)), "p.xml")
    assert result.tree is not None
    root = result.tree.getroot()
    gap = root.find(".//t:gap", NS)
    assert gap is not None and len(gap) == 0 and not gap.text
    assert "".join(root.find(".//t:placeName", NS).itertext()) == "nation:"
    assert "together with" in "".join(root.find(".//t:body/t:p", NS).itertext())
    assert root.find(".//t:desc", NS) is None


def test_a_tag_over_no_text_is_reported_not_dropped_in_silence() -> None:
    result = convert_bytes(
        _page(_line("l", "nation: together", "place {offset:3; length:0;}")), "p.xml"
    )
    assert result.tree is not None
    assert result.tree.getroot().find(".//t:placeName", NS) is None
    said = [d for d in result.diagnostics if "place" in d.message and "no text" in d.message]
    assert said, [d.format() for d in result.diagnostics]


def test_a_gap_tags_reason_outside_the_schemas_list_is_a_feature_not_an_attribute() -> None:
    custom = "gap {offset:0; length:3; reason:damaged;}"
    result = convert_bytes(_page(_line("l", "[…] text", custom)), "g.xml")
    assert result.ok, [d.format() for d in result.diagnostics]
    gap = result.tree.getroot().find(".//t:gap", NS)  # type: ignore[union-attr]
    assert gap.get("reason") is None and gap.get("ana") == "#tagprops-1"
    assert result.xml().count(b'<f name="reason">') == 1 and b"damaged" in result.xml()


_KNOWN_KEYS = [
    "reason",
    "cert",
    "resp",
    "when",
    "year",
    "firstname",
    "lastname",
    "dateOfBirth",
    "dateOfDeath",
    "wikiData",
    "expansion",
    "correction",
    "comment",
    "type",
    "country",
]
_KEY = st.text(
    st.characters(blacklist_characters=";:{}", blacklist_categories=["Cs", "Cc"]),
    min_size=1,
    max_size=12,
)
_VALUE = st.text(
    st.characters(blacklist_characters=";{}\\", blacklist_categories=["Cs", "Cc"]), max_size=20
)


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(
        ["place", "speech", "unclear", "abbrev", "sic", "person", "date", "gap", "comment"]
    ),
    st.dictionaries(st.one_of(st.sampled_from(_KNOWN_KEYS), _KEY), _VALUE, max_size=4),
)
@example(tag="comment", props={"comment": "0"})  # its words are the note's, not a feature
@example(tag="person", props={"firstname": "0\xa00"})  # a no-break space is kept
def test_any_tag_properties_are_kept_whole_and_the_tei_stays_valid(tag: str, props: dict) -> None:
    """Whatever keys and values an editor's tag holds, the conversion succeeds (the
    project schema's self-check passes) and each value is kept: as a feature, as the
    person's record, as an attribute the tag maps it to, as the other reading, or as a
    comment's note."""
    custom = " ".join(f"{k}:{v};" for k, v in props.items())
    data = _tagged_page(f"{tag} {{offset:0; length:4; {custom}}}")
    result = convert_bytes(data, "props.xml")
    assert result.ok, [d.format() for d in result.diagnostics]
    root = result.tree.getroot()  # type: ignore[union-attr]
    features = root.xpath("//t:standOff/t:fs/t:f/t:string/text()", namespaces=NS)
    record = root.xpath("//t:standOff/t:listPerson//text()", namespaces=NS)
    readings = root.xpath("//t:expan//text() | //t:corr//text()", namespaces=NS)
    notes = root.xpath("//t:body//t:note//text()", namespaces=NS)  # a comment's words
    tagged = root.find(".//t:body/t:p", NS)
    attributes = [v for el in tagged.iter() for v in el.attrib.values()]  # type: ignore[union-attr]
    for key, value in props.items():
        stated = value.strip().replace("\\u0020", " ")
        if key.strip() in ("offset", "length", "continued") or not stated:
            continue
        token = re.sub(r"[^\w.-]+", "-", stated).strip("-")  # as an attribute holds it
        kept = [*features, *record, *readings, *notes, *attributes]
        assert any(stated == k or token == k or k.endswith(f"/{stated}") for k in kept), (
            key,
            value,
            kept,
        )


_SPANS = st.lists(
    st.tuples(st.integers(0, 12), st.integers(0, 12), st.sampled_from(["strike", "sup", "b"])),
    min_size=1,
    max_size=4,
)


@settings(max_examples=300, deadline=None)
@given(st.text("ab c", max_size=12), _SPANS)
def test_styled_runs_give_each_character_the_styles_over_it(text: str, spans: list) -> None:
    """A line with styles only: the runs hold the text, each character with exactly
    the styles whose span covers it, and no two runs side by side alike."""
    styles = [(min(a, len(text)), min(max(a, b), len(text)), s) for a, b, s in spans]
    runs = cut(text, styles, [])
    assert "".join(r.text for r in runs) == text and all(r.text for r in runs)
    each = [r.styles for r in runs for _ in r.text]
    assert each == [frozenset(s for a, b, s in styles if a <= i < b) for i in range(len(text))]
    assert all(x.styles != y.styles for x, y in itertools.pairwise(runs))


def test_region_and_line_ids_no_xml_name_takes_still_give_zones() -> None:
    """PAGE ids are the platform's; a zone's xml:id must be a name libxml2 takes."""
    data = _tagged_page("").replace(b'id="l0"', 'id="l¹ 豈"'.encode())
    data = data.replace(b"<TextEquiv>", b'<Coords points="1,1 9,1 9,9"/><TextEquiv>')
    result = convert_bytes(data, "ids.xml")
    assert result.ok, [d.format() for d in result.diagnostics]  # C900 before
    zones = result.tree.getroot().xpath("//t:zone/@xml:id", namespaces=NS)  # type: ignore[union-attr]
    assert zones == ["page1-l__豈"]  # '¹' and the space are no name's, U+F900 is libxml2's


def test_a_tagged_person_is_listed_on_the_page_and_the_names_link_to_it() -> None:
    """The persons page links to the document's person: the page must hold it."""
    from tei_tools.export import export

    tags = converted("tags").tree
    assert tags is not None
    html, _ = export(tags.getroot(), "html", view="reading")
    assert '<li id="person-meier-johann">Johann Meier</li>' in html
    assert '<a class="person" href="#person-meier-johann">Johann Meier</a>' in html
    assert '<span class="placeName" title="country: AT">Nested' in html  # the tag's own
    gap = _tagged_page(
        "gap {offset:0; length:4; reason:damaged;} date {offset:5; length:6; when:sometime;}"
    )
    page, _ = export(convert_bytes(gap, "g.xml").tree.getroot(), "html", view="reading")
    assert "text missing: reason not given (reason: damaged)" in page
    assert '<time title="when: sometime">' in page


def test_a_tagged_persons_id_is_not_one_the_document_already_gives() -> None:
    """A person named "Part 1" and a crossing tag's first part both want part-1."""
    data = _tagged_page(
        "person {offset:0; length:4; firstname:1; lastname:Part;} "
        "unclear {offset:2; length:8;} place {offset:5; length:6;}"
    )
    result = convert_bytes(data, "ids.xml")
    assert result.ok, [d.format() for d in result.diagnostics]
    root = result.tree.getroot()  # type: ignore[union-attr]
    ids = root.xpath("//@xml:id", namespaces=NS)
    assert len(ids) == len(set(ids)) and "part-1" in ids
    [person] = root.xpath("//t:standOff//t:person/@xml:id", namespaces=NS)
    assert root.xpath("//t:body//t:persName/@ref", namespaces=NS) == [f"#{person}"]


_COORD = st.one_of(
    st.integers(-5000, 5000).map(str),
    st.decimals(-5000, 5000, places=2, allow_nan=False, allow_infinity=False).map(str),
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_COORD, _COORD), min_size=1, max_size=12))
def test_a_points_outline_counts_its_points_and_boxes_them(points: list) -> None:
    from tei_tools.convert.readers.values import outline

    value = " ".join(f"{x},{y}" for x, y in points)
    xs = [float(x) for x, _ in points]
    ys = [float(y) for _, y in points]
    box = (int(min(xs)), int(min(ys)), int(max(xs)), int(max(ys)))
    assert outline(value) == (len(points), box)
    assert outline(value + " 1,") is None and outline(value.replace(",", ";", 1)) is None


# The points grammar as TEI's data.point reads it, written plainly (backtracking): the
# possessive patterns the reader uses must accept exactly the same strings
_PLAIN_POINT = r"-?[0-9]{1,9}(\.[0-9]{1,9})?,-?[0-9]{1,9}(\.[0-9]{1,9})?"
_PLAIN_POINTS = re.compile(rf"\s*{_PLAIN_POINT}(?:\s+{_PLAIN_POINT})*\s*")


@settings(max_examples=500, deadline=None)
@given(
    st.one_of(
        st.text(alphabet="0123456789.,- \t\n", max_size=40),
        # pieces of points, so that most strings are near what a Coords holds
        st.lists(st.sampled_from(["7", "12", "123456789", "-", ".", ",", " ", "\t"])).map("".join),
    )
)
@example("1234567890,1")  # ten digits: refused by both
@example("1,2 3,4 ")  # trailing space
@example("1.,2")
def test_the_points_patterns_take_what_the_plain_grammar_takes(value: str) -> None:
    from tei_tools.convert.readers.values import _POINT, _POINTS

    assert bool(_POINTS.fullmatch(value)) == bool(_PLAIN_POINTS.fullmatch(value))
    assert bool(_POINT.fullmatch(value)) == bool(re.fullmatch(_PLAIN_POINT, value))


_ATTRIBUTE_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), whitelist_characters="\t\n\r"),
    max_size=12,
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_ATTRIBUTE_TEXT, _ATTRIBUTE_TEXT), max_size=6))
@example([('a" n="1', "2")])  # would be markup of its own, unescaped
@example([("a", "1 &amp; 2"), ("b", "1\t2")])
@example([("", "1")])  # no NCName: libxml2's parser refuses it
def test_zones_made_from_markup_equal_zones_made_one_by_one(values: list) -> None:
    from lxml import etree

    from tei_tools.convert.model import Zone
    from tei_tools.convert.writer import _zones
    from tei_tools.namespaces import XML_ID

    zones = [Zone(ident, points) for ident, points in values]
    made = etree.Element(TEI_ZONE_PARENT, nsmap={None: TEI})
    made.extend(_zones(zones))
    one_by_one = etree.Element(TEI_ZONE_PARENT, nsmap={None: TEI})
    for ident, points in values:
        etree.SubElement(one_by_one, f"{{{TEI}}}zone", {XML_ID: ident, "points": points})
    assert [(el.get(XML_ID), el.get("points")) for el in made] == values
    assert etree.tostring(made) == etree.tostring(one_by_one)


TEI = "http://www.tei-c.org/ns/1.0"
TEI_ZONE_PARENT = f"{{{TEI}}}surface"


def _region_page(text: str) -> bytes:
    region = f'<TextRegion id="r"><Coords points="1,1 9,1 9,9"/>{_line("l", text)}</TextRegion>'
    return _page(region)


def _mets(group: str, hrefs: list[str], mimetype: str = "") -> str:
    typed = f' MIMETYPE="{mimetype}"' if mimetype else ""
    files = "".join(
        f'<file ID="f{n}"{typed}><FLocat xlink:href="{href}"/></file>'
        for n, href in enumerate(hrefs)
    )
    return (
        '<mets xmlns="http://www.loc.gov/METS/" xmlns:xlink="http://www.w3.org/1999/xlink">'
        f'<fileSec><fileGrp USE="{group}">{files}</fileGrp></fileSec></mets>'
    )


def _body_words(out: Path) -> list[str]:
    root = etree.parse(str(out)).getroot()
    return "".join(root.find(".//t:body", NS).itertext()).split()


def test_an_escriptorium_export_folder_is_read_by_its_mets_in_its_order(tmp_path: Path) -> None:
    """eScriptorium writes ``METS.xml`` (capitals) and one group ``USE="export"`` with
    no MIMETYPE; its pages are in the METS's order (not the names')."""
    export = tmp_path / "export"
    export.mkdir()
    (export / "PH 2.xml").write_bytes(_region_page("second"))
    (export / "PH 10.xml").write_bytes(_region_page("first"))
    (export / "METS.xml").write_text(_mets("export", ["PH 10.xml", "PH 2.xml"]))
    for source in (export, export / "METS.xml"):
        out = tmp_path / "out.xml"
        result = CliRunner().invoke(cli, ["convert", str(source), "-o", str(out)])
        assert result.exit_code == 0, result.output
        assert _body_words(out) == ["first", "second"], source


def test_a_mets_written_with_windows_separators_is_read(tmp_path: Path) -> None:
    """Transkribus's Windows clients write ``page\\name.xml``; a path out of the export
    is still refused, however it is written."""
    export = tmp_path / "export"
    (export / "page").mkdir(parents=True)
    (export / "page" / "a.xml").write_bytes(_region_page("windows"))
    (export / "mets.xml").write_text(_mets("PAGEXML", ["page\\a.xml"], "application/xml"))
    out = tmp_path / "out.xml"
    result = CliRunner().invoke(cli, ["convert", str(export), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert _body_words(out) == ["windows"]
    for leaving in ("..\\..\\secret.xml", "C:\\secret.xml"):
        (export / "mets.xml").write_text(_mets("PAGEXML", [leaving], "application/xml"))
        result = CliRunner().invoke(cli, ["convert", str(export), "-o", str(out)])
        assert result.exit_code != 0 and "outside the export" in result.output, leaving


def test_a_folder_of_pages_with_transkribus_metadata_is_one_export(tmp_path: Path) -> None:
    export = tmp_path / "export"
    export.mkdir()
    for n, word in ((1, "one"), (2, "two"), (10, "ten")):
        (export / f"p_{n}.xml").write_bytes(_region_page(word))
    (export / "metadata.xml").write_text(
        "<trpDocMetadata><docId>1</docId><title>Letters</title></trpDocMetadata>"
    )
    out = tmp_path / "out.xml"
    result = CliRunner().invoke(cli, ["convert", str(export), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert _body_words(out) == ["one", "two", "ten"]
    title = etree.parse(str(out)).find(".//t:titleStmt/t:title", NS)
    assert title is not None and title.text == "Letters"


def test_page_in_the_https_namespace_is_page() -> None:
    """Some producers (cBAD, kraken's tests) write the namespace with https."""
    data = _region_page("secure").replace(b'xmlns="http://', b'xmlns="https://')
    result = convert_bytes(data, "https.xml")
    assert result.ok, [d.format() for d in result.diagnostics]
    assert "secure" in "".join(result.tree.getroot().find(".//t:body", NS).itertext())  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("data", "code", "named"),
    [
        (
            b'<?xml version="1.0"?><alto xmlns="http://www.loc.gov/standards/alto/ns-v4#">'
            b"<Layout><Page/></Layout></alto>",
            "C007",
            "ALTO",
        ),
        (
            b'<pcGts xmlns="http://schema.primaresearch.org/PAGE/gts/pagecontent/2009-03-16">'
            b"<page><text><unicode>words</unicode></text></page></pcGts>",
            "C008",
            "2009-03-16",
        ),
    ],
    ids=["alto", "page-2009"],
)
def test_a_layout_format_not_read_is_refused_as_what_it_is(
    data: bytes, code: str, named: str
) -> None:
    """ALTO, and PAGE's 2009 draft: refused by name, with what to do instead."""
    result = convert_bytes(data, "layout.xml")
    assert not result.ok
    said = [d for d in result.diagnostics if d.code == code]
    assert said and named in said[0].message, [d.format() for d in result.diagnostics]
    assert "PAGE" in said[0].hint + said[0].message


def _typed_region(rid: str, kind: str, text: str) -> str:
    return (
        f'<TextRegion id="{rid}" custom="structure {{type:{kind};}}">'
        f'<Coords points="1,1 9,1 9,9"/>{_line(f"l{rid}", text)}</TextRegion>'
    )


def test_segmonto_and_project_region_types_are_encoded_or_kept(tmp_path: Path) -> None:
    """SegmOnto's zones (eScriptorium) are PAGE's region types by other names; a type
    TEI has no element for stays on the region's zone (@type), and is said."""
    regions = (
        _typed_region("a", "MarginTextZone:note", "aside")
        + _typed_region("b", "NumberingZone", "1v")
        + _typed_region("c", "RunningTitleZone", "Chronicle")
        + _typed_region("d", "letter_sender", "Anna")
        + _typed_region("e", "MainZone", "text")
        + _typed_region("f", "Title", "Letters")
    )
    result = convert_bytes(_page(regions), "typed.xml")
    assert result.ok, [d.format() for d in result.diagnostics]
    root = result.tree.getroot()  # type: ignore[union-attr]
    assert "".join(root.find(".//t:note[@place='margin']", NS).itertext()) == "aside"
    assert [fw.get("type") for fw in root.iterfind(".//t:fw", NS)] == ["pageNum", "header"]
    assert root.find(".//t:body//t:head", NS) is not None
    zones = {
        z.get(f"{{{XML}}}id").rsplit("-", 1)[-1]: z.get("type")
        for z in root.iterfind(".//t:zone", NS)
    }
    assert zones["d"] == "letter_sender" and zones["a"] == "MarginTextZone_note"
    said = [d.message for d in result.diagnostics if d.code == "C402"]
    assert any("letter_sender" in m for m in said) and not any("MainZone" in m for m in said)
    out = tmp_path / "typed.xml"
    out.write_bytes(result.xml())
    assert tei_all_errors([out]) == ""


def _worded_page(line_text: str | None, words: list[tuple[str, str]]) -> Conversion:
    """A page of one region of one line of these words, converted."""
    region = (
        '<TextRegion id="r"><Coords points="1,1 9,1 9,9"/>'
        + _worded_line("l", line_text, words)
        + "</TextRegion>"
    )
    return convert_bytes(_page(region), "words.xml")


def _worded_line(lid: str, line_text: str | None, words: list[tuple[str, str]]) -> str:
    """A line with Word elements (text, @custom) and, unless None, text of its own."""
    parts = "".join(
        f'<Word id="{lid}w{n}" custom="{custom}"><Coords points="1,1 9,1 9,9"/>'
        f"<TextEquiv><Unicode>{text}</Unicode></TextEquiv></Word>"
        for n, (text, custom) in enumerate(words)
    )
    own = "" if line_text is None else f"<TextEquiv><Unicode>{line_text}</Unicode></TextEquiv>"
    return f'<TextLine id="{lid}"><Coords points="1,1 9,1 9,9"/>{parts}{own}</TextLine>'


@pytest.mark.parametrize("line_text", ["Die S. T. Herren", None])
def test_tags_on_words_are_placed_in_their_line(line_text: str | None) -> None:
    """OCR-D's ground truth tags words (an abbreviation over two, continued; italic
    words): each tag is placed where its word stands in the line's text, whether the
    line states its text or its words make it."""
    words = [
        ("Die", "readingOrder {index:0;}"),
        ("S.", "abbrev {offset:0; length:2; continued:true;} textStyle {offset:0; length:2;}"),
        ("T.", "abbrev {offset:0; length:2; continued:true;} textStyle {offset:0; length:2;}"),
        ("Herren", "textStyle {offset:1; length:5; italic:true;}"),
    ]
    result = _worded_page(line_text, words)
    assert result.ok, [d.format() for d in result.diagnostics]
    root = result.tree.getroot()  # type: ignore[union-attr]
    assert ["".join(a.itertext()) for a in root.iterfind(".//t:abbr", NS)] == ["S. T."]
    assert ["".join(h.itertext()) for h in root.iterfind(".//t:hi", NS)] == ["erren"]
    assert " ".join("".join(root.find(".//t:body", NS).itertext()).split()) == "Die S. T. Herren"


def test_a_tagged_word_its_line_does_not_hold_is_said() -> None:
    """Said for a tag that gives markup; a font's name and size alone give none."""
    words = [
        ("Haus", "textStyle {offset:0; length:4; bold:true;}"),
        ("Hof", "textStyle {offset:0; length:3; fontFamily:Arial; fontSize:8.0;}"),
    ]
    result = _worded_page("Hans", words)
    assert result.ok
    assert result.tree.getroot().find(".//t:hi", NS) is None  # type: ignore[union-attr]
    said = [d.message for d in result.diagnostics if d.code == "C402"]
    assert any("Haus" in m for m in said) and not any("Hof" in m for m in said), said


def _cell_region(rid: str, x: int, y: int, text: str) -> str:
    box = f"{x},{y} {x + 40},{y} {x + 40},{y + 30} {x},{y + 30}"
    return (
        f'<TextRegion id="{rid}"><Coords points="{box}"/><TextLine id="l{rid}">'
        f'<Coords points="{box}"/><TextEquiv><Unicode>{text}</Unicode></TextEquiv>'
        "</TextLine></TextRegion>"
    )


def test_a_table_of_text_regions_without_cells_is_a_table_read_from_their_places() -> None:
    """OCR-D and Aletheia put a table's cells as text regions inside the TableRegion,
    with no row or column: the rows and columns are read from where they stand, and
    that reading is said; the table stands where the reading order puts its cells."""
    cells = (
        _cell_region("c4", 200, 150, "four")
        + _cell_region("c1", 100, 100, "one")
        + _cell_region("c3", 100, 152, "three")
        + _cell_region("c2", 200, 98, "two")
    )
    outline = '<Coords points="90,90 300,90 300,200 90,200"/>'
    table = f'<TableRegion id="t">{outline}{cells}</TableRegion>'
    before = _cell_region("p1", 100, 10, "Before")
    after = _cell_region("p2", 100, 400, "After")
    order = (
        "<ReadingOrder><OrderedGroup id='g'>"
        + "".join(
            f"<RegionRefIndexed regionRef='{r}' index='{i}'/>"
            for i, r in enumerate(["p1", "c1", "c2", "c3", "c4", "p2"])
        )
        + "</OrderedGroup></ReadingOrder>"
    )
    page = _page(order + after + table + before)
    result = convert_bytes(page, "table.xml")
    assert result.ok, [d.format() for d in result.diagnostics]
    body = result.tree.getroot().find(".//t:body", NS)  # type: ignore[union-attr]
    rows = [
        ["".join(c.itertext()).strip() for c in row.iterfind("t:cell", NS)]
        for row in body.iterfind(".//t:table/t:row", NS)
    ]
    assert rows == [["one", "two"], ["three", "four"]]
    assert " ".join(" ".join(body.itertext()).split()) == "Before one two three four After"
    assert any(d.code == "C402" and "positions" in d.message for d in result.diagnostics)


def test_a_styled_word_broken_at_a_line_end_is_one_word() -> None:
    """``<hi>sel-</hi>`` at a line end and ``big`` on the next: the hyphen is the
    printer's, the word one (it had been two words, the hyphen kept as text)."""
    region = (
        '<TextRegion id="r"><Coords points="1,1 9,1 9,9"/>'
        + _line("a", "ein sel-", "textStyle {offset:4; length:4; bold:true;}")
        + _line("b", "big Wort")
        + "</TextRegion>"
    )
    result = convert_bytes(_page(region), "hy.xml")
    assert result.ok, [d.format() for d in result.diagnostics]
    root = result.tree.getroot()  # type: ignore[union-attr]
    assert root.find(".//t:hi", NS).text == "sel"
    assert root.find(".//t:lb[@break='no']", NS) is not None
    assert [pc.text for pc in root.iterfind(".//t:pc", NS)] == ["-"]


def _numbered_page(number: str, word: str) -> bytes:
    printed = (
        '<TextRegion id="n" type="page-number"><Coords points="1,1 9,1 9,9"/>'
        f"{_line('ln', number)}</TextRegion>"
    )
    return _page(printed + _typed_region("t", "paragraph", word))


@pytest.mark.parametrize(
    ("printed", "expected", "said"),
    [
        (["1v", "2", "2v"], ["1v", "2", "2v"], False),  # folios: as printed
        (["4", "5", "1"], ["1", "2", "3"], True),  # not ascending: by place, all of them
        (["", "88", "89"], ["1", "88", "89"], False),  # a page prints none: its place
        (["", "2", "3"], ["1", "2", "3"], False),
        (["7", "", "9"], ["1", "2", "3"], True),  # 7 2 9 would not ascend: by place, all
    ],
)
def test_an_exports_pages_are_numbered_so_that_they_ascend(
    printed: list[str], expected: list[str], said: bool, tmp_path: Path
) -> None:
    """Each page as it prints its number, else by its place, where those ascend (R006);
    else every page by its place, said: mixed they had given 1 2 3 3 5 4."""
    export = tmp_path / "export"
    export.mkdir()
    for n, number in enumerate(printed, start=1):
        data = _numbered_page(number, f"w{n}") if number else _region_page(f"w{n}")
        (export / f"p_{n}.xml").write_bytes(data)
    out = tmp_path / "out.xml"
    result = CliRunner().invoke(cli, ["convert", str(export), "-o", str(out)])
    assert result.exit_code == 0, result.output
    root = etree.parse(str(out)).getroot()
    assert [pb.get("n") for pb in root.iterfind(".//t:pb", NS)] == expected
    assert ("numbered (pb/@n) by its place" in result.output) == said


def test_types_read_as_tei_or_as_page_defines_them_are_not_said_to_be_unknown() -> None:
    """A drop capital (hi), a picture region's type (a figure: its type on its zone),
    PAGE's own credit or other: no C402 saying they became paragraphs."""
    regions = (
        _typed_region("d", "drop-capital", "W")
        + _typed_region("e", "paragraph", "hen it")
        + '<GraphicRegion id="g" type="decoration"><Coords points="1,1 9,1 9,9"/></GraphicRegion>'
        + _typed_region("c", "credit", "Photo")
        + _typed_region("o", "other", "else")
    )
    result = convert_bytes(_page(regions), "quiet.xml")
    assert result.ok, [d.format() for d in result.diagnostics]
    assert [d.format() for d in result.diagnostics if d.code == "C402"] == []
    zones = {
        z.get(f"{{{XML}}}id").rsplit("-", 1)[-1]: z.get("type")
        for z in result.tree.getroot().iterfind(".//t:zone", NS)
    }  # type: ignore[union-attr]
    assert zones["g"] == "decoration" and zones["c"] == "credit" and zones["o"] == "other"


def test_an_untyped_group_of_images_is_no_group_of_pages(tmp_path: Path) -> None:
    """eScriptorium's METS may list its images in a group with no MIMETYPE too: only
    XML files make a group of pages, whichever group comes first."""
    export = tmp_path / "export"
    export.mkdir()
    (export / "p1.xml").write_bytes(_region_page("page"))
    (export / "p1.jpg").write_bytes(b"\xff\xd8")
    mets = _mets("export", ["p1.xml"]).replace(
        "</fileSec>",
        '<fileGrp USE="image"><file ID="i0"><FLocat xlink:href="p1.jpg"/></file></fileGrp>'
        "</fileSec>",
    )
    (export / "METS.xml").write_text(mets)
    out = tmp_path / "out.xml"
    result = CliRunner().invoke(cli, ["convert", str(export), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert _body_words(out) == ["page"]
    assert "image" not in " ".join(line for line in result.output.splitlines() if "C404" in line)


def test_a_region_with_no_type_gives_its_zone_none(tmp_path: Path) -> None:
    """An untyped picture, a table's cells, a text region: no type to keep (a zone had
    been typed "_", the name made of nothing); PAGE's own "other" is kept."""
    regions = (
        '<ImageRegion id="i"><Coords points="1,1 9,1 9,9"/></ImageRegion>'
        '<TableRegion id="t"><Coords points="1,1 9,1 9,9"/>'
        '<TableCell row="0" col="0" id="c"><Coords points="1,1 9,1 9,9"/>'
        + _line("cl", "Cell")
        + "</TableCell></TableRegion>"
        + _typed_region("o", "other", "else")
        + '<TextRegion id="p"><Coords points="1,1 9,1 9,9"/>'
        + _line("pl", "plain")
        + "</TextRegion>"
    )
    result = convert_bytes(_page(regions), "untyped.xml")
    assert result.ok, [d.format() for d in result.diagnostics]
    typed = {
        z.get(f"{{{XML}}}id"): z.get("type")
        for z in result.tree.getroot().iterfind(".//t:zone[@type]", NS)  # type: ignore[union-attr]
    }
    assert typed == {"page1-o": "other"}


def test_what_a_table_does_not_read_as_its_cells_is_read_on_its_own() -> None:
    """A table reads its cells (or, stating none, its own text regions); a caption
    region beside its cells, a picture, a table nested in one of no cells: each read
    as itself, never lost (they had been skipped as parts of the table)."""
    cell = (
        '<TableCell row="0" col="0" id="c"><Coords points="1,1 9,1 9,9"/>'
        + _line("cl", "Cell")
        + "</TableCell>"
    )
    caption = _cell_region("cap", 100, 10, "Caption")
    picture = '<ImageRegion id="img"><Coords points="1,1 9,1 9,9"/></ImageRegion>'
    inner = (
        '<TableRegion id="in"><Coords points="1,1 9,1 9,9"/>'
        + _cell_region("ia", 100, 100, "innerA")
        + _cell_region("ib", 200, 100, "innerB")
        + "</TableRegion>"
    )
    outline = '<Coords points="1,1 9,1 9,9"/>'
    outer = _cell_region("o", 100, 10, "outer")
    for tables, words in (
        (f'<TableRegion id="t">{outline}{cell}{caption}{picture}</TableRegion>', "Cell Caption"),
        (
            f'<TableRegion id="t">{outline}{outer}{inner}</TableRegion>',
            "outer innerA innerB",
        ),
        (f'<TableRegion id="t">{outline}{inner}</TableRegion>', "innerA innerB"),
    ):
        result = convert_bytes(_page(tables), "tables.xml")
        assert result.ok, [d.format() for d in result.diagnostics]
        body = result.tree.getroot().find(".//t:body", NS)  # type: ignore[union-attr]
        assert sorted(" ".join(body.itertext()).split()) == sorted(words.split()), tables
    assert body.find(".//t:table", NS) is not None


@pytest.mark.parametrize(
    ("words", "line_text", "expected"),
    [
        # a word is found as a word, not inside another ("an" in "Hans")
        ([("Peter", ""), ("an", "place {offset:0; length:2;}")], "Hans an", [("placeName", "an")]),
        # an offset past its word stays in the word (clamped), never on the next
        ([("ab", "textStyle {offset:5; length:2; bold:true;}"), ("cdef", "")], "ab cdef", []),
        # a length past its word ends with it
        (
            [("ab", "textStyle {offset:0; length:9; bold:true;}"), ("cd", "")],
            "ab cd",
            [("hi", "ab")],
        ),
        # an offset and no length: a point, as on a line
        ([("abc", "gap {offset:1;}")], "abc", [("gap", "")]),
    ],
)
def test_a_word_tag_stays_on_its_word(words: list, line_text: str, expected: list) -> None:
    result = _worded_page(line_text, words)
    assert result.ok, [d.format() for d in result.diagnostics]
    p = result.tree.getroot().find(".//t:body/t:p", NS)  # type: ignore[union-attr]
    found = [(etree.QName(e).localname, "".join(e.itertext())) for e in p.iter() if e is not p]
    assert [f for f in found if f[0] != "lb"] == expected
    assert " ".join("".join(p.itertext()).split()) == line_text


def test_word_tags_of_two_readings_are_two_elements() -> None:
    """Continued over two words, one tag; two abbreviations side by side with other
    expansions, two (they had merged, the second expansion lost)."""
    words = [
        ("S.", "abbrev {offset:0; length:2; continued:true; expansion:Sankt;}"),
        ("T.", "abbrev {offset:0; length:2; continued:true; expansion:Thomas;}"),
    ]
    result = _worded_page("S. T.", words)
    assert result.ok
    root = result.tree.getroot()  # type: ignore[union-attr]
    assert [e.text for e in root.iterfind(".//t:expan", NS)] == ["Sankt", "Thomas"]


def test_tags_continued_over_a_line_end_join_only_with_the_same_reading() -> None:
    region = (
        '<TextRegion id="r"><Coords points="1,1 9,1 9,9"/>'
        + _line("a", "S. T.", "abbrev {offset:0; length:5; continued:true; expansion:X;}")
        + _line("b", "u. s.", "abbrev {offset:0; length:5; continued:true; expansion:Y;}")
        + _line("c", "Jo-", "person {offset:0; length:3; continued:true; lastname:Ott;}")
        + _line("d", "hann", "person {offset:0; length:4; continued:true; lastname:Ott;}")
        + "</TextRegion>"
    )
    result = convert_bytes(_page(region), "joined.xml")
    assert result.ok, [d.format() for d in result.diagnostics]
    root = result.tree.getroot()  # type: ignore[union-attr]
    assert [e.text for e in root.iterfind(".//t:expan", NS)] == ["X", "Y"]
    assert len(root.findall(".//t:body//t:persName", NS)) == 1


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("- 79 -", "79"),
        ("xii.", "xii"),
        ("2v", "2v"),
        ("[XIV]", "XIV"),
        ("did", ""),
        ("Mix", ""),
        ("79 and more", ""),
        ("", ""),
        ("1" * 9, ""),
    ],
)
def test_a_printed_page_number_is_read_as_a_number_alone(text: str, number: str) -> None:
    from tei_tools.page_numbers import printed_number

    assert printed_number(text) == number


def test_pages_numbered_as_printed_agree_with_the_rules(tmp_path: Path) -> None:
    """Folios (1v, 2r) numbered as printed: R009 reads the printed number as the reader
    does, so the converter's output does not warn against itself."""
    from tei_tools.validate import Validator

    export = tmp_path / "export"
    export.mkdir()
    for n, number in enumerate(["1v", "2r", "2v"], start=1):
        (export / f"p_{n}.xml").write_bytes(_numbered_page(number, f"w{n}"))
    out = tmp_path / "out.xml"
    result = CliRunner().invoke(cli, ["convert", str(export), "-o", str(out)])
    assert result.exit_code == 0, result.output
    found = list(Validator(select=["R006", "R009"]).iter_errors("out.xml", out.read_bytes()))
    assert [d.format() for d in found] == []


def test_a_long_mets_label_is_a_label_not_a_crash(tmp_path: Path) -> None:
    export = tmp_path / "export"
    export.mkdir()
    (export / "a.xml").write_bytes(_region_page("one"))
    mets = _mets("PAGEXML", ["a.xml"], "application/xml").replace(
        "</fileSec>",
        '</fileSec><structMap TYPE="PHYSICAL"><div><div ORDERLABEL="' + "9" * 5000 + '">'
        '<fptr FILEID="f0"/></div></div></structMap>',
    )
    (export / "mets.xml").write_text(mets)
    out = tmp_path / "out.xml"
    result = CliRunner().invoke(cli, ["convert", str(export), "-o", str(out)])
    assert result.exit_code == 0, result.output


def test_a_transcription_that_names_alto_is_no_alto_file() -> None:
    text = b"Notes: the OCR came as http://www.loc.gov/standards/alto/ns-v4 files.\n"
    result = convert_bytes(text, "notes.txt")
    assert not any(d.code == "C007" for d in result.diagnostics), result.diagnostics


def test_a_hyphen_in_a_form_or_supplied_text_stays_in_it() -> None:
    """An abbreviation (alone), supplied or unclear text ending in a hyphen at a line
    end: the hyphen is the form's, as it is in a choice."""
    for custom, element in (
        ("abbrev {offset:4; length:3;}", "abbr"),
        ("supplied {offset:4; length:3;}", "supplied"),
    ):
        region = (
            '<TextRegion id="r"><Coords points="1,1 9,1 9,9"/>'
            + _line("a", "ein Ab-", custom)
            + _line("b", "satz")
            + "</TextRegion>"
        )
        result = convert_bytes(_page(region), "hy.xml")
        assert result.ok
        found = result.tree.getroot().find(f".//t:{element}", NS)  # type: ignore[union-attr]
        assert found.text == "Ab-", element


def test_segmonto_subtypes_of_the_main_zone_are_plain_text_not_said() -> None:
    regions = _typed_region("a", "MainZone:column#1", "left") + _typed_region(
        "b", "MainZone#2", "x"
    )
    result = convert_bytes(_page(regions), "sub.xml")
    assert result.ok
    assert not [d for d in result.diagnostics if d.code == "C402"], result.diagnostics
    zones = {
        z.get(f"{{{XML}}}id"): z.get("type")
        for z in result.tree.getroot().iterfind(".//t:zone[@type]", NS)  # type: ignore[union-attr]
    }
    assert zones == {"page1-a": "MainZone_column_1", "page1-b": "MainZone_2"}


def test_a_reading_order_member_with_no_index_comes_after_those_with_one() -> None:
    order = (
        "<ReadingOrder><OrderedGroup id='g'>"
        "<RegionRefIndexed regionRef='b'/>"
        "<RegionRefIndexed regionRef='a' index='0'/>"
        "</OrderedGroup></ReadingOrder>"
    )
    regions = _typed_region("b", "paragraph", "second") + _typed_region("a", "paragraph", "first")
    result = convert_bytes(_page(order + regions), "ro.xml")
    assert result.ok
    body = result.tree.getroot().find(".//t:body", NS)  # type: ignore[union-attr]
    assert " ".join(body.itertext()).split() == ["first", "second"]


def test_a_page_2019_table_places_its_cells_by_their_roles() -> None:
    """PAGE 2019 states a cell's place (``Roles/TableCellRole``): read, not guessed from
    where the regions stand (a skewed table had come out one cell a row)."""

    def cell(rid: str, row: int, col: int, x: int, y: int, text: str) -> str:
        role = f'<Roles><TableCellRole rowIndex="{row}" columnIndex="{col}"/></Roles>'
        return _cell_region(rid, x, y, text).replace("<TextLine", role + "<TextLine", 1)

    cells = (
        cell("a", 0, 0, 100, 100, "one")
        + cell("b", 0, 1, 200, 160, "two")  # skewed: lower than its row
        + cell("c", 1, 0, 100, 220, "three")
        + cell("d", 1, 1, 200, 280, "four")
    )
    table = (
        f'<TableRegion id="t"><Coords points="90,90 300,90 300,400 90,400"/>{cells}</TableRegion>'
    )
    result = convert_bytes(_page(table), "roles.xml")
    assert result.ok, [d.format() for d in result.diagnostics]
    rows = [
        ["".join(c.itertext()).strip() for c in row.iterfind("t:cell", NS)]
        for row in result.tree.getroot().iterfind(".//t:table/t:row", NS)  # type: ignore[union-attr]
    ]
    assert rows == [["one", "two"], ["three", "four"]]
    assert not any(d.code == "C402" for d in result.diagnostics)
