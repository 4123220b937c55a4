"""One visitor over TEI for every exporter (after docutils' NodeVisitor).

``visit`` dispatches on the element's local name to ``visit_<name>``. An element
an exporter has no method for keeps its text (its children are visited) and is
reported once per element name, never dropped silently.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree

from tei_tools.diagnostics import Diagnostic
from tei_tools.export.breaks import WordBreaks
from tei_tools.namespaces import T

# Paired alternatives of choice: the first of each pair is what the source shows.
SOURCE_FORMS = ("sic", "abbr", "orig")
EDITED_FORMS = ("corr", "expan", "reg")
_SPACE = re.compile(r"\s+")


# Fields the converter tells apart within a line; typescripts often run them together.
FIELD_TAGS = frozenset(
    f"{T}{name}"
    for name in ("seg", "date", "time", "placeName", "persName", "orgName", "idno", "name")
)


def _first_char(el: etree._Element) -> str:
    if not len(el):  # most fields hold text alone
        return (el.text or "")[:1]
    return next((str(t)[:1] for t in el.itertext() if t), "")


def _last_char(el: etree._Element) -> str:
    if not len(el):
        return (el.text or "")[-1:]
    return "".join(str(t) for t in el.itertext())[-1:]


def _joined(left: str, right: str) -> bool:
    """A word's end run into a capital or a figure: "CONVERSATIONDRAFT", "AkalovskyUSSR"."""
    return bool(left) and left.isalnum() and bool(right) and (right.isupper() or right.isdigit())


def local(el: etree._Element) -> str:
    tag = el.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def collapse(text: str) -> str:
    """XML white space, as a reader sees it: every run is one space."""
    if "  " not in text and text.isprintable():
        return text  # most pieces: no line end, tab or double space (isprintable is C)
    return _SPACE.sub(" ", text)


def text_of(el: etree._Element | None) -> str:
    return "" if el is None else " ".join("".join(str(t) for t in el.itertext()).split())


def is_block_note(el: etree._Element) -> bool:
    """A note that stands between paragraphs (or a source note) rather than in a line."""
    parent = el.getparent()
    return el.get("type") == "source" or (
        parent is not None and local(parent) in ("body", "div", "back", "front")
    )


def starts_its_element(el: etree._Element) -> bool:
    """Nothing comes before ``el`` in its parent: a line break there starts the
    block's first line (a PAGE line in a cell, a note, a heading) and breaks nothing."""
    parent = el.getparent()
    return el.getprevious() is None and parent is not None and not (parent.text or "").strip()


def note_label(note: etree._Element) -> str:
    """How an inline note is introduced: "Footnote 3", "Endnote 1", "Comment", "Note"."""
    kind = {"foot": "Footnote", "end": "Endnote"}.get(note.get("place", ""), "")
    if note.get("type") == "comment":
        kind = "Comment"
    kind = kind or "Note"
    return f"{kind} {note.get('n')}" if note.get("n") else kind


def gap_description(gap: etree._Element) -> str:
    """The text an editor put where a gap is (a tagged ``[...]``), from its ``desc``,
    in brackets (once); "" when it has none."""
    text = text_of(gap.find(f"{T}desc"))
    if not text or (text.startswith("[") and text.endswith("]")):
        return text
    return f"[{text}]"


def printed_number_follows(pb: etree._Element) -> bool:
    """A page break followed by the page number printed on the page (fw type=pageNum)."""
    following = pb.getnext()
    return (
        following is not None and local(following) == "fw" and (following.get("type") == "pageNum")
    )


def shown_alternatives(choice: etree._Element, diplomatic: bool) -> set[str]:
    """Which children of a choice a view shows: the source's forms (diplomatic) or
    the edited ones (reading); if the choice has none of those, the other kind."""
    present = {local(c) for c in choice}
    wanted = set(SOURCE_FORMS if diplomatic else EDITED_FORMS)
    return (present & wanted) or (present & set(SOURCE_FORMS + EDITED_FORMS))


def lemma_of(app: etree._Element) -> etree._Element | None:
    readings = [c for c in app if local(c) in ("lem", "rdg")]
    return next((c for c in readings if local(c) == "lem"), readings[0] if readings else None)


