"""Running the validator over many files: path expansion and parallel workers.

The schema is compiled once, in the parent; worker processes are forked from it
and inherit the compiled schema, so ``--jobs`` adds no compile cost.
"""

from __future__ import annotations

import gc
import glob
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tei_tools.diagnostics import Diagnostic, Severity
from tei_tools.processes import in_order
from tei_tools.validate import Validator

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


_VALIDATOR: Validator | None = None  # set in the parent before workers fork


def check_file(name: str) -> FileResult:
    assert _VALIDATOR is not None
    start = time.perf_counter()
    try:
        size = None if name == STDIN else Path(name).stat().st_size
        if size is not None and size > _VALIDATOR.max_bytes:
            # Too large to read: the loader reports it from the size alone.
            found = list(_VALIDATOR.iter_errors(name, b"", size=size))
            return FileResult(name, found, time.perf_counter() - start)
        data = sys.stdin.buffer.read() if name == STDIN else Path(name).read_bytes()
    except OSError as exc:
        return _unreadable(name, exc.strerror or str(exc))
    shown = "<stdin>" if name == STDIN else name
    checked = _VALIDATOR.check(shown, data, defer=True)
    if not isinstance(checked, list):  # Pending: settled after the pass
        return FileResult(shown, deferred=True)
    return FileResult(shown, checked, time.perf_counter() - start)


def run(
    validator: Validator,
    files: list[str],
    jobs: int,
    on_result: Callable[[FileResult], None] | None = None,
) -> list[FileResult]:
    """Check ``files`` in order. A schema with a batch engine (jing) is prepared for
    the whole batch before the workers fork; the files it defers are settled by that
    engine after the pass and checked again here, in the parent."""
    global _VALIDATOR
    _VALIDATOR = validator
    schema = validator.schema
    from tei_tools.validate.schemas import BatchSchema

    batch = schema if isinstance(schema, BatchSchema) and validator.wanted("S001") else None
    if batch is not None:
        batch.prepare(files, jobs, validator.max_bytes)
    # The compiled schemas stay out of every later collection (here and in the workers
    # forked from here): scanning them would cost every document, and copy their pages
    gc.freeze()
    results: list[FileResult] = []
    for result in _iter_results(files, jobs):
        results.append(result)
        if on_result is not None and not result.deferred:
            on_result(result)
    if batch is not None:
        deferred = [i for i, r in enumerate(results) if r.deferred]
        batch.settle([files[i] for i in deferred], [r.name for r in results if _valid(r)])
        validator.restart()  # a worker forked before the settling lacks its verdicts
        for i in deferred:
            results[i] = check_file(files[i])
            if on_result is not None:
                on_result(results[i])
    return results


def _valid(result: FileResult) -> bool:
    """No schema finding, shown or counted (V007): the schema accepted the file, or
    never saw it (then its verdict is never looked up: a file that does not load
    reaches no schema)."""
    return not result.deferred and not any(d.code in ("S001", "V007") for d in result.diagnostics)


def _iter_results(files: list[str], jobs: int) -> Iterator[FileResult]:
    if STDIN in files:
        jobs = 1
    yield from in_order(check_file, files, jobs)
