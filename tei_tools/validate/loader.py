"""Reading TEI safely: size and binary checks, no DTDs, no entities, no network.

Every problem becomes a Diagnostic with the file, line and column; nothing here
raises on bad input. ``Located`` maps elements to the column of their start tag,
since lxml keeps only the line.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from tei_tools.diagnostics import Diagnostic
from tei_tools.namespaces import TEI_NS, XML_ID
from tei_tools.validate.budget import UnitLog
from tei_tools.xmlparse import safe_parser

# The attributes rule checks read; collected in one pass per document (Located._walk).
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
_START_STR = re.compile(r"<(?![/!?])")
_MARKUP_DECLARATION = re.compile(rb"<[!?]")  # where a comment, CDATA, PI or DOCTYPE starts
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
    while (found := _MARKUP_DECLARATION.search(data, pos)) is not None:
        start = found.start()
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
    _elements: list[etree._Element] | None = None
    _attribute_names: set[str] | None = None
    _ids: dict[str, etree._Element] | None = None
    _lines: list[bytes] | None = None
    _columns: dict[int, list[int]] = field(default_factory=dict)  # line → start tag columns
    _crowded: dict[etree._Element, int] | None = None  # see _crowded_ranks
    # every value of the attributes ``_values_for`` names (local names): see attribute_values
    _values: dict[str, set[str]] | None = None
    _values_for: frozenset[str] = frozenset()
    # the Schematron reads the outline after the grammar: the first pass reads it too
    wants_outline: bool = False
    # pointer tokens and whether each resolves, found once for the rules that read them
    pointers: list[tuple[etree._Element, str, str, bool | None]] | None = None
    max_bytes: int = DEFAULT_MAX_BYTES  # the limit on any other file a rule reads
    folder: Path | None = None  # the folder other files are looked for in (resolved once)
    encoding: str | None = None  # what ``data`` must be read as ("utf-8" after UTF-16)
    # the bounded units of this document's check (see validate.budget)
    units: UnitLog = field(default_factory=UnitLog)

    @functools.cached_property
    def digest(self) -> str:
        """The SHA-256 of the document's bytes (as read: UTF-8 after UTF-16), the key
        of every verdict cache; computed once for all of them."""
        return hashlib.sha256(self.data).hexdigest()

    def attributes(self, *names: str) -> list[tuple[etree._Element, str, str]]:
        """(element, name, value) for attributes with these names (``id`` is xml:id;
        the others have no namespace), grouped by name; one pass over the document
        serves every rule (reports sort by line)."""
        if self._attributes is None:
            self._walk(self.wants_outline)
        assert self._attributes is not None and set(names) <= set(INDEXED), names
        return [(el, n, v) for n in names for el, v in self._attributes.get(n, [])]

    @property
    def elements(self) -> list[etree._Element]:
        """The document's elements in document order (no comments or PIs)."""
        if self._elements is None:
            self._walk(outline=True, values_for=self._values_for)
        assert self._elements is not None
        return self._elements

    @property
    def attribute_names(self) -> set[str]:
        """Every attribute name the document uses (Clark notation)."""
        if self._attribute_names is None:
            self._walk(outline=True, values_for=self._values_for)
        assert self._attribute_names is not None
        return self._attribute_names

    def attribute_values(self, names: frozenset[str]) -> dict[str, set[str]]:
        """Every value the document gives an attribute of one of these local names (in
        any namespace), as parsed; read in the pass that reads the rules' attributes."""
        if self._values is None or not names <= self._values_for:
            self._walk(self.wants_outline, names | self._values_for)
        assert self._values is not None
        return self._values

    def _walk(self, outline: bool, values_for: frozenset[str] = frozenset()) -> None:
        """One pass over the document for what its layers read: the values of the
        attributes the rules read (INDEXED); with ``outline``, its elements and the
        attribute names it uses (the Schematron's pre-filter); the values of the
        attributes ``values_for`` names (the grammar's pattern facets). Without the
        Schematron (a grammar alone) the element list is not made."""
        indexed: defaultdict[str, list[tuple[etree._Element, str]]] = defaultdict(list)
        values: defaultdict[str, set[str]] = defaultdict(set)
        kinds: dict[str, tuple[str | None, str | None]] = {}  # key -> (INDEXED, values_for)
        for el in self.tree.iter(etree.Element):
            # keys() then get(): lxml's items() and values() take quadratic time in
            # the number of attributes (each value is looked up by a linear scan).
            # lxml's names and values are str (its stubs: or bytes); no cast() here,
            # a call per attribute of every document
            keys: list[str] = el.keys()  # type: ignore[assignment]
            for key in keys:
                kind = kinds.get(key)
                if kind is None:
                    local = key.rpartition("}")[2]
                    kind = kinds[key] = (_INDEXED.get(key), local if local in values_for else None)
                rule, facet = kind
                if rule is None and facet is None:
                    continue
                value: str = el.get(key)  # type: ignore[assignment]
                if rule is not None:
                    indexed[rule].append((el, value))
                if facet is not None:
                    values[facet].add(value)
        self._attributes, self._values, self._values_for = indexed, values, values_for
        if outline:  # every name met is a key of ``kinds``
            self._elements = list(self.tree.iter(etree.Element))
            self._attribute_names = set(kinds)

    @property
    def ids(self) -> dict[str, etree._Element]:
        """xml:id → element (the first one, when an id is used twice)."""
        if self._ids is None:
            self._ids = {}
            for el, _, value in self.attributes("id"):
                self._ids.setdefault(value, el)
        return self._ids

    def column(self, element: etree._Element) -> int:
        """1-based column of ``element``'s start tag (1 when it cannot be found).
        Linear in all: each line's start tags are found once, and an element's rank
        among those of its line is counted by a short walk, or, past WALK_BUDGET
        elements on one line, read from an index made in one pass over the tree."""
        number = line_of(element)
        columns = self._columns.get(number)
        if columns is None:
            if self._lines is None:
                self._lines = self.data.split(b"\n")
            if number > len(self._lines):
                return 1
            text = self._lines[number - 1].decode("utf-8", "replace")
            columns = self._columns[number] = [m.start() + 1 for m in _START_STR.finditer(text)]
        index = _starts_before(element, number, WALK_BUDGET)
        if index is None:
            if self._crowded is None:
                self._crowded = _crowded_ranks(self.tree)
            index = self._crowded.get(element, len(columns))
        return columns[index] if index < len(columns) else 1


