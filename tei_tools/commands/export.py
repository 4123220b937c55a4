"""``tei-tools export``: TEI → text, HTML or raw; an index page for HTML collections."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tei_tools.commands.common import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, read_input, report
from tei_tools.diagnostics import Diagnostic, Severity
from tei_tools.export import export
from tei_tools.export.collection import Entry, entry_for, index_page
from tei_tools.io import atomic_write
from tei_tools.validate.loader import load
from tei_tools.validate.runner import expand

SUFFIX = {"text": ".txt", "html": ".html", "raw": ".txt"}


@click.command("export")
@click.argument("paths", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option(
    "--to", "fmt", type=click.Choice(["text", "html", "raw"]), required=True, help="Output format."
)
@click.option(
    "--view",
    type=click.Choice(["reading", "diplomatic"]),
    default="reading",
    show_default=True,
    help="Text: which view; HTML: the view shown first.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="Output file ('-' for stdout); only with a single input.",
)
@click.option(
    "--out-dir",
    type=click.Path(file_okay=False),
    help="Write one file per input here (HTML also writes index.html and .txt).",
)
@click.option("--page-markers", is_flag=True, help="Text, reading view: mark page breaks [p. N].")
@click.option("--width", type=click.IntRange(min=20), help="Text: wrap lines at this width.")
@click.option("-q", "--quiet", is_flag=True, help="Print warnings and errors only.")
def export_command(
    paths: tuple[str, ...],
    fmt: str,
    view: str,
    output: str | None,
    out_dir: str | None,
    page_markers: bool,
    width: int | None,
    quiet: bool,
) -> None:
    """Export TEI (PATH: file, folder of *.xml, glob, or '-') as text, HTML or raw."""
    files, missing = expand(paths)
    if output is not None and (len(files) != 1 or out_dir is not None):
        raise click.UsageError("-o/--output takes a single input and excludes --out-dir")
    if len(files) > 1 and out_dir is None:
        raise click.UsageError("several inputs need --out-dir (one output file each)")
    if out_dir is not None:
        Path(out_dir).mkdir(parents=True, exist_ok=True)
    status = EXIT_OK
    for result in missing:
        report(result.diagnostics, quiet)
        status = EXIT_USAGE
    entries: list[Entry] = []
    for name in files:
        data = read_input(name, "V006")
        if data is None:
            status = EXIT_USAGE
            continue
        shown = "<stdin>" if name == "-" else name
        doc, problems = load(shown, data)
        if doc is None:
            report(
                [
                    Diagnostic(
                        "E002", f"cannot export: {p.message}", shown, p.line, p.column, hint=p.hint
                    )
                    for p in problems
                ],
                quiet,
            )
            status = max(status, EXIT_FINDINGS)
            continue
        root = doc.tree.getroot()
        content, found = export(
            root, fmt, view=view, page_markers=page_markers, width=width, source=shown
        )
        report(found, quiet)
        if any(d.level is Severity.ERROR for d in found):
            status = max(status, EXIT_FINDINGS)
            continue
        stem = "stdin" if name == "-" else Path(name).stem
        if output == "-" or (output is None and out_dir is None):
            sys.stdout.write(content)
            continue
        target = Path(output) if output else Path(out_dir or ".") / f"{stem}{SUFFIX[fmt]}"
        atomic_write(target, content.encode("utf-8"))
        if fmt == "html" and out_dir is not None:
            text, _ = export(root, "text", view="reading", source=shown)
            atomic_write(Path(out_dir) / f"{stem}.txt", text.encode("utf-8"))
            entries.append(entry_for(stem, root))
    if fmt == "html" and out_dir is not None and entries:
        atomic_write(Path(out_dir) / "index.html", index_page(entries).encode("utf-8"))
    if not files and not missing:
        raise click.UsageError("no input files")
    sys.exit(status)


__all__ = ["export_command"]
