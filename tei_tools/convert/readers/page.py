"""PAGE-XML reader: a Transkribus, eScriptorium or OCR-D export (its ``mets.xml``,
its folder, a zip of it) or one PAGE file; PAGE 2010-03-19, 2013-07-15, 2019-07-15.

Regions are read in the page's reading order (``ReadingOrder``, else each
region's ``readingOrder {index}``, else document order) and become blocks; their
lines, in the same way, become lines. Every line end is a line end of the page,
so every line gets an ``lb`` pointing at its zone. Whether a line was ended on
purpose (a participants entry, a dateline) or wrapped is read from the geometry
as a typist's measure gives it: a line is wrapped when the next line's first word
would not have fitted after it. A region's type makes its block (a heading, a
note, furniture, a figure), a table's cells a table; ``@custom``'s styles and tags
are read by ``transkribus``, the METS file's groups and pages by ``mets``. Each
page becomes a ``surface`` with a ``zone`` per region and line.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import PurePosixPath
from typing import TypeVar

from lxml import etree

from tei_tools import page_numbers
from tei_tools.convert.languages import language_code
from tei_tools.convert.model import SourceMeta, Surface, Zone
from tei_tools.convert.readers.archive import Archive
from tei_tools.convert.readers.entities import TagFeatures, TaggedPeople
from tei_tools.convert.readers.mets import PAGE_MIMETYPE, Group, page_groups, preference
from tei_tools.convert.readers.runs import (
    CELL,
    DROP,
    FIGURE,
    FURNITURE,
    HEADING,
    NOTE,
    PARAGRAPH,
    CellPlace,
    Origin,
    Run,
    SourceBlock,
    SourceLine,
)
from tei_tools.convert.readers.transkribus import (
    Carried,
    Found,
    custom_tags,
    line_runs,
    marks_up,
    untagged,
    words_in_line,
)
from tei_tools.convert.readers.values import (
    as_ncname,
    bad_point,
    bad_value,
    line_of,
    outline,
    whole,
)
from tei_tools.convert.readers.xmlparts import ReadError, Spent, parse_part
from tei_tools.diagnostics import Diagnostic, Severity

PAGE_NS_PREFIX = "http://schema.primaresearch.org/PAGE/gts/pagecontent/"
# some producers (cBAD, kraken) write the namespace with https
PAGE_NS_PREFIXES = (PAGE_NS_PREFIX, "https" + PAGE_NS_PREFIX[4:])
METS_NS = "http://www.loc.gov/METS/"
MODS_NS = "http://www.loc.gov/mods/v3"
XLINK = "http://www.w3.org/1999/xlink"
_WORD = re.compile(r"\w+")
_ORDERS = {
    "ReadingOrder": "in the page's ReadingOrder (group by group; an unordered group as listed)",
    "index": "by their Transkribus readingOrder index",
    "document": "in document order",
}

DROP_CAPITAL = "drop-capital"
# Region types (``@type``, Transkribus's ``structure {type:…}``) and the block each
# becomes: (kind, detail). A type not named here is a paragraph.
REGION_KINDS = {
    "heading": (HEADING, "1"),
    "marginalia": (NOTE, "margin"),
    "footnote": (NOTE, "foot"),
    "footnote-continued": (NOTE, "foot"),
    "endnote": (NOTE, "end"),
    "page-number": (FURNITURE, "pageNum"),
    "header": (FURNITURE, "header"),
    "footer": (FURNITURE, "footer"),
    "catch-word": (FURNITURE, "catch"),
    "signature-mark": (FURNITURE, "sig"),
    "caption": (FIGURE, ""),
}
# Regions that hold a picture, not text: each is a figure with its zone.
# SegmOnto's zones (eScriptorium, HTR-United) and eScriptorium's own types that are
# PAGE's region types by other names; a subtype (``MainZone:column#1``) as its type.
SEGMONTO = {
    "margintextzone": "marginalia",
    "numberingzone": "page-number",
    "runningtitlezone": "header",
    "quiremarkszone": "signature-mark",
    "dropcapitalzone": DROP_CAPITAL,
    "title": "heading",
}
# Types that name a plain text region: nothing to keep besides the paragraph.
_PLAIN_TYPES = {"", "paragraph", "mainzone", "main", "maintextzone", "text", "default"}
# PAGE's own text types TEI has no element for: kept on the zone, as PAGE defines them
_PAGE_TYPES_KEPT = {"credit", "floating", "toc-entry", "list-label", "other"}
PICTURE_REGIONS = ("ImageRegion", "GraphicRegion", "ChartRegion", "MathsRegion", "ChemRegion")

T = TypeVar("T")
Opener = Callable[[str], bytes]  # a path inside the export → its bytes


def is_page(root: etree._Element) -> bool:
    return isinstance(root.tag, str) and root.tag[1:].startswith(PAGE_NS_PREFIXES)


def is_mets(root: etree._Element) -> bool:
    return root.tag == f"{{{METS_NS}}}mets"


@dataclass
class _Line:
    element: etree._Element
    text: str
    text_line: int  # source line of the Unicode element
    box: tuple[int, int, int, int] | None
    zone: str
    # the tags over this text: the line's @custom (when the text is the line's own, not
    # its words'), and its words' tags moved into it
    custom: str | None = None


class PageReader:
    def __init__(
        self,
        diagnostics: list[Diagnostic],
        prefix: str = "",
        spent: Spent | None = None,
        file_grp: str | None = None,
    ):
        self.diags = diagnostics
        self.spent = spent if spent is not None else Spent()
        self.prefix = prefix  # before a page file's path in what diagnostics name
        self.blocks: list[SourceBlock] = []
        self.surfaces: list[Surface] = []
        self.part = ""  # the file being read, as diagnostics name it
        # What the export states about itself, for the header (see ``facts``)
        self.words: Counter[str] = Counter()  # words of text by their @primaryLanguage
        self.orders: Counter[str] = Counter()  # pages by how their regions were ordered
        self.unmapped_types: set[str] = set()  # region types said to have no element
        # each page, the number it prints ("" if none it reads as one), its file: see
        # ``number_pages``
        self.printed: list[tuple[Surface, str, str]] = []
        self.placeholders: list[tuple[str, int]] = []  # eScriptorium's: where each is
        self.versions: set[str] = set()  # PAGE schema versions read
        self.heading: str | None = None  # the first heading region's text
        self.title: tuple[str, str] | None = None  # (title, where stated)
        self.stated: list[tuple[str, str]] = []  # METS/Transkribus languages: (code, where)
        self.featured: Counter[str] = Counter()  # tags' properties kept as features
        self.features = TagFeatures()  # the feature structures of the tags' properties
        self.people = TaggedPeople()  # the persons the tags describe
        self.tables = 0  # tables read, to number them
        self.zone_ids: set[str] = set()
        self.file_grp = file_grp  # the METS fileGrp to read, as the user chose it

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
        """The pages of the group of PAGE files chosen (see ``readers.mets``); the
        choice among several is reported."""
        base = PurePosixPath(mets_name).parent
        self.part = self.prefix + mets_name
        self.mets_facts(root)
        groups = page_groups(root, self.bad)
        if not groups:
            raise ReadError(
                f"{mets_name} lists no PAGE files (a fileGrp of {PAGE_MIMETYPE} files, or "
                'with USE="PAGEXML")',
                file=mets_name,
            )
        tried = preference(groups, self.file_grp)
        if not tried:
            names = ", ".join(g.name for g in groups)
            raise ReadError(f"{mets_name} has no fileGrp {self.file_grp!r} of PAGE files ({names})")
        missing: list[str] = []
        for group in tried:
            try:
                pages = [(f, open_file(inside(base, f.href, mets_name))) for f in group.files]
            except ReadError as exc:
                missing.append(f"{group.name} ({exc})")
                continue
            if len(groups) > 1:
                self.note_group(group, groups, missing)
            for file, data in pages:
                path = inside(base, file.href, mets_name)
                self.read_page(parse_part(data, path, self.spent), path, file.label)
            return
        raise ReadError(f"no group of PAGE files in {mets_name} is complete: {'; '.join(missing)}")

    def note_group(self, group: Group, groups: list[Group], missing: list[str]) -> None:
        why = (
            "named with --file-grp"
            if self.file_grp
            else "ground truth"
            if group.name and preference(groups, None)[0] is group and "GT" in group.name.upper()
            else "the last group of PAGE files"
        )
        skipped = f"; groups with files missing: {', '.join(missing)}" if missing else ""
        self.diags.append(
            Diagnostic(
                "C404",
                f"read the fileGrp {group.name!r} ({why}) of {len(groups)} groups of PAGE "
                f"files ({', '.join(g.name for g in groups)}){skipped}",
                self.part,
                1,
                1,
                severity=Severity.INFO,
                hint="choose another with --file-grp NAME",
            )
        )

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

    def finish(self) -> None:
        """What is told once the whole export is read: the pages' numbers, and how many
        placeholder regions there were."""
        self.number_pages()
        if self.placeholders:
            part, line = self.placeholders[0]
            many = len(self.placeholders)
            where = f" ({many} in the export, the first here)" if many > 1 else ""
            message = f"eScriptorium's placeholder region{where}: its lines are read, no zone"
            self.diags.append(Diagnostic("C405", message, part, line, 1, severity=Severity.INFO))

    def number_pages(self) -> None:
        """Each page's pb/@n: the METS label, else the number its page-number region
        prints, else its place in the export — where the arabic numbers so given
        ascend, as R006 asks. Where they do not (pages from several places of a book),
        every page the METS does not label is numbered by its place, and that is said."""
        chosen = [
            surface.n or printed or str(place)
            for place, (surface, printed, _) in enumerate(self.printed, start=1)
        ]
        arabic = [(int(n), i) for i, n in enumerate(chosen) if _ARABIC.fullmatch(n)]
        falling = next((i for (a, _), (b, i) in itertools.pairwise(arabic) if b <= a), None)
        if falling is None:
            for (surface, _, _), number in zip(self.printed, chosen, strict=True):
                surface.n = number
            return
        labelled, printed, part = self.printed[falling]
        if labelled.n:  # the METS's own labels fall: they are the source's, kept
            what = f"the METS labels this page {labelled.n}, which does not follow the page "
            what += "before it; pb/@n keeps the labels, and the pages it does not label are"
        else:
            what = f"this page prints {printed or chosen[falling]}, which does not follow "
            what += "the page before it, so each page the METS does not label is"
        for place, (surface, _, _) in enumerate(self.printed, start=1):
            surface.n = surface.n or str(place)
        self.diags.append(
            Diagnostic(
                "C402",
                f"{what} numbered (pb/@n) by its place in the export; the printed numbers "
                "stay in the text (fw)",
                part,
                0,
                0,
                severity=Severity.INFO,
            )
        )

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
            "Each page begins with a pb numbered (@n) by the METS file's ORDERLABEL, else by "
            "the number its page-number region prints, else by its place in the export; "
            "where those numbers would not ascend, by its place.",
        ]
        meta.decisions.append(
            "Transkribus tags become TEI elements (person persName, place placeName, "
            "organization orgName, date date, unclear, supplied, gap, abbrev choice/abbr+expan, "
            "sic choice/sic+corr (abbr or sic alone where the tag gives no expansion or "
            "correction), comment a note after its text, any other an rs of its name); "
            "a person tag's names, dates and Wikidata item the person's record in the "
            "standOff's listPerson, which the persName points at; "
            "region types become head, note, fw or figure (SegmOnto's zones read as the "
            "PAGE types they name), a type TEI has no element for stays on its region's zone "
            "(@type); a table's cells a table (text regions in a table without cells: "
            "placed in rows and columns by where they stand)."
        )
        if self.featured:
            listed = ", ".join(f"{k} ({n})" for k, n in sorted(self.featured.items()))
            meta.decisions.append(
                "Tag properties no TEI attribute holds are kept as feature structures in the "
                f"standOff, which the tagged element points at (@ana): {listed}."
            )
        return meta

    # -- one page --------------------------------------------------------------------
    def read_page(self, root: etree._Element, name: str, label: str = "") -> None:
        if not is_page(root):
            alto = "standards/alto/" in root.tag
            hint = "; it is ALTO: export the document as PAGE" if alto else ""
            raise ReadError(f"{name} is not a PAGE-XML file (root {root.tag!r}){hint}", file=name)
        ns = root.tag[1 : root.tag.index("}")]
        page = root.find(f"{{{ns}}}Page")
        if page is None and ns.endswith("/2009-03-16"):
            raise ReadError(
                f"{name} is PAGE 2009-03-16, a draft whose elements (pcGts, page, text, "
                "coords) the later versions renamed; it is not read: convert it to PAGE "
                "2013 or later (PRImA's PAGE converter does)",
                file=name,
            )
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
            n=label,
        )
        self.surfaces.append(surface)
        regions = self.ordered_regions(page, ns)
        loose = page.findall(f"{{{ns}}}TextLine")  # lines outside any region
        if loose:
            regions.append(_Region(page, "paragraph"))
            self.info(f"{len(loose)} lines stand outside any region; read after the regions", page)
        lines_of = [self.region_lines(r.element, ns, surface) for r in regions]
        printed = [
            ln.text
            for r, lines in zip(regions, lines_of, strict=True)
            if r.type == "page-number"
            for ln in lines
        ]
        self.printed.append((surface, printed_number(printed), self.part))
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
        capital: list[SourceLine] = []  # a drop capital's lines, for the next block's start
        table_zones: dict[etree._Element, str | None] = {}
        for region, lines in zip(regions, lines_of, strict=True):
            element = region.element
            region_language = element.get("primaryLanguage") or page_language
            for ln in lines:
                code = language_code(ln.element.get("primaryLanguage") or region_language)
                if code:
                    self.words[code] += len(_WORD.findall(ln.text))
            kind, detail = REGION_KINDS.get(region.type, (PARAGRAPH, ""))
            if self.heading is None and kind == HEADING:
                self.heading = " ".join(" ".join(ln.text for ln in lines).split()) or None
            zone = self.zone(surface, element, ns) if element is not page else None
            read = region.type in REGION_KINDS or region.type == DROP_CAPITAL or region.picture
            unmapped = not read and region.type not in _PLAIN_TYPES
            stated = stated_type(element)  # a cell's "paragraph" is the reader's, not stated
            if stated and (unmapped or region.picture or stated.casefold() != region.type):
                said = unmapped and region.type not in _PAGE_TYPES_KEPT
                zone = self.kept_type(element, zone, surface, said=said)
            if region.picture:
                kind = FIGURE
            block = SourceBlock([], zone.id if zone else None, kind=kind, detail=detail)
            block.cell, block.page = region.cell, number - 1
            if region.cell is not None and region.table is not None:
                kind = CELL
                if region.table not in table_zones:
                    table_zone = self.zone(surface, region.table, ns)
                    table_zones[region.table] = table_zone.id if table_zone else None
                block.kind = CELL
                block.cell = replace(region.cell, table_facs=table_zones[region.table])
            carried = Carried()
            for i, ln in enumerate(lines):
                nxt = lines[i + 1] if i + 1 < len(lines) else None
                block.lines.append(
                    SourceLine(
                        self.runs(ln, name, carried),
                        Origin(self.prefix + name, ln.text_line, 1),
                        hard_break=nxt is not None and ended_on_purpose(ln, nxt, measure, char),
                        physical=nxt is not None,
                        facs=ln.zone,
                        page=number - 1,
                    )
                )
            if region.type == DROP_CAPITAL and block.lines:
                for dropped in block.lines:  # its lines go first in the next block, joined
                    dropped.runs = [replace(r, styles=r.styles | {DROP}) for r in dropped.runs]
                capital = block.lines
                continue
            if capital and block.lines:
                block.lines[:0] = capital
                capital = []
            if block.lines or kind in (FIGURE, CELL):
                self.blocks.append(block)
        if capital:  # a drop capital with nothing after it on the page
            self.blocks.append(SourceBlock(capital))
        self.spent.add_blocks(self.blocks[before:], name)

    def kept_type(
        self, region: etree._Element, zone: Zone | None, surface: Surface, said: bool
    ) -> Zone | None:
        """A region type as the source names it, kept on the region's zone (the
        surface's last): one TEI has no element for (``said``, once), or another name
        (SegmOnto's) for one it has."""
        stated = stated_type(region)
        if zone is not None and surface.zones and surface.zones[-1] is zone:
            zone = surface.zones[-1] = replace(zone, type=as_ncname(stated))
        if said and stated not in self.unmapped_types:
            self.unmapped_types.add(stated)
            where = "kept on the zone of each (@type)" if zone is not None else "not kept"
            self.diags.append(
                Diagnostic(
                    "C402",
                    f"the region type {stated!r} has no TEI element of its own: its regions "
                    f"are paragraphs, the type {where}",
                    self.part,
                    line_of(region),
                    1,
                    severity=Severity.INFO,
                )
            )
        return zone

    def info(self, message: str, element: etree._Element) -> None:
        self.diags.append(
            Diagnostic("C405", message, self.part, line_of(element), 1, severity=Severity.INFO)
        )

    def ordered_regions(self, page: etree._Element, ns: str) -> list[_Region]:
        """The page's regions in reading order — text regions, tables (Transkribus's
        ``TableRegion``, each cell in its place, row by row) and pictures."""
        kinds = [f"{{{ns}}}{k}" for k in ("TextRegion", "TableRegion", *PICTURE_REGIONS)]
        regions = [r for r in page.iter(*kinds) if r.getparent() is not None]
        regions = [r for r in regions if not _nested_in_table(r, ns)]
        ro = page.find(f"{{{ns}}}ReadingOrder")
        refs = list(enumerate(self.group_order(ro, ns))) if ro is not None else []
        if refs:  # a table stands where the reading order first names one of its cells
            table_of = {
                part.get("id"): table.get("id")
                for table in page.iter(f"{{{ns}}}TableRegion")
                for part in table.iter(f"{{{ns}}}TextRegion", f"{{{ns}}}TableCell")
                if part.tag == f"{{{ns}}}TableCell" or _nested_in_table(part, ns)
            }
            refs = [(i, table_of.get(rid, rid)) for i, rid in refs]
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
        return [part for region in ordered for part in self.parts(region, ns)]

    def group_order(self, group: etree._Element, ns: str) -> Iterator[str | None]:
        """The region ids a ReadingOrder (or a group in it) lists, group by group: an
        ordered group's members by their index (which counts within that group), an
        unordered group's as the file lists them; a group tied to a region first."""
        members = [c for c in group if isinstance(c.tag, str)]
        if etree.QName(group).localname.startswith("OrderedGroup"):
            numbered = [(self.number(c, "index", "a reading order index"), c) for c in members]
            # a member stating no index after those that do, as listed
            members = [c for _, c in sorted(numbered, key=lambda t: (t[0] is None, t[0] or 0))]
        for member in members:
            local = etree.QName(member).localname
            if local.startswith("RegionRef"):
                yield member.get("regionRef")
            elif "Group" in local:
                if member.get("regionRef"):
                    yield member.get("regionRef")
                yield from self.group_order(member, ns)

    def parts(self, region: etree._Element, ns: str) -> list[_Region]:
        """A region as read: itself, or a table's cells row by row, each with its place."""
        local = etree.QName(region).localname
        if local in PICTURE_REGIONS:
            return [_Region(region, _region_type(region), picture=True)]
        if local != "TableRegion":
            if (region.get("id") or "").startswith("eSc_dummyblock"):
                self.placeholders.append((self.part, line_of(region)))  # said by finish()
            return [_Region(region, _region_type(region))]
        self.tables += 1
        found = list(region.iter(f"{{{ns}}}TableCell"))
        if not found:
            return self.placed_cells(region, ns)
        cells = []
        for cell in found:
            place = self.cell_place(cell, "row", "col")
            cells.append(_Region(cell, "paragraph", cell=place, table=region))
        return sorted(cells, key=lambda r: (r.cell.row, r.cell.col) if r.cell else (0, 0))

    def placed_cells(self, table: etree._Element, ns: str) -> list[_Region]:
        """A table whose cells are text regions with no row or column (OCR-D,
        Aletheia): rows are the regions that stand beside each other (the middle of one
        within the height of the row's first), read left to right; said, as a reading
        of the layout. Without coordinates, one region a row, as listed."""
        regions = [r for r in table.iter(f"{{{ns}}}TextRegion") if _in_this_table(r, table, ns)]
        if not regions:
            return []
        roles = [r.find(f"{{{ns}}}Roles/{{{ns}}}TableCellRole") for r in regions]
        if all(role is not None for role in roles):  # PAGE 2019 states each cell's place
            places = [
                self.cell_place(role, "rowIndex", "columnIndex")
                for role in roles
                if role is not None
            ]
            cells = [
                _Region(region, "paragraph", cell=place, table=table)
                for region, place in zip(regions, places, strict=True)
            ]
            return sorted(cells, key=lambda r: (r.cell.row, r.cell.col) if r.cell else (0, 0))
        boxes = [_box(r, ns) for r in regions]
        rows: list[list[int]] = []
        if all(b is not None for b in boxes):
            placed = [(b, i) for i, b in enumerate(boxes) if b is not None]
            for box, i in sorted(placed, key=lambda t: (t[0][1], t[0][0])):
                middle = (box[1] + box[3]) / 2
                first = boxes[rows[-1][0]] if rows else None
                if first is not None and first[1] <= middle <= first[3]:
                    rows[-1].append(i)
                else:
                    rows.append([i])
            rows = [sorted(row, key=lambda i: boxes[i][0]) for row in rows]  # type: ignore[index]
            how = "rows and columns are read from the regions' positions"
        else:
            rows = [[i] for i in range(len(regions))]
            how = "some have no coordinates, so each is a row, as the file lists them"
        self.diags.append(
            Diagnostic(
                "C402",
                f"the table {table.get('id') or ''} states no cells (its text regions have no "
                f"row or column): {how}",
                self.part,
                line_of(table),
                1,
                severity=Severity.INFO,
            )
        )
        return [
            _Region(regions[i], "paragraph", cell=CellPlace(self.tables, r, c), table=table)
            for r, row in enumerate(rows)
            for c, i in enumerate(row)
        ]

    def cell_place(self, element: etree._Element, row: str, col: str) -> CellPlace:
        """A cell's place as its element states it (Transkribus's TableCell: ``row``,
        ``col``; PAGE 2019's TableCellRole: ``rowIndex``, ``columnIndex``)."""
        number = self.number
        return CellPlace(
            self.tables,
            number(element, row, f"a table cell's {row}") or 0,
            number(element, col, f"a table cell's {col}") or 0,
            number(element, "rowSpan", "a table cell's rowSpan") or 1,
            number(element, "colSpan", "a table cell's colSpan") or 1,
        )

    def region_lines(self, region: etree._Element, ns: str, surface: Surface) -> list[_Line]:
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
            zone, box = self.located(surface, line, ns)
            custom = line.get("custom") if tagged else None
            if any(marks_up(w.get("custom")) for w in line.iterchildren(f"{{{ns}}}Word")):
                custom = self.word_tags(line, ns, text, custom)
            out.append(
                _Line(
                    line,
                    text,
                    getattr(unicode, "sourceline", 0) or 0,
                    box,
                    zone.id if zone else "",
                    custom,
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
            _Line(region, part, first + n, None, "")
            for n, part in enumerate((unicode.text or "").split("\n"))
            if part.strip()
        ]

    def zone(self, surface: Surface, element: etree._Element, ns: str) -> Zone | None:
        return self.located(surface, element, ns)[0]

    def located(
        self, surface: Surface, element: etree._Element, ns: str
    ) -> tuple[Zone | None, tuple[int, int, int, int] | None]:
        """The element's zone on ``surface`` and the box around it; (None, None) when
        its Coords are absent, or reported when they are no area TEI takes. PAGE
        2010's ``Point`` children are read as 2013's ``@points``."""
        coords, value = _coords(element, ns)
        if coords is None or not value:
            return None, None
        ident = element.get("id") or ""
        if ident.startswith("eSc_dummyblock"):
            return None, None  # a placeholder's 0,0 0,0 is no place on the page
        shape = outline(value)
        if shape is None:
            what = f"the Coords of {ident or 'an element'} hold a point that is not x,y"
            self.bad(f"{what}; it gets no zone", bad_point(value) or value, coords)
            return None, None
        count, box = shape
        if count < 3:  # TEI's zone is an area
            what = f"the Coords of {ident or 'an element'} hold fewer than 3 points"
            self.bad(f"{what}; it gets no zone", value, coords)
            return None, None
        local = as_ncname(f"{surface.id}-{ident or f'z{len(surface.zones) + 1}'}")
        zone_id, n = local, len(surface.zones)
        while zone_id in self.zone_ids:  # an id given twice in the page: each zone its own
            n += 1
            zone_id = f"{local}-{n}"
        self.zone_ids.add(zone_id)
        zone = Zone(zone_id, " ".join(value.split()))
        surface.zones.append(zone)
        return zone, box

    def word_tags(self, line: etree._Element, ns: str, text: str, custom: str | None) -> str | None:
        """``custom`` with the tags of the line's words moved into its ``text``; a
        tagged word the text does not hold is said (its tags are not placed)."""
        words = []
        for word in line.iterchildren(f"{{{ns}}}Word"):
            unicode = self.text_equiv(word, ns)
            words.append(
                (((unicode.text or "") if unicode is not None else "").strip(), word.get("custom"))
            )
        moved, missed = words_in_line(words, text)
        if missed:
            shown = ", ".join(repr(w) for w in missed[:5]) + (" …" if len(missed) > 5 else "")
            self.diags.append(
                Diagnostic(
                    "C402",
                    f"the tagged words {shown} do not stand in their line's text, so their "
                    "tags are not placed",
                    self.part,
                    line_of(line),
                    1,
                    severity=Severity.INFO,
                )
            )
        return " ".join(c for c in (custom, moved) if c) or None

    def text_equiv(self, element: etree._Element, ns: str) -> etree._Element | None:
        """The line's text: the TextEquiv with the lowest @index (2019), else the first."""
        equivs = list(element.iterchildren(f"{{{ns}}}TextEquiv"))
        if not equivs:
            return None
        if len(equivs) == 1 and equivs[0].get("index") is None:
            return next(equivs[0].iterchildren(f"{{{ns}}}Unicode"), None)
        indexes = [self.number(e, "index", "a TextEquiv's index") for e in equivs]
        best = min(range(len(equivs)), key=lambda i: indexes[i] or 0)
        return equivs[best].find(f"{{{ns}}}Unicode")

    def runs(self, line: _Line, name: str, carried: Carried) -> list[Run]:
        """The line's runs with its styles and tags (``transkribus.line_runs``); the
        tags of a line whose text is its words' are not placed (their offsets count
        in another text), and said so."""
        custom = line.custom
        if untagged(custom_tags(custom)):  # most lines: the text one run, nothing to report
            carried.open = {}
            return [Run(line.text)] if line.text else []
        found = Found(people=self.people, features=self.features, featured=self.featured)
        runs = line_runs(line.text, custom, carried, found)
        where = self.prefix + name
        for what, col, value in found.problems:
            self.diags.append(bad_value(what, value, where, line.text_line, col))
        for what, col in found.crossings:
            self.diags.append(Diagnostic("C402", what, where, line.text_line, col))
        return runs


@dataclass
class _Region:
    """A region as read: the element, its type, and its place in a table."""

    element: etree._Element
    type: str
    picture: bool = False
    cell: CellPlace | None = None
    table: etree._Element | None = None  # a cell's table


def _in_this_table(region: etree._Element, table: etree._Element, ns: str) -> bool:
    """A text region of ``table`` itself, not of a table nested in it."""
    owner = next(region.iterancestors(f"{{{ns}}}TableRegion"), None)
    return owner is table


def _coords(element: etree._Element, ns: str) -> tuple[etree._Element | None, str]:
    """An element's Coords and its points: 2013's ``@points``, or PAGE 2010's ``Point``
    children read as those."""
    coords = next(element.iterchildren(f"{{{ns}}}Coords"), None)
    if coords is None:
        return None, ""
    value = coords.get("points")
    if value is None:
        value = " ".join(f"{p.get('x')},{p.get('y')}" for p in coords.iter(f"{{{ns}}}Point"))
    return coords, value


def _box(region: etree._Element, ns: str) -> tuple[int, int, int, int] | None:
    """The box around a region's Coords."""
    _, value = _coords(region, ns)
    shape = outline(value) if value else None
    return shape[1] if shape else None


def _nested_in_table(region: etree._Element, ns: str) -> bool:
    """Whether a table reads ``region`` as its text: a region inside a cell, or a text
    region of a table that states no cells (``placed_cells``). Anything else in a
    table (a caption beside its cells, a picture, a table within) is read on its own."""
    if any(a.tag == f"{{{ns}}}TableCell" for a in region.iterancestors()):
        return True
    table = next(region.iterancestors(f"{{{ns}}}TableRegion"), None)
    return (
        table is not None
        and region.tag == f"{{{ns}}}TextRegion"
        and next(table.iter(f"{{{ns}}}TableCell"), None) is None
    )


def _text(element: etree._Element) -> str:
    return " ".join("".join(str(t) for t in element.itertext()).split())


def _in_related_item(element: etree._Element) -> bool:
    return any(a.tag == f"{{{MODS_NS}}}relatedItem" for a in element.iterancestors())


def stated_type(region: etree._Element) -> str:
    """A region's type as the source names it: @type, else Transkribus' (and
    eScriptorium's) ``structure {type:…}``."""
    kind = region.get("type")
    if not kind:
        kind = next(
            (p.get("type") for n, p in custom_tags(region.get("custom")) if n == "structure"), ""
        )
    return (kind or "").strip()


def _region_type(region: etree._Element) -> str:
    """A region's type as PAGE names it (SegmOnto's names read as PAGE's), lower case."""
    kind = stated_type(region).casefold()
    base = re.split(r"[:#]", kind, maxsplit=1)[0]
    return SEGMONTO.get(base) or (base if base in _PLAIN_TYPES else kind)


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


_ARABIC = re.compile(r"[0-9]{1,9}")  # a number int() reads, however long a label


def printed_number(texts: Iterable[str]) -> str:
    """The page number a page's page-number regions print (``page_numbers``), where
    they print one; "" else."""
    found = {number for t in texts if (number := page_numbers.printed_number(t))}
    return found.pop() if len(found) == 1 else ""


def ended_on_purpose(line: _Line, nxt: _Line, measure: int, char: float) -> bool:
    """A line was ended on purpose when the next line's first word would have fitted
    on it within the page's measure (half a character's tolerance)."""
    if line.box is None or not char or not measure:
        return False
    first_word = nxt.text.split()[0] if nxt.text.split() else ""
    needed = line.box[2] + char * (1 + len(first_word))
    return needed <= measure + char / 2


_DRIVE = re.compile(r"[A-Za-z]:")  # a Windows path from a drive's root


def inside(base: PurePosixPath, href: str, referrer: str) -> str:
    """``href`` resolved against the export's folder; a path that leaves the export
    (absolute, ``..``, a URL) is refused by name."""
    if "://" in href or href.startswith(("/", "\\")) or _DRIVE.match(href):
        raise ReadError(f"{referrer} points outside the export: {href!r}", file=referrer)
    parts: list[str] = []
    # Transkribus's Windows clients separate folders with a backslash
    for part in (base / href.replace("\\", "/")).parts:
        if part == "..":
            if not parts:
                raise ReadError(f"{referrer} points outside the export: {href!r}", file=referrer)
            parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts)


def zip_opener(archive: Archive) -> Opener:
    return archive.read
