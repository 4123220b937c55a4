"""The collection's personography: every document's participants, each person once.

Two documents' persons are one person when they share an ``xml:id`` (the people file's
id, or the surname the converter made it from) and neither name contradicts the other:
"Kuznetsov" and "Vasily V. Kuznetsov" agree, "John Smith" and "Adam Smith" do not (the
second becomes ``smith-2``). The fullest name stands.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from lxml import etree

from tei_tools import __version__
from tei_tools.convert.writer.serialize import INDENT, indent_blocks, serialize
from tei_tools.names.identity import fuller, same_name
from tei_tools.namespaces import TEI_NS, XML_ID, T
from tei_tools.pointers import pointer_from_name


@dataclass
class CollectionPerson:
    id: str
    source_id: str  # the id in the documents
    name: str
    occupations: list[str] = field(default_factory=list)
    affiliations: list[str] = field(default_factory=list)
    # (stem, how): "speaks", "participates" or "named" (in the text, not a participant)
    documents: list[tuple[str, str]] = field(default_factory=list)


def role(found: dict[str, Any]) -> str:
    """How a document's person takes part in it: speaks, participates, is named, or ""
    (declared but neither present nor named: not in the collection's list)."""
    if found.get("speaks"):
        return "speaks"
    if found.get("participant"):
        return "participates"
    return "named" if found.get("named") else ""


def merge(summaries: Iterable[tuple[str, dict[str, Any]]]) -> list[CollectionPerson]:
    """Every person who takes part in, speaks in or is named (and resolved) in a
    document ((stem, summary) in stem order), merged; sorted by id."""
    people: dict[str, list[CollectionPerson]] = {}
    ids: set[str] = set()
    for stem, summary in summaries:
        for found in summary.get("persons", []):
            how = role(found)
            if not how or not found.get("id"):
                continue
            same = people.setdefault(found["id"], [])
            person = next((p for p in same if same_name(p.name, found["name"])), None)
            if person is None:
                unique, n = found["id"], 1
                while unique in ids:
                    n += 1
                    unique = f"{found['id']}-{n}"
                ids.add(unique)
                person = CollectionPerson(unique, found["id"], found["name"])
                same.append(person)
            person.name = fuller(person.name, found["name"])
            for value, known in (
                (found.get("occupation"), person.occupations),
                (found.get("affiliation"), person.affiliations),
            ):
                if value and value not in known:
                    known.append(value)
            person.documents.append((stem, how))
    return sorted((p for same in people.values() for p in same), key=lambda p: p.id)


MARK = "tei-tools: entries go here"


def write_persons_tei(
    out: BinaryIO, persons: list[CollectionPerson], titles: dict[str, str], title: str
) -> None:
    """``persons.xml``: a TEI document whose ``particDesc`` lists every person, each
    with a ``note type="documents"`` pointing into the documents they take part in
    (``ref/@type``: speaks, participates, named).
    Written a person at a time, with the bytes ``serialize`` gives the whole."""
    tei = etree.fromstring(f'<TEI xmlns="{TEI_NS}"/>')
    header = etree.SubElement(tei, f"{T}teiHeader")
    file_desc = etree.SubElement(header, f"{T}fileDesc")
    etree.SubElement(
        etree.SubElement(file_desc, f"{T}titleStmt"), f"{T}title"
    ).text = f"Persons of {title}"
    etree.SubElement(
        etree.SubElement(file_desc, f"{T}publicationStmt"), f"{T}p"
    ).text = f"Made by tei-tools {__version__} from the participants of {len(titles)} documents."
    etree.SubElement(
        etree.SubElement(file_desc, f"{T}sourceDesc"), f"{T}p"
    ).text = "The particDesc of every document of the collection."
    profile = etree.SubElement(header, f"{T}profileDesc")
    partic = etree.SubElement(profile, f"{T}particDesc")
    listing = etree.SubElement(partic, f"{T}listPerson", type="collection")
    listing.append(etree.Comment(MARK))
    body = etree.SubElement(etree.SubElement(tei, f"{T}text"), f"{T}body")
    etree.SubElement(body, f"{T}p").text = (
        f"{len(persons)} persons take part in or are named in the {len(titles)} documents "
        f"of {title}."
    )
    if not persons:  # a listPerson must hold a person: none, and the body says so
        header.remove(profile)
        out.write(serialize(etree.ElementTree(tei)))
        return
    head, tail = serialize(etree.ElementTree(tei)).split(f"<!--{MARK}-->".encode())
    out.write(head)
    level = 5  # TEI / teiHeader / profileDesc / particDesc / listPerson / person
    declaration = f' xmlns="{TEI_NS}"'.encode()  # the frame declares it already
    for n, person in enumerate(persons):
        if n:
            out.write(b"\n" + INDENT.encode() * level)
        element = _person(person, titles)
        indent_blocks(element, level)
        out.write(etree.tostring(element, encoding="UTF-8").replace(declaration, b"", 1))
    out.write(tail)


def _person(person: CollectionPerson, titles: dict[str, str]) -> etree._Element:
    el = etree.fromstring(f'<person xmlns="{TEI_NS}"/>')  # TEI as the default namespace
    el.set(XML_ID, person.id)
    etree.SubElement(el, f"{T}persName").text = person.name
    for occupation in person.occupations:
        etree.SubElement(el, f"{T}occupation").text = occupation
    for affiliation in person.affiliations:
        etree.SubElement(el, f"{T}affiliation").text = affiliation
    note = etree.SubElement(el, f"{T}note", type="documents")
    for n, (stem, how) in enumerate(person.documents):
        target = f"{pointer_from_name(stem + '.xml')}#{person.source_id}"
        ref = etree.SubElement(note, f"{T}ref", target=target, type=how)
        ref.text = titles.get(stem) or stem
        if n < len(person.documents) - 1:
            ref.tail = "; "
    return el
