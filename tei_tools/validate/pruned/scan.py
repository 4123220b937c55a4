"""What a batch of documents holds, read from their bytes without parsing them (element
names, the attributes each carries, their values), on several processes."""

from __future__ import annotations

import functools
import hashlib
import re
from pathlib import Path

from lxml import etree

from tei_tools.processes import in_order

# A start tag as XML defines it (an attribute value holds no "<"), so no real start tag
# escapes it; text that looks like one (in a comment, say) only adds names and values.
# Possessive (never backtracking: each part ends where the next cannot begin), a sixth
# faster than the plain form, which tests/test_rng_pruned.py checks it against.
_START_TAG = re.compile(
    rb"<([^\s/>!?<\"'=]++)"
    rb"((?:\s++[^\s=/>\"'<]++\s*+=\s*+(?:\"[^\"<]*+\"|'[^'<]*+'))*+)\s*+/?>"
)
_ATTRIBUTE = re.compile(rb"([^\s=/>\"'<]+)\s*=\s*(?:\"([^\"<]*)\"|'([^'<]*)')")
_ENCODING = re.compile(rb"^(?:\xef\xbb\xbf)?<\?xml[^>]*encoding\s*=\s*[\"']([^\"']*)")


class Scanned:
    """What a batch of documents holds, read from their bytes without parsing: the
    local names of its elements, the attributes each element name carries somewhere,
    and each attribute's values (supersets: text that looks like markup adds some,
    harmlessly)."""

    def __init__(self, data: bytes = b"") -> None:
        self.attributes_of: dict[str, set[str]] = {}  # element local name -> attributes
        self.values: dict[str, set[str]] = {}  # attribute local name -> values, as parsed
        self.exact = True  # False: some values may be missing (a document not in UTF-8)
        self._tags: set[tuple[bytes, bytes]] = set()
        if data:
            self.add(data)

    def add(self, data: bytes) -> None:
        declared = _ENCODING.match(data)
        if data[:2] in (b"\xff\xfe", b"\xfe\xff") or (
            declared and declared[1].lower() not in (b"utf-8", b"utf8", b"us-ascii", b"ascii")
        ):
            self.exact = False
        tags = set(_START_TAG.findall(data)) - self._tags  # documents repeat most tags
        self._tags |= tags
        for name, attributes in tags:
            carried = self.attributes_of.setdefault(_local(name), set())
            for attribute, double, single in _ATTRIBUTE.findall(attributes):
                local = _local(attribute)
                carried.add(local)
                self.values.setdefault(local, set()).add(_parsed(double or single))

    @classmethod
    def of_tree(cls, tree: etree._ElementTree | etree._Element) -> Scanned:
        """What a parsed document holds, exact whatever its encoding (its bytes are read
        as UTF-8: a document in another is ``exact`` False)."""
        scanned = cls()
        for el in tree.iter(etree.Element):
            carried = scanned.attributes_of.setdefault(etree.QName(el).localname, set())
            for key in el.keys():  # noqa: SIM118 (an lxml element)
                local = str(key).rpartition("}")[2]
                carried.add(local)
                scanned.values.setdefault(local, set()).add(str(el.get(key)))
        return scanned

    def merge(self, other: Scanned) -> None:
        self.exact &= other.exact
        for element, attributes in other.attributes_of.items():
            self.attributes_of.setdefault(element, set()).update(attributes)
        for attribute, values in other.values.items():
            self.values.setdefault(attribute, set()).update(values)

    @property
    def key(self) -> str:
        """Which pruned grammar these names call for."""
        names = sorted((element, sorted(a)) for element, a in self.attributes_of.items())
        return hashlib.sha256(repr(names).encode()).hexdigest()


def _parsed(raw: bytes) -> str:
    """An attribute value as an XML parser reports it: line ends and literal white
    space made spaces, then character and entity references replaced."""
    text = raw.replace(b"\r\n", b" ").translate(_WHITE_TO_SPACE).decode("utf-8", "replace")
    if "&" in text:  # a name XML does not predefine fails the parse anyway
        text = _REFERENCE.sub(_referenced, text)
    return text


_WHITE_TO_SPACE = bytes.maketrans(b"\t\n\r", b"   ")
# XML's references, as XML reads them (html.unescape reads HTML's: it drops "&#x7F;"
# and maps "&#x80;" to "€")
_REFERENCE = re.compile(r"&(?:#([0-9]+)|#x([0-9a-fA-F]+)|(lt|gt|amp|quot|apos));")
_PREDEFINED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


def _referenced(found: re.Match[str]) -> str:
    if found[3]:
        return _PREDEFINED[found[3]]
    code = int(found[1]) if found[1] else int(found[2], 16)
    return chr(code) if code <= 0x10FFFF else found[0]  # beyond Unicode: the parse fails


def _local(name: bytes) -> str:
    return name.rpartition(b":")[2].decode("utf-8", "replace")


def _scan_chunk(
    listed: frozenset[str], max_bytes: int, files: list[str]
) -> tuple[list[str | None], Scanned]:
    """Each plain file's SHA-256 (None for another: see ``_jing_readable``), and the
    names and values of those the verdict cache does not list; each file read once."""
    digests: list[str | None] = []
    scanned = Scanned()
    for file in files:
        data = _jing_readable(Path(file), max_bytes)
        digest = None if data is None else hashlib.sha256(data).hexdigest()
        digests.append(digest)
        if data is not None and digest not in listed:
            scanned.add(data)
    return digests, scanned


def _jing_readable(path: Path, max_bytes: int) -> bytes | None:
    """The bytes of a file a batch engine (jing) may read: within the size limit and
    without a DOCTYPE anywhere (jing would resolve its entities: fetch a URL, or abort
    on a missing file; the loader refuses such a document before any schema sees it)."""
    from tei_tools.validate.loader import as_utf8, find_doctype

    try:
        if not path.is_file() or path.stat().st_size > max_bytes:
            return None
        data = path.read_bytes()
    except OSError:
        return None
    return data if find_doctype(as_utf8(data)) is None else None


def scan_files(
    files: list[str], listed: frozenset[str], jobs: int, max_bytes: int
) -> tuple[dict[str, str], Scanned]:
    """The SHA-256 of each file a batch engine may read, and what those whose digest
    is not ``listed`` (found valid before) hold, read on ``jobs`` processes."""
    chunks = [files[i : i + 64] for i in range(0, len(files), 64)]
    # the listed digests reach the workers through the fork, not pickled per chunk
    parts = list(in_order(functools.partial(_scan_chunk, listed, max_bytes), chunks, jobs))
    digests: dict[str, str] = {}
    scanned = Scanned()
    for chunk, (found, part) in zip(chunks, parts, strict=True):
        digests.update((f, d) for f, d in zip(chunk, found, strict=True) if d is not None)
        scanned.merge(part)
    return digests, scanned


SAMPLE = 64  # files of a batch read for its names when no earlier batch left any


def sample_names(files: list[str], max_bytes: int) -> dict[str, set[str]]:
    """The element names (and the attributes each carries) in a spread of up to SAMPLE
    of ``files``: a first batch's vocabulary (the pass defers what it lacks)."""
    step = max(1, len(files) // SAMPLE)
    _, scanned = _scan_chunk(frozenset(), max_bytes, files[::step][:SAMPLE])
    return scanned.attributes_of
