"""Conversion throughput on the seeds and on a 5 MB document made by repeating them,
and one file converted by the whole command beside pandoc (the conversion peer:
``pandoc -f markdown -t tei``), as an editor runs either.

Run: python benchmarks/bench_convert.py [--size-mb 5] [--repeat 3]

Machines here are shared and noisy, so each figure is also given as a ratio to a
baseline measured in the same run: lxml parsing the TEI that the conversion writes
(a floor for any tool that reads or writes that much XML).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
import time

from bench_common import ROOT, as_installed, best_of, repeated, seed_people, seed_raw
from lxml import etree

from tei_tools.convert import convert_bytes


def main() -> None:
    as_installed()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size-mb", type=float, default=5.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    people = seed_people()
    joined = seed_raw()
    big = repeated(joined, args.size_mb)

    rows = []
    for label, data in (("seeds", joined), (f"{len(big) / 1e6:.1f} MB", big)):
        xml = convert_bytes(data, "bench.txt", people).xml()
        seconds = best_of(args.repeat, lambda d=data: convert_bytes(d, "bench.txt", people))
        base = best_of(args.repeat, lambda x=xml: etree.fromstring(x))
        rows.append((label, len(data), seconds, base))
    print(f"{'input':>10} {'bytes':>10} {'seconds':>9} {'MB/s':>7} {'÷ lxml parse':>13}")
    for label, size, seconds, base in rows:
        print(
            f"{label:>10} {size:>10} {seconds:>9.3f} {size / seconds / 1e6:>7.2f} "
            f"{seconds / base:>13.1f}"
        )
    seed_rate = rows[0][1] / rows[0][2]
    big_rate = rows[1][1] / rows[1][2]
    print(
        f"throughput ratio seeds / large document: {seed_rate / big_rate:.2f} "
        "(1.0 = linear; the target is below 2)"
    )
    one_file_beside_pandoc(max(args.repeat, 5))


def one_file_beside_pandoc(repeat: int) -> None:
    """Whole commands on one seed, each writing its file: best of ``repeat`` runs."""
    seed = sorted((ROOT / "raw").glob("*.txt"))[-1]
    pandoc = shutil.which("pandoc")
    with tempfile.TemporaryDirectory() as tmp:
        commands = {
            "tei-tools": ["tei-tools", "convert", str(seed), "-o", f"{tmp}/t.xml", "-q"],
            "pandoc": [pandoc, "-f", "markdown", "-t", "tei", str(seed), "-o", f"{tmp}/p.xml"]
            if pandoc
            else None,
        }
        times = {}
        for name, argv in commands.items():
            if argv is None:
                print(f"{name}: not installed (apt-get install pandoc): no comparison")
                continue
            runs = []
            for _ in range(repeat):
                start = time.perf_counter()
                subprocess.run(argv, check=False, capture_output=True)
                runs.append(time.perf_counter() - start)
            times[name] = min(runs)
    if len(times) == 2:
        print(
            f"one file ({seed.name}), whole command: tei-tools {times['tei-tools']:.3f} s, "
            f"pandoc {times['pandoc']:.3f} s, ratio {times['tei-tools'] / times['pandoc']:.2f}x "
            "pandoc's time (target <= 1.0)"
        )


if __name__ == "__main__":
    main()
