"""Word and PAGE-XML sources: each construct, the TEI it gives, and the source place
each diagnostic names. Word files are made here (a minimal package of
word/document.xml, and one through python-docx as Word's own writer would); PAGE
files are snippets as text."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from tei_tools.convert import convert_bytes
from tei_tools.convert.pipeline import convert_folder
from tei_tools.namespaces import TEI_NS

NS = {"t": TEI_NS}
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PAGE_NS = "http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"


WORD_PARTS = {
    "styles": "word/styles.xml",
    "core": "docProps/core.xml",
    "app": "docProps/app.xml",
    "numbering": "word/numbering.xml",
    "footnotes": "word/footnotes.xml",
    "endnotes": "word/endnotes.xml",
    "comments": "word/comments.xml",
    "rels": "word/_rels/document.xml.rels",
    "image": "word/media/image1.png",
}


def docx(body: str, **parts: str | bytes) -> bytes:
    """A Word package whose document body is ``body`` (w: paragraphs), with the other
    parts given by name (see WORD_PARTS)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(
            "word/document.xml",
            f'<w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>',
        )
        for key, xml in parts.items():
            archive.writestr(WORD_PARTS[key], xml)
    return buffer.getvalue()


def run(text: str, *props: str) -> str:
    rpr = f"<w:rPr>{''.join(props)}</w:rPr>" if props else ""
    return f'<w:r>{rpr}<w:t xml:space="preserve">{text}</w:t></w:r>'


def para(*runs: str) -> str:
    return f"<w:p>{''.join(runs)}</w:p>"


BODY = para(
    run("Mr. Allen said that the talks in "),
    run("Lodnon", "<w:strike/>"),
    run(" "),
    run("London", '<w:vertAlign w:val="superscript"/>'),
    run(" had ended."),
)


def tei(data: bytes, name: str = "memo.docx", **options: str) -> tuple[etree._Element, list]:
    result = convert_bytes(data, name, None, **options)  # type: ignore[arg-type]
    assert result.ok, [d.format() for d in result.diagnostics]
    return etree.fromstring(result.xml()), result.diagnostics


def body_xml(root: etree._Element) -> str:
    body = root.find(".//t:body", NS)
    assert body is not None
    return etree.tostring(body, encoding="unicode").replace(f' xmlns="{TEI_NS}"', "")


def test_word_strike_and_superscript_are_a_substitution_in_a_memorandum() -> None:
    root, _ = tei(docx(BODY), profile="memorandum")
    subst = root.find(".//t:subst", NS)
    assert subst is not None
    assert [(etree.QName(e).localname, e.text) for e in subst] == [
        ("del", "Lodnon"),
        ("add", "London"),
    ]
    assert subst[0].get("rend") == "strikethrough" and subst[1].get("place") == "above"


def test_word_run_properties_map_to_their_meaning() -> None:
    body = para(
        run("Text "),
        run("gone", "<w:dstrike/>"),
        run(" and "),
        run("low", '<w:vertAlign w:val="subscript"/>'),
        run(" and "),
        run("heavy", "<w:b/>"),
        run(" and "),
        run("slanted", "<w:i/>"),
        run(" and "),
        run("ruled", '<w:u w:val="single"/>'),
        run(" and "),
        run("plain", '<w:b w:val="0"/>'),
        run("."),
    )
    xml = body_xml(tei(docx(body), profile="memorandum")[0])
    assert '<del rend="doubleStrikethrough">gone</del>' in xml
    assert '<add place="below">low</add>' in xml
    assert '<hi rend="bold">heavy</hi>' in xml
    assert '<hi rend="italic">slanted</hi>' in xml
    assert '<hi rend="underline">ruled</hi>' in xml
    assert "and plain." in xml


def test_a_document_is_given_the_styles_its_source_states() -> None:
    """No memorandum heading: a raised run is superscript, not an insertion; no
    speech is reported; each Word paragraph stays a block of its own."""
    body = (
        BODY
        + para(run("vom 8"), run("t", '<w:vertAlign w:val="superscript"/>'), run(" May"))
        + para(run("H"), run("2", '<w:vertAlign w:val="subscript"/>'), run("O and"))
        + para(run("a short line"))
    )
    root, diags = tei(docx(body))
    xml = body_xml(root)
    assert '<hi rend="superscript">London</hi>' in xml
    assert 'vom 8<hi rend="superscript">t</hi> May' in xml
    assert 'H<hi rend="subscript">2</hi>O and' in xml
    assert len(root.findall(".//t:body/t:p", NS)) == 4
    assert root.find(".//t:add", NS) is None and root.find(".//t:said", NS) is None
    assert root.find(".//t:persName", NS) is None
    assert [d.message for d in diags if d.code == "C020"] == [
        "read as a document: no memorandum heading or participants list at its top; "
        "give --profile memorandum to read it as one"
    ]


