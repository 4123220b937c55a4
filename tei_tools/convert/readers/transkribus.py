"""Transkribus's ``@custom`` attribute: the editor's tags on a PAGE line.

``readingOrder {index:3;} person {offset:4; length:12; firstname:Anna;} textStyle
{offset:0; length:5; bold:true;}`` — each tag a name and its properties; a span's
``offset`` and ``length`` count UTF-16 code units, as Transkribus (Java) does.
``line_runs`` cuts a line's text into runs carrying the styles and tags over each
piece, and anchors a comment's note after the text it comments on.
"""

from __future__ import annotations

import datetime
import functools
import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from tei_tools.convert.model import Dated
from tei_tools.convert.readers.entities import TagFeatures, TaggedPeople
from tei_tools.convert.readers.runs import (
    BOLD,
    ITALIC,
    STRIKE,
    SUB,
    SUP,
    UNDERLINE,
    Anchor,
    Run,
    Tag,
)
from tei_tools.convert.readers.values import as_ncname, signed
from tei_tools.names.identity import unused

_CUSTOM = re.compile(r"([A-Za-z][\w-]*)\s*\{([^}]*)\}")
_STRUCTURAL = {"readingOrder", "structure"}
_STYLE_KEYS = {
    "strikethrough": STRIKE,
    "superscript": SUP,
    "subscript": SUB,
    "bold": BOLD,
    "italic": ITALIC,
    "underlined": UNDERLINE,
}
# Tags and the TEI element each becomes; any other tag is an ``rs`` of its name.
ELEMENTS = {
    "person": "persName",
    "place": "placeName",
    "organization": "orgName",
    "date": "date",
    "unclear": "unclear",
    "supplied": "supplied",
    "abbrev": "abbr",
    "sic": "sic",
    "gap": "gap",
}
# Properties each element keeps, and the TEI attribute each becomes.
_KEPT = {
    "unclear": {"reason": "reason", "cert": "cert"},
    "supplied": {"reason": "reason", "resp": "resp"},
    "gap": {"reason": "reason"},
}
_NOT_PROPERTIES = {"offset", "length", "continued"}
_TOKEN = re.compile(r"[^\w.-]+")
_XML_SPACE = re.compile(r"[ \t\r\n]+")
_WIKIDATA = re.compile(r"Q[0-9]{1,12}")
_ISO_DATE = re.compile(r"-?[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?")
_DOTTED_DATE = re.compile(r"([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})")
# Attributes whose values the project schema closes (as its ODD says): (tag, attribute)
_CLOSED = {
    ("unclear", "cert"): {"high", "medium", "low", "unknown"},
    ("gap", "reason"): {"illegible", "redacted"},
}


def custom_tags(value: str | None) -> tuple[tuple[str, Mapping[str, str]], ...]:
    """``readingOrder {index:0;} textStyle {offset:0; length:5;bold:true;}`` →
    ((name, {key: value}), …) in order."""
    return _custom_tags(value) if value else ()


@functools.lru_cache(maxsize=4096)  # an export repeats a few values on every line
def _custom_tags(value: str) -> tuple[tuple[str, Mapping[str, str]], ...]:
    tags = []
    for match in _CUSTOM.finditer(value):
        props = {}
        for item in match.group(2).split(";"):
            key, sep, val = item.partition(":")
            if sep:
                props[key.strip()] = val.strip().replace("\\u0020", " ")
        tags.append((match.group(1), MappingProxyType(props)))
    return tuple(tags)


