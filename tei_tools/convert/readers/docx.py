"""Word (.docx) reader: ``word/document.xml`` read with lxml, since python-docx does
not expose tracked changes.

A paragraph is a block of the kind its style says: a heading (Title, Heading N,
an outline level), a list's item (numbering, its own or its style's), else a
paragraph; a table's cells are cells. ``w:br`` ends a line on purpose; a page break
ends the block. Struck, double-struck, superscript, subscript, bold, underlined and
italic runs keep their meaning, stated on the run, its character style, its
paragraph's style or the document's defaults; runs of the same formatting join, so a
word Word split over two runs is one word. Tracked deletions and insertions are kept
as deletions and additions that point to a ``change`` (author, date) unless the
editor asks to accept or reject them. Footnotes, endnotes and comments are notes
where they are referenced; a hyperlink keeps its address. What else Word holds
(images, text boxes) keeps its text and gets a diagnostic naming the paragraph.
"""

from __future__ import annotations

import itertools
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from urllib.parse import unquote

from lxml import etree

from tei_tools.convert.languages import language_code
from tei_tools.convert.model import Change, SourceMeta
from tei_tools.convert.readers.archive import Archive
from tei_tools.convert.readers.runs import (
    BOLD,
    CELL,
    DSTRIKE,
    HEADING,
    ITALIC,
    ITEM,
    PARAGRAPH,
    STRIKE,
    SUB,
    SUP,
    TRACKED_DEL,
    TRACKED_INS,
    UNDERLINE,
    Anchor,
    CellPlace,
    Origin,
    Run,
    SourceBlock,
    SourceLine,
    Tag,
)
from tei_tools.convert.readers.values import bad_value, line_of, symbol_character, whole
from tei_tools.convert.readers.wordmeta import (
    FORMATTING,
    MC,
    WordFacts,
    formatting,
    heading_level,
    numbering_of,
    paragraph_style,
    transitional,
)
from tei_tools.convert.readers.wordparts import REL, WordParts, read_parts
from tei_tools.convert.readers.xmlparts import ReadError, Spent, parse_part
from tei_tools.diagnostics import Diagnostic
from tei_tools.site.images import is_image

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
VML = "urn:schemas-microsoft-com:vml"
DOCUMENT = "word/document.xml"  # the main text part


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


