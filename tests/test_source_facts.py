"""The header says what the source says: its title (Word's core properties, METS or
Transkribus metadata, the first heading; "Document" with a warning only when nothing
states one), its language (Word's w:lang, PAGE's @primaryLanguage, METS; absent
rather than guessed; --lang overrides), an editorialDecl saying what this conversion
did for this source, and a sourceDesc naming the format and the pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from tei_tools.cli import cli
from tei_tools.convert import convert_bytes
from tei_tools.convert.languages import language_code
from tei_tools.convert.pipeline import convert_folder
from tei_tools.namespaces import TEI_NS, XML_NS

from .conftest import RAW, tei_all_errors
from .test_sources import PAGE_NS, W_NS, docx, line, para, region, run

NS = {"t": TEI_NS}
LANG = f"{{{XML_NS}}}lang"
CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
DC = "http://purl.org/dc/elements/1.1/"
EP = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
MODS = "http://www.loc.gov/mods/v3"

TEXT = para(run("The committee met on Tuesday and agreed the minutes."))


def styles(defaults: str = "", *more: str) -> str:
    """A styles.xml: ``defaults`` inside docDefaults' run properties, then styles."""
    return (
        f'<w:styles xmlns:w="{W_NS}"><w:docDefaults><w:rPrDefault><w:rPr>{defaults}'
        f"</w:rPr></w:rPrDefault></w:docDefaults>{''.join(more)}</w:styles>"
    )


def style(sid: str, name: str, kind: str = "paragraph", inner: str = "", based: str = "") -> str:
    base = f'<w:basedOn w:val="{based}"/>' if based else ""
    return (
        f'<w:style w:type="{kind}" w:styleId="{sid}"><w:name w:val="{name}"/>{base}'
        f"{inner}</w:style>"
    )


def core(title: str = "", creator: str = "") -> str:
    return (
        f'<cp:coreProperties xmlns:cp="{CP}" xmlns:dc="{DC}"><dc:title>{title}</dc:title>'
        f"<dc:creator>{creator}</dc:creator></cp:coreProperties>"
    )


word = docx  # a Word package with styles, core and app parts


def convert(data: bytes, name: str = "letter.docx", **options: object):  # type: ignore[no-untyped-def]
    result = convert_bytes(data, name, None, **options)  # type: ignore[arg-type]
    assert result.ok, [d.format() for d in result.diagnostics]
    return etree.fromstring(result.xml()), result.diagnostics


def lang_of(root: etree._Element) -> str | None:
    text = root.find("t:text", NS)
    assert text is not None
    return text.get(LANG) or root.get(LANG)


def title_of(root: etree._Element) -> str:
    return "".join(root.find("t:teiHeader//t:titleStmt/t:title", NS).itertext())


def usage(root: etree._Element) -> list[tuple[str, str | None]]:
    return [
        (el.get("ident"), el.get("usage"))
        for el in root.iterfind("t:teiHeader//t:langUsage/t:language", NS)
    ]


def header_text(root: etree._Element, path: str) -> str:
    return " ".join(" ".join(el.itertext()) for el in root.iterfind(f"t:teiHeader//{path}", NS))


# -- language ----------------------------------------------------------------------------


def test_word_language_from_the_document_defaults() -> None:
    root, _ = convert(word(TEXT, styles=styles('<w:lang w:val="de-DE"/>')))
    assert lang_of(root) == "de"
    assert usage(root) == [("de", "100")]


def test_word_without_a_language_claims_none() -> None:
    root, _ = convert(word(TEXT))
    assert lang_of(root) is None
    assert usage(root) == []


def test_word_language_covering_most_characters_through_styles() -> None:
    quote = style("Quote", "Quote", inner='<w:rPr><w:lang w:val="fr-FR"/></w:rPr>')
    german = style("Deutsch", "Deutsch", "character", '<w:rPr><w:lang w:val="de-AT"/></w:rPr>')
    body = (
        para(run("An English sentence, rather short."))  # the defaults: en-GB
        + '<w:p><w:pPr><w:pStyle w:val="Quote"/></w:pPr>'
        + run("Une phrase française, plus longue que la première.")
        + "</w:p>"
        + para(
            '<w:r><w:rPr><w:rStyle w:val="Deutsch"/></w:rPr><w:t>Ein deutscher Satz, länger als '
            "alle anderen hier zusammen, wirklich viel länger.</w:t></w:r>"
        )
        + para(run("ein Wort", '<w:lang w:val="de-CH"/>'))
    )
    root, _ = convert(word(body, styles=styles('<w:lang w:val="en-GB"/>', quote, german)))
    assert lang_of(root) == "de"
    assert [ident for ident, _ in usage(root)] == ["de", "fr", "en"]


