"""Rule checks that a schema cannot express, each a small named function.

Every rule has a stable code, a default severity and a one-line rationale (in
``RULES``); ``--select``/``--ignore`` choose among them by code.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from lxml import etree

from tei_tools.diagnostics import Diagnostic, Severity
from tei_tools.validate.loader import TEI_NS, XML_ID, Located, line_of

POINTER_ATTRIBUTES = ("who", "ref", "target", "corresp", "hand")
NS = {"t": TEI_NS}


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    rationale: str
    check: Callable[[Located], Iterator[tuple[etree._Element, str, str]]]


def _tag(el: etree._Element) -> str:
    return etree.QName(el).localname


def dangling_pointers(doc: Located) -> Iterator[tuple[etree._Element, str, str]]:
    ids = doc.ids
    for el, attr, value in doc.attributes(*POINTER_ATTRIBUTES):
        for token in value.split():
            if token.startswith("#") and token[1:] not in ids:
                yield (
                    el,
                    f'@{attr}="{token}" points at no xml:id in the document',
                    "declare the target with xml:id, or correct the pointer",
                )


def bare_pointers(doc: Located) -> Iterator[tuple[etree._Element, str, str]]:
    ids = doc.ids
    for el, attr, value in doc.attributes("who", "ref"):
        for token in value.split():
            if not token.startswith("#") and ":" not in token and token in ids:
                yield (
                    el,
                    f"@{attr}=\"{token}\" names an xml:id without '#'",
                    f'expected @{attr}="#{token}"',
                )


def duplicate_ids(doc: Located) -> Iterator[tuple[etree._Element, str, str]]:
    seen: dict[str, etree._Element] = {}
    for el, _, value in doc.attributes("id"):
        if value in seen:
            yield (
                el,
                f'xml:id "{value}" is used again (first on line {line_of(seen[value])})',
                "give each element its own xml:id",
            )
        else:
            seen[value] = el


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
    for subst in doc.tree.iterfind(".//t:subst", NS):
        kinds = {_tag(child) for child in subst if isinstance(child.tag, str)}
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
        printed = re.findall(r"\d+", "".join(str(t) for t in following.itertext()))
        if printed and printed[0] != pb.get("n"):
            yield (
                following,
                f'printed page number {printed[0]} differs from pb/@n="{pb.get("n")}"',
                "make pb/@n the number printed on the page",
            )


_ISO_DATE = re.compile(r"(-?\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def real_dates(doc: Located) -> Iterator[tuple[etree._Element, str, str]]:
    for el, attr, value in doc.attributes("when", "notBefore", "notAfter", "from", "to"):
        match = _ISO_DATE.fullmatch(value.split("T", 1)[0])
        if match is None:
            yield el, f'@{attr}="{value}" is not an ISO date', "expected YYYY-MM-DD"
            continue
        year, month, day = match.groups()
        try:
            datetime.date(int(year), int(month or 1), int(day or 1))
        except ValueError:
            yield (
                el,
                f'@{attr}="{value}" is not a calendar date',
                "expected a real day, e.g. 1962-11-06",
            )


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
        Rule(
            "R001",
            Severity.ERROR,
            "every #pointer must resolve to an xml:id in the document",
            dangling_pointers,
        ),
        Rule("R002", Severity.ERROR, "an xml:id must be unique in the document", duplicate_ids),
        Rule(
            "R003",
            Severity.ERROR,
            "said/@who must point at a person declared in particDesc",
            speaker_is_person,
        ),
        Rule("R004", Severity.ERROR, "a subst must hold both a del and an add", subst_pairs),
        Rule("R005", Severity.ERROR, "a del or add must not be empty", empty_alterations),
        Rule("R006", Severity.ERROR, "pb/@n page numbers must ascend", page_order),
        Rule("R007", Severity.ERROR, "date attributes must be real calendar dates", real_dates),
        Rule(
            "R008",
            Severity.ERROR,
            "@who/@ref pointers need '#' (RELAX NG accepts them bare)",
            bare_pointers,
        ),
        Rule(
            "R009",
            Severity.WARNING,
            "the printed page number must agree with pb/@n",
            page_number_matches,
        ),
        Rule("R010", Severity.INFO, "reported speech should name its speaker", unattributed_speech),
        Rule(
            "R011", Severity.INFO, "a name in the text should be linked to a person", unlinked_names
        ),
    )
}


def run_rules(doc: Located, codes: set[str]) -> list[Diagnostic]:
    found = []
    for code in sorted(codes & RULES.keys()):
        rule = RULES[code]
        for el, message, hint in rule.check(doc):
            found.append(
                Diagnostic(
                    code,
                    message,
                    doc.name,
                    line_of(el),
                    doc.column(el),
                    hint=hint,
                    severity=rule.severity,
                )
            )
    return found