_OFF = ("0", "false", "off", "none")
# Elements whose text Word shows but this reader does not encode as such.
_KEPT_WITH_NOTE = {w("txbxContent"): "a text box"}
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
    formatting: dict[str, bool] = field(default_factory=dict)  # its style's run properties
    kind: str = PARAGRAPH
    detail: str = ""


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
        self.parts = WordParts()
        self.keys = itertools.count()  # hyperlinks, told apart
        self.notes = {"foot": 0, "end": 0}  # notes referenced so far, to number them
        self.tables = 0
        self.cell: list[SourceLine] | None = None  # the lines of the table cell being read
        self.targets: set[str] = set()  # bookmarks that hyperlinks go to
        self.fields: dict[str, tuple[int, int, int]] = {}  # field kind → (where first, count)
        self.media: dict[str, bytes] = {}  # images, by their name beside the TEI
        self.images_read: dict[str, str] = {}  # an image's part → its name beside the TEI
        self.anchors: set[str] = set()  # bookmark anchors written (an id is written once)
        # the images' folder is named after the document, as its outputs are: two
        # documents whose names differ ("a b", "a_b") never share one
        stem = posixpath.splitext(posixpath.basename(name.replace("\\", "/")))[0]
        self.stem = _UNSAFE_IN_NAME.sub("_", stem).lstrip(".") or "document"

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
        self.archive = archive
        facts = WordFacts(archive, self.name, self.spent, self.diags)
        self.styles = facts.styles()
        self.parts = read_parts(archive, self.spent)
        for part, why in self.parts.unreadable:
            self.diags.append(
                bad_value(
                    f"{part} cannot be read ({why}); what it holds is left out",
                    part,
                    f"{self.name}/{part}",
                    0,
                )
            )
        # Bookmarks a hyperlink goes to become anchors (TEI pointers must resolve)
        self.targets = {
            h.get(w("anchor")) or "" for h in body.iter(w("hyperlink")) if h.get(w("anchor"))
        }
        for element in body:
            self.block_element(element)
        self.unlink_missing()
        if self.fields:
            line, col, _ = min(self.fields.values())
            listed = ", ".join(f"{k}: {n}" for k, (_, _, n) in sorted(self.fields.items()))
            self.note(
                "C401",
                f"fields give their results; their codes are left out ({listed})",
                line,
                col,
                "an index entry (XE) or a bookmark reference (REF) is not in "
                "the TEI; mark it up by hand where it matters",
            )
        self.spent.add_blocks(self.blocks, DOCUMENT)
        self.meta = facts.read(root, self.styles)
        self.mark_languages(self.meta.languages[0][0] if self.meta.languages else None)
        self.meta.decisions = self.decisions()
        return self.blocks

    def run_language(self, rpr: etree._Element | None) -> str | None:
        """The language a run states itself (w:lang, or its character style's): the
        paragraph's and the document's are the text's language, not a span's."""
        lang = rpr.find(w("lang")) if rpr is not None else None
        value = lang.get(w("val")) if lang is not None else None
        style = rpr.find(w("rStyle")) if rpr is not None else None
        if value is None and style is not None:
            chain = self.styles.chain(style.get(w("val")))
            value = next((s.lang for s in chain if s.lang), None)
        return language_code(value) if value else None

    def mark_languages(self, main: str | None) -> None:
        """Runs in another language than the text's: each stretch of them in a block
        one ``foreign`` element with its xml:lang."""
        if main is None:
            return
        for block in self.blocks:
            open_tag: Tag | None = None
            for line in block.lines:
                marked = []
                for run in line.runs:
                    other = run.lang if run.lang and run.lang != main else None
                    if other is None and open_tag is not None and not _has_letters(run.text):
                        other = dict(open_tag.attrs)["xml_lang"]  # a space between two
                    if other is None:
                        open_tag = None
                        marked.append(run)
                        continue
                    if open_tag is None or dict(open_tag.attrs)["xml_lang"] != other:
                        open_tag = Tag(next(self.keys), "foreign", (("xml_lang", other),))
                    marked.append(replace(run, tags=(open_tag, *run.tags)))
                line.runs = marked

    def unlink_missing(self) -> None:
        """A link to a bookmark no paragraph read holds (in a text box, between
        paragraphs) keeps its text without the link: a TEI pointer must resolve."""
        tags = [t for b in self.blocks for ln in b.lines for r in ln.runs for t in r.tags]
        anchored = {"#" + dict(t.attrs)["xml_id"] for t in tags if t.element == "anchor"}
        missing = {
            t
            for t in tags
            if t.element == "ref"
            and dict(t.attrs)["target"].startswith("#")
            and dict(t.attrs)["target"] not in anchored
        }
        if not missing:
            return
        for block in self.blocks:
            for line in block.lines:
                line.runs = [
                    replace(r, tags=tuple(t for t in r.tags if t not in missing)) for r in line.runs
                ]
        self.note(
            "C401",
            f"{len(missing)} links to places in the document that were not "
            "read (a text box, a bookmark between paragraphs) keep their text only",
            1,
            1,
        )

    def decisions(self) -> list[str]:
        """What reading this file did, for the header's editorialDecl."""
        done = [
            "The text is the body of word/document.xml in document order: each paragraph "
            "a block of the kind its style states (a heading opens a div, a numbered or "
            "bulleted paragraph is a list's item, nested by level), a table a table, a line "
            "break (w:br) an lb. Footnotes, endnotes and comments are notes where they are "
            "referenced; a hyperlink is a ref to its address; a field gives its result, "
            "not its code. Headers and footers are not encoded."
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
            if self.cell is not None:  # a table in a cell: its paragraphs, in order
                self.note(
                    "C401",
                    "a table inside a table's cell: its cells are lines of the cell",
                    self.number + 1,
                    1,
                )
                for p in element.iter(w("p")):
                    self.paragraph(p)
            else:
                self.table(element)
        elif element.tag == w("sdt"):
            content = element.find(w("sdtContent"))
            for child in content if content is not None else ():
                self.block_element(child)

    def table(self, tbl: etree._Element) -> None:
        """A table's cells, row by row, each a block placed by its row and grid column;
        a cell spanning columns (w:gridSpan) or merged down rows (w:vMerge) is one cell
        with @cols or @rows."""
        self.tables += 1
        merged: dict[int, SourceBlock] = {}  # grid column → the cell merging down from it
        row_number = 0
        for tr in tbl.iter(w("tr")):
            if next(tr.iterancestors(w("tbl")), None) is not tbl:
                continue
            col = 0
            for tc in _cells(tr):
                pr = tc.find(w("tcPr"))
                span = pr.find(w("gridSpan")) if pr is not None else None
                cols = whole(span.get(w("val"))) or 1 if span is not None else 1
                vmerge = pr.find(w("vMerge")) if pr is not None else None
                if vmerge is not None and (vmerge.get(w("val")) or "continue") == "continue":
                    above = merged.get(col)
                    if above is not None and above.cell is not None:
                        above.cell = replace(above.cell, rows=above.cell.rows + 1)
                        col += cols
                        continue
                self.cell = []
                for child in tc:
                    self.block_element(child)
                lines, self.cell = self.cell, None
                place = CellPlace(self.tables, row_number, col, 1, cols)
                block = SourceBlock(lines, kind=CELL, cell=place)
                self.blocks.append(block)
                if vmerge is not None:
                    merged[col] = block
                else:
                    merged.pop(col, None)
                col += cols
            row_number += 1

    def paragraph(self, p: etree._Element) -> None:
        self.number += 1
        para = _Paragraph(self.number)
        ppr = p.find(w("pPr"))
        chain = paragraph_style(ppr, self.styles)
        for style in [*reversed(chain)]:
            para.formatting.update(style.formatting)
        para.formatting = {**self.styles.formatting, **para.formatting}
        level = heading_level(ppr, chain)
        num = numbering_of(ppr.find(w("numPr")) if ppr is not None else None)
        num = num or next((s.num for s in chain if s.num is not None), None)
        if level is not None:
            para.kind, para.detail = HEADING, str(level)
        elif num is not None and num[0] != "0":
            order = "ordered" if self.parts.ordered(*num) else "bulleted"
            para.kind, para.detail = ITEM, f"{num[1]}:{order}:{num[0]}"
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
        if not any(
            run.text.strip() or run.anchor or run.graphic for line in lines for run in line.runs
        ):
            return
        if self.cell is not None:  # a cell's paragraphs are its lines, each ended on purpose
            if self.cell:
                self.cell[-1].hard_break = True
            self.cell.extend(lines)
            return
        block = SourceBlock(lines, page_break=self.page_break, kind=para.kind)
        block.detail = para.detail
        self.blocks.append(block)
        self.page_break = False

    def pieces(
        self,
        parent: etree._Element,
        para: _Paragraph,
        tracked: tuple[_Tracked, ...] = (),
        tags: tuple[Tag, ...] = (),
    ) -> Iterator[tuple[str, object]]:
        """Runs, line breaks and page breaks of a paragraph, in order; ``tracked``: the
        tracked changes they are inside, outermost first; ``tags``: the hyperlinks."""
        for child in parent:
            tag = child.tag
            if tag == w("r"):
                yield from self.tracked_run(child, para, tracked, tags)
            elif tag in (w("del"), w("ins"), w("moveFrom"), w("moveTo")):
                yield from self.tracked_change(child, para, tracked, tags)
            elif tag == w("hyperlink"):
                yield from self.pieces(child, para, tracked, (*tags, *self.link(child)))
            elif (
                tag == w("bookmarkStart")
                and (child.get(w("name")) or "") in self.targets
                and bookmark_id(child) not in self.anchors
            ):
                self.anchors.add(bookmark_id(child))
                anchor = Tag(next(self.keys), "anchor", (("xml_id", bookmark_id(child)),))
                yield "run", Run("", tags=(anchor,))
            elif tag in _CONTAINERS:
                if tag in _KEPT_WITH_NOTE:
                    self.note(
                        "C401", f"{_KEPT_WITH_NOTE[tag]}: its text is kept", para.number, para.col
                    )
                yield from self.pieces(child, para, tracked, tags)
            elif tag == w("sdt"):
                content = child.find(w("sdtContent"))
                if content is not None:
                    yield from self.pieces(content, para, tracked, tags)
            elif tag == _ALTERNATE:
                choice = child.find(_CHOICE)
                if choice is not None:
                    yield from self.pieces(choice, para, tracked, tags)

    def link(self, hyperlink: etree._Element) -> tuple[Tag, ...]:
        """A hyperlink's address as a tag over its runs: an external target from the
        relationships; a link to a place in the document itself keeps its text only."""
        if hyperlink.get(w("anchor")):  # a place in the document: its bookmark's anchor
            return (Tag(next(self.keys), "ref", (("target", "#" + bookmark_id(hyperlink)),)),)
        rid = hyperlink.get(f"{{{REL}}}id")
        target = self.parts.targets.get(rid or "")
        if target is None or not target[1]:
            return ()
        return (Tag(next(self.keys), "ref", (("target", target[0]),)),)

    def tracked_change(
        self,
        element: etree._Element,
        para: _Paragraph,
        tracked: tuple[_Tracked, ...],
        tags: tuple[Tag, ...] = (),
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
            yield from self.pieces(element, para, tracked, tags)
            return
        key = (kind, author, when)
        if key not in self.changes:
            self.changes[key] = Change(f"change-{len(self.changes) + 1}", kind, author, when)
        change = _Tracked(deletion, self.changes[key].id)
        yield from self.pieces(element, para, (*tracked, change), tags)

    def tracked_run(
        self,
        r: etree._Element,
        para: _Paragraph,
        tracked: tuple[_Tracked, ...],
        tags: tuple[Tag, ...] = (),
    ) -> Iterator[tuple[str, object]]:
        """A run inside tracked changes: a deletion, an addition, or (text an insertion
        brought and a later deletion took away) a deletion inside an addition."""
        deleted = next((t.change for t in reversed(tracked) if t.deletion), None)
        inserted = next((t.change for t in reversed(tracked) if not t.deletion), None)
        styles = frozenset(
            ({TRACKED_DEL} if deleted else set()) | ({TRACKED_INS} if inserted else set())
        )
        if deleted and inserted:
            yield from self.run(r, styles, deleted, para, inserted, tags)
        else:
            yield from self.run(r, styles, deleted or inserted, para, None, tags)

    def run(
        self,
        r: etree._Element,
        extra: frozenset[str],
        change: str | None,
        para: _Paragraph,
        inserted_by: str | None = None,
        tags: tuple[Tag, ...] = (),
    ) -> Iterator[tuple[str, object]]:
        rpr = r.find(w("rPr"))
        styles = run_styles(rpr, self.inherited(rpr, para)) | extra
        lang = self.run_language(rpr)
        for child in _chosen(r):
            tag = child.tag
            if tag in (w("t"), w("delText")):
                yield "run", Run(child.text or "", styles, change, inserted_by, tags, lang=lang)
            elif tag == w("tab"):
                yield "run", Run(" ", styles, change, inserted_by, tags)
            elif tag in (w("noBreakHyphen"),):
                yield "run", Run("-", styles, change, inserted_by, tags)
            elif tag == w("sym"):
                symbol, known = symbol_character(child.get(w("char")), child.get(w("font")))
                if symbol is not None and not known:
                    self.note(
                        "C401",
                        f"a symbol of the font {child.get(w('font'))!r} (code "
                        f"{child.get(w('char'))}) has no known character: its private-use "
                        "code is kept",
                        para.number,
                        para.col,
                        "replace it with the character it shows",
                    )
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
                    yield "run", Run(symbol, styles, change, inserted_by, tags)
            elif tag in (w("br"), w("cr")):
                yield ("page", None) if child.get(w("type")) == "page" else ("br", None)
            elif tag in _SKIPPED:  # a field's code: its result is the text
                code = (child.text or "").split()
                if code and code[0].isupper():
                    self.fields.setdefault(code[0], (para.number, para.col, 0))
                    first = self.fields[code[0]]
                    self.fields[code[0]] = (first[0], first[1], first[2] + 1)
            elif tag in (w("drawing"), w("pict"), w("object")):
                texts = [t.text or "" for t in child.iter(w("t"))]
                if texts:  # a text box: its text, where it is anchored
                    yield "run", Run(" ".join(texts), styles, change, inserted_by, tags)
                graphics = list(self.images(child, para))
                for graphic in graphics:
                    yield "run", Run("", graphic=graphic)
                if not texts and not graphics:
                    what = "a drawing with no picture or text (a chart, shapes) is not encoded"
                    self.note("C401", what, para.number, para.col)
            elif tag in (w("footnoteReference"), w("endnoteReference"), w("commentReference")):
                anchor = self.anchor(tag, child.get(w("id")) or "", para)
                if anchor is not None:
                    yield "run", Run("", anchor=anchor)

    def images(self, drawing: etree._Element, para: _Paragraph) -> Iterator[tuple[str, str]]:
        """The images a drawing shows (DrawingML's blip, VML's imagedata): each file
        taken out of the Word file to be written beside the TEI, and its alt text."""
        docpr = next(drawing.iter(f"{{{WP}}}docPr"), None)
        desc = ""
        if docpr is not None:
            desc = (docpr.get("descr") or docpr.get("title") or "").strip()
        refs = [b.get(f"{{{REL}}}embed") for b in drawing.iter(f"{{{A}}}blip")]
        refs += [v.get(f"{{{REL}}}id") for v in drawing.iter(f"{{{VML}}}imagedata")]
        for rid in dict.fromkeys(r for r in refs if r):
            target = self.parts.targets.get(rid)
            if target is None or target[1]:
                self.note(
                    "C401",
                    "an image whose file is not in the Word file (linked from outside): left out",
                    para.number,
                    para.col,
                )
                continue
            name = self.image_named(target[0], para)
            if name is not None:
                yield name, desc

    def image_named(self, target: str, para: _Paragraph) -> str | None:
        """The name beside the TEI of the image a relationship targets, its bytes kept
        once however often it is shown; None (reported) for a file that cannot be read
        or is no image (only images are written where a site serves them)."""
        raw = unquote(target)
        path = raw.lstrip("/") if raw.startswith("/") else posixpath.join("word", raw)
        path = posixpath.normpath(path)
        if path in self.images_read:
            return self.images_read[path]
        try:
            data = self.archive.read(path)
        except ReadError as exc:
            what = f"an image that cannot be read ({exc}): left out"
            self.note("C401", what, para.number, para.col)
            return None
        if not is_image(data[:16]):
            what = f"{path} is not an image file the edition can show: left out"
            self.note("C401", what, para.number, para.col)
            return None
        base = _NOT_NAME.sub("_", posixpath.basename(path)).lstrip(".") or "image"
        name = f"{self.stem}-media/{base}"
        while name in self.media:  # word/media/x.png and word/media2/x.png
            name = f"{self.stem}-media/{len(self.media)}-{base}"
        self.media[name] = data
        self.images_read[path] = name
        return name

    def anchor(self, tag: str, ident: str, para: _Paragraph) -> Anchor | None:
        """The note a reference stands for, numbered as Word numbers its marks; a
        reference to a note the file does not hold is reported."""
        if tag == w("commentReference"):
            comment = self.parts.comments.get(ident)
            if comment is not None and comment.text:
                return Anchor(comment.text, kind="comment", resp=comment.author)
            what = "a comment"
        else:
            place = "foot" if tag == w("footnoteReference") else "end"
            notes = self.parts.footnotes if place == "foot" else self.parts.endnotes
            found = notes.get(ident)
            if found is not None:
                self.notes[place] += 1
                return Anchor(found.text, place=place, n=str(self.notes[place]))
            what = f"a {place}note"
        self.note(
            "C401",
            f"{what} (id {ident}) that the Word file does not hold, or holds empty",
            para.number,
            para.col,
        )
        return None

    def inherited(self, rpr: etree._Element | None, para: _Paragraph) -> dict[str, bool]:
        """The run properties a run takes from its character style (through basedOn)
        over its paragraph's style and the document's defaults."""
        sid = rpr.find(w("rStyle")) if rpr is not None else None
        if sid is None:
            return para.formatting
        merged = dict(para.formatting)
        for style in reversed(self.styles.chain(sid.get(w("val")))):
            merged.update(style.formatting)
        return merged


_NOT_NAME = re.compile(r"[^\w.-]")
_UNSAFE_IN_NAME = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")  # what no file name may hold


def _cells(row: etree._Element) -> Iterator[etree._Element]:
    """A table row's cells, also those a content control or custom XML wraps."""
    for child in row:
        if child.tag == w("tc"):
            yield child
        elif child.tag in (w("sdt"), w("customXml")):
            content = child.find(w("sdtContent")) if child.tag == w("sdt") else child
            if content is not None:
                yield from _cells(content)


def _has_letters(text: str) -> bool:
    return any(ch.isalpha() for ch in text)


def bookmark_id(element: etree._Element) -> str:
    """A bookmark's name (w:name, or a hyperlink's w:anchor) as an xml:id, the same
    for both, what an id cannot hold replaced: Word's own (``_Toc…``, ``_Ref…``) as
    they are, so that a link's target reads as in Word (no other id of the TEI begins
    with "_"); an editor's prefixed "bm-", apart from the ids of persons and pages."""
    name = _NOT_NAME.sub("_", element.get(w("name")) or element.get(w("anchor")) or "")
    return name if name.startswith("_") else "bm-" + name


def run_styles(
    rpr: etree._Element | None, inherited: dict[str, bool] | None = None
) -> frozenset[str]:
    """A run's formatting: what its own properties state, else what it inherits
    (``inherited``: its styles' and the document's defaults)."""
    stated = {**(inherited or {}), **formatting(rpr)}
    names = dict(zip(FORMATTING, (STRIKE, DSTRIKE, BOLD, ITALIC, UNDERLINE, SUP, SUB), strict=True))
    return frozenset(names[key] for key, on in stated.items() if on and key in names)
