"""Property tests: Word and PAGE files built from arbitrary text, the characters the raw
dialect uses for notation included (``~ * \\ < > [ ] / -``), give TEI whose body text
and header facts are the source's text, character for character (white space aside)."""

from __future__ import annotations

from xml.sax.saxutils import escape

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from tei_tools.convert import convert_bytes

from .conftest import NS
from .test_sources import docx, line, page_xml, para, region, run

# Letters, digits, the dialect's notation characters and spaces; no control characters.
_CHARS = st.sampled_from([*"abcXYZ019 ~*\\<>[]/-_.,:;'\"&#x", "~~", "**", "<sup>", "xxx"])
_WORDS = st.lists(_CHARS, min_size=1, max_size=30).map("".join).filter(lambda t: t.strip())
_PARAGRAPHS = st.lists(_WORDS, min_size=1, max_size=6)
_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))


def words(text: str) -> list[str]:
    return text.split()


def body_text(xml: bytes) -> str:
    root = etree.fromstring(xml)
    body = root.find(".//t:body", NS)
    assert body is not None
    return " ".join("".join(body.itertext()).split())


def source_text(paragraphs: list[str]) -> str:
    return " ".join(" ".join(p.split()) for p in paragraphs)


@_SETTINGS
@given(_PARAGRAPHS)
def test_a_word_documents_body_is_its_text(paragraphs: list[str]) -> None:
    body = "".join(para(run(escape(p))) for p in paragraphs)
    result = convert_bytes(docx(body), "doc.docx")
    assert result.ok, [d.format() for d in result.diagnostics]
    assert body_text(result.xml()) == source_text(paragraphs)


@_SETTINGS
@given(_PARAGRAPHS)
def test_a_page_documents_body_is_its_text(paragraphs: list[str]) -> None:
    lines = [
        line(f"l{i}", escape(text), 190, 100 + 50 * i, 190 + 30 * len(text))
        for i, text in enumerate(paragraphs)
    ]
    result = convert_bytes(page_xml(region("r1", *lines)), "page.xml")
    assert result.ok, [d.format() for d in result.diagnostics]
    got = body_text(result.xml())
    # a line that ends in a hyphen before a letter is a word broken at the line end:
    # its hyphen stays, the line break goes (lb break="no")
    assert words(got.replace(" ", "")) == words(source_text(paragraphs).replace(" ", ""))


@_SETTINGS
@given(_WORDS)
def test_a_word_memorandums_subject_is_its_text(subject: str) -> None:
    body = (
        para(run("MEMORANDUM OF CONVERSATION"))
        + para(run(escape(f"SUBJECT: {subject}")))
        + para(run("PARTICIPANTS: Mr. Allen, Assistant Secretary"))
        + para(run("Mr. Allen opened the talks."))
    )
    result = convert_bytes(docx(body), "memo.docx")
    assert result.ok, [d.format() for d in result.diagnostics]
    root = etree.fromstring(result.xml())
    title = " ".join("".join(root.find(".//t:titleStmt/t:title", NS).itertext()).split())
    assert " ".join(subject.split()) in title
