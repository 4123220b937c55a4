"""Numbers and character codes in a Word or PAGE source's attributes, read by one
set of checked parsers: a value that is not what its attribute holds gives None,
never an exception, and ``bad_value`` is the warning (C009) that names it."""

from __future__ import annotations

import re

from lxml import etree

from tei_tools.diagnostics import Diagnostic

# ASCII digits only (str.isdigit() also takes '²', which int() refuses), and few of
# them (int() refuses more than 4300 digits; no count of pixels or places needs 16).
_WHOLE = re.compile(r"[0-9]{1,15}")
_SIGNED = re.compile(r"-?[0-9]{1,15}")
_HEX = re.compile(r"[0-9A-Fa-f]{1,6}")
# One point of a PAGE Coords/@points, as TEI's zone/@points (data.point) takes it.
_POINT = re.compile(r"-?[0-9]{1,9}(\.[0-9]{1,9})?,-?[0-9]{1,9}(\.[0-9]{1,9})?")
_POINTS = re.compile(rf"\s*{_POINT.pattern}(?:\s+{_POINT.pattern})*\s*")


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


def points(value: str) -> list[tuple[float, float]] | None:
    """The points of ``x,y x,y …``; None unless every one is a point TEI takes."""
    if not _POINTS.fullmatch(value):  # one match for the whole list: a page has thousands
        return None
    return [(float(x), float(y)) for x, y in (p.split(",") for p in value.split())]


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
