"""An XML Schema pattern as a Python one that agrees with it on ASCII strings.

Facets are dropped only where every value is ASCII (``relax.droppable``), so a
pattern need only be read right on the 128 ASCII characters: ``\\p{C}`` is then the
ASCII control characters, ``\\s`` the four XML spaces, ``.`` anything but a line end,
and ``^``/``$`` plain characters. A pattern with a construct this reader does not
know (class subtraction, block escapes) gives None: the caller asks elementpath,
whose full translation costs a fifth of a second per Unicode category.
"""

from __future__ import annotations

import functools
import re
import unicodedata

ASCII = [chr(code) for code in range(128)]
_XML_SPACE = " \t\n\r"
_NAME_START = {c for c in ASCII if c.isalpha() or c in "_:"}
_NAME = _NAME_START | {c for c in ASCII if c.isdigit() or c in "-."}
_DIGITS = set("0123456789")
# \w in XML Schema: every character but punctuation, separators and "other" (C)
_WORD = {c for c in ASCII if unicodedata.category(c)[0] not in "PZC"}
_CLASS_ESCAPES: dict[str, set[str]] = {
    "s": set(_XML_SPACE),
    "i": _NAME_START,
    "c": _NAME,
    "d": _DIGITS,
    "w": _WORD,
}
_SINGLE_ESCAPES = {"n": "\n", "r": "\r", "t": "\t"} | {c: c for c in "\\|.-^?*+{}()[]"}
_CATEGORY = re.compile(r"\{([A-Z][a-z]?)\}")
_STACKED = re.compile(r"(?<!\\)(?:[*+?]|\{\d+(?:,\d*)?\})[*+?{]")


@functools.lru_cache(maxsize=64)
def _category(name: str) -> frozenset[str]:
    return frozenset(c for c in ASCII if unicodedata.category(c).startswith(name))


class _Unknown(Exception):
    """A construct this reader does not translate."""


def _escape_set(pattern: str, at: int) -> tuple[set[str] | str, int]:
    """The escape at ``pattern[at]`` (after the backslash): a set of ASCII characters
    (a class escape) or one character; and where the pattern goes on."""
    char = pattern[at : at + 1]
    if char in _SINGLE_ESCAPES:
        return _SINGLE_ESCAPES[char], at + 1
    if char.lower() in _CLASS_ESCAPES:
        members = _CLASS_ESCAPES[char.lower()]
        return (set(members) if char.islower() else set(ASCII) - members), at + 1
    if char in ("p", "P"):
        found = _CATEGORY.match(pattern, at + 1)
        if found is None:
            raise _Unknown(pattern)  # a block escape (\p{IsBasicLatin}) or a typo
        members = set(_category(found.group(1)))
        return (members if char == "p" else set(ASCII) - members), found.end()
    raise _Unknown(pattern)


def _as_class(members: set[str], negated: bool = False) -> str:
    if not members and not negated:
        return "(?!)"  # matches nothing
    body = "".join(re.escape(c) for c in sorted(members))
    return f"[{'^' if negated else ''}{body}]" if body else "[\\s\\S]"


def _bracket(pattern: str, at: int) -> tuple[str, int]:
    """A character class from ``pattern[at]`` (after ``[``), as the ASCII characters it
    holds; and where the pattern goes on."""
    negated = pattern.startswith("^", at)
    at += negated
    members: set[str] = set()
    previous: str | None = None  # the last single character, a range's possible start
    first = True
    while True:
        if at >= len(pattern):
            raise _Unknown(pattern)
        char = pattern[at]
        if char == "]" and not first:
            at += 1
            break
        if char == "[" or (char == "-" and pattern.startswith("[", at + 1)):
            raise _Unknown(pattern)  # subtraction, or a nested class
        first = False
        literal = False  # an escaped character: "\\-" is a hyphen, never a range
        if char == "\\":
            escaped, at = _escape_set(pattern, at + 1)
            if isinstance(escaped, set):
                members |= escaped
                previous = None
                continue
            char, literal = escaped, True
        else:
            at += 1
        if (
            char == "-"
            and not literal
            and previous is not None
            and at < len(pattern)
            and pattern[at] != "]"
        ):
            end = pattern[at]
            if end == "\\":
                escaped, at = _escape_set(pattern, at + 1)
                if isinstance(escaped, set):
                    raise _Unknown(pattern)
                end = escaped
            else:
                at += 1
            if end < previous:
                raise _Unknown(pattern)  # a reversed range: not XML Schema
            members |= {c for c in ASCII if previous <= c <= end}
            previous = None
            continue
        members.add(char)
        previous = char
    return _as_class({c for c in members if c in ASCII}, negated), at


def translate(pattern: str) -> str | None:
    """``pattern`` as a Python regular expression for ``fullmatch`` on ASCII strings,
    or None when it holds a construct this reader does not know."""
    out = []
    at = 0
    try:
        while at < len(pattern):
            char = pattern[at]
            if char == "\\":
                escaped, at = _escape_set(pattern, at + 1)
                out.append(_as_class(escaped) if isinstance(escaped, set) else re.escape(escaped))
            elif char == "[":
                text, at = _bracket(pattern, at + 1)
                out.append(text)
            elif char == ".":
                out.append("[^\\n\\r]")
                at += 1
            elif char in "^$":
                out.append(re.escape(char))
                at += 1
            elif char == "(":
                out.append("(?:")  # XML Schema has no other group ("(?" fails to compile)
                at += 1
            else:
                out.append(char)
                at += 1
    except _Unknown:
        return None
    translated = "".join(out)
    if _STACKED.search(pattern):
        return None  # a quantifier on a quantifier: not XML Schema (Python reads it)
    try:
        re.compile(translated)
    except re.error:
        return None
    return translated
