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


_HEAD = (
    '<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>t'
    "</title></titleStmt><publicationStmt><p>p</p></publicationStmt><sourceDesc><p>s</p>"
    "</sourceDesc></fileDesc></teiHeader><text><body>"
)
_TAIL = "</body></text></TEI>"


def hostile_inputs() -> dict[str, bytes]:
    """The hostile files of the bounded-report targets, made here."""

    def attrs(n: int) -> bytes:
        names = " ".join(f'a{i}="v"' for i in range(n))
        return f"{_HEAD}<p {names}>x</p>{_TAIL}".encode()

    error = '<hi rend="bold" bad="1">' + "x" * 80 + "</hi> "
    paragraphs = ("<p>" + error * 100 + "</p>") * 1000
    deep = '<hi rend="bold">' * 300 + "x" + "</hi>" * 300
    return {
        "8,000 attributes on one element": attrs(8000),
        "50,000 attributes on one element": attrs(50000),
        "20,000 unknown elements (600 KB)": f"{_HEAD}<p>{'<zz>x</zz>' * 20000}</p>{_TAIL}".encode(),
        "10 MB, 100,000 schema errors": f"{_HEAD}{paragraphs}{_TAIL}".encode(),
        "nesting 300 levels deep": f"{_HEAD}<p>{deep}</p>{_TAIL}".encode(),
    }


def hostile() -> None:
    validator = Validator()
    for label, data in hostile_inputs().items():
        start = time.perf_counter()
        found = list(validator.iter_errors("hostile.xml", data))
        seconds = time.perf_counter() - start
        print(f"hostile: {label:<36} {seconds:6.2f} s, {len(found)} findings reported")


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
        validate = [sys.executable, "-m", "tei_tools", "validate", "--jobs", str(args.jobs)]
        validate += ["--format", "json"]
        ours, status = timed([*validate, str(folder)])
        print(f"tei-tools validate (project schema + rules): {ours:7.2f} s  (exit {status})")
        if shutil.which("jing") and TEI_ALL.is_file():
            jing, status = timed(["jing", str(TEI_ALL), *files])
            print(f"jing tei_all.rng:                            {jing:7.2f} s  (exit {status})")
            print(f"ratio jing / tei-tools: {jing / ours:.1f}x (above 1: tei-tools is faster)")
            ours_rng, status = timed([*validate, "--schema", str(TEI_ALL), str(folder)])
            print(
                f"tei-tools validate --schema tei_all.rng:     {ours_rng:7.2f} s  (exit {status})"
            )
            print(f"ratio jing / tei-tools (tei_all, {args.files} files): {jing / ours_rng:.2f}x")
            one_jing, _ = timed(["jing", str(TEI_ALL), files[0]])
            one_ours, _ = timed([*validate, "--schema", str(TEI_ALL), files[0]])
            print(
                f"one file, tei_all: jing {one_jing:.2f} s, tei-tools {one_ours:.2f} s, "
                f"ratio {one_jing / one_ours:.2f}x"
            )
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
    hostile()


if __name__ == "__main__":
    main()
