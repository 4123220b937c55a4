"""A fast route to jing's verdicts on large RELAX NG schemas (tei_all, ODD outputs).

jing simplifies the schema once (``jing -s``: one ``define`` per element pattern); the
result is cached on disk, keyed by the SHA-256 of the schema and of every file it
includes. For a run, the simplified grammar is pruned to the elements the documents can
contain: an element pattern whose local name occurs nowhere in them becomes
``notAllowed``, which then propagates as in RELAX NG simplification (spec §4.20). A
pattern for an element a document does not contain matches nothing in it, so for those
documents the pruned grammar accepts what the whole one accepts; libxml2 compiles it in
milliseconds where the whole of tei_all takes seconds (and TEI Simple, forever).

The pruned grammar only ever accepts: a document libxml2 rejects is checked again by
jing, whose verdict and positions stand (``JingSchema.prepare``).
"""

from __future__ import annotations

import functools
import hashlib
import multiprocessing
import os
import re
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from lxml import etree

from tei_tools.cache import cache_dir
from tei_tools.io import atomic_write
from tei_tools.processes import die_with_parent

_R = "{http://relaxng.org/ns/structure/1.0}"
_NAME_CLASSES = {f"{_R}name", f"{_R}anyName", f"{_R}nsName", f"{_R}choice"}
# A pattern with one of these is notAllowed as soon as one of its patterns is.
_ALL_OF = {
    f"{_R}{tag}"
    for tag in ("group", "interleave", "oneOrMore", "list", "attribute", "element", "mixed")
}
_OPTIONAL = {f"{_R}optional", f"{_R}zeroOrMore"}
_LEAVES = {f"{_R}{tag}" for tag in ("empty", "text", "value", "data")}
# A start tag as XML defines it (an attribute value holds no "<"), so no real start tag
# escapes it; text that looks like one (in a comment, say) only adds names and values.
_START_TAG = re.compile(
    rb"<([^\s/>!?<\"'=]+)((?:\s+[^\s=/>\"'<]+\s*=\s*(?:\"[^\"<]*\"|'[^'<]*'))*)\s*/?>"
)
_ATTRIBUTE = re.compile(rb"([^\s=/>\"'<]+)\s*=\s*(?:\"([^\"<]*)\"|'([^'<]*)')")
_ENCODING = re.compile(rb"^(?:\xef\xbb\xbf)?<\?xml[^>]*encoding\s*=\s*[\"']([^\"']*)")
_XML_SPACE = re.compile(r"[ \t\n\r]+")

CACHE_FORMAT = "3"  # bump when the cached form changes
COMPILE_BUDGET = 20.0  # seconds libxml2 may take to compile a pruned grammar


class Unsupported(Exception):
    """The simplified grammar has a construct the pruner does not know."""


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
    if "&" in text:
        import html

        text = html.unescape(text)  # a name XML does not predefine fails the parse anyway
    return text


_WHITE_TO_SPACE = bytes.maketrans(b"\t\n\r", b"   ")


def _local(name: bytes) -> str:
    return name.rpartition(b":")[2].decode("utf-8", "replace")


def _schema_files(path: Path) -> list[Path]:
    """The schema and every file it includes, transitively, in a stable order."""
    seen: dict[Path, None] = {}
    todo = [path.resolve()]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen[current] = None
        tree = etree.parse(str(current), etree.XMLParser(no_network=True, resolve_entities=False))
        for ref in tree.iter(f"{_R}include", f"{_R}externalRef"):
            href = ref.get("href")
            if href:
                todo.append((current.parent / href).resolve())
    return list(seen)


def schema_key(path: Path, command: list[str]) -> str:
    digest = hashlib.sha256(CACHE_FORMAT.encode())
    digest.update(" ".join(command).encode())  # another jing may simplify differently
    for file in _schema_files(path):
        digest.update(file.read_bytes())
    return digest.hexdigest()