def test_word_right_to_left_runs_take_the_bidi_language() -> None:
    body = para(run("نص عربي طويل بما يكفي ليغلب على غيره", "<w:rtl/>"), run("short"))
    defaults = '<w:lang w:val="en-US" w:bidi="ar-SA"/>'
    root, _ = convert(word(body, styles=styles(defaults)))
    assert lang_of(root) == "ar"


def page(regions: str, language: str = "") -> bytes:
    attr = f' primaryLanguage="{language}"' if language else ""
    return (
        f'<PcGts xmlns="{PAGE_NS}"><Page imageFilename="p1.jpg" imageWidth="2480" '
        f'imageHeight="3508"{attr}>{regions}</Page></PcGts>'
    ).encode()


LINES = region(
    "r1",
    line("l1", "Gestern langete hier ein Expresser von", 190, 100, 1500),
    line("l2", "dem Herrn Keene aus Spanien an", 190, 150, 1400),
)


def test_page_primary_language_name_is_a_code() -> None:
    root, _ = convert(page(LINES, "German"), "p.xml")
    assert lang_of(root) == "de"
    assert usage(root) == [("de", "100")]


def test_page_without_a_language_claims_none() -> None:
    root, _ = convert(page(LINES), "p.xml")
    assert lang_of(root) is None


def test_page_language_of_the_lines_covering_most_words() -> None:
    english = region(
        "r2",
        line("l3", "Yesterday an express arrived here from Mr Keene in Spain", 190, 300, 2000),
        line("l4", "with news of the conferences held with the Spanish", 190, 350, 2000),
    ).replace('<TextRegion id="r2"', '<TextRegion id="r2" primaryLanguage="English"')
    root, _ = convert(page(LINES + english, "German"), "p.xml")
    assert lang_of(root) == "en"
    assert [ident for ident, _ in usage(root)] == ["en", "de"]


def mets_export(folder: Path, mods: str = "", page_bytes: bytes | None = None) -> Path:
    (folder / "page").mkdir(parents=True)
    (folder / "page" / "0001.xml").write_bytes(page_bytes or page(LINES, "German"))
    dmd = (
        f'<mets:dmdSec ID="DMD1"><mets:mdWrap MDTYPE="MODS"><mets:xmlData>'
        f'<mods:mods xmlns:mods="{MODS}">{mods}</mods:mods></mets:xmlData></mets:mdWrap>'
        "</mets:dmdSec>"
    )
    (folder / "mets.xml").write_text(
        '<mets:mets xmlns:mets="http://www.loc.gov/METS/" '
        'xmlns:xlink="http://www.w3.org/1999/xlink">'
        f'{dmd}<mets:fileSec><mets:fileGrp USE="PAGEXML"><mets:file SEQ="1">'
        '<mets:FLocat xlink:href="page/0001.xml"/></mets:file></mets:fileGrp>'
        "</mets:fileSec></mets:mets>"
    )
    return folder


def test_mets_language_term_and_title(tmp_path: Path) -> None:
    mods = (
        "<mods:titleInfo><mods:title>Der Herold</mods:title></mods:titleInfo>"
        '<mods:relatedItem type="series"><mods:titleInfo><mods:title>Series</mods:title>'
        "</mods:titleInfo></mods:relatedItem>"
        '<mods:language><mods:languageTerm authority="iso639-2b" type="code">lat'
        "</mods:languageTerm></mods:language>"
    )
    result = convert_folder(mets_export(tmp_path / "export", mods))
    assert result.ok, [d.format() for d in result.diagnostics]
    root = etree.fromstring(result.xml())
    assert lang_of(root) == "la"  # METS first, over the page's German
    assert [ident for ident, _ in usage(root)] == ["la", "de"]
    assert title_of(root) == "Der Herold"
    assert "1 page" in header_text(root, "t:sourceDesc//t:extent")


