"""Reading the XML parts of a Word file or a PAGE export safely: no DTD, no
entities, no network.

Whether a part declares a DOCTYPE is decided on the parsed document, not on its
bytes, so a part in UTF-16 (or any encoding lxml reads) is checked as well. Entities
are never resolved; a reference left in the tree would be text the readers do not
see, so a part holding one is refused too."""

from __future__ import annotations

import codecs

from lxml import etree


class ReadError(Exception):
    """A source that cannot be read: the message says what was expected."""

    def __init__(self, message: str, line: int = 1, col: int = 1, file: str | None = None):
        super().__init__(message)
        self.line = line
        self.col = col
        self.file = file


_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def parse_part(data: bytes, name: str) -> etree._Element:
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (1, 1)
        raise ReadError(f"{name} is not well-formed XML: {exc.msg}", line, col, name) from exc
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
