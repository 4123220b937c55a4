"""Hostile inputs at two sizes: every command must grow linearly (twice the input,
at most 2.2 times the time) with bounded memory. Whole commands, as a user runs them;
each case is timed at size n and 2n (best of 3) and its peak memory read from the
child's rusage.

    python benchmarks/bench_scaling.py [--scale S]

Prints one line per case: times, their ratio, peak memory, and "ok" or "SUPERLINEAR".
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from bench_common import as_installed

TEI = (
    '<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>t'
    "</title></titleStmt><publicationStmt><p>p</p></publicationStmt><sourceDesc><p>s</p>"
    "</sourceDesc></fileDesc></teiHeader><text><body>{}</body></text></TEI>"
)

# name -> (command, input maker of size n, base n)
CASES: dict[str, tuple[str, Callable[[int], str], int]] = {
    "validate: attributes on one element": (
        "validate",
        lambda n: TEI.format("<p " + " ".join(f'a{i}="v"' for i in range(n)) + ">x</p>"),
        50_000,
    ),
    "validate: dangling refs on one line": (
        "validate",
        lambda n: TEI.format(
            "<p>" + "".join(f'<ref target="#x{i}">r</ref>' for i in range(n)) + "</p>"
        ),
        5_000,
    ),
    "validate: lines of a duplicate xml:id": (
        "validate",
        lambda n: TEI.format("\n".join('<p xml:id="same">x</p>' for _ in range(n))),
        50_000,
    ),
    "convert: a run-together word": (
        "convert",
        lambda n: "MEMO\n\n" + "abcDE" * (n // 5) + "\n",
        80_000,
    ),
    "convert: 'Present were:' text": (
        "convert",
        lambda n: (
            "MEMO\n\nPresent were: " + ", ".join(f"Mr. Name{i}" for i in range(n // 12)) + ".\n"
        ),
        135_000,
    ),
    "convert: unclosed <sup> markers": (
        "convert",
        lambda n: "MEMO\n\nText " + "<sup>" * n + "x\n",
        8_000,
    ),
    "convert: nested <sup> and ~~": (
        "convert",
        lambda n: "MEMO\n\nText " + "~~a <sup>b " * n + "x" + "</sup>~~" * n + "\n",
        400,
    ),
    "convert: participants lines": (
        "convert",
        lambda n: (
            "MEMO\n\nPARTICIPANTS:\n"
            + "\n".join(f"Mr. Surname{chr(65 + i % 26)}{i}, Officer" for i in range(n))
            + "\n\nMr. SurnameA0 said yes.\n"
        ),
        2_000,
    ),
}

_MEASURE = (
    "import resource, subprocess, sys, time\n"
    "t = time.perf_counter()\n"
    "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "print(time.perf_counter() - t, peak)\n"
)


def run(command: list[str]) -> tuple[float, int]:
    """Seconds and peak KiB of one whole command, measured in a fresh process."""
    out = subprocess.run(
        [sys.executable, "-c", _MEASURE, *command], capture_output=True, text=True, check=True
    ).stdout.split()
    return float(out[0]), int(out[1])


def case(folder: Path, command: str, make: Callable[[int], str], n: int) -> tuple[float, int]:
    suffix = ".xml" if command == "validate" else ".txt"
    path = folder / f"input{n}{suffix}"
    path.write_text(make(n), encoding="utf-8")
    argv = ["tei-tools", command, str(path)]
    argv += (
        ["--max-findings", "0"]
        if command == "validate"
        else ["-o", str(folder / "o.xml"), "--no-people"]
    )
    runs = [run(argv) for _ in range(3)]
    return min(t for t, _ in runs), max(m for _, m in runs)


def main() -> None:
    as_installed()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every base size")
    args = parser.parse_args()
    baseline = run(["tei-tools", "--version"])[0]
    print(f"baseline: 'tei-tools --version' takes {baseline:.2f} s (start-up, in every figure)")
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for name, (command, make, base) in CASES.items():
            n = int(base * args.scale)
            t1, m1 = case(Path(tmp), command, make, n)
            t2, m2 = case(Path(tmp), command, make, 2 * n)
            ratio = max(t2 - baseline, 0.01) / max(t1 - baseline, 0.01)
            worst = max(worst, ratio)
            verdict = "ok" if ratio <= 2.2 else "SUPERLINEAR"
            print(
                f"{name:40} n={n:>7}: {t1:6.2f} s, 2n: {t2:6.2f} s, ratio {ratio:4.2f} "
                f"(start-up excluded); peak {m1 / 1024:5.0f} / {m2 / 1024:5.0f} MiB  {verdict}"
            )
    print(f"worst ratio {worst:.2f} (target <= 2.2)")


if __name__ == "__main__":
    main()
