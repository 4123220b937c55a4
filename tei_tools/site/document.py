"""A document's page in the site: the HTML edition's page framed as an edition.

Around the text (``export.page.HtmlPage``): the site's banner and the previous/next
links, download links (TEI, text, IIIF), a jump-to-page list, the facsimile viewer
when the TEI has page images, numbered paragraphs with a permalink each (``#p12``),
the citation line, the responsibility statement and licence, and the legend of the
conventions this document uses. Pagefind reads ``main`` (the reading text: what only
the diplomatic view shows is left out of the index) and the filters.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from tei_tools.diagnostics import Diagnostic
from tei_tools.export.page import HtmlPage
from tei_tools.export.visitor import local, text_of
from tei_tools.namespaces import XML_ID, T
from tei_tools.publication import Publication
from tei_tools.site import frame
from tei_tools.site.facsimile import Surface, pb_surfaces, surfaces_of
from tei_tools.site.legend import write_legend
from tei_tools.site.viewer import VIEWER_SCRIPT, write_viewer

# What only the diplomatic view shows: not part of the searchable reading text.
_NOT_READ = ("del", "dipl-only", "fw", "metamark", "pc-weak", "pb", "speaker", "field-gap")
_NUMBERED = ("p", "li", "dl")


@dataclass
class SitePage(HtmlPage):
    stem: str = "document"
    publication: Publication = field(default_factory=Publication)
    search: bool = True
    downloads: tuple[str, ...] = (".xml", ".txt")  # the site's copies of this document
    surfaces: list[Surface] = field(default_factory=list)
    _pb_surface: dict[etree._Element, Surface] = field(default_factory=dict)
    _pb_number: dict[etree._Element, int] = field(default_factory=dict)  # 1, 2, … in order
    _first_line: dict[str, str] = field(default_factory=dict)
    _pages: list[tuple[str, str]] = field(default_factory=list)  # (anchor, label)

    # --- the frame ----------------------------------------------------------------------

    def styles(self, head: etree._Element) -> None:
        frame.head_links(head, (VIEWER_SCRIPT,) if self.surfaces else ())

    def before_header(self, root: etree._Element) -> None:
        assert self._parent is not None
        frame.banner(self._parent, self.publication, "", self.search)
        nav = self.add("nav", class_="sequence", **{"aria-label": "Documents by date"})
        frame.sequence_placeholder(nav)

    def page_header(self, header: etree._Element | None, title: str, root: etree._Element) -> None:
        super().page_header(header, title, root)
        doc_header = self._parent[-1] if self._parent is not None else None
        if doc_header is None:
            return
        frame.titled_section(doc_header)
        h1 = doc_header.find("h1")
        if h1 is not None:
            h1.set("data-pagefind-meta", "title")
        outer, self._parent = self._parent, doc_header
        try:
            with self.into("p", class_="downloads"):
                self.text("Download: ")
                names = {".xml": "TEI", ".txt": "text", ".iiif.json": "IIIF manifest"}
                for n, suffix in enumerate(self.downloads):
                    if n:
                        self.text(" · ")
                    self.add("a", names.get(suffix, suffix), href=f"{self.stem}{suffix}")
            self.page_list(root)
        finally:
            self._parent = outer

    def page_list(self, root: etree._Element) -> None:
        """Jump to a page: a link to each page of the typescript."""
        pages = list(self._pb_number)
        if self.surfaces and (
            not pages
            or pages[0] not in self._pb_surface
            or self._pb_surface[pages[0]] is not self.surfaces[0]
        ):
            self._pages.append(("text", self.surfaces[0].label or "1"))
        for n, pb in enumerate(pages, 1):
            self._pages.append((f"page-{n}", pb.get("n") or str(n)))
        if len(self._pages) < 2:
            return
        with self.into("nav", class_="pages") as nav:
            nav.set("aria-label", "Pages of the typescript")
            self.text("Pages: ")
            for anchor, label in self._pages:
                self.add("a", label, href=f"#{anchor}")
                self.text(" ")

    def main(self, root: etree._Element) -> None:
        if not self.surfaces:
            super().main(root)
            return
        with self.into("div", class_="reader"):
            super().main(root)
            write_viewer(self, self.surfaces, f"facsimile/{self.stem}")

    def after_main(self, root: etree._Element) -> None:
        with self.into("section", class_="about") as about:
            about.set("aria-labelledby", "about-heading")
            self.add("h2", "About this edition", id="about-heading")
            self.citation(root)
            self.responsibility(root)
            write_legend(self, root, bool(self.surfaces))

    def citation(self, root: etree._Element) -> None:
        header = root.find(f"{T}teiHeader")
        title = text_of(header.find(f".//{T}titleStmt/{T}title")) if header is not None else ""
        date = header.find(f".//{T}sourceDesc//{T}date") if header is not None else None
        pub = self.publication
        parts = [f"{title or self.stem}" + (f", {text_of(date)}" if date is not None else "")]
        series = f"In: {pub.title}"
        if pub.editors:
            series += f", edited by {frame.names(pub.editors)}"
        parts.append(series)
        if pub.publisher:
            parts.append(pub.publisher)
        url = pub.url_of(f"{self.stem}.html") or f"{self.stem}.html"
        with self.into("p", class_="citation", id="cite"):
            self.add("strong", "Cite as: ")
            self.text(". ".join(parts) + ". ")
            self.add("a", url, href=url, class_="cite-url")
            self.text(".")

    def responsibility(self, root: etree._Element) -> None:
        header = root.find(f"{T}teiHeader")
        rows: list[tuple[str, str]] = []
        if header is not None:
            for stmt in header.iterfind(f"{T}fileDesc/{T}titleStmt/{T}respStmt"):
                rows.append(
                    (
                        text_of(stmt.find(f"{T}resp")).capitalize(),
                        text_of(
                            stmt.find(f"{T}persName")
                            if stmt.find(f"{T}persName") is not None
                            else stmt.find(f"{T}name")
                        ),
                    )
                )
            editors = [text_of(e) for e in header.iterfind(f".//{T}seriesStmt/{T}editor")]
            if editors:
                rows.append(("Edited by", frame.names(editors)))
            change = header.find(f"{T}revisionDesc/{T}change")
            if change is not None:
                rows.append(("Encoding", text_of(change)))
            licence = header.find(f".//{T}publicationStmt/{T}availability/{T}licence")
            rows.append(("Licence", text_of(licence) if licence is not None else "not stated"))
        with self.into("dl", class_="meta responsibility"):
            for label, value in rows:
                self.add("dt", label)
                self.add("dd", value)

    # --- the text -------------------------------------------------------------------------

    def wrap(self, el: etree._Element, tag: str, **attrs: str) -> None:
        facs = el.get("facs")
        if facs and self.surfaces and local(el) != "pb":
            zones = [t[1:] for t in facs.split() if t.startswith("#")]
            attrs["data-facs"] = " ".join(zones)
            first = next((self._first_line[z] for z in zones if z in self._first_line), None)
            if first:
                attrs["data-first-zone"] = first
        super().wrap(el, tag, **attrs)

    def visit_pb(self, el: etree._Element) -> None:
        super().visit_pb(el)
        span = next(self._parent.iterchildren("span", reversed=True))  # type: ignore[union-attr]
        span.set("id", f"page-{self._pb_number.get(el, 0)}")
        surface = self._pb_surface.get(el)
        if surface is not None:
            span.set("data-surface", surface.id)

    def visit_lb(self, el: etree._Element) -> None:
        super().visit_lb(el)
        facs = (el.get("facs") or "").split()
        if facs and facs[0].startswith("#") and self.surfaces:
            self.add("span", class_="ln", **{"data-zone": facs[0][1:]})


def _first_lines(surfaces: list[Surface]) -> dict[str, str]:
    """A region's zone → the zone of its first line (a block's first line has no lb
    to name it): the topmost other zone inside the region's box, on the same page."""
    found = {}
    for surface in surfaces:
        boxes = {z.id: _bbox(z.points) for z in surface.zones}
        for region, (left, top, right, bottom) in boxes.items():
            inside = [
                (box[1], box[0], zone)
                for zone, box in boxes.items()
                if zone != region
                and box[0] >= left
                and box[1] >= top
                and box[2] <= right
                and box[3] <= bottom
            ]
            if inside:
                found[region] = min(inside)[2]
    return found


