"""The conversion pipeline: read → blocks → inline → transforms → TEI.

``convert_bytes`` never raises on bad input: it returns the diagnostics, and a
tree only when no error was found.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path

from lxml import etree

from tei_tools.convert import people as people_mod
from tei_tools.convert.blocks import TextBlock, raw_blocks
from tei_tools.convert.model import Document, Paragraph, Person, Tagged, walk
from tei_tools.convert.profiles import AUTO, DOCUMENT, decide
from tei_tools.convert.profiles.memorandum.front import FrontReader
from tei_tools.convert.profiles.memorandum.participants import Entry, parse_entry
from tei_tools.convert.profiles.memorandum.speakers import assign_speakers
from tei_tools.convert.profiles.memorandum.transforms import (
    block_inlines,
    classification_marks,
    pair_substitutions,
    present_participants,
    recorder,
    report_run_together,
)
from tei_tools.convert.profiles.structure import read_body
from tei_tools.convert.readers import read_source, source_bytes
from tei_tools.convert.readers.nodes import build_blocks, typescript_blocks
from tei_tools.convert.readers.raw import decode, split_blocks
from tei_tools.convert.readers.runs import StyledSource
from tei_tools.convert.writer import schema_problems, write_tei
from tei_tools.convert.writer.header import untitled
from tei_tools.convert.writer.serialize import serialize
from tei_tools.diagnostics import MAX_PER_CODE, Diagnostic, Severity, capped
from tei_tools.names.identity import given_agree, id_base, parts, slug, unused
from tei_tools.names.lexicon import is_honorific, is_title
from tei_tools.publication import Publication


@dataclass
class Conversion:
    """The result of converting one raw file."""

    source: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    tree: etree._ElementTree | None = None
    publication: Publication | None = None  # the collection's facts the header carries
    media: dict[str, bytes] = field(default_factory=dict)  # images the TEI points to, by path

    @property
    def ok(self) -> bool:
        return self.tree is not None

    def xml(self) -> bytes:
        if self.tree is None:
            raise ValueError(f"{self.source}: conversion failed; see the diagnostics")
        return serialize(self.tree)


def convert_text(
    text: str,
    source: str = "<input>",
    collection: list[Person] | None = None,
    *,
    profile: str = AUTO,
) -> Conversion:
    return convert_bytes(text.encode("utf-8"), source, collection, profile=profile)


def convert_bytes(
    data: bytes,
    source: str = "<input>",
    collection: list[Person] | None = None,
    *,
    base: Path | None = None,
    tracked: str = "keep",
    profile: str = AUTO,
    lang: str | None = None,
    publication: Publication | None = None,
    file_grp: str | None = None,
) -> Conversion:
    """Convert a transcription's bytes (raw text, a Word file, a PAGE file or export
    zip, a METS file whose page files are in ``base``); diagnostics capped per code.
    ``tracked`` says what to do with Word's tracked changes: keep, accept, reject;
    ``profile`` how to read the document (``tei_tools.convert.profiles``); ``lang``
    the text's language when the editor gives it (over what the source says);
    ``publication`` the collection's facts for the header (``build`` and ``convert``
    in a collection give them, so both write the same bytes); ``file_grp`` the METS
    file group of PAGE files to read, where a workspace has several."""
    result = Conversion(source, publication=publication)
    diags = result.diagnostics
    styled = read_source(data, source, base, diags, tracked, file_grp)
    parsed: list[Diagnostic] = []  # the raw dialect's findings in its inline notation
    blocks: list[TextBlock] | None = None
    if styled is None:
        text, found = decode(data, source)
        diags += found
        if text is not None and not _failed(diags):
            blocks = raw_blocks(split_blocks(text), source, parsed)
    elif not _failed(diags):
        blocks = typescript_blocks(styled.blocks, styled.surfaces)
        if not blocks:
            diags.append(Diagnostic("C002", "the source holds no text", source, 1, 1))
    if blocks is not None and not _failed(diags):
        digest = hashlib.sha256(data).hexdigest()
        _convert(blocks, parsed, digest, result, collection, styled, profile, lang)
    result.diagnostics = capped(result.diagnostics, MAX_PER_CODE, source, per_code=True)
    return result


def convert_folder(
    folder: Path,
    collection: list[Person] | None = None,
    *,
    tracked: str = "keep",
    profile: str = AUTO,
    lang: str | None = None,
    publication: Publication | None = None,
    file_grp: str | None = None,
) -> Conversion:
    """Convert a PAGE export given as its folder: read as the zip of its files that
    ``build`` reads too, so both give the same TEI and the same checksum."""
    data = source_bytes(folder)
    return convert_bytes(
        data,
        str(folder),
        collection,
        tracked=tracked,
        profile=profile,
        lang=lang,
        publication=publication,
        file_grp=file_grp,
    )


def _failed(diags: list[Diagnostic]) -> bool:
    return any(d.level is Severity.ERROR for d in diags)


def _convert(
    blocks: list[TextBlock],
    parsed: list[Diagnostic],
    digest: str,
    result: Conversion,
    collection: list[Person] | None,
    styled: StyledSource | None,
    profile: str,
    lang: str | None = None,
) -> None:
    source = result.source
    diags = result.diagnostics
    doc = Document(source_name=source, source_sha256=digest, language=lang)
    if styled is not None:
        doc.meta = styled.meta
        doc.features = styled.features
        result.media = styled.media

    front_diags: list[Diagnostic] = []
    front = FrontReader(source, front_diags)
    start = front.read(blocks)
    decision = decide(profile, front)
    diags.append(decision.diagnostic(source))
    diags += parsed
    if decision.profile == DOCUMENT:
        _read_document(doc, blocks, styled, collection, diags)
        _write(doc, result)
        return
    diags += front_diags
    body_blocks = ([front.leftover] if front.leftover else []) + blocks[start:]
    doc.front = list(front.blocks)
    doc.body = read_body(body_blocks)
    doc.facts = front.facts
    if styled is not None:
        doc.surfaces, doc.changes = styled.surfaces, styled.changes

    participants = list(front.participants)
    body_text = "\n".join(b.text for b in body_blocks)
    stated = [*present_participants(body_text)]
    doc.facts.recorder = recorder(body_text)
    for name in (doc.facts.diarist, doc.facts.recorder):
        if name:
            stated.append((name, None))
    participants += [e for n, side in stated if (e := parse_entry(n, side, bare=True)) is not None]

    report_run_together(doc.front + doc.body, source, diags)
    registry = build_registry(collection or [], participants)
    linker = people_mod.Linker(registry, source, diags)
    for block in doc.front + doc.body:
        for nodes in block_inlines(block):
            nodes[:] = pair_substitutions(nodes, typescript=True)
            linker.link(nodes)
    marks = [*doc.facts.classifications, *classification_marks(doc.body)]
    doc.facts.classifications = list(dict.fromkeys(marks))

    assign_speakers(doc.body, source, diags)
    used = registry.used | {b.speaker for b in doc.body if isinstance(b, Paragraph) and b.speaker}
    doc.people = [p for p in registry.people.values() if p.id in used or p.participant]
    add_tagged_people(doc, styled)
    _write(doc, result)


def _read_document(
    doc: Document,
    blocks: list[TextBlock],
    styled: StyledSource | None,
    collection: list[Person] | None,
    diags: list[Diagnostic],
) -> None:
    """The ``document`` profile: the blocks and annotations the source states. A
    Word or PAGE source's nodes are built from what its reader read; raw text is
    read in its dialect, without the typescript's rules. Names are linked to the
    people file's persons only: a document states no participants."""
    if styled is not None:
        doc.body = build_blocks(styled.blocks, styled.surfaces)
        doc.surfaces, doc.changes = styled.surfaces, styled.changes
    else:
        doc.body = read_body(blocks, typescript=False)
    registry = build_registry(collection or [], [])
    linker = people_mod.Linker(registry, doc.source_name, diags, declared_only=True)
    for block in doc.body:
        for nodes in block_inlines(block):
            if styled is None:  # the dialect's pairs; a reader pairs its own
                nodes[:] = pair_substitutions(nodes)
            linker.link(nodes)
    doc.people = [p for p in registry.people.values() if p.id in registry.used]
    add_tagged_people(doc, styled)