def test_a_word_split_over_runs_of_one_format_is_one_word() -> None:
    body = para(
        run("The "),
        run("Wash", "<w:strike/>"),
        run("ington", "<w:strike/>"),
        run(" talks went on."),
    )
    xml = body_xml(tei(docx(body))[0])
    assert '<del rend="strikethrough">Washington</del>' in xml


def test_word_line_and_page_breaks() -> None:
    body = (
        para(run("First line"), "<w:r><w:br/></w:r>", run("second line of the paragraph."))
        + para('<w:r><w:br w:type="page"/></w:r>', run("- 2 -"))
        + para(run("The talks went on."))
    )
    root, _ = tei(docx(body), profile="memorandum")
    xml = body_xml(root)
    assert "First line<lb/>" in xml
    assert root.find(".//t:pb[@n='2']", NS) is not None
    assert root.find(".//t:fw[@type='pageNum']", NS) is not None
    # a document states a page break and the text after it, and no page number
    xml = body_xml(tei(docx(body))[0])
    assert "<p>First line<lb/>second line of the paragraph.</p>" in xml
    assert "<pb/>\n      <p>- 2 -</p>" in xml


def test_text_that_looks_like_the_dialect_is_kept_as_text() -> None:
    body = para(run("Code ~~x~~ and **y** and &lt;sup>z&lt;/sup> and a\\b were typed as such."))
    root, _ = tei(docx(body))
    text = "".join(root.find(".//t:body", NS).itertext())  # type: ignore[union-attr]
    assert "Code ~~x~~ and **y** and <sup>z</sup> and a\\b were typed as such." in text
    assert root.find(".//t:del", NS) is None and root.find(".//t:hi", NS) is None


def test_text_that_looks_like_the_dialect_is_kept_as_text_in_a_memorandum() -> None:
    """No notation is ever rendered: a Word memorandum's typed "~~", "*", "<sup>" are
    its text, and nothing is said of them in the dialect's words (C101-C107)."""
    body = para(run("Code ~~x~~ and **y** and &lt;sup>z&lt;/sup> and *a\\b* of course / the."))
    root, diags = tei(docx(body), profile="memorandum")
    text = "".join(root.find(".//t:body", NS).itertext())  # type: ignore[union-attr]
    assert "Code ~~x~~ and **y** and <sup>z</sup> and *a\\b* of course / the." in text
    assert root.find(".//t:body//t:del", NS) is None and root.find(".//t:body//t:hi", NS) is None
    assert not [d for d in diags if d.code.startswith("C10")]


def test_a_word_memorandum_reads_the_typescript_conventions_typed_in_it() -> None:
    sup = '<w:vertAlign w:val="superscript"/>'
    body = para(
        run("He said [REDACTED] and "),
        run("xxxx", "<w:strike/>"),
        run(" and "),
        run("xxx", "<w:dstrike/>"),
        run(" but advert/"),
        run("to", sup),
        run(" the over- flights xxxxx."),
    )
    xml = body_xml(tei(docx(body), profile="memorandum")[0])
    assert '<gap reason="redacted"/>' in xml
    assert (
        '<del rend="overtyped"><gap reason="illegible" quantity="4" unit="chars"/></del>'
    ) in xml
    assert (
        '<del rend="doubleStrikethrough"><gap reason="illegible" quantity="3" unit="chars"/></del>'
    ) in xml
    assert 'advert<metamark function="insert">/</metamark><add place="above">to</add>' in xml
    assert 'over<pc force="weak">-</pc><lb break="no"/>flights' in xml
    assert 'flights <del rend="overtyped"><gap reason="illegible" quantity="5"' in xml


def test_a_double_strike_or_a_tracked_deletion_beside_an_addition_is_a_substitution() -> None:
    body = para(
        run("between Greece "),
        run("adn", "<w:dstrike/>"),
        run(" "),
        run("and", '<w:vertAlign w:val="superscript"/>'),
        run(" Turkey."),
    )
    xml = body_xml(tei(docx(body), profile="memorandum")[0])
    assert (
        '<subst><del rend="doubleStrikethrough">adn</del><add place="above">and</add></subst>'
    ) in xml


