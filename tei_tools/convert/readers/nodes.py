"""The document model built straight from what a Word or PAGE reader read: blocks of
lines of styled runs become blocks of inline nodes, with no notation between.

For a document that is not a memorandum (``tei_tools.convert.profiles``),
``build_blocks``: each source paragraph or region is a paragraph of its own, never
merged; a style is the node the source states (a superscript is ``hi``, not an
addition, unless a tracked change inserted it); a PAGE line starts with an ``lb``
pointing at its zone, and a hyphen joins two words only at a line end of the page.

For a memorandum, ``typescript_blocks``: the blocks its recognisers read, as the
raw reader gives them. A typed memorandum raises an interlinear insertion, so a
superscript run is an addition (``place="above"``, a subscript ``"below"``), one
emphasis stands for the run's styles, and the typescript's conventions typed in the
text are read (``[REDACTED]``, x-outs, a slash against an alteration, "over- flights").
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from tei_tools.convert.blocks import LineInfo, TextBlock
from tei_tools.convert.model import (
    ALTERATIONS,
    Addition,
    Block,
    BlockNote,
    Cell,
    Choice,
    Container,
    Deletion,
    Emphasis,
    Figure,
    FormWork,
    Gap,
    Graphic,
    Heading,
    Hyphenation,
    Inline,
    LineBreak,
    Link,
    ListBlock,
    ListItem,
    Note,
    PageBreak,
    Paragraph,
    Surface,
    Table,
    Tagged,
    Text,
)
from tei_tools.convert.profiles.memorandum.transforms import pair_substitutions
from tei_tools.convert.readers.inline import typed
from tei_tools.convert.readers.runs import (
    BOLD,
    CELL,
    DROP,
    DSTRIKE,
    FIGURE,
    FURNITURE,
    HEADING,
    ITALIC,
    ITEM,
    NOTE,
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
    Tag,
)

Opened = Deletion | Addition | Emphasis | Tagged | Choice | Link  # what a run's wraps open

# Tags whose element a word broken at a line end may close in (its hyphen the line's)
_NAMES = frozenset({"persName", "placeName", "orgName", "rs", "date"})
# The characters a printer or scribe ends a line with when a word goes on.
HYPHENS = "-\u00ac=\u2e17\u2010"
_EMPHASIS = ((BOLD, "bold"), (ITALIC, "italic"), (UNDERLINE, "underline"))
# A typescript's one emphasis, by precedence: bold, else underlined, else italic.
_ONE_EMPHASIS = ((BOLD, "bold"), (UNDERLINE, "underline"), (ITALIC, "italic"))


@dataclass(frozen=True)
class _Wrap:
    """One container a run sits in: its kind and the attributes that tell it apart."""

    kind: str  # "hi", "del", "add", "tag"
    value: str  # rend or place
    change: str | None = None
    tag: Tag | None = None  # an editor's tag (kind "tag")


def _wraps(run: Run, typescript: bool = False) -> tuple[_Wrap, ...]:
    """The containers of a run, outermost first: emphasis, then the deletion, then
    the addition (a tracked deletion of inserted text nests inside the insertion).
    In a ``typescript`` one emphasis stands for all (bold, else underlined, else
    italic), and a raised or lowered run is an addition."""
    s = run.styles
    if not s and not run.tags:  # most runs: plain text, in nothing
        return ()
    out = [_Wrap("tag", tag.element, tag=tag) for tag in run.tags]
    if typescript:
        out += [_Wrap("hi", rend) for style, rend in _ONE_EMPHASIS if style in s][:1]
    else:
        out += [_Wrap("hi", rend) for style, rend in _EMPHASIS if style in s]
        out += [_Wrap("hi", "dropCapital")] if DROP in s else []
        if TRACKED_INS not in s:  # a raised or lowered run the source does not mark inserted
            out += [_Wrap("hi", "superscript")] if SUP in s else []
            out += [_Wrap("hi", "subscript")] if SUB in s else []
    deletion = None
    if TRACKED_DEL in s or STRIKE in s or DSTRIKE in s:
        rend = "doubleStrikethrough" if DSTRIKE in s else "strikethrough" if STRIKE in s else ""
        deletion = _Wrap("del", rend, run.change if TRACKED_DEL in s else None)
    addition = None
    if TRACKED_INS in s:
        place = "below" if SUB in s else "above" if SUP in s else ""
        addition = _Wrap("add", place, run.inserted_by or run.change)
    elif typescript and (SUP in s or SUB in s):
        addition = _Wrap("add", "below" if SUB in s else "above")
    inner = [deletion, addition] if run.inserted_by is None else [addition, deletion]
    return tuple(out + [w for w in inner if w is not None])


def _container(wrap: _Wrap, line: int, col: int, later: bool = False) -> Opened:
    """The node a wrap opens; a ``later`` part of an abbreviation or error split by a
    crossing tag is the form alone (its reading given once, by the first part)."""
    if wrap.kind == "del":
        return Deletion(line, col, rend=wrap.value, change=wrap.change)
    if wrap.kind == "add":
        return Addition(line, col, place=wrap.value, change=wrap.change)
    if wrap.tag is not None:
        tag = wrap.tag
        if tag.element == "ref":
            return Link(line, col, target=dict(tag.attrs).get("target", ""))
        if tag.element in ("abbr", "sic") and tag.other and not later:  # else the form
            ana = dict(tag.attrs).get("ana", "")
            return Choice(line, col, kind=tag.element, other=tag.other, ana=ana)
        return Tagged(line, col, element=tag.element, attrs=dict(tag.attrs))
    return Emphasis(line, col, rend=wrap.value)


class _Builder:
    """Writes one block's runs as nested nodes, keeping a container open over a line
    end when the next line goes on in it (a deletion over two lines stays one). In a
    ``typescript`` a line's leading and trailing spaces are left out, as the raw
    reader leaves out a raw line's."""

    def __init__(self, top: list[Inline], typescript: bool = False, file: str | None = None):
        self.top = top
        self.typescript = typescript
        self.file = file
        self.stack: list[tuple[_Wrap, Opened]] = []
        self.pending: list[Text] = []  # white space held until the next run's containers
        self.parts: dict[Tag, list[Tagged | Choice]] = {}  # each tag's elements, in order
        self.chosen: set[_Wrap] = set()  # abbreviations and errors begun (as choices)
        self.at_start = True  # no text of the line written yet

    @property
    def here(self) -> list[Inline]:
        return self.stack[-1][1].children if self.stack else self.top

    def close_to(self, wraps: tuple[_Wrap, ...]) -> None:
        keep = 0
        while keep < min(len(wraps), len(self.stack)) and wraps[keep] == self.stack[keep][0]:
            keep += 1
        del self.stack[keep:]

    def flush(self) -> None:
        self.here.extend(self.pending)
        self.pending = []

    def text(self, line: int, col: int, text: str) -> Text:
        return Text(line, col, text, file=self.file)

    def run(self, run: Run, line: int, col: int) -> None:
        if run.anchor is not None or run.graphic is not None or (not run.text and run.tags):
            self.atom(run, line, col)
            return
        text = run.text.replace("\t", " ").replace("\r", " ").replace("\n", " ")
        core = text.strip(" ")
        if not core:
            if not self.at_start:  # a line's edge spaces are the layout's, not the text's
                self.pending.append(self.text(line, col, text))
            return
        if self.at_start:  # the line's leading spaces
            col += len(text) - len(text.lstrip(" "))
            text = text.lstrip(" ")
        self.at_start = False
        lead = text[: len(text) - len(text.lstrip(" "))]
        wraps = _wraps(run, self.typescript)
        self.close_to(wraps)
        self.flush()
        if lead:
            self.here.append(self.text(line, col, lead))
        for wrap in wraps[len(self.stack) :]:
            node = _container(wrap, line, col + len(lead), later=wrap in self.chosen)
            node.file = self.file
            self.here.append(node)
            self.stack.append((wrap, node))
            if wrap.tag is not None and isinstance(node, Tagged | Choice):
                self.parts.setdefault(wrap.tag, []).append(node)
                if isinstance(node, Choice):
                    self.chosen.add(wrap)
        self.here.append(self.text(line, col + len(lead), core))
        trail = text[len(lead) + len(core) :]
        if trail:
            self.pending.append(self.text(line, col + len(lead) + len(core), trail))

    def atom(self, run: Run, line: int, col: int) -> None:
        """A run of no text: a note anchored here, an image, or a tag over no text (a
        gap, an anchor)."""
        wraps = _wraps(run, self.typescript)
        own = run.tags[-1] if run.anchor is None and run.graphic is None else None
        self.close_to(tuple(w for w in wraps if own is None or w.tag is not own))
        self.flush()
        self.at_start = False
        if run.anchor is not None:
            a = run.anchor
            text = Text(line, col, a.text, file=self.file)
            note: Note | Opened | Graphic = Note(
                line, col, [text], place=a.place, kind=a.kind, n=a.n, resp=a.resp, ana=a.ana
            )
        elif run.graphic is not None:
            note = Graphic(line, col, name=run.graphic[0], desc=run.graphic[1])
        else:
            assert own is not None
            note = _container(_Wrap("tag", own.element, tag=own), line, col)
        note.file = self.file
        self.here.append(note)

    def line_end(self, following: tuple[_Wrap, ...], breaks: list[Inline]) -> None:
        self.close_to(following)
        self.pending = []  # the line's trailing spaces
        self.flush()
        self.here.extend(breaks)
        self.at_start = True


