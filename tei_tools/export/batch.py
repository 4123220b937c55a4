"""Exporting many files: each by a pure function (a file's name in; its outputs,
diagnostics and index entry out), in forked workers when there are several files and
cores, results in order."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from tei_tools.diagnostics import Diagnostic, Severity
from tei_tools.export import export
from tei_tools.processes import in_order
from tei_tools.site.pages import IndexEntry, entry_for
from tei_tools.validate.loader import load

SUFFIX = {"text": ".txt", "html": ".html", "raw": ".txt"}


@dataclass(frozen=True)
class Settings:
    fmt: str
    view: str
    page_markers: bool
    width: int | None
    companions: bool  # HTML into a folder: a text file and an index entry as well


@dataclass
class Exported:
    name: str
    readable: bool = True
    content: str | None = None  # None: nothing to write (the input could not be read)
    text: str | None = None  # the companion text of an HTML page
    entry: IndexEntry | None = None
    diagnostics: list[Diagnostic] = field(default_factory=list)


def export_one(name: str, settings: Settings) -> Exported:
    """Export one file; never raises on bad input (its diagnostics say why)."""
    try:
        data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
    except OSError as exc:
        unread = Diagnostic("V006", f"cannot read input: {exc.strerror or exc}", name, 0, 0)
        return Exported(name, readable=False, diagnostics=[unread])
    shown = "<stdin>" if name == "-" else name
    doc, problems = load(shown, data)
    if doc is None:
        return Exported(
            name,
            diagnostics=[
                Diagnostic("E002", f"cannot export: {p.message}", shown, p.line, p.column, p.hint)
                for p in problems
            ],
        )
    root = doc.tree.getroot()
    content, found = export(
        root,
        settings.fmt,
        view=settings.view,
        page_markers=settings.page_markers,
        width=settings.width,
        source=shown,
    )
    result = Exported(name, diagnostics=found)
    if any(d.level is Severity.ERROR for d in found):
        return result
    result.content = content
    if settings.companions:
        result.text = export(root, "text", view="reading", source=shown)[0]
        result.entry = entry_for(Path(name).stem, root)
    return result


def exported(files: list[str], settings: Settings, jobs: int) -> Iterator[Exported]:
    """Every file's export, in order; in ``jobs`` forked workers when that helps."""
    if "-" in files:
        jobs = 1
    yield from in_order(partial(export_one, settings=settings), files, jobs, at_least=4)
