"""Rule checks that a schema cannot express, each a small named function.

Every rule has a stable code, a default severity and a one-line rationale (in
``RULES``); ``--select``/``--ignore`` choose among them by code.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

import re2
from lxml import etree

from tei_tools.diagnostics import Code, Diagnostic, Severity
from tei_tools.namespaces import TEI_NS, XML_ID
from tei_tools.page_numbers import printed_number
from tei_tools.pointers import name_from_pointer
from tei_tools.validate.loader import Located, line_of

POINTER_ATTRIBUTES = ("who", "ref", "target", "corresp", "hand")
NS = {"t": TEI_NS}


@dataclass(frozen=True)
class Rule:
    code: Code  # its default severity and rationale are the catalogue's
    check: Callable[[Located], Iterator[tuple[etree._Element, str, str]]]

    @property
    def severity(self) -> Severity:
        return self.code.severity

    @property
    def rationale(self) -> str:
        return self.code.rationale


def _tag(el: etree._Element) -> str:
    return etree.QName(el).localname


_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def prefix_definitions(doc: Located) -> dict[str, list[tuple[str, str]]]:
    """prefixDef: ident → (matchPattern, replacementPattern) pairs, in document order."""
    found: dict[str, list[tuple[str, str]]] = {}
    for d in doc.tree.iterfind(".//t:prefixDef", NS):
        ident, match, repl = d.get("ident"), d.get("matchPattern"), d.get("replacementPattern")
        if ident and match is not None and repl is not None:
            found.setdefault(ident, []).append((match, re.sub(r"\$(\d)", r"\\\1", repl)))
    return found


@lru_cache(maxsize=256)
def _linear(pattern: str) -> Any:
    """A document's own pattern, compiled by RE2, whose matching time is linear in
    the text: Python's backtracking ``re`` would let a 453-byte file with
    ``(a+)+b`` hang the validator. Anchored, as prefixDef patterns match whole
    references. None when RE2 cannot read the pattern."""
    try:
        return re2.compile(f"^(?:{pattern})$")
    except re2.error:
        return None


def expand(token: str, prefixes: dict[str, list[tuple[str, str]]]) -> str | None:
    """A private URI ("frus:d12") expanded by its prefixDef; None when none matches
    (or its pattern is beyond RE2: the pointer is then reported as unchecked)."""
    prefix, _, rest = token.partition(":")
    for match, repl in prefixes.get(prefix, []):
        compiled = _linear(match)
        if compiled is None:
            return None
        if compiled.search(rest):
            try:
                return str(compiled.sub(repl, rest, count=1))
            except re2.error:
                return None
    return None


@lru_cache(maxsize=64)
def _ids_in(path: Path, stamp: tuple[int, int], max_bytes: int) -> frozenset[str] | None:
    """The xml:ids of another document, read as safely as the validated ones; ``stamp``
    (its modification time and size) keys the cache, so an edited file is read again."""
    from tei_tools.validate.loader import load

    try:
        if stamp[1] > max_bytes:
            return None
        doc, _ = load(str(path), path.read_bytes(), max_bytes)
    except OSError:
        return None
    return frozenset(doc.ids) if doc is not None else None


@lru_cache(maxsize=1024)
def _beside(base: Path, name: str, folder_stamp: int) -> Path | None:
    """The file ``name`` (or ``name.xml``) resolves to in ``base`` or below, None when
    there is none or it leads out of ``base``. Many documents of a folder point at the
    same few files: each is looked for once while the folder holding it is unchanged
    (``folder_stamp``: its modification time, which a file added or removed moves)."""
    for candidate in (base / name, base / f"{name}.xml"):
        try:
            resolved = candidate.resolve()
        except (OSError, RuntimeError):
            continue
        if resolved.is_relative_to(base) and resolved.is_file():
            return resolved
    return None


def _external(doc: Located, token: str) -> bool | None:
    """Whether ``file#id`` (or ``file``) resolves in a file beside the document (in
    its folder or below, within the size limit); None when there is no such file
    to look in. A pointer out of the folder (``../../etc/passwd``) is never read."""
    target, _, fragment = token.partition("#")
    if doc.folder is None:
        doc.folder = (Path(doc.name).parent if doc.name != "<stdin>" else Path.cwd()).resolve()
    base = doc.folder
    fragment = name_from_pointer(fragment)
    # a pointer names "a b.xml" as "a%20b.xml"; a name written unescaped is looked for too
    for name in dict.fromkeys((name_from_pointer(target), target)):
        try:
            folder_stamp = (base / name).parent.stat().st_mtime_ns
        except (OSError, ValueError):
            continue
        found = _beside(base, name, folder_stamp)
        if found is None:
            continue
        try:
            stat = found.stat()
        except OSError:
            continue
        ids = _ids_in(found, (stat.st_mtime_ns, stat.st_size), doc.max_bytes)
        return None if ids is None else (not fragment or fragment in ids)
    return None


def _pointers(doc: Located) -> list[tuple[etree._Element, str, str, bool | None]]:
    """Pointer tokens with whether each resolves (None: it cannot be checked), but for
    same-document pointers that resolve; two rules read them, so they are found once
    per document."""
    if doc.pointers is None:
        doc.pointers = list(_find_pointers(doc))
    return doc.pointers


def _find_pointers(doc: Located) -> Iterator[tuple[etree._Element, str, str, bool | None]]:
    ids = doc.ids
    prefixes = prefix_definitions(doc)
    for el, attr, value in doc.attributes(*POINTER_ATTRIBUTES):
        for token in value.split():
            if token[:1] == "#" and token[1:] in ids:
                continue  # most pointers: resolved, never reported
            pointer = token
            if _SCHEME.match(token) and token.split(":", 1)[0] in prefixes:
                expanded = expand(token, prefixes)
                if expanded is None:
                    yield el, attr, token, None
                    continue
                pointer = expanded
            if pointer.startswith("#"):
                yield el, attr, token, pointer[1:] in ids
            elif not _SCHEME.match(pointer) and pointer not in ids and not pointer.startswith("/"):
                yield el, attr, token, _external(doc, pointer)


def dangling_pointers(doc: Located) -> Iterator[tuple[etree._Element, str, str]]:
    for el, attr, token, resolves in _pointers(doc):
        if resolves is False:
            yield (
                el,
                f'@{attr}="{token}" points at no xml:id'
                + (" in the document" if token.startswith("#") else " in the file it names"),
                "declare the target with xml:id, or correct the pointer",
            )


def unchecked_pointers(doc: Located) -> Iterator[tuple[etree._Element, str, str]]:
    for el, attr, token, resolves in _pointers(doc):
        if resolves is None:
            yield (
                el,
                f'@{attr}="{token}" cannot be checked: the file it names is not beside the '
                "document (or its prefix has no matching prefixDef)",
                "validate it beside the files it points into, or declare the prefix",
            )


def bare_pointers(doc: Located) -> Iterator[tuple[etree._Element, str, str]]:
    ids = doc.ids
    for el, attr, value in doc.attributes("who", "ref"):
        for token in value.split():
            if token[:1] != "#" and ":" not in token and token in ids:
                yield (
                    el,
                    f"@{attr}=\"{token}\" names an xml:id without '#'",
                    f'expected @{attr}="#{token}"',
                )


def repeated_ids(
    identified: Iterable[tuple[etree._Element, str]],
) -> Iterator[tuple[etree._Element, str, str]]:
    """R002 over (element, xml:id) pairs in document order: also run on a stream
    (the collection's persons.xml), so it keeps only each id's first line."""
    first: dict[str, int] = {}
    for el, value in identified:
        if value in first:
            yield (
                el,
                f'xml:id "{value}" is used again (first on line {first[value]})',
                "give each element its own xml:id",
            )
        else:
            first[value] = line_of(el)


def duplicate_ids(doc: Located) -> Iterator[tuple[etree._Element, str, str]]:
    return repeated_ids((el, value) for el, _, value in doc.attributes("id"))


def speaker_is_person(doc: Located) -> Iterator[tuple[etree._Element, str, str]]:
    people = {p.get(XML_ID) for p in doc.tree.iterfind(".//t:particDesc//t:person", NS)}
    ids = doc.ids
    for said in doc.tree.iterfind(".//t:said[@who]", NS):
        for token in (said.get("who") or "").split():
            target = token[1:] if token.startswith("#") else token
            if target in ids and target not in people:
                yield (
                    said,
                    f'said/@who="{token}" is not a person in particDesc',
                    "expected a pointer to particDesc//person/@xml:id",
                )


def subst_pairs(doc: Located) -> Iterator[tuple[etree._Element, str, str]]:
    for subst in doc.tree.getroot().iterdescendants(f"{{{TEI_NS}}}subst"):
        kinds = {child.tag.rpartition("}")[2] for child in subst.iterchildren(etree.Element)}
        if not {"del", "add"} <= kinds:
            missing = " and ".join(sorted({"del", "add"} - kinds))
            yield subst, f"subst lacks {missing}", "a substitution holds a del and an add"


def empty_alterations(doc: Located) -> Iterator[tuple[etree._Element, str, str]]:
    for el in doc.tree.iter(f"{{{TEI_NS}}}del", f"{{{TEI_NS}}}add"):
        if len(el) == 0 and not (el.text or "").strip():
            yield (
                el,
                f"empty <{_tag(el)}>",
                "write the deleted or added text, or a gap "
                "for unreadable text, or remove the element",
            )


def page_order(doc: Located) -> Iterator[tuple[etree._Element, str, str]]:
    last: int | None = None
    for pb in doc.tree.iterfind(".//t:text//t:pb[@n]", NS):
        number = pb.get("n") or ""
        if not number.isdigit():
            continue
        if last is not None and int(number) <= last:
            yield (pb, f"page {number} follows page {last}", f"expected a page number above {last}")
        last = int(number)


def page_number_matches(doc: Located) -> Iterator[tuple[etree._Element, str, str]]:
    for pb in doc.tree.iterfind(".//t:text//t:pb[@n]", NS):
        following = pb.getnext()
        if following is None or following.tag != f"{{{TEI_NS}}}fw":
            continue
        if following.get("type") != "pageNum":
            continue
        text = "".join(str(t) for t in following.itertext())
        # the number as the page prints it (2v, xii), else the first digits ("Page 7")
        printed = [printed_number(text)] if printed_number(text) else re.findall(r"\d+", text)
        if printed and printed[0] != pb.get("n"):
            yield (
                following,
                f'printed page number {printed[0]} differs from pb/@n="{pb.get("n")}"',
                "make pb/@n the number printed on the page",
            )


# att.datable.w3c: the W3C Schema date and time types, with an optional time zone.
_TZ = r"(?P<tz>Z|[+-]\d{2}:\d{2})?"
_YEAR = r"(?P<y>-?\d{4,})"
_TIME = r"(?P<h>\d{2}):(?P<mi>\d{2}):(?P<s>\d{2})(?:\.\d+)?"
W3C_FORMS = {
    "date": re.compile(rf"{_YEAR}-(?P<m>\d{{2}})-(?P<d>\d{{2}}){_TZ}"),
    "dateTime": re.compile(rf"{_YEAR}-(?P<m>\d{{2}})-(?P<d>\d{{2}})T{_TIME}{_TZ}"),
    "time": re.compile(rf"{_TIME}{_TZ}"),
    "gYearMonth": re.compile(rf"{_YEAR}-(?P<m>\d{{2}}){_TZ}"),
    "gYear": re.compile(rf"{_YEAR}{_TZ}"),
    "gMonthDay": re.compile(rf"--(?P<m>\d{{2}})-(?P<d>\d{{2}}){_TZ}"),
    "gMonth": re.compile(rf"--(?P<m>\d{{2}}){_TZ}"),
    "gDay": re.compile(rf"---(?P<d>\d{{2}}){_TZ}"),
}
DATE_ATTRIBUTES = ("when", "notBefore", "notAfter", "from", "to")
# The TEI elements whose DATE_ATTRIBUTES are dates (att.datable's members in P5's
# p5subset.xml); elsewhere @from and @to are folios (locus), pages (att.citing) or
# pointers (span, app, arc, rt). Tested against p5subset.
DATABLE = frozenset(
    f"{{{TEI_NS}}}{name}"
    for name in (
        "acquisition",
        "affiliation",
        "age",
        "altIdentifier",
        "application",
        "author",
        "binding",
        "birth",
        "bloc",
        "change",
        "climate",
        "conversion",
        "country",
        "creation",
        "custEvent",
        "date",
        "death",
        "district",
        "docDate",
        "editor",
        "education",
        "event",
        "eventName",
        "faith",
        "floruit",
        "funder",
        "gender",
        "geogFeat",
        "geogName",
        "idno",
        "langKnowledge",
        "langKnown",
        "licence",
        "localProp",
        "location",
        "mapping",
        "meeting",
        "name",
        "nationality",
        "objectName",
        "occupation",
        "offset",
        "orgName",
        "origDate",
        "origPlace",
        "origin",
        "persName",
        "persPronouns",
        "placeName",
        "population",
        "post",
        "precision",
        "principal",
        "provenance",
        "region",
        "relation",
        "residence",
        "resp",
        "seal",
        "settlement",
        "sex",
        "socecStatus",
        "sponsor",
        "stamp",
        "state",
        "terrain",
        "time",
        "title",
        "trait",
        "unicodeProp",
        "unihanProp",
        "unitDecl",
        "unitDef",
    )
)


@lru_cache(maxsize=1)
def _types() -> dict[str, Any]:
    """The XSD 1.0 types of att.datable.w3c, as elementpath implements them (year 0000
    is no year there; 24:00:00 is the end of a day). Imported when a value needs them:
    a tenth of a second a process, which most documents' dates never cost."""
    from elementpath import datatypes

    return {
        "date": datatypes.Date10,
        "dateTime": datatypes.DateTime10,
        "time": datatypes.Time,
        "gYearMonth": datatypes.GregorianYearMonth10,
        "gYear": datatypes.GregorianYear10,
        "gMonthDay": datatypes.GregorianMonthDay,
        "gMonth": datatypes.GregorianMonth,
        "gDay": datatypes.GregorianDay,
    }


@lru_cache(maxsize=4096)  # a document repeats its dates
def w3c_value(value: str) -> tuple[str, Any] | str:
    """(type, comparable value) of an att.datable.w3c value, or why it is impossible:
    the lexical form picks the type, elementpath's XSD datatypes read the value."""
    for kind, form in W3C_FORMS.items():
        if form.fullmatch(value) is None:
            continue
        try:
            parsed = _types()[kind].fromstring(value)
        except ValueError as exc:
            return f"{value!r} is no {kind}: {exc}"
        if kind == "time" and value.startswith("24:00:00"):
            return kind, (1, parsed)  # the end of the day, after every other time
        return kind, (0, parsed) if kind == "time" else parsed
    return "expected a W3C date or time (YYYY-MM-DD, YYYY-MM, YYYY, hh:mm:ss, --MM-DD …)"


# The forms most dates take, read here: no time zone, a year of four digits from 0001,
# an hour below 24. A value of such a form that is possible gets the type
# ``w3c_value`` gives it and a value that orders as elementpath's does among them.
_PLAIN_FORMS = {
    "date": re.compile(r"(\d{4})-(\d{2})-(\d{2})"),
    "dateTime": re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2}(?:\.\d+)?)"),
    "time": re.compile(r"(\d{2}):(\d{2}):(\d{2}(?:\.\d+)?)"),
    "gYearMonth": re.compile(r"(\d{4})-(\d{2})"),
    "gYear": re.compile(r"(\d{4})"),
    "gMonthDay": re.compile(r"--(\d{2})-(\d{2})"),
    "gMonth": re.compile(r"--(\d{2})"),
    "gDay": re.compile(r"---(\d{2})"),
}


