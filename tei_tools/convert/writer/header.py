"""The ``teiHeader``: only what the raw file states, plus how this file was made."""

from __future__ import annotations

import re

from lxml import etree

from tei_tools import __version__
from tei_tools.convert.languages import language_code, language_name
from tei_tools.convert.model import (
    Addition,
    Deletion,
    Document,
    Emphasis,
    Facts,
    FormWork,
    Gap,
    Hyphenation,
    LineBreak,
    Metamark,
    Paragraph,
    Person,
    PersonRef,
    Substitution,
    Text,
    walk,
)
from tei_tools.convert.writer.text import sub
from tei_tools.diagnostics import Diagnostic
from tei_tools.names.identity import fold, given_agree, parts
from tei_tools.namespaces import XML_NS
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
RAW_HYPHENATION = (
    "A word broken at a line end in the typescript ('over- flights') "
    "keeps its hyphen as pc force='weak' followed by lb break='no'."
)
UNTITLED = "Document"  # the title of a document whose source states none


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


def document_title(doc: Document) -> str | None:
    """The title the source states: a memorandum's front matter makes it (document
    type, subject, date); else the title the source's metadata gives (Word's core
    properties, METS, Transkribus), else its first heading, else what front matter
    there is. None when nothing states one."""
    facts, meta = doc.facts, doc.meta
    if meta.format != "raw" and not (facts.title or facts.doc_type):
        if meta.title:
            return meta.title
        if meta.heading:
            return meta.heading
    text = title_text(facts)
    return None if text == UNTITLED else text


def untitled(doc: Document) -> list[Diagnostic]:
    """The warning (C203) for a document whose source states no title."""
    if document_title(doc) is not None:
        return []
    where, hint = {
        "raw": (
            "no front matter: document type, subject, date",
            "begin the transcription with its front matter (see docs/raw-format.md)",
        ),
        "Word": (
            "no dc:title in its core properties, no Title or Heading paragraph",
            "give the Word file a title (File > Info > Title)",
        ),
    }.get(
        doc.meta.format,
        (
            "no METS or Transkribus title, no heading region",
            "give the document a title in the platform, or mark its heading region",
        ),
    )
    # line 0: the whole source, not a place in it
    return [
        Diagnostic(
            "C203",
            f"nothing in the source states a title ({where}); the TEI is titled '{UNTITLED}'",
            doc.source_name,
            0,
            0,
            hint=hint,
        )
    ]


def text_languages(doc: Document) -> tuple[str | None, list[tuple[str, str, int | None]]]:
    """The text's language (``@xml:lang``) and the languages ``langUsage`` lists:
    (ident, name, usage in percent or None). A raw transcription is in English, or in
    the translation language its front matter states; a Word or PAGE source is in the
    languages it states, none when it states none; ``--lang`` overrides both."""
    facts, meta = doc.facts, doc.meta
    listed: list[tuple[str, str, int | None]] = []
    if doc.language:
        code = doc.language
        listed.append((code, language_name(language_code(code) or code), None))
    elif meta.format == "raw":
        # The transcription's own language: the stated translation language, else English.
        text_language = (facts.translation_language or "English").strip()
        listed.append((LANGUAGE_CODES.get(text_language.lower(), "en"), text_language, None))
    else:
        total = sum(n for _, n in meta.languages if n is not None)
        for code, n in meta.languages:
            share = round(100 * n / total) if n is not None and total else None
            listed.append((code, language_name(code), share))
    original = (facts.original_language or "").strip()
    stated = LANGUAGE_CODES.get(original.lower())
    if stated and stated not in {ident for ident, _, _ in listed[:1]}:
        listed.append((stated, f"{original} (original language)", None))
    if doc.language:
        return doc.language, listed
    if meta.format == "raw":
        return "en", listed
    return (listed[0][0] if meta.languages else None), listed


_PLAIN = frozenset({Text, LineBreak})


