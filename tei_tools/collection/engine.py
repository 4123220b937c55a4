"""A build: decide what is out of date, run the task on it, write every output
atomically, keep the manifest, then make the collection's files.

Safe to kill at any moment: each output is written to a temporary file and renamed;
each finished document's record is appended to a journal beside the manifest, which is
rewritten (and the journal dropped) only after the collection's files are written. The
next build replays the journal and redoes whatever the records do not vouch for, so it
ends with the same bytes as a clean build.
"""

from __future__ import annotations

import functools
import hashlib
import html
import os
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, cast

from lxml import etree

from tei_tools import __version__, budgets
from tei_tools.collection import manifest as manifest_file
from tei_tools.collection.config import BuildConfig, ConfigError
from tei_tools.collection.confine import (
    check_collection,
    check_target,
    make_folder,
    recorded_output,
    valid_stem,
)
from tei_tools.collection.persons import merge, write_persons_tei
from tei_tools.collection.task import Job, Outcome, counts, validator_for
from tei_tools.convert.readers import source_bytes, transcriptions_in
from tei_tools.convert.readers.xmlparts import ReadError
from tei_tools.diagnostics import Diagnostic
from tei_tools.io import Batch, TooLarge, atomic_file
from tei_tools.namespaces import XML_ID, T
from tei_tools.schema_files import project_schema_path
from tei_tools.site import assets, sequence
from tei_tools.site.images import file_path, find_image, site_path
from tei_tools.site.pages import (
    IndexEntry,
    entry_from_summary,
    write_index_page,
    write_persons_page,
    write_places_page,
    write_search_page,
)
from tei_tools.site.search import index_present, index_site
from tei_tools.validate.loader import line_of
from tei_tools.validate.rules import repeated_ids
from tei_tools.validate.xsd import XsdSchema

DOCUMENTS_PER_BARRIER = 16  # documents whose outputs are made durable together
LOCK = ".tei-tools.lock"  # in the collection's folder: one build at a time
PERSONS = "persons.xml"
PERSON_TAG = f"{T}person"


@dataclass
class Source:
    stem: str
    path: Path
    sha256: str
    error: str = ""  # why the source cannot be read: it fails alone


@dataclass
class Plan:
    todo: list[Source]
    fresh: list[str]
    removed: list[str]
    collection_stale: bool
    context: dict[str, Any]
    manifest: manifest_file.Manifest
    failed: list[str] = field(default_factory=list)  # in todo: they failed last time
    ignored: list[str] = field(default_factory=list)  # manifest records not trusted, and why

    @property
    def up_to_date(self) -> bool:
        return not (self.todo or self.removed or self.collection_stale)


@dataclass
class Report:
    built: int = 0
    fresh: int = 0
    removed: int = 0
    failed: list[str] = field(default_factory=list)
    warned: list[str] = field(default_factory=list)  # built, with warnings
    diagnostics: dict[str, int] = field(default_factory=lambda: counts([]))


def relative(config: BuildConfig, path: Path) -> str:
    return Path(os.path.relpath(path, config.root)).as_posix()


# Stems whose outputs would be the collection's own files (encoded/persons.xml,
# site/index.html, site/persons.html, site/search.html), compared as file systems
# that ignore case (macOS, Windows) compare them.
RESERVED_STEMS = ("index", "persons", "search")


def sources(config: BuildConfig) -> list[Path]:
    """The raw files of the collection. Refused by name: a file whose outputs would
    overwrite the collection's own files, two files that would build one output, and
    a link that leads out of the collection (it would publish that file)."""
    if not config.raw.is_dir():
        raise ConfigError(f"raw folder {config.raw} does not exist")
    found = transcriptions_in(config.raw)
    root = config.root.resolve()
    stems: dict[str, Path] = {}
    for path in found:
        if path.stem.casefold() in RESERVED_STEMS:
            raise ConfigError(
                f"{path}: its outputs would overwrite the collection's {path.stem} files "
                f"(names reserved: {', '.join(RESERVED_STEMS)}); rename it"
            )
        if not path.resolve().is_relative_to(root):
            raise ConfigError(
                f"{path}: a link to {path.resolve()}, outside the collection {root}; "
                "refusing to read it (copy the file into the collection instead)"
            )
        key = path.stem.casefold()
        if key in stems:
            raise ConfigError(
                f"{path} and {stems[key]} would both build {path.stem}.xml (names that differ "
                "only in case are one file on macOS and Windows); rename one"
            )
        stems[key] = path
    return found


