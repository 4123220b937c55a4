"""What a source is, told from its content: a zip (a Word file or a zipped PAGE
export, told apart by the zip's list of members, never by bytes found anywhere in
it), XML in UTF-8 or UTF-16, or text; and which XML a file declares itself to be
from the namespaces at its start, so that a PAGE or METS file that is not
well-formed is named as one."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from tei_tools.convert.readers.page import METS_NS, PAGE_NS_PREFIXES
from tei_tools.namespaces import TEI_NS

_UTF16 = (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<")
_DECLARED = (*((ns, "a PAGE file") for ns in PAGE_NS_PREFIXES), (METS_NS, "a METS file"))
_HEAD = 64 * 1024  # what is read to tell a file's root element


def kind_of(data: bytes) -> str:
    """ "zip", "xml" or "text", from the first bytes."""
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):  # a zip, or an empty one
        return "zip"
    head = _head_text(data)
    return "xml" if head.lstrip().startswith("<") else "text"


def is_word(members: list[str]) -> bool:
    """A zip is a Word file when it has Word's folder of parts (word/document.xml is
    its text; without it, it is a Word file that cannot be read)."""
    return any(name.startswith("word/") for name in members)


def declared_as(data: bytes) -> str | None:
    """ "a PAGE file" or "a METS file" when the start of ``data`` names its
    namespace, whether or not the rest is well-formed."""
    head = _head_text(data)
    return next((what for ns, what in _DECLARED if ns in head), None)


def is_tei_file(path: Path) -> bool:
    """Whether the XML file at ``path`` has a TEI root element (an output)."""
    parser = etree.XMLPullParser(
        events=("start",), resolve_entities=False, no_network=True, load_dtd=False
    )
    try:
        with path.open("rb") as handle:
            parser.feed(handle.read(_HEAD))
        for _, element in parser.read_events():
            tag = getattr(element, "tag", None)
            return isinstance(tag, str) and tag.startswith(f"{{{TEI_NS}}}")
    except (OSError, etree.XMLSyntaxError):
        return False
    return False


def _head_text(data: bytes) -> str:
    head = data[:4096]
    if head.startswith(_UTF16):
        return head.decode("utf-16" if head[:2] in _UTF16[:2] else _utf16_order(head), "ignore")
    return head.decode("utf-8", "ignore").lstrip("\ufeff")


def _utf16_order(head: bytes) -> str:
    return "utf-16-le" if head.startswith(b"<\x00") else "utf-16-be"