WALK_BUDGET = 64  # elements counted back along a line before the index is made


def _crowded_ranks(tree: etree._ElementTree) -> dict[etree._Element, int]:
    """The rank on its line of every element that has WALK_BUDGET or more elements
    before it on that line (document order keeps a line's elements together)."""
    ranks: dict[etree._Element, int] = {}
    line, rank = -1, 0
    for el in tree.iter(etree.Element):
        number = line_of(el)
        rank = rank + 1 if number == line else 0
        line = number
        if rank >= WALK_BUDGET:
            ranks[el] = rank
    return ranks


def _starts_before(element: etree._Element, number: int, budget: int) -> int | None:
    """How many elements start on line ``number`` before ``element`` (document order);
    None when that is more than ``budget``.

    Only neighbours on the same line are visited: an earlier sibling that starts on
    an earlier line ends before ``element`` starts, and so do its own siblings."""
    count, node = 0, element
    while count <= budget:
        previous = node.getprevious()
        if previous is not None:
            for d in previous.iter(etree.Element):
                count += line_of(d) == number
                if count > budget:
                    return None
            if line_of(previous) < number:
                return count
            node = previous
            continue
        parent = node.getparent()
        if parent is None or line_of(parent) < number:
            return count
        count += 1
        node = parent
    return None


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
    encoding = None
    if utf16(data) is not None:  # read as UTF-8, so that columns count characters
        data, encoding = as_utf8(data), "utf-8"
    elif b"\x00" in data[:8192]:
        return None, [
            Diagnostic(
                "V005", "binary data, not XML text", name, 1, 1, hint="expected a TEI XML file"
            )
        ]
    parser = safe_parser(encoding)
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
    if etree.QName(root).namespace != TEI_NS:  # TEI, teiCorpus, or a tei_tite <text>
        qname = etree.QName(root)
        found = f"{{{qname.namespace}}}{qname.localname}" if qname.namespace else qname.localname
        return None, [
            Diagnostic(
                "V003",
                f"root element is {found}, not an element in the TEI namespace",
                name,
                line_of(root),
                1,
                hint=f'expected <TEI xmlns="{TEI_NS}">',
            )
        ]
    return Located(name, data, tree, max_bytes=max_bytes, encoding=encoding), []