def test_transkribus_document_metadata_in_the_mets(tmp_path: Path) -> None:
    folder = mets_export(tmp_path / "export")
    mets = (folder / "mets.xml").read_text()
    trp = (
        '<mets:dmdSec ID="MD_ORIG"><mets:mdWrap MDTYPE="OTHER" OTHERMDTYPE="TRP_DOC_MD">'
        "<mets:xmlData><trpDocMetadata><docId>1</docId><title>Ratsprotokoll 1732</title>"
        "<language>Latin, German</language></trpDocMetadata></mets:xmlData></mets:mdWrap>"
        "</mets:dmdSec>"
    )
    (folder / "mets.xml").write_text(
        mets.replace('<mets:dmdSec ID="DMD1">', trp + '<mets:dmdSec ID="DMD1">')
    )
    result = convert_folder(folder)
    root = etree.fromstring(result.xml())
    assert title_of(root) == "Ratsprotokoll 1732"
    assert lang_of(root) == "la"


def test_lang_option_overrides_what_the_source_states() -> None:
    root, _ = convert(page(LINES, "German"), "p.xml", lang="la")
    assert lang_of(root) == "la"
    assert usage(root) == [("la", None)]
    root, _ = convert(word(TEXT), lang="fr")
    assert lang_of(root) == "fr"


def test_lang_option_on_the_command_line(tmp_path: Path) -> None:
    source = tmp_path / "letter.docx"
    source.write_bytes(word(TEXT, styles=styles('<w:lang w:val="de-DE"/>')))
    out = tmp_path / "letter.xml"
    result = CliRunner().invoke(cli, ["convert", str(source), "-o", str(out), "--lang", "en-GB"])
    assert result.exit_code == 0, result.output
    assert etree.parse(str(out)).getroot().get(LANG) == "en-GB"
    bad = CliRunner().invoke(cli, ["convert", str(source), "-o", str(out), "--lang", "not a tag"])
    assert bad.exit_code == 2 and "--lang" in bad.output


def test_lang_in_the_collection_configuration(tmp_path: Path) -> None:
    collection = tmp_path / "coll"
    (collection / "raw").mkdir(parents=True)
    (collection / "tei-tools.toml").write_text('lang = "de"\n')
    source = collection / "raw" / "letter.docx"
    source.write_bytes(word(TEXT))
    out = tmp_path / "letter.xml"
    result = CliRunner().invoke(cli, ["convert", str(source), "-o", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert etree.parse(str(out)).getroot().get(LANG) == "de"
    result = CliRunner().invoke(cli, ["build", str(collection), "--no-search"])
    assert result.exit_code == 0, result.output
    built = etree.parse(str(collection / "encoded" / "letter.xml")).getroot()
    assert built.get(LANG) == "de"


def test_raw_memoranda_stay_english_and_take_lang() -> None:
    memo = next(RAW.glob("*memcon.txt")).read_bytes()
    root, _ = convert(memo, "raw/memo.txt")
    assert root.get(LANG) == "en" and usage(root)[0] == ("en", None)
    root, _ = convert(memo, "raw/memo.txt", lang="ru")
    assert root.get(LANG) == "ru" and usage(root)[0] == ("ru", None)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("German", "de"),
        ("de-DE", "de"),
        ("ger", "de"),
        ("deu", "de"),
        ("Slovene", "sl"),
        ("es-ES_tradnl", "es"),
        ("grc", "grc"),
        ("other", None),
        ("und", None),
        ("x-none", None),
        ("", None),
    ],
)
def test_language_codes(value: str, code: str | None) -> None:
    assert language_code(value) == code


# -- title -------------------------------------------------------------------------------


def test_word_title_from_the_core_properties() -> None:
    root, diags = convert(word(TEXT, core=core("Minutes of the committee", "A. Clerk")))
    assert title_of(root) == "Minutes of the committee"
    assert "C203" not in {d.code for d in diags}
    assert "A. Clerk" in header_text(root, "t:sourceDesc//t:note")


def test_word_title_from_the_first_title_or_heading() -> None:
    heading = style("Heading1", "heading 1")
    titled = style("MyTitle", "My Title", based="Title") + style("Title", "Title")
    body = (
        '<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr>'
        + run("Introduction")
        + "</w:p>"
        + '<w:p><w:pPr><w:pStyle w:val="MyTitle"/></w:pPr>'
        + run("Letter to the council")
        + "</w:p>"
        + TEXT
    )
    root, _ = convert(word(body, styles=styles("", heading, titled), core=core("")))
    assert title_of(root) == "Letter to the council"
    root, _ = convert(
        word('<w:p><w:pPr><w:outlineLvl w:val="0"/></w:pPr>' + run("Preface") + "</w:p>" + TEXT)
    )
    assert title_of(root) == "Preface"


