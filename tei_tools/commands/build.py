"""``tei-tools build``: the whole pipeline of a collection, incrementally."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import click

from tei_tools.collection.config import EXPORTS, BuildConfig, ConfigError, load_config
from tei_tools.collection.confine import check_collection
from tei_tools.collection.engine import LOCK, build, plan, validate_persons
from tei_tools.collection.executors import run_dask, run_local
from tei_tools.collection.task import Job, Outcome
from tei_tools.commands.common import (
    EXIT_BUSY,
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_USAGE,
    jobs_option,
)
from tei_tools.diagnostics import Severity
from tei_tools.processes import Busy, exclusive
from tei_tools.site.search import SearchError
from tei_tools.validate.protocol import SchemaError


def _progress_wanted() -> bool:
    return sys.stderr.isatty() and not os.environ.get("CI")


@click.command("build")
@click.argument("directory", default=".", type=click.Path(file_okay=False, exists=True))
@click.option("--raw", help="Folder of raw transcriptions (default: raw).")
@click.option("--encoded", help="Folder for the TEI and manifest.json (default: encoded).")
@click.option("--site", help="Folder for the HTML and text site (default: site).")
@click.option("--people", help="People file (default: people.toml in the raw folder, if any).")
@click.option("--no-people", is_flag=True, help="Use no people file.")
@click.option("--schema", help="Validate against this schema instead of the project schema.")
@click.option(
    "--export",
    "exports",
    multiple=True,
    type=click.Choice(EXPORTS),
    help="Site formats (repeatable; default: html and text).",
)
@click.option("--title", help="The collection's title (index, persons file).")
@click.option(
    "--no-search",
    is_flag=True,
    help="Do not index the site for search (no search page, no pagefind/ folder).",
)
@jobs_option("Local worker processes.")
@click.option(
    "--executor",
    type=click.Choice(["local", "dask"]),
    default="local",
    show_default=True,
    help="Where documents are built: local processes, or a Dask cluster.",
)
@click.option("--scheduler", help="The Dask scheduler's address (tcp://host:8786).")
@click.option("--force", is_flag=True, help="Rebuild every document.")
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing; exit 1 when anything is out of date (for CI).",
)
@click.option(
    "--strict",
    is_flag=True,
    default=None,
    help="A document with warnings fails (exit 1), as strict = true in the configuration.",
)
@click.option(
    "--trust-stylesheets",
    is_flag=True,
    help="Run the stylesheets the configuration names (they are code: XSLT with access "
    "to your files) to compile an ODD schema.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
def build_command(
    directory: str,
    raw: str | None,
    encoded: str | None,
    site: str | None,
    people: str | None,
    no_people: bool,
    schema: str | None,
    exports: tuple[str, ...],
    title: str | None,
    no_search: bool,
    jobs: int,
    executor: str,
    scheduler: str | None,
    force: bool,
    check: bool,
    strict: bool | None,
    trust_stylesheets: bool,
    quiet: bool,
) -> None:
    """Build the collection in DIRECTORY (default: here): convert every raw file,
    validate the TEI, export the site, write encoded/manifest.json and persons.xml.

    Settings come from [tool.tei-tools] in DIRECTORY/pyproject.toml or from
    DIRECTORY/tei-tools.toml; options override them. Only documents whose raw file,
    people file, schema or tool version changed are rebuilt.
    """
    if executor == "dask" and not scheduler:
        raise click.UsageError("--executor dask needs --scheduler ADDRESS")
    start = time.perf_counter()
    try:
        config = load_config(
            Path(directory),
            raw=raw,
            encoded=encoded,
            site=site,
            people="" if no_people else people,
            schema=schema,
            exports=list(exports) or None,
            title=title,
            strict=strict,
            search=False if no_search else None,
        )
        check_collection(config, config.root / LOCK)
        if config.stylesheets is not None and not trust_stylesheets:
            raise ConfigError(
                f"{config.source}: stylesheets = {config.stylesheets}: stylesheets are code "
                "(XSLT run in SaxonC, able to read and write any of your files) and a build "
                "runs them to compile the ODD schema; give --trust-stylesheets if you trust "
                "them, or remove the setting (tei-tools then uses its cached, verified copy)"
            )
    except ConfigError as exc:
        click.echo(f"tei-tools build: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    # An ODD schema's inputs, for the compiler in every worker (validate.odd reads them)
    for variable, value in (
        ("TEI_TOOLS_TEI_SOURCE", config.tei_source),
        ("TEI_TOOLS_STYLESHEETS", config.stylesheets),
    ):
        if value is not None:
            os.environ[variable] = str(value.resolve())
    if check:
        _check(config)
    try:
        with exclusive(config.root / LOCK):
            _build(config, force, jobs, executor, scheduler, quiet, start)
    except Busy as exc:
        click.echo(
            f"tei-tools build: {config.root}: another build of this collection is running "
            f"({exc}); wait for it to finish",
            err=True,
        )
        sys.exit(EXIT_BUSY)


def _check(config: BuildConfig) -> None:
    """--check: say what a build would do, write nothing, exit 1 if it would do anything."""
    try:
        todo = plan(config)
    except ConfigError as exc:
        click.echo(f"tei-tools build: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    failed = set(todo.failed)
    for warning in todo.ignored:
        click.echo(f"tei-tools build: {warning}", err=True)
    for source in todo.todo:
        why = "failed in the last build" if source.stem in failed else "out of date"
        click.echo(f"{source.path}: {why}", err=True)
    for stem in todo.removed:
        click.echo(f"{stem}: raw file removed; its outputs remain", err=True)
    if todo.collection_stale and not (todo.todo or todo.removed):
        click.echo(f"{config.encoded}: the collection files are out of date", err=True)
    state = "up to date" if todo.up_to_date else "out of date"
    click.echo(
        f"{len(todo.fresh) + len(todo.todo)} documents: {len(todo.todo)} to build "
        f"({len(failed)} failed last time), {len(todo.removed)} to remove; {state}"
    )
    sys.exit(EXIT_OK if todo.up_to_date else EXIT_FINDINGS)


def _build(
    config: BuildConfig,
    force: bool,
    jobs: int,
    executor: str,
    scheduler: str | None,
    quiet: bool,
    start: float,
) -> None:
    if config.people is not None:  # its errors are the collection's, reported once
        from tei_tools.convert.people_file import load_people

        problems = [d for d in load_people(config.people)[1] if d.level >= Severity.ERROR]
        for diag in problems:
            click.echo(diag.format(), err=True)
        if problems:
            sys.exit(EXIT_USAGE)
    try:
        todo = plan(config, force)
    except ConfigError as exc:
        click.echo(f"tei-tools build: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    for warning in todo.ignored:
        click.echo(f"tei-tools build: {warning}", err=True)
    if todo.up_to_date:
        click.echo(f"{len(todo.fresh)} documents: nothing to rebuild, all up to date")
        sys.exit(EXIT_OK)

    def outcomes(jobs_: Iterator[Job]) -> Iterator[Outcome]:
        if executor == "dask":
            return run_dask(jobs_, scheduler)
        return run_local(jobs_, jobs)

    from tqdm import tqdm

    with tqdm(
        total=len(todo.todo), unit="doc", disable=not _progress_wanted(), file=sys.stderr
    ) as bar:

        def shown(outcome: Outcome) -> None:
            bar.update(1)
            for diag in outcome.diagnostics:
                if diag.level >= (Severity.ERROR if quiet else Severity.WARNING):
                    bar.write(diag.format(), file=sys.stderr)

        try:
            report = build(config, todo, outcomes, shown)
        except (SchemaError, ConfigError) as exc:  # a schema's includes, found only when
            # jing reads them; a link that appeared in the collection during the build
            click.echo(f"tei-tools build: {exc}", err=True)
            sys.exit(EXIT_USAGE)
        except SearchError as exc:
            click.echo(f"tei-tools build: {exc}", err=True)
            sys.exit(EXIT_FINDINGS)
    persons = [d for d in validate_persons(config) if d.level >= Severity.ERROR]
    for diag in persons:
        click.echo(diag.format(), err=True)
    seconds = time.perf_counter() - start
    d = report.diagnostics
    click.echo(
        f"{report.built + report.fresh} documents: {report.built} built, {report.fresh} up to "
        f"date, {report.removed} removed, {len(report.failed)} failed; {d['error']} errors, "
        f"{d['warning']} warnings, {d['info']} infos; {seconds:.1f} s"
    )
    for stem in report.failed:
        click.echo(f"{stem}: failed (see its diagnostics; its previous outputs stay)", err=True)
    for stem in report.warned:
        click.echo(f"{stem}: built with warnings (see its diagnostics)", err=True)
    sys.exit(EXIT_FINDINGS if report.failed or persons else EXIT_OK)
