"""The HTML edition's page: one self-contained HTML5 file with inline CSS, no request
to any other host, no script. A header with the document's metadata, a participants
panel, and the text; two radio buttons switch between the views in place with CSS
alone, and ``view`` chooses the one shown first.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from lxml import etree

from tei_tools import __version__
from tei_tools.diagnostics import Diagnostic
from tei_tools.export.html import SAFE_URL, HtmlExporter
from tei_tools.export.visitor import local, text_of
from tei_tools.namespaces import XML_NS, T

CSS = resources.files("tei_tools.export").joinpath("style.css").read_text(encoding="utf-8")


def _person_names(root: etree._Element) -> dict[str, str]:
    """Every person the document declares: its participants and those named (the
    header), and those its source's tags describe (the standOff)."""
    return {p.get(f"{{{XML_NS}}}id", ""): text_of(p.find(f"{T}persName")) for p in _persons(root)}


def _features(root: etree._Element) -> dict[str, str]:
    """Each feature structure of the standOff (a tag's own properties) as text."""
    return {
        fs.get(f"{{{XML_NS}}}id", ""): "; ".join(
            f"{f.get('name')}: {text_of(f)}" for f in fs.iterfind(f"{T}f")
        )
        for fs in root.iterfind(f"{T}standOff/{T}fs")
    }


def _persons(root: etree._Element) -> list[etree._Element]:
    return [
        *root.iterfind(f"{T}teiHeader//{T}person"),
        *root.iterfind(f"{T}standOff/{T}listPerson//{T}person"),
    ]


def _front_shows(root: etree._Element, kind: str) -> bool:
    return root.find(f"{T}text/{T}front/{T}ab[@type='{kind}']") is not None