@dataclass
class TeiVisitor:
    source: str = "<input>"
    diagnostics: list[Diagnostic] = field(default_factory=list)
    _reported: set[str] = field(default_factory=set)
    _breaks: WordBreaks | None = None
    _dispatch: dict[str, Callable[[etree._Element], None]] = field(default_factory=dict)

    def _word_break(self, el: etree._Element) -> bool | None:
        if self._breaks is None:
            self._breaks = WordBreaks(el.getroottree().getroot())
        return self._breaks.decide(el)

    def parts_words(self, el: etree._Element) -> bool:
        """A pb, lb, cb or milestone between two words (see breaks.py)."""
        return self._word_break(el) is True

    def inside_word(self, el: etree._Element) -> bool:
        """A pb, lb, cb or milestone that breaks one word (``break="no"`` or evidence)."""
        return el.get("break") == "no" or self._word_break(el) is False

    def findings(self) -> list[Diagnostic]:
        """The diagnostics, with the count of word breaks decided on evidence."""
        decided = self._breaks.report(self.source) if self._breaks is not None else []
        return [*self.diagnostics, *decided]

    def visit(self, el: etree._Element) -> None:
        tag = el.tag
        if not isinstance(tag, str):  # comments and processing instructions
            return
        handler = self._dispatch.get(tag)
        if handler is None:  # looked up once per element name
            found = getattr(self, f"visit_{local(el)}", None)
            handler = self._dispatch[tag] = found if found is not None else self.unknown
        handler(el)

    def visit_children(self, el: etree._Element) -> None:
        if el.text:
            self.text(el.text)
        before = el.text or ""
        for child in el:
            glued = child.tag in FIELD_TAGS
            # the cheap side of each join is tested first: most texts end in a space
            if glued and before[-1:].isalnum() and _joined(before[-1:], _first_char(child)):
                self.field_gap()
            self.visit(child)
            if child.tail:
                tail = child.tail
                starts = tail[:1].isupper() or tail[:1].isdigit()
                if glued and starts and _joined(_last_char(child), tail[:1]):
                    self.field_gap()
                self.text(tail)
            before = child.tail or (_last_char(child) if glued else "")

    def field_gap(self) -> None:
        """Between two things the encoding tells apart that the typescript ran together
        ("CONVERSATION<seg>DRAFT</seg>"): the reading view parts them, the diplomatic
        view shows them as typed."""

    def visit_elements(
        self, el: etree._Element, handle: Callable[[etree._Element], None] | None = None
    ) -> None:
        """Visit the children of an element-only container (subst, choice, row…) with
        ``handle`` (default ``visit``); text that stands there all the same is kept,
        white space between the children is not."""
        if el.text and el.text.strip():
            self.text(el.text)
        for child in el:
            (handle or self.visit)(child)
            if child.tail and child.tail.strip():
                self.text(child.tail)

    def unknown(self, el: etree._Element) -> None:
        self.unknown_report(el)
        self.visit_children(el)

    def unknown_report(self, el: etree._Element) -> None:
        """Report an element with no handler, once per element name."""
        name = local(el)
        if name not in self._reported:
            self._reported.add(name)
            line = el.sourceline if isinstance(el.sourceline, int) else 0
            self.diagnostics.append(
                Diagnostic(
                    "E001",
                    f"<{name}> is not known to this exporter; its text is kept",
                    self.source,
                    line,
                    1,
                    hint="the element's content is shown as plain text",
                )
            )

    def text(self, text: str) -> None:
        raise NotImplementedError


@dataclass
class BlockWriter(TeiVisitor):
    """An exporter that writes blocks (paragraphs) of text pieces.

    ``text`` takes character data from the TEI (through ``clean``); ``emit`` takes the
    exporter's own markup. Leaving a block (``block``, ``container``) closes it, so
    the next piece of text opens a new one.
    """

    blocks: list[list[str]] = field(default_factory=list)
    _current: list[str] | None = None

    def clean(self, text: str) -> str:
        return text

    def text(self, text: str) -> None:
        if self._current is None and not text.strip():
            return  # white space between blocks
        self.emit(self.clean(text))

    def emit(self, piece: str) -> None:
        if self._current is None:
            self._current = []
            self.blocks.append(self._current)
        self._current.append(piece)

    def block(self, el: etree._Element, prefix: str = "", suffix: str = "") -> None:
        self._current = None
        if prefix:
            self.emit(prefix)
        self.visit_children(el)
        if suffix:
            self.emit(suffix)
        self._current = None

    def container(self, el: etree._Element) -> None:
        self._current = None
        self.visit_children(el)
        self._current = None

    def render_blocks(self, root: etree._Element) -> list[str]:
        """Visit ``root``'s text (the header is metadata) and return the joined blocks."""
        text = root.find(f"{T}text")
        self.visit(text if text is not None else root)
        return ["".join(pieces) for pieces in self.blocks]

    def visit_teiHeader(self, el: etree._Element) -> None:
        """Metadata, not running text: the HTML export shows it."""
