"""``manifest.json``: what a build made, from what, with checksums (its JSON Schema:
docs/manifest.schema.json).

Byte-stable: sorted keys, no timestamps, paths relative to the collection, so the same
inputs give the same manifest.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tei_tools.io import atomic_file

FORMAT = "tei-tools-manifest/1"
NAME = "manifest.json"
JOURNAL = ".manifest.journal"  # records of an unfinished build, one JSON line each


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_record(data: bytes) -> dict[str, Any]:
    return {"sha256": sha256(data), "bytes": len(data)}


class Records:
    """Every document's record (stem -> JSON object), kept on disk in SQLite rather
    than in memory, so that a build's memory does not grow with its collection. The
    store is SQLite's private temporary database (an empty file name), whose file
    SQLite unlinks as it opens it: a build killed with SIGKILL leaves nothing behind.
    The manifest is what lasts."""

    def __init__(self) -> None:
        self._db = sqlite3.connect("")
        self._db.execute("PRAGMA journal_mode = OFF")  # scratch: no durability wanted
        self._db.execute("PRAGMA synchronous = OFF")
        self._db.execute("CREATE TABLE records (stem TEXT PRIMARY KEY, record TEXT NOT NULL)")

    def __setitem__(self, stem: str, record: dict[str, Any]) -> None:
        text = json.dumps(record, sort_keys=True, ensure_ascii=False)
        self._db.execute("INSERT OR REPLACE INTO records VALUES (?, ?)", (stem, text))

    def get(self, stem: str) -> dict[str, Any] | None:
        row = self._db.execute("SELECT record FROM records WHERE stem = ?", (stem,)).fetchone()
        return None if row is None else _object(row[0])

    def pop(self, stem: str) -> dict[str, Any] | None:
        record = self.get(stem)
        self._db.execute("DELETE FROM records WHERE stem = ?", (stem,))
        return record

    def __len__(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM records").fetchone()[0])

    def stems(self) -> list[str]:
        return [row[0] for row in self._db.execute("SELECT stem FROM records ORDER BY stem")]

    def items(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """By stem (SQLite orders UTF-8 text as Python orders str), one at a time."""
        for stem, text in self._db.execute("SELECT stem, record FROM records ORDER BY stem"):
            yield stem, _object(text)

    def clear(self) -> None:
        self._db.execute("DELETE FROM records")

    def close(self) -> None:
        self._db.close()


def _object(text: str) -> dict[str, Any]:
    value = json.loads(text)
    return value if isinstance(value, dict) else {}


@dataclass
class Manifest:
    documents: Records = field(default_factory=Records)
    collection: dict[str, Any] = field(default_factory=dict)
    complete: bool = False
    ignored: list[tuple[str, str]] = field(default_factory=list)  # (stem, why) not trusted


Distrust = Callable[[str, dict[str, Any]], "str | None"]


def load(path: Path, distrust: Distrust = lambda stem, record: None) -> Manifest:
    """The manifest at ``path`` with the journal of an unfinished build replayed on it;
    an empty one when it is missing or unreadable (then every document is rebuilt,
    which is always safe). Read as a stream: one record at a time in memory. A record
    ``distrust`` gives a reason for (manifest or journal) is left out, with the reason
    in ``ignored``."""
    import ijson

    manifest = Manifest()

    def keep(stem: str, record: dict[str, Any]) -> bool:
        why = distrust(stem, record)
        if why is not None:
            manifest.ignored.append((stem, why))
        return why is None

    try:
        with path.open("rb") as f:
            for stem, record in ijson.kvitems(f, "documents", use_float=True):
                if isinstance(record, dict) and keep(stem, record):
                    manifest.documents[stem] = record
            head: dict[str, Any] = {}
            for name in ("format", "collection", "complete"):  # around the documents
                f.seek(0)
                head[name] = next(ijson.items(f, name, use_float=True), None)
            if head["format"] != FORMAT:
                raise ValueError(f"not a {FORMAT} manifest")
            collection = head["collection"]
            manifest.collection = collection if isinstance(collection, dict) else {}
            manifest.complete = head["complete"] is True
    except (OSError, ValueError, ijson.JSONError):
        manifest.documents.clear()
        manifest.collection, manifest.complete, manifest.ignored = {}, False, []
    try:
        lines = (path.parent / JOURNAL).read_bytes().splitlines()
    except OSError:
        return manifest
    manifest.complete = False
    for line in lines:
        try:
            entry = json.loads(line)
            stem = entry["stem"]
        except (ValueError, TypeError, KeyError):
            continue  # the line a kill cut short
        record = entry.get("record")
        if record is None:
            manifest.documents.pop(stem)
        elif isinstance(record, dict) and keep(stem, record):
            manifest.documents[stem] = record
    return manifest


class Journal:
    """Appends each finished document's record: a killed build loses no finished work,
    and each document costs one short write, whatever the size of the collection."""

    def __init__(self, folder: Path) -> None:
        from tei_tools.collection.confine import open_no_follow

        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / JOURNAL
        # never through a link: its lines would be appended to whatever it points at
        fd = open_no_follow(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        self.file = os.fdopen(fd, "a", encoding="utf-8")

    def add(self, stem: str, record: dict[str, Any] | None) -> None:
        line = json.dumps({"stem": stem, "record": record}, sort_keys=True, ensure_ascii=False)
        self.file.write(line + "\n")
        self.file.flush()

    def close(self) -> None:
        """After the manifest that includes every record was saved."""
        self.file.close()
        self.path.unlink(missing_ok=True)


def _nested(value: Any, depth: int) -> str:
    """``value`` as it appears at ``depth`` in ``json.dumps(..., indent=2)``."""
    text = json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)
    return text.replace("\n", "\n" + "  " * depth)


def save(path: Path, manifest: Manifest) -> None:
    """Write the manifest a record at a time, with the very bytes of ``json.dumps(...,
    indent=2, sort_keys=True)`` of the whole (its keys: collection, complete,
    documents, format)."""
    with atomic_file(path) as f:
        f.write(f'{{\n  "collection": {_nested(manifest.collection, 1)},\n'.encode())
        f.write(f'  "complete": {json.dumps(manifest.complete)},\n  "documents": {{'.encode())
        separator = "\n"
        for stem, record in manifest.documents.items():
            entry = f"{separator}    {json.dumps(stem, ensure_ascii=False)}: {_nested(record, 2)}"
            f.write(entry.encode("utf-8"))
            separator = ",\n"
        f.write(("\n  }" if separator != "\n" else "}").encode())
        f.write(f',\n  "format": {json.dumps(FORMAT)}\n}}\n'.encode())