def add_tagged_people(doc: Document, styled: StyledSource | None) -> None:
    """The persons the source's tags describe, beside the document's people; one whose
    id the document already gives (a person of the people file, a zone, a crossing
    tag's part, a feature structure, a change) takes another, and the names that
    point at it follow."""
    if styled is None or not styled.people:
        return
    taken = {p.id for p in doc.people} | {f.id for f in doc.features}
    taken |= {c.id for c in doc.changes} | {z.id for s in doc.surfaces for z in s.zones}
    taken |= {s.id for s in doc.surfaces}
    taken |= {
        n.attrs["xml_id"]
        for n in walk(doc.front + doc.body)
        if isinstance(n, Tagged) and "xml_id" in n.attrs
    }
    renamed: dict[str, str] = {}
    for person in styled.people:
        pid = unused(person.id, taken)
        if pid != person.id:
            renamed[f"#{person.id}"] = f"#{pid}"
            person = replace(person, id=pid)
        taken.add(pid)
        doc.tagged_people.append(person)
    if renamed:
        for node in walk(doc.front + doc.body):
            if isinstance(node, Tagged) and "ref" in node.attrs:
                refs = node.attrs["ref"].split()
                node.attrs["ref"] = " ".join(renamed.get(r, r) for r in refs)


def _write(doc: Document, result: Conversion) -> None:
    """The TEI of ``doc``, kept only when the project schema accepts it."""
    source, diags = result.source, result.diagnostics
    tree = write_tei(doc, result.publication)
    diags += untitled(doc)
    problems = schema_problems(tree)
    if problems:  # a converter bug: refuse to write TEI the project cannot accept
        diags.append(
            Diagnostic(
                "C900",
                f"the TEI written does not conform to the project schema: {problems}",
                source,
                1,
                1,
                hint="please report this with the raw file",
            )
        )
        return
    result.tree = tree