_MICROSECOND = Decimal("0.000001")


@lru_cache(maxsize=4096)
def plain_value(value: str) -> tuple[str, Any] | None:
    """(type, comparable value) of a possible date or time of a plain form (see
    _PLAIN_FORMS), or None: then only ``w3c_value`` can say."""
    kind = next((k for k, form in W3C_FORMS.items() if form.fullmatch(value)), None)
    plain = _PLAIN_FORMS[kind].fullmatch(value) if kind is not None else None
    if kind is None or plain is None:
        return None
    parts = plain.groups()
    year = int(parts[0]) if kind in ("date", "dateTime", "gYearMonth", "gYear") else 2000
    month = 1
    if kind in ("date", "dateTime", "gYearMonth"):
        month = int(parts[1])
    elif kind in ("gMonthDay", "gMonth"):
        month = int(parts[0])
    day = 1
    if kind in ("date", "dateTime"):
        day = int(parts[2])
    elif kind == "gMonthDay":
        day = int(parts[1])
    elif kind == "gDay":
        day = int(parts[0])
    clock = parts[3:] if kind == "dateTime" else parts if kind == "time" else ("0", "0", "0")
    # elementpath keeps microseconds (later digits are cut off): so do these values
    second = Decimal(clock[2]).quantize(_MICROSECOND, rounding=ROUND_DOWN)
    hour, minute = int(clock[0]), int(clock[1])
    if year < 1 or not 1 <= month <= 12 or hour > 23 or minute > 59 or second >= 60:
        return None
    # a month-day (no year) is possible if it is in a leap year, as XSD reads it
    if not 1 <= day <= calendar.monthrange(year, month)[1] or (kind == "gDay" and day > 31):
        return None
    if kind == "time":
        return kind, (0, (hour, minute, second))
    return kind, (year, month, day, hour, minute, second)


