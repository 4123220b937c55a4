"""Word boundaries in the exporters: pb, lb, cb and milestone part words unless
@break="no"; without @break the document decides; notes in a line glue nothing."""

from __future__ import annotations

import re

import pytest
from lxml import etree

from tei_tools.export import export
from tests.conftest import ROOT, skip_unless

FRUS = ROOT.parent / "shared" / "corpora" / "frus"
TEI = "http://www.tei-c.org/ns/1.0"
WORD = re.compile(r"[^\W_]+")


def doc(body: str) -> etree._Element:
    return etree.fromstring(
        f'<TEI xmlns="{TEI}"><teiHeader><fileDesc><titleStmt><title>t</title></titleStmt>'
        "<publicationStmt><p>p</p></publicationStmt><sourceDesc><p>s</p></sourceDesc>"
        f"</fileDesc></teiHeader><text><body>{body}</body></text></TEI>"
    )


def reading(body: str) -> str:
    text, _ = export(doc(body), "text", view="reading")
    return " ".join(text.split())


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('<p>not so<pb n="76"/>sharp</p>', "not so sharp"),
        ('<p>accom<pb n="2" break="no"/>modating</p>', "accommodating"),
        ('<p>not so<pb n="76" break="yes"/>sharp</p>', "not so sharp"),
        ("<p>not so<lb/>sharp</p>", "not so sharp"),
        ('<p>accom<lb break="no"/>modating</p>', "accommodating"),
        ("<p>not so<cb/>sharp</p>", "not so sharp"),
        ('<p>not so<milestone unit="section"/>sharp</p>', "not so sharp"),
        # evidence: the joined form is used elsewhere in the document
        ("<p>accom<pb/>modating, and accommodating again</p>",
         "accommodating, and accommodating again"),
        # no evidence: two words, as TEI reads a break without @break
        ("<p>the accom<pb/>modation was fine</p>", "the accom modation was fine"),
        # a note in the line never glues the words around it
        ("<p>pp. 1062–1065.<note>A note.</note><persName>Von Brentano</persName> said</p>",
         "pp. 1062–1065. [Note: A note.] Von Brentano said"),
    ],
    ids=["pb", "pb-no", "pb-yes", "lb", "lb-no", "cb", "milestone", "evidence-joined",
         "evidence-fragment", "note"],
)  # fmt: skip
def test_reading_text_word_boundaries(body, expected):
    assert reading(body) == expected


def test_the_diplomatic_view_shows_the_break_and_the_html_parts_the_words():
    text, _ = export(doc("<p>accom<lb/>modation and so<pb/>sharp</p>"), "text", view="diplomatic")
    assert "accom\nmodation" in text
    page, _ = export(doc('<p>not so<pb n="76"/>sharp</p>'), "html")
    paragraph = etree.fromstring(page.encode(), etree.HTMLParser()).find(".//main//p")
    assert paragraph is not None
    for label in paragraph.xpath(".//span[@class='pb-label']"):
        label.text = ""  # the page number stands in the margin, not in the line
    words = WORD.findall("".join(paragraph.itertext()))
    assert "sosharp" not in words and words[-1] == "sharp"


def test_decisions_on_evidence_are_counted_once():
    body = "<p>accom<pb/>modation and so<pb/>sharp; the accommodation</p>"
    _, found = export(doc(body), "text")
    counts = [d.message for d in found if d.code == "E003"]
    assert counts == [
        "2 page, column or line breaks between letters without @break: "
        "1 read as inside a word, 1 as between words"
    ]


def _flatten(el: etree._Element, out: list[str]) -> None:
    """An independent flattening: milestones (but break="no") and notes part words."""
    name = etree.QName(el).localname
    if (name in ("pb", "lb", "cb", "milestone") and el.get("break") != "no") or name == "note":
        out.append(" ")
    out.append(el.text or "")
    for child in el:
        if isinstance(child.tag, str):
            _flatten(child, out)
        out.append(child.tail or "")
    if name in ("p", "head", "note", "item", "cell", "ab", "l", "list", "row", "dateline"):
        out.append(" ")


@pytest.mark.parametrize("volume", ["frus1961-63v06.xml", "frus1964-68v14.xml"])
def test_archive_volumes_keep_every_word_in_order(volume):
    path = FRUS / volume
    skip_unless(path.is_file(), f"the FRUS volume is not at {path}")
    root = etree.parse(str(path)).getroot()
    text = root.find(f"{{{TEI}}}text")
    assert text is not None
    pieces: list[str] = []
    _flatten(text, pieces)
    source = WORD.findall("".join(pieces))
    exported, _ = export(root, "text", view="diplomatic")
    words = iter(WORD.findall(exported))
    missing = [w for w in source if not any(w == x for x in words)]
    assert missing == []
    if volume == "frus1961-63v06.xml":
        read, _ = export(root, "text", view="reading")
        assert "not so sharp" in " ".join(read.split())