def _first_wraps(line: SourceLine, typescript: bool = False) -> tuple[_Wrap, ...]:
    return next((_wraps(r, typescript) for r in line.runs if r.text.strip()), ())


def _hyphen_at_end(nodes: list[Inline]) -> str | None:
    """The hyphen a line's last text ends with, taken off it; None when it ends
    otherwise. A styled word or a name closed at the line end (``<hi>sel-</hi>``) is
    looked into; a deletion, an addition, a form or a choice is not: the hyphen is
    theirs."""
    while nodes and isinstance(nodes[-1], Emphasis | Tagged) and nodes[-1].children:
        if isinstance(nodes[-1], Tagged) and nodes[-1].element not in _NAMES:
            return None  # a form, supplied or unclear text: the hyphen is its own
        nodes = nodes[-1].children
    if not nodes or not isinstance(nodes[-1], Text):
        return None
    last = nodes[-1]
    body = last.text.rstrip(" ")
    if len(body) < 2 or body[-1] not in HYPHENS or not body[-2].isalpha():
        return None
    last.text = body[:-1]
    return body[-1]


def link_parts(parts: dict[Tag, list[Tagged | Choice]], ids: Iterator[int]) -> None:
    """A tag written in several elements (another tag crossed it) gets its parts
    linked, TEI's way: each part an xml:id, ``next`` to the part after it and
    ``prev`` to the one before."""
    for elements in parts.values():
        if len(elements) < 2:
            continue
        names = [f"part-{next(ids)}" for _ in elements]  # numbered in the document
        for i, element in enumerate(elements):
            element.attrs["xml_id"] = names[i]
            if i:
                element.attrs["prev"] = f"#{names[i - 1]}"
            if i + 1 < len(elements):
                element.attrs["next"] = f"#{names[i + 1]}"


