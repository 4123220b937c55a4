"""Zip archives (Word files, zipped PAGE exports) opened and read in one place, so
that every failure of the zip format or of decompression becomes a ReadError naming
the archive or the member, and what members unpack to stays within the budgets."""

from __future__ import annotations

import io
import lzma
import struct
import zipfile
import zlib
from types import TracebackType

from tei_tools import budgets
from tei_tools.convert.readers.xmlparts import ReadError, Spent

# What zipfile and the decompressors raise on damaged or unsupported input: a bad
# CRC or record (BadZipFile), bad deflate data (zlib.error), an unknown method
# (NotImplementedError), an encrypted member (RuntimeError), a cut stream (EOFError),
# bad bzip2 data or a seek outside the data (OSError), bad lzma data, bad numbers.
_FAILURES = (
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    NotImplementedError,
    RuntimeError,
    EOFError,
    OSError,
    ValueError,
    struct.error,
)


class Archive:
    """The members of a zip archive, read with their failures and budgets checked."""

    def __init__(self, data: bytes, what: str = "the input", spent: Spent | None = None):
        self.spent = spent if spent is not None else Spent()
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            infos = self._zip.infolist()
        except _FAILURES as exc:
            raise ReadError(f"{what} is not a readable zip archive ({exc})") from exc
        self.names = [i.filename for i in infos if not i.filename.endswith("/")]
        seen: set[str] = set()
        for member in self.names:
            if member in seen:  # zipfile would read the last, other tools the first
                raise ReadError(
                    f"{what} holds two members named {member}, so which one is meant cannot be told"
                )
            seen.add(member)

    def __enter__(self) -> Archive:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._zip.close()

    def read(self, name: str) -> bytes:
        """The bytes of member ``name``; a ReadError naming it when it cannot be read
        or would unpack to more than a part's budget or the archive's."""
        try:
            info = self._zip.getinfo(name)
        except KeyError as exc:
            raise ReadError(f"the archive has no {name}") from exc
        left = min(budgets.MAX_PART, budgets.MAX_UNPACKED - self.spent.unpacked)
        if info.file_size > left:
            raise ReadError(_over(name, info.file_size, left), file=name)
        try:
            with self._zip.open(info) as handle:
                data = handle.read(left + 1)
        except _FAILURES as exc:
            raise ReadError(f"{name} cannot be unpacked ({exc})", file=name) from exc
        if len(data) > left:
            raise ReadError(_over(name, len(data), left), file=name)
        self.spent.unpacked += len(data)
        return data


def _over(name: str, size: int, left: int) -> str:
    if left < budgets.MAX_PART:
        return (
            f"{name} unpacks to {size} bytes, past the {budgets.MAX_UNPACKED} bytes "
            "all parts of one source may unpack to"
        )
    return (
        f"{name} unpacks to {size} bytes, past the {budgets.MAX_PART} bytes one part may unpack to"
    )
