"""What Schematron rules may cost one document, and the worker that holds them to it.

A rule is a program the schema's author (or a document's xml-model) chose: a
backtracking regular expression, nested loops or a sequence of millions of items can
run for hours or take gigabytes. A document's whole check (reading, grammar, rules)
therefore runs in a worker process forked from the validating one: it inherits the
compiled schemas, receives the document's bytes, parses them once and checks every
layer on that one tree. Before each rule it announces the rule (a numbered *unit*);
the parent waits for it under a deadline, and kills and replaces a worker that runs
past one, or that dies (its address space is capped: a rule that allocates past the
cap raises MemoryError there, or the worker dies). Either way the rule is an S003
finding on that document, naming it, and the document is checked again without it:
the rules after it still run.
"""

from __future__ import annotations

import contextlib
import gc
import mmap
import os
import resource
import signal
import socket
import struct
import time
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from tei_tools import budgets
from tei_tools.diagnostics import Diagnostic

Skipped = list[tuple[int, int | None]]  # [from, to) unit numbers not to run; to None: all after


@dataclass
class UnitLog:
    """The bounded units of one document's check, numbered in the order they run: each
    Schematron reserves a block (its lets and keys, then one number per rule), so that
    a unit has the same number when the document is checked again."""

    skipped: Skipped = field(default_factory=list)
    announce: Callable[[int, str, int | None, int], None] | None = None  # None: unbounded
    next: int = 0

    def reserve(self, size: int) -> int:
        base = self.next
        self.next += size
        return base

    def skips(self, number: int) -> bool:
        return any(start <= number and (end is None or number < end) for start, end in self.skipped)

    def begin(self, number: int, label: str, resume: int | None, end: int) -> None:
        """Unit ``number`` starts; ``resume``: the unit to go on with if it cannot finish
        (None: no other unit of its block), ``end``: its block's end."""
        if self.announce is not None:
            self.announce(number, label, resume, end)

    def rest(self) -> None:
        """No unit runs now (a block ended): what follows is not a rule's time."""
        if self.announce is not None:
            self.announce(-1, "", None, 0)


Work = Callable[[Any, UnitLog], Any]
Running = tuple[int, str, int | None, int, float]  # number, label, resume, end, started

TICK = 0.25  # seconds between the parent's looks at the board while a unit runs


_WORD = (1 << 64) - 1  # a unit's number as the unsigned word stored after its label


class Board:
    """The unit a worker is running, in memory both processes map: the worker writes
    each unit as it begins (no message, no system call: a document meets dozens of
    rules), the parent reads it when its wait times out. A sequence lock keeps a read
    from mixing two units: the writer makes the sequence odd, writes the fields, then
    makes it even; a reader takes the fields only if it saw the same even sequence
    before and after them (stores reach the other process in order on x86-64; Python
    offers no memory barrier to say more)."""

    _SEQUENCE = struct.Struct("<Q")
    _FIELDS = struct.Struct("<qqqddH")  # number, resume, end, started, first, label size
    _LABEL = 1024

    def __init__(self) -> None:
        size = self._SEQUENCE.size + self._FIELDS.size + self._LABEL + self._SEQUENCE.size
        self.memory = mmap.mmap(-1, size)  # MAP_SHARED: shared with a fork

    def clear(self) -> None:
        """A new document: no unit, and no first unit yet."""
        self.write(-1, "", None, 0, first=0.0)

    def write(
        self, number: int, label: str, resume: int | None, end: int, first: float | None = None
    ) -> None:
        """Unit ``number`` begins (-1: none runs now); ``first``: when the document's
        first unit began (kept from the last write unless given)."""
        (sequence,) = self._SEQUENCE.unpack_from(self.memory)
        now = time.monotonic()  # CLOCK_MONOTONIC: one clock for both processes
        if first is None:
            first = self._FIELDS.unpack_from(self.memory, self._SEQUENCE.size)[4]
            first = first or (now if number >= 0 else 0.0)
        text = label.encode("utf-8", "replace")[: self._LABEL]
        self._SEQUENCE.pack_into(self.memory, 0, sequence + 1)  # odd: a write under way
        fields = (number, -1 if resume is None else resume, end, now, first, len(text))
        self._FIELDS.pack_into(self.memory, self._SEQUENCE.size, *fields)
        start = self._SEQUENCE.size + self._FIELDS.size
        self.memory[start : start + len(text)] = text
        # the unit's number again after its label: a read that mixed two units' fields
        # and label is told by the two numbers, whatever the memory order
        self._SEQUENCE.pack_into(self.memory, start + len(text), number & _WORD)
        self._SEQUENCE.pack_into(self.memory, 0, sequence + 2)  # even: done

    def read(self) -> tuple[Running | None, float | None]:
        """The running unit (None before the first), and when the document's first
        unit began (None before it)."""
        start = self._SEQUENCE.size + self._FIELDS.size
        for _ in range(1000):  # a write takes microseconds
            (before,) = self._SEQUENCE.unpack_from(self.memory)
            if before % 2:
                continue
            number, resume, end, started, first, size = self._FIELDS.unpack_from(
                self.memory, self._SEQUENCE.size
            )
            text = self.memory[start : start + size]
            (again,) = self._SEQUENCE.unpack_from(self.memory, start + size)
            if again == number & _WORD and self._SEQUENCE.unpack_from(self.memory)[0] == before:
                break
        else:  # a worker that died in the middle of a write: no unit can be named
            return None, None
        if number < 0:
            return None, None
        label = text.decode("utf-8", "replace")
        return (number, label, None if resume < 0 else resume, end, started), first