def _paragraph(
    block: SourceBlock, lines: list[SourceLine], ids: Iterator[int] | None = None
) -> Paragraph:
    first = lines[0].origin
    paragraph = Paragraph(first.line, first.col, facs=block.facs)
    builder = _Builder(paragraph.children)
    on_page = lines[0].page is not None  # a page's lines each start with an lb
    if on_page:
        paragraph.children.append(LineBreak(first.line, first.col, facs=lines[0].facs))
    for i, line in enumerate(lines):
        col = line.origin.col
        for run in line.runs:
            builder.run(run, line.origin.line, col)
            col += len(run.text)
        if i + 1 == len(lines):
            builder.line_end((), [])
            break
        nxt = lines[i + 1]
        where = (nxt.origin.line, nxt.origin.col)
        following = _first_wraps(nxt)
        builder.close_to(following)
        builder.flush()
        mark = _hyphen_at_end(builder.here) if on_page and _starts_word(nxt) else None
        if _is_drop_capital(line) and _starts_word(nxt):  # "A" + "ufklärung": one word
            breaks: list[Inline] = [LineBreak(*where, facs=nxt.facs, joins=True)]
        elif mark is not None:
            breaks = [Hyphenation(*where, mark=mark, facs=nxt.facs)]
        elif on_page:
            breaks = [Text(*where, "\n"), LineBreak(*where, facs=nxt.facs)]
        elif line.hard_break:
            breaks = [LineBreak(*where)]
        else:
            breaks = [Text(*where, " ")]
        builder.line_end(following, breaks)
    link_parts(builder.parts, ids if ids is not None else itertools.count(1))
    paragraph.children = pair_substitutions(paragraph.children)
    return paragraph


def _holds_something(run: Run) -> bool:
    """Text, a note, an image: what makes a line worth a line."""
    return bool(run.text.strip()) or run.anchor is not None or run.graphic is not None


