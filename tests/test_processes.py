"""The one worker pool: results in order, and workers tuned for many small items."""

from __future__ import annotations


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
