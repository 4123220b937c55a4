"""The one XML parser configuration, for every file tei-tools reads.

No DTD loading, no entity expansion, no network: a hostile file can neither read
another file nor fetch anything nor expand into gigabytes. libxml2's size limits stay
on (a text node of 10 MB, 256 levels of nesting) unless the caller reads its own
trusted output (``huge``: jing's simplified grammars)."""

from __future__ import annotations

from pathlib import Path

from lxml import etree


def safe_parser(
    encoding: str | None = None,
    schema: etree.XMLSchema | None = None,
    *,
    huge: bool = False,
) -> etree.XMLParser:
    """A parser with the safe settings. With ``schema``, libxml2 validates while it
    parses; duplicate xml:ids are left to the rules (R002), not a parse error."""
    return etree.XMLParser(
        encoding=encoding,
        schema=schema,
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        dtd_validation=False,
        huge_tree=huge,
        collect_ids=False,
    )


def parse_bytes(data: bytes, base_url: str | None = None, *, huge: bool = False) -> etree._Element:
    """``data``'s root element, read with the safe settings (XMLSyntaxError if it is
    not well-formed)."""
    if base_url is None:
        return etree.fromstring(data, safe_parser(huge=huge))
    return etree.fromstring(data, safe_parser(huge=huge), base_url=base_url)


def parse_file(path: Path | str, *, huge: bool = False) -> etree._ElementTree:
    """The file's tree, read with the safe settings (OSError, XMLSyntaxError)."""
    return etree.parse(str(path), safe_parser(huge=huge))
