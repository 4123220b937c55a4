"""The collection's pages: the index of every document (sorted by ISO date, shown in
one format, filtered by participant and year in the browser, no server), the persons
page (everyone who takes part, speaks or is named, by surname) and the search page.

In a built site (``publication`` given) they carry the site's frame and link its shared
stylesheet; ``tei-tools export`` writes a standalone index with the CSS inline."""

from __future__ import annotations

import calendar
import io
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from lxml import etree

from tei_tools import __version__
from tei_tools.export.page import CSS
from tei_tools.export.visitor import text_of
from tei_tools.names.identity import parts
from tei_tools.namespaces import T
from tei_tools.publication import Publication
from tei_tools.site import frame


def shown_date(when: str, printed: str) -> str:
    """An ISO date in the one format every page shows ("6 November 1962", "October
    1962", "1962"); the date as printed when there is no ISO date."""
    pieces = when.split("-") if when else []
    try:
        numbers = [int(p) for p in pieces[:3]]
    except ValueError:
        return printed
    if len(numbers) == 3 and 1 <= numbers[1] <= 12:
        return f"{numbers[2]} {calendar.month_name[numbers[1]]} {numbers[0]}"
    if len(numbers) == 2 and 1 <= numbers[1] <= 12:
        return f"{calendar.month_name[numbers[1]]} {numbers[0]}"
    return str(numbers[0]) if numbers else printed


def surname_key(name: str) -> tuple[str, str]:
    """Sort by surname, then by the whole name ("Vasily V. Kuznetsov" under K)."""
    return parts(name)[1] or name.casefold(), name.casefold()


@dataclass
class IndexEntry:
    """A document as the edition's index lists it."""

    stem: str
    title: str
    date: str
    when: str
    participants: list[str]
    deletions: int
    additions: int
    redactions: int
    people: list[str] = field(default_factory=list)  # participants' ids, for the filter


def entry_for(stem: str, root: etree._Element) -> IndexEntry:
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

    return IndexEntry(
        stem=stem,
        title=text_of(header.find(f".//{T}titleStmt/{T}title")) if header is not None else stem,
        date=text_of(date),
        when=date.get("when", "") if date is not None else "",
        participants=[text_of(p.find(f"{T}persName")) for p in people],
        deletions=count(f".//{T}del"),
        additions=count(f".//{T}add"),
        redactions=count(f".//{T}gap[@reason='redacted']"),
    )


def entry_from_summary(stem: str, summary: dict[str, Any]) -> IndexEntry:
    """An index entry from the summary a build keeps of each document."""
    participants = [p for p in summary.get("persons", []) if p.get("participant")]
    return IndexEntry(
        stem=stem,
        title=summary.get("title") or stem,
        date=summary.get("date", ""),
        when=summary.get("when", ""),
        participants=[p["name"] for p in participants],
        deletions=summary.get("deletions", 0),
        additions=summary.get("additions", 0),
        redactions=summary.get("redactions", 0),
        people=[p["id"] for p in participants],
    )


# Filters rows by participant and year; a page of thousands of rows stays responsive.
FILTER_SCRIPT = """
(function () {
  var form = document.getElementById("filters");
  if (!form) return;
  var rows = Array.prototype.slice.call(document.querySelectorAll("tbody tr"));
  var count = document.getElementById("shown");
  function apply() {
    var who = form.elements.person.value, year = form.elements.year.value, shown = 0;
    rows.forEach(function (row) {
      var ok = (!who || (" " + row.dataset.people + " ").indexOf(" " + who + " ") >= 0) &&
               (!year || row.dataset.year === year);
      row.hidden = !ok;
      if (ok) shown += 1;
    });
    count.textContent = shown + " of " + rows.length + " documents shown";
  }
  form.addEventListener("change", apply);
  form.addEventListener("reset", function () { setTimeout(apply, 0); });
  var wanted = new URLSearchParams(location.search);
  if (wanted.get("person")) form.elements.person.value = wanted.get("person");
  if (wanted.get("year")) form.elements.year.value = wanted.get("year");
  apply();
})();
"""