def features(doc: Document) -> set[str]:
    """What the text holds that an editorial note explains ("del:strikethrough", "said"…)."""
    found: set[str] = set()
    for node in walk(doc.front + doc.body):
        if type(node) in _PLAIN:  # most nodes: nothing to explain
            continue
        if isinstance(node, Deletion) and not node.change:
            found.add("xout" if node.rend == "overtyped" else f"del:{node.rend}")
        elif isinstance(node, Addition) and not node.change:
            found.add(f"add:{node.place}")
        elif isinstance(node, Substitution):
            found.add("subst")
        elif isinstance(node, Gap) and node.reason == "redacted":
            found.add("redacted")
        elif isinstance(node, Emphasis):
            found.add(f"hi:{node.rend}")
        elif isinstance(node, PersonRef) or (
            isinstance(node, Paragraph) and (node.reports_speech or node.speaker)
        ):
            found.add("said")
        elif isinstance(node, FormWork):
            found.add(f"fw:{node.kind}")
        elif isinstance(node, Hyphenation):
            found.add("hyphenation")
        elif isinstance(node, Metamark):
            found.add("metamark")
    return found


def _listing(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def feature_notes(found: set[str]) -> list[str]:
    """The notes for what a Word or PAGE source's text holds, in the order of the raw
    dialect's notes, worded for any source."""
    notes = []
    kinds = [
        text
        for key, text in (
            ("del:strikethrough", "struck-through text is del rend='strikethrough'"),
            ("del:doubleStrikethrough", "double-struck text del rend='doubleStrikethrough'"),
            ("add:above", "superscript text an addition above the line (add place='above')"),
            ("add:below", "subscript text an addition below it (add place='below')"),
            ("subst", "a deletion and an addition side by side a subst, in source order"),
        )
        if key in found
    ]
    if kinds:
        notes.append(_listing(kinds)[0].upper() + _listing(kinds)[1:] + ".")
    if "xout" in found:
        notes.append(
            "Runs of x typed over text are del rend='overtyped' holding a gap with the "
            "number of x's."
        )
    if "redacted" in found:
        notes.append("A redaction ([REDACTED]) is gap reason='redacted'.")
    rends = [r for r in ("bold", "italic", "underline") if f"hi:{r}" in found]
    if rends:
        names = {"bold": "bold", "italic": "italic", "underline": "underlined"}
        notes.append(
            f"{_listing([names[r] for r in rends]).capitalize()} text is hi with @rend "
            f"{_listing([repr(r) for r in rends])}."
        )
    if "said" in found:
        notes.append(EDITORIAL_NOTES[3])
    marks = [
        text
        for key, text in (
            ("fw:classification", "classification marks"),
            ("fw:pageNum", "page numbers"),
        )
        if key in found
    ]
    if marks:
        notes.append(
            f"{_listing(marks).capitalize()} on lines of their own are fw"
            + ("; each page number is preceded by pb." if "fw:pageNum" in found else ".")
        )
    if "metamark" in found:
        notes.append("A slash marking where an alteration belongs is metamark function='insert'.")
    return notes


_LANGUAGE_FROM = {
    "w:lang": "Word's w:lang",
    "@primaryLanguage": "PAGE's @primaryLanguage",
}


def provenance(doc: Document) -> list[str]:
    """Where the title and the language came from."""
    facts, meta = doc.facts, doc.meta
    title = document_title(doc)
    if title is None:
        said = f"No title is stated: '{UNTITLED}' is the converter's."
    elif facts.title or facts.doc_type or title not in (meta.title, meta.heading):
        said = "The title is made from what the front matter states."
    elif title == meta.title:
        said = f"The title is the one {meta.title_from} states."
    else:
        said = "The title is the text of the first heading."
    if doc.language:
        lang = "The text's language (xml:lang) is the one given to the converter."
    elif meta.languages:
        where = _LANGUAGE_FROM.get(meta.language_from, meta.language_from)
        lang = (
            f"The text's language (xml:lang) is the one {where} states for most of the text."
            if meta.languages[0][1] is not None
            else f"The text's language (xml:lang) is the first {where} states."
        ) + " Passages in other languages are not marked."
    else:
        lang = "The source states no language, so none is given (no xml:lang)."
    return [said, lang]


def editorial_decl(encoding: etree._Element, doc: Document) -> None:
    editorial = sub(encoding, "editorialDecl")
    if doc.meta.format == "raw":
        notes, hyphen = list(EDITORIAL_NOTES), RAW_HYPHENATION
    else:
        found = features(doc)
        notes = [*doc.meta.decisions, *provenance(doc), *feature_notes(found)]
        hyphen = (
            "A word broken at a line end keeps its hyphen as pc force='weak' followed by "
            "lb break='no'."
            if "hyphenation" in found
            else ""
        )
    for note in notes:
        sub(editorial, "p", note)
    if hyphen:
        sub(sub(editorial, "hyphenation", eol="some"), "p", hyphen)


def person_element(parent: etree._Element, person: Person) -> None:
    el = sub(parent, "person", xml_id=person.id)
    if person.forename is None:
        sub(el, "persName", person.name)
    else:  # the name's parts as the source's tag gives them
        name = sub(el, "persName")
        parts = [("forename", person.forename), ("surname", person.surname or "")]
        written = [sub(name, tag, text) for tag, text in parts if text]
        for before in written[:-1]:
            before.tail = " "
    for event, dated in (("birth", person.birth), ("death", person.death)):
        if dated is not None:
            sub(el, event, dated.stated, **({"when": dated.when} if dated.when else {}))
    if person.authority:
        sub(el, "idno", person.authority, type="URI")
    if person.role:
        sub(el, "occupation", person.role)
    for body in person.affiliation:
        sub(el, "affiliation", body)
    if person.side and person.side not in person.affiliation:
        sub(el, "affiliation", person.side)
    if person.note:
        sub(el, "note", person.note, type="qualifier")


def write_header(root: etree._Element, doc: Document, raw_name: str) -> None:
    facts, meta = doc.facts, doc.meta
    title = document_title(doc) or UNTITLED
    language, languages = text_languages(doc)
    if language:
        root.set(f"{{{XML_NS}}}lang", language)
    header = sub(root, "teiHeader")
    file_desc = sub(header, "fileDesc")
    title_stmt = sub(file_desc, "titleStmt")
    sub(title_stmt, "title", title)
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
    made_from = {"raw": "raw transcription", "Word": "Word file"}.get(
        meta.format, "PAGE-XML source"
    )
    sub(
        pub,
        "p",
        f"Unpublished TEI encoding made by tei-tools {__version__} from the {made_from} "
        f"{raw_name}.",
    )
    source = sub(file_desc, "sourceDesc")
    bibl = sub(source, "bibl")
    sub(bibl, "title", title)
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
    if meta.format != "raw":
        sub(bibl, "note", f"{meta.format}, {meta.form}: {raw_name}", type="format")
        if meta.pages:
            pages = f"{meta.pages} page{'s' if meta.pages != 1 else ''}"
            if meta.pages_from == "as Word last counted them":
                pages += f", {meta.pages_from}"
            sub(bibl, "extent", pages)
        if meta.creator:
            sub(bibl, "note", meta.creator, type="creator")

    encoding = sub(header, "encodingDesc")
    app_info = sub(encoding, "appInfo")
    app = sub(app_info, "application", ident="tei-tools", version=__version__)
    sub(app, "label", "tei-tools")
    editorial_decl(encoding, doc)

    profile = sub(header, "profileDesc")
    if facts.summary:
        sub(sub(profile, "abstract"), "p", facts.summary)
    if facts.date_when:
        sub(sub(profile, "creation"), "date", facts.date_text, when=facts.date_when)
    if languages:
        lang_usage = sub(profile, "langUsage")
        for ident, name, share in languages:
            extra = {"usage": str(share)} if share is not None else {}
            sub(lang_usage, "language", name, ident=ident, **extra)
    if facts.subject:
        keywords = sub(sub(profile, "textClass"), "keywords")
        sub(keywords, "term", facts.subject)
    write_partic_desc(profile, doc.people)
    if not len(profile):
        header.remove(profile)

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
