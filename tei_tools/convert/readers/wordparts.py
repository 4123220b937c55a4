"""The parts of a Word file beside its text that the text refers to: list numbering
(``numbering.xml``), footnotes, endnotes and comments, and the relationships that
name a hyperlink's address or an image's file (``document.xml.rels``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from tei_tools.convert.readers.archive import Archive
from tei_tools.convert.readers.values import whole
from tei_tools.convert.readers.wordmeta import in_fallback, transitional, w
from tei_tools.convert.readers.xmlparts import ReadError, Spent, parse_part

REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
RELS = "word/_rels/document.xml.rels"
_UNORDERED = ("bullet", "none", "")


@dataclass(frozen=True)
class NoteText:
    text: str
    author: str = ""


@dataclass
class WordParts:
    """What the text's references point to; a part that is absent or cannot be read
    leaves its entries empty (the reader reports the reference it cannot follow)."""

    formats: dict[tuple[str, int], str] = field(default_factory=dict)  # (numId, level) → numFmt
    footnotes: dict[str, NoteText] = field(default_factory=dict)
    endnotes: dict[str, NoteText] = field(default_factory=dict)
    comments: dict[str, NoteText] = field(default_factory=dict)
    targets: dict[str, tuple[str, bool]] = field(default_factory=dict)  # rId → (target, external)
    unreadable: list[tuple[str, str]] = field(default_factory=list)  # (part, why)

    def ordered(self, num: str, level: int) -> bool:
        return self.formats.get((num, level), "decimal") not in _UNORDERED


def read_parts(archive: Archive, spent: Spent) -> WordParts:
    parts = WordParts()

    def part(path: str) -> etree._Element | None:
        if path not in archive.names:
            return None
        try:
            return transitional(parse_part(archive.read(path), path, spent))
        except ReadError as exc:
            parts.unreadable.append((path, str(exc)))
            return None

    numbering = part("word/numbering.xml")
    if numbering is not None:
        parts.formats = _formats(numbering)
    for path, into in (
        ("word/footnotes.xml", parts.footnotes),
        ("word/endnotes.xml", parts.endnotes),
    ):
        root = part(path)
        for note in root if root is not None else ():
            if note.get(w("type")) in (None, "normal") and note.get(w("id")) is not None:
                into[note.get(w("id")) or ""] = NoteText(_paragraphs_text(note))
    comments = part("word/comments.xml")
    for comment in comments.iter(w("comment")) if comments is not None else ():
        cid = comment.get(w("id"))
        if cid is not None:
            author = comment.get(w("author")) or ""
            parts.comments[cid] = NoteText(_paragraphs_text(comment), author)
    rels = part(RELS)
    for rel in rels.iter(f"{{{PKG_REL}}}Relationship") if rels is not None else ():
        rid, target = rel.get("Id"), rel.get("Target")
        if rid and target:
            parts.targets[rid] = (target, (rel.get("TargetMode") or "") == "External")
    return parts


def _formats(root: etree._Element) -> dict[tuple[str, int], str]:
    """(numId, level) → the level's number format, through the abstract numbering."""
    abstract: dict[str, dict[int, str]] = {}
    for item in root.iter(w("abstractNum")):
        levels = {}
        for lvl in item.iter(w("lvl")):
            fmt = lvl.find(w("numFmt"))
            levels[whole(lvl.get(w("ilvl"))) or 0] = (
                (fmt.get(w("val")) or "") if fmt is not None else ""
            )
        abstract[item.get(w("abstractNumId")) or ""] = levels
    formats: dict[tuple[str, int], str] = {}
    for num in root.iter(w("num")):
        ref = num.find(w("abstractNumId"))
        key = (ref.get(w("val")) or "") if ref is not None else ""
        for level, number_format in abstract.get(key, {}).items():
            formats[(num.get(w("numId")) or "", level)] = number_format
    return formats


def _paragraphs_text(element: etree._Element) -> str:
    """A note's or comment's text: its paragraphs' runs' text (not a field's code, not
    a Fallback copy), paragraphs joined by a space."""
    paragraphs = []
    for p in element.iter(w("p")):
        texts = [
            " " if t.tag == w("tab") else t.text or ""
            for t in p.iter(w("t"), w("tab"))
            if not in_fallback(t) and next(t.iterancestors(w("p")), None) is p
        ]
        text = " ".join("".join(texts).split())
        if text:
            paragraphs.append(text)
    return " ".join(paragraphs)