def context(config: BuildConfig) -> dict[str, Any]:
    """What every document's outputs depend on besides its own raw bytes."""
    schema = config.schema or project_schema_path()
    people = config.people.read_bytes() if config.people else None
    schema_bytes = schema.read_bytes()
    if config.tei_source is not None:  # an ODD means what the TEI source it names says
        schema_bytes += config.tei_source.read_bytes()
    return {
        "tool_version": __version__,
        "schema_sha256": manifest_file.sha256(schema_bytes),
        "people_sha256": manifest_file.sha256(people) if people is not None else None,
        "exports": sorted(config.exports),
        "strict": config.strict,
        "profile": config.profile,
        "publication": config.publication.context(),
        "search": config.search,
        # only when set, so that a collection without it keeps its manifest's context
        **({"lang": config.lang} if config.lang else {}),
    }


def _outputs_present(config: BuildConfig, outputs: dict[str, Any]) -> bool:
    """Presence and size (stat only): fixity is `tei-tools package --verify`'s job."""
    for name, record in outputs.items():
        path = recorded_output(config, name)
        try:
            if path is None or path.stat().st_size != record["bytes"]:
                return False
        except (OSError, TypeError, KeyError):
            return False
    return True


def plan(config: BuildConfig, force: bool = False) -> Plan:
    check_collection(config, config.root / LOCK)
    manifest = manifest_file.load(config.encoded / manifest_file.NAME, _distrust(config))
    ignored = _untrusted(config, manifest)
    ctx = context(config)
    documents = manifest.documents
    todo: list[Source] = []
    fresh: list[str] = []
    failed: list[str] = []
    current = sources(config)
    for path in current:
        try:
            digest, error = source_digest(path), ""
        except (OSError, ReadError) as exc:
            digest, error = "", f"{relative(config, path)}: cannot be read: {exc}"
        record = documents.get(path.stem)
        if isinstance(record, dict) and record.get("status") == "failed":
            # a failure is never up to date: it is tried again, and fails again, until
            # its inputs change and it succeeds
            failed.append(path.stem)
        up_to_date = (
            not force
            and not error
            and isinstance(record, dict)
            and record.get("status") == "built"
            and record.get("raw", {}).get("sha256") == digest
            and all(record.get(k) == v for k, v in ctx.items())
            and _outputs_present(config, record.get("outputs", {}))
        )
        if up_to_date:
            fresh.append(path.stem)
        else:
            todo.append(Source(path.stem, path, digest, error))
    stems = {p.stem for p in current}
    removed = [s for s in documents.stems() if s not in stems]
    stale = (
        force
        or bool(todo or removed or ignored)  # a manifest with untrusted records is rewritten
        or not manifest.complete
        or not _outputs_present(config, manifest.collection)
        or (config.search and "html" in config.exports and not index_present(config.site))
    )
    return Plan(todo, fresh, removed, stale, ctx, manifest, failed, ignored)


def source_digest(path: Path) -> str:
    """The SHA-256 a document's record keeps of its source, read as a stream: a file's
    bytes; for an export folder its XML (as ``source_bytes`` gives it) and the page
    images its pages name, so that a changed image rebuilds the document but an
    unrelated file in the folder is never read."""
    if not path.is_dir():
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    xml = source_bytes(path)
    digest = hashlib.sha256(xml)
    named = {
        file_path(html.unescape(m.decode("utf-8", "replace"))) for m in _IMAGE_FILENAME.findall(xml)
    }
    names = {n.rsplit("/", 1)[-1] for n in named}
    for file in sorted(path.rglob("*")):
        relative_name = file.relative_to(path).as_posix()
        if not (relative_name in named or file.name in names) or not file.is_file():
            continue
        if file.is_symlink() or file.stat().st_size > budgets.MAX_IMAGE_BYTES:
            digest.update(f"{relative_name}\0not copied\n".encode())
            continue
        with file.open("rb") as handle:
            image = hashlib.file_digest(handle, "sha256").hexdigest()
        digest.update(f"{relative_name}\0{image}\n".encode())
    return digest.hexdigest()


