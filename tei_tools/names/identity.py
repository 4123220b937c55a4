"""Who a name is: the one decision every stage makes the same way.

Two statements of a name are one person when their surnames fold to the same key and
their given names do not disagree: position by position the initials agree, and where
both spell a given name out, the names agree ("M. A. Menshikov", "M.A. Menshikov" and
"Mikhail A. Menshikov" are one; "John Smith" and "Adam Smith" are two). Titles and
honorifics are not part of the comparison. Names are cut into parts by the one
tokenizer (``tokens``), which reads nameparser's lexicon.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container
from functools import lru_cache

from tei_tools.names.lexicon import is_particle
from tei_tools.names.tokens import name_words, split_name

_INITIALS = re.compile(r"(?:[^\W\d_]\.){2,}")  # "M.A.": two initials written together


@lru_cache(maxsize=16384)  # the same names, line after line
def fold(name: str) -> str:
    """Compare names without case, accents or hyphens (Men-delevich = Mendelevich)."""
    text = unicodedata.normalize("NFKD", name)
    return "".join(c for c in text if c.isalnum()).lower()


@lru_cache(maxsize=4096)
def parts(name: str) -> tuple[tuple[str, ...], str]:
    """(given names, folded surname) of ``name``, cut by the one tokenizer
    (``tokens.split_name``): "M.A. Menshikov" → (("M.", "A."), "menshikov"); titles
    dropped ("Sir Harold Caccia" → (("Harold",), "caccia")); a surname with a
    particle keeps the word before it ("Couve de Murville"), which may be its first."""
    _, given, surname = split_name(name_words(_apart(name)))
    words = surname.split()
    if words and is_particle(words[0]) and given:
        words.insert(0, given.pop())  # "Maurice Couve de Murville"
    return tuple(given), fold("".join(words))


def _apart(text: str) -> str:
    """Initials written together stand apart: "M.A." → "M. A."."""
    return _INITIALS.sub(lambda m: m.group().replace(".", ". "), text).strip()


def given_agree(a: tuple[str, ...] | list[str], b: tuple[str, ...] | list[str]) -> bool:
    """Given names that can be the same person's: initials agree position by position,
    and names spelt out in both agree (a missing name agrees with anything)."""
    for x, y in zip(_apart(" ".join(a)).split(), _apart(" ".join(b)).split(), strict=False):
        fx, fy = fold(x), fold(y)
        if not fx or not fy:
            continue
        spelt_out = len(fx) > 1 and len(fy) > 1 and not x.endswith(".") and not y.endswith(".")
        if fx[0] != fy[0] or (spelt_out and fx != fy):
            return False
    return True


def same_name(a: str, b: str) -> bool:
    """``a`` and ``b`` name the same person (see the module's rule)."""
    given_a, surname_a = parts(a)
    given_b, surname_b = parts(b)
    return surname_a == surname_b and given_agree(given_a, given_b)


def fuller(a: str, b: str) -> str:
    """Of two names of one person, the one that says more (more given names spelt out)."""

    def weight(name: str) -> tuple[int, int]:
        given, _ = parts(name)
        return sum(len(fold(g)) > 1 for g in given), len(given)

    return b if weight(b) > weight(a) else a


def slug(text: str) -> str:
    """``text`` as the letters and digits of an xml:id: "Couve de Murville" →
    "couve-de-murville" (accents dropped, anything else a hyphen)."""
    letters = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", letters.lower()).strip("-")


def id_base(text: str) -> str:
    """An xml:id made of ``text``'s slug: "person" when it has no letter or digit,
    "p-" before one that starts with a digit."""
    base = slug(text) or "person"
    return base if base[0].isalpha() else f"p-{base}"


def unused(base: str, taken: Container[str]) -> str:
    """``base``, or ``base-2``, ``base-3``… : the first id not ``taken``."""
    n, ident = 1, base
    while ident in taken:
        n += 1
        ident = f"{base}-{n}"
    return ident
