"""One lexicon of the words around names: titles, honorifics, particles, suffixes,
offices, and the abbreviations that end in a full stop without ending a sentence.
nameparser's general lexicon is the base; typescripts add their own forms. Every
stage that reads names (participants, linking, paragraphs, the header) reads these.
"""

from __future__ import annotations

import functools
import importlib.util
import json
import re
import unicodedata
from pathlib import Path

from tei_tools.cache import cache_dir


def _nameparser_words() -> dict[str, list[str]]:
    """nameparser's titles, prefixes and suffixes, read when a name is first looked
    at (never on import: importing this module touches no file). Importing nameparser
    takes 50 ms, a quarter of converting one file, so its words are kept in the cache,
    keyed by the installed nameparser's files: a new version is read afresh."""
    spec = importlib.util.find_spec("nameparser")
    origin = Path(spec.origin) if spec and spec.origin else None
    stamp = origin.parent.stat() if origin else None
    key = f"{stamp.st_mtime_ns}-{stamp.st_ino}" if stamp else "unknown"
    cached = cache_dir() / "nameparser" / f"{key}.json"
    try:
        words = json.loads(cached.read_text(encoding="utf-8"))
        if isinstance(words, dict) and {"titles", "prefixes", "suffixes"} <= words.keys():
            return words
    except (OSError, ValueError):
        pass
    from nameparser.config import CONSTANTS

    words = {
        "titles": sorted(CONSTANTS.titles),
        "prefixes": sorted(CONSTANTS.prefixes),
        "suffixes": sorted(CONSTANTS.suffix_acronyms | CONSTANTS.suffix_not_acronyms),
    }
    try:  # best effort: a cache that cannot be written costs the next run the import
        from tei_tools.io import atomic_write

        cached.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(cached, json.dumps(words).encode("utf-8"))
    except OSError:
        pass
    return words


# Forms nameparser's titles lack that typescripts use.
_MORE_TITLE_WORDS = {
    "under", "chairman", "major", "m", "amb", "am", "comrade", "messrs", "mm", "he", "sem",
    "acting", "counsellor", "art", "minister-counselor", "vice-president", "premier", "defense",
    "defence",
}  # fmt: skip


_words = functools.cache(_nameparser_words)  # once a process


@functools.cache
def title_words() -> frozenset[str]:
    return frozenset(_words()["titles"]) | _MORE_TITLE_WORDS


@functools.cache
def particles() -> frozenset[str]:
    return frozenset(_words()["prefixes"]) - {"st", "ste", "bar", "bat", "san", "santa"}


@functools.cache
def suffixes() -> frozenset[str]:
    return frozenset(_words()["suffixes"])


HONORIFICS = frozenset({"mr", "mrs", "miss", "ms", "dr", "m", "mm", "sir", "messrs", "he", "sem"})
# Nouns that head an office: a name ending in one is an office ("First Secretary").
OFFICES = frozenset(
    [
        "secretary",
        "minister",
        "director",
        "ambassador",
        "counselor",
        "counsellor",
        "chairman",
        "president",
        "chief",
        "officer",
        "adviser",
        "advisor",
        "assistant",
        "deputy",
        "consul",
        "general",
        "interpreter",
        "editor",
        "publisher",
        "correspondent",
        "affairs",  # a portfolio: "Assistant Secretary for Far Eastern Affairs"
        "daffaires",  # "Chargé d’Affaires", as word_key writes it
    ]
)
CONNECTORS = frozenset({"of", "for", "the", "on", "to"})
# Head nouns of organisations: a line made of one of these is a group, not a person.
ORG_WORDS = frozenset(
    [
        "staff",
        "office",
        "embassy",
        "department",
        "ministry",
        "delegation",
        "group",
        "council",
        "committee",
        "agency",
        "bureau",
        "division",
        "mission",
        "republic",
        "government",
        "kingdom",
        "states",
        "union",
        "nations",
        "commission",
        "secretariat",
        "administration",
        "treasury",
        "navy",
        "army",
        "force",
        "forces",
        "service",
        "services",
        "section",
        "branch",
        "desk",
        "unit",
        "board",
        "corps",
        "team",
        "party",
        "advisors",
        "advisers",
        "officials",
        "representatives",
        "members",
        "others",
    ]
)
# Title-led mentions in running text ("Ambassador Zorin", "M. Couve de Murville"),
# longest first so that "Prime Minister" wins over "Minister".
TITLES = (
    "Defense Secretary",
    "Prime Minister",
    "Ambassador",
    "Secretary",
    "President",
    "Comrade",
    "General",
    "Messrs.",
    "Chancellor",
    "Baroness",
    "Countess",
    "Viscount",
    "Baron",
    "Count",
    "Earl",
    "Lord",
    "Lady",
    "Dame",
    "Sir",
    "Minister",
    "Colonel",
    "Senator",
    "Amb.",
    "Mrs.",
    "Mr.",
    "Dr.",
    "Am.",
    "M.",
)
# Abbreviations whose full stop does not end a sentence (a paragraph block that ends
# in one continues in the next).
ABBREVIATIONS = frozenset({"mr", "mrs", "amb", "am", "dr", "messrs", "gen", "no", "st"})


@functools.lru_cache(maxsize=16384)  # the same words, line after line
def word_key(word: str) -> str:
    """A word as the lexicons spell it: lower case, no dots, accents or apostrophes."""
    text = unicodedata.normalize("NFKD", word)
    return "".join(c for c in text if c.isalnum() or c == "-").lower().strip("-")


def is_title(word: str) -> bool:
    """A capitalised title word ("Ambassador", "Mr.", "Ministers", "H.E.")."""
    if not word[:1].isupper():
        return False
    key = word_key(word)
    words = title_words()
    return key in words or (key.endswith("s") and key[:-1] in words)


def is_initial_here(word: str, following: str | None) -> bool:
    """A one-letter title ("M.", Monsieur) that is an initial here, since an initial
    follows it: "M. A. Menshikov", not "M. Couve de Murville"."""
    return following is not None and len(word_key(word)) == 1 and is_initial(following)


def is_honorific(word: str) -> bool:
    return word[:1].isupper() and word_key(word) in HONORIFICS


def is_initial(word: str) -> bool:
    return re.fullmatch(r"(?:[A-Z]\.){1,3}|[A-Z]\.?", word) is not None


def is_particle(word: str) -> bool:
    return word.isalpha() and word_key(word) in particles()
