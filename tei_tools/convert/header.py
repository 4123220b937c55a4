"""The ``teiHeader``: only what the raw file states, plus how this file was made."""

from __future__ import annotations

import re

from lxml import etree

from tei_tools import __version__
from tei_tools.convert.model import Document, Facts, Person
from tei_tools.convert.tei_writer import sub
from tei_tools.names.identity import fold, given_agree, parts
from tei_tools.pointers import pointer_from_address

LANGUAGE_CODES = {"english": "en", "russian": "ru", "french": "fr", "spanish": "es", "german": "de"}
EDITORIAL_NOTES = (
    "Struck-through typing is encoded as del rend='strikethrough'; interlinear typing as "
    "add place='above'; a deletion and an addition side by side as subst, in source order.",
    "Typewriter x-outs are del rend='overtyped' holding a gap with the number of x's; "
    "redactions are gap reason='redacted'.",
    "Single-asterisk emphasis is read as underlining (hi rend='underline'), as typescripts "
    "underline; double asterisks as hi rend='bold'.",
    "Reported speech is said direct='false' with @who naming the speaker when the text names "
    "a declared person; names are persName with @ref, in the source's spelling.",
    "Classification marks and page numbers are fw; each page number is preceded by pb.",
)


_SMALL_WORDS = frozenset(
    ["a", "an", "and", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with"]
)


def title_case(text: str) -> str:
    words = text.lower().split()
    return " ".join(w if i and w in _SMALL_WORDS else w.capitalize() for i, w in enumerate(words))


def person_id(name: str, people: list[Person]) -> str | None:
    """The declared person a stated name ("A. Akalovsky") refers to, if any: the
    names package decides, aliases standing for the person's surname."""
    given, key = parts(name)
    if not key:
        return None
    for person in people:
        known_given, known = parts(person.name)
        if key in {known, *(fold(a) for a in person.aliases)} and given_agree(
            given, person.given or known_given
        ):
            return person.id
    return None


def title_text(facts: Facts) -> str:
    if facts.title:
        return facts.title
    parts = [title_case(facts.doc_type or "Document")]
    if facts.draft:
        parts.append("(draft)")
    text = " ".join(parts)
    if facts.subject:
        text += f": {facts.subject}"
    if facts.date_text:
        text += f", {facts.date_text}"
    return text


def person_element(parent: etree._Element, person: Person) -> None:
    el = sub(parent, "person", xml_id=person.id)
    sub(el, "persName", person.name)
    if person.role:
        sub(el, "occupation", person.role)
    for body in person.affiliation:
        sub(el, "affiliation", body)
    if person.side and person.side not in person.affiliation:
        sub(el, "affiliation", person.side)
    if person.note:
        sub(el, "note", person.note, type="qualifier")


def write_header(root: etree._Element, doc: Document, raw_name: str) -> None:
    facts = doc.facts
    header = sub(root, "teiHeader")
    file_desc = sub(header, "fileDesc")
    title_stmt = sub(file_desc, "titleStmt")
    sub(title_stmt, "title", title_text(facts))
    for resp, name in (
        ("drafted by", facts.drafter),
        ("recorded by", facts.recorder),
        ("diary of", facts.diarist),
        ("translated by", facts.translator),
    ):
        if name:
            stmt = sub(title_stmt, "respStmt")
            sub(stmt, "resp", resp)
            pid = person_id(name, doc.people)
            sub(stmt, "persName", name, **({"ref": f"#{pid}"} if pid else {}))
    pub = sub(file_desc, "publicationStmt")
    sub(
        pub,
        "p",
        f"Unpublished TEI encoding made by tei-tools {__version__} from the raw "
        f"transcription {raw_name}.",
    )
    source = sub(file_desc, "sourceDesc")
    bibl = sub(source, "bibl")
    sub(bibl, "title", title_text(facts))
    if facts.doc_type:
        sub(bibl, "title", title_case(facts.doc_type), type="docType")
    if facts.doc_number:
        sub(bibl, "idno", facts.doc_number, type="docNumber")
    if facts.date_when:
        sub(bibl, "date", facts.date_text, when=facts.date_when)
    if facts.time:
        sub(bibl, "note", facts.time, type="time")
    if facts.place:
        sub(bibl, "note", facts.place, type="place")
    if facts.copy:
        sub(bibl, "note", f"Copy {facts.copy}", type="copy")
    if facts.draft:
        sub(bibl, "note", "draft", type="status")
    for mark in facts.classifications:
        sub(bibl, "note", mark, type="classification")
    if facts.citation:
        sub(bibl, "note", facts.citation, type="citation")
    if facts.url:
        sub(bibl, "ref", facts.url, target=pointer_from_address(facts.url))

    encoding = sub(header, "encodingDesc")
    app_info = sub(encoding, "appInfo")
    app = sub(app_info, "application", ident="tei-tools", version=__version__)
    sub(app, "label", "tei-tools")
    editorial = sub(encoding, "editorialDecl")
    for note in EDITORIAL_NOTES:
        sub(editorial, "p", note)
    hyphenation = sub(editorial, "hyphenation", eol="some")
    sub(
        hyphenation,
        "p",
        "A word broken at a line end in the typescript ('over- flights') "
        "keeps its hyphen as pc force='weak' followed by lb break='no'.",
    )

    profile = sub(header, "profileDesc")
    if facts.summary:
        sub(sub(profile, "abstract"), "p", facts.summary)
    if facts.date_when:
        sub(sub(profile, "creation"), "date", facts.date_text, when=facts.date_when)
    lang_usage = sub(profile, "langUsage")
    # The transcription's own language: the stated translation language, else English.
    text_language = (facts.translation_language or "English").strip()
    text_code = LANGUAGE_CODES.get(text_language.lower(), "en")
    sub(lang_usage, "language", text_language, ident=text_code)
    original = (facts.original_language or "").strip()
    code = LANGUAGE_CODES.get(original.lower())
    if code and code != text_code:
        sub(lang_usage, "language", f"{original} (original language)", ident=code)
    if facts.subject:
        keywords = sub(sub(profile, "textClass"), "keywords")
        sub(keywords, "term", facts.subject)
    write_partic_desc(profile, doc.people)

    revision = sub(header, "revisionDesc")
    sub(
        revision,
        "change",
        f"Converted from {raw_name} (SHA-256 {doc.source_sha256}) by tei-tools {__version__}.",
    )
    for change in doc.changes:
        attrs = {"when": change.when} if change.when and _DATETIME.fullmatch(change.when) else {}
        sub(
            revision,
            "change",
            f"Word tracked {change.kind} by {change.author}"
            + (f" ({change.when})" if change.when and not attrs else "")
            + ", kept as it stands in the source.",
            xml_id=change.id,
            type=change.kind,
            **attrs,
        )


_DATETIME = re.compile(r"\d{4}-\d\d-\d\d(T\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?)?")


def write_partic_desc(profile: etree._Element, people: list[Person]) -> None:
    if not people:
        return
    partic = sub(profile, "particDesc")
    present = [p for p in people if p.participant]
    mentioned = [p for p in people if not p.participant]
    if present:
        group = sub(partic, "listPerson", type="participants")
        sides = sorted({p.side for p in present if p.side})
        for person in (p for p in present if not p.side):
            person_element(group, person)
        for side in sides:
            delegation = sub(group, "listPerson", type="side", n=side)
            for person in (p for p in present if p.side == side):
                person_element(delegation, person)
    if mentioned:
        group = sub(partic, "listPerson", type="mentioned")
        for person in mentioned:
            person_element(group, person)
