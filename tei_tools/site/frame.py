"""What every page of the site has around its content: the collection's title, links
to the documents, persons and search pages, a search box, and the footer saying who
publishes it under which licence."""

from __future__ import annotations

from lxml import etree

from tei_tools import __version__
from tei_tools.publication import Publication

STYLESHEET = "assets/edition.css"
SCRIPT = "assets/edition.js"
# Stand-in for the previous/next links, which depend on the whole collection: the
# build writes them in once every document's date is known (see sequence.py).
SEQUENCE_START = "<!--sequence-->"
SEQUENCE_END = "<!--/sequence-->"
PAGES = (
    ("index.html", "Documents"),
    ("persons.html", "Persons"),
    ("places.html", "Places"),
    ("search.html", "Search"),
)


def _sub(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
    el = etree.SubElement(
        parent, tag, {k.rstrip("_").replace("_", "-"): v for k, v in attrs.items()}
    )
    el.text = text
    return el


def head_links(head: etree._Element, scripts: tuple[str, ...] = ()) -> None:
    _sub(head, "link", rel="stylesheet", href=STYLESHEET)
    for script in (SCRIPT, *scripts):
        _sub(head, "script", src=script, defer="defer")


def banner(
    parent: etree._Element, publication: Publication, current: str, search: bool
) -> etree._Element:
    """The site's banner: its title (a link home), its pages, a search box."""
    header = _sub(parent, "header", class_="site")
    _sub(header, "a", publication.title, href="index.html", class_="site-title")
    nav = _sub(header, "nav", aria_label="Edition")
    for href, label in PAGES:
        if href == "search.html" and not search:
            continue
        link = _sub(nav, "a", label, href=href)
        if href == current:
            link.set("aria-current", "page")
    if search and current != "search.html":
        form = _sub(header, "form", action="search.html", role="search", class_="quick-search")
        form.set("aria-label", "Search the edition")
        _sub(
            form,
            "input",
            type="search",
            name="q",
            id="quick-q",
            placeholder="Search",
            aria_label="Words to search for",
        )
        _sub(form, "button", "Search", type="submit")
    return header


def titled_section(header: etree._Element) -> None:
    """The page's own header becomes a section named by its heading: the site's banner
    is the page's one banner landmark."""
    header.tag = "section"
    heading = header.find("h1")
    if heading is not None:
        heading.set("id", "page-title")
        header.set("aria-labelledby", "page-title")


def sequence_placeholder(parent: etree._Element) -> None:
    """Where the previous/next links go (filled in by the build)."""
    parent.append(etree.Comment(SEQUENCE_START[4:-3]))
    parent.append(etree.Comment(SEQUENCE_END[4:-3]))


def site_footer(parent: etree._Element, publication: Publication, made: str) -> None:
    footer = _sub(parent, "footer", class_="site")
    said = [made]
    if publication.editors:
        said.append(f"Edited by {names(publication.editors)}.")
    if publication.publisher:
        said.append(f"Published by {publication.publisher}.")
    footer.text = " ".join(said) + " "
    if publication.licence or publication.licence_url:
        footer.text += "Licence: "
        if publication.licence_url:
            _sub(
                footer,
                "a",
                publication.licence or publication.licence_url,
                href=publication.licence_url,
                rel="license",
            ).tail = ". "
        else:
            footer.text += f"{publication.licence}. "
    tail = _sub(footer, "span", f"Made with tei-tools {__version__}.")
    tail.set("class", "made")


def names(items: tuple[str, ...] | list[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
