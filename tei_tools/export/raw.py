"""TEI → the raw transcription dialect (docs/raw-format.md), for the next round of
editing. ``raw → TEI → raw`` gives back the raw file up to the normalisation that
docs/raw-format.md defines; ``normalize_raw`` is that definition in code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from tei_tools.diagnostics import Diagnostic
from tei_tools.export.visitor import BlockWriter, printed_number_follows, text_of
from tei_tools.pointers import pointer_from_address

HARD_BREAK = "  \n"


@dataclass
class RawExporter(BlockWriter):
    _furniture: bool = False  # inside page furniture, whose text is its notation

    def render(self, root: etree._Element) -> str:
        out = []
        for joined in self.render_blocks(root):
            # Soft line ends inside a block keep their words; indentation is dropped.
            block = "\n".join(
                line.strip(" ") if not line.endswith("  ") else line.lstrip(" ")
                for line in joined.split("\n")
            ).strip("\n")
            if block.strip():
                out.append(block)
        return "\n\n".join(out) + "\n" if out else ""

    def text(self, text: str) -> None:
        """TEI text as raw text: what would read as notation is escaped."""
        if self._current is None and not text.strip():
            return  # white space between blocks
        opening = not self._furniture and not any(p.strip() for p in self._current or [])
        self.emit(escape_raw(self.clean(text), opening))

    container = BlockWriter.container
    visit_TEI = visit_text = visit_front = visit_body = visit_back = visit_div = container

    def visit_list(self, el: etree._Element) -> None:
        """One block, an item a line: the converter reads it back as one list."""
        self._current = None
        items = 0

        def item(child: etree._Element) -> None:
            nonlocal items
            if isinstance(child.tag, str) and etree.QName(child).localname == "item":
                self.emit("\n- " if items else "- ")
                items += 1
                self.visit_children(child)
            else:
                self.visit(child)

        self.visit_elements(el, item)
        self._current = None

    def visit_p(self, el: etree._Element) -> None:
        self.block(el)

    visit_ab = visit_head = visit_p

    def visit_item(self, el: etree._Element) -> None:  # an item outside a list
        self.block(el, "- ")

    def visit_note(self, el: etree._Element) -> None:
        if el.get("type") == "source":
            self.block(el, "[", "]")
        else:
            self.visit_children(el)

    def visit_fw(self, el: etree._Element) -> None:
        self._furniture = True  # "- 2 -" is the page number's own notation
        self.block(el)
        self._furniture = False

    def visit_pb(self, el: etree._Element) -> None:
        if not printed_number_follows(el):
            self.block(el, f"- {el.get('n', '')} -")

    def visit_lb(self, el: etree._Element) -> None:
        if el.get("break") == "no":
            self.emit(" ")
        elif el.tail and el.tail.startswith("\n"):
            self.emit("  ")  # the line end that follows becomes a hard break
        else:
            self.emit(HARD_BREAK)

    # --- alterations --------------------------------------------------------------------

    def visit_del(self, el: etree._Element) -> None:
        self.emit("~~")
        self.visit_children(el)
        self.emit("~~")

    def visit_add(self, el: etree._Element) -> None:
        self.emit("<sup>")
        self.visit_children(el)
        self.emit("</sup>")

    def visit_subst(self, el: etree._Element) -> None:
        # The readings are written a space apart, as transcribers mostly type them.
        readings = 0

        def reading(child: etree._Element) -> None:
            nonlocal readings
            if readings and isinstance(child.tag, str):
                self.emit(" ")
            readings += isinstance(child.tag, str)
            self.visit(child)

        self.visit_elements(el, reading)

    def visit_gap(self, el: etree._Element) -> None:
        if el.get("reason") == "redacted":
            self.emit("[REDACTED]")
        else:
            self.emit("x" * int(el.get("quantity", "3") or 3))

    def visit_hi(self, el: etree._Element) -> None:
        rend = el.get("rend", "")
        marker = _MARKERS.get(rend)
        if marker is None:  # "*" or "<sup>" would read back as underline or an addition
            line = el.sourceline if isinstance(el.sourceline, int) else 0
            self.diagnostics.append(
                Diagnostic(
                    "E006",
                    f'<hi rend="{rend}"> has no notation in the raw format; its text is kept '
                    "without it",
                    self.source,
                    line,
                    1,
                    hint="the TEI keeps the rendering; the raw text cannot",
                )
            )
            self.visit_children(el)
            return
        self.emit(marker)
        self.visit_children(el)
        self.emit(marker)

    def visit_ref(self, el: etree._Element) -> None:
        target, text = el.get("target", ""), text_of(el)
        if target and pointer_from_address(text) == target:  # the address as typed
            self.emit(f"<{text}>")
        else:
            self.visit_children(el)

    def inline(self, el: etree._Element) -> None:
        self.visit_children(el)

    visit_said = visit_persName = visit_placeName = visit_date = visit_time = inline
    visit_seg = visit_idno = visit_stamp = visit_pc = visit_name = inline

    def visit_metamark(self, el: etree._Element) -> None:
        self.emit(text_of(el))  # the slash is this format's own notation: never escaped


# The renderings the raw format has notation for; italic reads as the typescript's
# underline, as it always has.
_MARKERS = {"bold": "**", "underline": "*", "italic": "*"}


def export_raw(root: etree._Element, source: str = "<input>") -> tuple[str, list[Diagnostic]]:
    exporter = RawExporter(source=source)
    return exporter.render(root), exporter.diagnostics


_BARE_XOUT = re.compile(r"(?<![~A-Za-z])(x{3,})(?![~A-Za-z])")


# Text that the raw reader would read as notation: its markers, a redaction, an x-out,
# a hyphen before a space inside a word, a slash at an edge (it may touch a marker).
_NOTATION = re.compile(
    r"[\\~*<]|\[REDACTED\]|(?<![A-Za-z])x{3,}(?![A-Za-z])|(?<=[A-Za-z])- (?=[a-z])|^/|/$"
)
# What a block's first characters would mean: a bullet or page number, a source note.
_BLOCK_NOTATION = re.compile(r"^\s*(?=-|\[)")
_ESCAPE = re.compile(r"\\([\\~*<\[/x-])")


def escape_raw(text: str, opening: bool = False) -> str:
    """``text`` with a backslash before each character that would read as notation
    (docs/raw-format.md, Escapes); ``opening``: it starts its block."""
    text = _NOTATION.sub(lambda m: "\\" + m.group(), text)
    return _BLOCK_NOTATION.sub(r"\g<0>\\", text, count=1) if opening else text


def normalize_raw(text: str) -> str:
    """The raw text as the round trip keeps it (docs/raw-format.md, Normalisation):
    every character but white space, in order, with bare x-outs written struck and an
    escaped character read as itself."""
    return "".join(_BARE_XOUT.sub(r"~~\1~~", _ESCAPE.sub(r"\1", text)).split())
