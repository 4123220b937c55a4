"""What Schematron rules may cost one document, and the worker that holds them to it.

A rule is a program the schema's author (or a document's xml-model) chose: a
backtracking regular expression, nested loops or a sequence of millions of items can
run for hours or take gigabytes. The rules therefore run in a worker process forked
from the validating one (it inherits the compiled rules: nothing is sent but the
document), kept for every document it checks. The worker announces each rule before
it runs it; the parent waits for it under a deadline, and kills and replaces a worker
that runs past one, or that dies (its address space is capped: a rule that allocates
past the cap raises MemoryError there, or the worker dies). Either way the rule is an
S003 finding on that document, naming it, and the rules after it still run.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import socket
import time
import weakref
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from typing import Any

from lxml import etree

from tei_tools import budgets
from tei_tools.diagnostics import Diagnostic
from tei_tools.validate.loader import Located, safe_parser

READING = "reading the document"  # the worker's first unit, before any rule

# What the worker sends for a document: a unit begins (index, label, resume), findings,
# or the end.
Evaluate = Callable[[Located, int], Iterator[Any]]


class BoundedRules:
    """Runs ``evaluate(doc, start)`` (a generator of Units and lists of Diagnostics)
    in a worker under the budgets; in process where there is no fork (not POSIX)."""

    def __init__(self, evaluate: Evaluate, what: str) -> None:
        self.evaluate = evaluate
        self.what = what  # the schema, in a finding's hint
        self.worker: tuple[int, Connection] | None = None  # (pid, connection)
        self.owner = os.getpid()
        self._end: Any = None  # weakref.finalize of the worker (see _worker)

    def check(self, doc: Located) -> list[Diagnostic]:
        if os.name != "posix":
            return [d for item in self.evaluate(doc, 1) if isinstance(item, list) for d in item]
        found: list[Diagnostic] = []
        if doc.deadline is None:  # one budget for all the Schematron a document meets
            doc.deadline = time.monotonic() + budgets.DOCUMENT_SECONDS
        deadline = doc.deadline
        start: int | None = 1
        while start is not None:
            start = self._run(doc, start, deadline, found)
        return found

    def _run(
        self, doc: Located, start: int, deadline: float, found: list[Diagnostic]
    ) -> int | None:
        """One pass of the worker over ``doc`` from unit ``start``; where to go on from
        (None: done)."""
        _, connection = self._worker()
        unit: tuple[int, str, int | None] = (-1, READING, None)
        try:
            connection.send((doc.name, doc.data, doc.encoding, doc.max_bytes, start))
            rule_deadline = min(deadline, time.monotonic() + budgets.RULE_SECONDS)
            while True:
                if not connection.poll(max(rule_deadline - time.monotonic(), 0)):
                    over = "document's" if rule_deadline >= deadline else "rule's"
                    budget = (
                        budgets.DOCUMENT_SECONDS if over == "document's" else budgets.RULE_SECONDS
                    )
                    return self._stopped(
                        doc, unit, found, f"ran past the {over} {budget:g} s budget", deadline
                    )
                message = connection.recv()
                if message is None:
                    return None
                if isinstance(message, tuple):
                    unit = message
                    rule_deadline = min(deadline, time.monotonic() + budgets.RULE_SECONDS)
                else:
                    found.extend(message)
        except (EOFError, OSError):
            why = (
                f"stopped the worker (over its {budgets.MEMORY_BYTES // 2**20} MiB memory budget?)"
            )
            return self._stopped(doc, unit, found, why, deadline)

    def _stopped(
        self,
        doc: Located,
        unit: tuple[int, str, int | None],
        found: list[Diagnostic],
        why: str,
        deadline: float,
    ) -> int | None:
        """The unit that could not finish, as an S003 finding; the worker replaced."""
        self.close()
        _, label, resume = unit
        after = "the rest of its pattern was skipped"
        if resume is None:
            after = "no rule of this Schematron was evaluated"
        elif time.monotonic() >= deadline:
            after = "the rules after it were not evaluated"
            resume = None
        found.append(
            Diagnostic(
                "S003",
                f"{label} {why}; {after}",
                doc.name,
                1,
                1,
                hint=f"{self.what}: a rule's cost is bounded (RULE_SECONDS, DOCUMENT_SECONDS, "
                "MEMORY_BYTES in tei_tools.budgets); simplify the rule or the document",
            )
        )
        return resume

    def _worker(self) -> tuple[int, Connection]:
        if self.worker is not None and self.owner != os.getpid():
            # inherited through a fork (a runner's pool): the parent's, not ours
            self._end.detach()
            with contextlib.suppress(OSError):
                self.worker[1].close()
            self.worker = None
        if self.worker is None:
            self.owner = os.getpid()
            ours, theirs = socket.socketpair()
            pid = os.fork()
            if pid == 0:  # pragma: no cover (the worker; its outcomes are tested)
                ours.close()
                _serve(Connection(theirs.detach()), self.evaluate)
            theirs.close()
            self.worker = (pid, Connection(ours.detach()))
            # ended with this object, or at exit (before the modules go)
            self._end = weakref.finalize(self, _end, *self.worker)
        return self.worker

    def close(self) -> None:
        if self.worker is not None:
            self.worker = None
            self._end()


def _end(pid: int, connection: Connection) -> None:
    connection.close()
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)


def _serve(connection: Connection, evaluate: Evaluate) -> None:
    """The worker: documents in, units and findings out, until the parent goes."""
    status = 0
    try:
        from tei_tools.processes import die_with_parent

        die_with_parent()
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles ^C
        _cap_memory()
        while True:
            try:
                name, data, encoding, max_bytes, start = connection.recv()
            except EOFError:
                break
            connection.send((-1, READING, None))
            tree = etree.ElementTree(etree.fromstring(data, safe_parser(encoding)))
            doc = Located(name, data, tree, max_bytes=max_bytes, encoding=encoding)
            for item in evaluate(doc, start):
                connection.send(
                    item if isinstance(item, list) else (item.index, item.label, item.resume)
                )
            connection.send(None)
    except BaseException:
        status = 1
    finally:
        os._exit(status)


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
