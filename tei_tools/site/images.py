"""The page images a document's facsimile names, found beside its source and copied
into the site (``facsimile/<stem>/``) so that the site stands alone."""

from __future__ import annotations

import zipfile
from pathlib import Path

from tei_tools.site.facsimile import local_name


def find_image(source: Path, url: str) -> bytes | None:
    """The bytes of the image ``url`` names, looked for where the source is: beside a
    file, anywhere in an export folder, in an export zip; None when it is not there."""
    name = local_name(url)
    if not name or name in (".", ".."):
        return None
    if source.is_dir():
        direct = source / url
        candidates = [direct] if direct.is_file() else sorted(source.rglob(name))
        for path in candidates:
            if path.is_file() and path.resolve().is_relative_to(source.resolve()):
                return path.read_bytes()
        return None
    if source.suffix.lower() == ".zip" and zipfile.is_zipfile(source):
        with zipfile.ZipFile(source) as archive:
            for info in archive.infolist():
                if info.filename.rsplit("/", 1)[-1] == name and not info.is_dir():
                    return archive.read(info)
        return None
    beside = source.parent / url
    if beside.is_file() and beside.resolve().is_relative_to(source.parent.resolve()):
        return beside.read_bytes()
    return None
