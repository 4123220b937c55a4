"""Reading the XML parts of a Word file or a PAGE export safely: no DTD, no
entities, no network.

Whether a part declares a DOCTYPE is decided on the parsed document, not on its
bytes, so a part in UTF-16 (or any encoding lxml reads) is checked as well. Entities
are never resolved; a reference left in the tree would be text the readers do not
see, so a part holding one is refused too."""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from lxml import etree

from tei_tools import budgets
from tei_tools.convert.readers.runs import Run, SourceBlock
from tei_tools.xmlparse import parse_bytes


class ReadError(Exception):
    """A source that cannot be read: the message says what was expected."""

    def __init__(self, message: str, line: int = 1, col: int = 1, file: str | None = None):
        super().__init__(message)
        self.line = line
        self.col = col
        self.file = file


@dataclass
class Spent:
    """What the parts read from one source have cost so far, against ``budgets``."""

    unpacked: int = 0
    elements: int = 0
    text: int = 0
    lines: int = 0
    runs: int = 0

    def add_blocks(self, blocks: list[SourceBlock], name: str) -> None:
        """Count what the readers made of part ``name``; refuse it past a budget."""
        lines = [line for block in blocks for line in block.lines]
        self.lines += len(lines)
        self.text += sum(len(run.text) for line in lines for run in line.runs)
        self.runs += sum(_stretches(line.runs) for line in lines)
        for spent, budget, what in (
            (self.text, budgets.MAX_TEXT, "characters of text"),
            (self.lines, budgets.MAX_LINES, "lines"),
            (self.runs, budgets.MAX_RUNS, "stretches of one formatting"),
        ):
            if spent > budget:
                raise ReadError(
                    f"{name} brings the source to {spent} {what}, past the {budget} "
                    "one source may hold",
                    file=name,
                )


def _stretches(runs: list[Run]) -> int:
    """Runs of one formatting, counted once however many runs Word split them into."""
    return sum(
        1
        for i, run in enumerate(runs)
        if i == 0 or (run.styles, run.change) != (runs[i - 1].styles, runs[i - 1].change)
    )


_CHUNK = 64 * 1024  # bytes fed to the parser between counts of what it has built


def parse_part(
    data: bytes, name: str, spent: Spent | None = None, what: str | None = None
) -> etree._Element:
    """The part's tree, parsed in chunks so that a part that would build more nodes
    than a part or its source may hold is refused before it is built whole. ``what``
    the part declares itself to be ("a PAGE file") names it when it is not well-formed."""
    spent = spent if spent is not None else Spent()
    left = min(budgets.MAX_PART_ELEMENTS, budgets.MAX_ELEMENTS - spent.elements)
    if len(data) < _MIN_NODE_BYTES * left:  # too small to pass the budget: parse it whole
        root, count = _parse_whole(data, name, what)
    else:
        root, count = _parse_counting(data, name, what, left)
    spent.elements += count
    return _checked(root, data, name)


# No element, comment or processing instruction takes fewer bytes ("<a/>"), so a part
# shorter than this many bytes a node cannot build more nodes than its budget allows.
_MIN_NODE_BYTES = 4


def _parse_whole(data: bytes, name: str, what: str | None) -> tuple[etree._Element, int]:
    try:
        root = parse_bytes(data)
    except etree.XMLSyntaxError as exc:
        raise _not_well_formed(exc, name, what) from exc
    if root is None:
        raise ReadError(f"{name} is {what or 'not well-formed XML'}: empty", 1, 1, name)
    nodes = root.xpath("count(//* | //comment() | //processing-instruction())")
    return root, int(nodes)  # type: ignore[arg-type]


def _not_well_formed(exc: etree.XMLSyntaxError, name: str, what: str | None) -> ReadError:
    line, col = (max(1, n) for n in exc.position or (1, 1))  # an empty part: 0, 0
    problem = f"{what} that is not well-formed XML" if what else "not well-formed XML"
    return ReadError(f"{name} is {problem}: {exc.msg}", line, col, name)


def _parse_counting(
    data: bytes, name: str, what: str | None, left: int
) -> tuple[etree._Element, int]:
    """Parsed in chunks, the nodes counted as they are built: refused past ``left``."""
    parser = etree.XMLPullParser(
        events=("start", "comment", "pi"),
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
    )
    count = 0
    try:
        for at in range(0, len(data), _CHUNK):
            parser.feed(data[at : at + _CHUNK])
            count += sum(1 for _ in parser.read_events())
            if count > left:
                raise ReadError(_over_elements(name, left), file=name)
        root = parser.close()
    except etree.XMLSyntaxError as exc:
        raise _not_well_formed(exc, name, what) from exc
    return root, count


def _checked(root: etree._Element, data: bytes, name: str) -> etree._Element:
    """``root`` unless its part declares a DOCTYPE or holds an entity reference."""
    docinfo = root.getroottree().docinfo
    doctype = str(getattr(docinfo, "doctype", ""))  # not in lxml's type stubs
    if doctype or docinfo.internalDTD is not None:
        line, col = _position(data, docinfo.encoding, "<!DOCTYPE")
        raise ReadError(
            f"{name} declares a DOCTYPE ({doctype}), which is not accepted: "
            "its entities would be text no reader sees",
            line,
            col,
            name,
        )
    entity = next(root.iter(etree.Entity), None)
    if entity is not None:
        raise ReadError(
            f"{name} holds the entity reference {entity.text}, which is not resolved",
            int(getattr(entity, "sourceline", 0) or 1),
            1,
            name,
        )
    return root


def _position(data: bytes, encoding: str | None, needle: str) -> tuple[int, int]:
    """Line and column of ``needle`` in ``data`` read in its own encoding."""
    try:
        codec = encoding if encoding and encoding.upper() != "UTF-8" else "utf-8-sig"
        text = codecs.decode(data, codec, errors="replace")
    except LookupError:
        return 1, 1
    at = text.find(needle)
    if at < 0:
        return 1, 1
    line_start = text.rfind("\n", 0, at) + 1
    return text.count("\n", 0, at) + 1, at - line_start + 1


def _over_elements(name: str, left: int) -> str:
    if left < budgets.MAX_PART_ELEMENTS:
        return (
            f"{name} holds more elements than the {budgets.MAX_ELEMENTS} all parts of one "
            "source may hold"
        )
    return f"{name} holds more than the {budgets.MAX_PART_ELEMENTS} elements one part may hold"
