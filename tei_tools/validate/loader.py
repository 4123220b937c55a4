"""Reading TEI safely: size and binary checks, no DTDs, no entities, no network.

Every problem becomes a Diagnostic with the file, line and column; nothing here
raises on bad input. ``Located`` maps elements to the column of their start tag,
since lxml keeps only the line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from tei_tools.diagnostics import Diagnostic

TEI_NS = "http://www.tei-c.org/ns/1.0"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
# The attributes rule checks read; collected in one XPath pass per document.
INDEXED = (
    "id",
    "who",
    "ref",
    "target",
    "corresp",
    "hand",
    "when",
    "notBefore",
    "notAfter",
    "from",
    "to",
)
_INDEXED = {name: name for name in INDEXED if name != "id"} | {XML_ID: "id"}
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
_START_TAG = re.compile(rb"<(?![/!?])")
_UTF16 = (b"\xff\xfe", b"\xfe\xff", b"<\x00?\x00", b"\x00<\x00?")


def utf16(data: bytes) -> str | None:
    """The codec of a UTF-16 file (by its byte-order mark, or its ``<?`` without
    one), else None."""
    if data.startswith(_UTF16[:2]):
        return "utf-16"
    if data.startswith(_UTF16[2]):
        return "utf-16-le"
    if data.startswith(_UTF16[3]):
        return "utf-16-be"
    return None


def as_utf8(data: bytes) -> bytes:
    """``data`` as UTF-8: UTF-16 transcoded (undecodable bytes replaced: a scan of
    the markup must not fail on them), anything else as it is."""
    codec = utf16(data)
    return data if codec is None else data.decode(codec, "replace").encode("utf-8")


def find_doctype(data: bytes) -> int | None:
    """The offset of a DOCTYPE declaration anywhere in ``data`` (UTF-8 or ASCII-
    compatible; see ``as_utf8``), skipping comments, CDATA sections and processing
    instructions, where the characters are only text. Linear: each ``find`` starts
    where the last construct ended. No engine may ever see a DOCTYPE, wherever it
    stands: jing would fetch its entities."""
    pos = 0
    while (start := data.find(b"<", pos)) >= 0:
        for opener, closer in ((b"<!--", b"-->"), (b"<![CDATA[", b"]]>"), (b"<?", b"?>")):
            if data.startswith(opener, start):
                end = data.find(closer, start + len(opener))
                if end < 0:
                    return None  # runs to the end: the rest is inside it
                pos = end + len(closer)
                break
        else:
            if data[start + 2 : start + 9].upper() == b"DOCTYPE" and data[start + 1] == 0x21:
                return start
            pos = start + 1
    return None


def _parser(encoding: str | None = None) -> etree.XMLParser:
    # No DTD loading, no entity expansion, no network: a hostile file can neither
    # read another file nor fetch anything nor expand into gigabytes.
    return etree.XMLParser(
        encoding=encoding,
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
    _attributes: dict[str, list[tuple[etree._Element, str]]] | None = None
    _ids: dict[str, etree._Element] | None = None
    _lines: list[bytes] | None = None
    # pointer tokens and whether each resolves, found once for the rules that read them
    pointers: list[tuple[etree._Element, str, str, bool | None]] | None = None
    max_bytes: int = DEFAULT_MAX_BYTES  # the limit on any other file a rule reads

    def attributes(self, *names: str) -> list[tuple[etree._Element, str, str]]:
        """(element, name, value) for attributes with these names (``id`` is xml:id;
        the others have no namespace), grouped by name; one pass over the document
        serves every rule (reports sort by line)."""
        if self._attributes is None:
            self._attributes = {}
            for el in self.tree.iter():
                for key, value in el.items():  # [] for a comment: none is indexed
                    name = _INDEXED.get(str(key))
                    if name is not None:
                        self._attributes.setdefault(name, []).append((el, str(value)))
        assert set(names) <= set(INDEXED), names
        return [(el, n, v) for n in names for el, v in self._attributes.get(n, [])]

    @property
    def ids(self) -> dict[str, etree._Element]:
        """xml:id → element (the first one, when an id is used twice)."""
        if self._ids is None:
            self._ids = {}
            for el, _, value in self.attributes("id"):
                self._ids.setdefault(value, el)
        return self._ids

    def column(self, element: etree._Element) -> int:
        """1-based column of ``element``'s start tag (1 when it cannot be found)."""
        number = line_of(element)
        if self._lines is None:
            self._lines = self.data.split(b"\n")
        lines = self._lines
        if number > len(lines):
            return 1
        line = lines[number - 1]
        starts = [m.start() for m in _START_TAG.finditer(line)]
        index = _starts_before(element, number)
        if index >= len(starts):
            return 1
        return len(line[: starts[index]].decode("utf-8", "replace")) + 1


def _starts_before(element: etree._Element, number: int) -> int:
    """How many elements start on line ``number`` before ``element`` (document order).

    Only neighbours on the same line are visited: an earlier sibling that starts on
    an earlier line ends before ``element`` starts, and so do its own siblings."""
    count, node = 0, element
    while True:
        previous = node.getprevious()
        if previous is not None:
            count += sum(1 for d in previous.iter(etree.Element) if line_of(d) == number)
            if line_of(previous) < number:
                return count
            node = previous
            continue
        parent = node.getparent()
        if parent is None or line_of(parent) < number:
            return count
        count += 1
        node = parent


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
    parser = _parser()
    if utf16(data) is not None:  # read as UTF-8, so that columns count characters
        data = as_utf8(data)
        parser = _parser(encoding="utf-8")
    elif b"\x00" in data[:8192]:
        return None, [
            Diagnostic(
                "V005", "binary data, not XML text", name, 1, 1, hint="expected a TEI XML file"
            )
        ]
    doctype = find_doctype(data)
    if doctype is not None:
        line = data.count(b"\n", 0, doctype) + 1
        col = doctype - (data.rfind(b"\n", 0, doctype) + 1) + 1
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
        tree = etree.ElementTree(etree.fromstring(data, parser))
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (1, 1)
        message = str(exc.msg) if exc.msg else str(exc)
        message = re.sub(r", line \d+, column \d+$", "", message)
        hint = "fix the XML syntax at this position"
        depth = re.match(r"Excessive depth in document: (\d+)", message)
        if depth:  # libxml2's safety limit, in our words
            message = (
                f"elements are nested more than {depth.group(1)} levels deep, the limit up "
                "to which documents are read (it keeps reading and validation bounded)"
            )
            hint = f"expected at most {depth.group(1)} levels of nested elements"
        where = (name, line, max(col, 1))
        return None, [Diagnostic("V001", f"not well-formed XML: {message}", *where, hint=hint)]
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
    return Located(name, data, tree, max_bytes=max_bytes), []