def _store(target: Path, data: bytes) -> None:
    """Best effort: a cache that cannot be written only costs the next run the work
    again. Concurrent runs may race here: each writes its own file and renames it."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(target, data)
    except OSError:
        pass


_SIMPLIFYING: dict[str, tuple[subprocess.Popen[bytes], IO[bytes]]] = {}


def simplify_ahead(key: str, path: Path, command: list[str]) -> None:
    """Start ``jing -s`` now if the cache lacks its output, so that it runs while the
    documents are read (``simplified`` collects it)."""
    if key in _SIMPLIFYING or (cache_dir() / "rng" / f"{key}.rng").exists():
        return
    # A file, not a pipe (jing never waits on us); closed in ``simplified``.
    output = tempfile.TemporaryFile()  # noqa: SIM115
    process = subprocess.Popen(
        [*command, "-s", str(path)], stdout=output, stderr=subprocess.DEVNULL
    )
    _SIMPLIFYING[key] = (process, output)


def simplified(key: str, path: Path, command: list[str]) -> bytes | None:
    """jing's simplified form of the schema (of ``schema_key`` ``key``), from the cache
    or made now (None if jing cannot simplify it)."""
    cached = cache_dir() / "rng" / f"{key}.rng"
    try:
        return cached.read_bytes()
    except OSError:
        pass
    simplify_ahead(key, path, command)
    process, output = _SIMPLIFYING.pop(key)
    with output:
        process.wait()
        output.seek(0)
        grammar = output.read()
    if process.returncode or not grammar.strip():
        return None
    _store(cached, grammar)
    return grammar


def prune(grammar: bytes, attributes_of: dict[str, set[str]]) -> bytes:
    """The simplified ``grammar`` without the elements whose local names are not keys
    of ``attributes_of``, and without the attributes an element of that name never
    carries there (an element pattern without a name carries any of them)."""
    root = etree.fromstring(grammar, etree.XMLParser(huge_tree=True))
    start = root.find(f"{_R}start")
    if root.tag != f"{_R}grammar" or start is None:
        raise Unsupported("not a simplified grammar")
    defines = {d.get("name", ""): d for d in root.iterchildren(f"{_R}define")}
    dead: set[str] = set()
    for name, define in defines.items():
        element = define[0] if len(define) else None
        if element is not None and element.tag == f"{_R}element":
            local = element.get("name")
            if local is not None and local not in attributes_of:
                dead.add(name)
    live = _reachable(start, defines, dead)  # only these are worth pruning further
    anywhere = set().union(*attributes_of.values())
    for name in live:
        for attribute in list(defines[name].iter(f"{_R}attribute")):
            local = attribute.get("name")
            owner = next(attribute.iterancestors(f"{_R}element"), None)
            owner_name = owner.get("name") if owner is not None else None
            carried = anywhere if owner_name is None else attributes_of.get(owner_name, set())
            if local is not None and local not in carried:
                attribute.clear()
                attribute.tag = f"{_R}notAllowed"
    changed = True
    while changed:  # deadness only grows, so this reaches its fixed point
        changed = False
        for name in live - dead:
            if _not_allowed(defines[name], dead):
                dead.add(name)
                changed = True
    if _not_allowed(start, dead):
        raise Unsupported("no document element the schema allows occurs in the documents")
    live = _reachable(start, defines, dead)
    # a fresh tree (cheaper than cutting this one), RELAX NG as its default namespace
    pruned = etree.fromstring(f'<grammar xmlns="{_R[1:-1]}"/>')
    pruned.append(start)
    pruned.extend(defines[name] for name in sorted(live))
    _drop_empty(pruned)
    _as_mixed(pruned)
    return etree.tostring(pruned)


def _drop_empty(root: etree._Element) -> None:
    """``empty`` is the identity of group and interleave: pruned optional attributes
    leave many, each a step for libxml2 on every element."""
    for group in root.iter(f"{_R}group", f"{_R}interleave"):
        for child in list(group):
            if child.tag == f"{_R}empty" and len(group) > 1:
                group.remove(child)


def _as_mixed(root: etree._Element) -> None:
    """``(text | a | b …)*`` (or ``+``: ``text`` matches nothing too) as ``mixed {(a | b
    …)*}``, its equal when every other branch is one element, which libxml2 validates
    about twice as fast (it sorts a mixed model's children by name)."""
    for repeat in list(root.iter(f"{_R}oneOrMore", f"{_R}zeroOrMore")):
        if len(repeat) != 1 or repeat[0].tag != f"{_R}choice":
            continue
        choice = repeat[0]
        texts = [c for c in choice if c.tag == f"{_R}text"]
        others = [c for c in choice if c.tag != f"{_R}text"]
        if not texts or not others or any(c.tag != f"{_R}ref" for c in others):
            continue
        for text in texts:
            choice.remove(text)
        mixed = etree.Element(f"{_R}interleave")
        etree.SubElement(mixed, f"{_R}text")
        etree.SubElement(mixed, f"{_R}zeroOrMore").append(choice if len(others) > 1 else others[0])
        parent = repeat.getparent()
        assert parent is not None
        parent.replace(repeat, mixed)


def _patterns(node: etree._Element) -> Iterable[etree._Element]:
    """The child patterns of ``node``, without its name class."""
    children = list(node)
    if node.tag in (f"{_R}element", f"{_R}attribute") and node.get("name") is None:
        if not children or children[0].tag not in _NAME_CLASSES:
            raise Unsupported(f"{node.tag} without a name class")
        children = children[1:]
    return children


def _not_allowed(node: etree._Element, dead: set[str]) -> bool:
    """Whether ``node`` can match nothing; dead branches are cut out of it on the way."""
    tag = node.tag
    if tag == f"{_R}ref":
        return node.get("name") in dead
    if tag == f"{_R}notAllowed":
        return True
    if tag in _LEAVES:
        return False
    if tag == f"{_R}choice":
        for child in list(node):
            if _not_allowed(child, dead):
                node.remove(child)
        return len(node) == 0
    if tag in _OPTIONAL:
        if any([_not_allowed(child, dead) for child in node]):
            for child in list(node):
                node.remove(child)
            node.tag = f"{_R}empty"
        return False
    if tag in _ALL_OF or tag in (f"{_R}define", f"{_R}start"):
        # every child is visited (no short cut), so each has its dead branches cut
        return any([_not_allowed(child, dead) for child in _patterns(node)])
    raise Unsupported(f"unexpected {tag} in a simplified grammar")


def _reachable(
    start: etree._Element, defines: dict[str, etree._Element], dead: set[str]
) -> set[str]:
    """The defines ``start`` reaches through references to defines not ``dead``."""
    reached: set[str] = set()
    todo = [start]
    while todo:
        for ref in todo.pop().iter(f"{_R}ref"):
            name = ref.get("name", "")
            if name not in defines:
                raise Unsupported(f"reference to an undefined pattern {name}")
            if name not in reached and name not in dead:
                reached.add(name)
                todo.append(defines[name])
    return reached


def _compile_child(grammar: bytes) -> None:
    etree.RelaxNG(etree.fromstring(grammar))


def exit_code_within(
    target: Callable[..., object], args: tuple[Any, ...], seconds: float
) -> int | None:
    """Run ``target(*args)`` in a forked child: its exit code, or None (after killing
    it) when it does not finish within ``seconds``. libxml2 cannot be interrupted in
    process, and never finishes compiling some schemas."""
    child = multiprocessing.get_context("fork").Process(target=target, args=args)
    child.start()
    child.join(seconds)
    if child.is_alive():
        child.kill()
        child.join()
        return None
    return child.exitcode


def compiles(grammar: bytes) -> bool:
    """Whether libxml2 compiles ``grammar`` within COMPILE_BUDGET: tried once in a
    child process, and a grammar that did is remembered in the cache."""
    marker = cache_dir() / "rng" / f"{hashlib.sha256(grammar).hexdigest()}.compiles"
    if marker.exists():
        return True
    if exit_code_within(_compile_child, (grammar,), COMPILE_BUDGET) != 0:
        return False
    _store(marker, b"")
    return True


def pruned_validator(
    key: str, path: Path, command: list[str], scanned: Scanned
) -> etree.RelaxNG | None:
    """libxml2 validator of ``path`` pruned to the names in ``scanned`` and relaxed to
    its values, or None (then jing alone). A pruned grammar is cached too: a run that
    meets the same names as an earlier one neither reads nor prunes the whole grammar."""
    wanted = hashlib.sha256((key + scanned.key).encode()).hexdigest()
    cached = cache_dir() / "rng" / f"{wanted}.pruned.rng"
    try:
        grammar = cached.read_bytes()
    except OSError:
        whole = simplified(key, path, command)
        if whole is None:
            return None
        try:
            grammar = prune(whole, scanned.attributes_of)
        except (Unsupported, etree.XMLSyntaxError):
            return None
        _store(cached, grammar)
    if not compiles(grammar):
        return None
    try:  # relaxing only drops facets: it compiles where the pruned grammar does
        return _compiled(grammar, droppable(grammar, scanned))
    except (etree.RelaxNGParseError, etree.XMLSyntaxError):
        return None


@functools.lru_cache(maxsize=32)
def _compiled(grammar: bytes, dropped: frozenset[Facet]) -> etree.RelaxNG:
    """One compile per pruned grammar and set of dropped facets, in each process: the
    same names with other values may drop other facets, so both make the key."""
    return etree.RelaxNG(etree.fromstring(without_facets(grammar, dropped)))


Facet = tuple[str, str, bool]  # attribute local name, pattern, whether in a list


def _facet_sites(root: etree._Element) -> Iterator[tuple[etree._Element, Facet]]:
    """Every pattern facet of a named attribute's data (not under ``except``)."""
    for attribute in root.iter(f"{_R}attribute"):
        name = attribute.get("name")
        if name is None:
            continue
        for data in attribute.iter(f"{_R}data"):
            context = set()
            for ancestor in data.iterancestors():
                if ancestor is attribute:
                    break
                context.add(ancestor.tag)
            if f"{_R}except" in context:
                continue
            for param in data.iterchildren(f"{_R}param"):
                if param.get("name") == "pattern":
                    yield param, (name, param.text or "", f"{_R}list" in context)


@functools.lru_cache(maxsize=8)
def _facets(grammar: bytes) -> frozenset[Facet]:
    return frozenset(facet for _, facet in _facet_sites(etree.fromstring(grammar)))


def droppable(grammar: bytes, scanned: Scanned) -> frozenset[Facet]:
    """The pattern facets that every value the documents give the attribute already
    meets, as checked here in ASCII (where every Unicode version and regex engine
    agree). Matching those patterns is a third of libxml2's work on TEI
    (``[^\\p{C}\\p{Z}]+`` on every token); for the scanned documents dropping them
    changes no verdict, and ``check`` validates only those bytes with it."""
    if not scanned.exact:
        return frozenset()
    dropped = set()
    for facet in _facets(grammar):
        name, pattern, in_list = facet
        values = scanned.values.get(name, set())
        if _meet(pattern, _tokens(values) if in_list else _forms(values)):
            dropped.add(facet)
    return frozenset(dropped)


def without_facets(grammar: bytes, dropped: frozenset[Facet]) -> bytes:
    if not dropped:
        return grammar
    root = etree.fromstring(grammar)
    for param, facet in list(_facet_sites(root)):
        if facet in dropped:
            parent = param.getparent()
            assert parent is not None
            parent.remove(param)
    return etree.tostring(root)


def _tokens(values: set[str]) -> set[str]:
    return {token for value in values for token in _XML_SPACE.split(value) if token}


def _forms(values: set[str]) -> set[str]:
    """Each value as given and as each XML Schema white-space facet would make it."""
    forms = set(values)
    for value in values:
        replaced = _XML_SPACE.sub(lambda m: " " * len(m.group()), value)
        forms |= {replaced, " ".join(t for t in _XML_SPACE.split(value) if t)}
    return forms


@functools.lru_cache(maxsize=256)
def _translated(pattern: str) -> re.Pattern[str] | None:
    """An XML Schema pattern as a Python one (elementpath translates it; the result is
    cached on disk, as expanding ``\\p{C}`` takes elementpath a fifth of a second)."""
    cached = cache_dir() / "regex" / f"{hashlib.sha256(pattern.encode()).hexdigest()}.txt"
    try:
        return re.compile(cached.read_text(encoding="utf-8"))
    except (OSError, re.error, UnicodeDecodeError):
        pass
    from elementpath.regex import translate_pattern

    try:
        translated = translate_pattern(pattern)
        compiled = re.compile(translated)
    except Exception:  # a pattern elementpath cannot read stays with libxml2
        return None
    _store(cached, translated.encode("utf-8"))
    return compiled


def _meet(pattern: str, strings: set[str]) -> bool:
    compiled = _translated(pattern)
    return compiled is not None and all(s.isascii() and compiled.fullmatch(s) for s in strings)


_KNOWN: frozenset[str] = frozenset()  # digests of files known valid, set before a fork


def _scan_chunk(files: list[str]) -> tuple[list[str], Scanned]:
    """Each file's SHA-256, and the names and values of those not known valid."""
    digests, scanned = [], Scanned()
    for file in files:
        data = Path(file).read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        digests.append(digest)
        if digest not in _KNOWN:
            scanned.add(data)
    return digests, scanned


def scan_files(
    files: list[str], known: frozenset[str], jobs: int
) -> tuple[dict[str, str], Scanned]:
    """The SHA-256 of each file, and what the files whose digest is not ``known`` hold,
    read on ``jobs`` processes."""
    global _KNOWN
    _KNOWN = known
    chunks = [files[i : i + 64] for i in range(0, len(files), 64)]
    if jobs < 2 or len(chunks) < 2 or os.name != "posix":
        parts = [_scan_chunk(chunk) for chunk in chunks]
    else:
        with multiprocessing.get_context("fork").Pool(jobs, initializer=die_with_parent) as pool:
            parts = pool.map(_scan_chunk, chunks)
    digests: dict[str, str] = {}
    scanned = Scanned()
    for chunk, (found, part) in zip(chunks, parts, strict=True):
        digests.update(zip(chunk, found, strict=True))
        scanned.merge(part)
    return digests, scanned


class VerdictCache:
    """Documents found valid against a schema, by the SHA-256 of their bytes: a CI run
    over files that did not change since the last run checks only the ones that did.
    One file of digests per schema key, appended to in a single write per run (so
    concurrent runs do not interleave); a damaged line matches no digest."""

    def __init__(self, key: str) -> None:
        self.path = cache_dir() / "valid" / f"{key}.txt"
        self._known: frozenset[str] | None = None

    @property
    def known(self) -> frozenset[str]:
        if self._known is None:
            try:
                lines = self.path.read_text(encoding="ascii", errors="replace").split()
            except OSError:
                lines = []
            self._known = frozenset(line for line in lines if len(line) == 64)
        return self._known

    def __contains__(self, digest: str) -> bool:
        return digest in self.known

    def add(self, digests: Iterable[str]) -> None:
        new = "".join(f"{d}\n" for d in digests if d not in self)
        if not new:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="ascii") as f:
                f.write(new)
        except OSError:
            pass  # a read-only cache only costs the next run the check again
