"""The document model: nodes named for what the typescript means, not how it looks.

Every node records the line and column it came from (1-based), so later stages can
report ``file:line:col``: a raw file's line, a Word paragraph's number, a PAGE file's
line; ``file`` is the part it is in when that is not the source itself (a page file of
a PAGE export). ``pretty()`` prints a stable dump for parser tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, fields


@dataclass(repr=False, eq=False)
class Node:
    """A node of the model. Its ``repr`` and ``==`` are the ones a dataclass makes, written
    once here for every kind of node: made by each class's decorator they were a third
    of the converter's start-up. Defining ``__eq__`` leaves nodes unhashable, as a
    dataclass leaves them."""

    line: int
    col: int
    file: str | None = field(default=None, kw_only=True, repr=False, compare=False)

    def __repr__(self) -> str:
        shown = ", ".join(f"{f.name}={getattr(self, f.name)!r}" for f in fields(self) if f.repr)
        return f"{type(self).__qualname__}({shown})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(
            (mine := getattr(self, f.name)) is (theirs := getattr(other, f.name)) or mine == theirs
            for f in fields(self)
            if f.compare
        )


@dataclass(repr=False, eq=False)
class Text(Node):
    text: str


@dataclass(repr=False, eq=False)
class Escaped(Text):
    """A character the raw text escaped (``\\~``, ``\\-``): text, never notation, also
    where a block's own notation would begin (a list's bullet, a page number)."""


@dataclass(repr=False, eq=False)
class Container(Node):
    children: list[Inline] = field(default_factory=list)


@dataclass(repr=False, eq=False)
class Deletion(Container):
    rend: str = "strikethrough"  # "" when the source says nothing of how (a tracked change)
    change: str | None = None  # the tracked change (Word) that made it


@dataclass(repr=False, eq=False)
class Addition(Container):
    place: str = "above"  # "" when the source says nothing of where (a tracked change)
    change: str | None = None


@dataclass(repr=False, eq=False)
class Substitution(Node):
    """A deletion and an addition standing side by side, kept in source order."""

    parts: list[Deletion | Addition | LineBreak] = field(default_factory=list)  # an lb: a line
    # end of the page between the two readings


@dataclass(repr=False, eq=False)
class Gap(Node):
    reason: str
    quantity: int | None = None


@dataclass(repr=False, eq=False)
class Emphasis(Container):
    rend: str = "bold"


@dataclass(repr=False, eq=False)
class Link(Container):
    target: str = ""


@dataclass(repr=False, eq=False)
class PersonRef(Container):
    ref: str | None = None


@dataclass(repr=False, eq=False)
class DateRef(Container):
    when: str = ""


@dataclass(repr=False, eq=False)
class Tagged(Container):
    """Text an editor tagged on the platform (Transkribus): ``element`` is the TEI
    element it becomes (placeName, orgName, unclear, supplied, rs…), ``attrs`` the
    tag's attributes as that element takes them."""

    element: str = "rs"
    attrs: dict[str, str] = field(default_factory=dict)


@dataclass(repr=False, eq=False)
class Choice(Container):
    """Text the source gives two readings of: an abbreviation and its expansion
    (``kind`` "abbr", ``other`` the expansion), an error and its correction ("sic")."""

    kind: str = "abbr"
    other: str = ""
    ana: str = ""  # a pointer to the tag's other properties (a FeatureSet)
    attrs: dict[str, str] = field(default_factory=dict)  # links to its other parts


@dataclass(repr=False, eq=False)
class Note(Container):
    """A note the source anchors here: a comment on the text before it, a footnote."""

    place: str = ""  # "foot", "end", "margin"; "" where the source says nothing
    kind: str = ""  # "comment"; "" for an editor's or author's note
    n: str = ""  # the note's number or mark as the source gives it
    resp: str = ""  # who wrote it (a comment's author)
    ana: str = ""  # a pointer to what its tag states besides (a FeatureSet)


@dataclass(repr=False, eq=False)
class Graphic(Node):
    """An image in the text: ``name`` its file's name beside the TEI (the writer
    makes the pointer), ``desc`` what the source says it shows (alt text)."""

    name: str = ""
    desc: str = ""


@dataclass(repr=False, eq=False)
class Segment(Container):
    """A stated fact inside front matter (document type, time, place, side…)."""

    kind: str = ""


@dataclass(repr=False, eq=False)
class LineBreak(Node):
    facs: str | None = None  # the zone of the line it starts, on the page image
    joins: bool = False  # the line goes on in the same word (after a drop capital)


@dataclass(repr=False, eq=False)
class Hyphenation(Node):
    """A word broken at the line end ("over- flights"): the hyphen is kept."""

    mark: str = "-"  # the hyphen as the source wrote it ("=", "¬" in prints)
    facs: str | None = None  # the zone of the line it starts, on the page image


@dataclass(repr=False, eq=False)
class Metamark(Node):
    """A slash or caret that marks where an alteration belongs."""

    mark: str = "/"


