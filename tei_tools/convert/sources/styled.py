"""What the Word and PAGE readers produce: blocks of lines of styled runs, each line
with its place in the source, and the rendering of those blocks into the raw
dialect's line layer, which the shared stages (front matter, participants,
structure, names, speakers, the TEI writer) read whatever the source was.

Rendering keeps every character: text that the dialect would read as markup is
escaped (``\\~``, ``\\*``, ``\\<``, ``\\\\``), and what the dialect's notation cannot
say (a double strike, a subscript, italics, a tracked change) is recorded as a
*mark* keyed by the line and column of the notation that opens it; the pipeline
sets it on the node parsed there. Each rendered line keeps a column map back to
its source, so a diagnostic names the source file, line and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tei_tools.convert.model import Change, SourceMeta, Surface

# A run's styles, as the readers name them.
STRIKE, DSTRIKE, SUP, SUB = "strike", "dstrike", "sup", "sub"
BOLD, ITALIC, UNDERLINE = "bold", "italic", "underline"
TRACKED_DEL, TRACKED_INS = "tracked-del", "tracked-ins"

_ESCAPED = {"\\": "\\\\", "~": "\\~", "*": "\\*", "<": "\\<"}
_NEEDS_ESCAPE = re.compile(r"[\\~*<]")


@dataclass(frozen=True)
class Origin:
    """Where a source line starts: the file diagnostics name, its line (the paragraph
    number for Word) and the 1-based column of the line's first character."""

    file: str
    line: int
    col: int = 1


@dataclass(frozen=True)
class Run:
    text: str
    styles: frozenset[str] = frozenset()
    change: str | None = None  # the id of the tracked change this run belongs to
    # A tracked deletion of text a tracked insertion brought (Word writes the deletion
    # inside the insertion): the insertion's change; ``change`` is the deletion's.
    inserted_by: str | None = None


@dataclass
class SourceLine:
    runs: list[Run]
    origin: Origin
    hard_break: bool = False  # the line was ended on purpose (Word's w:br, a short line)
    physical: bool = False  # the line end is a line end of the page (PAGE): an lb
    facs: str | None = None  # the zone of this line on the page image
    page: int | None = None  # index of the surface the line is on


@dataclass
class SourceBlock:
    lines: list[SourceLine]
    facs: str | None = None  # the zone of the block's region on the page image
    page_break: bool = False  # an explicit page break comes before it (Word)


@dataclass
class RenderedLine:
    origin: Origin
    cols: list[int]  # source column for each column of the rendered line (1-based)
    physical: bool
    facs: str | None
    page: int | None

    def source_col(self, col: int) -> int:
        if not self.cols:
            return self.origin.col
        return self.cols[min(max(col, 1), len(self.cols)) - 1]


@dataclass
class Rendered:
    """A source rendered into the dialect's line layer, with what maps it back."""

    text: str
    lines: dict[int, RenderedLine] = field(default_factory=dict)
    marks: dict[tuple[int, int], dict[str, str]] = field(default_factory=dict)
    block_facs: dict[int, str] = field(default_factory=dict)
    surfaces: list[Surface] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    blocks: list[SourceBlock] = field(default_factory=list)  # what was rendered
    meta: SourceMeta = field(default_factory=SourceMeta)


_Slot = tuple[str, tuple[tuple[str, str], ...]]  # a notation and the mark completing it


@dataclass(frozen=True)
class _Slots:
    """A run's styles as the dialect nests them: emphasis, then deletion, then
    addition. Each slot holds the notation and the mark that completes it."""

    emphasis: _Slot | None
    deletion: _Slot | None
    addition: _Slot | None
    deletion_inside: bool = False  # an inserted text deleted: the deletion nests inside

    def as_list(self) -> list[_Slot]:
        order = (
            (self.emphasis, self.addition, self.deletion)
            if self.deletion_inside
            else (self.emphasis, self.deletion, self.addition)
        )
        return [s for s in order if s is not None]


_CLOSERS = {"**": "**", "*": "*", "~~": "~~", "<sup>": "</sup>"}


def _slots(run: Run) -> _Slots:
    s = run.styles
    emphasis: _Slot | None = None
    if BOLD in s:
        emphasis = ("**", ())
    elif UNDERLINE in s:
        emphasis = ("*", ())
    elif ITALIC in s:
        emphasis = ("*", (("rend", "italic"),))
    deletion: _Slot | None = None
    change = (("change", run.change),) if run.change else ()
    if TRACKED_DEL in s:
        rend = "doubleStrikethrough" if DSTRIKE in s else "strikethrough" if STRIKE in s else ""
        deletion = ("~~", (("rend", rend), *change))
    elif DSTRIKE in s:
        deletion = ("~~", (("rend", "doubleStrikethrough"),))
    elif STRIKE in s:
        deletion = ("~~", ())
    addition: _Slot | None = None
    if TRACKED_INS in s:
        by = run.inserted_by or run.change
        addition = (
            "<sup>",
            (
                ("place", "below" if SUB in s else "above" if SUP in s else ""),
                *((("change", by),) if by else ()),
            ),
        )
    elif SUP in s:
        addition = ("<sup>", ())
    elif SUB in s:
        addition = ("<sup>", (("place", "below"),))
    return _Slots(emphasis, deletion, addition, run.inserted_by is not None)


