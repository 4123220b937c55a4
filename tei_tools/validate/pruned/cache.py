"""What the fast route keeps on disk (``TEI_TOOLS_CACHE_DIR``): jing's simplified
grammar by schema key, and the documents found valid, by their SHA-256. Every write is
best effort and atomic; concurrent runs are safe."""

from __future__ import annotations

import hashlib
import hmac
import os
import subprocess
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import IO, TextIO

from lxml import etree

from tei_tools.cache import cache_dir, sealer, unwrap, versions, wrap
from tei_tools.io import atomic_write
from tei_tools.validate.pruned.known import accepted_by_jing
from tei_tools.validate.pruned.prune import _R
from tei_tools.xmlparse import parse_file

CACHE_FORMAT = "9"  # bump when the cached form changes


def _schema_files(path: Path, parsed: etree._ElementTree | None = None) -> list[Path]:
    """The schema and every file it includes, transitively, in a stable order;
    ``parsed``: the schema's own tree, where the caller has parsed it already."""
    root = path.resolve()
    seen: dict[Path, None] = {}
    todo = [root]
    while todo:
        current = todo.pop()
        if current in seen:
            continue
        seen[current] = None
        tree = parsed if parsed is not None and current == root else parse_file(current)
        for ref in tree.iter(f"{_R}include", f"{_R}externalRef"):
            href = ref.get("href")
            if href:
                todo.append((current.parent / href).resolve())
    return list(seen)


def schema_key(path: Path, command: list[str], parsed: etree._ElementTree | None = None) -> str:
    """The schema's cache key: the tools' versions, jing's command and every schema
    file's bytes (``parsed``: the schema's tree, if the caller has it)."""
    digest = hashlib.sha256(CACHE_FORMAT.encode())
    digest.update(versions().encode())  # a verdict of another version is not reused
    digest.update(" ".join(command).encode())  # another jing may simplify differently
    for file in _schema_files(path, parsed):
        digest.update(file.read_bytes())
    return digest.hexdigest()