_IMAGE_FILENAME = re.compile(rb"""imageFilename\s*=\s*["']([^"']*)["']""")


def _distrust(config: BuildConfig) -> Callable[[str, dict[str, Any]], str | None]:
    """Why a manifest record cannot be trusted, or None: the manifest is the
    collection's data, so a record naming a document or an output a build would not
    make (a stem with a folder in it, a path outside the output folders) is dropped as
    it is read, and never steers a deletion. Its document is rebuilt; the files it
    names are left alone."""

    def reason(stem: str, record: dict[str, Any]) -> str | None:
        if not valid_stem(stem):
            return "its name is not a file name"
        outputs = record.get("outputs", {})
        if not isinstance(outputs, dict):
            return "its outputs are not a table of files"
        bad = [str(name) for name in outputs if recorded_output(config, name) is None]
        if bad:
            folders = f"{relative(config, config.encoded)}/ and {relative(config, config.site)}/"
            return f"outputs outside {folders}: {', '.join(bad[:3])}"
        return None

    return reason


def _untrusted(config: BuildConfig, manifest: manifest_file.Manifest) -> list[str]:
    """The records ``manifest_file.load`` dropped, and why, for the user; collection files
    outside the output folders are forgotten too."""
    where = config.encoded / manifest_file.NAME
    ignored = [
        f"{where}: record {stem!r} ignored ({why}); nothing it names is deleted"
        for stem, why in manifest.ignored
    ]
    if any(recorded_output(config, name) is None for name in manifest.collection):
        manifest.collection = {}
        ignored.append(f"{where}: collection files outside the output folders ignored")
    return ignored


def _jobs(config: BuildConfig, todo: list[Source]) -> Iterator[Job]:
    """Read lazily: only the documents in flight are in memory."""
    people = config.people.read_bytes() if config.people else None
    people_name = relative(config, config.people) if config.people else ""
    schema = str(config.schema.resolve()) if config.schema else None
    for source in todo:
        raw, error = b"", source.error
        if not error:
            try:
                raw = source_bytes(source.path)
            except (OSError, ReadError) as exc:
                error = f"{relative(config, source.path)}: cannot be read: {exc}"
        yield Job(
            stem=source.stem,
            raw_name=relative(config, source.path),
            raw=raw,
            error=error,
            people=people,
            people_name=people_name,
            schema=schema,
            exports=tuple(sorted(config.exports)),
            tei_name=relative(config, config.encoded / f"{source.stem}.xml"),
            publication=config.publication,
            search=config.search,
            profile=config.profile,
            lang=config.lang,
        )


def _delete(config: BuildConfig, names: Any) -> None:
    """Remove outputs a manifest records; only files a build writes (see ``_untrusted``)."""
    for name in names:
        path = recorded_output(config, name)
        if path is not None:
            check_target(config.root, path)  # no link on the way, whatever appeared since
            path.unlink(missing_ok=True)