def _later(start: Any, end: Any) -> bool:
    """``start`` follows ``end``; False where XSD leaves the order undetermined (one
    value with a time zone, the other without)."""
    try:
        return bool(start > end)
    except TypeError:
        return False


def _parsed_dates(
    doc: Located,
) -> dict[tuple[etree._Element, str], tuple[str, Any] | str]:
    """Each date's type and value, or why it is impossible. An element's dates are
    compared with one another, so they are read alike: here where all are of plain
    forms, else all by elementpath (time zones order in ways plain values do not)."""
    dates = [(el, attr, value) for el, attr, value in doc.attributes(*DATE_ATTRIBUTES)]
    dates = [(el, attr, value) for el, attr, value in dates if el.tag in DATABLE]
    plain = {(el, attr): plain_value(value) for el, attr, value in dates}
    exact = {el for (el, _), found in plain.items() if found is None}
    return {
        (el, attr): w3c_value(value) if el in exact else cast(tuple[str, Any], plain[el, attr])
        for el, attr, value in dates
    }


def _reversed_ranges(doc: Located, times: bool) -> Iterator[tuple[etree._Element, str, str]]:
    """Ranges (@from/@to, @notBefore/@notAfter) of one type whose start follows their end;
    ``times`` picks the time-of-day ranges (which may cross midnight) or the others."""
    parsed = _parsed_dates(doc)
    for (el, attr), start in parsed.items():
        end_attr = {"from": "to", "notBefore": "notAfter"}.get(attr, "")
        end = parsed.get((el, end_attr))
        if isinstance(start, str) or end is None or isinstance(end, str):
            continue
        if start[0] == end[0] and (start[0] == "time") == times and _later(start[1], end[1]):
            yield (
                el,
                f"@{attr}={el.get(attr)!r} is after @{end_attr}={el.get(end_attr)!r}",
                (
                    f"expected @{attr} no later than @{end_attr}"
                    + (" (unless the time crosses midnight)" if times else "")
                ),
            )


