"""Reading TEI safely: size and binary checks, no DTDs, no entities, no network.

Every problem becomes a Diagnostic with the file, line and column; nothing here
raises on bad input. ``Located`` maps elements to the column of their start tag,
since lxml keeps only the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from tei_tools.diagnostics import Diagnostic

TEI_NS = "http://www.tei-c.org/ns/1.0"
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
_START_TAG = re.compile(rb"<(?![/!?])")
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.I)


def _parser() -> etree.XMLParser:
    # No DTD loading, no entity expansion, no network: a hostile file can neither
    # read another file nor fetch anything nor expand into gigabytes.
    return etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        dtd_validation=False,
        huge_tree=False,
        collect_ids=False,  # duplicate xml:ids are a rule finding (R002), not a parse error
    )


def line_of(element: etree._Element) -> int:
    """The element's source line (1 when lxml does not know it)."""
    line = getattr(element, "sourceline", None)
    return line if isinstance(line, int) and line > 0 else 1


@dataclass
class Located:
    """A parsed document plus what is needed to point into its source."""

    name: str
    data: bytes
    tree: etree._ElementTree
    _columns: dict[etree._Element, int] = field(default_factory=dict)

    def column(self, element: etree._Element) -> int:
        """1-based column of ``element``'s start tag (1 when it cannot be found)."""
        if not self._columns:
            self._index()
        return self._columns.get(element, 1)

    def _index(self) -> None:
        lines = self.data.split(b"\n")
        by_line: dict[int, list[etree._Element]] = {}
        for el in self.tree.getroot().iter():
            if isinstance(el.tag, str):
                by_line.setdefault(line_of(el), []).append(el)
        for number, elements in by_line.items():
            if number > len(lines):
                continue
            line = lines[number - 1]
            # Elements that start on a line, in document order, match the start tags
            # on that line in textual order (comments and PIs are neither).
            starts = [m.start() for m in _START_TAG.finditer(line)]
            for el, start in zip(elements, starts, strict=False):
                self._columns[el] = len(line[:start].decode("utf-8", "replace")) + 1


def load(
    name: str, data: bytes, max_bytes: int = DEFAULT_MAX_BYTES, size: int | None = None
) -> tuple[Located | None, list[Diagnostic]]:
    """Parse ``data`` as TEI, or explain why it cannot be read."""
    size = len(data) if size is None else size
    if size > max_bytes:
        return None, [
            Diagnostic(
                "V004",
                f"file is {size / 2**20:.1f} MiB, over the {max_bytes / 2**20:g} MiB limit; "
                "not read",
                name,
                1,
                1,
                hint="raise the limit with --max-size (MiB)",
            )
        ]
    if b"\x00" in data[:8192]:
        return None, [
            Diagnostic(
                "V005", "binary data, not XML text", name, 1, 1, hint="expected a TEI XML file"
            )
        ]
    doctype = _DOCTYPE.search(data)
    if doctype is not None:
        line = data.count(b"\n", 0, doctype.start()) + 1
        col = doctype.start() - (data.rfind(b"\n", 0, doctype.start()) + 1) + 1
        return None, [
            Diagnostic(
                "V002",
                "a DOCTYPE declaration is not allowed (entities are never resolved)",
                name,
                line,
                col,
                hint="remove the DOCTYPE; TEI P5 documents need none",
            )
        ]
    try:
        tree = etree.ElementTree(etree.fromstring(data, _parser()))
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (1, 1)
        message = str(exc.msg) if exc.msg else str(exc)
        message = re.sub(r", line \d+, column \d+$", "", message)
        return None, [
            Diagnostic(
                "V001",
                f"not well-formed XML: {message}",
                name,
                line,
                max(col, 1),
                hint="fix the XML syntax at this position",
            )
        ]
    root = tree.getroot()
    if root.tag != f"{{{TEI_NS}}}TEI":
        qname = etree.QName(root)
        found = f"{{{qname.namespace}}}{qname.localname}" if qname.namespace else qname.localname
        return None, [
            Diagnostic(
                "V003",
                f"root element is {found}, not TEI in the TEI namespace",
                name,
                line_of(root),
                1,
                hint=f'expected <TEI xmlns="{TEI_NS}">',
            )
        ]
    return Located(name, data, tree), []
