"""Block stage for the body: blocks of nodes → paragraphs, lists, notes and page
furniture, decided on the blocks' text (their view), the nodes cut where a list's
bullets or a note's brackets stand.

A paragraph that ends without sentence-final punctuation (or on an abbreviation
such as "Mr.") continues in the next paragraph block, and the page furniture found
between the two parts moves inside it, where it stands on the page.
"""

from __future__ import annotations

import re

from tei_tools.convert.blocks import TextBlock
from tei_tools.convert.model import (
    Block,
    FormWork,
    ListBlock,
    ListItem,
    PageBreak,
    Paragraph,
    SourceNote,
    Text,
)
from tei_tools.names.lexicon import ABBREVIATIONS

_FURNITURE = (FormWork, PageBreak)  # a tuple: cheaper in isinstance than a union

PAGE_NUMBER = re.compile(r"-\s*(\d+)\s*-")
_MARK = (
    r"(?:TOP SECRET|SECRET|CONFIDENTIAL|EYES ONLY|UNCLASSIFIED|LIMITED OFFICIAL USE|NODIS|EXDIS)"
)
# A stray letter typed before the mark ("S SECRET") is page furniture, not the mark.
CLASSIFICATION = re.compile(rf"(?:[A-Z]\s+)?(?P<mark>{_MARK}(?:\s*-\s*{_MARK})*)")
_LIST_ITEM = re.compile(r"- (?:(\d+)\)\s)?")
_SOURCE_NOTE = re.compile(r"\[(Source:.*)\]")
_ABBREVIATION = re.compile(
    rf"(?:\b(?:{'|'.join(sorted(w.capitalize() for w in ABBREVIATIONS))})|\b[A-Z])\.$"
)
# "]" closes a block such as a lone [REDACTED]: a withheld paragraph stands alone.
_CLOSED = tuple(".?!:;)]\"'\u201d\u2019\u2026")
# Initials of three letters or more ("U.S.S.R.") end a sentence; two ("N.S.") may not.
_LONG_INITIALS = re.compile(r"\b(?:[A-Z]\.){3,}$")
# "a) …", "(2) …": an enumerated block starts a paragraph of its own.
_ENUMERATED = re.compile(r"\(?(?:[a-z]|\d{1,2}|[ivx]{1,4})\)\s")


_WINDOW = 64  # characters at a block's edge that decide whether it continues


def is_classification(text: str) -> bool:
    return CLASSIFICATION.fullmatch(text.strip()) is not None


def classification_mark(text: str) -> str:
    """The mark a classification line states, for the header ("S SECRET" → "SECRET")."""
    line = " ".join(text.split())
    found = CLASSIFICATION.fullmatch(line)
    return found.group("mark") if found else line


def ends_open(text: str) -> bool:
    """True when a block stops mid-sentence, so the next block continues it."""
    tail = text[-_WINDOW:].strip()  # only the last characters decide
    if not tail or _LONG_INITIALS.search(tail):
        return False
    return not tail.endswith(_CLOSED) or bool(_ABBREVIATION.search(tail))


def is_caption(text: str) -> bool:
    """A line that stands alone: a reference code ("US/MC/1"), a heading in capitals
    or in title case ("Summit Tactics", "1. East-West Relations"), a dateline
    ("August–September 1959"). It neither continues a paragraph nor is continued."""
    line = text.strip()
    words = line.split()
    if not words or len(words) > 14 or "\n" in text or line.endswith((",", ";")):
        return False
    if len(words) == 1 and "/" in line:
        return True
    long_words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", line) if len(w) >= 4]
    return bool(long_words) and all(w[0].isupper() for w in long_words)


def is_page_number(block: TextBlock) -> bool:
    """A block that is a page number alone ("- 2 -", "-3-"): page furniture, never
    front matter."""
    return (
        len(block.lines) == 1
        and PAGE_NUMBER.fullmatch(block.view.text) is not None
        and not block.escaped(0, 1)
    )


