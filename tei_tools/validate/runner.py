"""Running the validator over many files: path expansion and parallel workers.

The schema is compiled once, in the parent; worker processes are forked from it
and inherit the compiled schema, so ``--jobs`` adds no compile cost.
"""

from __future__ import annotations

import functools
import gc
import glob
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tei_tools.diagnostics import Diagnostic, Severity, capped
from tei_tools.processes import in_order
from tei_tools.validate import Options, SchemaError, Validator
from tei_tools.validate.budget import Job, UnitLog, run_many

if TYPE_CHECKING:
    from tei_tools.validate.xml_model import Model

STDIN = "-"


@dataclass
class FileResult:
    name: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    seconds: float = 0.0
    deferred: bool = False  # the schema's verdict comes after the pass (Pending)

    def worst(self) -> Severity | None:
        return max((d.level for d in self.diagnostics), default=None)


def expand(paths: Iterable[str]) -> tuple[list[str], list[FileResult]]:
    """Files to check (directories recursively for *.xml, globs) and missing paths."""
    files: list[str] = []
    missing: list[FileResult] = []
    for raw in paths:
        if raw == STDIN:
            files.append(STDIN)
        elif Path(raw).is_dir():
            found = sorted(str(p) for p in Path(raw).rglob("*.xml") if p.is_file())
            if not found:
                missing.append(_unreadable(raw, "no input files (*.xml) in this folder"))
            files.extend(found)
        elif Path(raw).exists():
            files.append(raw)
        elif glob.has_magic(raw):
            matches = sorted(glob.glob(raw, recursive=True))
            if not matches:
                missing.append(_unreadable(raw, "no file matches this pattern"))
            files.extend(m for m in matches if Path(m).is_file())
        else:
            missing.append(_unreadable(raw, "no such file or directory"))
    return list(dict.fromkeys(files)), missing


def _unreadable(name: str, why: str) -> FileResult:
    return FileResult(
        name,
        [
            Diagnostic(
                "V006", f"cannot read: {why}", name, 0, 0, hint="check the path and its permissions"
            )
        ],
    )


def _read(name: str, max_bytes: int) -> tuple[str, bytes, int | None] | FileResult:
    """The name to show, the bytes and (for a file too large to read) its size; or the
    result of a file that cannot be read."""
    try:
        size = None if name == STDIN else Path(name).stat().st_size
        if size is not None and size > max_bytes:
            return name, b"", size  # the loader reports it from the size alone
        data = sys.stdin.buffer.read() if name == STDIN else Path(name).read_bytes()
    except OSError as exc:
        return _unreadable(name, exc.strerror or str(exc))
    return ("<stdin>" if name == STDIN else name), data, None


def check_file(validator: Validator, name: str, defer: bool = True) -> FileResult:
    """``name`` checked through every layer; ``defer``: a batch engine may leave its
    verdict for after the pass (never after it: the file is checked now)."""
    start = time.perf_counter()
    read = _read(name, validator.max_bytes)
    if isinstance(read, FileResult):
        return read
    shown, data, size = read
    checked = validator.check(shown, data, size, defer=defer)
    if not isinstance(checked, list):  # Pending: settled after the pass
        return FileResult(shown, deferred=True)
    return FileResult(shown, checked, time.perf_counter() - start)


def _checked_here(validator: Validator, name: str, units: UnitLog) -> tuple[str, Any, float]:
    """In a supervised worker: one file read and checked through every layer (its
    findings uncapped: the parent adds the units it stopped, then caps)."""
    start = time.perf_counter()
    read = _read(name, validator.max_bytes)
    if isinstance(read, FileResult):
        return name, read, 0.0
    shown, data, size = read
    checked = validator.check_here(shown, data, size, units)
    return shown, checked, time.perf_counter() - start


def run(
    validator: Validator,
    files: list[str],
    jobs: int,
    on_result: Callable[[FileResult], None] | None = None,
) -> list[FileResult]:
    """Check ``files`` in order. A schema with a batch engine (jing) is prepared for
    the whole batch before the workers fork; the files it defers are settled by that
    engine after the pass and checked again here, in the parent."""
    schema = validator.schema
    from tei_tools.validate.protocol import BatchSchema

    batch = schema if isinstance(schema, BatchSchema) and validator.wanted("S001") else None
    if batch is not None:
        batch.prepare(files, jobs, validator.max_bytes)
    # The compiled schemas stay out of every later collection (here and in the workers
    # forked from here): scanning them would cost every document, and copy their pages
    gc.freeze()
    results: list[FileResult] = []
    for result in _iter_results(validator, files, jobs):
        results.append(result)
        if on_result is not None and not result.deferred:
            on_result(result)
    if batch is not None:
        deferred = [i for i, r in enumerate(results) if r.deferred]
        batch.settle([files[i] for i in deferred], [r.name for r in results if _valid(r)])
        validator.restart()  # a worker forked before the settling lacks its verdicts
        for i in deferred:
            results[i] = check_file(validator, files[i], defer=False)
            if on_result is not None:
                on_result(results[i])
    return results


