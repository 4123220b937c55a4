"""Each Word construct as TEI: a Word file made here with one of each — headings
(Title, Heading N through basedOn, an outline level), numbered and bulleted lists
nested by level, a table with merged cells, footnotes, endnotes, a comment, an
external hyperlink and one to a bookmark, an image with alt text, formatting from a
character style and from the document's defaults — and the TEI body expected of it
(tests/fixtures/word/constructs.expected.xml), valid against tei_all. Run with
TEI_TOOLS_BLESS=1 to rewrite the expected file after a deliberate change."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

from click.testing import CliRunner

from tei_tools.cli import cli
from tei_tools.convert import convert_bytes
from tei_tools.convert.pipeline import Conversion

from .conftest import ROOT, tei_all_errors
from .test_sources import docx, para, run

EXPECTED = ROOT / "tests" / "fixtures" / "word" / "constructs.expected.xml"
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def styled(style: str, *runs: str, extra: str = "") -> str:
    return f'<w:p><w:pPr><w:pStyle w:val="{style}"/>{extra}</w:pPr>{"".join(runs)}</w:p>'


def item(num: str, level: int, text: str) -> str:
    props = f'<w:numPr><w:ilvl w:val="{level}"/><w:numId w:val="{num}"/></w:numPr>'
    return f"<w:p><w:pPr>{props}</w:pPr>{run(text)}</w:p>"


def cell(text: str, props: str = "") -> str:
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{para(run(text)) if text else '<w:p/>'}</w:tc>"


STYLES = f"""<w:styles xmlns:w="{W}">
<w:docDefaults><w:rPrDefault><w:rPr><w:lang w:val="en-GB"/></w:rPr></w:rPrDefault></w:docDefaults>
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
<w:style w:type="paragraph" w:styleId="Title"><w:name w:val="Title"/></w:style>
<w:style w:type="paragraph" w:styleId="Heading1"><w:name w:val="heading 1"/></w:style>
<w:style w:type="paragraph" w:styleId="Chapter"><w:name w:val="Chapter"/>
  <w:basedOn w:val="Heading2"/></w:style>
<w:style w:type="paragraph" w:styleId="Heading2"><w:name w:val="heading 2"/></w:style>
<w:style w:type="character" w:styleId="Struck"><w:name w:val="Struck"/>
  <w:rPr><w:strike/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="Quote"><w:name w:val="Quote"/><w:rPr><w:i/></w:rPr></w:style>
