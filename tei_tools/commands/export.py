"""``tei-tools export``: TEI → text, HTML or raw; an index page for HTML collections.

The files are exported by the library (``export.batch``); the command writes every
output behind one durability barrier and reports."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tei_tools.commands.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_USAGE,
    jobs_option,
    report,
)
from tei_tools.export.batch import SUFFIX, Settings, exported
from tei_tools.io import Batch
from tei_tools.site.pages import IndexEntry, index_page
from tei_tools.validate.runner import expand


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
@jobs_option("Worker processes for several files.")
@click.option("-q", "--quiet", is_flag=True, help="Print warnings and errors only.")
def export_command(
    paths: tuple[str, ...],
    fmt: str,
    view: str,
    output: str | None,
    out_dir: str | None,
    page_markers: bool,
    width: int | None,
    jobs: int,
    quiet: bool,
) -> None:
    """Export TEI (PATH: file, folder of *.xml, glob, or '-') as text, HTML or raw."""
    files, missing = expand(paths)
    if output is not None and (len(files) != 1 or out_dir is not None):
        raise click.UsageError("-o/--output takes a single input and excludes --out-dir")
    if len(files) > 1 and out_dir is None:
        raise click.UsageError("several inputs need --out-dir (one output file each)")
    if not files and not missing:
        raise click.UsageError("no input files")
    if out_dir is not None:
        Path(out_dir).mkdir(parents=True, exist_ok=True)
    status = EXIT_OK
    for result in missing:
        report(result.diagnostics, quiet)
        status = EXIT_USAGE
    settings = Settings(fmt, view, page_markers, width, fmt == "html" and out_dir is not None)
    entries: list[IndexEntry] = []
    with Batch() as batch:  # one durability barrier for all the outputs
        for done in exported(files, settings, jobs):
            report(done.diagnostics, quiet)
            if not done.readable:
                status = EXIT_USAGE
                continue
            if done.content is None:
                status = max(status, EXIT_FINDINGS)
                continue
            if output == "-" or (output is None and out_dir is None):
                sys.stdout.write(done.content)
                continue
            stem = "stdin" if done.name == "-" else Path(done.name).stem
            target = Path(output) if output else Path(out_dir or ".") / f"{stem}{SUFFIX[fmt]}"
            batch.write(target, done.content.encode("utf-8"))
            if done.text is not None and done.entry is not None:
                batch.write(Path(out_dir or ".") / f"{stem}.txt", done.text.encode("utf-8"))
                entries.append(done.entry)
        if entries:
            batch.write(Path(out_dir or ".") / "index.html", index_page(entries).encode("utf-8"))
    sys.exit(status)


__all__ = ["export_command"]
