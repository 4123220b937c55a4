"""What a Word file states about itself, for the header: its title (``dc:title`` in
``docProps/core.xml``, else the first paragraph styled Title, else the first heading),
its creator, its pages as Word last counted them (``docProps/app.xml``), and its
language: the ``w:lang`` that covers most characters of the body.

A run's language is its own ``w:lang``, else its character style's (through
``basedOn``), else its paragraph style's (the default paragraph style when it names
none), else the document defaults in ``word/styles.xml``; a right-to-left run
(``w:rtl``) takes ``w:bidi`` where the others take ``w:val``. East Asian text
(``w:eastAsia``) is not told apart: it counts under ``w:val``. Text in a
``mc:Fallback`` (a copy of the ``mc:Choice`` beside it) is not counted twice.

A metadata part that cannot be read (not well-formed, over a budget) is left out with
a warning (C009); the text does not depend on it.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass, field

from lxml import etree

from tei_tools.convert.languages import language_code
from tei_tools.convert.model import SourceMeta
from tei_tools.convert.readers.archive import Archive
from tei_tools.convert.readers.values import bad_value, whole
from tei_tools.convert.readers.xmlparts import ReadError, Spent, parse_part
from tei_tools.diagnostics import Diagnostic

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
# Strict Office Open XML (ISO/IEC 29500 Strict) names the same vocabularies otherwise
_STRICT = {
    "http://purl.oclc.org/ooxml/wordprocessingml/main": W,
    "http://purl.oclc.org/ooxml/officeDocument/relationships": (
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    ),
    "http://purl.oclc.org/ooxml/drawingml/main": (
        "http://schemas.openxmlformats.org/drawingml/2006/main"
    ),
    "http://purl.oclc.org/ooxml/drawingml/wordprocessingDrawing": (
        "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
    ),
}
DC = "http://purl.org/dc/elements/1.1/"
STYLES = "word/styles.xml"
CORE = "docProps/core.xml"
APP = "docProps/app.xml"
_OFF = ("0", "false", "off")
_HEADING = re.compile(r"heading\s*[1-9]", re.IGNORECASE)
_TITLE_MAX = 300  # characters of a heading taken as the title


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def transitional(root: etree._Element) -> etree._Element:
    """A part in Strict Office Open XML with its elements and attributes renamed into
    the transitional namespaces the readers know (the names are the same); a
    transitional part as it is."""
    if not isinstance(root.tag, str) or etree.QName(root).namespace not in _STRICT:
        return root
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        qname = etree.QName(el)
        if qname.namespace in _STRICT:
            el.tag = f"{{{_STRICT[qname.namespace]}}}{qname.localname}"
        for key in [str(k) for k in el.attrib if str(k).startswith("{")]:
            name = etree.QName(key)
            if name.namespace in _STRICT:
                value = str(el.attrib.pop(key))
                el.set(f"{{{_STRICT[name.namespace]}}}{name.localname}", value)
    return root


@dataclass
class _Style:
    name: str
    kind: str
    default: bool
    based: str | None
    lang: str | None
    bidi: str | None
    outline: int | None
    formatting: dict[str, bool] = field(default_factory=dict)  # run property → on/off
    num: tuple[str, int] | None = None  # a list style: (numId, level)


class _Styles:
    """``word/styles.xml``: each style by id, the default paragraph style, and the
    document defaults' languages."""

    def __init__(self, root: etree._Element | None):
        self.by_id: dict[str, _Style] = {}
        self.lang: str | None = None
        self.bidi: str | None = None
        self.default_paragraph: str | None = None
        self.formatting: dict[str, bool] = {}
        if root is None:
            return
        defaults = root.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}")
        self.formatting = formatting(defaults)  # the document defaults' run properties
        lang = defaults.find(w("lang")) if defaults is not None else None
        if lang is not None:
            self.lang, self.bidi = lang.get(w("val")), lang.get(w("bidi"))
        for el in root.iter(w("style")):
            sid = el.get(w("styleId")) or ""
            name = el.find(w("name"))
            based = el.find(w("basedOn"))
            lang = el.find(f"{w('rPr')}/{w('lang')}")
            outline = el.find(f"{w('pPr')}/{w('outlineLvl')}")
            num = el.find(f"{w('pPr')}/{w('numPr')}")
            style = _Style(
                name=(name.get(w("val")) or "") if name is not None else "",
                kind=el.get(w("type")) or "paragraph",
                default=(el.get(w("default")) or "").lower() in ("1", "true", "on"),
                based=based.get(w("val")) if based is not None else None,
                lang=lang.get(w("val")) if lang is not None else None,
                bidi=lang.get(w("bidi")) if lang is not None else None,
                outline=whole(outline.get(w("val"))) if outline is not None else None,
                formatting=formatting(el.find(w("rPr"))),
                num=numbering_of(num),
            )
            self.by_id.setdefault(sid, style)
            if style.kind == "paragraph" and style.default and self.default_paragraph is None:
                self.default_paragraph = sid

    def chain(self, sid: str | None) -> list[_Style]:
        """The style and those it is based on, nearest first (a cycle ends it)."""
        out: list[_Style] = []
        seen: set[str] = set()
        while sid and sid in self.by_id and sid not in seen:
            seen.add(sid)
            out.append(self.by_id[sid])
            sid = out[-1].based
        return out


