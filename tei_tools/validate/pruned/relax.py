"""Relaxing a pruned grammar to the documents' values: a pattern facet every value the
documents give the attribute already meets (checked in ASCII) is dropped, a third of
libxml2's work on TEI."""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterator

from lxml import etree

from tei_tools.cache import cache_dir
from tei_tools.validate.pruned import ascii_regex
from tei_tools.validate.pruned.cache import _load, _store
from tei_tools.validate.pruned.prune import _R
from tei_tools.validate.pruned.scan import Scanned
from tei_tools.xmlparse import parse_bytes

_XML_SPACE = re.compile(r"[ \t\n\r]+")

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
def facets_of(grammar: bytes) -> frozenset[Facet]:
    """Every pattern facet of a named attribute's data in ``grammar``."""
    return frozenset(facet for _, facet in _facet_sites(parse_bytes(grammar, huge=True)))


def droppable(grammar: bytes, scanned: Scanned) -> frozenset[Facet]:
    """The pattern facets that every value the documents give the attribute already
    meets, as checked here in ASCII (where every Unicode version and regex engine
    agree). Matching those patterns is a third of libxml2's work on TEI
    (``[^\\p{C}\\p{Z}]+`` on every token); for the scanned documents dropping them
    changes no verdict, and ``check`` validates only those bytes with it."""
    if not scanned.exact:
        return frozenset()
    return meeting(facets_of(grammar), scanned.values)


def meeting(facets: frozenset[Facet], values: dict[str, set[str]]) -> frozenset[Facet]:
    """The ``facets`` that every one of ``values`` (attribute local name -> its values,
    as parsed) meets, as checked here in ASCII."""
    dropped = set()
    for facet in facets:
        name, pattern, in_list = facet
        given = values.get(name, set())
        if all(_value_meets(pattern, value, in_list) for value in given):
            dropped.add(facet)
    return frozenset(dropped)


@functools.lru_cache(maxsize=65536)  # a batch's documents repeat most values
def _value_meets(pattern: str, value: str, in_list: bool) -> bool:
    """``value`` (of an attribute whose data has this pattern) meets it, as a whole or,
    ``in_list``, token by token."""
    return _meet(pattern, _tokens({value}) if in_list else _forms({value}))


def without_facets(grammar: bytes, dropped: frozenset[Facet]) -> bytes:
    if not dropped:
        return grammar
    root = parse_bytes(grammar, huge=True)
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
    """An XML Schema pattern as a Python one that agrees with it on ASCII strings (the
    only ones ``_meet`` matches): read here where it can be, else translated by
    elementpath (the result cached on disk, as expanding ``\\p{C}`` takes elementpath a
    fifth of a second)."""
    ascii_form = ascii_regex.translate(pattern)
    if ascii_form is not None:
        return re.compile(ascii_form)
    cached = cache_dir() / "regex" / f"{hashlib.sha256(pattern.encode()).hexdigest()}.txt"
    kept = _load(cached)
    try:
        if kept is not None:
            return re.compile(kept.decode("utf-8"))
    except (re.error, UnicodeDecodeError):
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
