"""The legend of a document page: the conventions this document's encoding uses,
each shown as the page shows it, generated from what the TEI contains."""

from __future__ import annotations

from lxml import etree

from tei_tools.export.html import HtmlExporter
from tei_tools.namespaces import TEI_NS, T

# (XPath over the text, sample as (tag, class, text), what it means); in reading order.
CONVENTIONS: tuple[tuple[str, tuple[str, str, str], str], ...] = (
    (
        ".//t:del[not(@rend='overtyped')]",
        ("del", "strikethrough", "struck"),
        "struck through on the page (diplomatic view; the reading view leaves it out)",
    ),
    (".//t:del[@rend='overtyped']", ("del", "overtyped", "xxxx"), "typed over with x's"),
    (
        ".//t:add",
        ("ins", "above", "added"),
        "typed or written above the line (the reading view sets it in the line)",
    ),
    (
        ".//t:subst",
        ("span", "subst", "a correction"),
        "a struck word and the word that replaces it",
    ),
    (
        ".//t:gap[@reason='redacted']",
        ("span", "gap gap-redacted", "[redacted]"),
        "withheld from release",
    ),
    (
        ".//t:gap[not(@reason='redacted')][not(parent::t:del[@rend='overtyped'])]",
        ("span", "gap", "[gap]"),
        "text missing or illegible",
    ),
    (".//t:unclear", ("span", "unclear", "unclear"), "a reading that is not certain"),
    (
        ".//t:fw",
        ("span", "fw-sample", "SECRET"),
        "page furniture: classification marks and printed page numbers (diplomatic view)",
    ),
    (".//t:pb", ("span", "pb-sample", "p. 2"), "where a new page of the typescript begins"),
    (".//t:stamp", ("span", "stamp", "REVIEWED"), "a stamp on the page (declassification)"),
    (
        ".//t:said[@who]",
        ("span", "speaker", "Speaker"),
        "who is speaking, named by the encoding (reported speech)",
    ),
    (
        ".//t:persName[@ref]",
        ("span", "person", "Name"),
        "a person of the participants list; follow it to their entry",
    ),
    (".//t:note", ("span", "note", "[Note: …]"), "a note in the source"),
    (
        ".//t:choice",
        ("span", "sic", "teh"),
        "the source's form (diplomatic view); the reading view shows the correction",
    ),
)
_NS = {"t": TEI_NS}


def conventions_in(root: etree._Element) -> list[tuple[tuple[str, str, str], str]]:
    """The conventions ``root``'s text uses, each once."""
    text = root.find(f"{T}text")
    if text is None:
        return []
    return [
        (sample, meaning)
        for path, sample, meaning in CONVENTIONS
        if text.xpath(f"boolean({path})", namespaces=_NS)
    ]


def write_legend(page: HtmlExporter, root: etree._Element, facsimile: bool) -> None:
    """A collapsed ``details`` on ``page`` listing the conventions."""
    found = conventions_in(root)
    if facsimile:
        found.append(
            (
                ("span", "facs-sample", "line"),
                "select a line or paragraph to outline it on the page image, "
                "or an outline to find its text",
            )
        )
    if not found:
        return
    with page.into("details", class_="legend"):
        page.add("summary", "Conventions in this document")
        with page.into("dl"):
            for (tag, cls, sample), meaning in found:
                with page.into("dt"):
                    page.add(tag, sample, class_=cls)
                page.add("dd", meaning)
