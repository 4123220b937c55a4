"""Word files and PAGE exports damaged in the zip, in a value or in their markup: each is
refused by name (C008: file, part, line, column) or, when only one value is bad, the
rest is converted and the value is reported (C009). ``convert_bytes`` never raises."""

from __future__ import annotations

import io
import struct
import zipfile

import pytest
from lxml import etree

from tei_tools import budgets
from tei_tools.convert import convert_bytes

from .test_sources import BODY, NS, docx, line, page_xml, para, region, run


def _entries(data: bytes, name: str) -> list[int]:
    """Where the local header and central directory entry of member ``name`` start."""
    found = []
    at = 0
    while (at := data.find(b"PK", at)) >= 0:
        sig = data[at : at + 4]
        if sig == b"PK\x03\x04":
            size = struct.unpack("<H", data[at + 26 : at + 28])[0]
            if data[at + 30 : at + 30 + size] == name.encode():
                found.append(at)
        elif sig == b"PK\x01\x02":
            size = struct.unpack("<H", data[at + 28 : at + 30])[0]
            if data[at + 46 : at + 46 + size] == name.encode():
                found.append(at)
        at += 2
    return found


def patched(data: bytes, name: str, *, flags: int = 0, method: int | None = None) -> bytes:
    """``data`` with member ``name``'s flag bits set and compression method changed, in
    its local header and its central directory entry alike."""
    out = bytearray(data)
    for at in _entries(data, name):
        offset = 6 if out[at + 2 : at + 4] == b"\x03\x04" else 8
        old = struct.unpack("<H", out[at + offset : at + offset + 2])[0]
        out[at + offset : at + offset + 2] = struct.pack("<H", old | flags)
        if method is not None:
            out[at + offset + 2 : at + offset + 4] = struct.pack("<H", method)
    return bytes(out)


