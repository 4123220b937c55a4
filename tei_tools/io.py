"""File output that never leaves a partial file behind, with the modes ``cp`` gives.

Two ways to write: ``atomic_file``/``atomic_write`` make one file durable at once (one
fsync); ``Batch`` writes many files behind one durability barrier: the temporary
files are written, the file system is synced once, they are renamed into place, and
their folders are synced. Either way no reader ever sees a partial file, and what a
finished command reports as written survives a crash.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import hashlib
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, BinaryIO


@functools.cache
def _umask() -> int:
    """The process's umask. Reading it means setting it, so it is read once (the
    commands set no umask of their own)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def file_mode() -> int:
    """What ``open()`` would give a new file: 0o666 less the umask (0o644 under 022)."""
    return 0o666 & ~_umask()


def folder_mode() -> int:
    """What ``mkdir`` would give a new folder: 0o777 less the umask (0o755 under 022)."""
    return 0o777 & ~_umask()


def make_temporary_folder(parent: Path, prefix: str) -> Path:
    """A fresh folder in ``parent`` with an ordinary folder's mode (``mkdtemp`` makes it
    0o700, which would follow it when it is renamed into place)."""
    folder = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    folder.chmod(folder_mode())
    return folder


@contextlib.contextmanager
def atomic_file(path: Path) -> Iterator[BinaryIO]:
    """A file to write ``path`` through, bit by bit: it is a temporary file beside
    ``path`` until the block ends without an error, then renamed into place with the
    mode a new file gets under the umask (``mkstemp``'s 0o600 would follow it). The
    folder must exist: like ``cp``, a missing folder is an error, not made silently."""
    fd, tmp = _temporary(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.filename in (None, tmp):
            raise _naming(exc, path) from exc
        raise


def _temporary(path: Path) -> tuple[int, str]:
    """A new temporary file beside ``path`` (its descriptor and name), with the mode
    a new file gets under the umask (``mkstemp``'s 0o600 would follow it on rename);
    an error names ``path``."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise _naming(exc, path) from exc
    try:
        os.fchmod(fd, file_mode())
    except OSError as exc:
        os.close(fd)
        Path(tmp).unlink(missing_ok=True)
        raise _naming(exc, path) from exc
    return fd, tmp


def _naming(exc: OSError, path: Path) -> OSError:
    """The same error, about the file the user asked for rather than its temporary."""
    return OSError(exc.errno, exc.strerror or str(exc), str(path))


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it into place."""
    with atomic_file(path) as handle:
        handle.write(data)


def _sync_filesystem(folder: Path) -> None:
    """Flush every dirty page of the file system holding ``folder`` (Linux syncfs:
    that file system only), else of all of them."""
    if sys.platform.startswith("linux"):
        fd = os.open(folder, os.O_RDONLY)
        try:
            if ctypes.CDLL(None, use_errno=True).syncfs(fd) == 0:
                return
        finally:
            os.close(fd)
    os.sync()


def _sync_folder(folder: Path) -> None:
    """Make a folder's renames durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class TooLarge(Exception):
    """A stream longer than its budget."""


class Batch:
    """Many files written behind one durability barrier (see the module's docstring).

    ``write`` puts the bytes in a temporary file beside the target; ``commit`` syncs,
    renames and syncs the folders (at most every ``max_files`` files, or when the
    ``with`` block ends without an error); an error leaves no temporary file and
    every target as it was before the uncommitted writes."""

    def __init__(self, max_files: int = 256) -> None:
        self.max_files = max_files
        self.pending: list[tuple[str, Path]] = []

    def __enter__(self) -> Batch:
        return self

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()

    def write(self, path: Path, data: bytes) -> None:
        fd, tmp = _temporary(path)
        self.pending.append((tmp, path))
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
        except OSError as exc:
            self.discard()
            raise _naming(exc, path) from exc
        if len(self.pending) >= self.max_files:
            self.commit()

    def write_stream(self, path: Path, stream: IO[bytes], limit: int) -> tuple[str, int]:
        """Copy ``stream`` into ``path`` a chunk at a time (an image need not fit in
        memory); its SHA-256 and size. More than ``limit`` bytes is a ``TooLarge`` and
        writes nothing."""
        fd, tmp = _temporary(path)
        digest, size = hashlib.sha256(), 0
        try:
            with os.fdopen(fd, "wb") as handle:
                while chunk := stream.read(1 << 20):
                    size += len(chunk)
                    if size > limit:
                        raise TooLarge(f"{path.name}: more than {limit:,} bytes")
                    digest.update(chunk)
                    handle.write(chunk)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        self.pending.append((tmp, path))
        if len(self.pending) >= self.max_files:
            self.commit()
        return digest.hexdigest(), size

    def commit(self) -> None:
        if not self.pending:
            return
        folders = {path.parent for _, path in self.pending}
        try:
            devices = {os.stat(folder).st_dev: folder for folder in folders}
            for folder in devices.values():  # one sync per file system
                _sync_filesystem(folder)
            for tmp, path in self.pending:
                os.replace(tmp, path)
            for folder in folders:
                _sync_folder(folder)
        except OSError as exc:
            first = self.pending[0][1]
            self.discard()
            raise _naming(exc, first) from exc
        self.pending = []

    def discard(self) -> None:
        for tmp, _ in self.pending:
            Path(tmp).unlink(missing_ok=True)
        self.pending = []


def real_paths(names: Iterable[str]) -> dict[str, str]:
    """Each name's real path (``os.path.realpath``), each folder resolved once: the
    files of a batch share a few folders, and resolving every name whole walks every
    component of it again (a thousand files: tens of milliseconds)."""
    folders: dict[str, str] = {}
    real: dict[str, str] = {}
    for name in names:
        folder, base = os.path.split(name)
        if base in ("", ".", ".."):
            real[name] = os.path.realpath(name)
            continue
        if folder not in folders:
            folders[folder] = os.path.realpath(folder or ".")
        path = os.path.join(folders[folder], base)
        real[name] = os.path.realpath(path) if os.path.islink(path) else path
    return real