def test_a_word_memorandum_line_keeps_its_containers_over_a_line_break() -> None:
    """A deletion typed over a line end stays one deletion; the line's edges lose
    their spaces, as a raw line's do (the spaces between runs stay)."""
    body = para(
        run("  The talks "),
        run("went", "<w:strike/>"),
        "<w:r><w:rPr><w:strike/></w:rPr><w:br/></w:r>",
        run(" on  ", "<w:strike/>"),
        run(" at noon. "),
    )
    xml = body_xml(tei(docx(body), profile="memorandum")[0])
    assert '<p>The talks <del rend="strikethrough">went<lb/>\non</del>   at noon.</p>' in xml


TRACKED = para(
    run("The Minister said that "),
    '<w:del w:id="1" w:author="Editor" w:date="2024-05-01T10:00:00Z">'
    "<w:r><w:delText>very </w:delText></w:r></w:del>",
    run("the note was "),
    '<w:ins w:id="2" w:author="Editor" w:date="2024-05-01T10:00:00Z">'
    "<w:r><w:t>not </w:t></w:r></w:ins>",
    run("acceptable."),
)


def test_tracked_changes_are_kept_and_point_to_their_change() -> None:
    root, _ = tei(docx(TRACKED))
    deletion = root.find(".//t:body//t:del", NS)
    addition = root.find(".//t:body//t:add", NS)
    assert deletion is not None and deletion.text == "very"
    assert addition is not None and addition.text == "not"
    assert deletion.get("rend") is None and addition.get("place") is None
    changes = {
        c.get("{http://www.w3.org/XML/1998/namespace}id"): c
        for c in root.iterfind(".//t:revisionDesc/t:change", NS)
    }
    for element, kind in ((deletion, "deletion"), (addition, "insertion")):
        change = changes[element.get("change", "")[1:]]
        assert change.get("type") == kind and "Editor" in (change.text or "")
        assert change.get("when") == "2024-05-01T10:00:00Z"


@pytest.mark.parametrize(
    ("choice", "present", "absent"),
    [("accept", "not acceptable", "very"), ("reject", "very the note was acceptable", "not ")],
)
def test_tracked_changes_accepted_or_rejected_on_request(
    choice: str, present: str, absent: str
) -> None:
    root, diags = tei(docx(TRACKED), tracked=choice)
    text = " ".join("".join(root.find(".//t:body", NS).itertext()).split())  # type: ignore[union-attr]
    assert present in text and absent not in text
    assert root.find(".//t:body//t:del", NS) is None
    assert root.find(".//t:body//t:add", NS) is None
    assert [d.code for d in diags if d.code == "C403"] == ["C403"]  # said, not silent


NESTED = para(
    run("The Minister said that "),
    '<w:ins w:id="1" w:author="Able" w:date="2024-05-01T10:00:00Z">'
    '<w:r><w:t xml:space="preserve">the new </w:t></w:r>'
    '<w:del w:id="2" w:author="Baker" w:date="2024-05-02T10:00:00Z">'
    "<w:r><w:delText>DELETED-BY-BAKER</w:delText></w:r></w:del>"
    "</w:ins>",
    run(" note was acceptable."),
)


def test_a_deletion_inside_an_insertion_is_a_del_inside_the_add() -> None:
    """Word's "inserted by Able, then deleted by Baker": the deletion is Baker's and
    sits inside Able's addition; each points to its own change."""
    root, _ = tei(docx(NESTED))
    addition = root.find(".//t:body//t:add", NS)
    assert addition is not None
    assert addition.text == "the new "
    [deletion] = addition.findall("t:del", NS)
    assert deletion.text == "DELETED-BY-BAKER"
    changes = {
        "#" + (c.get("{http://www.w3.org/XML/1998/namespace}id") or ""): (c.get("type"), c.text)
        for c in root.iterfind(".//t:revisionDesc/t:change", NS)
    }
    assert changes[addition.get("change", "")][0] == "insertion"
    assert "Able" in (changes[addition.get("change", "")][1] or "")
    assert changes[deletion.get("change", "")][0] == "deletion"
    assert "Baker" in (changes[deletion.get("change", "")][1] or "")


@pytest.mark.parametrize(
    ("choice", "text"),
    [
        ("accept", "The Minister said that the new note was acceptable."),
        ("reject", "The Minister said that note was acceptable."),
    ],
)
def test_a_deletion_inside_an_insertion_accepted_or_rejected(choice: str, text: str) -> None:
    root, diags = tei(docx(NESTED), tracked=choice)
    body = root.find(".//t:body", NS)
    assert body is not None
    assert " ".join("".join(body.itertext()).split()) == text
    assert body.find(".//t:del", NS) is None and body.find(".//t:add", NS) is None
    assert [d.code for d in diags if d.code == "C403"] == ["C403"]