def stored_docx(body: str, compression: int = zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(
            "word/document.xml",
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/'
            f'main"><w:body>{body}</w:body></w:document>',
        )
    return buffer.getvalue()


def _damaged_data(data: bytes) -> bytes:
    """The document part's bytes changed in place (the zip's records intact)."""
    at = _entries(data, "word/document.xml")[0]
    start = at + 30 + len("word/document.xml") + 40
    return data[:start] + bytes(b ^ 0x55 for b in data[start : start + 8]) + data[start + 8 :]


DAMAGED_ZIPS = {
    "bad-crc": _damaged_data(stored_docx(BODY)),
    "bad-deflate": _damaged_data(stored_docx(BODY, zipfile.ZIP_DEFLATED)),
    "unknown-method": patched(stored_docx(BODY), "word/document.xml", method=99),
    "encrypted": patched(stored_docx(BODY), "word/document.xml", flags=1),
}


@pytest.mark.parametrize("case", sorted(DAMAGED_ZIPS))
def test_a_damaged_zip_member_is_refused_naming_the_member(case: str) -> None:
    result = convert_bytes(DAMAGED_ZIPS[case], "memo.docx")
    assert not result.ok
    [error] = result.diagnostics
    assert error.code == "C008"
    assert error.file == "memo.docx/word/document.xml", error.format()
    assert "word/document.xml" in error.message


def test_a_damaged_member_of_a_zipped_page_export_is_refused_naming_it() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("page/0001.xml", page_xml(region("r1", line("l1", "Text", 1, 1, 9))))
    data = patched(buffer.getvalue(), "page/0001.xml", flags=1)
    result = convert_bytes(data, "export.zip")
    assert [(d.code, d.file) for d in result.diagnostics] == [("C008", "export.zip/page/0001.xml")]


@pytest.mark.parametrize("cut", [30, 200, 400])
def test_a_word_file_cut_short_is_refused_by_name(cut: int) -> None:
    result = convert_bytes(docx(BODY)[:-cut], "memo.docx")
    assert not result.ok
    assert [d.code for d in result.diagnostics] == ["C008"]
    assert result.diagnostics[0].file.startswith("memo.docx")


# -- a bad value: reported, the rest converted -----------------------------------------


def _warnings(result: object) -> list[str]:
    return [d.format() for d in result.diagnostics if d.code == "C009"]  # type: ignore[attr-defined]


@pytest.mark.parametrize("char", ["zz", "FFFFFFF", "D800", "0001", ""])
def test_a_word_symbol_that_is_no_character_is_reported(char: str) -> None:
    sym = f'<w:r><w:sym w:font="Symbol" w:char="{char}"/></w:r>'
    result = convert_bytes(docx(para(run("Before "), sym, run(" after."))), "memo.docx")
    assert result.ok, [d.format() for d in result.diagnostics]
    [warning] = _warnings(result)
    assert warning.startswith("memo.docx/word/document.xml:1:")
    assert f"{char!r}" in warning
    assert b"Before" in result.xml() and b"after." in result.xml()


def test_a_word_symbol_is_read_as_its_character() -> None:
    sym = '<w:r><w:sym w:font="Symbol" w:char="F0B7"/></w:r>'
    result = convert_bytes(docx(para(run("Item"), sym, run(" one."))), "memo.docx")
    assert result.ok and "Item\uf0b7 one." in result.xml().decode()
    assert not _warnings(result)


def _page(regions: str, width: str = "2480", order: str = "") -> bytes:
    return page_xml(regions, order=order).replace(
        b'imageWidth="2480"', f'imageWidth="{width}"'.encode()
    )


TEXT = "The talks had ended on Tuesday."


def _region_with_points(points: str) -> str:
    return (
        f'<TextRegion id="r1"><Coords points="1,1 9,1 9,9 1,9"/><TextLine id="l1">'
        f'<Coords points="{points}"/><TextEquiv><Unicode>{TEXT}</Unicode></TextEquiv>'
        "</TextLine></TextRegion>"
    )


@pytest.mark.parametrize(
    ("data", "value"),
    [
        (_page(_region_with_points("1e999,5 10,5")), "1e999,5"),
        (_page(_region_with_points("1,5 10,5 12")), "12"),
        (_page(_region_with_points("1,5 10,5")), "1,5 10,5"),
        (_page(_region_with_points("15 10,5")), "15"),
        (_page(_region_with_points("nan,5 10,5")), "nan,5"),
        (_page(region("r1", line("l1", TEXT, 1, 1, 9)), width="2480.5"), "2480.5"),
        (_page(region("r1", line("l1", TEXT, 1, 1, 9, "readingOrder {index:²;}"))), "²"),
        (
            _page(
                region("r1", line("l1", TEXT, 1, 1, 9)),
                order='<ReadingOrder><OrderedGroup id="g"><RegionRefIndexed index="x" '
                'regionRef="r1"/></OrderedGroup></ReadingOrder>',
            ),
            "x",
        ),
        (_page(region("r1", line("l1", TEXT, 1, 1, 9, "textStyle {offset:²;bold:true;}"))), "²"),
    ],
    ids=[
        "overflow",
        "no-comma",
        "last-no-comma",
        "two-points",
        "nan",
        "width",
        "index",
        "ref-index",
        "offset",
    ],
)
def test_a_bad_number_in_a_page_file_is_reported_and_the_text_kept(data: bytes, value: str) -> None:
    result = convert_bytes(data, "page.xml")
    assert result.ok, [d.format() for d in result.diagnostics]
    [warning] = _warnings(result)
    assert warning.startswith("page.xml:1:") and repr(value) in warning
    body = etree.fromstring(result.xml()).find(".//t:body", NS)
    assert body is not None and TEXT in "".join(body.itertext())


def test_a_bad_seq_in_a_mets_file_is_reported(tmp_path: object) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "mets.xml",
            '<mets:mets xmlns:mets="http://www.loc.gov/METS/" '
            'xmlns:xlink="http://www.w3.org/1999/xlink"><mets:fileSec>'
            '<mets:fileGrp USE="PAGEXML"><mets:file SEQ="²"><mets:FLocat '
            'xlink:href="page/1.xml"/></mets:file></mets:fileGrp></mets:fileSec></mets:mets>',
        )
        archive.writestr("page/1.xml", _page(region("r1", line("l1", TEXT, 1, 1, 9))))
    result = convert_bytes(buffer.getvalue(), "export.zip")
    assert result.ok, [d.format() for d in result.diagnostics]
    [warning] = _warnings(result)
    assert warning.startswith("export.zip/mets.xml:1:") and "'²'" in warning


# -- a DOCTYPE in any encoding ----------------------------------------------------------

W_DOC = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WITH_ENTITY = (
    '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE w:document [<!ENTITY e "in Geneva">]>\n'
    f'<w:document xmlns:w="{W_DOC}"><w:body>'
    + para(run("The talks &e; had ended on Tuesday."))
    + "</w:body></w:document>"
)


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-8"])
def test_a_doctype_is_refused_in_any_encoding(encoding: str) -> None:
    text = WITH_ENTITY.replace("UTF-16", encoding.upper().replace("-BE", "BE"))
    data = _zip({"word/document.xml": text.encode(encoding)})
    result = convert_bytes(data, "memo.docx")
    assert not result.ok
    [error] = result.diagnostics
    assert (error.code, error.file, error.line, error.column) == (
        "C008",
        "memo.docx/word/document.xml",
        2,
        1,
    ), error.format()
    assert "DOCTYPE" in error.message


