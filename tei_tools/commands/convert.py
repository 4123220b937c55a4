"""``tei-tools convert``: raw transcriptions → TEI files (or stdout)."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from tei_tools.collection.config import (
    LANGUAGE_TAG,
    ConfigError,
    collection_config,
)
from tei_tools.commands.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_USAGE,
    jobs_option,
    read_input,
    report,
)
from tei_tools.convert import convert_bytes
from tei_tools.convert.model import Person
from tei_tools.convert.people_file import load_people
from tei_tools.convert.profiles import AUTO, PROFILES
from tei_tools.convert.readers import (
    SOURCE_SUFFIXES,
    export_size,
    is_page_export,
    source_bytes,
    transcriptions_in,
)
from tei_tools.convert.readers.mets import is_mets_name
from tei_tools.convert.readers.runs import TRACKED_CHANGES
from tei_tools.convert.readers.xmlparts import ReadError
from tei_tools.diagnostics import Diagnostic, Severity
from tei_tools.io import Batch
from tei_tools.processes import in_order
from tei_tools.publication import Publication

PEOPLE_FILE = "people.toml"


def document_path(source: str) -> Path:
    """The path that names a document: a PAGE export is named by its folder, also
    when it is given as the folder's mets.xml."""
    path = Path(source)
    return path.parent if is_mets_name(path.name) else path


def output_path(source: str, output: str | None, out_dir: str | None) -> str:
    if output is not None:
        return output
    if out_dir is not None:
        name = "stdin" if source == "-" else document_path(source).stem
        return str(Path(out_dir) / f"{name}.xml")
    if source == "-":
        return "-"
    return str(document_path(source).with_suffix(".xml"))


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