def words_in_line(words: list[tuple[str, str | None]], text: str) -> tuple[str, list[str]]:
    """The tags of a line's words (text, ``@custom``) as tags of the line's ``text``:
    each offset moved to where its word stands in it (words in order, as OCR-D's ground
    truth tags them), kept within its word (an offset or a length past it ends with the
    word; an offset without a length is a point, as on a line), a tag continued from
    the word before with the same properties (an abbreviation over two words) made one
    span with it. Also the tagged words not found in ``text`` as words."""
    spans: list[_Span] = []
    missed: list[str] = []
    at = 0
    ended: dict[str, _Span] = {}  # the word before's spans ending with it, by name
    for word, custom in words:
        tags = [(n, p) for n, p in custom_tags(custom) if _marks_up(n, p)]
        found = _word_at(text, word, at) if word else -1
        if found < 0:
            if tags:
                missed.append(word or "(a word with no text)")
            ended = {}  # a tag goes on only over words that stand side by side
            continue
        base, size = _utf16_len(text[:found]), _utf16_len(word)
        word_end = base + size
        ending: dict[str, _Span] = {}
        for name, props in tags:
            offset = min(max(signed(props.get("offset", "0")) or 0, 0), size)
            if "length" in props:
                length = signed(props["length"])
                stop = size if length is None else min(offset + max(length, 0), size)
            else:
                stop = offset if "offset" in props else size
            start, end = base + offset, base + stop
            kept = {k: v for k, v in props.items() if k not in ("offset", "length")}
            previous = ended.get(name)
            if (
                kept.get("continued") == "true"
                and offset == 0
                and previous is not None
                and _reading(previous.props) == _reading(kept)
            ):
                previous.end = end  # one tag over both words
                span = previous
            else:
                span = _Span(name, start, end, kept)
                spans.append(span)
            if end == word_end:
                ending[name] = span
        at = found + len(word)
        ended = ending
    custom = " ".join(
        f"{span.name} {{offset:{span.start}; length:{span.end - span.start};"
        + "".join(f" {k}:{v};" for k, v in span.props.items())
        + "}"
        for span in spans
    )
    return custom, missed


@dataclass
class _Span:
    """A word's tag placed in its line: UTF-16 units of the line's text."""

    name: str
    start: int
    end: int
    props: dict[str, str]


def _word_at(text: str, word: str, at: int) -> int:
    """Where ``word`` stands in ``text`` as a word (white space or an end on both
    sides), from ``at``; -1 where it does not."""
    found = text.find(word, at)
    while found >= 0:
        after = found + len(word)
        if (found == 0 or text[found - 1].isspace()) and (
            after == len(text) or text[after].isspace()
        ):
            return found
        found = text.find(word, found + 1)
    return -1


def _reading(props: Mapping[str, str]) -> dict[str, str]:
    """A tag's properties but its place and whether it goes on: the parts of one tag
    agree in these."""
    return {k: v for k, v in props.items() if k not in _NOT_PROPERTIES}


@functools.lru_cache(maxsize=4096)  # most words repeat a few values (a reading order)
def marks_up(custom: str | None) -> bool:
    """Whether a ``@custom`` holds a tag that gives markup (see ``_marks_up``)."""
    return any(_marks_up(name, props) for name, props in custom_tags(custom))


def _marks_up(name: str, props: Mapping[str, str]) -> bool:
    """A tag that gives markup: not the reading order or a structure type, nor a text
    style of fonts and sizes only (OCR-D's ground truth gives every word one)."""
    if name in _STRUCTURAL:
        return False
    return name != "textStyle" or any(props.get(key) == "true" for key in _STYLE_KEYS)


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def utf16_to_index(text: str) -> Callable[[int], int]:
    """Transkribus's offsets (UTF-16 code units) → indexes of ``text``."""
    if text.isascii() or len(text.encode("utf-16-le")) == 2 * len(text):
        return lambda n: n
    starts = list(itertools.accumulate((2 if ord(ch) >= 0x10000 else 1 for ch in text), initial=0))
    return lambda n: next((i for i, s in enumerate(starts) if s >= n), len(text))


@dataclass
class Carried:
    """Tags continued from one line to the next (``continued:true``), by name, with the
    properties each states: the next line's continued tag of that name, at its start,
    stating the same, is the same tag."""

    open: dict[str, tuple[Tag, dict[str, str]]] = field(default_factory=dict)
    keys: Iterator[int] = field(default_factory=itertools.count)


