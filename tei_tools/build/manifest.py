"""``manifest.json``: what a build made, from what, with checksums (docs/manifest.md).

Byte-stable: sorted keys, no timestamps, paths relative to the collection, so the same
inputs give the same manifest.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from tei_tools.io import atomic_write

FORMAT = "tei-tools-manifest/1"
NAME = "manifest.json"
JOURNAL = ".manifest.journal"  # records of an unfinished build, one JSON line each


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_record(data: bytes) -> dict[str, Any]:
    return {"sha256": sha256(data), "bytes": len(data)}


def load(path: Path) -> dict[str, Any]:
    """The manifest at ``path`` with the journal of an unfinished build replayed on it;
    an empty one when it is missing or unreadable (then every document is rebuilt,
    which is always safe)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        data = None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        data = empty()
    manifest: dict[str, Any] = data
    try:
        lines = (path.parent / JOURNAL).read_bytes().splitlines()
    except OSError:
        return manifest
    manifest["complete"] = False
    for line in lines:
        try:
            entry = json.loads(line)
            stem = entry["stem"]
        except (ValueError, TypeError, KeyError):
            continue  # the line a kill cut short
        if entry.get("record") is None:
            manifest["documents"].pop(stem, None)
        else:
            manifest["documents"][stem] = entry["record"]
    return manifest


class Journal:
    """Appends each finished document's record: a killed build loses no finished work,
    and each document costs one short write, whatever the size of the collection."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / JOURNAL
        self.file = self.path.open("a", encoding="utf-8")

    def add(self, stem: str, record: dict[str, Any] | None) -> None:
        line = json.dumps({"stem": stem, "record": record}, sort_keys=True, ensure_ascii=False)
        self.file.write(line + "\n")
        self.file.flush()

    def close(self) -> None:
        """After the manifest that includes every record was saved."""
        self.file.close()
        self.path.unlink(missing_ok=True)


def empty() -> dict[str, Any]:
    return {"format": FORMAT, "complete": False, "documents": {}, "collection": {}}


def dump(manifest: dict[str, Any]) -> bytes:
    return (json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def save(path: Path, manifest: dict[str, Any]) -> None:
    atomic_write(path, dump(manifest))
