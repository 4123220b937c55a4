"""The conversion pipeline: read → blocks → inline → transforms → TEI.

``convert_bytes`` never raises on bad input: it returns the diagnostics, and a
tree only when no error was found.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass, field

from lxml import etree

from tei_tools.convert import people as people_mod
from tei_tools.convert.front import FrontReader
from tei_tools.convert.header import write_header
from tei_tools.convert.model import Document, Paragraph, Person
from tei_tools.convert.reader import decode, split_blocks
from tei_tools.convert.serialize import serialize
from tei_tools.convert.speakers import assign_speakers
from tei_tools.convert.structure import read_body
from tei_tools.convert.tei_writer import TEI_NS, XML_NS, sub, tei, write_block
from tei_tools.convert.transforms import (
    block_inlines,
    classification_marks,
    pair_substitutions,
    present_participants,
    recorder,
    report_run_together,
)
from tei_tools.diagnostics import Diagnostic, Severity
from tei_tools.schema_files import project_schema_path


@dataclass
class Conversion:
    """The result of converting one raw file."""

    source: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    document: Document | None = None
    tree: etree._ElementTree | None = None

    @property
    def ok(self) -> bool:
        return self.tree is not None

    def xml(self) -> bytes:
        if self.tree is None:
            raise ValueError(f"{self.source}: conversion failed; see the diagnostics")
        return serialize(self.tree)


def convert_text(
    text: str, source: str = "<input>", collection: list[Person] | None = None
) -> Conversion:
    return convert_bytes(text.encode("utf-8"), source, collection)


def convert_bytes(
    data: bytes, source: str = "<input>", collection: list[Person] | None = None
) -> Conversion:
    result = Conversion(source)
    text, result.diagnostics = decode(data, source)
    if text is None or any(d.level is Severity.ERROR for d in result.diagnostics):
        return result
    diags = result.diagnostics
    doc = Document(source_name=source, source_sha256=hashlib.sha256(data).hexdigest())

    blocks = split_blocks(text)
    front = FrontReader(source, diags)
    start = front.read(blocks)
    body_blocks = ([front.leftover] if front.leftover else []) + blocks[start:]
    doc.front = list(front.blocks)
    doc.body = read_body(body_blocks, source, diags)
    doc.facts = front.facts

    participants = list(front.participants)
    body_text = "\n".join(b.text for b in body_blocks)
    participants += present_participants(body_text)
    doc.facts.recorder = recorder(body_text)
    if doc.facts.recorder:
        participants.append((doc.facts.recorder, None))

    registry = build_registry(collection or [], participants)
    linker = people_mod.Linker(registry, source, diags)
    for block in doc.front + doc.body:
        for nodes in block_inlines(block):
            nodes[:] = pair_substitutions(nodes)
            linker.link(nodes)
    report_run_together(text, source, diags)
    doc.facts.classifications = classification_marks(doc.body)

    speakers = {p.id for p in registry.people.values() if p.participant}
    assign_speakers(doc.body, speakers, source, diags)
    used = registry.used | {b.speaker for b in doc.body if isinstance(b, Paragraph) and b.speaker}
    doc.people = [p for p in registry.people.values() if p.id in used or p.participant]
    result.document = doc
    tree = write_tei(doc)
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
        return result
    result.tree = tree
    return result


@functools.cache
def _project_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(project_schema_path())))


def schema_problems(tree: etree._ElementTree) -> str:
    """libxml2's first complaint about ``tree`` against the project XSD, or ''."""
    schema = _project_schema()
    if schema.validate(tree):
        return ""
    return str(schema.error_log).splitlines()[0]


def build_registry(
    collection: list[Person], participants: list[tuple[str, str | None]]
) -> people_mod.Registry:
    """The collection's people plus the document's stated participants."""
    registry = people_mod.Registry()
    for person in collection:
        registry.add(Person(person.id, person.name, person.side, person.role, list(person.aliases)))
    for name, side in participants:
        words = re.findall(r"(?:Mc|Mac)?[A-Z][a-z]+(?:-[a-z]+)?", name)
        if not words:
            continue
        pid, _ = registry.resolve(words[-1])
        if pid is None:
            pid = people_mod.fold(words[-1])
            stated = re.sub(rf"^(?:{people_mod._TITLE})\s+", "", name).strip()
            registry.add(Person(pid, stated, side))
        person = registry.people[pid]
        person.participant = True
        if side and not person.side:
            person.side = side
    return registry


_GLOBAL_ONLY = frozenset(tei(name) for name in ("fw", "pb", "note", "lb", "gap"))


def write_tei(doc: Document) -> etree._ElementTree:
    root = etree.Element(tei("TEI"), nsmap={None: TEI_NS})  # type: ignore[dict-item]
    root.set(f"{{{XML_NS}}}lang", "en")
    write_header(root, doc, doc.source_name.rsplit("/", 1)[-1])
    text = sub(root, "text")
    if doc.front:
        front = sub(text, "front")
        for block in doc.front:
            write_block(front, block)
    body = sub(text, "body")
    for block in doc.body:
        write_block(body, block)
    # TEI's body needs one paragraph-like element; furniture and notes alone do not count.
    if all(child.tag in _GLOBAL_ONLY for child in body):
        sub(body, "p")
    return etree.ElementTree(root)
