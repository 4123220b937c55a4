"""What every reader yields: blocks of lines of inline nodes.

A block is a paragraph of the source (a raw block between blank lines, a Word
paragraph, a PAGE region): its inline nodes, the line ends inside it included (a
"\\n" Text, after a LineBreak where the line was ended on purpose or is a line of the
page), and what the reader knows of each line (``LineInfo``). The recognisers read a
block through its ``View`` and cut its nodes; none of them parses notation.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

from tei_tools.convert.model import Escaped, Inline
from tei_tools.convert.readers.inline import parse_lines
from tei_tools.convert.readers.raw import RawBlock
from tei_tools.convert.view import Position, View, children
from tei_tools.diagnostics import Diagnostic


@dataclass(frozen=True)
class LineInfo:
    """One line of a block: where it starts in the source (a raw line and the column
    of its first character, a Word paragraph and column, a PAGE file's line), whether
    it was ended on purpose (``hard_break``) or is a line of the page (``lb``), and
    the surface (page image) it is on."""

    number: int
    col: int
    hard_break: bool = False
    lb: bool = False
    surface: str | None = None
    file: str | None = None  # None: the source itself


@dataclass
class TextBlock:
    """A block's nodes and lines; read, never changed (its view is made once)."""

    nodes: list[Inline]
    lines: tuple[LineInfo, ...]
    facs: str | None = None  # the zone of the region the block's first line starts

    @cached_property
    def view(self) -> View:
        return View(self.nodes)

    @property
    def first(self) -> LineInfo:
        return self.lines[0]

    @property
    def start(self) -> Position:
        """The source position of the block: its first line's first character."""
        return (self.first.number, self.first.col, self.first.file)

    @cached_property
    def spans(self) -> list[tuple[int, int]]:
        """Each line's (start, end) in the view's text, its line end left out."""
        out, pos = [], 0
        for piece in self.view.text.split("\n"):
            out.append((pos, pos + len(piece)))
            pos += len(piece) + 1
        if len(out) != len(self.lines):  # a reader's line ends are its "\n" Texts
            raise ValueError(f"a block of {len(self.lines)} lines holds {len(out)}")
        return out

    @cached_property
    def line_texts(self) -> list[str]:
        text = self.view.text
        return [text[start:end] for start, end in self.spans]

    @cached_property
    def text(self) -> str:
        """The block's text, its lines joined by a space."""
        return self.view.text.replace("\n", " ")

    def fresh(self) -> list[Inline]:
        """A copy of the block's nodes, for a model block to own."""
        self._check_kept()
        return self.view.slice(0, len(self.view))

    def take(self) -> list[Inline]:
        """The block's nodes themselves, for the one model block made of the whole
        block, which may change them: no copy (most blocks become one paragraph
        each, and copying them was a twentieth of a conversion). The block's text
        stays readable; cutting it again is an error, since its nodes are no longer
        what its view maps."""
        self._check_kept()
        self.view  # noqa: B018 - the text is read before the nodes can change
        self._taken = True
        return self.nodes

    def _check_kept(self) -> None:
        if self.__dict__.get("_taken"):
            raise RuntimeError("a block whose nodes were taken is cut again")

    def marked(self, start: int, end: int) -> bool:
        """Whether the text between two offsets is altered or styled (a deletion, an
        addition, emphasis, a link stand in it)."""
        self._check_kept()
        return any(
            children(node) is not None or isinstance(node, Escaped)
            for node in self.view.slice(start, end)
        )

    def escaped(self, start: int, end: int) -> bool:
        """Whether the raw text escaped a character between two offsets (``\\-``)."""
        self._check_kept()
        return any(isinstance(node, Escaped) for node in self.view.slice(start, end))

    def part(self, first: int, last: int) -> TextBlock:
        """The block of lines ``first`` to ``last`` (excluded); the line ends around
        it are left out. The region's zone goes with its first line."""
        self._check_kept()
        start, end = self.spans[first][0], self.spans[last - 1][1]
        facs = self.facs if first == 0 else None
        return TextBlock(self.view.slice(start, end), self.lines[first:last], facs)

    def split(self, offset: int) -> tuple[TextBlock, TextBlock]:
        """The block cut at an offset inside a line: the text before it, and the rest
        of that line with the lines after it. The region's zone goes with the part
        its first line is in (with both, when the cut is in the first line)."""
        self._check_kept()
        n = next(i for i, (_, end) in enumerate(self.spans) if offset <= end)
        line, col, _ = self.view.at(offset)
        head = TextBlock(self.view.slice(0, offset), self.lines[: n + 1], self.facs)
        rest = (replace(self.lines[n], number=line, col=col), *self.lines[n + 1 :])
        tail = TextBlock(
            self.view.slice(offset, len(self.view)), rest, self.facs if n == 0 else None
        )
        return head, tail


def raw_blocks(raw: list[RawBlock], file: str, diagnostics: list[Diagnostic]) -> list[TextBlock]:
    """The raw reader's blocks: each block's lines parsed by the dialect's inline rules."""
    out = []
    for block in raw:
        nodes = parse_lines(block.lines, file, diagnostics)
        lines = tuple(
            LineInfo(line.number, line.indent + 1, line.hard_break, line.lb) for line in block.lines
        )
        out.append(TextBlock(nodes, lines))
    return out
