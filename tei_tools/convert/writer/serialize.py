"""Byte-stable serialisation: UTF-8, LF, final newline, indentation between blocks only.

A generic pretty-printer would add white space inside mixed content and so change
the transcription; here only elements that hold no text of their own are indented.
"""

from __future__ import annotations

from lxml import etree

from tei_tools.namespaces import T

INDENT = "  "
TEI = T
# Elements that hold only elements here; everything else may be mixed content.
BLOCK_CONTAINERS = frozenset(
    TEI + name
    for name in [
        "TEI",
        "teiHeader",
        "fileDesc",
        "titleStmt",
        "respStmt",
        "publicationStmt",
        "sourceDesc",
        "bibl",
        "encodingDesc",
        "appInfo",
        "application",
        "editorialDecl",
        "hyphenation",
        "profileDesc",
        "abstract",
        "creation",
        "langUsage",
        "textClass",
        "keywords",
        "particDesc",
        "listPerson",
        "person",
        "revisionDesc",
        "text",
        "front",
        "body",
        "back",
        "div",
        "list",
        "standOff",
        "fs",
        "f",
    ]
)


def _holds_text(el: etree._Element) -> bool:
    if el.text and el.text.strip():
        return True
    return any(child.tail and child.tail.strip() for child in el)


def indent_blocks(el: etree._Element, level: int = 0) -> None:
    """Indent children of elements that contain only elements (no character data)."""
    if not len(el) or el.tag not in BLOCK_CONTAINERS or _holds_text(el):
        return
    pad = "\n" + INDENT * (level + 1)
    el.text = pad
    for child in el:
        indent_blocks(child, level + 1)
        child.tail = pad
    el[-1].tail = "\n" + INDENT * level


def serialize(tree: etree._ElementTree) -> bytes:
    indent_blocks(tree.getroot())
    body = etree.tostring(tree, encoding="UTF-8", xml_declaration=False)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + body + b"\n"
