"""Round trips: Word → TEI → raw → TEI and PAGE → TEI → raw → TEI give the same body.
The raw export escapes what would read as notation (docs/raw-format.md, Escapes).
Compared as the raw format can say it: without the facsimile's pointers, tracked
changes' pointers and the kind of a deletion (raw has one notation for striking)."""

from __future__ import annotations

import re
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from hypothesis import given
from lxml import etree

from tei_tools.convert import convert_bytes
from tei_tools.convert.pipeline import Conversion, convert_folder
from tei_tools.export import export

from .conftest import ROOT
from .test_source_text import _PARAGRAPHS, _SETTINGS
from .test_sources import docx, para, run

T = "{http://www.tei-c.org/ns/1.0}"
DEVSET = ROOT.parent / "shared" / "devset"
SOURCES = [
    p
    for folder in (DEVSET, DEVSET / "eras")
    for p in sorted((folder / "docx").glob("*.docx"))
    + sorted(q for q in (folder / "page").glob("*") if q.is_dir())
]


def text_as_raw_says_it(result: Conversion) -> str:
    assert result.tree is not None, [d.format() for d in result.diagnostics]
    text = etree.fromstring(etree.tostring(result.tree.getroot().find(f"{T}text")))
    for el in text.iter():
        for name in ("facs", "change"):
            el.attrib.pop(name, None)
        if el.tag == f"{T}del":
            el.attrib.pop("rend", None)
    return re.sub(r"\s+", " ", etree.tostring(text, encoding="unicode"))


def again(result: Conversion, name: str) -> Conversion:
    assert result.tree is not None
    raw, _ = export(result.tree.getroot(), "raw")
    return convert_bytes(raw.encode("utf-8"), f"{name}.txt")


@pytest.mark.skipif(not SOURCES, reason="../shared/devset is not beside the project")
@pytest.mark.parametrize("path", SOURCES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_memorandum_from_word_or_page_round_trips_through_raw(path: Path) -> None:
    first = convert_folder(path) if path.is_dir() else convert_bytes(path.read_bytes(), path.name)
    assert text_as_raw_says_it(again(first, path.stem)) == text_as_raw_says_it(first)


@_SETTINGS
@given(_PARAGRAPHS)
def test_a_word_document_of_any_text_round_trips_through_raw(paragraphs: list[str]) -> None:
    first = convert_bytes(docx("".join(para(run(escape(p))) for p in paragraphs)), "d.docx")
    assert text_as_raw_says_it(again(first, "d")) == text_as_raw_says_it(first)


def test_text_that_reads_as_notation_is_escaped_in_raw() -> None:
    typed = "Code ~~x~~, **y**, <sup>z</sup>, [REDACTED], xxxx, a\\b"
    body = para(run("- 2 -")) + para(run(escape(typed)))
    first = convert_bytes(docx(body), "d.docx")
    assert first.tree is not None
    raw, _ = export(first.tree.getroot(), "raw")
    assert raw == (
        "\\- 2 -\n\n"
        "Code \\~\\~x\\~\\~, \\*\\*y\\*\\*, \\<sup>z\\</sup>, \\[REDACTED], \\xxxx, a\\\\b\n"
    )