# Run properties the readers keep (w:vertAlign is read as "superscript"/"subscript").
FORMATTING = ("strike", "dstrike", "b", "i", "u", "superscript", "subscript")


def formatting(rpr: etree._Element | None) -> dict[str, bool]:
    """The run properties ``rpr`` states, on or off; those it is silent on are absent
    (a style or the run itself may state them)."""
    found: dict[str, bool] = {}
    if rpr is None:
        return found
    for tag in ("strike", "dstrike", "b", "i", "u"):
        el = rpr.find(w(tag))
        if el is not None:
            found[tag] = (el.get(w("val")) or "true").lower() not in (*_OFF, "none")
    align = rpr.find(w("vertAlign"))
    if align is not None:
        value = align.get(w("val"))
        found["superscript"], found["subscript"] = value == "superscript", value == "subscript"
    return found


def numbering_of(num: etree._Element | None) -> tuple[str, int] | None:
    """A paragraph's or style's list membership (w:numPr): (numId, level); numId 0
    takes a paragraph out of the list its style puts it in."""
    if num is None:
        return None
    nid = num.find(w("numId"))
    lvl = num.find(w("ilvl"))
    if nid is None:
        return None
    return nid.get(w("val")) or "0", whole(lvl.get(w("val"))) or 0 if lvl is not None else 0


def _on(rpr: etree._Element | None, tag: str) -> bool:
    el = rpr.find(w(tag)) if rpr is not None else None
    return el is not None and (el.get(w("val")) or "true").lower() not in _OFF


def in_fallback(element: etree._Element) -> bool:
    return any(a.tag == f"{{{MC}}}Fallback" for a in element.iterancestors())


def _text(p: etree._Element) -> str:
    """A paragraph's own text (not a text box's inside it), white space collapsed."""
    parts = [
        t.text or ""
        for t in p.iter(w("t"))
        if next(t.iterancestors(w("p")), None) is p and not in_fallback(t)
    ]
    return " ".join("".join(parts).split())


@functools.lru_cache(maxsize=8)
def _styles_of(data: bytes) -> tuple[_Styles, int]:
    """A ``styles.xml``'s styles and how many nodes it holds (read against one part's
    budget; the caller adds them to its source's)."""
    spent = Spent()
    root = parse_part(data, STYLES, spent)
    return _Styles(transitional(root)), spent.elements


class WordFacts:
    """Reads the facts of one Word file into a ``SourceMeta``."""

    def __init__(self, archive: Archive, name: str, spent: Spent, diags: list[Diagnostic]):
        self.archive = archive
        self.name = name
        self.spent = spent
        self.diags = diags

    def part(self, path: str, what: str) -> etree._Element | None:
        if path not in self.archive.names:
            return None
        try:
            return parse_part(self.archive.read(path), path, self.spent)
        except ReadError as exc:
            self.diags.append(
                bad_value(
                    f"{path} cannot be read ({exc}); {what} it states are left out",
                    path,
                    f"{self.name}/{path}",
                    exc.line,
                )
            )
            return None

    def styles(self) -> _Styles:
        """The file's styles, read once per distinct ``styles.xml`` in a process: the
        files of one edition share a template, and its styles part is often the
        largest the converter reads (300 KB) for the fewest facts."""
        if STYLES not in self.archive.names:
            return _Styles(None)
        try:
            styles, nodes = _styles_of(self.archive.read(STYLES))
        except ReadError as exc:
            self.diags.append(
                bad_value(
                    f"{STYLES} cannot be read ({exc}); the languages and headings it states "
                    "are left out",
                    STYLES,
                    f"{self.name}/{STYLES}",
                    exc.line,
                )
            )
            return _Styles(None)
        self.spent.elements += nodes  # counted against the source's budget as if read
        return styles

    def read(self, document: etree._Element, styles: _Styles | None = None) -> SourceMeta:
        meta = SourceMeta(format="Word", form="Office Open XML")
        styles = styles or self.styles()
        core = self.part(CORE, "the title and creator")
        if core is not None:
            meta.title = _value(core.find(f"{{{DC}}}title"))
            meta.title_from = "the Word file's core properties (dc:title)" if meta.title else ""
            meta.creator = _value(core.find(f"{{{DC}}}creator"))
        app = self.part(APP, "the page count")
        if app is not None:
            pages = next((el for el in app if etree.QName(el).localname == "Pages"), None)
            meta.pages = whole((pages.text or "").strip()) if pages is not None else None
            meta.pages = meta.pages or None  # Word writes 0 when it never paginated
            meta.pages_from = "as Word last counted them" if meta.pages else ""
        body = document.find(w("body"))
        if body is not None:
            meta.heading = first_heading(body, styles)
            weights = languages(body, styles)
            meta.languages = [(code, n) for code, n in weights.most_common()]
            meta.language_from = "w:lang" if weights else ""
        return meta


