"""The one worker pool: results in order, and workers tuned for many small items."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest


def _worker_gc_state(_: int) -> tuple[int, int]:
    import gc

    return gc.get_threshold()[0], gc.get_freeze_count()


def test_pool_workers_collect_less_often_and_the_parent_is_left_as_it_was() -> None:
    import gc

    from tei_tools.processes import _GC_FIRST_GENERATION, in_order

    gc.unfreeze()  # a freeze an earlier test's validation left in this process
    before = gc.get_threshold()
    states = list(in_order(_worker_gc_state, [1, 2, 3, 4], 2))
    assert all(first == _GC_FIRST_GENERATION for first, _ in states)
    assert all(frozen > 0 for _, frozen in states)  # the parent's objects, out of their way
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_a_callers_freeze_outlasts_the_pool() -> None:
    import gc

    from tei_tools.processes import in_order

    gc.freeze()
    try:
        list(in_order(_worker_gc_state, [1, 2], 2))
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def _double_or_fail(n: int) -> int:
    if n < 0:
        raise ValueError(f"item {n}")
    return 2 * n


def test_the_costliest_items_go_first_window_by_window() -> None:
    from tei_tools.processes import costliest_first

    assert costliest_first([1, 5, 3, 5, 2], 8) == [1, 3, 2, 4, 0]  # ties keep their order
    assert costliest_first([1, 5, 3, 9, 2], 2) == [1, 0, 3, 2, 4]
    assert costliest_first([], 8) == []


def test_the_workers_are_handed_the_costliest_items_first_and_results_come_in_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A pool that records what it is handed and returns results last first: the items
    go out costliest first, window by window, and come back in the items' order."""
    import contextlib

    from tei_tools import processes

    handed: list[int] = []

    class Backwards:
        def __init__(self, work: Callable[[int], int]) -> None:
            self.work = work

        def imap_unordered(self, _run: object, pairs: list[tuple[int, int]]) -> Iterator:
            handed.extend(item for _, item in pairs)
            return iter([(i, self.work(item)) for i, item in reversed(pairs)])

    @contextlib.contextmanager
    def pool(work: Callable[[int], int], workers: int) -> Iterator[Backwards]:
        yield Backwards(work)

    monkeypatch.setattr(processes, "_pool", pool)
    monkeypatch.setattr(processes, "LPT_WINDOW", 2)  # windows of 2 a worker: 4 items
    items = [10, 40, 20, 30, 50, 60]
    got = list(processes.in_order(lambda n: n + 1, items, 2, cost=lambda n: n))
    assert handed == [40, 30, 20, 10, 60, 50]
    assert got == [11, 41, 21, 31, 51, 61]


def test_results_come_in_the_items_order_whatever_their_cost() -> None:
    from tei_tools.processes import in_order

    items = list(range(40))
    got = list(in_order(_double_or_fail, items, 2, cost=lambda n: (n * 7) % 11))
    assert got == [2 * n for n in items]


def test_an_items_error_comes_after_every_earlier_result() -> None:
    import pytest

    from tei_tools.processes import in_order

    items = [1, 2, -3, 4, 5]
    got: list[int] = []
    with pytest.raises(ValueError, match="item -3"):
        for result in in_order(_double_or_fail, items, 2, cost=lambda n: -n):  # -3 goes first
            got.append(result)
    assert got == [2, 4]


def test_an_items_error_says_where_in_the_worker_it_was_raised() -> None:
    import pytest

    from tei_tools.processes import WorkerTraceback, in_order

    with pytest.raises(ValueError) as raised:
        list(in_order(_double_or_fail, [1, -2, 3], 2, cost=lambda n: n))
    cause = raised.value.__cause__
    assert isinstance(cause, WorkerTraceback)
    assert "_double_or_fail" in str(cause) and "item -2" in str(cause)


def test_a_conversions_cost_is_the_bytes_it_reads(tmp_path: Path) -> None:
    from tei_tools.commands.convert import Task, input_size

    def task(source: str, stdin: bytes | None = None) -> Task:
        return Task(source, "out.xml", [], "keep", "auto", None, None, stdin)

    export = tmp_path / "export"
    (export / "page").mkdir(parents=True)
    (export / "mets.xml").write_bytes(b"x" * 10)
    (export / "page" / "0001.xml").write_bytes(b"x" * 100)
    (export / "page" / "0001.jpg").write_bytes(b"x" * 5000)  # beside it, never read
    (tmp_path / "memo.txt").write_bytes(b"x" * 7)
    assert input_size(task(str(export))) == 110  # an export's XML files summed
    assert input_size(task(str(tmp_path / "memo.txt"))) == 7
    assert input_size(task("-", b"abc")) == 3
    assert input_size(task(str(tmp_path / "gone.txt"))) == 0  # reported by the conversion