def _valid(result: FileResult) -> bool:
    """No schema finding, shown or counted (V007): the schema accepted the file, or
    never saw it (then its verdict is never looked up: a file that does not load
    reaches no schema)."""
    return not result.deferred and not any(d.code in ("S001", "V007") for d in result.diagnostics)


def _iter_results(validator: Validator, files: list[str], jobs: int) -> Iterator[FileResult]:
    """Each file's result, in order: a schema with rules checks each file in a pool
    of supervised workers (``validate.budget``: one parse per file for every layer),
    another in the plain pool."""
    if STDIN in files:
        jobs = 1
    if not validator.schema.runs_rules or STDIN in files:
        yield from in_order(functools.partial(check_file, validator), files, jobs)
        return
    work = functools.partial(_checked_here, validator)
    pending = [Job(name, name) for name in files]
    for (shown, outcome, seconds), stopped in _supervised(work, validator, pending, jobs):
        if isinstance(outcome, FileResult):
            yield outcome
        elif isinstance(outcome, tuple):
            found, more = outcome
            found += [d for d in stopped if validator.wanted(d.code)]
            yield FileResult(shown, capped(found, validator.max_findings, shown, more), seconds)
        elif outcome is None:  # the worker died before any rule, or failed: said in stopped
            said = [d for d in stopped if validator.wanted(d.code)]
            yield FileResult(shown, capped(said, validator.max_findings, shown))
        else:  # Pending: settled after the pass
            yield FileResult(shown, deferred=True)


def _supervised(
    work: Any, validator: Validator, pending: list[Job], jobs: int
) -> Iterator[tuple[tuple[str, Any, float], list[Diagnostic]]]:
    for (result, stopped), job in zip(
        run_many(work, validator.schema.name, pending, jobs), pending, strict=True
    ):
        yield (result if result is not None else (job.name, None, 0.0)), stopped


def validate_files(
    files: list[str],
    schema: Path | None,
    options: Options,
    jobs: int,
    network: Path | None = None,
    on_result: Callable[[FileResult], None] | None = None,
    on_group: Callable[[Validator, tuple[Model, ...] | None, int], None] | None = None,
) -> list[FileResult]:
    """Check ``files`` in order: against ``schema`` alone, or (None) against the
    project schema and, in addition (never instead), the schemas each file's
    xml-model instructions name; files naming the same ones are checked together.
    ``network``: where remote schemas are kept (None: none is fetched). SchemaError
    when the schema itself cannot be used."""
    from tei_tools.validate.xml_model import by_models

    validator = Validator.of(schema, options)
    groups = {None: files} if schema is not None else by_models(files)
    checked: dict[str, FileResult] = {}
    for models, group in groups.items():
        if on_group is not None:
            on_group(validator, models, len(group))
        if models is None:
            done = run(validator, group, jobs, on_result)
        else:
            done = _with_models(models, group, jobs, validator, options, network, on_result)
        checked.update(zip(group, done, strict=True))
    return [checked[f] for f in files]


def _with_models(
    models: tuple[Model, ...],
    files: list[str],
    jobs: int,
    validator: Validator,
    options: Options,
    network: Path | None,
    on_result: Callable[[FileResult], None] | None,
) -> list[FileResult]:
    """The files whose xml-model instructions name ``models``: checked against the
    project schema and, in addition, those schemas. A schema that cannot be used is a
    V008 error on each file (never a silent fall back), and the project schema still
    checks them."""
    from tei_tools.validate.xml_model import ModelSchema

    try:
        schema = ModelSchema(models, options.cache, options.schematron, network, validator.schema)
    except SchemaError as exc:
        done = run(validator, files, jobs)
        for result in done:
            result.diagnostics.insert(0, Diagnostic("V008", str(exc), result.name, 1, 1))
            if on_result is not None:
                on_result(result)
        return done
    # the project schema checks them too: its encoding's own rules hold
    return run(Validator.of(schema, options, validator.profile), files, jobs, on_result=on_result)