def _value(element: etree._Element | None) -> str | None:
    text = (
        " ".join("".join(str(t) for t in element.itertext()).split()) if element is not None else ""
    )
    return text or None


def paragraph_style(ppr: etree._Element | None, styles: _Styles) -> list[_Style]:
    """A paragraph's style and those it is based on (the default paragraph style when
    it names none)."""
    sid = ppr.find(w("pStyle")) if ppr is not None else None
    return styles.chain(sid.get(w("val")) if sid is not None else styles.default_paragraph)


def heading_level(ppr: etree._Element | None, chain: list[_Style]) -> int | None:
    """1 for a paragraph styled Title or Heading 1 (through ``basedOn``), N for
    Heading N, else its outline level + 1 (0–8, its own or its style's); None for a
    paragraph that is no heading."""
    names = [s.name.strip() for s in chain]
    if any(n.casefold() == "title" for n in names):
        return 1
    for n in names:
        if _HEADING.fullmatch(n):
            return int(n[-1])
    own = ppr.find(w("outlineLvl")) if ppr is not None else None
    level = whole(own.get(w("val"))) if own is not None else None
    if level is None:
        level = next((s.outline for s in chain if s.outline is not None), None)
    return level + 1 if level is not None and level < 9 else None


def first_heading(body: etree._Element, styles: _Styles) -> str | None:
    """The text of the first paragraph styled Title (through ``basedOn``), else of the
    first heading (a style named "heading N", or an outline level 0–8)."""
    first: str | None = None
    for p in body.iter(w("p")):
        if in_fallback(p) or any(a.tag == w("txbxContent") for a in p.iterancestors()):
            continue
        ppr = p.find(w("pPr"))
        chain = paragraph_style(ppr, styles)
        if heading_level(ppr, chain) is None:
            continue
        text = _text(p)
        if not text:
            continue
        text = text if len(text) <= _TITLE_MAX else text[: _TITLE_MAX - 1].rstrip() + "…"
        if any(s.name.strip().casefold() == "title" for s in chain):
            return text
        first = first or text
    return first


def languages(body: etree._Element, styles: _Styles) -> Counter[str]:
    """Characters of the body's text by the language (primary subtag) stated for them."""
    weights: Counter[str] = Counter()
    chains: dict[int, list[_Style]] = {}  # a paragraph's style chain, by the paragraph
    for r in body.iter(w("r")):
        n = sum(len(t.text or "") for t in r.findall(w("t")))
        if not n or in_fallback(r):
            continue
        p = next(r.iterancestors(w("p")), None)
        if p is None:
            continue
        key = id(p)
        if key not in chains:
            sid = p.find(f"{w('pPr')}/{w('pStyle')}")
            chains[key] = styles.chain(
                sid.get(w("val")) if sid is not None else styles.default_paragraph
            )
        rpr = r.find(w("rPr"))
        rtl = _on(rpr, "rtl")
        value = _run_language(rpr, rtl, styles) or _from_styles(chains[key], rtl)
        if value is None:
            value = styles.bidi if rtl else styles.lang
        code = language_code(value)
        if code:
            weights[code] += n
    return weights


def _run_language(rpr: etree._Element | None, rtl: bool, styles: _Styles) -> str | None:
    if rpr is None:
        return None
    lang = rpr.find(w("lang"))
    value = lang.get(w("bidi" if rtl else "val")) if lang is not None else None
    if value is None:
        rstyle = rpr.find(w("rStyle"))
        if rstyle is not None:
            value = _from_styles(styles.chain(rstyle.get(w("val"))), rtl)
    return value


def _from_styles(chain: list[_Style], rtl: bool) -> str | None:
    return next((v for s in chain if (v := s.bidi if rtl else s.lang)), None)
