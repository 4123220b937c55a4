"""The site's search index: Pagefind (the ``pagefind[bin]`` wheel ships its binary)
run over the written site; it indexes the pages' ``data-pagefind-body`` (the reading
text of each document page) into ``pagefind/``.

The index is made whole on every build that changes anything, into a fresh folder that
then replaces the old one (no stale fragment survives, a killed build leaves the old
index). Pagefind's files are not byte-stable from run to run (it orders filters as it
hashes them), so the build's manifest does not checksum them: it is a derived cache,
checked for presence."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
from pathlib import Path

INDEX = "pagefind"
ENTRY = f"{INDEX}/pagefind-entry.json"


class SearchError(Exception):
    """Pagefind is missing or failed: the message says what to do."""


def pagefind_binary() -> str:
    spec = importlib.util.find_spec("pagefind_bin")
    if spec is not None and spec.origin:
        for name in ("pagefind_extended", "pagefind", "pagefind.exe", "pagefind_extended.exe"):
            candidate = Path(spec.origin).parent / name
            if candidate.is_file():
                return str(candidate)
    found = shutil.which("pagefind")
    if found:
        return found
    raise SearchError(
        "Pagefind is not installed: pip install 'pagefind[bin]' (or build with --no-search)"
    )


def index_site(site: Path) -> None:
    """Index ``site`` into ``site/pagefind``; SearchError with Pagefind's own words if
    it fails (the previous index then stays)."""
    fresh, old = site / f".{INDEX}.new", site / f".{INDEX}.old"
    for leftover in (fresh, old):
        shutil.rmtree(leftover, ignore_errors=True)
    command = [pagefind_binary(), "--site", str(site), "--output-path", str(fresh), "--quiet"]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0 or not (fresh / "pagefind-entry.json").is_file():
        shutil.rmtree(fresh, ignore_errors=True)
        said = (done.stderr or done.stdout).strip().splitlines()
        raise SearchError(f"Pagefind failed on {site}: {' '.join(said[-3:]) or done.returncode}")
    current = site / INDEX
    if current.exists():
        current.rename(old)
    fresh.rename(current)
    shutil.rmtree(old, ignore_errors=True)


def index_present(site: Path) -> bool:
    return (site / ENTRY).is_file()
