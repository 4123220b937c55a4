"""Where tei-tools keeps what it derives once and reuses: compiled grammars, verdicts,
the name lexicon. Everything there can be deleted; it is made again when needed.

What decides a verdict is trusted only as far as it can be: the folder must belong to
this user and be writable by no one else (else a private, temporary one is used for
the run, with a warning), and each entry is authenticated with an HMAC-SHA256 keyed by
a secret of this user's (``secret.key`` in the folder, mode 0600, or the environment's
``TEI_TOOLS_CACHE_SECRET``), so that a line appended or a file swapped in the folder by
anyone who lacks the secret is not believed. Keys name every input and the versions of
the tools that derived an entry.
"""

from __future__ import annotations

import atexit
import functools
import hmac
import os
import re
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

SECRET = "secret.key"


def cache_dir() -> Path:
    """``TEI_TOOLS_CACHE_DIR``, else the platform's user cache folder; a private
    temporary folder instead when that one can be written by others."""
    return _trusted(os.environ.get("TEI_TOOLS_CACHE_DIR") or _user_cache())


@functools.cache
def _user_cache() -> str:
    import platformdirs

    return str(platformdirs.user_cache_path("tei-tools"))


@functools.cache
def _trusted(configured: str) -> Path:
    path = Path(configured)
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        info = path.stat()
    except OSError:
        return path  # unusable: every write to it fails, and is only a cache miss
    if info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return path
    private = Path(tempfile.mkdtemp(prefix="tei-tools-cache-"))
    atexit.register(shutil.rmtree, private, ignore_errors=True)
    print(
        f"tei-tools: warning: the cache folder {path} is not used: it "
        f"{'belongs to another user' if info.st_uid != os.getuid() else 'may be written by others'}"
        f" (mode {stat.S_IMODE(info.st_mode):04o}); a private one serves this run "
        "(chmod go-w it, or set TEI_TOOLS_CACHE_DIR)",
        file=sys.stderr,
    )
    return private


def _secret() -> bytes:
    configured = os.environ.get("TEI_TOOLS_CACHE_SECRET")
    if configured:
        return configured.encode()
    return _secret_in(str(cache_dir()))


@functools.cache
def _secret_in(folder: str) -> bytes:
    """The folder's secret, made once (written aside, then linked into place: two
    runs starting together agree on one)."""
    path = Path(folder) / SECRET
    try:
        info = path.stat()
        if info.st_uid == os.getuid() and not info.st_mode & 0o077:
            return path.read_bytes()
        path.unlink()  # readable by others: a new secret, and every entry made again
    except FileNotFoundError:
        pass
    except OSError:
        return os.urandom(32)  # no folder to keep it in: valid for this run only
    try:
        fd, draft = tempfile.mkstemp(dir=folder, prefix=".secret-")  # mode 0600
        with os.fdopen(fd, "wb") as handle:
            handle.write(os.urandom(32))
        try:
            os.link(draft, path)
        finally:
            os.unlink(draft)
        return path.read_bytes()
    except FileExistsError:
        return path.read_bytes()
    except OSError:
        return os.urandom(32)


def seal(purpose: str, data: bytes) -> str:
    """The HMAC of ``data`` for ``purpose`` (one entry cannot stand for another)."""
    return sealer(purpose)(data)


def sealer(purpose: str) -> Callable[[bytes], str]:
    """``seal`` for many entries of one purpose: the secret read once."""
    secret, prefix = _secret(), purpose.encode() + b"\0"
    return lambda data: hmac.digest(secret, prefix + data, "sha256").hex()


def sealed(purpose: str, data: bytes, mac: str) -> bool:
    """``mac`` is ``data``'s HMAC for ``purpose`` (a damaged, non-ASCII one is not)."""
    return mac.isascii() and hmac.compare_digest(seal(purpose, data), mac)


def wrap(purpose: str, data: bytes) -> bytes:
    """``data`` as an entry: its HMAC on the first line."""
    return seal(purpose, data).encode() + b"\n" + data


def unwrap(purpose: str, entry: bytes) -> bytes | None:
    """The data of an entry ``wrap`` made, or None when its HMAC does not hold."""
    mac, _, data = entry.partition(b"\n")
    return data if sealed(purpose, data, mac.decode("ascii", "replace")) else None


def tool_version() -> str:
    """tei-tools' version, part of every cache key: a new release never trusts what an
    older one derived."""
    from tei_tools import __version__

    return __version__


def versions() -> str:
    """The versions of the tools a verdict depends on: tei-tools, elementpath (the
    Schematron), lxml and libxml2 (grammars, XSLT)."""
    return f"tei-tools {tool_version()}; {_library_versions()}"


@functools.cache
def _library_versions() -> str:
    from lxml import etree

    libxml2 = ".".join(map(str, etree.LIBXML_VERSION))
    elementpath = _declared_version("elementpath")
    return f"elementpath {elementpath}; lxml {etree.__version__}; libxml2 {libxml2}"


def _declared_version(package: str) -> str:
    """The ``__version__`` a package's ``__init__`` declares, read without importing it
    (elementpath takes a tenth of a second to import, importlib.metadata a fortieth);
    else its installed metadata's."""
    import importlib.util

    spec = importlib.util.find_spec(package)
    try:
        text = (
            Path(spec.origin).read_text("utf-8", "replace")[:8192] if spec and spec.origin else ""
        )
    except OSError:
        text = ""
    declared = re.search(r"^__version__\s*=\s*['\"]([^'\"]+)['\"]", text, re.MULTILINE)
    if declared:
        return declared[1]
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "unknown"
