"""The one tokenizer of names: a name's words, and its title phrases, given names
and surname, read with the lexicon. The participants reader and the identity decision
both cut names here."""

from __future__ import annotations

import re

from tei_tools.names.lexicon import (
    CONNECTORS,
    is_honorific,
    is_initial,
    is_initial_here,
    is_particle,
    is_title,
    suffixes,
    word_key,
)

_WORD = re.compile(r"[^\s,]+")


def name_words(text: str) -> list[str]:
    return _WORD.findall(text)


# Words that end a department's name inside a title ("for External Affairs")
_DEPARTMENT_TAILS = frozenset({"affairs", "relations", "development", "cooperation"})


def split_name(words: list[str]) -> tuple[list[str], list[str], str]:
    """(title phrases, given names, surname) of a name's words; the surname is "" when
    the words name an office alone ("The Secretary of State")."""
    titles: list[str] = []
    current: list[str] = []
    i = 0
    # "The Secretary of State": an office alone (not "The Rt. Hon. Selwyn Lloyd").
    if (
        words
        and words[0] == "The"
        and all(is_title(w) or word_key(w) in CONNECTORS or w[:1].isupper() for w in words[1:])
        and not any(is_initial(w) for w in words)
        and all(is_title(w) or word_key(w) in CONNECTORS for w in words[1:2])
    ):
        return [" ".join(words)], [], ""
    while i < len(words) - 1:
        word, nxt = words[i], words[i + 1]
        if is_initial_here(word, nxt):
            break  # "M. A. Menshikov": initials, not Monsieur
        if is_title(word):
            current.append(word)
        elif current and word_key(word) in CONNECTORS:
            j = i  # "Secretary of Defense John Irwin", "Counsellor to the President Burns"
            while j < len(words) - 1 and word_key(words[j]) in CONNECTORS:
                j += 1
            if not (words[j][:1].isupper() and j + 1 < len(words)):
                break
            current += words[i : j + 1]
            i = j + 1
            while i < len(words) - 1 and word_key(words[i]) in _DEPARTMENT_TAILS:
                current.append(words[i])  # "Minister of Foreign Affairs George Yeh"
                i += 1
            continue
        elif (
            word[:1].isupper()
            and not is_initial(word)
            and is_title(nxt)
            and not is_honorific(nxt)
            and i + 2 < len(words)
        ):
            current.append(word)  # a modifier before a title: "German Ambassador"
        else:
            break
        if is_honorific(word) and current:
            titles.append(" ".join(current))
            current = []
        i += 1
    if current:
        titles.append(" ".join(current))
    rest = words[i:]
    while len(rest) > 1 and word_key(rest[-1]) in suffixes():
        rest = rest[:-1]
    if not rest:
        return titles, [], ""
    start = len(rest) - 1
    while start > 0 and is_particle(rest[start - 1]):
        start -= 1  # "de Zulueta", "von Hase", "Von Brentano", "De Gaulle"
    return titles, rest[:start], " ".join(rest[start:])
