"""A page number as a page prints it: arabic (a folio's side too: ``2v``) or roman,
amid punctuation (``- 79 -``, ``xii.``). The PAGE reader numbers its pages by it, and
rule R009 compares it with ``pb/@n``: one reading for both."""

from __future__ import annotations

import re

_ROMAN = "M{0,4}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})"
_NUMBER = re.compile(
    rf"\W*([0-9]{{1,5}}[rvRV]?|(?=[ivxlcdm])(?:{_ROMAN.lower()})|(?=[IVXLCDM]){_ROMAN})\W*"
)


def printed_number(text: str) -> str:
    """The page number ``text`` prints, or "" when it is no number alone (a word such
    as "did" is no roman number; nor is a mix of cases)."""
    found = _NUMBER.fullmatch(text.strip())
    return found.group(1) if found else ""
