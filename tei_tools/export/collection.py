"""The collection index: one page listing every exported document."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from tei_tools import __version__
from tei_tools.export.page import CSS
from tei_tools.export.visitor import T, text_of


@dataclass
class Entry:
    stem: str
    title: str
    date: str
    when: str
    participants: list[str]
    deletions: int
    additions: int
    redactions: int


def entry_for(stem: str, root: etree._Element) -> Entry:
    header = root.find(f"{T}teiHeader")
    text = root.find(f"{T}text")
    date = header.find(f".//{T}sourceDesc//{T}date") if header is not None else None
    people = (
        header.findall(f".//{T}listPerson[@type='participants']//{T}person")
        if (header is not None)
        else []
    )

    def count(path: str) -> int:
        return len(text.findall(path)) if text is not None else 0

    return Entry(
        stem=stem,
        title=text_of(header.find(f".//{T}titleStmt/{T}title")) if header is not None else stem,
        date=text_of(date),
        when=date.get("when", "") if date is not None else "",
        participants=[text_of(p.find(f"{T}persName")) for p in people],
        deletions=count(f".//{T}del"),
        additions=count(f".//{T}add"),
        redactions=count(f".//{T}gap[@reason='redacted']"),
    )


def index_page(entries: list[Entry], title: str = "TEI collection") -> str:
    html = etree.Element("html", lang="en")
    head = etree.SubElement(html, "head")
    etree.SubElement(head, "meta", charset="utf-8")
    etree.SubElement(head, "meta", name="viewport", content="width=device-width, initial-scale=1")
    etree.SubElement(head, "title").text = title
    etree.SubElement(head, "style").text = CSS
    body = etree.SubElement(html, "body")
    header = etree.SubElement(body, "header", {"class": "doc"})
    etree.SubElement(header, "h1").text = title
    etree.SubElement(header, "p").text = f"{len(entries)} documents"
    main = etree.SubElement(body, "main", id="text")
    table = etree.SubElement(main, "table")
    etree.SubElement(table, "caption", {"class": "visually-hidden"}).text = "Documents"
    row = etree.SubElement(table, "tr")
    for label in ("Date", "Title", "Participants", "Deletions", "Additions", "Redactions", "Files"):
        etree.SubElement(row, "th", scope="col").text = label
    for entry in sorted(entries, key=lambda e: (e.when or "9999", e.stem)):
        row = etree.SubElement(table, "tr")
        cell = etree.SubElement(row, "td")
        if entry.when:
            etree.SubElement(cell, "time", datetime=entry.when).text = entry.date
        else:
            cell.text = entry.date
        link = etree.SubElement(etree.SubElement(row, "td"), "a", href=f"{entry.stem}.html")
        link.text = entry.title
        etree.SubElement(row, "td").text = ", ".join(entry.participants)
        for value in (entry.deletions, entry.additions, entry.redactions):
            etree.SubElement(row, "td").text = str(value)
        files = etree.SubElement(row, "td")
        etree.SubElement(files, "a", href=f"{entry.stem}.html").text = "HTML"
        etree.SubElement(files, "span").text = " · "
        etree.SubElement(files, "a", href=f"{entry.stem}.txt").text = "text"
    footer = etree.SubElement(body, "footer")
    footer.text = f"Index made with tei-tools {__version__}."
    return "<!DOCTYPE html>\n" + etree.tostring(html, method="html", encoding="unicode") + "\n"