def test_word_diagnostics_name_the_paragraph_and_column() -> None:
    body = para(run("Intro.")) + para(
        run("Then "), run("Mr. Nobody", "<w:b/>"), run(" said that it was late.")
    )
    result = convert_bytes(docx(body), "memo.docx", profile="memorandum")
    c301 = [d for d in result.diagnostics if d.code == "C301"]
    assert c301 and (c301[0].file, c301[0].line, c301[0].column) == ("memo.docx", 2, 6)


def test_a_note_the_file_lacks_is_reported_and_a_field_gives_its_result() -> None:
    body = para(run("Text"), '<w:r><w:footnoteReference w:id="1"/></w:r>', run(" goes on.")) + para(
        '<w:fldSimple w:instr="DATE">', run("1 May 1962"), "</w:fldSimple>"
    )
    root, diags = tei(docx(body))
    notes = [(d.code, d.line) for d in diags if d.code == "C401"]
    assert notes == [("C401", 1)]  # the footnote the file does not hold
    assert "1 May 1962" in "".join(root.itertext())


def test_a_document_written_by_python_docx_converts() -> None:
    docx_module = pytest.importorskip("docx", reason="python-docx is a test dependency")
    document = docx_module.Document()
    p = document.add_paragraph("Mr. Allen said that the ")
    p.add_run("meating").font.strike = True
    p.add_run(" ")
    p.add_run("meeting").font.superscript = True
    p.add_run(" had ended.")
    buffer = io.BytesIO()
    document.save(buffer)
    root, _ = tei(buffer.getvalue(), profile="memorandum")
    assert root.find(".//t:subst/t:del", NS).text == "meating"  # type: ignore[union-attr]
    root, _ = tei(buffer.getvalue())
    assert (
        '<p>Mr. Allen said that the <del rend="strikethrough">meating</del> '
        '<hi rend="superscript">meeting</hi> had ended.</p>'
    ) in body_xml(root)


def test_a_damaged_word_file_is_refused_by_name() -> None:
    data = docx(BODY)[:-30]  # the zip's end record cut off: its part names remain
    result = convert_bytes(data, "memo.docx")
    assert not result.ok
    assert [(d.code, d.file) for d in result.diagnostics] == [("C008", "memo.docx")]


# -- PAGE ----------------------------------------------------------------------------


def page_xml(regions: str, image: str = "p1.jpg", order: str = "") -> bytes:
    return (
        f'<PcGts xmlns="{PAGE_NS}"><Page imageFilename="{image}" imageWidth="2480" '
        f'imageHeight="3508">{order}{regions}</Page></PcGts>'
    ).encode()


def line(lid: str, text: str, x1: int, y: int, x2: int, custom: str = "") -> str:
    points = f"{x1},{y} {x2},{y} {x2},{y + 40} {x1},{y + 40}"
    attr = f' custom="{custom}"' if custom else ""
    return (
        f'<TextLine id="{lid}"{attr}><Coords points="{points}"/>'
        f"<TextEquiv><Unicode>{text}</Unicode></TextEquiv></TextLine>"
    )


def region(rid: str, *lines: str, kind: str = "paragraph") -> str:
    return (
        f'<TextRegion id="{rid}" type="{kind}"><Coords points="190,100 2290,100 2290,900 '
        f'190,900"/>{"".join(lines)}</TextRegion>'
    )


WIDE = "Mr. Allen said that the Foreign Office was very concerned over the"
PAGE_ONE = page_xml(
    region(
        "r1",
        line(
            "l1",
            "PARTICIPANTS: Sir Ivone Kirkpatrick, Permanent Under-Secretary of",
            190,
            100,
            2140,
        ),
        line("l2", "State, Foreign Office", 190, 150, 820),
        line("l3", "Mr. George V. Allen, Assistant Secretary of State", 190, 200, 1600),
    )
    + region(
        "r2",
        line(
            "l4",
            WIDE,
            190,
            400,
            2140,
            "textStyle {offset:43; length:4;strikethrough:true;} unclear {offset:0; length:3;}",
        ),
        line("l5", "question of Cyprus.", 190, 450, 700),
    )
)


def test_page_lines_point_at_their_zones_and_keep_their_coordinates() -> None:
    root, _ = tei(PAGE_ONE, "p.xml")
    zones = {
        z.get("{http://www.w3.org/XML/1998/namespace}id"): z.get("points")
        for z in root.iterfind(".//t:facsimile/t:surface/t:zone", NS)
    }
    graphic = root.find(".//t:facsimile/t:surface/t:graphic", NS)
    assert graphic is not None and graphic.get("url") == "p1.jpg"
    lbs = root.findall(".//t:text//t:lb", NS)
    assert lbs and all(lb.get("facs", "")[1:] in zones for lb in lbs)
    assert zones["page1-l5"] == "190,450 700,450 700,490 190,490"
    body_p = root.find(".//t:body/t:p", NS)
    assert body_p is not None and body_p.get("facs") == "#page1-r2"


