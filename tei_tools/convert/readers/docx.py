"""Word (.docx) reader: ``word/document.xml`` read with lxml, since python-docx does
not expose tracked changes.

A paragraph is a block; ``w:br`` ends a line on purpose; a page break ends the
block (the page number that follows is the dialect's page furniture). Struck,
double-struck, superscript, subscript, bold, underlined and italic runs keep their
meaning; runs of the same formatting join, so a word Word split over two runs is
one word. Tracked deletions and insertions are kept as deletions and additions
that point to a ``change`` (author, date) unless the editor asks to accept or
reject them. What else Word holds (fields, drawings, text boxes, notes, comments,
tables) keeps its text and gets a diagnostic naming the paragraph.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from tei_tools.convert.model import Change, SourceMeta
from tei_tools.convert.readers.archive import Archive
from tei_tools.convert.readers.runs import (
    BOLD,
    DSTRIKE,
    ITALIC,
    STRIKE,
    SUB,
    SUP,
    TRACKED_DEL,
    TRACKED_INS,
    UNDERLINE,
    Origin,
    Run,
    SourceBlock,
    SourceLine,
)
from tei_tools.convert.readers.values import bad_value, character, line_of
from tei_tools.convert.readers.wordmeta import MC, WordFacts, transitional
from tei_tools.convert.readers.xmlparts import ReadError, Spent, parse_part
from tei_tools.diagnostics import Diagnostic

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
DOCUMENT = "word/document.xml"  # the main text part
TRACKED_CHANGES = ("keep", "accept", "reject")


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


_OFF = ("0", "false", "off", "none")
# Elements whose text Word shows but this reader does not encode as such.
_KEPT_WITH_NOTE = {
    w("fldSimple"): "a field",
    w("txbxContent"): "a text box",
}
_SKIPPED = {w("instrText"): "a field's code", w("delInstrText"): "a field's code"}
# Elements a paragraph's runs may sit in that say nothing the TEI keeps.
_CONTAINERS = {w(t) for t in ("hyperlink", "smartTag", "customXml", "fldSimple", "dir", "bdo")}


_ALTERNATE, _CHOICE = f"{{{MC}}}AlternateContent", f"{{{MC}}}Choice"


def _chosen(parent: etree._Element) -> Iterator[etree._Element]:
    """The children of ``parent``, a markup-compatibility block (mc:AlternateContent)
    standing for the children of its first mc:Choice: its mc:Fallback is a copy of the
    same content for older readers, never read as well."""
    for child in parent:
        if child.tag == _ALTERNATE:
            choice = child.find(_CHOICE)
            if choice is not None:
                yield from _chosen(choice)
        else:
            yield child


@dataclass(frozen=True)
class _Tracked:
    """A tracked change a run is inside."""

    deletion: bool
    change: str  # its id


@dataclass
class _Paragraph:
    number: int
    lines: list[list[Run]] = field(default_factory=lambda: [[]])
    breaks: list[bool] = field(default_factory=list)  # hard break after each line
    col: int = 1
    starts: list[int] = field(default_factory=lambda: [1])


class DocxReader:
    def __init__(
        self,
        name: str,
        diagnostics: list[Diagnostic],
        tracked: str = "keep",
        spent: Spent | None = None,
    ):
        self.name = name
        self.spent = spent if spent is not None else Spent()
        self.diags = diagnostics
        self.tracked = tracked
        self.changes: dict[tuple[str, str, str | None], Change] = {}
        self.blocks: list[SourceBlock] = []
        self.number = 0
        self.page_break = False  # an explicit page break waits for the next block
        self.tracked_seen = 0  # tracked changes met, whatever was done with them
        self.meta = SourceMeta(format="Word")

    def note(self, code: str, message: str, paragraph: int, col: int, hint: str = "") -> None:
        self.diags.append(Diagnostic(code, message, self.name, paragraph, col, hint))

    def read(self, data: bytes) -> list[SourceBlock]:
        with Archive(data, "the Word file", self.spent) as archive:
            return self.read_archive(archive)

    def read_archive(self, archive: Archive) -> list[SourceBlock]:
        if DOCUMENT not in archive.names:
            held = ", ".join(archive.names[:8]) + (", …" if len(archive.names) > 8 else "")
            raise ReadError(
                f"the Word file has no {DOCUMENT}, the part that holds its text (it holds {held})"
            )
        root = transitional(parse_part(archive.read(DOCUMENT), DOCUMENT, self.spent))
        body = root.find(w("body"))
        if body is None:
            raise ReadError(f"{DOCUMENT} has no w:body", file=DOCUMENT)
        for element in body:
            self.block_element(element)
        self.spent.add_blocks(self.blocks, DOCUMENT)
        self.meta = WordFacts(archive, self.name, self.spent, self.diags).read(root)
        self.meta.decisions = self.decisions()
        return self.blocks

    def decisions(self) -> list[str]:
        """What reading this file did, for the header's editorialDecl."""
        done = [
            "The text is the body of word/document.xml in document order: each paragraph "
            "a block (a table's cells are paragraphs too), a line break (w:br) an lb. "
            "Headers, footers, footnotes, endnotes and comments are not encoded; a field "
            "gives its result, not its code."
        ]
        if not self.tracked_seen:
            done.append("The Word file holds no tracked changes.")
        elif self.tracked == "keep":
            done.append(
                "Tracked changes were kept: an insertion is add, a deletion del, each "
                "pointing (@change) to a change in revisionDesc that names its author and date."
            )
        else:
            done.append(
                f"Tracked changes were {self.tracked}ed, as the editor asked: "
                + (
                    "insertions are plain text and deleted text is left out."
                    if self.tracked == "accept"
                    else "deleted text is plain text and insertions are left out."
                )
            )
        return done

    def block_element(self, element: etree._Element) -> None:
        if element.tag == w("p"):
            self.paragraph(element)
        elif element.tag == w("tbl"):
            start = self.number + 1
            for p in element.iter(w("p")):
                self.paragraph(p)
            self.note(
                "C401",
                "a table: its cells are kept as paragraphs, in reading order",
                start,
                1,
                "tables are not encoded as TEI tables yet; check the cells' order",
            )
        elif element.tag == w("sdt"):
            content = element.find(w("sdtContent"))
            for child in content if content is not None else ():
                self.block_element(child)

    def paragraph(self, p: etree._Element) -> None:
        self.number += 1
        para = _Paragraph(self.number)
        for kind, value in self.pieces(p, para):
            if kind == "run":
                assert isinstance(value, Run)
                para.lines[-1].append(value)
                para.col += len(value.text)
            elif kind == "br":
                para.lines.append([])
                para.breaks.append(True)
                para.starts.append(para.col)
            elif kind == "page":
                self.flush(para)
                self.page_break = True
                para.lines, para.breaks, para.starts = [[]], [], [para.col]
        self.flush(para)

    def flush(self, para: _Paragraph) -> None:
        lines = []
        for i, runs in enumerate(para.lines):
            hard = para.breaks[i] if i < len(para.breaks) else False
            lines.append(SourceLine(runs, Origin(self.name, para.number, para.starts[i]), hard))
        if any(run.text.strip() for line in lines for run in line.runs):
            self.blocks.append(SourceBlock(lines, page_break=self.page_break))
            self.page_break = False

    def pieces(
        self, parent: etree._Element, para: _Paragraph, tracked: tuple[_Tracked, ...] = ()
    ) -> Iterator[tuple[str, object]]:
        """Runs, line breaks and page breaks of a paragraph, in order; ``tracked``: the
        tracked changes they are inside, outermost first."""
        for child in parent:
            tag = child.tag
            if tag == w("r"):
                yield from self.tracked_run(child, para, tracked)
            elif tag in (w("del"), w("ins"), w("moveFrom"), w("moveTo")):
                yield from self.tracked_change(child, para, tracked)
            elif tag in _CONTAINERS:
                if tag in _KEPT_WITH_NOTE:
                    self.note(
                        "C401", f"{_KEPT_WITH_NOTE[tag]}: its text is kept", para.number, para.col
                    )
                yield from self.pieces(child, para, tracked)
            elif tag == w("sdt"):
                content = child.find(w("sdtContent"))
                if content is not None:
                    yield from self.pieces(content, para, tracked)
            elif tag == _ALTERNATE:
                choice = child.find(_CHOICE)
                if choice is not None:
                    yield from self.pieces(choice, para, tracked)

    def tracked_change(
        self, element: etree._Element, para: _Paragraph, tracked: tuple[_Tracked, ...]
    ) -> Iterator[tuple[str, object]]:
        """The pieces of a tracked change, left out when the editor accepts a deletion
        or rejects an insertion (a change inside it goes with it)."""
        deletion = element.tag in (w("del"), w("moveFrom"))
        self.tracked_seen += 1
        author = element.get(w("author")) or "unknown"
        when = element.get(w("date"))
        kind = "deletion" if deletion else "insertion"
        if (self.tracked == "accept" and deletion) or (self.tracked == "reject" and not deletion):
            dropped = "".join(str(t) for t in element.itertext())
            self.note(
                "C403",
                f"a tracked {kind} by {author} was {self.tracked}ed as asked: "
                f"{dropped[:60]!r} left out",
                para.number,
                para.col,
            )
            return
        if self.tracked != "keep":
            yield from self.pieces(element, para, tracked)
            return
        key = (kind, author, when)
        if key not in self.changes:
            self.changes[key] = Change(f"change-{len(self.changes) + 1}", kind, author, when)
        yield from self.pieces(element, para, (*tracked, _Tracked(deletion, self.changes[key].id)))

    def tracked_run(
        self, r: etree._Element, para: _Paragraph, tracked: tuple[_Tracked, ...]
    ) -> Iterator[tuple[str, object]]:
        """A run inside tracked changes: a deletion, an addition, or (text an insertion
        brought and a later deletion took away) a deletion inside an addition."""
        deleted = next((t.change for t in reversed(tracked) if t.deletion), None)
        inserted = next((t.change for t in reversed(tracked) if not t.deletion), None)
        styles = frozenset(
            ({TRACKED_DEL} if deleted else set()) | ({TRACKED_INS} if inserted else set())
        )
        if deleted and inserted:
            yield from self.run(r, styles, deleted, para, inserted_by=inserted)
        else:
            yield from self.run(r, styles, deleted or inserted, para)

    def run(
        self,
        r: etree._Element,
        extra: frozenset[str],
        change: str | None,
        para: _Paragraph,
        inserted_by: str | None = None,
    ) -> Iterator[tuple[str, object]]:
        styles = run_styles(r.find(w("rPr"))) | extra
        for child in _chosen(r):
            tag = child.tag
            if tag in (w("t"), w("delText")):
                yield "run", Run(child.text or "", styles, change, inserted_by)
            elif tag == w("tab"):
                yield "run", Run(" ", styles, change, inserted_by)
            elif tag in (w("noBreakHyphen"),):
                yield "run", Run("-", styles, change, inserted_by)
            elif tag == w("sym"):
                symbol = character(child.get(w("char")))
                if symbol is None:
                    self.diags.append(
                        bad_value(
                            f"paragraph {para.number}: a symbol (w:sym) whose w:char is not "
                            "the hexadecimal code of a character; the symbol is left out",
                            child.get(w("char")),
                            f"{self.name}/{DOCUMENT}",
                            line_of(child),
                        )
                    )
                else:
                    yield "run", Run(symbol, styles, change, inserted_by)
            elif tag in (w("br"), w("cr")):
                yield ("page", None) if child.get(w("type")) == "page" else ("br", None)
            elif tag in _SKIPPED:
                self.note(
                    "C401",
                    f"{_SKIPPED[tag]} is not text and is left out: "
                    f"{(child.text or '').strip()[:40]!r}",
                    para.number,
                    para.col,
                )
            elif tag in (w("drawing"), w("pict"), w("object")):
                texts = [t.text or "" for t in child.iter(w("t"))]
                self.note(
                    "C401",
                    "an image or text box" + (": its text is kept" if texts else ""),
                    para.number,
                    para.col,
                    "describe the image in the transcription if it matters",
                )
                if texts:
                    yield "run", Run(" ".join(texts), styles, change, inserted_by)
            elif tag in (w("footnoteReference"), w("endnoteReference"), w("commentReference")):
                what = {
                    w("footnoteReference"): "a footnote",
                    w("endnoteReference"): "an endnote",
                    w("commentReference"): "a comment",
                }[tag]
                self.note(
                    "C401",
                    f"{what} (id {child.get(w('id'))}) is not encoded; its text is not in the TEI",
                    para.number,
                    para.col,
                    "move the note's text into the transcription if it belongs to the document",
                )


def run_styles(rpr: etree._Element | None) -> frozenset[str]:
    if rpr is None:
        return frozenset()
    styles = set()

    def on(tag: str) -> bool:
        el = rpr.find(w(tag))
        return el is not None and (el.get(w("val")) or "true").lower() not in _OFF

    if on("strike"):
        styles.add(STRIKE)
    if on("dstrike"):
        styles.add(DSTRIKE)
    if on("b"):
        styles.add(BOLD)
    if on("i"):
        styles.add(ITALIC)
    if on("u"):
        styles.add(UNDERLINE)
    align = rpr.find(w("vertAlign"))
    if align is not None:
        value = align.get(w("val"))
        if value == "superscript":
            styles.add(SUP)
        elif value == "subscript":
            styles.add(SUB)
    return frozenset(styles)
