"""Numbers and character codes in a Word or PAGE source's attributes, read by one
set of checked parsers: a value that is not what its attribute holds gives None,
never an exception, and ``bad_value`` is the warning (C009) that names it."""

from __future__ import annotations

import functools
import re

from lxml import etree

from tei_tools.diagnostics import Diagnostic

# ASCII digits only (str.isdigit() also takes '²', which int() refuses), and few of
# them (int() refuses more than 4300 digits; no count of pixels or places needs 16).
_WHOLE = re.compile(r"[0-9]{1,15}")
_SIGNED = re.compile(r"-?[0-9]{1,15}")
_HEX = re.compile(r"[0-9A-Fa-f]{1,6}")
# One point of a PAGE Coords/@points, as TEI's zone/@points (data.point) takes it.
_POINT = re.compile(r"-?+[0-9]{1,9}+(?:\.[0-9]{1,9}+)?+,-?+[0-9]{1,9}+(?:\.[0-9]{1,9}+)?+")
# Possessive (never backtracking): what a point can match is fixed at each step, and a
# page's thousands of Coords are matched in half the time
_POINTS = re.compile(rf"\s*+{_POINT.pattern}(?:\s++{_POINT.pattern})*+\s*+")


def whole(value: str | None) -> int | None:
    """A count or index: 0, 1, 2, … in ASCII digits."""
    return int(value) if value is not None and _WHOLE.fullmatch(value) else None


def signed(value: str | None) -> int | None:
    return int(value) if value is not None and _SIGNED.fullmatch(value) else None


def character(code: str | None) -> str | None:
    """The character a hexadecimal code (Word's w:sym/@w:char) stands for, when it is
    one XML can hold: not a surrogate, not a control character, not past U+10FFFF."""
    if code is None or not _HEX.fullmatch(code):
        return None
    n = int(code, 16)
    legal = (
        n in (0x9, 0xA, 0xD)
        or 0x20 <= n <= 0xD7FF
        or 0xE000 <= n <= 0xFFFD
        or 0x10000 <= n <= 0x10FFFF
    )
    return chr(n) if legal else None


# The Symbol font's letters (Word writes them as F000 + the character code): Greek.
_SYMBOL_LETTERS = dict(
    zip(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
        "ΑΒΧΔΕΦΓΗΙϑΚΛΜΝΟΠΘΡΣΤΥςΩΞΨΖαβχδεφγηιϕκλμνοπθρστυϖωξψζ",
        strict=True,
    )
)


def symbol_character(code: str | None, font: str | None) -> tuple[str | None, bool]:
    """A w:sym's character: (the character, whether it is the one the font shows). A
    code in the private-use range F000–F0FF names a glyph of a symbol font: the Symbol
    font's letters are Greek and its other codes its ASCII ones; another font's
    (Wingdings…) glyph has no known character, so its code is kept, not the glyph."""
    char = character(code)
    if char is None or not 0xF000 <= ord(char) <= 0xF0FF:
        return char, True
    low = chr(ord(char) - 0xF000)
    if (font or "").strip().casefold() == "symbol" and 0x20 <= ord(low) < 0x7F:
        return _SYMBOL_LETTERS.get(low, low), True
    return char, False


def outline(value: str) -> tuple[int, tuple[int, int, int, int]] | None:
    """How many points ``x,y x,y …`` has and the box around them (whole pixels);
    None unless every one is a point TEI takes. One pass for a page's thousands."""
    if not _POINTS.fullmatch(value):
        return None
    parts = value.replace(",", " ").split()
    try:  # PAGE's points are whole pixels; TEI's may have decimals
        numbers: list[float] = list(map(int, parts))
    except ValueError:
        numbers = list(map(float, parts))
    xs, ys = numbers[0::2], numbers[1::2]
    return len(xs), (int(min(xs)), int(min(ys)), int(max(xs)), int(max(ys)))


_ASCII_NCNAME = re.compile(r"[A-Za-z_][A-Za-z0-9._-]*")


def as_ncname(text: str) -> str:
    """``text`` as an NCName (an xml:id, a feature's name) as libxml2's schema check
    reads one: a character no name may hold an underscore, and one before a text no
    name may start with. Most are ASCII names already, and returned as they are."""
    if _ASCII_NCNAME.fullmatch(text):
        return text
    name = "".join(ch if _in_name(ch) else "_" for ch in text) or "_"
    return name if _is_ncname(name[0]) else f"_{name}"


@functools.lru_cache(maxsize=4096)
def _in_name(ch: str) -> bool:
    return _is_ncname(f"a{ch}")


@functools.lru_cache(maxsize=4096)
def _is_ncname(text: str) -> bool:
    """libxml2's xs:NCName (the XML 1.0 rules of its time: fewer letters than later
    editions allow, so lxml's own name check is not the one)."""
    if any(ch.isspace() for ch in text):  # the schema check would collapse it away
        return False
    element = etree.Element("n")
    element.text = text
    return _ncname_schema().validate(element)


@functools.cache
def _ncname_schema() -> etree.XMLSchema:
    return etree.XMLSchema(
        etree.XML(
            '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
            '<xs:element name="n" type="xs:NCName"/></xs:schema>'
        )
    )


def bad_point(value: str) -> str | None:
    """The first of ``x,y x,y …`` that is not a point TEI takes."""
    return next((p for p in value.split() if not _POINT.fullmatch(p)), None)


def line_of(element: etree._Element) -> int:
    """The source line an element starts on (0 when lxml does not know it)."""
    return int(getattr(element, "sourceline", 0) or 0)


def bad_value(
    what: str, value: str | None, file: str, line: int | None, column: int = 1
) -> Diagnostic:
    """The warning for a value that cannot be read: ``what`` says which attribute and
    what it should hold, and what was done instead."""
    return Diagnostic(
        "C009",
        f"{what}: {value!r}",
        file,
        line or 0,
        column,
        hint="correct the value in the source, or remove it",
    )
