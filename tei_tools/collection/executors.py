"""Running the per-document task: in this process, in local processes, or on a Dask
cluster. Each yields outcomes as they complete, with a bounded number in flight, so
memory does not grow with the size of the collection."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

from tei_tools.collection.task import Job, Outcome, failed_outcome, run_job
from tei_tools.processes import die_with_parent

IN_FLIGHT_PER_WORKER = 8


def _windowed(
    submit: Callable[[Job], Any],
    jobs: Iterable[Job],
    window: int,
    done: Callable[[set[Any]], tuple[set[Any], set[Any]]],
) -> Iterator[Outcome]:
    pending: set[Any] = set()
    job_of: dict[Any, Job] = {}
    for job in jobs:
        future = submit(job)
        pending.add(future)
        job_of[future] = job
        if len(pending) >= window:
            finished, pending = done(pending)
            yield from _results(finished, job_of)
    while pending:
        finished, pending = done(pending)
        yield from _results(finished, job_of)


def _results(finished: set[Any], job_of: dict[Any, Job]) -> Iterator[Outcome]:
    """Each finished job's outcome; a job whose worker failed (it died, ran out of
    memory, or its outcome could not be sent back) fails alone, named."""
    for future in finished:
        job = job_of.pop(future)
        try:
            yield future.result()
        except Exception as exc:
            yield failed_outcome(job.stem, job.raw, job.raw_name, exc)


def run_local(jobs: Iterable[Job], workers: int) -> Iterator[Outcome]:
    if workers <= 1:
        yield from map(run_job, jobs)
        return
    import multiprocessing

    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=die_with_parent) as pool:

        def done(pending: set[Future[Outcome]]) -> tuple[set[Any], set[Any]]:
            finished, rest = wait(pending, return_when=FIRST_COMPLETED)
            return set(finished), set(rest)

        yield from _windowed(
            lambda job: pool.submit(run_job, job), jobs, workers * IN_FLIGHT_PER_WORKER, done
        )


def run_dask(jobs: Iterable[Job], scheduler: str | Any) -> Iterator[Outcome]:
    """On the Dask cluster whose scheduler is at ``scheduler`` (an address, or a
    ``distributed.Client``'s cluster object)."""
    from distributed import Client
    from distributed import wait as dask_wait

    with Client(scheduler) as client:
        workers = max(1, sum(client.nthreads().values()))

        def done(pending: set[Any]) -> tuple[set[Any], set[Any]]:
            finished, rest = dask_wait(list(pending), return_when="FIRST_COMPLETED")
            return set(finished), set(rest)

        # pure=False: two documents with the same bytes are still two tasks
        yield from _windowed(
            lambda job: client.submit(run_job, job, pure=False),
            jobs,
            workers * IN_FLIGHT_PER_WORKER,
            done,
        )