def _page(
    title: str, site: Publication | None = None, current: str = "", search: bool = True
) -> tuple[etree._Element, etree._Element]:
    html = etree.Element("html", lang="en")
    head = etree.SubElement(html, "head")
    etree.SubElement(head, "meta", charset="utf-8")
    etree.SubElement(head, "meta", name="viewport", content="width=device-width, initial-scale=1")
    etree.SubElement(head, "title").text = title
    body = etree.SubElement(html, "body")
    if site is None:
        etree.SubElement(head, "style").text = CSS
    else:
        frame.head_links(head)
        frame.banner(body, site, current, search)
    return html, body


def _own_header(body: etree._Element, site: Publication | None) -> etree._Element:
    """The page's heading block: its header, or in the site (whose banner is the one
    header landmark) a section the heading names."""
    if site is None:
        return etree.SubElement(body, "header", {"class": "doc"})
    return etree.SubElement(body, "section", {"class": "doc", "aria-labelledby": "page-title"})


def _footer(body: etree._Element, made: str, site: Publication | None) -> None:
    if site is None:
        etree.SubElement(body, "footer").text = made
    else:
        frame.site_footer(body, site, made)


def _serialize(html: etree._Element) -> str:
    return "<!DOCTYPE html>\n" + etree.tostring(html, method="html", encoding="unicode") + "\n"


def _select(form: etree._Element, name: str, label: str, options: list[tuple[str, str]]) -> None:
    field_id = f"filter-{name}"
    etree.SubElement(form, "label", {"for": field_id}).text = label
    select = etree.SubElement(form, "select", id=field_id, name=name)
    etree.SubElement(select, "option", value="").text = "all"
    for value, text in options:
        etree.SubElement(select, "option", value=value).text = text


MARK = "tei-tools: entries go here"


def _framed(html: etree._Element, container: etree._Element) -> tuple[bytes, bytes]:
    """The page's bytes before and after ``container``'s entries (a marker stands
    for them while the frame is serialized)."""
    container.append(etree.Comment(MARK))
    head, tail = _serialize(html).encode().split(f"<!--{MARK}-->".encode())
    container.remove(container[-1])
    return head, tail


def _html(element: etree._Element) -> bytes:
    return etree.tostring(element, method="html", encoding="UTF-8")


def index_page(
    entries: list[IndexEntry], title: str = "TEI collection", persons_page: bool = False
) -> str:
    out = io.BytesIO()
    write_index_page(out, entries, title, persons_page)
    return out.getvalue().decode()


def write_index_page(
    out: BinaryIO,
    entries: list[IndexEntry],
    title: str = "TEI collection",
    persons_page: bool = False,
    site: Publication | None = None,
    search: bool = True,
) -> None:
    """The index, written a row at a time (a page of thousands of rows is never one
    tree in memory). ``site``: the built site's frame."""
    html, body = _page(title, site, "index.html", search)
    header = _own_header(body, site)
    etree.SubElement(header, "h1", id="page-title").text = title
    etree.SubElement(header, "p").text = f"{len(entries)} documents"
    if site is not None and site.editors:
        etree.SubElement(header, "p").text = f"Edited by {frame.names(site.editors)}."
    if persons_page and site is None:
        nav = etree.SubElement(header, "nav", {"aria-label": "Collection"})
        etree.SubElement(nav, "a", href="persons.html").text = "Persons"
    main = etree.SubElement(body, "main", {"id": "text", "class": "wide"})
    people = sorted(
        {(pid, name) for e in entries for pid, name in zip(e.people, e.participants, strict=False)},
        key=lambda p: (*surname_key(p[1]), p[0]),
    )
    years = sorted({e.when[:4] for e in entries if e.when[:4].isdigit()})
    if people or years:
        form = etree.SubElement(main, "form", id="filters", role="search")
        form.set("aria-label", "Filter the documents")
        _select(form, "person", "Participant ", [(p, n) for p, n in dict(people).items()])
        _select(form, "year", " Year ", [(y, y) for y in years])
        etree.SubElement(form, "button", type="reset").text = "Show all"
        etree.SubElement(main, "p", id="shown", role="status").text = f"{len(entries)} documents"
    table = etree.SubElement(main, "table", {"class": "documents"})
    etree.SubElement(table, "caption", {"class": "visually-hidden"}).text = "Documents"
    row = etree.SubElement(etree.SubElement(table, "thead"), "tr")
    for label in ("Date", "Title", "Participants", "Deletions", "Additions", "Redactions", "Files"):
        etree.SubElement(row, "th", scope="col").text = label
    rows = etree.SubElement(table, "tbody")
    _footer(body, f"Index made with tei-tools {__version__}.", site)
    if people or years:
        etree.SubElement(body, "script").text = FILTER_SCRIPT
    head, tail = _framed(html, rows)
    out.write(head)
    for entry in sorted(entries, key=lambda e: (e.when or "9999", e.stem)):
        out.write(_html(_row(entry)))
    out.write(tail)