def _language_tag(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not LANGUAGE_TAG.fullmatch(value):
        raise click.BadParameter(f"{value!r} is not a BCP 47 language tag (en, de-AT, la)")
    return value


def expand_inputs(inputs: tuple[str, ...]) -> list[str]:
    """Files as given; a PAGE export's folder is one input; any other folder stands
    for the transcriptions in it (see ``transcriptions_in``). A folder that holds
    none is a usage error: converting nothing is no success."""
    files: list[str] = []
    for item in inputs:
        if item != "-" and Path(item).is_dir() and not is_page_export(Path(item)):
            found = [str(p) for p in transcriptions_in(Path(item))]
            if not found:
                raise click.UsageError(
                    f"no input files ({', '.join(SOURCE_SUFFIXES)}, PAGE exports) in {item}"
                )
            files.extend(found)
        else:
            files.append(item)
    return files


@dataclass(frozen=True)
class Task:
    """One input to convert, with everything its conversion needs (sent to a worker)."""

    source: str
    target: str
    collection: list[Person]
    tracked: str
    profile: str
    lang: str | None
    publication: Publication | None
    stdin: bytes | None = None  # standard input, read in the parent
    file_grp: str | None = None


@dataclass(frozen=True)
class Converted:
    diagnostics: list[Diagnostic]
    xml: bytes | None  # None: the conversion failed (see the diagnostics)
    unreadable: bool = False  # the input could not be read at all
    media: dict[str, bytes] = field(default_factory=dict)  # images, by path beside the TEI


def convert_task(task: Task) -> Converted:
    """Convert one input; never raises on bad input. Runs in a worker process, so it
    prints nothing: the parent reports and writes, in the inputs' order."""
    name, base = task.source, None
    if task.stdin is not None:
        data, name = task.stdin, "<stdin>"
    elif Path(task.source).is_dir():
        try:
            data = source_bytes(Path(task.source))
        except (ReadError, OSError) as exc:
            why = f"cannot read the export: {exc}"
            return Converted([Diagnostic("C008", why, task.source, 0, 0)], None, True)
    else:
        base = Path(task.source).parent
        try:
            data = Path(task.source).read_bytes()
        except OSError as exc:
            why = f"cannot read input: {exc.strerror or exc}"
            return Converted([Diagnostic("C006", why, task.source, 0, 0)], None, True)
    result = convert_bytes(
        data,
        name,
        task.collection,
        base=base,
        tracked=task.tracked,
        profile=task.profile,
        lang=task.lang,
        publication=task.publication,
        file_grp=task.file_grp,
    )
    return Converted(result.diagnostics, result.xml() if result.ok else None, media=result.media)


def input_size(task: Task) -> int:
    """The bytes a task reads (an export's XML files summed): how long it takes,
    roughly, so that the workers can take the largest first. 0 when it cannot be told
    (the conversion reports why)."""
    if task.stdin is not None:
        return len(task.stdin)
    try:
        path = Path(task.source)
        return export_size(path) if path.is_dir() else path.stat().st_size
    except OSError:
        return 0


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
@click.option(
    "--tracked-changes",
    type=click.Choice(TRACKED_CHANGES),
    default="keep",
    show_default=True,
    help="Word's tracked changes: keep them as del/add with @change, or accept or "
    "reject them (for those who track their own corrections).",
)
@click.option(
    "--profile",
    type=click.Choice(PROFILES),
    help="How to read each document: as a memorandum (front matter, participants, "
    "speakers, classification), as a document (what the source states, nothing "
    "more), or auto: a memorandum where its heading or participants list shows it. "
    "Default: the collection's `profile`, else auto.",
)
@click.option(
    "--lang",
    callback=_language_tag,
    metavar="TAG",
    help="The text's language (BCP 47: en, de-AT, la), over what the source states; "
    "default: the collection's 'lang', else what the source states (none when it states none).",
)
@click.option(
    "--file-grp",
    metavar="NAME",
    help="A METS export's group of PAGE files to read (an OCR-D workspace has one per "
    "step); default: the ground truth group, else the last complete one.",
)
@jobs_option("Worker processes for several inputs.")
@click.option("-q", "--quiet", is_flag=True, help="Print warnings and errors only.")
def convert(
    inputs: tuple[str, ...],
    output: str | None,
    out_dir: str | None,
    check: bool,
    strict: bool,
    people: str | None,
    no_people: bool,
    tracked_changes: str,
    profile: str | None,
    lang: str | None,
    file_grp: str | None,
    jobs: int,
    quiet: bool,
) -> None:
    """Convert transcriptions to TEI P5: raw text, Word (.docx) or PAGE-XML (a
    Transkribus/eScriptorium export: its mets.xml, its folder or a zip; or one PAGE
    file). INPUT is a file, a folder of them, or '-'; the format is read from the
    content, not the name.

    Without -o or --out-dir, INPUT.txt is written to INPUT.xml beside it (a PAGE
    export to FOLDER.xml beside its folder).
    """
    sources = expand_inputs(inputs)
    if output is not None and (len(sources) > 1 or out_dir is not None):
        raise click.UsageError("-o/--output takes a single input and excludes --out-dir")
    status = EXIT_OK
    cache: dict[str, tuple[list[Person], list[Diagnostic]]] = {}
    configs: dict[Path, Any] = {}  # collection root -> its configuration, or None
    if out_dir is not None and not check:
        Path(out_dir).mkdir(parents=True, exist_ok=True)
    tasks: list[Task] = []
    for source in sources:
        target = output_path(source, output, out_dir)
        if source != "-" and target != "-" and _same_file(source, target):
            click.echo(f"{source}:0:0: error C006 the output would overwrite the input", err=True)
            status = max(status, EXIT_USAGE)
            continue
        collection, people_diags = collection_for(
            str(document_path(source)), people, no_people, cache
        )
        if any(d.level is Severity.ERROR for d in people_diags):
            report(people_diags, quiet)
            status = max(status, EXIT_USAGE)
            continue
        try:
            config = collection_config(source, configs)
        except ConfigError as exc:
            click.echo(f"tei-tools convert: {exc}", err=True)
            status = max(status, EXIT_USAGE)
            continue
        stdin = None
        if source == "-":
            stdin = read_input(source, "C006")
            if stdin is None:
                status = max(status, EXIT_USAGE)
                continue
        tasks.append(
            Task(
                source,
                target,
                collection,
                tracked_changes,
                profile or (config.profile if config is not None else AUTO),
                lang or (config.lang if config is not None else None),
                config.publication if config is not None else None,
                stdin,
                file_grp,
            )
        )
    with Batch() as batch:  # one durability barrier for all the outputs
        converted = in_order(convert_task, tasks, jobs, cost=input_size)
        for task, done in zip(tasks, converted, strict=True):
            report(done.diagnostics, quiet)
            if done.unreadable:
                status = max(status, EXIT_USAGE)
                continue
            failed = done.xml is None or (
                strict and any(d.level >= Severity.WARNING for d in done.diagnostics)
            )
            if failed or done.xml is None:
                status = max(status, EXIT_FINDINGS)
                continue
            if check:
                on_disk = Path(task.target)
                current = on_disk.read_bytes() if on_disk.is_file() else None
                if current != done.xml:
                    click.echo(
                        f"{task.target}: out of date with {task.source} "
                        f"(run: tei-tools convert {task.source} -o {task.target})",
                        err=True,
                    )
                    status = max(status, EXIT_FINDINGS)
            elif task.target == "-":
                sys.stdout.buffer.write(done.xml)
                sys.stdout.flush()
                if done.media:
                    click.echo(
                        f"{task.source}:0:0: warning C401 {len(done.media)} images the TEI "
                        "points to are not written: the TEI went to standard output "
                        "(give -o or --out-dir to have them beside it)",
                        err=True,
                    )
            else:
                try:
                    for name, data in done.media.items():  # the images, where the TEI points
                        image = Path(task.target).parent / name
                        image.parent.mkdir(parents=True, exist_ok=True)
                        batch.write(image, data)
                except OSError as exc:  # this input's images: its TEI is not written either
                    click.echo(
                        f"{task.source}:0:0: error C006 its images cannot be written beside "
                        f"{task.target}: {exc.strerror or exc}",
                        err=True,
                    )
                    status = max(status, EXIT_FINDINGS)
                    continue
                batch.write(Path(task.target), done.xml)
    sys.exit(status)
