"""TEI → plain text, in a reading view and a diplomatic view.

Reading: what the text says. Deletions dropped, additions in place, the new reading
of a substitution, page furniture dropped (``[p. 2]`` markers on request), broken
words rejoined, gaps as ``[redacted]``/``[illegible]``.

Diplomatic: what the page shows, in this plain-text convention:
``[-deleted-]``, ``{+added+}``, substitutions as ``[-old-]{+new+}`` in source order,
x-outs as ``[-xxx-]``, gaps as ``[redacted]``/``[illegible: N chars]``, classification
marks and printed page numbers on lines of their own where they stand, line breaks
kept, a broken word as ``over-`` at a line end.

Paragraphs are separated by a blank line. White space inside a paragraph is
collapsed, as XML readers see it, so no space is doubled or lost at an element
boundary.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from lxml import etree

from tei_tools.diagnostics import Diagnostic
from tei_tools.export.visitor import (
    EDITED_FORMS,
    SOURCE_FORMS,
    BlockWriter,
    collapse,
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

BREAK = "\n"  # a hard line break inside a block (kept through white-space collapsing)


@dataclass
class TextExporter(BlockWriter):
    view: str = "reading"
    page_markers: bool = False
    width: int | None = None

    def field_gap(self) -> None:
        if self.view == "reading":
            self.emit(" ")

    @property
    def diplomatic(self) -> bool:
        return self.view == "diplomatic"

    def clean(self, text: str) -> str:
        return collapse(text)

    def render(self, root: etree._Element) -> str:
        paragraphs = []
        for joined in self.render_blocks(root):
            lines = [" ".join(line.split()) for line in joined.split(BREAK)]
            paragraph = "\n".join(lines).strip("\n ")
            if not paragraph:
                continue
            if self.width:
                paragraph = "\n".join(
                    textwrap.fill(line, self.width, break_on_hyphens=False) or line
                    for line in paragraph.split("\n")
                )
            paragraphs.append(paragraph)
        return "\n\n".join(paragraphs) + "\n" if paragraphs else ""

    # --- structure ----------------------------------------------------------------------

    container = BlockWriter.container
    visit_TEI = visit_text = visit_front = visit_body = visit_back = visit_div = container
    visit_group = visit_lg = visit_sp = visit_titlePage = visit_listBibl = container
    visit_div1 = visit_div2 = visit_div3 = visit_div4 = container

    def visit_p(self, el: etree._Element) -> None:
        self.block(el)

    visit_ab = visit_head = visit_l = visit_opener = visit_closer = visit_p
    visit_salute = visit_signed = visit_dateline = visit_byline = visit_docTitle = visit_p
    visit_titlePart = visit_docDate = visit_docImprint = visit_docAuthor = visit_p
    visit_speaker = visit_trailer = visit_bibl = visit_argument = visit_epigraph = visit_p

    def visit_list(self, el: etree._Element) -> None:
        self.container(el)

    def visit_item(self, el: etree._Element) -> None:
        self.block(el, "- ")

    def visit_table(self, el: etree._Element) -> None:
        self.container(el)

    def visit_row(self, el: etree._Element) -> None:
        self._current = None
        cells = 0

        def cell(child: etree._Element) -> None:
            nonlocal cells
            if local(child) == "cell" and cells:
                self.emit(" | ")
            cells += local(child) == "cell"
            self.visit(child)

        self.visit_elements(el, cell)
        self._current = None

    def visit_cell(self, el: etree._Element) -> None:
        self.visit_children(el)

    def visit_figure(self, el: etree._Element) -> None:
        """One line: [Figure: heading. description]; an image has no text."""
        self._current = None
        if not text_of(el):
            self.emit("[Figure]")
            self._current = None
            return
        self.emit("[Figure: ")
        parts = 0

        def part(child: etree._Element) -> None:
            nonlocal parts
            if local(child) in ("head", "figDesc", "p", "label"):
                if parts:
                    self.emit(". ")
                parts += 1
                self.visit_children(child)
            else:
                self.visit(child)

        self.visit_elements(el, part)
        self.emit("]")
        self._current = None

    def visit_figDesc(self, el: etree._Element) -> None:
        self.visit_children(el)

    def visit_graphic(self, el: etree._Element) -> None:
        """An image reference has no text of its own."""

    def visit_note(self, el: etree._Element) -> None:
        if is_block_note(el):
            self.block(el)
        else:
            self.emit(f" [{note_label(el)}: ")
            self.visit_children(el)
            self.emit("]")
            if el.tail is None or el.tail[:1].isalnum():
                self.emit(" ")  # the note never glues the words around it

    # --- page furniture -----------------------------------------------------------------

    def visit_anchor(self, el: etree._Element) -> None:
        """A place a pointer goes to: no text."""

    def visit_fw(self, el: etree._Element) -> None:
        if self.diplomatic:
            self.block(el)

    def visit_pb(self, el: etree._Element) -> None:
        number = el.get("n", "")
        printed = printed_number_follows(el)
        if self.diplomatic and not printed:
            self._current = None
            self.emit(f"[page {number}]".replace(" ]", "]"))
            self._current = None
        elif not self.diplomatic and self.page_markers:
            self.emit(f" [p. {number}] ")
        elif self.parts_words(el):
            self.emit(" ")  # so<pb/>sharp: two words

    def visit_lb(self, el: etree._Element) -> None:
        # The reading view rejoins a word broken at the line end; the diplomatic shows it.
        # A line's start that is the block's own start (a cell, a note) breaks nothing.
        if starts_its_element(el):
            return
        if self.diplomatic or not self.inside_word(el):
            self.emit(BREAK)

    def visit_cb(self, el: etree._Element) -> None:
        if self.parts_words(el):
            self.emit(" ")

    visit_milestone = visit_cb

    def visit_pc(self, el: etree._Element) -> None:
        nxt = el.getnext()
        if self.diplomatic or not (
            nxt is not None and local(nxt) == "lb" and nxt.get("break") == "no"
        ):
            self.visit_children(el)

    # --- alterations --------------------------------------------------------------------

    def visit_del(self, el: etree._Element) -> None:
        if self.diplomatic:
            self.emit("[-")
            self.visit_children(el)
            self.emit("-]")

    def visit_add(self, el: etree._Element) -> None:
        if self.diplomatic:
            self.emit("{+")
            self.visit_children(el)
            self.emit("+}")
        else:
            self.visit_children(el)

    def visit_subst(self, el: etree._Element) -> None:
        self.visit_elements(el)  # white space between del and add is not text

    def visit_gap(self, el: etree._Element) -> None:
        reason = el.get("reason", "")
        parent = el.getparent()
        if self.diplomatic and parent is not None and parent.get("rend") == "overtyped":
            self.emit("x" * int(el.get("quantity", "1") or 1))
        elif self.diplomatic and el.get("quantity"):
            self.emit(
                f"[{reason or 'gap'}: {el.get('quantity')} {el.get('unit', '')}]".replace(" ]", "]")
            )
        elif gap_description(el):
            self.emit(gap_description(el))
        else:
            self.emit(f"[{reason or 'gap'}]")

    def visit_metamark(self, el: etree._Element) -> None:
        if self.diplomatic:
            self.visit_children(el)

    def visit_choice(self, el: etree._Element) -> None:
        shown = shown_alternatives(el, self.diplomatic)

        def alternative(child: etree._Element) -> None:
            if local(child) in SOURCE_FORMS + EDITED_FORMS:
                if local(child) in shown:
                    self.visit_children(child)
            else:
                self.visit(child)

        self.visit_elements(el, alternative)

    def visit_app(self, el: etree._Element) -> None:
        lemma = lemma_of(el)

        def reading(child: etree._Element) -> None:
            if child is lemma:
                self.visit_children(child)
            elif local(child) == "rdg":
                if self.diplomatic:
                    self.emit(f" [var. {child.get('wit', '')}: ".replace(" :", ":"))
                    self.visit_children(child)
                    self.emit("]")
            else:
                self.visit(child)

        self.visit_elements(el, reading)

    def visit_supplied(self, el: etree._Element) -> None:
        # a span split into linked parts (another tag crossed it) is bracketed once
        if el.get("prev") is None:
            self.emit("[")
        self.visit_children(el)
        if el.get("next") is None:
            self.emit("]")

    # --- phrase-level elements whose text is simply read --------------------------------

    def inline(self, el: etree._Element) -> None:
        self.visit_children(el)

    visit_said = visit_q = visit_quote = visit_hi = visit_emph = visit_persName = inline
    visit_placeName = visit_orgName = visit_name = visit_date = visit_time = inline
    visit_ref = visit_seg = visit_idno = visit_stamp = visit_title = visit_term = inline
    visit_label = visit_unclear = visit_foreign = visit_mentioned = visit_soCalled = inline
    visit_num = visit_measure = visit_roleName = visit_forename = visit_surname = inline
    visit_w = visit_c = visit_s = visit_span = visit_rs = visit_lem = visit_rdg = inline
    visit_sic = visit_corr = visit_abbr = visit_expan = visit_orig = visit_reg = inline


def export_text(
    root: etree._Element,
    view: str = "reading",
    *,
    page_markers: bool = False,
    width: int | None = None,
    source: str = "<input>",
) -> tuple[str, list[Diagnostic]]:
    exporter = TextExporter(source=source, view=view, page_markers=page_markers, width=width)
    return exporter.render(root), exporter.findings()


__all__ = ["TextExporter", "export_text", "text_of"]
