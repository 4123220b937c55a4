"""The one worker pool: results in order, and workers tuned for many small items."""

from __future__ import annotations

from pathlib import Path


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

    assert costliest_first([1, 5, 3, 5, 2]) == [1, 3, 2, 4, 0]  # ties keep their order
    assert costliest_first([1, 5, 3, 9, 2], window=2) == [1, 0, 3, 2, 4]
    assert costliest_first([]) == []


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


def test_a_conversions_cost_is_the_bytes_it_reads(tmp_path: Path) -> None:
    from tei_tools.commands.convert import Task, input_size

    def task(source: str, stdin: bytes | None = None) -> Task:
        return Task(source, "out.xml", [], "keep", "auto", None, None, stdin)

    export = tmp_path / "export"
    (export / "page").mkdir(parents=True)
    (export / "mets.xml").write_bytes(b"x" * 10)
    (export / "page" / "0001.xml").write_bytes(b"x" * 100)
    (tmp_path / "memo.txt").write_bytes(b"x" * 7)
    assert input_size(task(str(export))) == 110  # an export's files summed
    assert input_size(task(str(tmp_path / "memo.txt"))) == 7
    assert input_size(task("-", b"abc")) == 3
    assert input_size(task(str(tmp_path / "gone.txt"))) == 0  # reported by the conversion
