"""The collection's folder as the one place a build writes, deletes and reads.

A collection may come from someone else (a clone, a pull request), and git keeps
symbolic links, so every path a build acts on is checked here: folders it writes in
are made one component at a time and never through a link, the paths a manifest
records are taken only when they name a file inside the output folders, and the
files it opens for appending or locking are opened with ``O_NOFOLLOW``. Links in the
output folders are refused up front, by name, before anything is written.
"""

from __future__ import annotations

import functools
import os
import stat
from pathlib import Path

from tei_tools.collection.config import BuildConfig, ConfigError


class Outside(ConfigError):
    """A path that leads out of the collection, or a link where a build writes."""


def links_in(folder: Path) -> list[Path]:
    """Every symbolic link at or below ``folder``, without following any (read from
    the folders' entries: no call per file, so a large site costs little)."""
    if folder.is_symlink():
        return [folder]
    found: list[Path] = []
    pending = [folder]
    while pending:
        try:
            entries = list(os.scandir(pending.pop()))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            if entry.is_symlink():
                found.append(Path(entry.path))
            elif entry.is_dir(follow_symlinks=False):
                pending.append(Path(entry.path))
    return sorted(found)


def check_collection(config: BuildConfig, lock: Path) -> None:
    """Refuse, naming each, the links a build would write or delete through: in the
    output folders, the lock file, and raw files that lead out of the collection."""
    root = config.root.resolve()
    problems = []
    for folder in (config.encoded, config.site):
        for link in links_in(folder):
            problems.append(f"{link} is a symbolic link (to {os.readlink(link)})")
    if lock.is_symlink():
        problems.append(f"{lock} is a symbolic link (to {os.readlink(lock)})")
    if config.raw.is_dir():
        for link in links_in(config.raw):
            if not link.resolve().is_relative_to(root):
                problems.append(f"{link} is a link to {link.resolve()}, outside the collection")
    if problems:
        shown = "; ".join(problems[:5]) + (
            f"; and {len(problems) - 5} more" if len(problems) > 5 else ""
        )
        raise Outside(
            f"{shown}. tei-tools build never writes, deletes or reads through a link that could "
            "lead out of the collection; remove the links (the build makes these files itself)"
        )


def _is_link(path: Path) -> bool:
    try:
        return stat.S_ISLNK(os.lstat(path).st_mode)
    except FileNotFoundError:
        return False


def make_folder(root: Path, folder: Path) -> None:
    """``folder`` (inside ``root``) made one component at a time; an existing component
    that is a link, or not a folder, is refused (a prepared collection's
    ``site/facsimile -> /home`` would otherwise take the writes)."""
    parts = _parts_below(root, folder)
    current = root
    for part in parts:
        current = current / part
        try:
            info = os.lstat(current)
        except FileNotFoundError:
            os.mkdir(current)
            continue
        if stat.S_ISLNK(info.st_mode):
            raise Outside(f"{current} is a symbolic link; tei-tools build never writes through one")
        if not stat.S_ISDIR(info.st_mode):
            raise Outside(f"{current} is not a folder; it is in the way of {folder}")


def check_target(root: Path, path: Path) -> None:
    """``path`` may be written or deleted: inside ``root`` and reached through no link
    (the file itself may be one: a rename or an unlink replaces the link, not its
    target)."""
    current = root
    for part in _parts_below(root, path.parent):
        current = current / part
        if _is_link(current):
            raise Outside(f"{current} is a symbolic link; tei-tools build never writes through one")


def _parts_below(root: Path, path: Path) -> tuple[str, ...]:
    try:
        relative = Path(os.path.normpath(path)).relative_to(os.path.normpath(root))
    except ValueError as exc:
        raise Outside(f"{path} is outside the collection {root}") from exc
    if ".." in relative.parts:
        raise Outside(f"{path} is outside the collection {root}")
    return relative.parts


def recorded_output(config: BuildConfig, name: object) -> Path | None:
    """The file a manifest's output name means, or None when the name is not one a
    build writes: a relative POSIX path, normalised, in the encoded or site folder. A
    manifest is data from the collection, never trusted. A check of the name alone
    (it runs for every output of every document on each build): the folders were
    checked for links by ``check_collection``, and a deletion checks again."""
    if not isinstance(name, str) or not name or "\\" in name or "\x00" in name:
        return None
    if name.startswith("/") or any(p in ("", ".", "..") for p in name.split("/")):
        return None
    if not name.startswith(
        _output_prefixes(str(config.root), str(config.encoded), str(config.site))
    ):
        return None
    return config.root / name


@functools.cache
def _output_prefixes(root: str, *folders: str) -> tuple[str, ...]:
    """``encoded/``, ``site/``: how the output folders' files begin, relative to the
    collection."""
    relative = (Path(os.path.relpath(folder, root)).as_posix() for folder in folders)
    return tuple("" if r == "." else f"{r}/" for r in relative)


def valid_stem(stem: object) -> bool:
    """A document's name as a manifest may record it: one file name, no folder."""
    return (
        isinstance(stem, str)
        and bool(stem)
        and not stem.startswith(".")
        and not any(c in stem for c in "/\\\x00")
    )


def open_no_follow(path: Path, flags: int, mode: int = 0o666) -> int:
    """``os.open`` that refuses a link in the last place (the folders above are checked
    by ``check_collection``)."""
    try:
        return os.open(path, flags | os.O_NOFOLLOW, mode)
    except OSError as exc:
        if _is_link(path):
            raise Outside(
                f"{path} is a symbolic link; tei-tools build never writes through one"
            ) from exc
        raise