@dataclass
class Found:
    """What a line's tags hold besides its runs: a problem to report (message, the
    column it applies at, the value), and the tags not encoded as their name says
    (name, reason)."""

    problems: list[tuple[str, int, str]] = field(default_factory=list)
    # tag/property kept as a feature: the document's count, shared (a Counter a line
    # would cost more to make than most lines cost to read)
    featured: Counter[str] = field(default_factory=Counter)
    crossings: list[tuple[str, int]] = field(default_factory=list)  # (message, column)
    people: TaggedPeople = field(default_factory=TaggedPeople)  # the document's, shared
    features: TagFeatures = field(default_factory=TagFeatures)  # the document's, shared


def untagged(tags: tuple[tuple[str, Mapping[str, str]], ...]) -> bool:
    """Whether a line's tags (``custom_tags``) hold no tag and no style (most lines:
    their reading order alone), so that its text is one run."""
    return all(name in _STRUCTURAL for name, _ in tags)


def line_runs(text: str, custom: str | None, carried: Carried, found: Found) -> list[Run]:
    """The runs of a line whose ``@custom`` is ``custom``; ``carried`` holds the tags
    continued from the line before and receives those continued to the next."""
    found_tags = custom_tags(custom)
    if untagged(found_tags):
        carried.open = {}
        return [Run(text)] if text else []
    index = utf16_to_index(text)
    styles: list[tuple[int, int, str]] = []
    spans: list[tuple[int, int, Tag]] = []
    anchors: list[tuple[int, Anchor]] = []
    still_open: dict[str, tuple[Tag, dict[str, str]]] = {}
    tagged: list[tuple[int, int, str, Mapping[str, str]]] = []
    for name, props in found_tags:
        if name in _STRUCTURAL:
            continue
        offset = max(_place(props, "offset", 0, found, name) or 0, 0)
        start = min(index(offset), len(text))
        length = _place(props, "length", None, found, name)
        if length is not None:
            end = min(max(index(offset + length), start), len(text))
        else:  # Transkribus gives a tag placed without a length (-1) no text
            end = start if "offset" in props else len(text)
        if name == "textStyle":
            styles += [(start, end, s) for k, s in _STYLE_KEYS.items() if props.get(k) == "true"]
        elif name == "comment":
            note = props.get("comment", "").strip()
            ana = _as_features(name, props, {*_NOT_PROPERTIES, "comment"}, found)
            if note or ana:  # its other properties: features, as any tag's
                anchors.append((end, Anchor(note, kind="comment", ana=ana)))
        elif start == end and name != "gap":
            what = f"the tag {name!r} covers no text, so no element can hold it; it is left out"
            found.problems.append((what, start + 1, f"{name} {{{_stated(props)}}}"))
        else:
            tagged.append((start, end, name, props))
    # Keys in the order tags nest: the one that starts first, or is longer, outside
    for start, end, name, props in sorted(tagged, key=lambda t: (t[0], -t[1])):
        continued = props.get("continued") == "true"
        reading = _reading(props)
        before = carried.open.get(name) if continued and start == 0 else None
        tag = before[0] if before is not None and before[1] == reading else None
        if tag is None:
            tag = make_tag(name, props, next(carried.keys), found)
        if continued and end == len(text):
            still_open[name] = (tag, reading)
        spans.append((start, end, tag))
    for (a_start, a_end, a), (b_start, b_end, b) in itertools.combinations(spans, 2):
        if a_start < b_start < a_end < b_end or b_start < a_start < b_end < a_end:
            inner = a if a.key > b.key else b
            outer = b if inner is a else a
            found.crossings.append(
                (
                    f"the tags {outer.element!r} and {inner.element!r} cross on "
                    f"{text[min(a_start, b_start) : max(a_end, b_end)]!r}; XML elements nest, "
                    f"so the {inner.element!r} is encoded in two parts linked by @next/@prev",
                    max(a_start, b_start) + 1,
                )
            )
    carried.open = still_open
    return cut(text, styles, spans, anchors)


def _stated(props: Mapping[str, str]) -> str:
    """A tag's properties as ``@custom`` states them."""
    return " ".join(f"{key}:{value};" for key, value in props.items())


def _place(
    props: Mapping[str, str], key: str, default: int | None, found: Found, name: str
) -> int | None:
    if key not in props:
        return default
    n = signed(props[key])
    if n is None:
        instead = "from the line's start" if key == "offset" else "to the line's end"
        what = f"the {key} of the tag {name!r} is not a whole number; it is read {instead}"
        found.problems.append((what, 1, props[key]))
        return default
    return n