def _record(
    config: BuildConfig, outcome: Outcome, source: Source, old: dict[str, Any] | None, batch: Batch
) -> dict[str, Any]:
    """Write a document's outputs and return its manifest record."""
    raw = source.path
    record: dict[str, Any] = {"raw": {"path": relative(config, raw), "sha256": source.sha256}}
    record["diagnostics"] = counts(outcome.diagnostics)
    warnings = record["diagnostics"]["warning"]
    if config.strict and outcome.tei is not None and warnings and not outcome.failed:
        # --strict: a warning fails the document; like a failed conversion, it writes
        # nothing and keeps its previous outputs
        record.update(status="failed", outputs=(old or {}).get("outputs", {}), tei=None)
        record["validation"] = {"valid": True, **outcome.validation}
        record["failure"] = {"stage": "strict", "errors": warnings}
        return record
    if outcome.tei is None:  # nothing written: the previous outputs stay, still listed
        record.update(status="failed", outputs=(old or {}).get("outputs", {}), tei=None)
        record["validation"] = None  # there was no TEI to validate
        record["failure"] = {"stage": "conversion", "errors": record["diagnostics"]["error"]}
        return record
    files = {config.encoded / f"{outcome.stem}.xml": outcome.tei}
    for suffix, data in outcome.pages.items():
        files[config.site / f"{outcome.stem}{suffix}"] = data
    for name, data in outcome.media.items():  # beside the TEI and beside its page
        files[config.encoded / name] = data
        if outcome.pages:
            files[config.site / name] = data
    outputs = {}
    for path, data in files.items():
        make_folder(config.root, path.parent)
        batch.write(path, data)
        outputs[relative(config, path)] = manifest_file.file_record(data)
    outputs.update(_copy_images(config, raw, outcome, batch))
    record["diagnostics"] = counts(outcome.diagnostics)
    _delete(config, set((old or {}).get("outputs", {})) - set(outputs))
    tei_name = relative(config, config.encoded / f"{outcome.stem}.xml")
    record.update(
        status="failed" if outcome.failed else "built",
        tei={"path": tei_name, **outputs[tei_name]},
        outputs=outputs,
        validation={"valid": outcome.validation.get("error", 0) == 0, **outcome.validation},
        summary=outcome.summary,
    )
    if outcome.failed:
        record["failure"] = {"stage": "validation", "errors": outcome.validation["error"]}
    return record


def _copy_images(config: BuildConfig, raw: Path, outcome: Outcome, batch: Batch) -> dict[str, Any]:
    """Copy the page images the document shows into its facsimile folder, streamed;
    those missing (E004) or not copied (E005: not an image, too large, ambiguous,
    unreadable) are reported on the document, which is built without them."""
    outputs: dict[str, Any] = {}
    missing: list[str] = []
    refused: list[str] = []
    folder = config.site / "facsimile" / outcome.stem
    for url in outcome.images:
        found = find_image(raw, url)
        if found.open is None:
            (missing if found.problem == "missing" else refused).append(
                (site_path(url) or url) if found.problem == "missing" else found.problem
            )
            continue
        path = folder / site_path(url)
        make_folder(config.root, path.parent)
        try:
            with found.open() as stream:
                digest, size = batch.write_stream(path, stream, budgets.MAX_IMAGE_BYTES)
        except (TooLarge, zipfile.BadZipFile, zlib.error, EOFError) as exc:
            refused.append(f"{url}: {exc}")
            continue
        outputs[relative(config, path)] = {"sha256": digest, "bytes": size}
    for code, urls, what, hint in (
        (
            "E004",
            missing,
            "page image(s) the facsimile names are not beside the source",
            "put the images beside the source (in its export folder or zip); the page shows "
            "the zones' outlines and says the image is missing",
        ),
        (
            "E005",
            refused,
            "page image(s) not copied into the site",
            "replace each with the page's image file (JPEG, PNG, TIFF, GIF, WebP, JPEG 2000)",
        ),
    ):
        if urls:
            shown = "; ".join(urls[:3]) + (f"; and {len(urls) - 3} more" if len(urls) > 3 else "")
            outcome.diagnostics.append(
                Diagnostic(
                    code, f"{len(urls)} {what}: {shown}", relative(config, raw), 1, 1, hint=hint
                )
            )
    return outputs


