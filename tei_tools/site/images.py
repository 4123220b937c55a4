"""The page images a document's facsimile names, found beside its source and copied
into the site (``facsimile/<stem>/<the image's path>``) so that the site stands alone.

Only what is an image by its content is copied (a file named ``page.jpg`` that is HTML
would otherwise be served from the edition's own origin), at most
``budgets.MAX_IMAGE_BYTES`` of it (a zip member can claim any size and unpack to far more),
and a name that matches two files of an export is not guessed at.
"""

from __future__ import annotations

import contextlib
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from tei_tools import budgets
from tei_tools.pointers import name_from_pointer

# The formats a browser or a IIIF viewer shows, by their first bytes.
_SIGNATURES = (
    b"\xff\xd8\xff",  # JPEG
    b"\x89PNG\r\n\x1a\n",
    b"GIF87a",
    b"GIF89a",
    b"II*\x00",  # TIFF, little-endian
    b"MM\x00*",  # TIFF, big-endian
    b"\x00\x00\x00\x0cjP  \r\n\x87\n",  # JPEG 2000 (JP2)
    b"\xffO\xffQ",  # JPEG 2000 codestream
)


def is_image(head: bytes) -> bool:
    """Whether ``head`` (a file's first 16 bytes) starts an image format."""
    webp = head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    return webp or head.startswith(_SIGNATURES)


def file_path(name: str) -> str:
    """A file's path as the site keeps it: normalised (``a/img.jpg`` and ``b/img.jpg``
    stay two files), with no step up or out of the folder; "" when nothing of it is a
    file name."""
    parts = [p for p in name.replace("\\", "/").split("/") if p not in ("", ".", "..")]
    return "/".join(parts)


def site_path(url: str) -> str:
    """Where a local image goes in the document's facsimile folder: the path its
    pointer names (``A%200001.jpg`` is the file ``A 0001.jpg``), as ``file_path``."""
    return file_path(name_from_pointer(url))


@dataclass
class Found:
    """An image to copy: how to open it, or why it is not copied."""

    open: Callable[[], contextlib.AbstractContextManager[IO[bytes]]] | None = None
    problem: str = ""  # "": found; else why it is not copied ("missing" when absent)


def find_image(source: Path, url: str) -> Found:
    """The image ``url`` names, looked for where the source is: at its path from an
    export folder (else by its file name, when one file of the folder has it), in an
    export zip the same way, or beside a single file."""
    relative = site_path(url)
    if not relative:
        return Found(problem="missing")
    name = PurePosixPath(relative).name
    try:
        if source.is_dir():
            return _in_folder(source, relative, name)
        if source.suffix.lower() == ".zip" and zipfile.is_zipfile(source):
            return _in_zip(source, relative, name)
        return _checked_file(source.parent, source.parent / relative)
    except OSError as exc:
        return Found(problem=f"{relative}: cannot be read ({exc.strerror or exc})")


def _in_folder(folder: Path, relative: str, name: str) -> Found:
    direct = folder / relative
    if direct.is_file():
        return _checked_file(folder, direct)
    candidates = sorted(p for p in folder.rglob(name) if p.is_file())
    if len(candidates) > 1:
        shown = ", ".join(p.relative_to(folder).as_posix() for p in candidates[:3])
        return Found(
            problem=f"{relative}: more than one file of the export has that name ({shown})"
        )
    return _checked_file(folder, candidates[0]) if candidates else Found(problem="missing")


def _checked_file(folder: Path, path: Path) -> Found:
    if not path.is_file():
        return Found(problem="missing")
    if not path.resolve().is_relative_to(folder.resolve()):
        return Found(problem=f"{path.name}: a link out of the source's folder")
    if path.stat().st_size > budgets.MAX_IMAGE_BYTES:
        return Found(problem=f"{path.name}: larger than {budgets.MAX_IMAGE_BYTES:,} bytes")
    with path.open("rb") as handle:
        if not is_image(handle.read(16)):
            return Found(problem=f"{path.name}: not an image by its content")
    return Found(open=lambda: path.open("rb"))


def _in_zip(source: Path, relative: str, name: str) -> Found:
    try:
        with zipfile.ZipFile(source) as archive:
            members = [i for i in archive.infolist() if not i.is_dir()]
            exact = [i for i in members if file_path(i.filename) == relative]
            matches = exact or [i for i in members if PurePosixPath(i.filename).name == name]
            if len(matches) > 1:
                shown = ", ".join(i.filename for i in matches[:3])
                return Found(problem=f"{relative}: more than one member has that name ({shown})")
            if not matches:
                return Found(problem="missing")
            info = matches[0]
            limit = budgets.MAX_IMAGE_BYTES
            if info.file_size > limit:
                return Found(problem=f"{info.filename}: unpacks to more than {limit:,} bytes")
            with archive.open(info) as handle:
                if not is_image(handle.read(16)):
                    return Found(problem=f"{info.filename}: not an image by its content")
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError) as exc:
        return Found(problem=f"{relative}: the zip cannot be read ({exc})")
    return Found(open=lambda: _zip_member(source, info))


@contextlib.contextmanager
def _zip_member(source: Path, info: zipfile.ZipInfo) -> Iterator[IO[bytes]]:
    with zipfile.ZipFile(source) as archive, archive.open(info) as handle:
        yield handle
