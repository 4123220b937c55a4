"""Worker processes that end with their parent, and one build of a collection at a time."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import gc
import multiprocessing
import os
import signal
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

_PR_SET_PDEATHSIG = 1

T = TypeVar("T")
R = TypeVar("R")


def die_with_parent() -> None:
    """A pool's initializer: the kernel kills this worker when its parent dies, even by
    SIGKILL (Linux's PR_SET_PDEATHSIG), so a killed command leaves no worker running.
    Elsewhere a no-op: the workers then end when their pipe to the parent closes."""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() == 1:  # the parent died before the call: end now
        os._exit(1)


def in_order(
    work: Callable[[T], R],
    items: Sequence[T],
    jobs: int,
    *,
    at_least: int = 2,
    cost: Callable[[T], float] | None = None,
) -> Iterator[R]:
    """``work`` over ``items``, results in the items' order: in ``jobs`` workers
    forked from this process (they inherit ``work`` and all it holds, a compiled
    schema say: only the items and results are pickled) when there are at least
    ``at_least`` items and more than one job, else here. The one worker pool of every
    command that handles many files.

    ``cost`` (an item's expected work, its size say): the workers take the costliest
    items of each window of a few items a worker first, so that the last items handed
    out are short and the workers finish together; results still come in the items'
    order, the first as soon as its window is done. Items so many that they go to the
    workers in chunks ignore ``cost``: one chunk's wait is short beside the run."""
    if jobs <= 1 or len(items) < at_least or os.name != "posix":
        yield from map(work, items)
        return
    workers = min(jobs, len(items))
    # Small chunks, so that at the end one worker idles for at most one short chunk;
    # many light items (a thousand files to validate) still go 32 at a time.
    chunk = max(1, min(32, len(items) // (workers * 16)))
    if cost is not None and chunk == 1:
        order = costliest_first([cost(item) for item in items], LPT_WINDOW * workers)
        yield from _in_this_order(work, items, workers, order)
        return
    with _pool(work, workers) as pool:
        yield from pool.imap(_run, items, chunksize=chunk)


LPT_WINDOW = 4  # items a worker ordered by cost together: results wait for a window


def _in_this_order(
    work: Callable[[T], R], items: Sequence[T], workers: int, order: list[int]
) -> Iterator[R]:
    """``in_order`` with the items handed out in ``order`` (their indexes). An item's
    exception is raised where its result would have come, after every earlier item's
    result, with the worker's traceback as its cause, as ``imap`` does."""
    done: dict[int, R | _Raised] = {}
    following = 0
    with _pool(work, workers) as pool:
        for index, result in pool.imap_unordered(_run_indexed, [(i, items[i]) for i in order]):
            done[index] = result
            while following in done:
                outcome = done.pop(following)
                following += 1
                if isinstance(outcome, _Raised):
                    raise outcome.error from WorkerTraceback(outcome.trace)
                yield outcome


def costliest_first(costs: Sequence[float], window: int) -> list[int]:
    """The items' indexes, each window of ``window`` items costliest first (equal
    costs in the items' order)."""
    order: list[int] = []
    for start in range(0, len(costs), window):
        span = range(start, min(start + window, len(costs)))
        order.extend(sorted(span, key=lambda i: -costs[i]))
    return order


@contextlib.contextmanager
def _pool(work: Callable[[Any], Any], workers: int) -> Iterator[Any]:
    """A pool of forked workers running ``work``, the parent's objects frozen out of
    their collections while it runs."""
    context = multiprocessing.get_context("fork")
    # What the parent holds is kept out of the workers' collections (which would touch
    # every object, copying the pages the fork shares), as the gc module advises
    frozen_before = gc.get_freeze_count() > 0  # a caller's freeze is kept
    gc.freeze()
    try:
        with context.Pool(workers, initializer=_start, initargs=(work,)) as pool:
            yield pool
    finally:
        if not frozen_before:
            gc.unfreeze()  # the parent's own collections as before


_WORK: Callable[[Any], Any] | None = None  # a pool worker's work, set as it starts
_GC_FIRST_GENERATION = 10_000  # allocations between a worker's young collections


def _start(work: Callable[[Any], Any]) -> None:
    """A pool worker's initializer: ``work`` arrives through the fork, never pickled."""
    global _WORK
    _WORK = work
    # A worker makes and drops many small objects an item and few cycles: collecting
    # after every 700 allocations cost it 1% of its time
    gc.set_threshold(_GC_FIRST_GENERATION, *gc.get_threshold()[1:])
    die_with_parent()


def _run(item: Any) -> Any:
    assert _WORK is not None
    return _WORK(item)


class WorkerTraceback(Exception):
    """Where in a worker an error was raised: the cause of the error raised again in
    the parent (the worker's frames do not travel with a pickled exception)."""

    def __str__(self) -> str:
        return f"\n{self.args[0]}"


class _Raised:
    """An item's exception and its traceback, carried back to be raised in the items'
    order."""

    def __init__(self, error: BaseException, trace: str) -> None:
        self.error = error
        self.trace = trace


def _run_indexed(pair: tuple[int, Any]) -> tuple[int, Any]:
    assert _WORK is not None
    try:
        return pair[0], _WORK(pair[1])
    except Exception as error:  # raised in the parent, in the items' order
        return pair[0], _Raised(error, traceback.format_exc())


class Busy(Exception):
    """Another process holds the lock."""


@contextlib.contextmanager
def exclusive(lock_file: Path) -> Iterator[None]:
    """Hold ``lock_file``'s advisory lock (flock) for the block; ``Busy`` at once when
    another process holds it. The kernel drops it when the holder dies, however it
    dies, so a killed build never leaves a stale lock."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    # O_NOFOLLOW: a lock file that is a link would have its target truncated below
    fd = os.open(lock_file, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o666)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EWOULDBLOCK, errno.EACCES):
                holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
                raise Busy(holder or "another process") from exc
            raise
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)
