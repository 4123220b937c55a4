"""A view of inline nodes as plain text, with a map back to the nodes.

The recognisers (front matter, participants, page furniture, lists, paragraph
continuation) match their patterns on this text, never on a reader's notation, and
cut the nodes where their matches start and end (``View.slice``), whatever reader
made the nodes.

The text is what the page shows typed: the text of every Text node, inside containers
too (a deletion's words are read: a struck classification mark is still the mark),
and for the atoms the characters typed for them (``atom_text``): a redaction's
"[REDACTED]", an x-out's x's, an insertion mark's slash, a hyphen broken at a line end
and the space after it. A line break adds nothing: the line end is the "\\n" Text
after it. Atoms are never cut: an atom belongs to the slice its first character (or,
for an atom of no text, its place) is in, so the slices of a partition of the text
hold every node once.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from typing import TypeVar

from tei_tools.convert.model import (
    Container,
    FormWork,
    Gap,
    Hyphenation,
    Inline,
    Metamark,
    Segment,
    Substitution,
    Text,
)

T = TypeVar("T")
_WITH_CHILDREN = (Container, FormWork)  # a tuple: cheaper in isinstance than a union
Position = tuple[int, int, str | None]  # line, column (1-based), file (None: the document's)


def atom_text(node: Inline) -> str:
    """The characters typed for a node that holds no Text."""
    if isinstance(node, Gap):
        if node.reason == "redacted":
            return "[REDACTED]"
        return "x" * (node.quantity or 0) if node.reason == "illegible" else ""
    if isinstance(node, Metamark):
        return node.mark
    if isinstance(node, Hyphenation):
        return node.mark + " "  # "over- flights": the break reads as a space
    return ""  # a line break, a page break


def children(node: Inline) -> list[Inline] | None:
    """The nodes inside ``node``, or None for a leaf (a Text or an atom)."""
    if isinstance(node, _WITH_CHILDREN):
        return node.children
    if isinstance(node, Substitution):
        return list(node.parts)
    return None


def _with_children(node: Inline, inner: list[Inline], line: int, col: int) -> Inline:
    if isinstance(node, Substitution):
        parts = [p for p in inner if not isinstance(p, Text)]  # parts are elements only
        return _changed(node, parts=parts, line=line, col=col)
    return _changed(node, children=inner, line=line, col=col)


def _changed(node: T, **fields: object) -> T:
    """A shallow copy of ``node`` with ``fields`` set. Nodes are plain dataclasses
    whose fields were checked when made, so the copy takes their dictionary as it is:
    ``dataclasses.replace`` would run ``__init__`` again, and the slices of a
    document copy tens of thousands of nodes."""
    new = object.__new__(type(node))
    new.__dict__.update(node.__dict__)
    new.__dict__.update(fields)
    return new


def text_of(nodes: Iterable[Inline]) -> str:
    return "".join(_text(node) for node in nodes)


def _text(node: Inline) -> str:
    if isinstance(node, Text):
        return node.text
    inner = children(node)
    return atom_text(node) if inner is None else text_of(inner)


class View:
    """The plain text of ``nodes`` and the way back from its offsets to the nodes."""

    def __init__(self, nodes: list[Inline]):
        self.nodes = nodes
        self._starts: dict[int, list[int]] = {}  # id of a list of nodes → their offsets
        self._keep: list[list[Inline]] = []  # the lists those ids name stay alive
        self.leaves: list[tuple[int, Inline]] = []  # (offset, Text or atom), in order
        pieces: list[str] = []
        self._flatten(nodes, pieces, 0)
        self.text = "".join(pieces)
        self._leaf_starts = [offset for offset, _ in self.leaves]

    def __len__(self) -> int:
        return len(self.text)

    def _flatten(self, nodes: list[Inline], pieces: list[str], offset: int) -> int:
        starts = []
        for node in nodes:
            starts.append(offset)
            inner = children(node)
            if inner is None:
                text = node.text if isinstance(node, Text) else atom_text(node)
                self.leaves.append((offset, node))
                pieces.append(text)
                offset += len(text)
            else:
                offset = self._flatten(inner, pieces, offset)
        starts.append(offset)
        self._starts[id(nodes)] = starts
        self._keep.append(nodes)
        return offset

    def _offsets(self, nodes: list[Inline]) -> list[int]:
        """Where each of ``nodes`` starts, relative to the first, and where they end."""
        found = self._starts.get(id(nodes))
        if found is not None:
            return [s - found[0] for s in found]
        offsets = [0]
        for node in nodes:
            offsets.append(offsets[-1] + len(_text(node)))
        return offsets

    def at(self, offset: int) -> Position:
        """The source position of the character at ``offset`` (past the end: the
        position after the last character)."""
        if not self.leaves:
            return (0, 0, None)
        i = max(bisect.bisect_right(self._leaf_starts, offset) - 1, 0)
        j = i
        while j >= 0 and not self._has_text(j):  # an atom of no text has no character
            j -= 1
        start, leaf = self.leaves[j if j >= 0 else i]
        if isinstance(leaf, Text):
            delta = min(max(offset - start, 0), len(leaf.text))
            return (leaf.line, leaf.col + delta, leaf.file)
        return (leaf.line, leaf.col, leaf.file)

    def _has_text(self, i: int) -> bool:
        end = self._leaf_starts[i + 1] if i + 1 < len(self.leaves) else len(self.text)
        return end > self._leaf_starts[i]

    def slice(self, start: int, end: int) -> list[Inline]:
        """Copies of the nodes between two offsets of the text, containers cut where
        the offsets fall inside them (each part keeps the container's attributes; a
        part that starts inside it starts where its first character is)."""
        start, end = max(start, 0), min(end, len(self.text))
        return self._slice(self.nodes, start, end, end >= len(self.text))

    def _slice(self, nodes: list[Inline], start: int, end: int, to_end: bool) -> list[Inline]:
        offsets = self._offsets(nodes)
        out: list[Inline] = []
        first = max(bisect.bisect_left(offsets, start) - 1, 0)
        for i in range(first, len(nodes)):
            node, a, b = nodes[i], offsets[i], offsets[i + 1]
            if a > end or (a == end and not (to_end and a == b)):
                break
            if a == b:  # no text: kept by the slice its place is in
                if start <= a and (a < end or to_end):
                    out.append(_copy(node))
                continue
            if b <= start:
                continue
            if start <= a and b <= end:
                out.append(_copy(node))
                continue
            inner = children(node)
            if inner is None:
                if isinstance(node, Text):
                    lo, hi = max(start - a, 0), min(end, b) - a
                    out.append(_changed(node, col=node.col + lo, text=node.text[lo:hi]))
                elif start <= a:  # an atom is never cut: it goes with its first character
                    out.append(_copy(node))
                continue
            part = self._slice(inner, max(start - a, 0), min(end, b) - a, b <= end)
            if start <= a or not part:
                line, col = node.line, node.col
            else:
                line, col, _ = View(part).at(0)
            out.append(_with_children(node, part, line, col))
        return out

    def segments(self, spans: Iterable[tuple[str, int, int]]) -> list[Inline]:
        """Copies of the nodes with each (kind, start, end) span, in order and apart,
        wrapped in a Segment of that kind (a stated fact: a time, a place…)."""
        out: list[Inline] = []
        pos = 0
        for kind, start, end in sorted(spans, key=lambda s: s[1]):
            out.extend(self.slice(pos, start))
            line, col, file = self.at(start)
            out.append(Segment(line, col, self.slice(start, end), kind=kind, file=file))
            pos = end
        out.extend(self.slice(pos, len(self.text)))
        return out


def _copy(node: Inline) -> Inline:
    """A deep copy of ``node``: slices never share nodes with what they were cut from."""
    inner = children(node)
    if inner is None:
        return _changed(node)
    return _with_children(node, [_copy(n) for n in inner], node.line, node.col)
