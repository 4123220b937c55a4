"""Worker processes that end with their parent, and one build of a collection at a time."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

_PR_SET_PDEATHSIG = 1


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