def build_registry(collection: list[Person], participants: list[Entry]) -> people_mod.Registry:
    """The collection's people plus the document's stated participants.

    A participant whose surname a people-file person bears (or an alias of theirs) is
    that person: the file's name and id stand, and what the document states fills
    what the file leaves open. Anyone else becomes a person with an id made from the
    surname (or from the office, for "The Secretary").
    """
    registry = people_mod.Registry()
    for person in collection:
        registry.add(replace(person, aliases=list(person.aliases)))
    taken: set[str] = set()  # ids already given to a participant of this document
    for entry in participants:
        pid = None
        if entry.surname:
            found, exact = registry.resolve(entry.surname.split()[-1])
            if found is not None and exact:
                person = registry.people[found]
                pid = found if found not in taken or same_person(entry, person) else None
        if pid is None:
            pid = unique_id(entry, registry.people)
            registry.add(Person(pid, entry.text, surname=entry.surname))
        person = registry.people[pid]
        taken.add(pid)
        person.participant = True
        person.side = person.side or entry.side
        person.role = person.role or entry.role
        person.given = person.given or list(entry.given)
        person.affiliation = person.affiliation or list(entry.affiliation)
        person.note = person.note or entry.qualifier
        person.designations = [*person.designations, *designations(entry)]
        if entry.given and entry.titles and entry.titles[-1].split()[-1] == "Sir":
            person.forms = [*person.forms, f"Sir {entry.given[0]}"]  # "Sir Harold"
        registry.add(person)
    return registry


def same_person(entry: Entry, person: Person) -> bool:
    """A second statement of someone already declared ("Present were: V.N. Zherebtsov"
    after "Mr. Zherebtsov"), not a namesake ("Major Eisenhower" after "President
    Eisenhower"): no given name (the names package's rule) or office of the two
    disagrees."""
    if not given_agree(entry.given, person.given or parts(person.name)[0]):
        return False
    offices = set(designations(entry))
    return not (offices and person.designations and not offices & set(person.designations))


def unique_id(entry: Entry, people: dict[str, Person]) -> str:
    """An xml:id from the surname ("karamanlis", "couve-de-murville"), else the office
    ("the-secretary"); a second person of the same surname adds a title or given name."""
    base = id_base(entry.surname or entry.text)
    candidates = [base]
    for extra in [*entry.given, *entry.titles]:
        candidates.append(f"{base}-{slug(extra)}")
    candidates += [f"{base}-{n}" for n in range(2, 100)]
    return next(c for c in candidates if c not in people and c.rstrip("-") == c)


def designations(entry: Entry) -> list[str]:
    """Offices by which the text may name this participant ("The Prime Minister").

    From the office a participant is listed by ("The Secretary of State"), the title
    before the name ("Prime Minister Macmillan", "German Ambassador Grewe") and a role
    that starts with a title ("Prime Minister of Greece"); "X of Y" also gives "X", and
    a modifier before a title also gives the title alone ("Ambassador").
    """
    phrases = [t for t in entry.titles if not is_honorific(t.split()[-1])]
    if entry.role_only:
        phrases = [" ".join(entry.text.split()[1:])]
    if (entry.role and is_title(entry.role.split()[0])) or (
        entry.role and len(entry.role.split()) > 1 and is_title(entry.role.split()[1])
    ):
        phrases.append(entry.role)
    out: list[str] = []
    for phrase in phrases:
        words = phrase.split()
        while words and (is_honorific(words[0]) or words[0] in ("The", "the")):
            words = words[1:]
        if not words:
            continue
        full = " ".join(words)
        out.append(full)
        head = full.split(" of ")[0]
        out.append(head)
        if len(head.split()) > 1 and not is_title(head.split()[0]):
            out.append(" ".join(head.split()[1:]))
    return list(dict.fromkeys(out))
