"""``tei-tools validate``: schema and rule checks over files, folders, globs or stdin."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import click

from tei_tools.cache import cache_dir
from tei_tools.commands.common import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, jobs_option
from tei_tools.diagnostics import Severity
from tei_tools.io import atomic_write
from tei_tools.validate import DEFAULT_MAX_FINDINGS, Options, SchemaError, Validator
from tei_tools.validate.protocol import OddSources
from tei_tools.validate.reports import FORMATS, all_codes, summary
from tei_tools.validate.runner import FileResult, expand, validate_files
from tei_tools.validate.xml_model import Model

LEVELS = {"error": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.INFO}


def _codes(values: tuple[str, ...]) -> list[str]:
    """Codes or code prefixes, given repeatedly or comma separated."""
    out = [c.strip().upper() for v in values for c in v.split(",") if c.strip()]
    known = all_codes()
    for code in out:
        if not any(k.startswith(code) for k in known):
            raise click.BadParameter(f"unknown code {code!r}; see --list-codes")
    return out


def _show_progress(files: list[str], output: str) -> bool:
    """On a terminal only: not in CI, not when the report goes down a pipe."""
    to_terminal = sys.stdout.isatty() if output == "-" else True
    return len(files) > 1 and sys.stderr.isatty() and to_terminal and not os.environ.get("CI")


def _say_schemas(validator: Validator, models: tuple[Model, ...] | None, files: int) -> None:
    """--verbose: the schemas a group of files is checked against."""
    names = validator.schema.name
    if models:
        names += ", and in addition the xml-model's " + ", ".join(m.href for m in models)
    click.echo(f"tei-tools validate: {files} file(s) checked against {names}", err=True)


@contextlib.contextmanager
def _progress(files: list[str], output: str) -> Iterator[Callable[[FileResult], None]]:
    if not _show_progress(files, output):
        yield lambda _: None
        return
    with click.progressbar(length=len(files), label="validating", file=sys.stderr) as bar:
        yield lambda _: bar.update(1)


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(allow_dash=True))
@click.option(
    "--schema",
    "schema_path",
    type=click.Path(exists=True, dir_okay=False),
    help="Validate against this XSD, RELAX NG (.rng, with its embedded Schematron), "
    "Schematron (.sch, .isosch) or ODD (.odd) instead of the project schema (the "
    "files' xml-model instructions are then not read).",
)
@click.option(
    "--odd",
    "odd_path",
    type=click.Path(exists=True, dir_okay=False),
    help="Validate against this ODD customization: compiled (once, then cached) into "
    "its RELAX NG and Schematron by the TEI Stylesheets in SaxonC.",
)
@click.option(
    "--tei-source",
    type=click.Path(exists=True, dir_okay=False),
    help="The TEI source (p5subset.xml) the ODD customizes (default: the cache, or the "
    "release its schemaSpec/@source names, downloaded with --allow-network).",
)
@click.option(
    "--stylesheets",
    type=click.Path(exists=True),
    help="The TEI Stylesheets (a folder with odds/, or a release .zip) that compile ODDs.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(list(FORMATS)),
    default="text",
    show_default=True,
    help="Report format.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    default="-",
    help="Write the report here (default: stdout).",
)
@click.option(
    "--fail-level",
    type=click.Choice(list(LEVELS)),
    default="error",
    show_default=True,
    help="Exit 1 when a finding at or above this level is found.",
)
@click.option("--select", multiple=True, help="Only these codes or prefixes (R001,S,V…).")
@click.option("--ignore", multiple=True, help="Never these codes or prefixes.")
@jobs_option("Files validated in parallel.")
@click.option(
    "--max-size",
    type=click.FloatRange(min=0.001),
    default=64.0,
    show_default=True,
    help="Largest file read, in MB.",
)
@click.option(
    "--max-findings",
    type=click.IntRange(min=0),
    default=DEFAULT_MAX_FINDINGS,
    show_default=True,
    help="Findings shown per file; the rest are counted in one (0: show all).",
)
@click.option(
    "--no-cache",
    is_flag=True,
    help="Check every file again, even one found valid against the same schema before, "
    "and compile an ODD again (cache: TEI_TOOLS_CACHE_DIR, else the user cache folder).",
)
@click.option(
    "--no-schematron",
    is_flag=True,
    help="Check the grammar only, not the Schematron rules it embeds.",
)
@click.option(
    "--allow-network",
    is_flag=True,
    help="Fetch (once, into the cache) a remote schema an xml-model instruction names, "
    "an ODD's TEI source or the TEI Stylesheets.",
)
@click.option(
    "-v", "--verbose", is_flag=True, help="Say which schemas each file is checked against."
)
@click.option("--list-codes", is_flag=True, help="List every code with its severity and exit.")
def validate(
    paths: tuple[str, ...],
    schema_path: str | None,
    odd_path: str | None,
    tei_source: str | None,
    stylesheets: str | None,
    output_format: str,
    output: str,
    fail_level: str,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    jobs: int,
    max_size: float,
    max_findings: int,
    no_cache: bool,
    no_schematron: bool,
    allow_network: bool,
    verbose: bool,
    list_codes: bool,
) -> None:
    """Validate TEI files (PATH: file, folder searched for *.xml, glob, or '-').

    Without --schema, every file is checked against the project schema and, in
    addition (never instead), against the schemas its xml-model instructions name.
    With --schema (or --odd), against that schema only, and with TEI's own rule
    checks, not those of tei-tools' encoding (R003, R006, R009-R011) unless
    --select names them."""
    if list_codes:
        for code, (severity, rationale) in all_codes().items():
            click.echo(f"{code}  {severity!s:<7}  {rationale}")
        sys.exit(EXIT_OK)
    if not paths:
        raise click.UsageError("give at least one PATH (a file, a folder, a glob or '-')")
    if odd_path and schema_path:
        raise click.UsageError("give --schema or --odd, not both")
    schema_path = schema_path or odd_path
    options = Options(
        select=tuple(_codes(select)) if select else None,
        ignore=tuple(_codes(ignore)),
        max_bytes=int(max_size * 1024 * 1024),
        max_findings=max_findings,
        cache=not no_cache,
        schematron=not no_schematron,
        odd=OddSources(
            Path(tei_source) if tei_source else None,
            Path(stylesheets) if stylesheets else None,
            allow_network,
        ),
    )
    files, missing = expand(paths)
    network = cache_dir() / "models" if allow_network else None
    try:  # jing reads a schema's includes only when it runs
        with _progress(files, output) as advance:
            results = list(missing) + validate_files(
                files,
                Path(schema_path) if schema_path else None,
                options,
                jobs,
                network,
                on_result=advance,
                on_group=_say_schemas if verbose else None,
            )
    except SchemaError as exc:
        click.echo(f"tei-tools validate: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    text = FORMATS[output_format](results)
    if output == "-":
        click.echo(text, nl=False)
    else:
        atomic_write(Path(output), text.encode("utf-8"))
        click.echo(summary(results), err=True)
    threshold = LEVELS[fail_level]
    if any(d.code == "V006" for r in results for d in r.diagnostics) or not results:
        sys.exit(EXIT_USAGE)
    findings = any(d.level >= threshold for r in results for d in r.diagnostics)
    sys.exit(EXIT_FINDINGS if findings else EXIT_OK)