@dataclass
class Job:
    """One document's check, as it goes: sent again after a unit is stopped."""

    request: Any
    name: str  # the document, in a finding
    skipped: Skipped = field(default_factory=list)
    deadline: list[float] = field(default_factory=list)  # the document's, from its first unit
    stopped: list[Diagnostic] = field(default_factory=list)  # S003, one per unit stopped
    # units below this one finished in a worker that was stopped later: run again
    # for their findings, they are not timed again
    finished_below: int = 0
    result: Any = None


def run_many(
    work: Work, what: str, jobs: list[Job], workers: int
) -> Iterator[tuple[Any, list[Diagnostic]]]:
    """Every job's result and findings, in order, checked by ``workers`` supervised
    workers at once (forked from here: they inherit what is compiled); the one pool
    that validates many documents under the budgets."""
    if os.name != "posix":
        yield from ((work(job.request, UnitLog()), []) for job in jobs)
        return
    pool = [Supervised(work, what) for _ in range(max(1, min(workers, len(jobs))))]
    busy: dict[int, int] = {}  # worker -> index of its job
    done: dict[int, Job] = {}
    waiting = iter(range(len(jobs)))
    following = 0
    try:
        for worker in range(len(pool)):
            index = next(waiting, None)
            if index is not None:
                busy[worker] = index
                pool[worker].begin(jobs[index])
        while busy:
            ready = set(wait([pool[w].connection for w in busy], TICK))
            for worker, index in list(busy.items()):
                supervised = pool[worker]
                if not supervised.step(jobs[index], supervised.connection in ready):
                    continue
                done[index] = jobs[index]
                following_index = next(waiting, None)
                if following_index is None:
                    del busy[worker]
                else:
                    busy[worker] = following_index
                    supervised.begin(jobs[following_index])
            while following in done:
                job = done.pop(following)
                yield job.result, job.stopped
                following += 1
    finally:
        for supervised in pool:
            supervised.close()