def _is_drop_capital(line: SourceLine) -> bool:
    texts = [run for run in line.runs if run.text.strip()]
    return bool(texts) and all(DROP in run.styles for run in texts)


def _starts_word(line: SourceLine) -> bool:
    text = "".join(run.text for run in line.runs).lstrip()
    return bool(text) and text[0].isalpha()


def build_blocks(blocks: list[SourceBlock], surfaces: list[Surface]) -> list[Block]:
    """The body's blocks: each source block as the kind its source states (a
    paragraph, a heading, a note, furniture, a figure; a table's cells as one table),
    and a ``pb`` where a page starts (each page of a PAGE export, page 1 included,
    labelled as the export labels it; a Word page break)."""
    out: list[Block] = []
    page: int | None = None
    table: Table | None = None
    table_key: int | None = None
    lists: list[tuple[int, str, ListBlock]] = []  # the open lists: (level, list id, list)
    ids = itertools.count(1)  # parts of a tag split by another
    for block in blocks:
        lines = [ln for ln in block.lines if any(map(_holds_something, ln.runs))]
        if not lines and block.kind not in (CELL, FIGURE):
            continue
        origin = lines[0].origin if lines else Origin("", 0)
        start = lines[0].page if lines else block.page
        if start is not None and start != page and start < len(surfaces):
            surface = surfaces[start]
            out.append(PageBreak(origin.line, origin.col, surface.n or str(start + 1), surface.id))
            page = start
            table_key = None
        elif block.page_break:
            out.append(PageBreak(origin.line, origin.col, ""))
        if block.kind == ITEM:
            lists = _add_item(out, lists, block, lines, origin, ids)
            table_key = None
            continue
        lists = []
        if block.kind == CELL and block.cell is not None:
            if table is None or block.cell.table != table_key:
                table, table_key = (
                    Table(origin.line, origin.col, facs=block.cell.table_facs),
                    block.cell.table,
                )
                out.append(table)
            _place_cell(table, block, lines, ids)
            continue
        table_key = None
        out.append(_block(block, lines, origin, ids))
    return out


def _block(
    block: SourceBlock, lines: list[SourceLine], origin: Origin, ids: Iterator[int]
) -> Block:
    """A source block of lines as the model block of its kind."""
    children = _paragraph(block, lines, ids).children if lines else []
    line, col, facs = origin.line, origin.col, block.facs
    if block.kind == HEADING:
        level = int(block.detail) if block.detail.isdigit() else 1
        return Heading(line, col, children, level=level, facs=facs)
    if block.kind == NOTE:
        return BlockNote(line, col, children, place=block.detail, facs=facs)
    if block.kind == FURNITURE:
        return FormWork(line, col, block.detail, children, facs=facs)
    if block.kind == FIGURE:
        return Figure(line, col, children, facs=facs)
    return Paragraph(line, col, children, facs=facs)


def _add_item(
    out: list[Block],
    lists: list[tuple[int, str, ListBlock]],
    block: SourceBlock,
    lines: list[SourceLine],
    origin: Origin,
    ids: Iterator[int],
) -> list[tuple[int, str, ListBlock]]:
    """A list's item into the open lists: a deeper level opens a list inside the
    last item, a shallower one closes lists, another list (Word's numId) at the top
    level starts a new one. Returns the open lists."""
    level_text, kind, list_id = [*block.detail.split(":"), "", "", ""][:3]
    level = int(level_text) if level_text.isdigit() else 0
    while lists and lists[-1][0] > level:
        lists.pop()
    if lists and lists[-1][0] == level and lists[-1][1] != list_id and len(lists) == 1:
        lists = []  # another list, not the one open
    item = ListItem(origin.line, origin.col, _paragraph(block, lines, ids).children)
    if not lists or lists[-1][0] < level:
        new = ListBlock(origin.line, origin.col, kind=kind)
        last = lists[-1][2].items[-1] if lists and lists[-1][2].items else None
        if last is not None and last.sublist is not None:
            new = last.sublist  # a level skipped, then taken up: the same nested list
        elif last is not None:
            last.sublist = new
        else:
            out.append(new)
        lists = [*lists, (level, list_id, new)]
    lists[-1][2].items.append(item)
    return lists


