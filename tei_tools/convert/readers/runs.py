"""What the Word and PAGE readers produce: blocks of lines of styled runs, each line
with its place in the source (``StyledSource``). ``readers.nodes`` builds the model's
blocks of nodes from them, as the document's profile reads them; nothing is rendered
into the raw dialect's notation.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tei_tools.convert.model import Change, FeatureSet, Person, SourceMeta, Surface

# What may be done with a source's tracked changes (Word's): kept as del/add, or
# accepted or rejected.
TRACKED_CHANGES = ("keep", "accept", "reject")

# A run's styles, as the readers name them.
STRIKE, DSTRIKE, SUP, SUB = "strike", "dstrike", "sup", "sub"
BOLD, ITALIC, UNDERLINE = "bold", "italic", "underline"
TRACKED_DEL, TRACKED_INS = "tracked-del", "tracked-ins"
DROP = "drop-capital"  # a drop capital, joined to the word it begins


@dataclass(frozen=True)
class Origin:
    """Where a source line starts: the file diagnostics name, its line (the paragraph
    number for Word) and the 1-based column of the line's first character."""

    file: str
    line: int
    col: int = 1


@dataclass(frozen=True)
class Tag:
    """A span of text an editor tagged (a Transkribus tag). The runs it covers share
    it, also over a line end when the tag is continued there, so that it becomes one
    element; ``key`` tells two tags of the same kind apart and orders them (a tag that
    starts earlier, or is longer, holds the other)."""

    key: int
    element: str  # the TEI element: persName, placeName, orgName, date, unclear, abbr…
    attrs: tuple[tuple[str, str], ...] = ()  # its TEI attributes
    other: str = ""  # an abbreviation's expansion, an error's correction


@dataclass(frozen=True)
class Anchor:
    """A note the source anchors at a place in the text (a comment on the text before)."""

    text: str
    kind: str = ""  # "comment"
    place: str = ""
    n: str = ""
    resp: str = ""
    ana: str = ""  # a pointer to the properties its tag states besides (a FeatureSet)


@dataclass(frozen=True)
class Run:
    text: str
    styles: frozenset[str] = frozenset()
    change: str | None = None  # the id of the tracked change this run belongs to
    # A tracked deletion of text a tracked insertion brought (Word writes the deletion
    # inside the insertion): the insertion's change; ``change`` is the deletion's.
    inserted_by: str | None = None
    tags: tuple[Tag, ...] = ()  # outermost first
    anchor: Anchor | None = None  # a note placed here (a run of no text)
    graphic: tuple[str, str] | None = None  # an image here: (its file's name, its description)
    lang: str | None = None  # the language the source states for this run (BCP 47 primary)


@dataclass
class SourceLine:
    runs: list[Run]
    origin: Origin
    hard_break: bool = False  # the line was ended on purpose (Word's w:br, a short line)
    physical: bool = False  # the line end is a line end of the page (PAGE): an lb
    facs: str | None = None  # the zone of this line on the page image
    page: int | None = None  # index of the surface the line is on


@dataclass(frozen=True)
class CellPlace:
    """Where a block stands in a table: the table (a number unique in the source),
    its row and column (from 0) and the rows and columns it spans."""

    table: int
    row: int
    col: int
    rows: int = 1
    cols: int = 1
    table_facs: str | None = None  # the zone of the whole table


# What a block is, as its source states it (a PAGE region's type, a Word style).
PARAGRAPH, HEADING, NOTE, FURNITURE, FIGURE, CELL = "p", "head", "note", "fw", "figure", "cell"
ITEM = "item"  # a list's item: ``detail`` is "LEVEL:ordered|bulleted:LIST"


@dataclass
class SourceBlock:
    lines: list[SourceLine]
    facs: str | None = None  # the zone of the block's region on the page image
    page_break: bool = False  # an explicit page break comes before it (Word)
    kind: str = PARAGRAPH
    detail: str = ""  # a note's place, furniture's type, a heading's level ("1")
    cell: CellPlace | None = None  # a table cell's place (kind CELL)
    page: int | None = None  # the surface it is on, for a block without lines (a figure)


@dataclass
class StyledSource:
    """A Word or PAGE source as its reader read it: its blocks, its pages (the
    facsimile's surfaces and zones), its tracked changes and what it states of itself."""

    blocks: list[SourceBlock] = field(default_factory=list)
    surfaces: list[Surface] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    meta: SourceMeta = field(default_factory=SourceMeta)
    media: dict[str, bytes] = field(default_factory=dict)  # image files the text shows, by name
    people: list[Person] = field(default_factory=list)  # the persons its tags describe
    features: list[FeatureSet] = field(default_factory=list)  # its tags' other properties