class _LineWriter:
    """Writes one source line's runs as dialect text, nesting the notation."""

    def __init__(self, origin: Origin, carried: list[_Slot]):
        self.origin = origin
        self.marks: dict[int, dict[str, str]] = {}  # column of the notation → its mark
        self.out: list[str] = []
        self.cols: list[int] = []
        self.src = origin.col  # source column of the next source character
        self.stack: list[_Slot] = list(carried)  # notation left open by the line before
        self.pending: list[str] = []  # white space held until the next run

    def markup(self, text: str) -> None:
        self.out.append(text)
        self.cols.extend([self.src] * len(text))

    def literal(self, text: str) -> None:
        if not _NEEDS_ESCAPE.search(text):  # the common case, without a loop per character
            self.out.append(text)
            self.cols.extend(range(self.src, self.src + len(text)))
            self.src += len(text)
            return
        for ch in text:
            piece = _ESCAPED.get(ch, ch)
            self.out.append(piece)
            self.cols.extend([self.src] * len(piece))
            self.src += 1

    def open(self, slot: _Slot) -> None:
        notation, mark = slot
        if mark:
            self.marks[len(self.cols) + 1] = dict(mark)
        self.markup(notation)
        self.stack.append(slot)

    def close_to(self, depth: int) -> None:
        while len(self.stack) > depth:
            self.markup(_CLOSERS[self.stack.pop()[0]])

    def flush_space(self) -> None:
        for text in self.pending:
            self.literal(text)
        self.pending = []

    def run(self, run: Run) -> None:
        text = run.text.replace("\n", " ").replace("\r", " ").replace("\t", " ")
        core = text.strip(" ")
        if not core:
            self.pending.append(text)
            return
        lead = text[: len(text) - len(text.lstrip(" "))]
        trail = text[len(lead) + len(core) :]
        wanted = _slots(run).as_list()
        keep = 0
        while keep < min(len(wanted), len(self.stack)) and wanted[keep] == self.stack[keep]:
            keep += 1
        if keep == len(self.stack) and keep == len(wanted):
            self.flush_space()
            self.literal(lead)
        else:
            self.close_to(keep)
            self.flush_space()
            self.literal(lead)
            for slot in wanted[keep:]:
                self.open(slot)
        self.literal(core)
        if trail:
            self.pending.append(trail)

    def finish(self, following: list[_Slot]) -> tuple[str, list[int], list[_Slot]]:
        """Close what the next line does not continue (``following``: the notation its
        first run opens), so a deletion typed over a line end stays one deletion."""
        keep = 0
        while keep < min(len(following), len(self.stack)) and following[keep] == self.stack[keep]:
            keep += 1
        self.close_to(keep)
        self.flush_space()
        return "".join(self.out), self.cols, list(self.stack)


def _first_slots(line: SourceLine) -> list[_Slot]:
    for run in line.runs:
        if run.text.strip():
            return _slots(run).as_list()
    return []


def render(blocks: list[SourceBlock]) -> Rendered:
    """The dialect text of ``blocks``: a blank line between blocks, two trailing
    spaces after a line ended on purpose; lines that hold no text are left out."""
    rendered = Rendered("", blocks=blocks)
    out: list[str] = []
    number = 0
    for block in blocks:
        first = True
        lines = [ln for ln in block.lines if any(run.text.strip() for run in ln.runs)]
        carried: list[_Slot] = []
        for i, line in enumerate(lines):
            writer = _LineWriter(line.origin, carried)
            for run in line.runs:
                writer.run(run)
            following = _first_slots(lines[i + 1]) if i + 1 < len(lines) else []
            text, cols, carried = writer.finish(following)
            if first:
                if out:
                    out.append("")
                    number += 1
                first = False
                if block.facs:
                    rendered.block_facs[number + 1] = block.facs
            number += 1
            for col, mark in writer.marks.items():
                rendered.marks[(number, col)] = mark
            out.append(text + ("  " if line.hard_break else ""))
            rendered.lines[number] = RenderedLine(
                line.origin, cols, line.physical, line.facs, line.page
            )
    rendered.text = "\n".join(out) + "\n"
    return rendered
