"""People: the collection file, name resolution, and ``persName`` linking.

A person is declared once (``people.toml`` beside the raw files, or the document's
own participants) and found in the text by surname, aliases or a close misspelling.
A titled name that matches nobody stays a bare ``persName`` and is reported; no
person is ever invented from the text alone.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from tei_tools.convert.model import (
    Choice,
    Container,
    Inline,
    Note,
    Person,
    PersonRef,
    Substitution,
    Tagged,
    Text,
)
from tei_tools.diagnostics import Diagnostic
from tei_tools.names.identity import fold
from tei_tools.names.lexicon import (
    TITLES,
    is_initial,
    is_particle,
    is_title,
    particles,
)

_NOTED = (Choice, Note)  # a tuple: cheaper in isinstance than a union


def at_word_start(words: Iterable[str]) -> str:
    """An alternation of ``words`` that matches where ``\\b(?:…)`` would, written so that
    the regex engine finds candidates by their first characters (a leading ``\\b``
    makes it try every position of the text): each word's first character, then a
    look back at the one before it."""

    def one(word: str) -> str:
        first = re.escape(word[0])
        word_char = word[0].isalnum() or word[0] == "_"  # what \w matches
        look = f"(?<!\\w{first})" if word_char else f"(?<=\\w{first})"
        return f"{first}{look}{re.escape(word[1:])}"

    return "|".join(one(word) for word in words if word)


_INITIALS = r"(?:[A-Z]\.\s?){1,3}"


@functools.cache
def _titled() -> re.Pattern[str]:
    """Title-led mentions of someone the registry may not know: the title, initials,
    then the name, its capitalised particles with it ("General De Gaulle", "Minister
    Von Brentano"; a particle with no surname after it is the name itself, "General
    De"). Compiled when a name is first looked for: the particles are the lexicon's,
    read then."""
    words = sorted((p for p in particles() if p.isalpha()), key=len, reverse=True)
    # the first capitalised: "President du Conseil" is an office, "the Secretary do" no
    # name; those after it as written ("Van der Berg")
    first = "|".join(re.escape(w[0].upper() + w[1:]) for w in words)
    more = "|".join(map(re.escape, words))
    return re.compile(
        rf"(?:{at_word_start(TITLES)})\s+(?:{_INITIALS})?"
        rf"((?:(?:{first})\s+(?:(?:{more})\s+){{0,2}})?[A-Z][A-Za-z'’]+(?:-[A-Z]?[a-z]+)?)\b"
    )


# The next two start at a capital, which the regex engine finds by a fast scan, and only
# then look behind for the word boundary ("[A-Z](?<!\w[A-Z])" is "\b[A-Z]"): written
# with a leading "\b", every position of every text was tried (tests/test_names.py
# checks them against those plain forms).
# A capitalised word right before a speech verb: a speaker's name, perhaps misspelt.
_BEFORE_VERB = re.compile(
    r"([A-Z](?<!\w[A-Z])[A-Za-z'’]{4,})(?=,?(?:\s*\([^()]{0,80}\))?\s+(?:then\s+|also\s+)?"
    r"(?:said|asked|replied|noted|stated|observed|inquired|added|agreed|remarked|commented|"
    r"continued|explained|pointed|wondered|summarized|stressed|suggested)\b)"
)
# Only words of six letters or more are read as misspelt names (see allowed_distance):
# "(?<=M)a?c[A-Z]" after the first capital is the "Mc"/"Mac" of a surname
_LONG_CAPWORD = re.compile(
    r"[A-Z](?<!\w[A-Z])"
    r"(?:(?:(?<=M)a?c[A-Z])?[a-z]{5,}(?:-[A-Z]?[a-z]+)?\b|[a-z]*-[A-Z]?[a-z]+\b)"
)
_BEFORE = re.compile(r"(\S+)[ \n]$")  # the word before a position, one space away
_ENDS_CLAUSE = re.compile(r"[.,;:!?)]$")  # a word that ends a sentence or a clause
_THE_BEFORE = re.compile(r"\b[Tt]he\s+$")
# Titles' abbreviations, whose full stop ends no sentence (checked as written, so that
# "Army." or "King." at a sentence's end still ends it)
_ABBREVIATED = frozenset(w for w in TITLES if w.endswith(".")) | frozenset(
    f"{w}."
    for w in [
        "Lt",
        "Col",
        "Gen",
        "Maj",
        "Capt",
        "Adm",
        "Cdr",
        "Cmdr",
        "Brig",
        "Sgt",
        "Hon",
        "Rt",
        "Rev",
        "Prof",
        "Gov",
        "Sen",
        "Rep",
        "Amb",
        "Mr",
        "Mrs",
        "Ms",
        "Dr",
        "Sr",
        "Jr",
        "Mme",
        "Mlle",
        "Msgr",
        "Lieut",
        "Pres",
        "Sec",
        "Supt",
        "Fr",
    ]
)


def _abbreviated(word: str) -> bool:
    """A title's abbreviation ("Mr.", "Lt.", "Col.", "Capt.", "Messrs."), whose full
    stop ends no sentence; "States.", "President." and "Army." end one."""
    return word in _ABBREVIATED


# A transcript's speaker label at a paragraph's start: "Kissinger:", "Kissingger:"
_LABEL = re.compile(r"\s*(?:(?:Mr|Mrs|Dr|Sir|Lord)\.?\s+)?([A-Z][A-Za-z'’-]{3,})(?=:\s)")
# Words after a title that are not names ("Secretary General", "President's"), and
# the institutions and things a title word also begins ("General Assembly", "General
# Staff", "Under Secretary Foreign and Commonwealth Office").
_NOT_NAMES = frozenset(
    [
        "General",
        "Government",
        "Council",
        "Delegation",
        "Bloc",
        "Union",
        "States",
        "Nations",
        "Secretariat",
        "Assembly",
        "Staff",
        "Situation",
        "Agreement",
        "Conference",
        "Committee",
        "Headquarters",
        "Foreign",
        "Office",
        "Affairs",
    ]
)


def widen_left(text: str, start: int, person: Person | None) -> int:
    """Widen a surname found at ``start`` over what belongs to the name before it:
    titles ("Foreign Minister", "Secretary of State"), initials, particles, and the
    person's own given names ("Sir Harold Caccia", "Couve de Murville")."""
    names = set()
    if person is not None:
        names = {fold(w) for w in [*person.given, *person.name.split()] if w[:1].isupper()}
    pos = start
    for _ in range(6):
        found = _BEFORE.search(text, max(0, pos - 40), pos)
        if found is None:
            break
        word = found.group(1)
        if _ENDS_CLAUSE.search(word) and not (is_initial(word) or _abbreviated(word)):
            break  # "the United States. Mr. Adenauer": the name starts after the stop
        if is_initial(word) and _THE_BEFORE.search(text, max(0, found.start() - 5), found.start()):
            break  # "the U.S. Minister Schiller": a country's initials, not a person's
        if not (
            is_title(word)
            or is_initial(word)
            or is_particle(word)
            or (re.fullmatch(r"[A-Z][\w'’-]*", word) and fold(word) in names)
        ):
            of = word == "of" and _BEFORE.search(text, max(0, found.start() - 40), found.start())
            if not (of and is_title(of.group(1))):
                break
            found = of
        pos = found.start()
    return pos


def edit_distance(a: str, b: str, limit: int) -> int:
    """Damerau-Levenshtein (optimal string alignment) distance, ``limit + 1`` above
    ``limit`` (rapidfuzz's C implementation)."""
    from rapidfuzz.distance import OSA  # imported when a misspelling is first weighed

    return int(OSA.distance(a, b, score_cutoff=limit))


MAX_DISTANCE = 2  # the most edits allowed_distance ever allows
CROWDED = 32  # more close forms than this around a word: it is read as nobody's misspelling


@functools.lru_cache(maxsize=16384)  # the same names and words in document after document
def deletions(word: str, depth: int) -> frozenset[str]:
    """``word`` with up to ``depth`` characters deleted (itself included): two words
    within ``depth`` edits (insertions, deletions, substitutions, transpositions) share
    one of these, so candidates are found by lookup, not by comparing every pair."""
    found, frontier = {word}, {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        found |= frontier
    return frozenset(found)


def allowed_distance(word: str, named: bool = False) -> int:
    """Edits allowed in a misspelt name: more in longer words, and one in a word of
    four or five letters where the context says it is a name (after a title, before
    "said"; in four letters a letter mistyped or two swapped, see ``_resolve``)."""
    n = len(word)
    if named and n in (4, 5):
        return 1
    return 0 if n < 6 else 1 if n < 9 else 2


@dataclass
class Registry:
    """The people a document may refer to, keyed by folded surface forms."""

    people: dict[str, Person] = field(default_factory=dict)
    forms: dict[str, str] = field(default_factory=dict)  # folded form → person id
    used: set[str] = field(default_factory=set)
    _pattern: re.Pattern[str] | None = None
    _cache: dict[tuple[str, bool], tuple[str | None, bool]] = field(default_factory=dict)

    designations: dict[str, set[str]] = field(default_factory=dict)  # folded office → ids
    _designation_pattern: re.Pattern[str] | None = None
    _capitalised: bool | None = None
    # deletion → (declaration order, form) (see ``deletions``), kept as forms are added:
    # close misspellings are found in time linear in the number of forms, not in their
    # product with the names of the text
    near: dict[str, list[tuple[int, str]]] = field(default_factory=dict)

    def add(self, person: Person) -> None:
        self.people[person.id] = person
        for form in map(fold, person_forms(person)):
            if form not in self.forms:
                for variant in deletions(form, MAX_DISTANCE):
                    self.near.setdefault(variant, []).append((len(self.forms), form))
                self.forms[form] = person.id
        for office in person.designations:
            self.designations.setdefault(fold(office), set()).add(person.id)
        self._pattern = self._designation_pattern = self._capitalised = None
        self._cache.clear()

    @property
    def capitalised(self) -> bool:
        """Whether every name and office it knows holds a capital letter: then a text
        without one names nobody (most Text nodes are a line end or lower-case words)."""
        if self._capitalised is None:
            offices = {o for person in self.people.values() for o in person.designations}
            self._capitalised = all(f != f.lower() for f in [*self.surface_forms(), *offices])
        return self._capitalised

    def surface_forms(self) -> list[str]:
        forms: set[str] = set()
        for p in self.people.values():
            forms.update(person_forms(p))
        return sorted(forms, key=len, reverse=True)

    @property
    def pattern(self) -> re.Pattern[str]:
        if self._pattern is None:
            names = alternatives(self.surface_forms())
            self._pattern = re.compile(rf"\b(?:{names})(?![a-z0-9-])")
        return self._pattern

    @property
    def designation_pattern(self) -> re.Pattern[str]:
        """ "The Secretary", "the Prime Minister": an office named with the article."""
        if self._designation_pattern is None:
            offices = {p for person in self.people.values() for p in person.designations}
            alternatives = (
                "|".join(_flexible(o) for o in sorted(offices, key=len, reverse=True)) or "(?!)"
            )
            self._designation_pattern = re.compile(
                rf"[Tt](?<!\w[Tt])he (?:{alternatives})(?![\w-])(?! (?:Mc|Mac)?[A-Z][a-z])"
            )
        return self._designation_pattern

    def designated(self, office: str) -> str | None:
        """The one participant holding ``office``; None when nobody or several do."""
        ids = self.designations.get(fold(office), set())
        return next(iter(ids)) if len(ids) == 1 else None

    def resolve(self, surname: str, named: bool = False) -> tuple[str | None, bool]:
        """Return (person id, exact?) for a surname, allowing a close misspelling;
        ``named`` when the context says the word is a name (see allowed_distance)."""
        cached = self._cache.get((surname, named))
        if cached is None:
            cached = self._cache[(surname, named)] = self._resolve(fold(surname), named)
        return cached

    def _resolve(self, key: str, named: bool) -> tuple[str | None, bool]:
        if key in self.forms:
            return self.forms[key], True
        limit = allowed_distance(key, named)
        if limit == 0:
            return None, False
        candidates: set[tuple[int, str]] = set()
        for variant in self.near.keys() & deletions(key, limit):  # most words: none
            candidates.update(self.near[variant])
        if len(candidates) > CROWDED:
            return None, False  # among so many close forms a misspelling is no evidence
        best: tuple[int, int, str] | None = None
        for n, form in candidates:  # the nearest; of equals, the first declared
            if len(key) == 4 and len(form) != 4:
                continue  # "Hiod" may be "Hood", never "Hod" or "Hoods"
            d = edit_distance(key, form, limit)
            if d <= limit and (best is None or (d, n) < best[:2]):
                best = (d, n, self.forms[form])
        return (best[2], False) if best else (None, False)


def person_forms(person: Person) -> list[str]:
    """The surface forms that name ``person`` in a text."""
    key = person.key_surname
    forms = [key] if key else []
    if person.surname and " " in person.surname.strip():
        forms.append(person.surname)  # "Couve de Murville", "Hoyer Millar"
    return [*forms, *person.aliases, *person.forms]


def alternatives(forms: list[str]) -> str:
    """One regex matching any of ``forms`` (a space also matches a hyphen or a line
    end), the longest first, as a trie: Python's ``re`` tries the branches of a flat
    alternation one by one at every position, so a text's cost would grow with the
    number of names as well as with its length."""
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for form in forms:
        node = trie
        for ch in " ".join(form.split()):
            node = node.setdefault(ch, {})
        node[""] = {}  # a form ends here

    def emit(node: dict) -> str:  # type: ignore[type-arg]
        branches = [
            (r"[\s-]+" if ch == " " else re.escape(ch)) + emit(child)
            for ch, child in sorted(node.items())
            if ch
        ]
        if not branches:
            return ""
        if len(branches) == 1 and "" not in node:
            return branches[0]
        group = "(?:" + "|".join(branches) + ")"
        return group + "?" if "" in node else group

    return emit(trie) or "(?!)"


def _flexible(form: str) -> str:
    """A regex for ``form`` in which a space also matches a hyphen or a line end."""
    return r"[\s-]+".join(re.escape(w) for w in form.split())


_NAMED = frozenset({"persName", "placeName", "orgName", "rs"})


def iter_texts(nodes: list[Inline]) -> Iterator[tuple[list[Inline], int, Text]]:
    """Every Text node with its parent list and index, depth first; not those an
    editor's tag already names, nor an abbreviation's or a note's."""
    for i, node in enumerate(nodes):
        if isinstance(node, Text):
            yield nodes, i, node
        elif isinstance(node, _NOTED) or (isinstance(node, Tagged) and node.element in _NAMED):
            continue
        elif isinstance(node, Container):
            yield from iter_texts(node.children)
        elif isinstance(node, Substitution):
            for part in node.parts:
                if isinstance(part, Container):
                    yield from iter_texts(part.children)


class _Spans:
    """Disjoint spans of a text, sorted: whether a new one overlaps any is a binary
    search, not a scan (a text may name thousands of people)."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self.starts, end)  # spans that start before ``end``
        return i > 0 and self.ends[i - 1] > start

    def add(self, start: int, end: int) -> None:
        """Add a span, merged with any it touches: the spans stay disjoint and sorted,
        which ``overlaps`` relies on (the union answers every query the same)."""
        i = bisect.bisect_left(self.starts, start)
        if i > 0 and self.ends[i - 1] >= start:
            i -= 1
            start = self.starts[i]
        j = i
        while j < len(self.starts) and self.starts[j] <= end:
            end = max(end, self.ends[j])
            j += 1
        self.starts[i:j] = [start]
        self.ends[i:j] = [end]


@dataclass
class Linker:
    """Wraps names found in Text nodes in PersonRef nodes."""

    registry: Registry
    file: str
    diagnostics: list[Diagnostic]
    # Tag only names a person is declared for (a document, not a memorandum: a
    # title before a capitalised word is no evidence of a person there).
    declared_only: bool = False

    def find(self, text: str, opens: bool = False) -> Iterator[tuple[int, int, str | None, bool]]:
        """Yield (start, end, person id, exact) for each name in ``text``; ``opens``:
        the text opens its paragraph, where a transcript's speaker label stands."""
        if text == text.lower() and self.registry.capitalised:
            return  # every pattern below needs a capital letter
        taken = _Spans()
        label = _LABEL.match(text) if opens and not self.declared_only else None
        if label:  # a label names a speaker: a misspelling of one is still the speaker
            pid, exact = self.registry.resolve(label.group(1), named=True)
            if pid is not None and not exact:
                taken.add(label.start(1), label.end(1))
                yield label.start(1), label.end(1), pid, False
        for m in self.registry.pattern.finditer(text):
            pid, _ = self.registry.resolve(m.group())
            person = self.registry.people.get(pid) if pid else None
            start = widen_left(text, m.start(), person)
            taken.add(start, m.end())
            yield start, m.end(), pid, True
        for m in self.registry.designation_pattern.finditer(text):
            if taken.overlaps(m.start(), m.end()):
                continue
            pid = self.registry.designated(m.group()[4:])
            if pid is not None:  # an office several people hold names nobody for sure
                taken.add(m.start(), m.end())
                yield m.start(), m.end(), pid, True
        for m in _titled().finditer(text):
            if taken.overlaps(m.start(), m.end()):
                continue
            word = m.group(1)
            if word in _NOT_NAMES:
                continue
            pid, exact = self.registry.resolve(word, named=True)
            taken.add(m.start(), m.end())
            yield m.start(), m.end(), pid, exact
        for m in _BEFORE_VERB.finditer(text):
            pid, exact = self.registry.resolve(m.group(1), named=True)
            if pid is None or exact or taken.overlaps(m.start(), m.end()):
                continue
            taken.add(m.start(), m.end())
            yield m.start(), m.end(), pid, False
        for m in _LONG_CAPWORD.finditer(text):
            pid, exact = self.registry.resolve(m.group())
            if pid is None or exact:
                continue
            if not taken.overlaps(m.start(), m.end()):
                yield m.start(), m.end(), pid, False

    def link(self, nodes: list[Inline]) -> None:
        for parent, index, node in reversed(list(iter_texts(nodes))):
            found = sorted(self.find(node.text, opens=parent is nodes and index == 0))
            if found:  # most texts name nobody: they stay as they are
                parent[index : index + 1] = list(self._split(node, found))

    def _split(
        self, node: Text, found: list[tuple[int, int, str | None, bool]]
    ) -> Iterable[Inline]:
        text, pos = node.text, 0
        for start, end, pid, exact in found:
            if start < pos or (pid is None and self.declared_only):
                continue
            if start > pos:
                yield Text(node.line, node.col + pos, text[pos:start], file=node.file)
            name = text[start:end]
            col = node.col + start
            if pid is None:
                self.diagnostics.append(
                    Diagnostic(
                        "C301",
                        f"name {name!r} resolves to no declared person",
                        node.file or self.file,
                        node.line,
                        col,
                        hint="declare the person in people.toml, or add an alias",
                    )
                )
            else:
                self.registry.used.add(pid)
                if not exact:
                    self.diagnostics.append(
                        Diagnostic(
                            "C302",
                            f"name {name!r} read as a variant of "
                            f"{self.registry.people[pid].name!r}",
                            node.file or self.file,
                            node.line,
                            col,
                            hint="add the spelling to the person's aliases to confirm it",
                        )
                    )
            name_text = Text(node.line, col, name, file=node.file)
            yield PersonRef(node.line, col, [name_text], ref=pid, file=node.file)
            pos = end
        if pos < len(text):
            yield Text(node.line, node.col + pos, text[pos:], file=node.file)
