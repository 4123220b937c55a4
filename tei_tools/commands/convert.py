"""``tei-tools convert``: raw transcriptions → TEI files (or stdout)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tei_tools.commands.common import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, read_input, report
from tei_tools.convert import convert_bytes
from tei_tools.convert.model import Person
from tei_tools.convert.people_file import load_people
from tei_tools.diagnostics import Diagnostic, Severity
from tei_tools.io import Batch

PEOPLE_FILE = "people.toml"


def output_path(source: str, output: str | None, out_dir: str | None) -> str:
    if output is not None:
        return output
    if out_dir is not None:
        name = "stdin" if source == "-" else Path(source).stem
        return str(Path(out_dir) / f"{name}.xml")
    return "-" if source == "-" else str(Path(source).with_suffix(".xml"))


def collection_for(
    source: str,
    people: str | None,
    no_people: bool,
    cache: dict[str, tuple[list[Person], list[Diagnostic]]],
) -> tuple[list[Person], list[Diagnostic]]:
    """The people file given with --people, else ``people.toml`` beside the input."""
    if no_people:
        return [], []
    if people is not None:
        path = Path(people)
    else:
        folder = Path.cwd() if source == "-" else Path(source).parent
        path = folder / PEOPLE_FILE
        if not path.is_file():
            return [], []
    key = str(path.resolve())
    if key not in cache:
        cache[key] = load_people(path)
    return cache[key]


def expand_inputs(inputs: tuple[str, ...]) -> list[str]:
    """Files as given; a folder stands for the transcriptions in it (*.txt, *.md).
    A folder that holds none is a usage error: converting nothing is no success."""
    files: list[str] = []
    for item in inputs:
        if item != "-" and Path(item).is_dir():
            found = sorted(
                str(p) for p in Path(item).iterdir() if p.suffix in (".txt", ".md") and p.is_file()
            )
            if not found:
                raise click.UsageError(f"no input files (*.txt, *.md) in {item}")
            files.extend(found)
        else:
            files.append(item)
    return files


def _same_file(source: str, target: str) -> bool:
    return Path(source).resolve() == Path(target).resolve()


@click.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option(
    "-o",
    "--output",
    type=click.Path(allow_dash=True),
    help="Output file ('-' for stdout); only with a single input.",
)
@click.option(
    "--out-dir",
    type=click.Path(file_okay=False),
    help="Write INPUT.xml for each input into this folder.",
)
@click.option(
    "--check",
    is_flag=True,
    help="Write nothing; exit 1 when an output on disk differs from the conversion.",
)
@click.option("--strict", is_flag=True, help="Treat warnings as failures (exit 1).")
@click.option(
    "--people",
    type=click.Path(dir_okay=False),
    help=f"People file (default: {PEOPLE_FILE} beside each input, if present).",
)
@click.option("--no-people", is_flag=True, help="Use no people file.")
@click.option("-q", "--quiet", is_flag=True, help="Print warnings and errors only.")
def convert(
    inputs: tuple[str, ...],
    output: str | None,
    out_dir: str | None,
    check: bool,
    strict: bool,
    people: str | None,
    no_people: bool,
    quiet: bool,
) -> None:
    """Convert raw transcriptions (INPUT: file, folder of *.txt/*.md, or '-') to TEI P5.

    Without -o or --out-dir, INPUT.txt is written to INPUT.xml beside it.
    """
    sources = expand_inputs(inputs)
    if output is not None and (len(sources) > 1 or out_dir is not None):
        raise click.UsageError("-o/--output takes a single input and excludes --out-dir")
    status = EXIT_OK
    cache: dict[str, tuple[list[Person], list[Diagnostic]]] = {}
    if out_dir is not None and not check:
        Path(out_dir).mkdir(parents=True, exist_ok=True)
    with Batch() as batch:  # one durability barrier for all the outputs
        for source in sources:
            target = output_path(source, output, out_dir)
            if source != "-" and target != "-" and _same_file(source, target):
                click.echo(
                    f"{source}:0:0: error C006 the output would overwrite the input", err=True
                )
                status = max(status, EXIT_USAGE)
                continue
            data = read_input(source, "C006")
            if data is None:
                status = max(status, EXIT_USAGE)
                continue
            collection, people_diags = collection_for(source, people, no_people, cache)
            if any(d.level is Severity.ERROR for d in people_diags):
                report(people_diags, quiet)
                status = max(status, EXIT_USAGE)
                continue
            name = "<stdin>" if source == "-" else source
            result = convert_bytes(data, name, collection)
            report(result.diagnostics, quiet)
            failed = not result.ok or (
                strict and any(d.level >= Severity.WARNING for d in result.diagnostics)
            )
            if failed:
                status = max(status, EXIT_FINDINGS)
                continue
            xml = result.xml()
            if check:
                current = Path(target).read_bytes() if Path(target).is_file() else None
                if current != xml:
                    click.echo(
                        f"{target}: out of date with {source} "
                        f"(run: tei-tools convert {source} -o {target})",
                        err=True,
                    )
                    status = max(status, EXIT_FINDINGS)
            elif target == "-":
                sys.stdout.buffer.write(xml)
                sys.stdout.flush()
            else:
                batch.write(Path(target), xml)
    sys.exit(status)