def test_a_doctype_in_a_utf16_page_file_of_an_export_is_refused() -> None:
    page = page_xml(region("r1", line("l1", "The talks &e; had ended.", 1, 1, 9))).decode()
    page = '<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE PcGts [<!ENTITY e "x">]>\n' + page
    result = convert_bytes(_zip({"page/1.xml": page.encode("utf-16")}), "export.zip")
    assert [(d.code, d.file, d.line) for d in result.diagnostics] == [
        ("C008", "export.zip/page/1.xml", 2)
    ]


def test_a_utf16_word_part_without_a_doctype_is_read_whole() -> None:
    text = WITH_ENTITY.replace('<!DOCTYPE w:document [<!ENTITY e "in Geneva">]>\n', "")
    text = text.replace("&e;", "in Geneva")
    result = convert_bytes(_zip({"word/document.xml": text.encode("utf-16")}), "memo.docx")
    assert result.ok, [d.format() for d in result.diagnostics]
    assert "The talks in Geneva had ended on Tuesday." in result.xml().decode()


# -- the budgets -------------------------------------------------------------------------


def _compressed_docx(document: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", document)
    return buffer.getvalue()


def test_a_small_word_file_of_a_million_tiny_elements_is_refused_by_its_budget() -> None:
    empty = "<w:p/>" * (budgets.MAX_PART_ELEMENTS + 1)
    data = _compressed_docx(f'<w:document xmlns:w="{W_DOC}"><w:body>{empty}</w:body></w:document>')
    assert len(data) < 100_000
    result = convert_bytes(data, "memo.docx")
    [error] = result.diagnostics
    assert (error.code, error.file) == ("C008", "memo.docx/word/document.xml")
    assert f"{budgets.MAX_PART_ELEMENTS} elements one part may hold" in error.message


def test_a_part_that_unpacks_past_its_budget_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(budgets, "MAX_PART", 4096)
    data = _compressed_docx(WITH_ENTITY.replace("&e;", " " * 5000))
    [error] = convert_bytes(data, "memo.docx").diagnostics
    assert (error.code, error.file) == ("C008", "memo.docx/word/document.xml")
    assert "past the 4096 bytes one part may unpack to" in error.message


def _export(pages: int, text: str = TEXT) -> bytes:
    page = page_xml(region("r1", line("l1", text, 1, 1, 9)))
    return _zip({f"page/{n}.xml": page for n in range(1, pages + 1)})


def test_the_parts_of_one_source_share_their_budgets(monkeypatch: pytest.MonkeyPatch) -> None:
    size = len(page_xml(region("r1", line("l1", TEXT, 1, 1, 9))))
    monkeypatch.setattr(budgets, "MAX_UNPACKED", 3 * size + 10)
    [error] = convert_bytes(_export(4), "export.zip").diagnostics
    assert (error.code, error.file) == ("C008", "export.zip/page/4.xml")
    assert f"{3 * size + 10} bytes all parts of one source may unpack to" in error.message
    monkeypatch.setattr(budgets, "MAX_UNPACKED", 10**9)
    monkeypatch.setattr(budgets, "MAX_ELEMENTS", 20)  # a page has 8
    [error] = convert_bytes(_export(3), "export.zip").diagnostics
    assert (error.code, error.file) == ("C008", "export.zip/page/3.xml")
    assert "20 all parts of one source may hold" in error.message


@pytest.mark.parametrize(
    ("budget", "what"),
    [
        ("MAX_TEXT", "characters of text"),
        ("MAX_LINES", "lines"),
        ("MAX_RUNS", "stretches of one formatting"),
    ],
)
def test_what_the_readers_render_from_one_source_has_a_budget(
    monkeypatch: pytest.MonkeyPatch, budget: str, what: str
) -> None:
    two_pages = {"MAX_TEXT": 2 * len(TEXT), "MAX_LINES": 2, "MAX_RUNS": 2}[budget]
    monkeypatch.setattr(budgets, budget, two_pages)
    [error] = convert_bytes(_export(3), "export.zip").diagnostics
    assert (error.code, error.file) == ("C008", "export.zip/page/3.xml")
    assert f"past the {two_pages} one source may hold" in error.message and what in error.message
    assert convert_bytes(_export(2), "export.zip").ok
    word = docx(para(run(TEXT), run(" ", "<w:b/>"), run(TEXT)) + para(run(TEXT)) + para(run("x")))
    [error] = convert_bytes(word, "memo.docx").diagnostics
    assert (error.code, error.file) == ("C008", "memo.docx/word/document.xml")


def test_runs_split_by_word_count_once_against_the_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(budgets, "MAX_RUNS", 1)
    assert convert_bytes(docx(para(run("The talks "), run("had ended."))), "memo.docx").ok


def test_many_styled_stretches_on_a_page_line_are_cut_in_one_sweep() -> None:
    styles = "".join(f"textStyle {{offset:{i};length:1;bold:true;}}" for i in range(0, 2000, 2))
    text = "ab" * 1000
    result = convert_bytes(_page(region("r1", line("l1", text, 1, 1, 9, styles))), "page.xml")
    assert result.ok, [d.format() for d in result.diagnostics]
    body = etree.fromstring(result.xml()).find(".//t:body", NS)
    assert body is not None
    assert [h.text for h in body.iterfind(".//t:hi", NS)] == ["a"] * 1000
    assert "".join(body.itertext()).strip() == text


# -- no silent choices -------------------------------------------------------------------


def _with_duplicate(members: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def test_a_member_given_twice_is_refused_by_every_reader() -> None:
    document = docx(BODY)
    with zipfile.ZipFile(io.BytesIO(document)) as archive:
        part = archive.read("word/document.xml")
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of the duplicate name it writes
        word = _with_duplicate([("word/document.xml", part), ("word/document.xml", b"<x/>")])
        page = page_xml(region("r1", line("l1", TEXT, 1, 1, 9)))
        export = _with_duplicate([("page/1.xml", page), ("page/1.xml", page)])
    for data, name in ((word, "memo.docx"), (export, "export.zip")):
        [error] = convert_bytes(data, name).diagnostics
        assert error.code == "C008" and error.file == name, error.format()
        assert "holds two members named" in error.message
        assert ("word/document.xml" if name == "memo.docx" else "page/1.xml") in error.message


def test_two_mets_files_in_one_zip_are_refused_naming_both() -> None:
    page = page_xml(region("r1", line("l1", TEXT, 1, 1, 9)))
    mets = (
        '<mets:mets xmlns:mets="http://www.loc.gov/METS/" '
        'xmlns:xlink="http://www.w3.org/1999/xlink"><mets:fileSec>'
        '<mets:fileGrp USE="PAGEXML"><mets:file><mets:FLocat '
        'xlink:href="page/1.xml"/></mets:file></mets:fileGrp></mets:fileSec></mets:mets>'
    )
    data = _zip(
        {"a/mets.xml": mets, "a/page/1.xml": page, "b/mets.xml": mets, "b/page/1.xml": page}
    )
    [error] = convert_bytes(data, "export.zip").diagnostics
    assert error.code == "C008" and error.file == "export.zip"
    assert "a/mets.xml" in error.message and "b/mets.xml" in error.message


def test_a_zip_is_told_by_its_members_not_by_the_bytes_it_holds() -> None:
    text = "Filed as word/document.xml in the archive."
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("page/1.xml", page_xml(region("r1", line("l1", text, 1, 1, 9))))
    result = convert_bytes(buffer.getvalue(), "export.zip")
    assert result.ok, [d.format() for d in result.diagnostics]
    assert text in result.xml().decode()


def test_a_word_file_without_its_text_part_says_what_is_missing() -> None:
    data = _zip({"[Content_Types].xml": "<Types/>", "word/styles.xml": "<styles/>"})
    [error] = convert_bytes(data, "memo.docx").diagnostics
    assert (error.code, error.file) == ("C008", "memo.docx")
    assert "has no word/document.xml" in error.message


@pytest.mark.parametrize("kind", ["page", "mets"])
def test_a_page_or_mets_file_that_is_not_well_formed_is_named_as_such(kind: str) -> None:
    good = (
        page_xml(region("r1", line("l1", TEXT, 1, 1, 9)))
        if kind == "page"
        else b'<mets:mets xmlns:mets="http://www.loc.gov/METS/">\n<mets:fileSec>'
    )
    data = good.replace(b"<TextEquiv>", b"\n<TextEquiv><broken>") if kind == "page" else good
    [error] = convert_bytes(data, f"{kind}.xml").diagnostics
    assert error.code == "C008" and error.file == f"{kind}.xml"
    what = "a PAGE file" if kind == "page" else "a METS file"
    assert f"{what} that is not well-formed XML" in error.message
    assert error.line == 2 and error.column > 1, error.format()


def test_a_utf16_page_file_is_read() -> None:
    data = page_xml(region("r1", line("l1", TEXT, 1, 1, 9))).decode()
    result = convert_bytes(data.encode("utf-16"), "page.xml")
    assert result.ok, [d.format() for d in result.diagnostics]
    assert TEXT in result.xml().decode()


def test_adjacent_texts_reach_the_tree_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Appended one by one, each text copied the whole text after the last child
    (quadratic: 350,000 one-letter paragraphs of a 1 MB input took minutes)."""
    from tei_tools.convert.model import Text
    from tei_tools.convert.writer import text as tei_writer

    calls: list[str] = []
    original = tei_writer.append_text

    def counted(parent: etree._Element, text: str) -> None:
        calls.append(text)
        original(parent, text)

    monkeypatch.setattr(tei_writer, "append_text", counted)
    p = etree.Element("p")
    tei_writer.write_inlines(p, [Text(1, i, "a ") for i in range(1000)])
    assert calls == ["a " * 1000] and p.text == "a " * 1000