class Supervised:
    """Runs ``work(request, units)`` in a worker under the budgets; in process where
    there is no fork (not POSIX)."""

    def __init__(self, work: Work, what: str) -> None:
        self.work = work
        self.what = what  # the schema, in a finding's hint
        self.worker: tuple[int, Connection] | None = None  # (pid, connection)
        self.owner = os.getpid()
        self.board = Board()
        self._end: Any = None  # weakref.finalize of the worker (see _worker)

    def run(self, request: Any, name: str) -> tuple[Any, list[Diagnostic]]:
        """``work``'s result for ``request`` (None when the worker died outside any
        unit), and an S003 finding on document ``name`` for every unit stopped."""
        if os.name != "posix":
            return self.work(request, UnitLog()), []
        job = Job(request, name)
        self.begin(job)
        while not self.step(job, self.connection.poll(TICK)):
            pass
        return job.result, job.stopped

    @property
    def connection(self) -> Connection:
        return self._worker()[1]

    def begin(self, job: Job) -> None:
        """Send ``job`` to the worker (forked if there is none)."""
        connection = self.connection
        self.board.clear()
        with contextlib.suppress(OSError):  # a worker gone: ``step`` reads its end
            connection.send((job.request, job.skipped))

    def step(self, job: Job, ready: bool) -> bool:
        """Whether ``job`` is done: its result arrived (``ready``: the connection has
        something to read), or the worker died outside any unit. A unit past its
        budget, or a worker that died in one, is a finding, and the job is sent again
        (to a new worker) without that unit."""
        try:
            if ready:
                kind, value = self.connection.recv()
                if kind == "done":
                    job.result = value
                    return True
                if kind == "error":
                    message = f"checking this document failed in the worker ({value})"
                    job.stopped.append(self._finding(job.name, message))
                    return True
                raise EOFError  # "memory": as a worker the cap killed
            unit, first = self.board.read()
            if unit is None or first is None:
                return False  # reading, the grammar: not bounded
            if unit[0] < job.finished_below:
                return False  # run again for its findings: it finished within budget
            if not job.deadline:  # one budget for all the Schematron a document meets
                job.deadline.append(first + budgets.DOCUMENT_SECONDS)
            now = time.monotonic()
            if now >= job.deadline[0]:
                why = f"ran past the document's {budgets.DOCUMENT_SECONDS:g} s budget"
            elif now >= unit[4] + budgets.RULE_SECONDS:
                why = f"ran past the rule's {budgets.RULE_SECONDS:g} s budget"
            else:
                return False
        except (EOFError, OSError):
            mib = budgets.MEMORY_BYTES // 2**20
            why = f"stopped the worker (over its {mib} MiB memory budget?)"
            unit, first = self.board.read()
            if unit is None:
                self.close()
                message = f"checking this document {why}; it was not checked"
                job.stopped.append(self._finding(job.name, message))
                return True
            if not job.deadline and first is not None:
                job.deadline.append(first + budgets.DOCUMENT_SECONDS)
        if any(start == unit[0] for start, _ in job.skipped):  # stopped there before
            self.close()
            message = f"checking this document {why}; it was not checked"
            job.stopped.append(self._finding(job.name, message))
            return True
        self._stopped(job, unit, why)
        self.begin(job)
        return False

    def _stopped(self, job: Job, unit: Running, why: str) -> None:
        """The unit that could not finish, as an S003 finding; the worker replaced, and
        the units it makes pointless skipped on the next run."""
        self.close()
        number, label, resume, end, _ = unit
        span: tuple[int, int | None]
        if job.deadline and time.monotonic() >= job.deadline[0]:
            after, span = "the rules after it were not evaluated", (number, None)
        elif resume is None:
            after, span = "no rule of this Schematron was evaluated", (number, end)
        else:
            after, span = "the rest of its pattern was skipped", (number, resume)
        job.skipped.append(span)
        job.finished_below = max(job.finished_below, number)
        job.stopped.append(self._finding(job.name, f"{label} {why}; {after}"))

    def _finding(self, name: str, message: str) -> Diagnostic:
        return Diagnostic(
            "S003",
            message,
            name,
            1,
            1,
            hint=f"{self.what}: a rule's cost is bounded (RULE_SECONDS, DOCUMENT_SECONDS, "
            "MEMORY_BYTES in tei_tools.budgets); simplify the rule or the document",
        )

    def _worker(self) -> tuple[int, Connection]:
        if self.worker is not None and self.owner != os.getpid():
            # inherited through a fork (a runner's pool): the parent's, not ours
            self._end.detach()
            with contextlib.suppress(OSError):
                self.worker[1].close()
            self.worker = None
        if self.worker is None:
            self.owner = os.getpid()
            self.board = Board()  # this worker's own: a pool's workers each fork one
            ours, theirs = socket.socketpair()
            pid = os.fork()
            if pid == 0:  # pragma: no cover (the worker; its outcomes are tested)
                ours.close()
                _serve(Connection(theirs.detach()), self.work, self.board)
            theirs.close()
            self.worker = (pid, Connection(ours.detach()))
            # ended with this object, or at exit (before the modules go)
            self._end = weakref.finalize(self, _end, *self.worker)
        return self.worker

    def close(self) -> None:
        """End the worker; the next document forks a new one (from the state now)."""
        if self.worker is not None:
            self.worker = None
            self._end()


def _end(pid: int, connection: Connection) -> None:
    connection.close()
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)


def _serve(connection: Connection, work: Work, board: Board) -> None:
    """The worker: requests in, results out (each unit begun on the board), until the
    parent goes."""
    status = 0
    try:
        from tei_tools.processes import die_with_parent

        die_with_parent()
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles ^C
        _cap_memory()
        # what the worker inherited (the compiled schemas) stays out of its collections:
        # scanning it would cost every document and copy its pages
        gc.freeze()
        while True:
            try:
                request, skipped = connection.recv()
            except EOFError:
                break
            try:
                answer: tuple[str, Any] = ("done", work(request, UnitLog(skipped, board.write)))
            except MemoryError:
                answer = ("memory", None)  # past the cap in the unit on the board
            except Exception as exc:  # a bug, or a schema the engine cannot run
                answer = ("error", f"{type(exc).__name__}: {exc}")
            connection.send(answer)
    except BaseException:
        status = 1
    finally:
        os._exit(status)


def uncapped() -> None:
    """A child process's ``preexec_fn``: the Java of jing, started from a worker, gets
    the address space a JVM reserves (the worker's cap bounds rules, not jing)."""
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    resource.setrlimit(resource.RLIMIT_AS, (hard, hard))


def _cap_memory() -> None:
    """The worker's address space: what it has now (inherited) plus budgets.MEMORY_BYTES."""
    try:
        with open("/proc/self/statm") as statm:
            size = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return  # no /proc: the time budget alone holds
    limit = size + budgets.MEMORY_BYTES
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