def _store(target: Path, data: bytes) -> None:
    """Best effort: a cache that cannot be written only costs the next run the work
    again. Concurrent runs may race here: each writes its own file and renames it.
    The entry is sealed for its name (its key): see ``_load``."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(target, wrap(target.name, data))
    except OSError:
        pass


def _load(target: Path) -> bytes | None:
    """An entry ``_store`` made for this name, or None (absent, or not sealed with
    this user's secret for this name: a file swapped in is not believed)."""
    try:
        return unwrap(target.name, target.read_bytes())
    except OSError:
        return None


_Running = tuple[subprocess.Popen[bytes], IO[bytes]]


def _in_background(args: list[str], stderr: int) -> _Running:
    """``args`` run now, their output going to a file, not a pipe (jing never waits on
    us); ``_collected`` waits for them and reads it."""
    from tei_tools.validate.budget import uncapped

    output = tempfile.TemporaryFile()  # noqa: SIM115 (closed in ``_collected``)
    process = subprocess.Popen(
        args, stdout=output, stderr=stderr, preexec_fn=uncapped if os.name == "posix" else None
    )
    return process, output


def _collected(running: _Running) -> tuple[int, bytes]:
    process, output = running
    with output:
        process.wait()
        output.seek(0)
        return process.returncode, output.read()


# Background ``jing -s`` runs of this process, by schema key (started ahead, collected
# when the grammar is needed).
_SIMPLIFYING: dict[str, _Running] = {}


def simplify_ahead(key: str, path: Path, command: list[str], force: bool = False) -> None:
    """Start ``jing -s`` now if the cache lacks its output, so that it runs while the
    documents are read (``simplified`` collects it)."""
    if key in _SIMPLIFYING or (not force and (cache_dir() / "rng" / f"{key}.rng").exists()):
        return
    _SIMPLIFYING[key] = _in_background([*command, "-s", str(path)], subprocess.DEVNULL)


# Background checks of schemas by jing, by schema key (see ``verify_ahead``), with the
# process that started each: only jing's parent can wait for it.
_VERIFYING: dict[str, tuple[_Running, int]] = {}


def verify_ahead(key: str, path: Path, command: list[str]) -> None:
    """Start jing checking the schema itself, with no document, unless the cache says it
    did before: a grammar simplified in process is simplified only in the parts a batch
    needs, and only jing tells whether the whole is RELAX NG (``verified`` collects it)."""
    if key in _VERIFYING or _load(cache_dir() / "rng" / f"{key}.verified") is not None:
        return
    if accepted_by_jing(path):  # a published schema, checked when tei-tools was made
        return
    _VERIFYING[key] = (_in_background([*command, str(path)], subprocess.STDOUT), os.getpid())


def verified(key: str) -> str | None:
    """None when jing accepts the schema (remembered in the cache) or did before; else
    what jing says is wrong with it."""
    started = _VERIFYING.get(key)
    if started is None:
        return None
    if started[1] != os.getpid():
        # a worker forked meanwhile: the parent collects it after the pass, before any
        # verdict is kept and before the run ends (a schema jing refuses fails it then)
        return None
    del _VERIFYING[key]
    code, output = _collected(started[0])
    if code == 0:
        _store(cache_dir() / "rng" / f"{key}.verified", b"")
        return None
    said = output.decode("utf-8", "replace")
    lines = [line for line in said.splitlines() if ": error:" in line or ": fatal:" in line]
    return (lines or said.strip().splitlines() or [f"jing exited with {code}"])[0]


def simplified(key: str, path: Path, command: list[str]) -> bytes | None:
    """jing's simplified form of the schema (of ``schema_key`` ``key``), from the cache
    or made now (None if jing cannot simplify it)."""
    cached = cache_dir() / "rng" / f"{key}.rng"
    kept = _load(cached)
    if kept is not None:
        return kept
    simplify_ahead(key, path, command, force=True)
    code, grammar = _collected(_SIMPLIFYING.pop(key))
    if code or not grammar.strip():
        return None
    _store(cached, grammar)
    return grammar


# Verdicts kept per schema: past this, the newest half is kept (a CI job validating
# new files on every push would otherwise read an ever longer list on every run)
MAX_VERDICTS = 50_000


class VerdictCache:
    """Documents found valid against a schema, by the SHA-256 of their bytes: a CI run
    over files that did not change since the last run checks only the ones that did.
    One file of digests per schema key, appended to in a single write per run (so
    concurrent runs do not interleave); a damaged line matches no digest. Past
    MAX_VERDICTS lines the file is rewritten with its newest half (a run that appends
    meanwhile may lose its lines: they cost the next run a check, nothing more)."""

    def __init__(self, key: str) -> None:
        self.path = cache_dir() / "valid" / f"{key}.txt"
        self.purpose = f"valid {key}"  # a line sealed for one schema proves nothing of another
        self._entries: dict[str, str] | None = None  # digest -> its line's HMAC, unchecked
        self._checked: dict[str, bool] = {}
        self._lines = 0  # lines read, sealed or not
        self._appending: TextIO | None = None

    @property
    def listed(self) -> frozenset[str]:
        """The digests the file lists, their HMACs not checked: for what only costs
        time when wrong (whether to read a file's names); ``in`` checks."""
        return frozenset(self._read())

    def _read(self) -> dict[str, str]:
        if self._entries is None:
            try:
                lines = self.path.read_text(encoding="ascii", errors="replace").splitlines()
            except OSError:
                lines = []
            self._lines = len(lines)
            words = " ".join(lines).split(" ")
            if len(words) == 2 * len(lines):  # every line "digest mac": paired at C speed
                self._entries = dict(zip(words[::2], words[1::2], strict=True))
            else:
                entries = (line.split(" ", 1) for line in lines)
                self._entries = {e[0]: e[1] for e in entries if len(e) == 2}
        return self._entries

    def __contains__(self, digest: str) -> bool:
        """The file lists ``digest`` on a line that carries its HMAC: a line anyone
        without the secret appended matches nothing (checked for the digests asked
        about only: a run reads a long list, and asks about its own files)."""
        if digest not in self._checked:
            mac = self._read().get(digest)
            self._checked[digest] = (
                mac is not None
                and mac.isascii()  # a damaged line matches no digest
                and hmac.compare_digest(sealer(self.purpose)(digest.encode()), mac)
            )
        return self._checked[digest]

    def add(self, digests: Iterable[str]) -> None:
        mac_of = sealer(self.purpose)
        fresh = [d for d in dict.fromkeys(digests) if d not in self]
        self._checked.update(dict.fromkeys(fresh, True))
        if not fresh:
            return
        new = "".join(f"{d} {mac_of(d.encode())}\n" for d in fresh)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if self._lines + len(fresh) > MAX_VERDICTS:
                self._compact(new)
            else:
                if self._appending is None:  # kept open: a worker adds a verdict a document
                    self._appending = self.path.open("a", encoding="ascii")
                self._appending.write(new)
                self._appending.flush()  # in the kernel's hands: a killed worker loses none
                self._lines += len(fresh)
        except OSError:
            pass  # a read-only cache only costs the next run the check again

    def _compact(self, new: str) -> None:
        """The file's newest half, then ``new``, written aside and renamed into place."""
        if self._appending is not None:
            self._appending.close()
            self._appending = None
        try:
            lines = self.path.read_text(encoding="ascii", errors="replace").splitlines()
        except OSError:
            lines = []
        kept = lines[len(lines) - MAX_VERDICTS // 2 :] if len(lines) > MAX_VERDICTS // 2 else lines
        fresh = new.splitlines()
        kept = kept[max(0, len(kept) + len(fresh) - MAX_VERDICTS) :]
        atomic_write(self.path, ("\n".join([*kept, *fresh]) + "\n").encode("ascii"))
        self._lines = len(kept) + len(fresh)


# Names a schema's vocabulary keeps at most (element and attribute names in all): past
# this it is forgotten, and the next run starts again from a sample of its own files
# (garbage a collection once held goes with it).
MAX_VOCABULARY = 20_000


def vocabulary(key: str) -> dict[str, set[str]] | None:
    """The element names (and the attributes each carried) of the documents earlier
    runs checked against the schema of ``key``, or None."""
    import json

    kept = _load(cache_dir() / "rng" / f"{key}.vocabulary.json")
    if kept is None:
        return None
    try:
        stored = json.loads(kept)
        return {str(name): {str(a) for a in attributes} for name, attributes in stored.items()}
    except (ValueError, TypeError, AttributeError):
        return None


def remember_vocabulary(key: str, names: dict[str, set[str]]) -> None:
    import json

    entry = cache_dir() / "rng" / f"{key}.vocabulary.json"
    size = len(names) + sum(len(attributes) for attributes in names.values())
    if size > MAX_VOCABULARY:
        entry.unlink(missing_ok=True)
        return
    data = {name: sorted(attributes) for name, attributes in sorted(names.items())}
    _store(entry, json.dumps(data).encode("utf-8"))


def verifying(key: str) -> bool:
    """Whether jing's check of the whole schema (``verify_ahead``) is still to be
    collected: until then no verdict may be kept."""
    return key in _VERIFYING
