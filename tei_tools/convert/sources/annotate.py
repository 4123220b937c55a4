"""After the shared stages: what a Word or PAGE source said that the dialect's
notation could not is set on the nodes parsed at its place (marks by line and
column), the facsimile's zones on blocks, line breaks and page breaks, and each
diagnostic is moved from the rendered line to the source's file, line and column."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from tei_tools.convert.model import (
    Addition,
    Block,
    Container,
    Deletion,
    Emphasis,
    FormWork,
    LineBreak,
    ListBlock,
    Node,
    PageBreak,
    Substitution,
)
from tei_tools.convert.sources.styled import Rendered
from tei_tools.diagnostics import Diagnostic


def walk(nodes: list[Block]) -> Iterator[Node]:
    stack: list[Node] = list(reversed(nodes))
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, Container | FormWork):
            stack.extend(reversed(node.children))
        elif isinstance(node, Substitution):
            stack.extend(reversed(node.parts))
        elif isinstance(node, ListBlock):
            stack.extend(reversed(node.items))


def apply(blocks: list[Block], rendered: Rendered) -> None:
    for block in blocks:  # a paragraph continued over a page break: every region it is in
        starts = sorted({n.line for n in walk([block])} & rendered.block_facs.keys())
        if starts and not isinstance(block, PageBreak):  # a pb points at its surface
            block.facs = " ".join(rendered.block_facs[n] for n in starts)
    surfaces = rendered.surfaces
    for node in walk(blocks):
        if isinstance(node, LineBreak):
            following = rendered.lines.get(node.line + 1)
            if following is not None and following.facs:
                node.facs = following.facs
        elif isinstance(node, PageBreak):
            line = rendered.lines.get(node.line)
            if line is not None and line.page is not None and line.page < len(surfaces):
                node.facs = surfaces[line.page].id
        elif isinstance(node, Deletion | Addition | Emphasis):
            mark = rendered.marks.get((node.line, node.col))
            if mark:
                _mark(node, mark)


def _mark(node: Deletion | Addition | Emphasis, mark: dict[str, str]) -> None:
    if "rend" in mark and isinstance(node, Deletion | Emphasis):
        node.rend = mark["rend"]
    if "place" in mark and isinstance(node, Addition):
        node.place = mark["place"]
    if "change" in mark and isinstance(node, Deletion | Addition):
        node.change = mark["change"]


def relocate(diags: list[Diagnostic], source: str, rendered: Rendered) -> list[Diagnostic]:
    """Diagnostics of the rendered text, at the source's file, line and column."""
    out = []
    for d in diags:
        line = rendered.lines.get(d.line) if d.file == source else None
        if line is None:
            out.append(d)
            continue
        out.append(
            replace(
                d, file=line.origin.file, line=line.origin.line, column=line.source_col(d.column)
            )
        )
    return out
