"""PAGE-XML reader: a Transkribus or eScriptorium export (its ``mets.xml``, its
folder, a zip of it) or one PAGE file; PAGE 2013-07-15 and 2019-07-15.

Regions are read in the page's reading order (``ReadingOrder``, else each
region's ``readingOrder {index}``, else document order) and become blocks; their
lines, in the same way, become lines. Every line end is a line end of the page,
so every line gets an ``lb`` pointing at its zone. Whether a line was ended on
purpose (a participants entry, a dateline) or wrapped is read from the geometry
as a typist's measure gives it: a line is wrapped when the next line's first word
would not have fitted after it. ``textStyle`` in ``@custom`` gives struck,
superscript, subscript, bold, italic and underlined typing; Transkribus's other
tags keep their text and are reported. Each page becomes a ``surface`` with a
``zone`` per region and line.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from types import MappingProxyType
from typing import TypeVar

from lxml import etree

from tei_tools.convert.languages import language_code
from tei_tools.convert.model import SourceMeta, Surface, Zone
from tei_tools.convert.readers.archive import Archive
from tei_tools.convert.readers.runs import (
    BOLD,
    ITALIC,
    STRIKE,
    SUB,
    SUP,
    UNDERLINE,
    Origin,
    Run,
    SourceBlock,
    SourceLine,
)
from tei_tools.convert.readers.values import bad_point, bad_value, line_of, points, signed, whole
from tei_tools.convert.readers.xmlparts import ReadError, Spent, parse_part
from tei_tools.diagnostics import Diagnostic

PAGE_NS_PREFIX = "http://schema.primaresearch.org/PAGE/gts/pagecontent/"
METS_NS = "http://www.loc.gov/METS/"
MODS_NS = "http://www.loc.gov/mods/v3"
XLINK = "http://www.w3.org/1999/xlink"
_WORD = re.compile(r"\w+")
_ORDERS = {
    "ReadingOrder": "in the page's ReadingOrder",
    "index": "by their Transkribus readingOrder index",
    "document": "in document order",
}

_STYLE_KEYS = {
    "strikethrough": STRIKE,
    "superscript": SUP,
    "subscript": SUB,
    "bold": BOLD,
    "italic": ITALIC,
    "underlined": UNDERLINE,
}
_STRUCTURAL = {"readingOrder", "structure", "textStyle"}
_CUSTOM = re.compile(r"([A-Za-z][\w-]*)\s*\{([^}]*)\}")
_NCNAME_BAD = re.compile(r"[^\w.-]")

T = TypeVar("T")
Opener = Callable[[str], bytes]  # a path inside the export → its bytes


def is_page(root: etree._Element) -> bool:
    return isinstance(root.tag, str) and root.tag.startswith("{" + PAGE_NS_PREFIX)


def is_mets(root: etree._Element) -> bool:
    return root.tag == f"{{{METS_NS}}}mets"


def custom_tags(value: str | None) -> tuple[tuple[str, Mapping[str, str]], ...]:
    """``readingOrder {index:0;} textStyle {offset:0; length:5;bold:true;}`` →
    ((name, {key: value}), …) in order."""
    return _custom_tags(value) if value else ()


@functools.lru_cache(maxsize=4096)  # an export repeats a few values on every line
def _custom_tags(value: str) -> tuple[tuple[str, Mapping[str, str]], ...]:
    tags = []
    for match in _CUSTOM.finditer(value):
        props = {}
        for item in match.group(2).split(";"):
            key, sep, val = item.partition(":")
            if sep:
                props[key.strip()] = val.strip().replace("\\u0020", " ")
        tags.append((match.group(1), MappingProxyType(props)))
    return tuple(tags)


def _bbox(xy: list[tuple[float, float]]) -> tuple[int, int, int, int]:
    xs = [int(p[0]) for p in xy]
    ys = [int(p[1]) for p in xy]
    return min(xs), min(ys), max(xs), max(ys)


@dataclass
class _Line:
    element: etree._Element
    text: str
    text_line: int  # source line of the Unicode element
    box: tuple[int, int, int, int] | None
    zone: str
    tagged: bool = True  # the line's @custom tags apply to this text (not its words' text)


class PageReader:
    def __init__(self, diagnostics: list[Diagnostic], prefix: str = "", spent: Spent | None = None):
        self.diags = diagnostics
        self.spent = spent if spent is not None else Spent()
        self.prefix = prefix  # before a page file's path in what diagnostics name
        self.blocks: list[SourceBlock] = []
        self.surfaces: list[Surface] = []
        self.part = ""  # the file being read, as diagnostics name it
        # What the export states about itself, for the header (see ``facts``)
        self.words: Counter[str] = Counter()  # words of text by their @primaryLanguage
        self.orders: Counter[str] = Counter()  # pages by how their regions were ordered
        self.versions: set[str] = set()  # PAGE schema versions read
        self.heading: str | None = None  # the first heading region's text
        self.title: tuple[str, str] | None = None  # (title, where stated)
        self.stated: list[tuple[str, str]] = []  # METS/Transkribus languages: (code, where)
        self.tagged = 0  # Transkribus tags not encoded (C402)

    def bad(self, what: str, value: str | None, element: etree._Element) -> None:
        self.diags.append(bad_value(what, value, self.part, line_of(element)))

    def number(self, element: etree._Element, attribute: str, what: str) -> int | None:
        """A whole number in ``attribute`` (None when absent); a bad one is reported."""
        value = element.get(attribute)
        n = whole(value)
        if value is not None and n is None:
            self.bad(f"{what} is not a whole number; it is left out", value, element)
        return n

    def index(self, element: etree._Element) -> int | None:
        """The element's ``readingOrder {index:N}``, if it has one that is a number."""
        custom = element.get("custom")
        if not custom or "readingOrder" not in custom:
            return None
        for name, props in custom_tags(custom):
            if name == "readingOrder" and "index" in props:
                n = whole(props["index"])
                if n is None:
                    what = f"the readingOrder index of {element.get('id') or 'an element'}"
                    self.bad(
                        f"{what} is not a whole number; it is read in document order",
                        props["index"],
                        element,
                    )
                return n
        return None

    # -- the export ----------------------------------------------------------------
    def read_mets(self, root: etree._Element, mets_name: str, open_file: Opener) -> None:
        base = PurePosixPath(mets_name).parent
        self.mets_facts(root)
        files = []
        for group in root.iter(f"{{{METS_NS}}}fileGrp"):
            use = (group.get("USE") or group.get("ID") or "").upper()
            if "PAGE" not in use:
                continue
            for n, item in enumerate(group.findall(f"{{{METS_NS}}}file")):
                loc = item.find(f"{{{METS_NS}}}FLocat")
                href = loc.get(f"{{{XLINK}}}href") if loc is not None else None
                if not href:
                    continue
                self.part = self.prefix + mets_name
                seq = self.number(item, "SEQ", f"the SEQ of the file {href}")
                files.append((n if seq is None else seq, href))
        if not files:
            raise ReadError(
                f'{mets_name} lists no PAGE files (a fileGrp with USE="PAGEXML")', file=mets_name
            )
        for _, href in sorted(files):
            path = inside(base, href, mets_name)
            self.read_page(parse_part(open_file(path), path, self.spent), path)

    def mets_facts(self, root: etree._Element) -> None:
        """The title and languages a METS file's MODS states (a related item's, a
        series', are not this document's), else its Transkribus document metadata."""
        for el in root.iter(f"{{{MODS_NS}}}title"):
            text = _text(el)
            if text and not _in_related_item(el) and self.title is None:
                self.title = (text, "the METS file's MODS (mods:title)")
        for el in root.iter(f"{{{MODS_NS}}}languageTerm"):
            code = language_code(_text(el))
            if code and not _in_related_item(el):
                self.stated.append((code, "the METS file's MODS (mods:languageTerm)"))
        self.transkribus_facts(root)

    def transkribus_facts(self, root: etree._Element) -> None:
        """Transkribus' document metadata (``trpDocMetadata``: title, language), in a
        METS file or a PAGE file's Metadata."""
        for el in root.iter():
            if not isinstance(el.tag, str) or etree.QName(el).localname != "trpDocMetadata":
                continue
            for child in el:
                key = etree.QName(child).localname if isinstance(child.tag, str) else ""
                if key == "title" and self.title is None and _text(child):
                    self.title = (_text(child), "Transkribus' document metadata")
                elif key == "language" and not self.stated:
                    for name in re.split(r"[,;/]", _text(child)):
                        code = language_code(name)
                        if code:
                            self.stated.append((code, "Transkribus' document metadata"))

    def facts(self, form: str) -> SourceMeta:
        """What the export states about itself and what reading it did."""
        meta = SourceMeta(format="PAGE-XML", form=form)
        if self.versions:
            meta.format = f"PAGE-XML ({', '.join(sorted(self.versions))})"
        if self.title is not None:
            meta.title, meta.title_from = self.title
        meta.heading = self.heading
        stated = list(dict.fromkeys(code for code, _ in self.stated))
        meta.languages = [(code, None) for code in stated] + [
            (code, n) for code, n in self.words.most_common() if code not in stated
        ]
        if self.stated:
            meta.language_from = self.stated[0][1]
        elif self.words:
            meta.language_from = "@primaryLanguage"
        meta.pages = len(self.surfaces)
        meta.pages_from = "page files" if self.surfaces else ""
        meta.decisions = [
            "The text of each line is its TextEquiv (the one with the lowest @index), else "
            "its words' joined by spaces; a region whose lines hold no text gives its own "
            "TextEquiv, line by line. Glyph-level text is not read. Each region is a block "
            "pointing (@facs) at its zone, each line end within it an lb pointing at the "
            "zone of the line that follows.",
            "Regions are read "
            + ", ".join(
                _ORDERS[kind] + (f" ({n} pages)" if len(self.orders) > 1 else "")
                for kind, n in self.orders.most_common()
            )
            + "; the lines of a region by their readingOrder index, else in document order.",
        ]
        if self.tagged:
            meta.decisions.append(
                "Transkribus tags other than textStyle (persons, places, abbreviations…) "
                "are not encoded; their text is kept."
            )
        return meta

    # -- one page --------------------------------------------------------------------
    def read_page(self, root: etree._Element, name: str) -> None:
        if not is_page(root):
            raise ReadError(f"{name} is not a PAGE-XML file (root {root.tag!r})", file=name)
        ns = root.tag[1 : root.tag.index("}")]
        page = root.find(f"{{{ns}}}Page")
        if page is None:
            raise ReadError(f"{name} has no Page element", file=name)
        self.part = self.prefix + name
        self.versions.add(ns.rsplit("/", 1)[-1])
        metadata = root.find(f"{{{ns}}}Metadata")
        if metadata is not None:
            self.transkribus_facts(metadata)
        number = len(self.surfaces) + 1
        surface = Surface(
            f"page{number}",
            page.get("imageFilename") or "",
            self.number(page, "imageWidth", "the page's imageWidth") or 0,
            self.number(page, "imageHeight", "the page's imageHeight") or 0,
        )
        self.surfaces.append(surface)
        regions = self.ordered_regions(page, ns)
        lines_of = [self.region_lines(r, ns, number, surface) for r in regions]
        measure = max((ln.box[2] for lines in lines_of for ln in lines if ln.box), default=0)
        widths = [
            (ln.box[2] - ln.box[0]) / len(ln.text)
            for lines in lines_of
            for ln in lines
            if ln.box and len(ln.text) >= 10
        ]
        char = sorted(widths)[len(widths) // 2] if widths else 0.0
        before = len(self.blocks)
        page_language = page.get("primaryLanguage")
        for region, lines in zip(regions, lines_of, strict=True):
            region_language = region.get("primaryLanguage") or page_language
            for ln in lines:
                code = language_code(ln.element.get("primaryLanguage") or region_language)
                if code:
                    self.words[code] += len(_WORD.findall(ln.text))
            if self.heading is None and _region_type(region) == "heading":
                self.heading = " ".join(" ".join(ln.text for ln in lines).split()) or None
            zone = self.zone(surface, region, ns)
            block = SourceBlock([], facs=zone.id if zone else None)
            for i, ln in enumerate(lines):
                nxt = lines[i + 1] if i + 1 < len(lines) else None
                block.lines.append(
                    SourceLine(
                        self.runs(ln, name),
                        Origin(self.prefix + name, ln.text_line, 1),
                        hard_break=nxt is not None and ended_on_purpose(ln, nxt, measure, char),
                        physical=nxt is not None,
                        facs=ln.zone,
                        page=number - 1,
                    )
                )
            if block.lines:
                self.blocks.append(block)
        self.spent.add_blocks(self.blocks[before:], name)

    def ordered_regions(self, page: etree._Element, ns: str) -> list[etree._Element]:
        """The page's text regions in reading order, a table's cells (Transkribus's
        ``TableRegion``) in its place, row by row."""
        regions = list(page.iter(f"{{{ns}}}TextRegion", f"{{{ns}}}TableRegion"))
        refs: list[tuple[int, str | None]] = []
        ro = page.find(f"{{{ns}}}ReadingOrder")
        if ro is not None:
            refs = [
                (self.number(ref, "index", "a RegionRefIndexed's index") or 0, ref.get("regionRef"))
                for ref in ro.iter(f"{{{ns}}}RegionRefIndexed")
            ]
        ids = [r.get("id") for r in regions]
        indexes = [self.index(r) for r in regions]
        known = set(ids)
        if any(rid in known for _, rid in refs):
            self.orders["ReadingOrder"] += 1
        elif any(i is not None for i in indexes):
            self.orders["index"] += 1
        else:
            self.orders["document"] += 1
        ordered = in_reading_order(regions, ids, refs, indexes)
        return [cell for region in ordered for cell in self.cells(region, ns)]

    def cells(self, region: etree._Element, ns: str) -> list[etree._Element]:
        """A text region itself; a table's cells that hold lines, row by row, reported:
        tables are not encoded as TEI tables yet, so each cell is a paragraph."""
        if etree.QName(region).localname != "TableRegion":
            return [region]
        found = [
            c for c in region.iter(f"{{{ns}}}TableCell") if c.find(f"{{{ns}}}TextLine") is not None
        ]
        key = [
            (
                self.number(c, "row", "a table cell's row") or 0,
                self.number(c, "col", "a table cell's column") or 0,
            )
            for c in found
        ]
        cells = [c for _, c in sorted(zip(key, found, strict=True), key=lambda t: t[0])]
        if cells:
            self.diags.append(
                Diagnostic(
                    "C402",
                    f"a table of {len(cells)} cells is not encoded as a table: its cells are "
                    "kept as paragraphs, row by row",
                    self.part,
                    line_of(region),
                    1,
                    "check the cells' order; TEI tables from PAGE are not written yet",
                )
            )
        return cells

    def region_lines(
        self, region: etree._Element, ns: str, page: int, surface: Surface
    ) -> list[_Line]:
        found = [(ln, self.index(ln)) for ln in region.findall(f"{{{ns}}}TextLine")]
        indexed = sorted(((ln, i) for ln, i in found if i is not None), key=lambda t: t[1])
        lines = [ln for ln, _ in indexed] + [ln for ln, i in found if i is None]
        out = []
        for line in lines:
            unicode = self.text_equiv(line, ns)
            text, tagged = (unicode.text or "") if unicode is not None else "", True
            if not text.strip():  # text given for the line's words only
                words = [self.text_equiv(word, ns) for word in line.findall(f"{{{ns}}}Word")]
                given = [u for u in words if u is not None and (u.text or "").strip()]
                if given:
                    unicode, tagged = given[0], False
                    text = " ".join((u.text or "").strip() for u in given)
            if unicode is None:
                continue
            zone, xy = self.located(surface, line, ns)
            out.append(
                _Line(
                    line,
                    text,
                    getattr(unicode, "sourceline", 0) or 0,
                    _bbox(xy) if xy else None,
                    zone.id if zone else "",
                    tagged,
                )
            )
        if any(ln.text.strip() for ln in out):
            return out
        # No line holds text: the region's own TextEquiv, if it has one, line by line
        unicode = self.text_equiv(region, ns)
        if unicode is None or not (unicode.text or "").strip():
            return out
        first = getattr(unicode, "sourceline", 0) or 0
        return [
            _Line(region, part, first + n, None, "", tagged=False)
            for n, part in enumerate((unicode.text or "").split("\n"))
            if part.strip()
        ]

    def zone(self, surface: Surface, element: etree._Element, ns: str) -> Zone | None:
        return self.located(surface, element, ns)[0]

    def located(
        self, surface: Surface, element: etree._Element, ns: str
    ) -> tuple[Zone | None, list[tuple[float, float]] | None]:
        """The element's zone on ``surface`` and its points; (None, None) when its
        Coords are absent, or reported when they are no area TEI takes."""
        coords = element.find(f"{{{ns}}}Coords")
        value = coords.get("points") if coords is not None else None
        if coords is None or not value:
            return None, None
        xy = points(value)
        if xy is None:
            what = f"the Coords of {element.get('id') or 'an element'} hold a point that is not x,y"
            self.bad(f"{what}; it gets no zone", bad_point(value) or value, coords)
            return None, None
        if len(xy) < 3:  # TEI's zone is an area
            what = f"the Coords of {element.get('id') or 'an element'} hold fewer than 3 points"
            self.bad(f"{what}; it gets no zone", value, coords)
            return None, None
        local = _NCNAME_BAD.sub("_", element.get("id") or f"z{len(surface.zones) + 1}")
        zone = Zone(f"{surface.id}-{local}", value)
        surface.zones.append(zone)
        return zone, xy

    def text_equiv(self, element: etree._Element, ns: str) -> etree._Element | None:
        """The line's text: the TextEquiv with the lowest @index (2019), else the first."""
        equivs = element.findall(f"{{{ns}}}TextEquiv")
        if not equivs:
            return None
        if len(equivs) == 1 and equivs[0].get("index") is None:
            return equivs[0].find(f"{{{ns}}}Unicode")
        indexes = [self.number(e, "index", "a TextEquiv's index") for e in equivs]
        best = min(range(len(equivs)), key=lambda i: indexes[i] or 0)
        return equivs[best].find(f"{{{ns}}}Unicode")

    def runs(self, line: _Line, name: str) -> list[Run]:
        text = line.text
        if not line.tagged:
            return styled_runs(text, [])
        spans: list[tuple[int, int, str]] = []  # (start, end, style)
        for tag, props in custom_tags(line.element.get("custom")):
            if tag in _STRUCTURAL and tag != "textStyle":
                continue
            start = self.place(props, "offset", tag, line, 0)
            length = self.place(props, "length", tag, line, len(text) - start)
            if tag == "textStyle":
                for key, style in _STYLE_KEYS.items():
                    if props.get(key) == "true":
                        spans.append((max(start, 0), min(start + length, len(text)), style))
                continue
            self.tagged += 1
            self.diags.append(
                Diagnostic(
                    "C402",
                    f"the tag {tag!r} on {text[start : start + length][:40]!r} is not encoded; "
                    "its text is kept",
                    self.prefix + name,
                    line.text_line,
                    start + 1,
                    "the text is in the TEI; mark it up by hand where the tag matters",
                )
            )
        return styled_runs(text, spans)

    def place(self, props: Mapping[str, str], key: str, tag: str, line: _Line, default: int) -> int:
        """A tag's offset or length in the line; ``default`` when absent or bad."""
        if key not in props:
            return default
        n = signed(props[key])
        if n is None:
            instead = "from the line's start" if key == "offset" else "to the line's end"
            what = f"the {key} of the tag {tag!r} is not a whole number; it is read {instead}"
            self.diags.append(bad_value(what, props[key], self.part, line.text_line))
            return default
        return n


def _text(element: etree._Element) -> str:
    return " ".join("".join(str(t) for t in element.itertext()).split())


def _in_related_item(element: etree._Element) -> bool:
    return any(a.tag == f"{{{MODS_NS}}}relatedItem" for a in element.iterancestors())


def _region_type(region: etree._Element) -> str:
    """A region's type: @type, else Transkribus' ``structure {type:…}``."""
    kind = region.get("type")
    if not kind:
        kind = next(
            (p.get("type") for n, p in custom_tags(region.get("custom")) if n == "structure"), ""
        )
    return (kind or "").strip().casefold()


def in_reading_order(
    regions: list[T],
    ids: list[str | None],
    refs: list[tuple[int, str | None]],
    indexes: list[int | None],
) -> list[T]:
    """``regions`` in reading order: first those the ReadingOrder refers to (``refs``,
    (index, id) pairs), by index, each once; then the rest with a readingOrder index
    (``indexes``), by it; then the rest in document order. Regions are found by
    position, never searched for, so this is n log n however many there are."""
    position = {rid: i for i, rid in enumerate(ids)}  # an id given twice: the last
    placed = [False] * len(regions)
    order: list[int] = []
    for _, rid in sorted(refs, key=lambda t: t[0]):
        i = position.get(rid)
        if i is not None and not placed[i]:
            placed[i] = True
            order.append(i)
    rest = [i for i in range(len(regions)) if not placed[i]]
    indexed = sorted((i for i in rest if indexes[i] is not None), key=lambda i: indexes[i] or 0)
    unindexed = [i for i in rest if indexes[i] is None]
    return [regions[i] for i in order + indexed + unindexed]


def styled_runs(text: str, spans: list[tuple[int, int, str]]) -> list[Run]:
    """``text`` cut where a style starts or ends, each piece with the styles over it;
    one sweep over the cuts (each span opened and closed once), pieces of one
    formatting joined."""
    if not spans:
        return [Run(text)] if text else []
    opening: dict[int, list[str]] = defaultdict(list)
    closing: dict[int, list[str]] = defaultdict(list)
    for start, end, style in spans:
        if start < end:
            opening[start].append(style)
            closing[end].append(style)
    cuts = sorted({0, len(text), *opening, *closing})
    active: Counter[str] = Counter()
    pieces: list[tuple[frozenset[str], str]] = []
    for start, end in itertools.pairwise(cuts):
        active.subtract(closing.get(start, ()))
        active.update(opening.get(start, ()))
        pieces.append((frozenset(k for k, n in active.items() if n > 0), text[start:end]))
    return [
        Run("".join(piece for _, piece in group), styles)
        for styles, group in itertools.groupby(pieces, key=lambda p: p[0])
    ]


def ended_on_purpose(line: _Line, nxt: _Line, measure: int, char: float) -> bool:
    """A line was ended on purpose when the next line's first word would have fitted
    on it within the page's measure (half a character's tolerance)."""
    if line.box is None or not char or not measure:
        return False
    first_word = nxt.text.split()[0] if nxt.text.split() else ""
    needed = line.box[2] + char * (1 + len(first_word))
    return needed <= measure + char / 2


def inside(base: PurePosixPath, href: str, referrer: str) -> str:
    """``href`` resolved against the export's folder; a path that leaves the export
    (absolute, ``..``, a URL) is refused by name."""
    if "://" in href or href.startswith("/") or "\\" in href:
        raise ReadError(f"{referrer} points outside the export: {href!r}", file=referrer)
    parts: list[str] = []
    for part in (base / href).parts:
        if part == "..":
            if not parts:
                raise ReadError(f"{referrer} points outside the export: {href!r}", file=referrer)
            parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)


def zip_opener(archive: Archive) -> Opener:
    return archive.read
