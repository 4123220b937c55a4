"""Validation speed: tei-tools validate vs jing (tei_all.rng) on the same 1,000 files.

Run: python benchmarks/bench_validate.py [--files 1000] [--jobs N]

Both commands run as whole processes in the same run (start-up, schema loading and
validation included), so the ratio holds on a shared, noisy machine. It also prints
the per-file cost of validating a valid document and of the detailed report for an
invalid one.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tei_tools.validate import Validator

ROOT = Path(__file__).resolve().parent.parent
TEI_ALL = ROOT.parent / "shared" / "tei-p5" / "tei_all.rng"


def timed(cmd: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    run = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start, run.returncode


def per_file(validator: Validator, data: bytes, rounds: int) -> float:
    start = time.perf_counter()
    for _ in range(rounds):
        list(validator.iter_errors("bench.xml", data))
    return (time.perf_counter() - start) / rounds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    seeds = sorted((ROOT / "encoded").glob("*.xml"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = []
        for n in range(args.files):
            path = folder / f"doc{n:04d}.xml"
            shutil.copy(seeds[n % len(seeds)], path)
            files.append(str(path))
        size = sum(Path(f).stat().st_size for f in files) / 1e6
        print(f"{args.files} files, {size:.1f} MB, {args.jobs} jobs")
        ours, status = timed(
            [
                sys.executable,
                "-m",
                "tei_tools",
                "validate",
                str(folder),
                "--jobs",
                str(args.jobs),
                "--format",
                "json",
            ]
        )
        print(f"tei-tools validate (project schema + rules): {ours:7.2f} s  (exit {status})")
        if shutil.which("jing") and TEI_ALL.is_file():
            jing, status = timed(["jing", str(TEI_ALL), *files])
            print(f"jing tei_all.rng:                            {jing:7.2f} s  (exit {status})")
            print(f"ratio jing / tei-tools: {jing / ours:.1f}x (above 1: tei-tools is faster)")
        else:
            print("jing or tei_all.rng not found: no comparison (apt-get install jing)")

    validator = Validator()
    valid = seeds[-1].read_bytes()
    invalid = valid.replace(b'rend="strikethrough"', b'rend="wavy"', 3)
    list(validator.iter_errors("warm.xml", invalid))  # load the detailed-report engine
    fast = per_file(validator, valid, 50)
    slow = per_file(validator, invalid, 20)
    print(
        f"per file (in process): valid {fast * 1000:.2f} ms; invalid with detailed report "
        f"{slow * 1000:.2f} ms ({slow / fast:.0f}x)"
    )


if __name__ == "__main__":
    main()