@dataclass
class HtmlPage(HtmlExporter):
    def render(self, root: etree._Element) -> str:
        html = self.document(root)
        return "<!DOCTYPE html>\n" + etree.tostring(html, method="html", encoding="unicode") + "\n"

    def document(self, root: etree._Element) -> etree._Element:
        """The page as an HTML tree: head, header, participants, text, footer."""
        header = root.find(f"{T}teiHeader")
        self.people = _person_names(root)
        self.features = _features(root)
        title = text_of(header.find(f".//{T}titleStmt/{T}title")) if header is not None else ""
        html = etree.Element("html", lang=root.get(f"{{{XML_NS}}}lang", "en"))
        head = etree.SubElement(html, "head")
        etree.SubElement(head, "meta", charset="utf-8")
        etree.SubElement(
            head, "meta", name="viewport", content="width=device-width, initial-scale=1"
        )
        etree.SubElement(head, "meta", name="generator", content=f"tei-tools {__version__}")
        etree.SubElement(head, "title").text = title or "TEI document"
        self.styles(head)
        body = etree.SubElement(html, "body")
        self._parent = body
        self.add("a", "Skip to the text", href="#text", class_="skip")
        self.before_header(root)
        self.page_header(header, title, root)
        self.participants(header)
        self.tagged_persons(root)
        self.main(root)
        self.after_main(root)
        with self.into("footer"):
            self.text(f"Edition made with tei-tools {__version__} from the TEI encoding.")
        return html

    def styles(self, head: etree._Element) -> None:
        etree.SubElement(head, "style").text = CSS

    def before_header(self, root: etree._Element) -> None:
        """The site's frame goes here (the standalone page has none)."""

    def after_main(self, root: etree._Element) -> None:
        """The site's citation and legend go here (the standalone page has none)."""

    def main(self, root: etree._Element) -> None:
        with self.into("main", id="text"):
            self.add("h2", "Text", class_="visually-hidden")
            text = root.find(f"{T}text")
            if text is not None:
                self.visit(text)

    def view_toggles(self) -> None:
        # The two radios form one group (a fieldset); the stylesheet reads which one is
        # checked with body:has(...), so the views switch without script.
        with self.into("fieldset", class_="view-toggles"):
            self.add("legend", "View", class_="visually-hidden")
            for view, label in (("reading", "Reading view"), ("diplomatic", "Diplomatic view")):
                toggle = self.add(
                    "input",
                    type="radio",
                    name="view",
                    id=f"view-{view}",
                    class_="view-toggle",
                    value=view,
                )
                toggle.set("aria-label", label)
                if view == self.view:
                    toggle.set("checked", "checked")

    def page_header(self, header: etree._Element | None, title: str, root: etree._Element) -> None:
        with self.into("header", class_="doc"):
            self.view_toggles()  # inside the banner landmark: no content outside landmarks
            self.add("h1", title or "Untitled document")
            bibl = header.find(f".//{T}sourceDesc/{T}bibl") if header is not None else None
            rows: list[tuple[str, etree._Element | str]] = []
            if bibl is not None:
                date = bibl.find(f"{T}date")
                if date is not None:
                    rows.append(("Date", date))
                for kind, label in (("time", "Time"), ("place", "Place")):
                    note = bibl.find(f"{T}note[@type='{kind}']")
                    if note is not None:
                        rows.append((label, text_of(note)))
                source = [text_of(bibl.find(f"{T}title[@type='docType']"))]
                for part in (
                    bibl.find(f"{T}idno"),
                    *bibl.findall(f"{T}note[@type='copy']"),
                    *bibl.findall(f"{T}note[@type='status']"),
                ):
                    if part is not None:
                        source.append(text_of(part))
                if any(source):
                    rows.append(("Source", "; ".join(s for s in source if s)))
                marks = [text_of(n) for n in bibl.findall(f"{T}note[@type='classification']")]
                if marks:
                    rows.append(("Classification", "; ".join(marks)))
                citation = bibl.find(f"{T}note[@type='citation']")
                # the source's own citation, when the text shows it, is not said twice
                if citation is not None and not _front_shows(root, "citation"):
                    rows.append(("Citation", text_of(citation)))
                ref = bibl.find(f"{T}ref")
                if ref is not None:
                    rows.append(("Online", ref))
            if rows:
                with self.into("dl", class_="meta"):
                    for label, value in rows:
                        self.add("dt", label)
                        with self.into("dd"):
                            self.meta_value(value)
            with self.into("div", class_="views"):
                self.add("span", "View: ", id="views-label")
                for view, label in (("reading", "Reading"), ("diplomatic", "Diplomatic")):
                    self.add("label", label, for_=f"view-{view}")

    def meta_value(self, value: etree._Element | str) -> None:
        if isinstance(value, str):
            self.text(value)
        elif local(value) == "date":
            attrs = {"datetime": value.get("when", "")} if value.get("when") else {}
            self.add("time", text_of(value), **attrs)
        else:
            target = value.get("target", "")
            if SAFE_URL.match(target):
                self.add("a", text_of(value) or target, href=target)
            else:
                self.text(text_of(value))

    def participants(self, header: etree._Element | None) -> None:
        partic = header.find(f".//{T}particDesc") if header is not None else None
        if partic is None:
            return
        with self.into("aside", class_="participants", id="participants"):
            self.add("h2", "Participants")
            for group in partic.findall(f"{T}listPerson"):
                kind = group.get("type", "")
                heading = "Also named in the text" if kind == "mentioned" else None
                direct = group.findall(f"{T}person")
                if heading:
                    self.add("h3", heading)
                if direct:
                    self.person_list(direct)
                for side in group.findall(f"{T}listPerson"):
                    self.add("h3", side.get("n") or side.get("type") or "Group")
                    self.person_list(side.findall(f"{T}person"))

    def tagged_persons(self, root: etree._Element) -> None:
        """The persons the source's tags describe, each with the dates its tag gives,
        where the names in the text and the persons page link to."""
        people = root.findall(f"{T}standOff/{T}listPerson//{T}person")
        if not people:
            return
        with self.into("aside", class_="participants", id="tagged-persons"):
            self.add("h2", "Persons tagged in the source")
            self.person_list(people)

    def person_list(self, people: list[etree._Element]) -> None:
        with self.into("ul"):
            for person in people:
                pid = person.get(f"{{{XML_NS}}}id", "")
                with self.into("li", id=f"person-{pid}"):
                    self.text(text_of(person.find(f"{T}persName")))
                    role = text_of(person.find(f"{T}occupation"))
                    if role:
                        self.add("span", f" — {role}", class_="role")
                    born = text_of(person.find(f"{T}birth"))
                    died = text_of(person.find(f"{T}death"))
                    if born or died:
                        self.add("span", f" ({born or '?'} – {died or '?'})", class_="dates")

    # --- structure ----------------------------------------------------------------------


def export_html(
    root: etree._Element, view: str = "reading", source: str = "<input>"
) -> tuple[str, list[Diagnostic]]:
    exporter = HtmlPage(source=source, view=view)
    return exporter.render(root), exporter.findings()