</w:styles>"""

NUMBERING = f"""<w:numbering xmlns:w="{W}">
<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="0"><w:numFmt w:val="decimal"/></w:lvl>
<w:lvl w:ilvl="1"><w:numFmt w:val="bullet"/></w:lvl></w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
</w:numbering>"""

NOTES = """<w:{kind}s xmlns:w="{w}">
<w:{kind} w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:{kind}>
<w:{kind} w:id="1"><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:{kind}></w:{kind}s>"""

COMMENTS = f"""<w:comments xmlns:w="{W}"><w:comment w:id="0" w:author="Ada Editor">
<w:p><w:r><w:t>Check this date.</w:t></w:r></w:p></w:comment></w:comments>"""

RELS = f"""<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="{R}/hyperlink" Target="https://tei-c.org/" TargetMode="External"/>
<Relationship Id="rId2" Type="{R}/image" Target="media/image1.png"/>
</Relationships>"""

IMAGE = (
    f'<w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/'
    f'wordprocessingDrawing"><wp:docPr id="1" name="Picture 1" descr="A seal in red wax"/>'
    f'<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData>'
    f'<a:blip xmlns:r="{R}" r:embed="rId2"/></a:graphicData></a:graphic></wp:inline>'
    f"</w:drawing></w:r>"
)

BODY = "".join(
    [
        styled("Title", run("A Letter Book")),
        para(run("Before any heading.")),
        styled("Heading1", run("First Part")),
        para(
            run("See "),
            f'<w:hyperlink xmlns:r="{R}" r:id="rId1">{run("the TEI")}</w:hyperlink>',
            run(" and "),
            f'<w:hyperlink w:anchor="later">{run("below")}</w:hyperlink>',
            run(
                ".",
            ),
            '<w:r><w:footnoteReference w:id="1"/></w:r>',
        ),
        item("1", 0, "One"),
        item("1", 1, "One, a"),
        item("1", 1, "One, b"),
        item("1", 0, "Two"),
        styled("Chapter", run("A Chapter")),
        '<w:p><w:pPr><w:outlineLvl w:val="2"/></w:pPr>' + run("An outline level") + "</w:p>",
        "<w:tbl><w:tr>"
        + cell("Name", '<w:gridSpan w:val="2"/>')
        + cell("Place", '<w:vMerge w:val="restart"/>')
        + "</w:tr><w:tr>"
        + cell("Meyer")
        + cell("Anna")
        + cell("", "<w:vMerge/>")
        + "</w:tr></w:tbl>",
        para(
            '<w:bookmarkStart w:id="0" w:name="later"/>',
            run("Dated 1 May"),
            '<w:r><w:commentReference w:id="0"/></w:r>',
            run(", with "),
            '<w:r><w:rPr><w:rStyle w:val="Struck"/></w:rPr><w:t>struck</w:t></w:r>',
            run(" words"),
            '<w:r><w:endnoteReference w:id="1"/></w:r>',
            run("."),
        ),
        styled("Quote", run("Quoted in italics.")),
        para(
            run("He said "),
            '<w:r><w:rPr><w:lang w:val="de-AT"/></w:rPr><w:t>Grüß Gott</w:t></w:r>',
            run(" and wrote "),
            '<w:r><w:sym w:font="Symbol" w:char="F061"/></w:r>',
            run("."),
        ),
        para(IMAGE),
    ]
)


def converted() -> Conversion:
    data = docx(
        BODY,
        styles=STYLES,
        numbering=NUMBERING,
        footnotes=NOTES.format(kind="footnote", w=W, text="A footnote."),
        endnotes=NOTES.format(kind="endnote", w=W, text="An endnote."),
        comments=COMMENTS,
        rels=RELS,
        image=PNG,
    )
    return convert_bytes(data, "letters.docx")


def body_of(result: Conversion) -> str:
    xml = result.xml().decode("utf-8")
    return xml[xml.index("<body>") : xml.index("</body>") + len("</body>")] + "\n"


def test_each_word_construct_is_encoded_as_expected(tmp_path: Path) -> None:
    result = converted()
    if os.environ.get("TEI_TOOLS_BLESS"):
        EXPECTED.write_text(body_of(result), encoding="utf-8")
    assert body_of(result) == EXPECTED.read_text(encoding="utf-8")
    out = tmp_path / "letters.xml"
    out.write_bytes(result.xml())
    (tmp_path / "letters-media").mkdir()
    (tmp_path / "letters-media" / "image1.png").write_bytes(PNG)
    assert tei_all_errors([out]) == ""
    assert result.media == {"letters-media/image1.png": PNG}


def test_nothing_of_the_word_file_is_reported_as_left_out() -> None:
    assert [d.format() for d in converted().diagnostics if d.code == "C401"] == []


def test_convert_writes_the_images_beside_the_tei(tmp_path: Path) -> None:
    source = tmp_path / "letters.docx"
    source.write_bytes(docx(BODY, styles=STYLES, numbering=NUMBERING, rels=RELS, image=PNG))
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["convert", str(source), "--out-dir", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert (out / "letters-media" / "image1.png").read_bytes() == PNG
    assert 'url="letters-media/image1.png"' in (out / "letters.xml").read_text()


def test_the_exports_render_each_word_construct() -> None:
    from tei_tools.export import export

    result = converted()
    assert result.tree is not None
    root = result.tree.getroot()
    html, found = export(root, "html", view="reading")
    assert not [d for d in found if d.code == "E001"]  # every element known
    assert "<ol><li>One<ul><li>One, a</li>" in html  # numbered, then bulleted inside
    assert '<a href="#bm-later">below</a>' in html and '<span id="bm-later"' in html
    assert "[Footnote 1: A footnote.]" in html and "[Endnote 1: An endnote.]" in html
    assert 'class="note note-comment"' in html and "[Comment: Check this date.]" in html
    assert '<img src="letters-media/image1.png" alt="A seal in red wax"' in html
    assert '<td colspan="2">Name</td><td rowspan="2">Place</td>' in html
    assert "<h3>First Part</h3>" in html and "<h4>A Chapter</h4>" in html
    text, _ = export(root, "text", view="reading")
    assert "See the TEI and below. [Footnote 1: A footnote.]" in text
    assert "Name | Place\n" in text


def test_a_symbol_fonts_glyph_without_a_character_is_kept_and_reported() -> None:
    body = para(run("Tick "), '<w:r><w:sym w:font="Wingdings" w:char="F0FC"/></w:r>')
    result = convert_bytes(docx(body), "tick.docx")
    assert result.tree is not None
    assert "Tick \uf0fc" in "".join(result.tree.getroot().find(".//{*}body").itertext())
    [note] = [d for d in result.diagnostics if d.code == "C401"]
    assert "'Wingdings'" in note.message and "F0FC" in note.message


def test_what_a_word_file_holds_oddly_is_kept_or_refused_by_name() -> None:
    """List levels skipped and taken up lose no item; a 'media' file that is no image
    is never written where a site serves it; a cell in a content control is a cell."""
    rels = RELS.replace("media/image1.png", "media/evil.html")
    body = (
        item("1", 0, "A")
        + item("1", 2, "deep")
        + item("1", 1, "mid")
        + para(IMAGE)
        + "<w:tbl><w:tr><w:sdt><w:sdtContent>"
        + cell("In a control")
        + "</w:sdtContent></w:sdt></w:tr></w:tbl>"
    )
    buffer = io.BytesIO()
    source = io.BytesIO(docx(body, numbering=NUMBERING, rels=rels))
    with zipfile.ZipFile(source) as given, zipfile.ZipFile(buffer, "w") as archive:
        for member in given.namelist():
            archive.writestr(member, given.read(member))
        archive.writestr("word/media/evil.html", "<script>alert(1)</script>")
    result = convert_bytes(buffer.getvalue(), "odd.docx")
    assert result.tree is not None
    text = "".join(result.tree.getroot().find(".//{*}body").itertext())
    assert "deep" in text and "mid" in text and "In a control" in text
    assert result.media == {}
    assert any(d.code == "C401" and "not an image" in d.message for d in result.diagnostics)


def test_documents_whose_names_differ_keep_their_images_apart() -> None:
    data = docx(BODY, styles=STYLES, numbering=NUMBERING, rels=RELS, image=PNG)
    spaced = convert_bytes(data, "a b.docx")
    joined = convert_bytes(data, "a_b.docx")
    assert list(spaced.media) == ["a b-media/image1.png"]
    assert list(joined.media) == ["a_b-media/image1.png"]
    assert b'url="a%20b-media/image1.png"' in spaced.xml()  # a pointer, percent-encoded