def make_tag(name: str, props: Mapping[str, str], key: int, found: Found) -> Tag:
    """The Tag of a Transkribus tag: its element and the properties it keeps; the
    others are kept as features (``found.features``), pointed at by ``@ana``."""
    element = ELEMENTS.get(name, "rs")
    attrs: dict[str, str] = {}
    other = ""
    kept = set(_NOT_PROPERTIES)
    if element == "rs":
        attrs["type"] = _token(name) or "tag"
    for prop, attr in _KEPT.get(name, {}).items():
        value = _token(props.get(prop, ""))
        closed = _CLOSED.get((name, attr))
        if closed is not None and value not in closed:
            continue  # a value the schema's closed list lacks: kept as a feature
        if value:
            attrs[attr] = value
            kept.add(prop)
    if name in ("person", "place", "organization"):
        wiki = props.get("wikiData", "").strip()
        if _WIKIDATA.fullmatch(wiki):
            attrs["ref"] = f"https://www.wikidata.org/wiki/{wiki}"
            kept.add("wikiData")
    if name == "person":
        pid = _person(props, attrs.get("ref", ""), found)
        if pid is not None:  # the person's record holds the names, dates and authority
            attrs["ref"] = f"#{pid}"
            kept |= set(_PERSON_PROPERTIES)
    if name == "date":
        when = date_when(props)
        if when:  # else the date as stated is kept as features
            attrs["when"] = when
            kept |= {"when", "year", "month", "day"}
        elif any(props.get(k, "").strip() for k in ("when", "year")):
            stated = props.get("when") or "-".join(
                props.get(k, "") for k in ("year", "month", "day")
            )
            what = "a date tag's date is no calendar date; its text is kept without @when"
            found.problems.append((what, 1, stated))
    if name in ("abbrev", "sic"):
        reading = "expansion" if name == "abbrev" else "correction"
        other = props.get(reading, "").strip()  # none given: the tag is written alone
        kept.add(reading)
    ana = _as_features(name, props, kept, found)
    if ana:
        attrs["ana"] = ana
    return Tag(key, element, tuple(sorted(attrs.items())), other)


def _as_features(name: str, props: Mapping[str, str], kept: set[str], found: Found) -> str:
    """A pointer to the feature structure of the tag's properties not ``kept``
    otherwise ("" when there are none)."""
    named: set[str] = set()  # two keys one name once made XML names: each its own
    features = tuple(
        (_feature_name(prop, named), value)
        for prop, value in props.items()
        if prop not in kept and value
    )
    if not features:
        return ""
    found.featured.update(f"{name}/{prop}" for prop, _ in features)
    return f"#{found.features.id_for(name, features)}"


# what a person record holds of a tag (its wikiData: @ref, when it is an item)
_PERSON_PROPERTIES = ("firstname", "lastname", "dateOfBirth", "dateOfDeath")


def _person(props: Mapping[str, str], authority: str, found: Found) -> str | None:
    """The id of the person a person tag names by first or last name (None when it
    names neither: the tag is a name and no more)."""
    forename, surname, birth, death = (
        # XML's white space made one space: a no-break space is the editor's
        " ".join(_XML_SPACE.split(props.get(key, "").strip(" \t\r\n")))
        for key in _PERSON_PROPERTIES
    )
    if not (forename or surname):
        return None
    born, died = (Dated(d, date_when({"when": d})) if d else None for d in (birth, death))
    return found.people.id_for(forename, surname, born, died, authority)


def _feature_name(key: str, named: set[str]) -> str:
    name = unused(as_ncname(key), named)
    named.add(name)
    return name