def test_page_participants_wrapped_by_the_measure_stay_whole() -> None:
    root, _ = tei(PAGE_ONE, "p.xml")
    names = [
        " ".join("".join(p.itertext()).split())
        for p in root.iterfind(".//t:particDesc//t:person/t:persName", NS)
    ]
    assert any("Kirkpatrick" in n for n in names) and any("Allen" in n for n in names)
    assert not any(n == "State" or n.startswith("State") for n in names)


def test_page_text_style_and_tags_in_a_memorandum() -> None:
    """A memorandum read from PAGE keeps the editor's tags as well as its styles."""
    root, _ = tei(PAGE_ONE, "p.xml")
    deletion = root.find(".//t:body//t:del", NS)
    assert deletion is not None and deletion.text == "very"
    unclear = root.find(".//t:body//t:unclear", NS)
    assert unclear is not None and "".join(unclear.itertext()) == "Mr."
    assert "Mr. Allen said" in " ".join("".join(root.itertext()).split())


def test_page_reading_order_is_followed() -> None:
    order = (
        '<ReadingOrder><OrderedGroup id="g"><RegionRefIndexed index="0" regionRef="b"/>'
        '<RegionRefIndexed index="1" regionRef="a"/></OrderedGroup></ReadingOrder>'
    )
    data = page_xml(
        region("a", line("la", "Second paragraph of the memorandum.", 190, 500, 1200))
        + region("b", line("lb1", "First paragraph of the memorandum.", 190, 100, 1200)),
        order=order,
    )
    root, _ = tei(data, "p.xml")
    text = " ".join("".join(root.find(".//t:text", NS).itertext()).split())  # type: ignore[union-attr]
    assert text.index("First") < text.index("Second")


METS = """<mets:mets xmlns:mets="http://www.loc.gov/METS/" xmlns:xlink="http://www.w3.org/1999/xlink">
<mets:fileSec><mets:fileGrp USE="PAGEXML">{files}</mets:fileGrp></mets:fileSec></mets:mets>"""


def mets(*hrefs: str) -> str:
    return METS.format(
        files="".join(
            f'<mets:file SEQ="{n}"><mets:FLocat xlink:href="{h}"/></mets:file>'
            for n, h in enumerate(hrefs, 1)
        )
    )


def test_an_export_as_mets_folder_and_zip_gives_one_tei(tmp_path: Path) -> None:
    export = tmp_path / "export"
    (export / "page").mkdir(parents=True)
    bad_offset = PAGE_ONE.replace(b"unclear {offset:0;", b"unclear {offset:x;")
    (export / "page" / "0001.xml").write_bytes(bad_offset)
    (export / "mets.xml").write_text(mets("page/0001.xml"))
    by_mets = convert_bytes(
        (export / "mets.xml").read_bytes(), str(export / "mets.xml"), base=export
    )
    by_folder = convert_folder(export)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.write(export / "mets.xml", "mets.xml")
        archive.write(export / "page" / "0001.xml", "page/0001.xml")
    by_zip = convert_bytes(buffer.getvalue(), "export.zip")
    texts = {body_xml(etree.fromstring(r.xml())) for r in (by_mets, by_folder, by_zip)}
    assert len(texts) == 1
    c009 = [d for d in by_mets.diagnostics if d.code == "C009"]
    assert c009[0].file == f"{export}/page/0001.xml"  # the page file, where the tag is


@pytest.mark.parametrize(
    "href", ["../outside.xml", "/etc/passwd", "http://example.org/p.xml", "page/missing.xml"]
)
def test_a_mets_pointer_outside_the_export_or_missing_is_refused(tmp_path: Path, href: str) -> None:
    (tmp_path / "outside.xml").write_bytes(PAGE_ONE)
    export = tmp_path / "export"
    export.mkdir()
    (export / "mets.xml").write_text(mets(href))
    result = convert_bytes((export / "mets.xml").read_bytes(), "mets.xml", base=export)
    assert not result.ok
    assert [d.code for d in result.diagnostics] == ["C008"]


def test_xml_that_is_neither_page_nor_mets_is_refused() -> None:
    result = convert_bytes(b'<root xmlns="urn:x"><a/></root>', "x.xml")
    assert [d.code for d in result.diagnostics] == ["C007"]


# -- the devset in Word and PAGE ---------------------------------------------------------

