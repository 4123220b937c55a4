"""File output that never leaves a partial file behind, with the modes ``cp`` gives."""

from __future__ import annotations

import contextlib
import functools
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO


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
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise _naming(exc, path) from exc
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), file_mode())
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.filename in (None, tmp):
            raise _naming(exc, path) from exc
        raise


def _naming(exc: OSError, path: Path) -> OSError:
    """The same error, about the file the user asked for rather than its temporary."""
    return OSError(exc.errno, exc.strerror or str(exc), str(path))


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it into place."""
    with atomic_file(path) as handle:
        handle.write(data)
