"""Transforms over the model: substitutions, run-together text, participants (these
read the blocks' text, whatever reader made them)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import cast

from tei_tools.convert.model import (
    ALTERATIONS,
    Addition,
    Block,
    Container,
    Deletion,
    FormWork,
    Gap,
    Inline,
    LineBreak,
    ListBlock,
    Paragraph,
    Substitution,
    Text,
)
from tei_tools.convert.profiles.structure import classification_mark
from tei_tools.diagnostics import Diagnostic

_WITH_CHILDREN = (Container, FormWork)  # tuples: cheaper in isinstance than unions

# Fixed-width probes keep the scan linear; the report widens the hit to the whole word.
# Three lower-case letters then two capitals or a capitalised word ("CitationsTS",
# "ofRatssitzung"), or five capitals then lower case: written to begin at a capital,
# which the engine finds without trying the pattern at every letter.
_RUN_TOGETHER = re.compile(r"[A-Z](?:(?<=[a-z]{3}[A-Z])(?:[A-Z]|[a-z]{2})|[A-Z]{4}[a-z]{2})")
_LETTERS = re.compile(r"[A-Za-z]+")
# The list runs to the full stop that ends the line: initials ("V.A.") have stops too.
_PRESENT = re.compile(r"Present were:\s*(?P<list>.+?)\.\s*$", re.M)
_SIDE_WORDS = {"soviet": "USSR", "ussr": "USSR", "american": "US", "us": "US", "un": "UN"}


def pair_substitutions(nodes: list[Inline], typescript: bool = False) -> list[Inline]:
    """Pair each deletion with an addition standing next to it (either order).

    Only white space may separate the two, and it is dropped: it parts the two
    readings rather than belonging to either (``subst`` holds elements only, and
    moving the space would put it before a following comma). A line end between
    them (a word struck at the end of a line, its replacement typed at the start
    of the next) stays between them, inside the substitution. Chains pair left to
    right, two at a time. A struck deletion pairs, never an x-out; in a
    ``typescript`` any other deletion too (a double strike, a tracked deletion): the
    typist took the word back and typed its replacement beside it.
    """
    for node in nodes:  # pairs inside a container form first
        if isinstance(node, Container):
            node.children = pair_substitutions(node.children, typescript)
    out: list[Inline] = []
    i = 0
    while i < len(nodes):
        node = nodes[i]
        if not isinstance(node, ALTERATIONS):  # most nodes: nothing to pair
            out.append(node)
            i += 1
            continue
        j = i + 1
        breaks: list[LineBreak] = []
        while j < len(nodes) and (
            (isinstance(nodes[j], Text) and not cast(Text, nodes[j]).text.strip())
            or (isinstance(nodes[j], LineBreak) and not breaks)
        ):
            if isinstance(nodes[j], LineBreak):
                breaks.append(cast(LineBreak, nodes[j]))
            j += 1
        partner = nodes[j] if j < len(nodes) else None
        if _pairable(node, partner, typescript):
            assert isinstance(node, ALTERATIONS)
            assert isinstance(partner, ALTERATIONS)
            out.append(Substitution(node.line, node.col, [node, *breaks, partner]))
            i = j + 1
            continue
        out.append(node)
        i += 1
    return out


def _pairable(a: Inline, b: Inline | None, typescript: bool) -> bool:
    if isinstance(a, Deletion) and _struck(a, typescript):
        return isinstance(b, Addition)
    if isinstance(a, Addition):
        return isinstance(b, Deletion) and _struck(b, typescript)
    return False


def _struck(deletion: Deletion, typescript: bool) -> bool:
    if not typescript:
        return deletion.rend == "strikethrough"
    only = deletion.children[0] if len(deletion.children) == 1 else None
    return not (isinstance(only, Gap) and only.reason == "illegible")  # an x-out


def block_inlines(block: Block) -> Iterator[list[Inline]]:
    if isinstance(block, ListBlock):
        for item in block.items:
            yield item.children
    elif isinstance(block, _WITH_CHILDREN):
        yield block.children


def texts(nodes: list[Inline]) -> Iterator[Text]:
    for node in nodes:
        if isinstance(node, Text):
            yield node
        elif isinstance(node, _WITH_CHILDREN):
            yield from texts(node.children)
        elif isinstance(node, Substitution):
            for part in node.parts:
                if isinstance(part, Container):
                    yield from texts(part.children)


def report_run_together(blocks: list[Block], file: str, diags: list[Diagnostic]) -> None:
    """Report words run together by the source's extraction ("CitationsTS"), kept as
    they are: once per word, however often its letters change case. Words end where
    a text does (at an alteration, a line end). Lines where a stage already split
    such text (and said so) are skipped."""
    reported = {(d.file, d.line) for d in diags if d.code == "C201"}
    for block in blocks:
        for nodes in block_inlines(block):
            for node in texts(nodes):
                where = node.file or file
                text = node.text
                if text == text.lower() or (where, node.line) in reported:
                    continue  # most texts: no capital, so no word run together
                if not _RUN_TOGETHER.search(text):
                    continue
                for word in _LETTERS.finditer(node.text):
                    if _RUN_TOGETHER.search(word.group()) is None:
                        continue
                    shown = word.group() if len(word.group()) <= 60 else word.group()[:57] + "..."
                    diags.append(
                        Diagnostic(
                            "C201",
                            f"text run together: {shown!r} (kept as is)",
                            where,
                            node.line,
                            node.col + word.start(),
                            hint="check the transcription; a space or line break may be missing",
                        )
                    )


def inline_text(nodes: list[Inline]) -> str:
    return "".join(t.text for t in texts(nodes))


def classification_marks(body: list[Block]) -> list[str]:
    """The classification marks on the pages, each once, in document order."""
    marks: dict[str, None] = {}
    for block in body:
        candidates = block.children if isinstance(block, Paragraph) else [block]
        for node in candidates:
            if isinstance(node, FormWork) and node.kind == "classification":
                marks[classification_mark(inline_text(node.children))] = None
    return list(marks)


def present_participants(text: str) -> list[tuple[str, str | None]]:
    """Names from a "Present were: on the Soviet side, A, B; from the UN, C." sentence."""
    found = _PRESENT.search(text)
    if found is None:
        return []
    people: list[tuple[str, str | None]] = []
    for group in found.group("list").split(";"):
        items = [s.strip() for s in re.split(r",\s*(?:and\s+)?|\s+and\s+", group) if s.strip()]
        side = None
        if items and re.match(r"(?:on|from) the ", items[0]):
            words = re.findall(r"\w+", items.pop(0).lower())
            side = next((_SIDE_WORDS[w] for w in words if w in _SIDE_WORDS), None)
        people.extend((name, side) for name in items)
    return people


def recorder(text: str) -> str | None:
    found = re.search(r"\brecorded by ((?:[A-Z]\.\s?)*[A-Z][a-z]+)", text)
    return found.group(1) if found else None