DEVSET = Path(__file__).resolve().parents[2] / "shared" / "devset"
PAGE_EXPORTS = sorted((DEVSET / "page").glob("*/mets.xml"))
TRACKED_WORD = [
    p.with_suffix(".docx")
    for p in sorted((DEVSET / "docx").glob("*.json"))
    if '"tracked_changes": 0' not in p.read_text()
]


@pytest.mark.skipif(not PAGE_EXPORTS, reason=f"the devset's PAGE exports are not at {DEVSET}")
@pytest.mark.parametrize("mets", PAGE_EXPORTS, ids=lambda p: p.parent.name)
def test_every_page_line_points_at_a_zone_with_its_coordinates(mets: Path) -> None:
    result = convert_folder(mets.parent)
    assert result.ok, [d.format() for d in result.diagnostics]
    root = etree.fromstring(result.xml())
    zones = {
        z.get("{http://www.w3.org/XML/1998/namespace}id"): z.get("points")
        for z in root.iterfind(".//t:zone", NS)
    }
    expected: dict[str, str] = {}
    for n, page in enumerate(sorted((mets.parent / "page").glob("*.xml")), start=1):
        for element in etree.parse(str(page)).iter("{*}TextLine", "{*}TextRegion"):
            coords = element.find("{*}Coords")
            expected[f"page{n}-{element.get('id')}"] = coords.get("points")  # type: ignore[union-attr]
    pointers = [
        target[1:]
        for el in root.iterfind(".//t:text//*[@facs]", NS)
        for target in el.get("facs", "").split()
    ]
    assert pointers
    for pointer in pointers:
        if pointer.startswith("page") and "-" not in pointer:
            continue  # a pb points at its surface
        assert zones[pointer] == expected[pointer], pointer
    lines = [k for k in expected if "l" in k.split("-", 1)[1]]
    lb_targets = {el.get("facs", "")[1:] for el in root.iterfind(".//t:text//t:lb", NS)}
    block_targets = set(pointers)
    # every line is reached: by its own lb, or (a region's first line) by its block
    first_lines = {k for k in lines if k.endswith("l1")}
    assert set(lines) - first_lines <= lb_targets
    assert {k.rsplit("l", 1)[0] for k in first_lines} <= block_targets | {
        k for k in expected if k not in zones
    }


@pytest.mark.skipif(not TRACKED_WORD, reason=f"the devset's Word files are not at {DEVSET}")
@pytest.mark.parametrize("path", TRACKED_WORD, ids=lambda p: p.stem)
def test_devset_tracked_deletions_point_to_their_change(path: Path) -> None:
    kept, _ = tei(path.read_bytes(), path.name)
    changed = kept.findall(".//t:body//t:del[@change]", NS)
    assert changed
    ids = {
        c.get("{http://www.w3.org/XML/1998/namespace}id")
        for c in kept.iterfind(".//t:revisionDesc/t:change", NS)
    }
    assert all(d.get("change", "")[1:] in ids for d in changed)
    accepted, _ = tei(path.read_bytes(), path.name, tracked="accept")
    rejected, _ = tei(path.read_bytes(), path.name, tracked="reject")
    assert not accepted.findall(".//t:body//t:del[@change]", NS)
    gone = " ".join("".join(changed[0].itertext()).split())
    assert gone in " ".join("".join(rejected.find(".//t:body", NS).itertext()).split())  # type: ignore[union-attr]


# -- the document profile: what the source states, nothing invented -----------------


def test_a_page_document_has_a_pb_per_page_and_an_lb_per_line(tmp_path: Path) -> None:
    """A print, not a memorandum: page 1 starts with a pb; each line starts with an lb
    pointing at its zone; a word hyphenated at a line end ("=" in a print) is joined
    by lb break="no" keeping its hyphen, and a hyphen inside a line stays text."""
    first = page_xml(
        region(
            "r1",
            line("l1", "Gestern langete hier ein Expres=", 190, 100, 2140),
            line("l2", "ser von Staats- und Welt- Sachen", 190, 150, 2140),
        ),
        image="a.jpg",
    )
    second = page_xml(region("r2", line("l3", "Ende.", 190, 100, 400)), image="b.jpg")
    with zipfile.ZipFile(tmp_path / "print.zip", "w") as archive:
        archive.writestr("page/0001.xml", first)
        archive.writestr("page/0002.xml", second)
    root, diags = tei((tmp_path / "print.zip").read_bytes(), "print.zip")
    xml = body_xml(root)
    assert [pb.get("n") for pb in root.iterfind(".//t:body/t:pb", NS)] == ["1", "2"]
    assert [pb.get("facs") for pb in root.iterfind(".//t:body/t:pb", NS)] == [
        "#page1",
        "#page2",
    ]
    assert (
        '<p facs="#page1-r1"><lb facs="#page1-l1"/>Gestern langete hier ein Expres'
        '<pc force="weak">=</pc><lb break="no" facs="#page1-l2"/>ser von Staats- und Welt- '
        "Sachen</p>"
    ) in xml
    assert '<p facs="#page2-r2"><lb facs="#page2-l3"/>Ende.</p>' in xml
    assert [d.code for d in diags if d.code == "C020"] == ["C020"]