def _bbox(points: list[tuple[float, float]]) -> tuple[float, float, float, float]:
    xs, ys = [x for x, _ in points], [y for _, y in points]
    return min(xs), min(ys), max(xs), max(ys)


def _finish(html: etree._Element, filters: dict[str, list[str]]) -> None:
    """Number the text's blocks with a permalink each; keep the diplomatic-only parts
    out of the search index; give Pagefind the filters."""
    main = html.find(".//main")
    if main is None:
        return
    main.set("data-pagefind-body", "")
    for el in main.iter():
        classes = (el.get("class") or "").split()
        if el.tag == "del" or any(c in _NOT_READ for c in classes):
            el.set("data-pagefind-ignore", "all")
    blocks = [
        el
        for el in main.iter(*_NUMBERED)
        if not any(a.tag in _NUMBERED for a in el.iterancestors())
    ]
    for n, block in enumerate(blocks, 1):
        if not block.get("id"):
            block.set("id", f"p{n}")
        anchor = etree.Element(
            "a", {"class": "pn", "href": f"#{block.get('id')}", "data-pagefind-ignore": "all"}
        )
        anchor.set("aria-label", f"Paragraph {n}: permalink")
        anchor.text = str(n)
        target = block.find("dt") if block.tag == "dl" else block  # a dl starts with a term
        if target is None:
            continue
        anchor.tail = target.text
        target.text = None
        target.insert(0, anchor)
    holder = etree.SubElement(main, "div", hidden="hidden")
    for name, values in filters.items():
        for value in values:
            etree.SubElement(holder, "span", {"data-pagefind-filter": f"{name}:{value}"})


