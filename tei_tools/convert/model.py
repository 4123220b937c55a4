"""The document model: nodes named for what the typescript means, not how it looks.

Every node records the line and column it came from (1-based), so later stages can
report ``file:line:col``: a raw file's line, a Word paragraph's number, a PAGE file's
line; ``file`` is the part it is in when that is not the source itself (a page file of
a PAGE export). ``pretty()`` prints a stable dump for parser tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass
class Node:
    line: int
    col: int
    file: str | None = field(default=None, kw_only=True, repr=False, compare=False)


@dataclass
class Text(Node):
    text: str


@dataclass
class Escaped(Text):
    """A character the raw text escaped (``\\~``, ``\\-``): text, never notation, also
    where a block's own notation would begin (a list's bullet, a page number)."""


@dataclass
class Container(Node):
    children: list[Inline] = field(default_factory=list)


@dataclass
class Deletion(Container):
    rend: str = "strikethrough"  # "" when the source says nothing of how (a tracked change)
    change: str | None = None  # the tracked change (Word) that made it


@dataclass
class Addition(Container):
    place: str = "above"  # "" when the source says nothing of where (a tracked change)
    change: str | None = None


@dataclass
class Substitution(Node):
    """A deletion and an addition standing side by side, kept in source order."""

    parts: list[Deletion | Addition | LineBreak] = field(default_factory=list)  # an lb: a line
    # end of the page between the two readings


@dataclass
class Gap(Node):
    reason: str
    quantity: int | None = None


@dataclass
class Emphasis(Container):
    rend: str = "bold"


@dataclass
class Link(Container):
    target: str = ""


@dataclass
class PersonRef(Container):
    ref: str | None = None


@dataclass
class DateRef(Container):
    when: str = ""


@dataclass
class Segment(Container):
    """A stated fact inside front matter (document type, time, place, side…)."""

    kind: str = ""


@dataclass
class LineBreak(Node):
    facs: str | None = None  # the zone of the line it starts, on the page image


@dataclass
class Hyphenation(Node):
    """A word broken at the line end ("over- flights"): the hyphen is kept."""

    mark: str = "-"  # the hyphen as the source wrote it ("=", "¬" in prints)
    facs: str | None = None  # the zone of the line it starts, on the page image


@dataclass
class Metamark(Node):
    """A slash or caret that marks where an alteration belongs."""

    mark: str = "/"


@dataclass
class FormWork(Node):
    """Page furniture: a classification mark or a printed page number."""

    kind: str
    children: list[Inline] = field(default_factory=list)
    facs: str | None = None


@dataclass
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
    | Segment
    | LineBreak
    | Hyphenation
    | Metamark
    | FormWork
    | PageBreak
)


@dataclass
class Paragraph(Container):
    """A paragraph; ``speaker`` is set when it reports someone's speech."""

    speaker: str | None = None
    reports_speech: bool = False
    facs: str | None = None  # the zone of the block's region on the page image


@dataclass
class ListItem(Container):
    n: str | None = None


@dataclass
class ListBlock(Node):
    items: list[ListItem] = field(default_factory=list)
    facs: str | None = None


@dataclass
class SourceNote(Container):
    facs: str | None = None


@dataclass
class FrontBlock(Container):
    """A block of front matter: ``kind`` says what it states (date, subject, …)."""

    kind: str = "front"
    facs: str | None = None


@dataclass
class Stamp(Container):
    """A declassification review stamp or checkbox block."""

    facs: str | None = None


Block = Paragraph | ListBlock | SourceNote | FrontBlock | Stamp | FormWork | PageBreak


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


@dataclass
class Surface:
    """A page image of the facsimile and the zones of its regions and lines."""

    id: str
    url: str  # the image's file name as the source gives it (not yet a pointer)
    width: int
    height: int
    zones: list[Zone] = field(default_factory=list)


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


def walk(blocks: list[Block]) -> Iterator[Node]:
    """Every node of ``blocks``, in document order."""
    stack: list[Node] = list(reversed(blocks))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, Container | FormWork):
            stack.extend(reversed(node.children))
        elif isinstance(node, Substitution):
            stack.extend(reversed(node.parts))
        elif isinstance(node, ListBlock):
            stack.extend(reversed(node.items))


def pretty(node: object, indent: int = 0) -> str:
    """A stable, human-readable dump of a model subtree."""
    pad = "  " * indent
    if isinstance(node, list):
        return "\n".join(pretty(n, indent) for n in node)
    if isinstance(node, Text):
        return f"{pad}Text {node.text!r}"
    name = type(node).__name__
    attrs = []
    for key in ("rend", "place", "reason", "quantity", "target", "ref", "when", "kind", "n"):
        value = getattr(node, key, None)
        if value is not None and value != "":
            attrs.append(f"{key}={value!r}")
    if isinstance(node, Paragraph) and node.reports_speech:
        attrs.append(f"speaker={node.speaker!r}")
    head = f"{pad}{name}" + (" " + " ".join(attrs) if attrs else "")
    kids: list[object] = []
    if isinstance(node, Container | FormWork):
        kids = list(node.children)
    elif isinstance(node, Substitution):
        kids = list(node.parts)
    elif isinstance(node, ListBlock):
        kids = list(node.items)
    if not kids:
        return head
    return head + "\n" + "\n".join(pretty(k, indent + 1) for k in kids)