def build(
    config: BuildConfig,
    plan_: Plan,
    outcomes: Callable[[Iterator[Job]], Iterator[Outcome]],
    on_outcome: Callable[[Outcome], None] = lambda _: None,
    title: str | None = None,
) -> Report:
    """Carry out ``plan_``: ``outcomes`` runs the jobs (an executor)."""
    report = Report(fresh=len(plan_.fresh))
    manifest = plan_.manifest
    documents = manifest.documents
    path = config.encoded / manifest_file.NAME
    manifest.complete = False
    for folder in (config.encoded, config.site):
        make_folder(config.root, folder)
        for leftover in folder.glob(".*.tmp"):  # atomic_write's, from a killed build
            leftover.unlink(missing_ok=True)
    journal = manifest_file.Journal(config.encoded)
    for stem in plan_.removed:
        _delete(config, (documents.pop(stem) or {}).get("outputs", {}))
        journal.add(stem, None)
        report.removed += 1
    sources_by_stem = {s.stem: s for s in plan_.todo}
    unjournaled: list[tuple[str, dict[str, Any]]] = []

    def durable() -> None:
        """One barrier for the outputs of the documents since the last; only then are
        their records journaled (a record vouches for files that are on disk)."""
        batch.commit()
        for stem, record in unjournaled:
            journal.add(stem, record)
        unjournaled.clear()

    with Batch(max_files=1 << 30) as batch:
        for outcome in outcomes(_jobs(config, plan_.todo)):
            old = documents.get(outcome.stem)
            record = _record(config, outcome, sources_by_stem[outcome.stem], old, batch)
            record.update(plan_.context)
            documents[outcome.stem] = record
            unjournaled.append((outcome.stem, record))
            if len(unjournaled) >= DOCUMENTS_PER_BARRIER:
                durable()
            report.built += 1
            _count(report, outcome, record)
            on_outcome(outcome)
        durable()
    for stem, record in documents.items():
        if record.get("status") == "failed" and stem not in report.failed:
            report.failed.append(stem)  # still failing from an earlier build
        elif record.get("status") == "built" and record["diagnostics"].get("warning"):
            report.warned.append(stem)
    manifest.collection = _collection(config, documents, title or config.title)
    manifest.complete = True
    manifest_file.save(path, manifest)
    journal.close()
    documents.close()
    return report


def _count(report: Report, outcome: Outcome, record: dict[str, Any]) -> None:
    if record["status"] == "failed":
        report.failed.append(outcome.stem)
    for level, count in record["diagnostics"].items():
        report.diagnostics[level] += count


def _collection(
    config: BuildConfig, documents: manifest_file.Records, title: str
) -> dict[str, Any]:
    """persons.xml, and in the site the index and persons pages: each written to its
    file as it is made, from the records read one at a time."""
    summaries = ((stem, r["summary"]) for stem, r in documents.items() if "summary" in r)
    entries: list[IndexEntry] = []
    titles: dict[str, str] = {}
    unidentified: dict[str, list[str]] = {}
    places: dict[tuple[str, str, str], list[str]] = {}

    def noted(pairs: Iterator[tuple[str, dict[str, Any]]]) -> Iterator[tuple[str, dict[str, Any]]]:
        for stem, summary in pairs:  # the little the pages need of each document
            titles[stem] = summary.get("title") or stem
            entries.append(entry_from_summary(stem, summary))
            for name in summary.get("unidentified", []):
                unidentified.setdefault(name, []).append(stem)
            for kind, name, ref in summary.get("names", []):
                places.setdefault((kind, name, ref), []).append(stem)
            yield stem, summary

    persons = merge(noted(summaries))
    site, search = config.publication, config.search and "html" in config.exports
    writers: dict[Path, Callable[[BinaryIO], None]] = {
        config.encoded / PERSONS: lambda out: write_persons_tei(out, persons, titles, title)
    }
    if "html" in config.exports:
        writers[config.site / "index.html"] = lambda out: write_index_page(
            out, entries, title, persons_page=True, site=site, search=search
        )
        writers[config.site / "persons.html"] = lambda out: write_persons_page(
            out, persons, titles, title, site=site, search=search, unidentified=unidentified
        )
        writers[config.site / "places.html"] = lambda out: write_places_page(
            out, places, titles, title, site=site, search=search
        )
        for name, data in assets.files().items():
            writers[config.site / name] = functools.partial(_write_bytes, data)
        if search:
            writers[config.site / "search.html"] = lambda out: write_search_page(out, title, site)
    written = {}
    for path, write in writers.items():
        make_folder(config.root, path.parent)
        check_target(config.root, path)
        with atomic_file(path) as out:
            digest = _Digesting(out)
            write(cast(BinaryIO, digest))
        written[relative(config, path)] = digest.record()
    if "html" in config.exports:
        _link_neighbours(config, documents, entries)
    if search:
        index_site(config.site)  # not in the manifest: Pagefind's bytes vary run to run
    else:
        _drop_search(config)
    return written