def filters_of(root: etree._Element) -> dict[str, list[str]]:
    """Participant, speaker, year and document type, for the search's filters."""
    header = root.find(f"{T}teiHeader")
    found: dict[str, list[str]] = {}
    if header is None:
        return found
    names = {p.get(XML_ID, ""): text_of(p.find(f"{T}persName")) for p in header.iter(f"{T}person")}
    participants = [
        text_of(p.find(f"{T}persName"))
        for p in header.iterfind(f".//{T}listPerson[@type='participants']//{T}person")
    ]
    speakers = sorted(
        {
            names.get(t.lstrip("#"), "")
            for s in root.iter(f"{T}said")
            for t in (s.get("who") or "").split()
        }
        - {""}
    )
    date = header.find(f".//{T}sourceDesc//{T}date")
    year = (date.get("when") or "")[:4] if date is not None else ""
    kind = text_of(header.find(f".//{T}sourceDesc//{T}title[@type='docType']"))
    for name, values in (
        ("participant", participants),
        ("speaker", speakers),
        ("year", [year] if year.isdigit() else []),
        ("type", [kind] if kind else []),
    ):
        if values:
            found[name] = list(dict.fromkeys(values))
    return found


def site_page(
    root: etree._Element,
    stem: str,
    publication: Publication,
    *,
    search: bool = True,
    downloads: tuple[str, ...] = (".xml", ".txt"),
    source: str = "<input>",
) -> tuple[str, list[Diagnostic]]:
    """The document's page in the site (HTML text) and the exporter's findings."""
    surfaces = surfaces_of(root)
    page = SitePage(
        source=source,
        view="reading",
        stem=stem,
        publication=publication,
        search=search,
        downloads=downloads,
        surfaces=surfaces,
    )
    page._pb_surface = pb_surfaces(root, surfaces)
    body_text = root.find(f"{T}text")
    breaks = [] if body_text is None else body_text.iter(f"{T}pb")
    page._pb_number = {pb: n for n, pb in enumerate(breaks, 1)}
    page._first_line = _first_lines(surfaces)
    html = page.document(root)
    body = html.find("body")
    if body is not None and surfaces:
        body.set("class", "with-facsimile")
    _finish(html, filters_of(root) if search else {})
    text = "<!DOCTYPE html>\n" + etree.tostring(html, method="html", encoding="unicode") + "\n"
    return text, page.findings()
