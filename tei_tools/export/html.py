"""TEI text → HTML elements: the visitor behind the HTML edition (page.py frames it).

Both views are rendered at once; CSS classes (``dipl-only``, ``read-only``, ``del``…)
let the page show one or the other. Text from the TEI is only ever set as element text
or attribute values, so markup in the text can never become markup in the page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from lxml import etree

from tei_tools.export.visitor import (
    EDITED_FORMS,
    SOURCE_FORMS,
    TeiVisitor,
    gap_description,
    is_block_note,
    lemma_of,
    local,
    note_label,
    printed_number_follows,
    shown_alternatives,
    starts_its_element,
    text_of,
)
from tei_tools.namespaces import XML_ID, T
from tei_tools.trees import append_text

SAFE_URL = re.compile(r"^(https?:|mailto:|#)", re.I)
# A relative path down from the page (an image written beside it): no scheme, no
# leading slash, no step up
LOCAL_URL = re.compile(r"^(?![a-z][a-z0-9+.-]*:)(?!/)(?!.*(^|/)\.\.(/|$))[^\\?#]+$", re.I)
GAP_LABELS = {"redacted": "redacted", "illegible": "illegible"}


def _sibling(el: etree._Element, step: int) -> etree._Element | None:
    """The next (1) or previous (-1) element, comments skipped."""
    found = el.getnext() if step > 0 else el.getprevious()
    while found is not None and not isinstance(found.tag, str):
        found = found.getnext() if step > 0 else found.getprevious()
    return found


def _is_label(el: etree._Element) -> bool:
    return local(el) == "ab" and el.get("type") == "label"


def _labelled(el: etree._Element | None) -> bool:
    """A block a label before it can name."""
    return el is not None and local(el) == "ab" and not _is_label(el)


@dataclass
class HtmlExporter(TeiVisitor):
    view: str = "reading"
    people: dict[str, str] = field(default_factory=dict)
    # a tag's properties no TEI attribute holds (standOff fs), by id, as a reader sees them
    features: dict[str, str] = field(default_factory=dict)
    _parent: etree._Element | None = None
    _headings: int = 2

    # --- building -----------------------------------------------------------------------

    def text(self, text: str) -> None:
        assert self._parent is not None
        append_text(self._parent, text)

    def add(self, tag: str, text: str | None = None, **attrs: str) -> etree._Element:
        assert self._parent is not None
        if attrs:
            attrs = {k.rstrip("_"): v for k, v in attrs.items()}
        el = etree.SubElement(self._parent, tag, attrs)
        if text is not None:
            el.text = text
        return el

    @contextmanager
    def into(self, tag: str, **attrs: str) -> Iterator[etree._Element]:
        el = self.add(tag, **attrs)
        outer, self._parent = self._parent, el
        try:
            yield el
        finally:
            self._parent = outer

    def wrap(self, el: etree._Element, tag: str, **attrs: str) -> None:
        # ``into`` without the context manager: this is the exporter's hottest path.
        outer = self._parent
        self._parent = self.add(tag, **attrs)
        try:
            self.visit_children(el)
        finally:
            self._parent = outer

    def visit_teiHeader(self, el: etree._Element) -> None:
        """Shown in the page header and the participants panel."""

    def field_gap(self) -> None:
        self.add("span", " ", class_="read-only field-gap")

    def visit_text(self, el: etree._Element) -> None:
        self.visit_elements(el)

    def visit_front(self, el: etree._Element) -> None:
        with self.into("section", class_="front", **{"aria-label": "Front matter"}):
            self.visit_elements(el, self.front_part)

    def front_part(self, el: etree._Element) -> None:
        """A label the source gives its next block ("Summary:" then the summary) is a
        term and its definition, not two paragraphs of the text."""
        if _is_label(el) and _labelled(_sibling(el, 1)):
            return  # written with the block it labels
        label = _sibling(el, -1)
        if label is None or not _is_label(label) or not _labelled(el):
            self.visit(el)
            return
        with self.into("dl", class_=f"front-field front-{el.get('type', 'field')}"):
            self.wrap(label, "dt")
            self.wrap(el, "dd", class_=f"ab ab-{el.get('type', 'block')}")

    def visit_body(self, el: etree._Element) -> None:
        with self.into("section", class_="body"):
            self.visit_elements(el)

    def visit_back(self, el: etree._Element) -> None:
        with self.into("section", class_="back"):
            self.visit_elements(el)

    def visit_div(self, el: etree._Element) -> None:
        self._headings += 1
        try:
            with self.into("section", class_=f"div {el.get('type', '')}".strip()):
                self.visit_elements(el)
        finally:
            self._headings -= 1

    visit_div1 = visit_div2 = visit_div3 = visit_div

    def visit_head(self, el: etree._Element) -> None:
        self.wrap(el, f"h{min(self._headings, 6)}")

    def visit_p(self, el: etree._Element) -> None:
        said = el.find(f"{T}said")
        only_said = (
            said is not None
            and len(el) == 1
            and not (el.text or "").strip()
            and not (said.tail or "").strip()
        )
        if not only_said:
            self.wrap(el, "p")
            return
        assert said is not None
        with self.into("p", class_="said"):
            who = (said.get("who") or "").split()
            if who:
                pid = who[0].lstrip("#")
                with self.into("span", class_="speaker"):
                    self.add("span", "Speaker: ", class_="visually-hidden")
                    self.add("a", self.people.get(pid, pid), href=f"#person-{pid}")
            self.visit_children(said)

    def visit_ab(self, el: etree._Element) -> None:
        self.wrap(el, "p", class_=f"ab ab-{el.get('type', 'block')}")

    visit_opener = visit_closer = visit_dateline = visit_byline = visit_signed = visit_ab
    visit_salute = visit_titlePart = visit_docDate = visit_l = visit_ab

    def visit_lg(self, el: etree._Element) -> None:
        self.wrap(el, "div", class_="lg")

    def visit_titlePage(self, el: etree._Element) -> None:
        self.wrap(el, "div", class_="titlePage")

    def visit_docTitle(self, el: etree._Element) -> None:
        self.wrap(el, "div", class_="docTitle")

    def visit_list(self, el: etree._Element) -> None:
        with self.into("ol" if el.get("type") == "ordered" else "ul"):
            self.visit_elements(el)

    def visit_anchor(self, el: etree._Element) -> None:
        """A place a link goes to (a Word bookmark): an empty element with its id."""
        ident = el.get(XML_ID)
        if ident:
            self.add("span", id=ident, class_="anchor")

    def visit_item(self, el: etree._Element) -> None:
        self.wrap(el, "li")

    def visit_note(self, el: etree._Element) -> None:
        place = el.get("place", "")
        if place == "margin":  # beside the text, as on the page
            self.wrap(el, "aside", class_="note note-margin", role="note")
        elif is_block_note(el):
            self.wrap(el, "p", class_=f"note note-block{' note-' + place if place else ''}")
        else:
            kind = "note-comment" if el.get("type") == "comment" else f"note-{place or 'inline'}"
            with self.into("span", class_=f"note {kind}", role="note"):
                self.text(f" [{note_label(el)}: ")
                self.visit_children(el)
                self.text("]")
            if el.tail is None or el.tail[:1].isalnum():
                self.text(" ")  # the note never glues the words around it

    def visit_table(self, el: etree._Element) -> None:
        with self.into("table"):
            self.visit_elements(el)

    def visit_row(self, el: etree._Element) -> None:
        with self.into("tr"):
            self.visit_elements(el)

    def visit_cell(self, el: etree._Element) -> None:
        spans = {
            html: el.get(tei, "")
            for tei, html in (("cols", "colspan"), ("rows", "rowspan"))
            if el.get(tei, "").isdigit() and el.get(tei) != "1"
        }
        self.wrap(el, "th" if el.get("role") == "label" else "td", **spans)

    def visit_figure(self, el: etree._Element) -> None:
        parts = 0

        def part(child: etree._Element) -> None:
            nonlocal parts
            if local(child) in ("head", "figDesc", "p"):
                if parts:
                    self.text(". ")
                parts += 1
                self.visit_children(child)
            else:
                self.visit(child)

        with self.into("figure"):
            for graphic in el.iterchildren(f"{T}graphic"):
                url = graphic.get("url", "")
                if LOCAL_URL.match(url):  # an image beside the page: shown; never fetched
                    alt = " ".join("".join(el.findtext(f"{T}figDesc") or "").split())
                    self.add("img", src=url, alt=alt, loading="lazy")
            if text_of(el):
                with self.into("figcaption"):
                    self.visit_elements(el, part)

    def visit_figDesc(self, el: etree._Element) -> None:
        self.visit_children(el)

    def visit_graphic(self, el: etree._Element) -> None:
        """Not loaded: the page makes no request to another host."""

    # --- page furniture -----------------------------------------------------------------

    def visit_fw(self, el: etree._Element) -> None:
        self.wrap(
            el,
            "span",
            class_=f"fw fw-{el.get('type', 'other')}",
            **{"aria-label": f"{el.get('type', 'running head')}"},
        )

    def visit_pb(self, el: etree._Element) -> None:
        printed = printed_number_follows(el)
        number = el.get("n", "")
        with self.into(
            "span",
            class_="pb pb-printed" if printed else "pb",
            role="separator",
            **{"aria-label": f"Page {number}".strip()},
        ):
            self.add("span", f"p. {number}" if number else "page", class_="pb-label")
        if self.parts_words(el):
            self.text(" ")  # so<pb/>sharp: two words

    def visit_cb(self, el: etree._Element) -> None:
        if self.parts_words(el):
            self.text(" ")

    visit_milestone = visit_cb

    def visit_lb(self, el: etree._Element) -> None:
        if starts_its_element(el):  # the block's first line: no break before it
            self.add("br", class_="lb lb-first")
            return
        self.add("br", class_="lb-nobreak" if el.get("break") == "no" else "lb")

    def visit_pc(self, el: etree._Element) -> None:
        nxt = el.getnext()
        weak = nxt is not None and local(nxt) == "lb" and nxt.get("break") == "no"
        self.wrap(el, "span", class_="pc-weak" if weak else "pc")

    # --- alterations --------------------------------------------------------------------

    def visit_del(self, el: etree._Element) -> None:
        rend = el.get("rend", "")
        title = "typed over with x's" if rend == "overtyped" else "deleted"
        self.wrap(el, "del", class_=rend or "del", title=title)

    def visit_add(self, el: etree._Element) -> None:
        self.wrap(el, "ins", class_=el.get("place", "add"), title="added")

    def visit_subst(self, el: etree._Element) -> None:
        with self.into("span", class_="subst", title="correction"):
            self.visit_elements(el)

    def visit_gap(self, el: etree._Element) -> None:
        reason = el.get("reason", "")
        quantity = el.get("quantity", "")
        parent = el.getparent()
        if parent is not None and parent.get("rend") == "overtyped":
            count = int(quantity or "1")
            self.add(
                "span",
                "x" * count,
                class_="gap gap-overtyped",
                title=f"{count} characters typed over with x's",
            )
            return
        label = gap_description(el) or f"[{GAP_LABELS.get(reason, reason or 'gap')}]"
        description = f"text missing: {reason or 'reason not given'}"
        if quantity:
            description += f", {quantity} {el.get('unit', '')}".rstrip()
        tagged = self.properties(el).get("title")
        if tagged:  # what the editor's gap tag states besides
            description += f" ({tagged})"
        gap = self.add(
            "span", label, class_=f"gap gap-{reason or 'unknown'}", title=description, role="note"
        )
        gap.set("aria-label", description)

    def visit_metamark(self, el: etree._Element) -> None:
        self.wrap(el, "span", class_="metamark", title="insertion mark")

    def visit_choice(self, el: etree._Element) -> None:
        in_diplomatic = shown_alternatives(el, diplomatic=True)
        in_reading = shown_alternatives(el, diplomatic=False)

        def alternative(child: etree._Element) -> None:
            name = local(child)
            if name not in SOURCE_FORMS + EDITED_FORMS:
                self.visit(child)
            elif name in in_diplomatic and name in in_reading:
                self.wrap(child, "span", class_=name)
            elif name in in_diplomatic:
                self.wrap(child, "span", class_=f"{name} dipl-only")
            elif name in in_reading:
                self.wrap(child, "span", class_=f"{name} read-only")

        with self.into("span", class_="choice", **self.properties(el)):
            self.visit_elements(el, alternative)

    def visit_app(self, el: etree._Element) -> None:
        lemma = lemma_of(el)

        def reading(child: etree._Element) -> None:
            if child is lemma:
                self.wrap(child, "span", class_="lem")
            elif local(child) == "rdg":
                with self.into("span", class_="rdg dipl-only"):
                    self.text(f" [var. {child.get('wit', '')}: ".replace(" :", ":"))
                    self.visit_children(child)
                    self.text("]")
            else:
                self.visit(child)

        with self.into("span", class_="app"):
            self.visit_elements(el, reading)

    # --- phrase level -------------------------------------------------------------------

    def visit_hi(self, el: etree._Element) -> None:
        tag = {"bold": "strong", "underline": "u", "italic": "i"}.get(el.get("rend", ""), "span")
        self.wrap(el, tag, class_=f"hi {el.get('rend', '')}".strip())

    def visit_persName(self, el: etree._Element) -> None:
        ref = (el.get("ref") or "").split()
        pid = ref[0].lstrip("#") if ref else ""
        if pid in self.people:
            self.wrap(el, "a", class_="person", href=f"#person-{pid}", **self.properties(el))
        else:
            self.wrap(el, "span", class_="person", **self.properties(el))

    def visit_date(self, el: etree._Element) -> None:
        attrs = {"datetime": el.get("when", "")} if el.get("when") else {}
        self.wrap(el, "time", **attrs, **self.properties(el))

    def visit_ref(self, el: etree._Element) -> None:
        target = el.get("target", "")
        if SAFE_URL.match(target):
            self.wrap(el, "a", href=target)
        else:
            self.wrap(el, "span", class_="ref")

    def visit_stamp(self, el: etree._Element) -> None:
        self.wrap(el, "span", class_="stamp")

    def visit_said(self, el: etree._Element) -> None:
        self.wrap(el, "span", class_="said")

    def inline(self, el: etree._Element) -> None:
        # a part of an element another tag crossed: marked so that its span reads as one
        parted = " part-after" * (el.get("prev") is not None) + " part-before" * (
            el.get("next") is not None
        )
        self.wrap(el, "span", class_=local(el) + parted, **self.properties(el))

    def properties(self, el: etree._Element) -> dict[str, str]:
        """A tooltip of the properties the element's tag states (``@ana`` → fs)."""
        ana = el.get("ana")
        if not ana or not self.features:
            return {}
        shown = [self.features[t[1:]] for t in ana.split() if t[1:] in self.features]
        return {"title": "; ".join(shown)} if shown else {}

    visit_seg = visit_idno = visit_time = visit_placeName = visit_orgName = visit_name = inline
    visit_title = visit_term = visit_label = visit_q = visit_quote = visit_emph = inline
    visit_unclear = visit_foreign = visit_num = visit_rs = visit_supplied = visit_lem = inline
    visit_rdg = visit_sic = visit_corr = visit_abbr = visit_expan = visit_orig = visit_reg = inline

    def unknown(self, el: etree._Element) -> None:
        super().unknown_report(el)
        self.wrap(el, "span", class_=f"tei-{local(el)}")