def real_dates(doc: Located) -> Iterator[tuple[etree._Element, str, str]]:
    """Impossible dates and times, and a date range whose start follows its end."""
    for (el, attr), found in _parsed_dates(doc).items():
        if isinstance(found, str):
            yield (
                el,
                f'@{attr}="{el.get(attr)}" is not a real date or time: {found}',
                ("expected a possible W3C date or time, e.g. 1962-11-06 or 16:30:00"),
            )
    yield from _reversed_ranges(doc, times=False)


def reversed_time_ranges(doc: Located) -> Iterator[tuple[etree._Element, str, str]]:
    """A time of day that ends before it starts: a slip, or a span across midnight."""
    yield from _reversed_ranges(doc, times=True)


def unattributed_speech(doc: Located) -> Iterator[tuple[etree._Element, str, str]]:
    for said in doc.tree.iterfind(".//t:said", NS):
        if not said.get("who"):
            yield said, "reported speech with no @who", 'add who="#id" when the speaker is known'


def unlinked_names(doc: Located) -> Iterator[tuple[etree._Element, str, str]]:
    for name in doc.tree.iterfind(".//t:text//t:persName", NS):
        if not name.get("ref"):
            text = " ".join("".join(str(t) for t in name.itertext()).split())
            yield name, f'name "{text}" is linked to no person', 'add ref="#id" if known'


RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in (
        Rule(Code.R001, dangling_pointers),
        Rule(Code.R002, duplicate_ids),
        Rule(Code.R003, speaker_is_person),
        Rule(Code.R004, subst_pairs),
        Rule(Code.R005, empty_alterations),
        Rule(Code.R006, page_order),
        Rule(Code.R007, real_dates),
        Rule(Code.R008, bare_pointers),
        Rule(Code.R009, page_number_matches),
        Rule(Code.R010, unattributed_speech),
        Rule(Code.R011, unlinked_names),
        Rule(Code.R012, reversed_time_ranges),
        Rule(Code.R013, unchecked_pointers),
    )
}


# The conventions of tei-tools' own encoding, not TEI's: a memorandum's speakers are
# declared in particDesc, its pages numbered in order, every name in it linked. They
# hold with the project schema; another project's TEI is not held to them unless asked.
PROFILE_RULES = frozenset({"R003", "R006", "R009", "R010", "R011"})


def iter_rules(doc: Located, codes: set[str]) -> Iterator[Diagnostic]:
    """The rules' findings, one rule at a time (a caller may stop at the first)."""
    for code in sorted(codes & RULES.keys()):
        rule = RULES[code]
        for el, message, hint in rule.check(doc):
            yield Diagnostic(code, message, doc.name, line_of(el), doc.column(el), hint=hint)