def test_a_memorandum_from_page_is_still_read_as_one() -> None:
    root, diags = tei(PAGE_ONE, "p.xml")
    assert root.find(".//t:particDesc", NS) is not None
    assert [d.message for d in diags if d.code == "C020"] == [
        "read as a memorandum: a participants list (2 entries)"
    ]


def test_a_reader_diagnostic_keeps_its_paragraph_in_a_memorandum() -> None:
    """The reader's own diagnostics are at their source place already: the rendering's
    line numbers are not applied to them (paragraph 4 is not rendered line 4)."""
    body = (
        para(run("MEMORANDUM OF CONVERSATION"))
        + para(run("SUBJECT: Berlin"))
        + para(run("The Secretary opened the talks."))
        + para(run("Text"), '<w:r><w:footnoteReference w:id="1"/></w:r>', run(" goes on."))
    )
    _, diags = tei(docx(body))
    assert next(d.message for d in diags if d.code == "C020").startswith("read as a memorandum")
    assert [(d.code, d.line) for d in diags if d.code == "C401"] == [("C401", 4)]


def test_memorandum_diagnostics_name_the_page_file_of_an_export(tmp_path: Path) -> None:
    """A name that resolves to nobody on the second page is reported at that page
    file's line, not at the export's."""
    second = page_xml(
        region("r3", line("l6", "Mr. Nobody said that the talks had ended.", 190, 100, 1500))
    )
    with zipfile.ZipFile(tmp_path / "memo.zip", "w") as archive:
        archive.writestr("page/0001.xml", PAGE_ONE)
        archive.writestr("page/0002.xml", second)
    _, diags = tei((tmp_path / "memo.zip").read_bytes(), "memo.zip")
    [c301] = [d for d in diags if d.code == "C301" and "Nobody" in d.message]
    assert c301.file == "memo.zip/page/0002.xml" and (c301.line, c301.column) == (1, 1)
    [c303] = [d for d in diags if d.code == "C303"]
    assert c303.file == "memo.zip/page/0002.xml"


def test_the_profile_asked_for_is_used_and_said(tmp_path: Path) -> None:
    text = "MEMORANDUM OF CONVERSATION\n\nSECRET\n\nMr. Allen said that the talks had ended.\n"
    as_document, diags = tei(text.encode(), "memo.txt", profile="document")
    assert as_document.find(".//t:said", NS) is None
    assert as_document.find(".//t:persName", NS) is None
    assert as_document.find(".//t:front", NS) is None
    assert [d.message for d in diags if d.code == "C020"] == [
        "read as a document: as asked (--profile)"
    ]
    as_memo, _ = tei(text.encode(), "memo.txt")
    assert as_memo.find(".//t:body/t:p/t:said/t:persName", NS) is not None
    assert as_memo.find(".//t:front/t:ab[@type='classification']", NS) is not None


def test_strict_office_open_xml_is_read_like_transitional() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx(para(run("Read in the Strict namespace."))))) as source:
        document = source.read("word/document.xml").decode()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        strict = document.replace(W_NS, "http://purl.oclc.org/ooxml/wordprocessingml/main")
        archive.writestr("word/document.xml", strict)
    root, _ = tei(buffer.getvalue())
    assert "Read in the Strict namespace." in body_xml(root)


def test_alternate_content_is_read_once_from_its_choice() -> None:
    box = (
        '<mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/'
        '2006"><mc:Choice Requires="wps"><w:drawing><w:txbxContent><w:p><w:r><w:t>Datum plane'
        "</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict>"
        "<w:txbxContent><w:p><w:r><w:t>Fallback copy</w:t></w:r></w:p></w:txbxContent>"
        "</w:pict></mc:Fallback></mc:AlternateContent>"
    )
    root, _ = tei(docx(f"<w:p><w:r>{box}</w:r></w:p>" + para(run("After the box."))))
    xml = body_xml(root)
    assert "Datum plane" in xml and "Fallback copy" not in xml