def _row(entry: IndexEntry) -> etree._Element:
    row = etree.Element("tr")
    row.set("data-year", entry.when[:4])
    row.set("data-people", " ".join(entry.people))
    cell = etree.SubElement(row, "td", {"class": "date"})
    if entry.when:
        etree.SubElement(cell, "time", datetime=entry.when).text = shown_date(
            entry.when, entry.date
        )
    else:
        cell.text = entry.date or "undated"
    title = etree.SubElement(row, "td", {"class": "title"})
    etree.SubElement(title, "a", href=f"{entry.stem}.html").text = entry.title
    etree.SubElement(row, "td", {"data-label": "Participants"}).text = ", ".join(entry.participants)
    for label, value in (
        ("Deletions", entry.deletions),
        ("Additions", entry.additions),
        ("Redactions", entry.redactions),
    ):
        etree.SubElement(row, "td", {"class": "num", "data-label": label}).text = str(value)
    files = etree.SubElement(row, "td", {"data-label": "Files"})
    etree.SubElement(files, "a", href=f"{entry.stem}.html").text = "HTML"
    etree.SubElement(files, "span").text = " · "
    etree.SubElement(files, "a", href=f"{entry.stem}.txt").text = "text"
    return row


HOW = {"speaks": " (speaks)", "participates": "", "named": " (named)"}


def write_persons_page(
    out: BinaryIO,
    persons: list[Any],
    titles: dict[str, str],
    title: str,
    site: Publication | None = None,
    search: bool = True,
    unidentified: dict[str, list[str]] | None = None,
) -> None:
    """Every person of the collection (``collection.persons.CollectionPerson``), by
    surname, with links to the documents they take part in, speak in or are named in
    (and their entry in each); written a person at a time."""
    html, body = _page(f"Persons — {title}", site, "persons.html", search)
    header = _own_header(body, site)
    etree.SubElement(header, "h1", id="page-title").text = "Persons"
    etree.SubElement(
        header, "p"
    ).text = (
        f"{len(persons)} persons who take part in, speak in or are named in {len(titles)} documents"
    )
    if site is None:
        nav = etree.SubElement(header, "nav", {"aria-label": "Collection"})
        etree.SubElement(nav, "a", href="index.html").text = "All documents"
    main = etree.SubElement(body, "main", id="text")
    listing = etree.SubElement(main, "dl", {"class": "persons"})
    if unidentified:
        _unidentified(main, unidentified, titles)
    _footer(body, f"Persons page made with tei-tools {__version__}.", site)
    head, tail = _framed(html, listing)
    out.write(head)
    for person in sorted(persons, key=lambda p: (*surname_key(p.name), p.id)):
        term = etree.Element("dt", id=f"person-{person.id}")
        if any(how == "participates" or how == "speaks" for _, how in person.documents):
            link = etree.SubElement(term, "a", href=f"index.html?person={person.source_id}")
            link.text = person.name
        else:
            term.text = person.name
        out.write(_html(term))
        about = ", ".join([*person.occupations, *person.affiliations])
        if about:
            dd = etree.Element("dd")
            dd.text = about
            out.write(_html(dd))
        docs = etree.Element("dd")
        items = etree.SubElement(docs, "ul")
        for stem, how in person.documents:
            item = etree.SubElement(items, "li")
            link = etree.SubElement(item, "a", href=f"{stem}.html#person-{person.source_id}")
            link.text = titles.get(stem, stem)
            link.tail = HOW.get(how, "")
        out.write(_html(docs))
    out.write(tail)


