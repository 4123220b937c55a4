"""The one mapping from the document model to TEI: the text (``text``), the header
(``header``), the facsimile, and the collection's publication facts
(``publication``), written together so that ``convert`` and ``build`` write the same
bytes by construction, and the schema self-check sees what is written."""

from __future__ import annotations

import contextlib
import functools
import re
from pathlib import PurePosixPath

from lxml import etree

from tei_tools.convert.model import Document, FeatureSet, Person, Surface, Zone
from tei_tools.convert.writer.header import person_element, write_header
from tei_tools.convert.writer.text import sub, tei, write_block, write_blocks
from tei_tools.namespaces import TEI_NS, XML_ID
from tei_tools.pointers import pointer_from_name
from tei_tools.publication import Publication, stamp
from tei_tools.schema_files import project_schema_path
from tei_tools.xmlparse import parse_file


def write_tei(doc: Document, publication: Publication | None = None) -> etree._ElementTree:
    """The TEI of ``doc``; with ``publication``, its header carries the collection's
    publication facts (the page's URL named by the source's stem, as the site names it)."""
    root = etree.Element(tei("TEI"), nsmap={None: TEI_NS})  # type: ignore[dict-item]
    write_header(root, doc, doc.source_name.rsplit("/", 1)[-1])
    if doc.surfaces:
        write_facsimile(root, doc.surfaces)
    text = sub(root, "text")
    if doc.front:
        front = sub(text, "front")
        for block in doc.front:
            write_block(front, block)
    body = sub(text, "body")
    write_blocks(body, doc.body)
    # TEI's body needs one paragraph-like element; furniture and notes alone do not count.
    if all(child.tag in _GLOBAL_ONLY for child in body):
        sub(body, "p")
    if doc.features or doc.tagged_people:
        write_stand_off(root, doc.tagged_people, doc.features)
    if publication is not None:
        stamp(root, publication, PurePosixPath(doc.source_name).stem)
    return etree.ElementTree(root)


def write_stand_off(root: etree._Element, people: list[Person], features: list[FeatureSet]) -> None:
    """What the source's tags state beyond their text: the persons they describe
    (the tagged names point at them), and the properties no TEI attribute holds, each
    set a feature structure (ISO 24610 in TEI: ``fs type=TAG``, an ``f`` per property
    holding its value)."""
    stand_off = sub(root, "standOff")
    if people:
        listing = sub(stand_off, "listPerson")
        for person in people:
            person_element(listing, person)
    for feature_set in features:
        fs = sub(stand_off, "fs", xml_id=feature_set.id, type=feature_set.kind)
        for name, value in feature_set.features:
            sub(sub(fs, "f", name=name), "string", value)


def write_facsimile(root: etree._Element, surfaces: list[Surface]) -> None:
    facsimile = sub(root, "facsimile")
    for surface in surfaces:
        box = {"ulx": "0", "uly": "0", "lrx": str(surface.width), "lry": str(surface.height)}
        el = sub(facsimile, "surface", xml_id=surface.id, **box)
        if surface.url:
            sub(
                el,
                "graphic",
                url=pointer_from_name(surface.url),
                width=f"{surface.width}px",
                height=f"{surface.height}px",
            )
        el.extend(_zones(surface.zones))


_NEEDS_ESCAPING = re.compile(r"[&\t\n\r]")


def _zones(zones: list[Zone]) -> list[etree._Element]:
    """A page's zones (it has hundreds): made by one parse of their markup, which lxml
    does three times faster than making them one by one. A zone's id is an NCName and
    its points digits, signs, commas and spaces (the PAGE reader checks both), so the
    markup needs no escaping; should a value ever hold a quote, '<', '&' or a line
    end or tab (which a parser would read as a space), or an id libxml2's parser
    refuses, they are made one by one."""
    markup = "".join(
        f'<zone xml:id="{zone.id}" points="{zone.points}"'
        + (f' type="{zone.type}"/>' if zone.type else "/>")
        for zone in zones
    )
    quotes = sum(6 if zone.type else 4 for zone in zones)
    plain = markup.count('"') == quotes and markup.count("<") == len(zones)
    if plain and not _NEEDS_ESCAPING.search(markup):
        with contextlib.suppress(etree.XMLSyntaxError):  # an id libxml2 takes for no NCName
            return list(etree.fromstring(f'<surface xmlns="{TEI_NS}">{markup}</surface>'))
    zone_tag = tei("zone")
    return [
        etree.Element(
            zone_tag,
            {XML_ID: zone.id, "points": zone.points, **({"type": zone.type} if zone.type else {})},
        )
        for zone in zones
    ]


_GLOBAL_ONLY = frozenset(tei(name) for name in ("fw", "pb", "note", "lb", "gap"))


@functools.cache
def _project_schema() -> etree.XMLSchema:
    return etree.XMLSchema(parse_file(project_schema_path()))


def schema_problems(tree: etree._ElementTree) -> str:
    """libxml2's first complaint about ``tree`` against the project XSD, or ''."""
    schema = _project_schema()
    if schema.validate(tree):
        return ""
    return str(schema.error_log).splitlines()[0]