def read_block(block: TextBlock, typescript: bool = True) -> list[Block]:
    line, col, file = block.start
    text = block.view.text
    if len(block.lines) == 1:
        page = PAGE_NUMBER.fullmatch(text)
        if page and not block.escaped(0, 1):
            surface = block.first.surface
            return [
                PageBreak(line, col, page.group(1), facs=surface, file=file),
                FormWork(line, col, "pageNum", block.fresh(), facs=block.facs, file=file),
            ]
        if typescript and is_classification(text):
            content = block.fresh()
            return [FormWork(line, col, "classification", content, facs=block.facs, file=file)]
        note = _SOURCE_NOTE.fullmatch(text)
        if note and not block.marked(0, 1) and not block.marked(len(text) - 1, len(text)):
            # the brackets are the note's notation, typed as such
            content = block.view.slice(note.start(1), note.end(1))
            return [SourceNote(line, col, content, facs=block.facs, file=file)]
    if all(
        _LIST_ITEM.match(item) and not block.marked(start, start + 2)
        for item, (start, _) in zip(block.line_texts, block.spans, strict=True)
    ):  # every line starts with a bullet typed as such (not struck, not raised)
        items = []
        for info, item, (start, end) in zip(
            block.lines, block.line_texts, block.spans, strict=True
        ):
            marker = _LIST_ITEM.match(item)
            assert marker is not None
            # the "- " bullet is markup; the "1)" label stays as text
            content = block.view.slice(start + 2, end)
            items.append(
                ListItem(info.number, info.col, content, n=marker.group(1), file=info.file)
            )
        return [ListBlock(line, col, items, facs=block.facs, file=file)]
    return [Paragraph(line, col, block.take(), facs=block.facs, file=file)]


def read_body(blocks: list[TextBlock], typescript: bool = True) -> list[Block]:
    """The body's blocks. A ``typescript`` (a memorandum) has its classification lines
    read as furniture and its paragraphs continued over block ends by the sentence;
    any other document's blocks stay apart, but for a sentence a page break cuts."""
    out: list[Block] = []
    last: Paragraph | None = None  # the paragraph the next block may continue
    last_text = ""
    pending: list[FormWork | PageBreak] = []  # furniture seen since ``last``
    for block in blocks:
        for node in read_block(block, typescript):
            if isinstance(node, _FURNITURE) and last is not None:
                pending.append(node)
                continue
            if (
                isinstance(node, Paragraph)
                and last is not None
                and (typescript or any(isinstance(f, PageBreak) for f in pending))
                and continues(last_text, block)
            ):
                for furniture in pending:
                    if isinstance(furniture, FormWork):  # its zone is the paragraph's now
                        last.facs = _joined(last.facs, furniture.facs)
                        furniture.facs = None
                    last.children.extend([Text(furniture.line, 1, "\n"), furniture])
                last.children.append(Text(node.line, 1, "\n"))
                last.children.extend(node.children)
                last.facs = _joined(last.facs, node.facs)
                pending = []
                last_text = block.text
                continue
            out.extend(pending)
            pending = []
            out.append(node)
            last = node if isinstance(node, Paragraph) else None
            last_text = block.text
    out.extend(pending)
    return out


def _joined(facs: str | None, more: str | None) -> str | None:
    """The zones of a paragraph continued over regions, each once, in order."""
    zones = [*(facs or "").split(), *(more or "").split()]
    return " ".join(dict.fromkeys(zones)) or None


def continues(previous: str, block: TextBlock) -> bool:
    """The previous paragraph stops mid-sentence, or this one starts in lower case;
    never across a caption or before an enumerated block."""
    text = block.text
    start = text[:_WINDOW].strip()
    if is_caption(previous) or is_caption(text) or _ENUMERATED.match(start):
        return False
    return ends_open(previous) or (bool(start) and start[0].islower())