def test_nothing_states_a_title_document_and_a_warning() -> None:
    root, diags = convert(word(TEXT))
    assert title_of(root) == "Document"
    found = [d for d in diags if d.code == "C203"]
    assert len(found) == 1 and found[0].file == "letter.docx"


def test_a_memorandum_keeps_the_title_of_its_front_matter() -> None:
    memo = next(RAW.glob("*memcon.txt")).read_text()
    body = "".join(para(run(block.replace("\n", " "))) for block in memo.split("\n\n"))
    root, diags = convert(word(body, core=core("Template title")))
    assert title_of(root).startswith("Memorandum of Conversation")
    assert "C203" not in {d.code for d in diags}


def test_page_title_from_the_first_heading_region() -> None:
    heading = region("h1", line("l0", "Wiener Diarium", 190, 40, 900), kind="heading")
    root, _ = convert(page(heading + LINES, "German"), "p.xml")
    assert title_of(root) == "Wiener Diarium"


# -- editorialDecl and sourceDesc ----------------------------------------------------------


def test_word_editorial_decl_says_what_was_done_with_tracked_changes() -> None:
    tracked = (
        '<w:p><w:r><w:t xml:space="preserve">Kept </w:t></w:r><w:ins w:id="1" w:author="Ed" '
        'w:date="2024-01-02T10:00:00Z"><w:r><w:t>new</w:t></w:r></w:ins></w:p>'
    )
    for choice, said in (("keep", "kept"), ("accept", "accepted"), ("reject", "rejected")):
        root, _ = convert(word(tracked), tracked=choice)
        decl = header_text(root, "t:editorialDecl/t:p")
        assert f"Tracked changes were {said}" in decl, decl
        assert "asterisk" not in decl and "typescript" not in decl
    root, _ = convert(word(TEXT))
    assert "no tracked changes" in header_text(root, "t:editorialDecl/t:p")


def test_page_editorial_decl_and_source_desc() -> None:
    order = (
        '<ReadingOrder><OrderedGroup id="g"><RegionRefIndexed index="0" regionRef="r1"/>'
        "</OrderedGroup></ReadingOrder>"
    )
    root, _ = convert(page(order + LINES, "German"), "p.xml")
    decl = header_text(root, "t:editorialDecl/t:p")
    assert "TextEquiv" in decl and "ReadingOrder" in decl
    assert "asterisk" not in decl
    source = header_text(root, "t:sourceDesc")
    assert "PAGE-XML" in source and "p.xml" in source and "1 page" in source
    assert "raw transcription" not in header_text(root, "t:publicationStmt")


def test_word_source_desc_names_the_format_and_pages() -> None:
    app = f'<Properties xmlns="{EP}"><Pages>3</Pages></Properties>'
    root, _ = convert(word(TEXT, app=app))
    source = header_text(root, "t:sourceDesc")
    assert "Word" in source and "letter.docx" in source and "3 pages" in source


def test_raw_editorial_decl_is_the_typescript_one() -> None:
    memo = next(RAW.glob("*memcon.txt")).read_bytes()
    root, _ = convert(memo, "raw/memo.txt")
    assert "Struck-through typing" in header_text(root, "t:editorialDecl/t:p")


def test_headers_with_stated_facts_are_valid_tei(tmp_path: Path) -> None:
    quote = style("Quote", "Quote", inner='<w:rPr><w:lang w:val="fr-FR"/></w:rPr>')
    body = '<w:p><w:pPr><w:pStyle w:val="Quote"/></w:pPr>' + run("Une phrase.") + "</w:p>" + TEXT
    app = f'<Properties xmlns="{EP}"><Pages>2</Pages></Properties>'
    data = word(body, styles=styles('<w:lang w:val="de-DE"/>', quote), core=core("T", "C"), app=app)
    paths = []
    for name, source in (
        ("w.docx", data),
        ("p.xml", page(LINES, "German")),
        ("n.docx", word(TEXT)),
    ):
        result = convert_bytes(source, name)
        assert result.ok
        path = tmp_path / f"{name}.xml"
        path.write_bytes(result.xml())
        paths.append(path)
    assert tei_all_errors(paths) == ""