def date_when(props: Mapping[str, str]) -> str | None:
    """A date tag's date as ISO 8601 (``when``; else ``year``, ``month``, ``day``);
    None for one the calendar does not have (31 February, month 13, year 0)."""
    when = props.get("when", "").strip()
    dotted = _DOTTED_DATE.fullmatch(when)
    if dotted:
        day, month, year = dotted.groups()
        when = f"{year}-{int(month):02d}-{int(day):02d}"
    elif not _ISO_DATE.fullmatch(when):
        year, month, day = (props.get(k, "").strip() for k in ("year", "month", "day"))
        if not (year.isdigit() and len(year) == 4):
            return None
        when = year
        if month.isdigit():
            when += f"-{int(month):02d}" + (f"-{int(day):02d}" if day.isdigit() else "")
    return when if _real_date(when) else None


def _real_date(when: str) -> bool:
    parts = [int(p) for p in when.lstrip("-").split("-")]
    year, month, day = [*parts, 1, 1][:3]
    if when.startswith("-") or year < 1:
        return False
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


def _token(value: str) -> str:
    """A value as a TEI token (``data.enumerated``): no spaces or punctuation runs."""
    return _TOKEN.sub("-", value.strip()).strip("-")


def cut(
    text: str,
    styles: list[tuple[int, int, str]],
    spans: list[tuple[int, int, Tag]],
    anchors: list[tuple[int, Anchor]] | None = None,
) -> list[Run]:
    """``text`` cut where a style or tag starts or ends, each piece with the styles and
    tags over it (tags outermost first), pieces alike joined; each anchor's note, and
    each tag over no text (a gap), a run of no text at its place. One sweep."""
    if not styles and not spans and not anchors:
        return [Run(text)] if text else []
    if not spans and not anchors:
        return _styled(text, styles)
    opening: dict[int, list[str | Tag]] = defaultdict(list)
    closing: dict[int, list[str | Tag]] = defaultdict(list)
    empty: dict[int, list[Run]] = defaultdict(list)  # runs of no text, by place
    for at, anchor in anchors or []:
        empty[at].append(Run("", anchor=anchor))
    marks: list[tuple[int, int, str | Tag]] = [*styles, *spans]
    for start, end, what in marks:
        if start < end:
            opening[start].append(what)
            closing[end].append(what)
        elif isinstance(what, Tag) and what.element == "gap":
            empty[start].append(Run("", tags=(what,)))
    cuts = sorted({0, len(text), *opening, *closing, *empty})
    active: Counter[str | Tag] = Counter()
    pieces: list[Run] = []
    for position, end in itertools.pairwise([*cuts, len(text) + 1]):
        before = {k for k, n in active.items() if n > 0 and isinstance(k, Tag)}
        active.subtract(closing.get(position, ()))
        active.update(opening.get(position, ()))
        after = {k for k, n in active.items() if n > 0 and isinstance(k, Tag)}
        # a note or a gap inside a tag's span stays inside it: the tag is not cut
        around = tuple(sorted(before & after, key=lambda t: t.key))
        pieces += [replace(run, tags=(*around, *run.tags)) for run in empty.get(position, ())]
        if end <= len(text):
            on = [k for k, n in active.items() if n > 0]
            tags = tuple(sorted((t for t in on if isinstance(t, Tag)), key=lambda t: t.key))
            styles_on = frozenset(s for s in on if isinstance(s, str))
            pieces.append(Run(text[position:end], styles_on, tags=tags))
    runs = []
    for (styles_on, tags, anchor), group in itertools.groupby(
        pieces, key=lambda r: (r.styles, r.tags, r.anchor)
    ):
        joined = "".join(r.text for r in group)
        if joined or anchor is not None or tags:
            runs.append(Run(joined, styles_on, tags=tags, anchor=anchor))
    return runs


def _styled(text: str, styles: list[tuple[int, int, str]]) -> list[Run]:
    """``cut`` for a line with styles only (most styled lines): each piece between two
    places a style starts or ends, with the styles over it, pieces alike joined."""
    cuts = sorted({0, len(text), *(s for s, _, _ in styles), *(e for _, e, _ in styles)})
    runs: list[Run] = []
    for start, end in itertools.pairwise(cuts):
        on = frozenset(style for s, e, style in styles if s <= start and end <= e and s < e)
        if runs and runs[-1].styles == on:
            runs[-1] = Run(runs[-1].text + text[start:end], on)
        else:
            runs.append(Run(text[start:end], on))
    return runs
