"""Reading the XML parts of a Word file or a PAGE export safely: no DTD, no
entities, no network."""

from __future__ import annotations

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
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:  # markup outside text: escaped there
        raise ReadError(f"{name} declares a DOCTYPE or entities, which are not accepted", file=name)
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (1, 1)
        raise ReadError(f"{name} is not well-formed XML: {exc.msg}", line, col, name) from exc
