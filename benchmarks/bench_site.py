"""The edition site: building the 40 devset PAGE renderings with search and without
(whole `tei-tools build --force` commands, alternated, best of N; the ratio is what
counts on a shared machine), and the size of a seed document's page with the CSS and
scripts it loads (the viewer excepted).

    python benchmarks/bench_site.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_common import ROOT, as_installed

PAGE_DEVSET = ROOT.parent / "shared" / "devset" / "page"


def build(folder: Path, *args: str) -> float:
    start = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "tei_tools",
            "build",
            str(folder),
            "--force",
            "-q",
            "-j",
            "2",
            *args,
        ],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def main() -> None:
    as_installed()
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    repeat = parser.parse_args().repeat
    if not PAGE_DEVSET.is_dir():
        sys.exit(f"the devset's PAGE renderings are not at {PAGE_DEVSET}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "devset"
        shutil.copytree(PAGE_DEVSET, folder / "raw")
        for path in (folder / "raw").rglob("*"):
            path.chmod(0o755 if path.is_dir() else 0o644)
        build(folder)  # warm the caches (compiled schema, name lexicon)
        without, with_search = [], []
        for _ in range(repeat):
            without.append(build(folder, "--no-search"))
            with_search.append(build(folder))
        base, searched = min(without), min(with_search)
        print(f"40 devset PAGE documents, build --force -j 2 (best of {repeat}):")
        print(f"  without search  {base:6.2f} s")
        print(f"  with search     {searched:6.2f} s   ratio {searched / base:.2f}x")
        index = sum(
            p.stat().st_size for p in (folder / "site" / "pagefind").rglob("*") if p.is_file()
        )
        print(f"  search index    {index / 1024:6.0f} KiB")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "seeds"
        shutil.copytree(ROOT / "raw", folder / "raw")
        shutil.copy(ROOT / "pyproject.toml", folder)
        build(folder)
        site = folder / "site"
        shared = sum((site / n).stat().st_size for n in ("assets/edition.css", "assets/edition.js"))
        print("Seed document pages (HTML + edition.css + edition.js; viewer.js excepted):")
        for page in sorted(site.glob("1962-*.html")):
            size = page.stat().st_size
            print(
                f"  {page.name:45} {size / 1000:6.1f} kB + {shared / 1000:.1f} kB = "
                f"{(size + shared) / 1000:6.1f} kB"
            )
        print(f"  viewer.js {(site / 'assets/viewer.js').stat().st_size / 1000:.1f} kB")


if __name__ == "__main__":
    main()