@dataclass(repr=False, eq=False)
class FormWork(Node):
    """Page furniture: a classification mark or a printed page number."""

    kind: str
    children: list[Inline] = field(default_factory=list)
    facs: str | None = None


@dataclass(repr=False, eq=False)
class PageBreak(Node):
    n: str
    facs: str | None = None  # the surface of the page it starts


Inline = (
    Text
    | Deletion
    | Addition
    | Substitution
    | Gap
    | Emphasis
    | Link
    | PersonRef
    | DateRef
    | Tagged
    | Choice
    | Note
    | Graphic
    | Segment
    | LineBreak
    | Hyphenation
    | Metamark
    | FormWork
    | PageBreak
)


@dataclass(repr=False, eq=False)
class Paragraph(Container):
    """A paragraph; ``speaker`` is set when it reports someone's speech."""

    speaker: str | None = None
    reports_speech: bool = False
    facs: str | None = None  # the zone of the block's region on the page image
    # A transcript's speaker label ("Kissinger:"), set apart from the words spoken
    label: list[Inline] = field(default_factory=list)


@dataclass(repr=False, eq=False)
class ListItem(Container):
    n: str | None = None
    sublist: ListBlock | None = None  # a list nested in this item, after its text


@dataclass(repr=False, eq=False)
class ListBlock(Node):
    items: list[ListItem] = field(default_factory=list)
    facs: str | None = None
    kind: str = ""  # "ordered", "bulleted"; "" where the source does not say


@dataclass(repr=False, eq=False)
class SourceNote(Container):
    facs: str | None = None


@dataclass(repr=False, eq=False)
class FrontBlock(Container):
    """A block of front matter: ``kind`` says what it states (date, subject, …)."""

    kind: str = "front"
    facs: str | None = None


@dataclass(repr=False, eq=False)
class Stamp(Container):
    """A declassification review stamp or checkbox block."""

    facs: str | None = None


@dataclass(repr=False, eq=False)
class Heading(Container):
    """A heading: it opens a division of the text at its ``level`` (1 the highest)."""

    level: int = 1
    facs: str | None = None


@dataclass(repr=False, eq=False)
class BlockNote(Container):
    """A note standing as a block of its own: a marginal note, a footnote region."""

    place: str = ""
    facs: str | None = None


@dataclass(repr=False, eq=False)
class Cell(Container):
    cols: int = 1  # columns it spans
    rows: int = 1  # rows it spans
    facs: str | None = None


@dataclass(repr=False, eq=False)
class Table(Node):
    """A table, row by row; a cell that spans several keeps its place in the first."""

    rows: list[list[Cell]] = field(default_factory=list)
    facs: str | None = None
    # the source's row numbers → rows (a source may skip numbers; no row is empty)
    row_index: dict[int, int] = field(default_factory=dict, repr=False, compare=False)


@dataclass(repr=False, eq=False)
class Figure(Node):
    """An image or graphic of the page; ``children`` its caption."""

    children: list[Inline] = field(default_factory=list)
    facs: str | None = None


Block = (
    Paragraph
    | ListBlock
    | SourceNote
    | FrontBlock
    | Stamp
    | FormWork
    | PageBreak
    | Heading
    | BlockNote
    | Table
    | Figure
)


@dataclass(frozen=True)
class FeatureSet:
    """Properties a source's tag states that no TEI attribute holds (a Transkribus
    tag's own keys and values): ``kind`` is the tag's name."""

    id: str
    kind: str
    features: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Dated:
    """A date as the source states it, and as ISO 8601 where it is a calendar date."""

    stated: str
    when: str | None = None


@dataclass
class Person:
    """Someone a document refers to: declared in a people file or stated by the document.

    ``surname`` is "" for someone named by office alone ("The Secretary") and None
    where only the full ``name`` is known (a people file: its last word is the surname);
    ``designations`` are the offices by which the text may name them ("Secretary",
    "Prime Minister"); ``forms`` are further surface forms ("Sir Harold").
    """

    id: str
    name: str
    side: str | None = None
    role: str | None = None
    aliases: list[str] = field(default_factory=list)
    participant: bool = False
    surname: str | None = None
    given: list[str] = field(default_factory=list)
    affiliation: list[str] = field(default_factory=list)
    note: str | None = None
    designations: list[str] = field(default_factory=list)
    forms: list[str] = field(default_factory=list)
    # What a source's tag states of the person (a Transkribus person tag): the name's
    # parts as given (``forename`` set: the name is written as forename and surname),
    # birth and death as stated, an authority file's URI.
    forename: str | None = None
    birth: Dated | None = None
    death: Dated | None = None
    authority: str | None = None

    @property
    def key_surname(self) -> str | None:
        """The word the text names this person by: the surname's last word (None for
        someone named by office alone)."""
        if self.surname == "":
            return None
        return (self.surname or self.name).replace(",", " ").split()[-1]