def _place_cell(
    table: Table, block: SourceBlock, lines: list[SourceLine], ids: Iterator[int]
) -> None:
    """A cell into its row of ``table`` (rows are made as the cells name them)."""
    place = block.cell
    assert place is not None
    if place.row not in table.row_index:  # rows as the cells name them, in order, dense
        table.row_index[place.row] = len(table.rows)
        table.rows.append([])
    origin = lines[0].origin if lines else Origin("", 0)
    children = _paragraph(block, lines, ids).children if lines else []
    cell = Cell(
        origin.line, origin.col, children, cols=place.cols, rows=place.rows, facs=block.facs
    )
    table.rows[table.row_index[place.row]].append(cell)


# -- a memorandum ---------------------------------------------------------------------

_X_OUT = re.compile(r"x{3,}|x")


def typescript_blocks(blocks: list[SourceBlock], surfaces: list[Surface]) -> list[TextBlock]:
    """A memorandum's blocks, for its recognisers: a block per source paragraph or
    region that holds text, its lines' ends a "\\n" (after an ``lb`` where the line
    was ended on purpose or is a line of the page, pointing at the next line's zone).
    A line ending in two spaces was ended on purpose, as in the raw dialect."""
    out = []
    ids = itertools.count(1)  # parts of a tag split by another
    for block in blocks:
        lines = [ln for ln in block.lines if any(map(_holds_something, ln.runs))]
        if lines:
            out.append(_typescript_block(block, lines, surfaces, ids))
    return out


def _typescript_block(
    block: SourceBlock, lines: list[SourceLine], surfaces: list[Surface], ids: Iterator[int]
) -> TextBlock:
    nodes: list[Inline] = []
    builder = _Builder(nodes, typescript=True, file=lines[0].origin.file)
    infos = []
    for i, line in enumerate(lines):
        origin = line.origin
        builder.file = origin.file
        text = "".join(run.text for run in line.runs)
        text = text.replace("\t", " ").replace("\r", " ").replace("\n", " ")
        lead = len(text) - len(text.lstrip(" "))
        hard = line.hard_break or text.endswith("  ")
        surface = (
            surfaces[line.page].id if line.page is not None and line.page < len(surfaces) else None
        )
        infos.append(
            LineInfo(origin.line, origin.col + lead, hard, line.physical, surface, origin.file)
        )
        col = origin.col
        for run in line.runs:
            builder.run(run, origin.line, col)
            col += len(run.text)
        if i + 1 == len(lines):
            builder.line_end((), [])
            break
        nxt = lines[i + 1]
        end = (origin.line, origin.col + len(text.rstrip(" ")))
        breaks: list[Inline] = [LineBreak(*end, facs=nxt.facs)] if hard or line.physical else []
        breaks.append(Text(*end, "\n", file=origin.file))
        builder.line_end(_first_wraps(nxt, typescript=True), breaks)
    link_parts(builder.parts, ids)
    return TextBlock(_typed(_merged(nodes)), tuple(infos), block.facs)


def _merged(nodes: list[Inline]) -> list[Inline]:
    """Adjacent texts of a line joined, as a parser of the line's text makes them."""
    out: list[Inline] = []
    for node in nodes:
        if isinstance(node, Container):
            node.children = _merged(node.children)
        last = out[-1] if out else None
        if (
            isinstance(node, Text)
            and isinstance(last, Text)
            and "\n" not in node.text
            and "\n" not in last.text
        ):
            out[-1] = Text(last.line, last.col, last.text + node.text, file=last.file)
            continue
        out.append(node)
    return out


def _typed(nodes: list[Inline], in_deletion: bool = False) -> list[Inline]:
    """The typescript's conventions typed in the texts (``inline.typed``), and a
    struck run of x's: an x-out over unreadable typing, its rend "overtyped" where
    the source says no more than that it is struck."""
    out: list[Inline] = []
    for i, node in enumerate(nodes):
        if isinstance(node, Deletion) and len(node.children) == 1:
            only = node.children[0]
            if isinstance(only, Text) and _X_OUT.fullmatch(only.text):
                gap = Gap(only.line, only.col, "illegible", len(only.text), file=only.file)
                node.children = [gap]
                if node.rend == "strikethrough" and node.change is None:
                    node.rend = "overtyped"
                out.append(node)
                continue
        if isinstance(node, Container):
            node.children = _typed(node.children, in_deletion or isinstance(node, Deletion))
            out.append(node)
        elif isinstance(node, Text) and node.text != "\n":
            after = i > 0 and isinstance(nodes[i - 1], ALTERATIONS)
            before = i + 1 < len(nodes) and isinstance(nodes[i + 1], ALTERATIONS)
            out.extend(typed(node, in_deletion, after, before))
        else:
            out.append(node)
    return out
