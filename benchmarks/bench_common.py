"""Shared by the benchmark scripts: the inputs, and the best of several timed runs."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from tei_tools.convert.model import Person
from tei_tools.convert.people_file import load_people

ROOT = Path(__file__).resolve().parent.parent


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
