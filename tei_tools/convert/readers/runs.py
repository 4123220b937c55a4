"""What the Word and PAGE readers produce: blocks of lines of styled runs, each line
with its place in the source (``StyledSource``). ``readers.nodes`` builds the model's
blocks of nodes from them, as the document's profile reads them; nothing is rendered
into the raw dialect's notation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tei_tools.convert.model import Change, SourceMeta, Surface

# A run's styles, as the readers name them.
STRIKE, DSTRIKE, SUP, SUB = "strike", "dstrike", "sup", "sub"
BOLD, ITALIC, UNDERLINE = "bold", "italic", "underline"
TRACKED_DEL, TRACKED_INS = "tracked-del", "tracked-ins"


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
class StyledSource:
    """A Word or PAGE source as its reader read it: its blocks, its pages (the
    facsimile's surfaces and zones), its tracked changes and what it states of itself."""

    blocks: list[SourceBlock] = field(default_factory=list)
    surfaces: list[Surface] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    meta: SourceMeta = field(default_factory=SourceMeta)
