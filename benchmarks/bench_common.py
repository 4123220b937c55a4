"""Shared by the benchmark scripts: the inputs, and the best of several timed runs."""

from __future__ import annotations

import compileall
import time
from collections.abc import Callable
from pathlib import Path

from tei_tools.convert.model import Person
from tei_tools.convert.people_file import load_people

ROOT = Path(__file__).resolve().parent.parent


def as_installed() -> None:
    """Write the package's bytecode, as ``pip install`` does, so that a command timed
    here starts as the installed tool starts. Run from a source tree where Python
    writes no bytecode (PYTHONDONTWRITEBYTECODE set, a read-only checkout), each run
    would first compile every module it imports: 0.2 s a command on these machines."""
    import tei_tools

    for package in {ROOT / "tei_tools", Path(tei_tools.__file__).resolve().parent}:
        compileall.compile_dir(package, quiet=1)


def seed_people() -> list[Person]:
    people, _ = load_people(ROOT / "raw" / "people.toml")
    return people


def seed_raw() -> bytes:
    """The raw seeds, one after the other."""
    return b"\n\n".join(p.read_bytes() for p in sorted((ROOT / "raw").glob("*.txt")))


def repeated(raw: bytes, size_mb: float) -> bytes:
    """``raw`` repeated until it holds at least ``size_mb`` megabytes."""
    return b"\n\n".join([raw] * (int(size_mb * 1e6 / len(raw)) + 1))


def best_of(repeat: int, func: Callable[[], object]) -> float:
    """The fastest of ``repeat`` runs, in seconds: the least disturbed by other load."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)