def test_a_damaged_styles_part_is_left_out_with_a_warning() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(docx(BODY))) as source, zipfile.ZipFile(buffer, "w") as out:
        for item in source.infolist():
            out.writestr(item, source.read(item))
        out.writestr("word/styles.xml", "<w:styles")
    root, diags = tei(buffer.getvalue())
    assert "London" in body_xml(root)
    assert [d.file for d in diags if d.code == "C009"] == ["memo.docx/word/styles.xml"]


def test_page_text_given_for_words_or_the_region_only() -> None:
    words = (
        '<TextLine id="l1"><Coords points="190,100 900,100 900,140 190,140"/>'
        '<Word id="w1"><TextEquiv><Unicode>Words</Unicode></TextEquiv></Word>'
        '<Word id="w2"><TextEquiv><Unicode>only</Unicode></TextEquiv></Word>'
        "<TextEquiv><Unicode></Unicode></TextEquiv></TextLine>"
    )
    by_region = (
        '<TextRegion id="r2"><Coords points="190,300 900,300 900,500 190,500"/>'
        '<TextLine id="l2"><TextEquiv><Unicode/></TextEquiv></TextLine>'
        "<TextEquiv><Unicode>Region first line\nRegion second line</Unicode></TextEquiv>"
        "</TextRegion>"
    )
    root, _ = tei(page_xml(region("r1", words) + by_region), "p.xml")
    xml = body_xml(root)
    assert "Words only" in xml
    assert "<lb/>Region first line\n<lb/>Region second line" in xml


def test_a_folder_of_page_files_is_one_export_read_in_natural_order(tmp_path: Path) -> None:
    """No METS file and no page/ folder: a folder that holds PAGE files and no other
    source is one document's pages, read 1, 2, 10 (not 1, 10, 2), as a zip is."""
    export = tmp_path / "export"
    export.mkdir()
    for n in (1, 2, 10):
        page = page_xml(region(f"r{n}", line(f"l{n}", f"Page {n}.", 190, 100, 600)), f"{n}.jpg")
        (export / f"{n}.xml").write_bytes(page)
    result = convert_folder(export)
    assert result.ok, [d.format() for d in result.diagnostics]
    body = etree.fromstring(result.xml()).find(".//t:body", NS)
    assert " ".join("".join(body.itertext()).split()) == "Page 1. Page 2. Page 10."  # type: ignore[union-attr]
    with zipfile.ZipFile(tmp_path / "export.zip", "w") as archive:
        for n in (10, 2, 1):
            archive.write(export / f"{n}.xml", f"{n}.xml")
    root, _ = tei((tmp_path / "export.zip").read_bytes(), "export.zip")
    urls = [g.get("url") for g in root.iterfind(".//t:facsimile//t:graphic", NS)]
    assert urls == ["1.jpg", "2.jpg", "10.jpg"]


def test_a_folder_with_other_sources_beside_page_files_is_a_folder_of_sources(
    tmp_path: Path,
) -> None:
    from tei_tools.convert.readers import is_page_export

    (tmp_path / "1.xml").write_bytes(page_xml(region("r1", line("l1", "One.", 190, 100, 600))))
    assert is_page_export(tmp_path)
    (tmp_path / "letter.txt").write_text("A letter.\n")
    assert not is_page_export(tmp_path)


def test_a_transkribus_table_is_a_table_row_by_row() -> None:
    def cell(row: int, col: int, text: str) -> str:
        return (
            f'<TableCell row="{row}" col="{col}" id="c{row}{col}">'
            f'<Coords points="{190 + col * 500},{100 + row * 100} {600 + col * 500},'
            f'{100 + row * 100} {600 + col * 500},{180 + row * 100}"/>'
            + line(f"l{row}{col}", text, 190 + col * 500, 100 + row * 100, 600 + col * 500)
            + "</TableCell>"
        )

    table = (
        '<TableRegion id="t1"><Coords points="190,100 1200,100 1200,400"/>'
        + cell(1, 1, "Köln")
        + cell(0, 0, "Name")
        + cell(1, 0, "Meyer")
        + cell(0, 1, "Ort")
        + "</TableRegion>"
    )
    root, diags = tei(page_xml(region("r0", line("l0", "Vorher.", 190, 40, 600)) + table), "t.xml")
    paragraphs = ["".join(p.itertext()) for p in root.iterfind(".//t:body/t:p", NS)]
    assert paragraphs == ["Vorher."]
    rows = [["".join(c.itertext()) for c in row] for row in root.iterfind(".//t:table/t:row", NS)]
    assert rows == [["Name", "Ort"], ["Meyer", "Köln"]]
    assert not [d for d in diags if d.code == "C402"]
