"""Which page files a METS file names, in which order, with which labels.

A Transkribus export has one group of PAGE files; an OCR-D workspace has one per
processing step (segmentation, each OCR engine, ground truth). The PAGE groups are
those whose files are PAGE by MIMETYPE (``application/vnd.prima.page+xml``), or
whose USE or ID names PAGE and whose files are XML (Transkribus: ``PAGEXML``,
``application/xml``); of them the one the user names (``--file-grp``), else
the first holding ground truth (``GT`` in its name), else the last (the latest
step), whose files are all present. Pages follow the physical structMap's order,
labelled by its ORDERLABEL, else by SEQ, else as the group lists them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree

from tei_tools.convert.readers.values import whole

METS_NS = "http://www.loc.gov/METS/"
XLINK = "http://www.w3.org/1999/xlink"
PAGE_MIMETYPE = "application/vnd.prima.page+xml"
_XML_TYPES = ("", "application/xml", "text/xml")  # a PAGE file under a generic type
_GT = re.compile(r"(^|[^A-Za-z])GT([^A-Za-z]|$)")


@dataclass
class PageFile:
    href: str
    label: str = ""  # the page's ORDERLABEL, "" when none is stated


@dataclass
class Group:
    name: str  # USE, else ID
    files: list[PageFile] = field(default_factory=list)


def is_mets_name(name: str) -> bool:
    """A METS file by its name: ``mets.xml`` (Transkribus, OCR-D) or ``METS.xml``
    (eScriptorium), in any case."""
    return name.rsplit("/", 1)[-1].lower() == "mets.xml"


def m(tag: str) -> str:
    return f"{{{METS_NS}}}{tag}"


def page_groups(
    root: etree._Element, bad: Callable[[str, str | None, etree._Element], None]
) -> list[Group]:
    """The METS file's groups of PAGE files, in document order, each file in page
    order (see the module's docstring); ``bad`` hears of a SEQ that is no number."""
    places = _physical_order(root)
    groups = _groups(root, bad, places, untyped=False)
    # eScriptorium: one group (USE="export") of files with no MIMETYPE; what they hold
    # is told when each is read
    return groups or _groups(root, bad, places, untyped=True)


def _groups(
    root: etree._Element,
    bad: Callable[[str, str | None, etree._Element], None],
    places: tuple[dict[str, int], dict[str, str]],
    untyped: bool,
) -> list[Group]:
    order, labels = places
    groups = []
    for group in root.iter(m("fileGrp")):
        name = group.get("USE") or group.get("ID") or ""
        items = group.findall(m("file"))
        typed = [i for i in items if (i.get("MIMETYPE") or "") == PAGE_MIMETYPE]
        if not typed and "PAGE" in name.upper():  # its name says PAGE
            typed = [i for i in items if (i.get("MIMETYPE") or "") in _XML_TYPES]
        elif not typed and untyped:  # XML files by their names (images are untyped too)
            typed = [i for i in items if not i.get("MIMETYPE") and _names_xml(i)]
        files = []
        for n, item in enumerate(typed):
            loc = item.find(m("FLocat"))
            href = loc.get(f"{{{XLINK}}}href") if loc is not None else None
            if not href:
                continue
            fid = item.get("ID") or ""
            seq = whole(item.get("SEQ"))
            if seq is None and item.get("SEQ") is not None:
                bad(
                    f"the SEQ of the file {href} is not a whole number; it is left out",
                    item.get("SEQ"),
                    item,
                )
            key = (order.get(fid, len(order)), seq if seq is not None else n, n)
            files.append((key, PageFile(href, labels.get(fid, ""))))
        if files:
            groups.append(Group(name, [f for _, f in sorted(files, key=lambda t: t[0])]))
    return groups


def _names_xml(item: etree._Element) -> bool:
    location = item.find(m("FLocat"))
    href = location.get(f"{{{XLINK}}}href") if location is not None else None
    return bool(href) and href.lower().endswith(".xml")  # type: ignore[union-attr]


def preference(groups: list[Group], chosen: str | None) -> list[Group]:
    """The groups in the order to try them: the one named by the user alone; else
    ground truth first, then the rest from the last to the first."""
    if chosen is not None:
        return [g for g in groups if g.name == chosen]
    truth = [g for g in groups if _GT.search(g.name)]
    return truth + [g for g in reversed(groups) if g not in truth]


def _physical_order(root: etree._Element) -> tuple[dict[str, int], dict[str, str]]:
    """File ID → page position and label, from the physical structMap's page divs."""
    order: dict[str, int] = {}
    labels: dict[str, str] = {}
    for smap in root.iter(m("structMap")):
        if (smap.get("TYPE") or "").upper() != "PHYSICAL":
            continue
        pages = [d for d in smap.iter(m("div")) if d.find(m("fptr")) is not None]
        if all(whole(d.get("ORDER")) is not None for d in pages):
            pages.sort(key=lambda d: whole(d.get("ORDER")) or 0)
        for position, div in enumerate(pages):
            label = (div.get("ORDERLABEL") or "").strip()
            for fptr in div.findall(m("fptr")):
                fid = fptr.get("FILEID")
                if fid and fid not in order:
                    order[fid] = position
                    if label:
                        labels[fid] = label
    return order, labels
