"""Exporters: TEI → plain text (reading, diplomatic), HTML, and the raw dialect.

They read TEI, not the converter's model, so they serve any TEI P5 document.
"""

from __future__ import annotations

from lxml import etree

from tei_tools.diagnostics import Diagnostic
from tei_tools.export.page import export_html
from tei_tools.export.raw import export_raw
from tei_tools.export.text import export_text

__all__ = ["export", "export_html", "export_raw", "export_text"]


def export(
    root: etree._Element,
    fmt: str,
    *,
    view: str = "reading",
    page_markers: bool = False,
    width: int | None = None,
    source: str = "<input>",
) -> tuple[str, list[Diagnostic]]:
    """Render ``root`` as ``text``, ``html`` or ``raw``."""
    if fmt == "text":
        return export_text(root, view, page_markers=page_markers, width=width, source=source)
    if fmt == "html":
        return export_html(root, view, source=source)
    if fmt == "raw":
        return export_raw(root, source=source)
    raise ValueError(f"unknown export format {fmt!r}")