def write_places_page(
    out: BinaryIO,
    names: dict[tuple[str, str, str], list[str]],
    titles: dict[str, str],
    title: str,
    site: Publication | None = None,
    search: bool = True,
) -> None:
    """Every place and organisation the documents tag (``(kind, name, ref)`` → the
    documents naming it), by kind and name, with links to those documents and to the
    authority record a tag gives."""
    html, body = _page(f"Places and organisations — {title}", site, "places.html", search)
    header = _own_header(body, site)
    etree.SubElement(header, "h1", id="page-title").text = "Places and organisations"
    main = etree.SubElement(body, "main", id="text")
    if not names:
        etree.SubElement(main, "p").text = "No document tags a place or an organisation."
    for kind, heading in (("place", "Places"), ("organisation", "Organisations")):
        found = sorted((k for k in names if k[0] == kind), key=lambda k: (k[1].casefold(), k[2]))
        if not found:
            continue
        section = etree.SubElement(main, "section", {"aria-labelledby": f"{kind}s"})
        etree.SubElement(section, "h2", id=f"{kind}s").text = heading
        listing = etree.SubElement(section, "dl", {"class": "places"})
        for key in found:
            term = etree.SubElement(listing, "dt")
            term.text = key[1]
            if key[2].startswith(("https://", "http://")):  # an authority record
                term.text = f"{key[1]} "
                etree.SubElement(term, "a", href=key[2], rel="external").text = "(record)"
            docs = etree.SubElement(etree.SubElement(listing, "dd"), "ul")
            for stem in sorted(set(names[key])):
                item = etree.SubElement(docs, "li")
                etree.SubElement(item, "a", href=f"{stem}.html").text = titles.get(stem, stem)
    _footer(body, f"Places page made with tei-tools {__version__}.", site)
    out.write(_serialize(html).encode())


def _unidentified(
    main: etree._Element, names: dict[str, list[str]], titles: dict[str, str]
) -> None:
    """Speakers the text names whom no declared person matches: listed as such, not
    guessed at (declaring them in the people file identifies them)."""
    section = etree.SubElement(main, "section", {"aria-labelledby": "unidentified"})
    etree.SubElement(section, "h2", id="unidentified").text = "Speakers not identified"
    etree.SubElement(section, "p").text = (
        "The text names these speakers, but no person of the people file matches the "
        "name; declare them there to identify them."
    )
    listing = etree.SubElement(section, "ul")
    for name in sorted(names, key=surname_key):
        item = etree.SubElement(listing, "li")
        item.text = f"{name}: "
        for n, stem in enumerate(names[name]):
            link = etree.SubElement(item, "a", href=f"{stem}.html")
            link.text = titles.get(stem, stem)
            if n < len(names[name]) - 1:
                link.tail = "; "


def write_search_page(out: BinaryIO, title: str, site: Publication) -> None:
    """The search page: a form, filters Pagefind's index offers, the results."""
    html, body = _page(f"Search — {title}", site, "search.html", True)
    head = html.find("head")
    assert head is not None
    etree.SubElement(head, "script", type="module", src="assets/search.js")
    header = _own_header(body, site)
    etree.SubElement(header, "h1", id="page-title").text = "Search"
    main = etree.SubElement(body, "main", id="text")
    form = etree.SubElement(main, "form", id="search-form", role="search", action="search.html")
    etree.SubElement(form, "label", {"for": "q"}).text = "Words "
    etree.SubElement(form, "input", type="search", id="q", name="q")
    etree.SubElement(form, "span", id="search-filters")
    etree.SubElement(form, "button", type="submit").text = "Search"
    etree.SubElement(
        main, "p", id="search-status", role="status"
    ).text = "Search needs JavaScript and the site served over HTTP (tei-tools serve)."
    etree.SubElement(main, "ol", id="results")
    _footer(body, f"Search made with Pagefind and tei-tools {__version__}.", site)
    out.write(_serialize(html).encode())