def _link_neighbours(
    config: BuildConfig, documents: manifest_file.Records, entries: list[IndexEntry]
) -> None:
    """Write each page's previous/next links where its neighbours by date changed
    (a page just built has none yet)."""
    stems = sequence.order([(e.stem, e.when) for e in entries])
    titles = {e.stem: e.title for e in entries}
    for stem, (prev, nxt) in sequence.neighbours(stems).items():
        record = documents.get(stem)
        name = relative(config, config.site / f"{stem}.html")
        if record is None or name not in record.get("outputs", {}):
            continue
        wanted = [prev, nxt, titles.get(prev, ""), titles.get(nxt, "")]
        if record.get("sequence") == wanted:
            continue
        path = config.root / name
        page = sequence.patched(
            path.read_bytes(),
            sequence.links((prev, titles.get(prev, "")), (nxt, titles.get(nxt, ""))),
        )
        if page is None:
            continue
        with atomic_file(path) as out:
            out.write(page)
        record["outputs"][name] = manifest_file.file_record(page)
        record["sequence"] = wanted
        documents[stem] = record


def _drop_search(config: BuildConfig) -> None:
    """--no-search: a search page and index from an earlier build would be stale."""
    import shutil

    (config.site / "search.html").unlink(missing_ok=True)
    shutil.rmtree(config.site / "pagefind", ignore_errors=True)


def _write_bytes(data: bytes, out: BinaryIO) -> None:
    out.write(data)


class _Digesting:
    """Passes bytes on to a file and keeps their SHA-256 and count (the manifest's
    record of a file written in pieces)."""

    def __init__(self, out: BinaryIO) -> None:
        self.out, self.hash, self.size = out, hashlib.sha256(), 0

    def write(self, data: Any) -> int:
        self.out.write(data)
        self.hash.update(data)
        self.size += len(data)
        return len(data)

    def record(self) -> dict[str, Any]:
        return {"sha256": self.hash.hexdigest(), "bytes": self.size}


def validate_persons(config: BuildConfig) -> list[Diagnostic]:
    """persons.xml against the collection's schema, and its xml:ids unique. The file
    grows with the collection, so against an XML Schema it is checked as a stream
    (each person dropped once read); its pointers into the documents are made from
    their own ids, so they are not looked up again (that would parse every document)."""
    path = config.encoded / PERSONS
    name = relative(config, path)
    validator = validator_for(str(config.schema.resolve()) if config.schema else None)
    schema = validator.schema
    if not isinstance(schema, XsdSchema):
        return [d for d in validator.iter_errors(name, path.read_bytes()) if d.code[0] in "SV"]
    found: list[Diagnostic] = []

    def identified() -> Iterator[tuple[etree._Element, str]]:
        for _, element in etree.iterparse(
            str(path), schema=schema.fast, resolve_entities=False, no_network=True
        ):
            ident = element.get(XML_ID)
            if ident is not None:
                yield element, ident
            if element.tag == PERSON_TAG:
                element.clear()  # the persons read so far are never needed again

    try:
        for element, message, hint in repeated_ids(identified()):
            found.append(Diagnostic("R002", message, name, line_of(element), 1, hint=hint))
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (1, 1)
        found.append(Diagnostic("S001", str(exc.msg or exc), name, line, max(column, 1)))
    return found
