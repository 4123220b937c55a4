"""The collection's publication facts (``[tool.tei-tools]``: title, editors, publisher,
licence, base URL), stamped into each document's TEI header and shown by the site.

TEI puts them in two places: ``publicationStmt`` (publisher, the document's URL, the
licence) and ``seriesStmt`` (the collection's title and editors), which follows it.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from tei_tools.namespaces import T
from tei_tools.pointers import pointer_from_address, pointer_from_name

DEFAULT_TITLE = "TEI collection"


@dataclass(frozen=True)
class Publication:
    title: str = DEFAULT_TITLE
    editors: tuple[str, ...] = ()
    publisher: str = ""
    licence: str = ""
    licence_url: str = ""
    base_url: str = ""  # where the site is published; "" when not (yet) known

    @property
    def configured(self) -> bool:
        """True when anything beyond the title was configured."""
        return bool(self.editors or self.publisher or self.licence or self.base_url)

    def url_of(self, name: str) -> str:
        """The published URL of a site file (a pointer: the TEI header holds it), or ""
        when no base URL is configured."""
        if not self.base_url:
            return ""
        return f"{pointer_from_address(self.base_url.rstrip('/'))}/{pointer_from_name(name)}"

    def context(self) -> dict[str, object]:
        """What a document's outputs depend on (the build's manifest keeps it)."""
        return {
            "title": self.title,
            "editors": list(self.editors),
            "publisher": self.publisher,
            "licence": self.licence,
            "licence_url": self.licence_url,
            "base_url": self.base_url,
        }


def _el(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    el = etree.SubElement(parent, f"{T}{tag}", attrs)
    el.text = text
    return el


def stamp(root: etree._Element, publication: Publication, stem: str) -> None:
    """Give the TEI header the collection's publication facts: a ``publicationStmt``
    naming the publisher (or, when none is configured, the collection as the authority),
    the document's URL and the licence; and a ``seriesStmt`` naming the collection and
    its editors. With nothing beyond a title configured, the converter's statement
    stands and only the ``seriesStmt`` is added."""
    file_desc = root.find(f"{T}teiHeader/{T}fileDesc")
    if file_desc is None:
        return
    for series in file_desc.findall(f"{T}seriesStmt"):  # stamping twice changes nothing
        file_desc.remove(series)
    old = file_desc.find(f"{T}publicationStmt")
    if publication.publisher or publication.base_url or publication.licence:
        statement = etree.Element(f"{T}publicationStmt")
        if old is not None:
            old.addprevious(statement)
            statement.tail = old.tail  # how the file was made stays in revisionDesc
            file_desc.remove(old)
        else:
            file_desc.insert(1, statement)
        if publication.publisher:
            _el(statement, "publisher", publication.publisher)
        else:
            _el(statement, "authority", publication.title)
        url = publication.url_of(f"{stem}.html")
        if url:
            _el(statement, "ptr", target=url)
        if publication.licence or publication.licence_url:
            availability = _el(statement, "availability")
            licence = _el(availability, "licence", publication.licence or publication.licence_url)
            if publication.licence_url:
                licence.set("target", pointer_from_address(publication.licence_url))
        old = statement
    if old is None or (publication.title == DEFAULT_TITLE and not publication.editors):
        return
    series = etree.Element(f"{T}seriesStmt")
    _el(series, "title", publication.title)
    for editor in publication.editors:
        _el(series, "editor", editor)
    series.tail = old.tail
    old.addnext(series)
