"""Reading the XML parts of a Word file or a PAGE export safely: no DTD, no
entities, no network, and a size limit on what a zip member may unpack to."""

from __future__ import annotations

import zipfile

from lxml import etree

MAX_PART = 256 * 1024 * 1024  # what one part may unpack to (a zip bomb is refused)


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


def read_member(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        info = archive.getinfo(name)
    except KeyError as exc:
        raise ReadError(f"the archive has no {name}") from exc
    if info.file_size > MAX_PART:
        raise ReadError(f"{name} unpacks to {info.file_size} bytes, over the {MAX_PART} limit")
    with archive.open(info) as handle:
        data = handle.read(MAX_PART + 1)
    if len(data) > MAX_PART:
        raise ReadError(f"{name} unpacks to more than {MAX_PART} bytes")
    return data