@dataclass
class Facts:
    """What the front matter states, for the header."""

    title: str | None = None
    doc_type: str | None = None
    doc_number: str | None = None
    date_when: str | None = None
    date_text: str | None = None
    copy: str | None = None
    draft: bool = False
    time: str | None = None
    place: str | None = None
    subject: str | None = None
    drafter: str | None = None
    recorder: str | None = None
    diarist: str | None = None
    translator: str | None = None
    citation: str | None = None
    url: str | None = None
    summary: str | None = None
    original_language: str | None = None
    translation_language: str | None = None
    classifications: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Zone:
    id: str
    points: str  # "x,y x,y …" in the image's pixels, as PAGE and TEI write them
    type: str = ""  # the region's type as the source names it (an XML name), if any


@dataclass
class Surface:
    """A page image of the facsimile and the zones of its regions and lines."""

    id: str
    url: str  # the image's file name as the source gives it (not yet a pointer)
    width: int
    height: int
    zones: list[Zone] = field(default_factory=list)
    n: str = ""  # the page's label as the source states it (METS ORDERLABEL); "" if none


@dataclass(frozen=True)
class Change:
    """A tracked change: who made it and when (Word's w:author, w:date)."""

    id: str
    kind: str  # "deletion" or "insertion"
    author: str
    when: str | None


@dataclass
class SourceMeta:
    """What a source states about itself, and what reading it did, for the header.

    The readers fill it: ``format`` names the source's format ("raw", "Word",
    "PAGE-XML"), ``form`` how it came (one file, a METS export, a zip); ``title`` is
    a title the source states as such (Word's core properties, METS, Transkribus
    metadata) and ``heading`` its first heading; ``languages`` are the languages it
    states, most first, each with the characters or words it covers (None where the
    statement gives no measure: METS); ``decisions`` say what reading it did.
    """

    format: str = "raw"
    form: str = ""
    title: str | None = None
    title_from: str = ""
    heading: str | None = None
    languages: list[tuple[str, int | None]] = field(default_factory=list)
    language_from: str = ""
    pages: int | None = None
    pages_from: str = ""
    creator: str | None = None
    decisions: list[str] = field(default_factory=list)


@dataclass
class Document:
    front: list[Block] = field(default_factory=list)
    body: list[Block] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    facts: Facts = field(default_factory=Facts)
    source_name: str = "<input>"
    source_sha256: str = ""
    surfaces: list[Surface] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    meta: SourceMeta = field(default_factory=SourceMeta)
    language: str | None = None  # the text's language as the editor gives it (--lang)
    media: dict[str, bytes] = field(default_factory=dict)  # image files, written beside the TEI
    features: list[FeatureSet] = field(default_factory=list)  # the tags' other properties
    tagged_people: list[Person] = field(default_factory=list)  # the persons tags describe


# Tuples, not unions: ``A | B`` in a hot isinstance() builds a new union at each call.
_WITH_CHILDREN = (Container, FormWork, Figure)
ALTERATIONS = (Deletion, Addition)  # a deletion or an addition, for isinstance()
_LEAVES = frozenset({Text, LineBreak, Gap, Hyphenation, Metamark, PageBreak, Graphic})


def walk(blocks: list[Block]) -> Iterator[Node]:
    """Every node of ``blocks``, in document order."""
    stack: list[Node] = list(reversed(blocks))
    while stack:
        node = stack.pop()
        yield node
        if type(node) in _LEAVES:  # most nodes: nothing inside
            continue
        if isinstance(node, ListItem) and node.sublist is not None:
            stack.extend(reversed([*node.children, node.sublist]))
        elif isinstance(node, _WITH_CHILDREN):
            stack.extend(reversed(node.children))
        elif isinstance(node, Substitution):
            stack.extend(reversed(node.parts))
        elif isinstance(node, ListBlock):
            stack.extend(reversed(node.items))
        elif isinstance(node, Table):
            stack.extend(reversed([cell for row in node.rows for cell in row]))


def pretty(node: object, indent: int = 0) -> str:
    """A stable, human-readable dump of a model subtree."""
    pad = "  " * indent
    if isinstance(node, list):
        return "\n".join(pretty(n, indent) for n in node)
    if isinstance(node, Text):
        return f"{pad}Text {node.text!r}"
    name = type(node).__name__
    attrs = []
    keys = ("rend", "place", "reason", "quantity", "target", "ref", "when", "kind", "n")
    for key in (*keys, "element", "attrs", "other", "level", "cols", "rows"):
        value = getattr(node, key, None)
        if value is not None and value != "" and value != {} and not isinstance(value, list):
            attrs.append(f"{key}={value!r}")
    if isinstance(node, Paragraph) and node.reports_speech:
        attrs.append(f"speaker={node.speaker!r}")
    head = f"{pad}{name}" + (" " + " ".join(attrs) if attrs else "")
    kids: list[object] = []
    if isinstance(node, _WITH_CHILDREN):
        kids = list(node.children)
    elif isinstance(node, Table):
        kids = [cell for row in node.rows for cell in row]
    elif isinstance(node, Substitution):
        kids = list(node.parts)
    elif isinstance(node, ListBlock):
        kids = list(node.items)
    if not kids:
        return head
    return head + "\n" + "\n".join(pretty(k, indent + 1) for k in kids)
