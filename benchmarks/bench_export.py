"""Export time for text and HTML: the seeds, and a 5 MB TEI document.

Run: python benchmarks/bench_export.py [--size-mb 5] [--repeat 3] [--documents 100]

The large TEI document is the conversion of the seeds repeated to the size asked
for (5 MB of raw text). Each figure is also given per MB of TEI, and the ratio of the
large document's cost per MB to the seeds' (1.0 = linear growth), all from one run.

The peer: the TEI Stylesheets' ``html/html.xsl`` (../shared/peers/) in SaxonC
(``pip install saxonche``, or ``pip install ".[bench]"``), against ``tei-tools export
--to html --out-dir`` on the same seed-sized documents, as whole commands (a fresh
process each: start-up, the stylesheet's compile, reading and writing every file) and
in process; ratio above 1 means tei-tools is faster.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_common import ROOT, as_installed, best_of, repeated, seed_people, seed_raw
from lxml import etree

from tei_tools.convert import convert_bytes
from tei_tools.export import export

STYLESHEETS = ROOT.parent / "shared" / "peers" / "tei-stylesheets"
PEER = STYLESHEETS / "html" / "html.xsl"
PEERS = {
    "html": (PEER, ".html", 5.0),
    "text": (STYLESHEETS / "txt" / "tei-to-text.xsl", ".txt", 3.0),
}


_SAXON = """
import sys
from pathlib import Path
from saxonche import PySaxonProcessor
stylesheet, suffix, out, *files = sys.argv[1:]
with PySaxonProcessor(license=False) as processor:
    xslt = processor.new_xslt30_processor().compile_stylesheet(stylesheet_file=stylesheet)
    for f in files:
        xslt.transform_to_file(source_file=f, output_file=str(Path(out) / (Path(f).stem + suffix)))
"""


def _whole_command(argv: list[str], repeat: int) -> float:
    """The best of ``repeat`` runs of a command, start-up and all, as a user runs it."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return min(times)


def against_the_stylesheets(documents: int, repeat: int) -> None:
    seeds = sorted(p for p in (ROOT / "encoded").glob("*.xml") if p.name != "persons.xml")
    if not PEER.is_file():
        print(f"peer: {PEER} not found: no comparison with the TEI Stylesheets")
        return
    try:
        import saxonche  # noqa: F401
    except ImportError:
        print("peer: saxonche is not installed (pip install saxonche): no comparison")
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "tei"
        folder.mkdir()
        files = []
        for n in range(documents):  # distinct files, as a collection has
            source = seeds[n % len(seeds)]
            files.append(str(shutil.copy(source, folder / f"{n:04d}-{source.name}")))
        for fmt, (stylesheet, suffix, target) in PEERS.items():
            peer_out, ours_out = Path(tmp) / f"peer-{fmt}", Path(tmp) / f"ours-{fmt}"
            peer_out.mkdir()
            peer_cmd = [sys.executable, "-c", _SAXON, str(stylesheet), suffix, str(peer_out)]
            ours_cmd = [sys.executable, "-m", "tei_tools", "export", "--to", fmt, "-q"]
            ours_cmd += ["--out-dir", str(ours_out)]
            peer, ours = float("inf"), float("inf")
            for _ in range(repeat):  # alternated: both see the same load
                peer = min(peer, _whole_command([*peer_cmd, *files], 1))
                ours = min(ours, _whole_command([*ours_cmd, *files], 1))
            print(
                f"{fmt}, {documents} seed-sized documents, whole commands (start-up, compile, "
                f"reading and writing every file): TEI Stylesheets (SaxonC) {peer:.2f} s, "
                f"tei-tools {ours:.2f} s, ratio {peer / ours:.1f}x (above 1: tei-tools is "
                f"faster; target {target:g}x)"
            )
    _in_process(files_of(seeds, documents))


def files_of(seeds: list[Path], documents: int) -> list[str]:
    return [str(seeds[n % len(seeds)]) for n in range(documents)]


def _in_process(files: list[str]) -> None:
    """The same work inside one process each (SaxonC compiled once), without start-up
    and file writing: what each engine costs per document."""
    from saxonche import PySaxonProcessor

    with PySaxonProcessor(license=False) as processor:
        xslt = processor.new_xslt30_processor().compile_stylesheet(stylesheet_file=str(PEER))
        xslt.set_cwd(str(ROOT))
        start = time.perf_counter()
        for f in files:
            xslt.transform_to_string(source_file=f)
        peer = time.perf_counter() - start
    start = time.perf_counter()
    for f in files:
        export(etree.parse(f).getroot(), "html")
    ours = time.perf_counter() - start
    print(
        f"HTML, {len(files)} documents, in process: TEI Stylesheets (SaxonC) {peer:.2f} s, "
        f"tei-tools {ours:.2f} s, ratio {peer / ours:.1f}x"
    )


def main() -> None:
    as_installed()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size-mb", type=float, default=5.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--documents", type=int, default=100)
    args = parser.parse_args()
    people = seed_people()
    seeds = [etree.parse(str(p)).getroot() for p in sorted((ROOT / "encoded").glob("*.xml"))]
    seed_bytes = sum(len(etree.tostring(s)) for s in seeds)
    big_raw = repeated(seed_raw(), args.size_mb)
    big = convert_bytes(big_raw, "big.txt", people).tree
    assert big is not None
    big_root = big.getroot()
    big_bytes = len(etree.tostring(big_root))

    print(f"{'format':>16} {'seeds s':>9} {'s/MB':>7} {'large s':>9} {'s/MB':>7} {'growth':>7}")
    for fmt, view in (("text", "reading"), ("text", "diplomatic"), ("html", "reading")):
        small = best_of(args.repeat, lambda f=fmt, v=view: [export(s, f, view=v) for s in seeds])
        large = best_of(args.repeat, lambda f=fmt, v=view: export(big_root, f, view=v))
        per_small, per_large = small / (seed_bytes / 1e6), large / (big_bytes / 1e6)
        print(
            f"{fmt + ' ' + view:>16} {small:>9.3f} {per_small:>7.3f} {large:>9.3f} "
            f"{per_large:>7.3f} {per_large / per_small:>7.2f}"
        )
    print(f"seeds: {seed_bytes / 1e6:.2f} MB of TEI; large: {big_bytes / 1e6:.1f} MB of TEI")
    against_the_stylesheets(args.documents, args.repeat)


if __name__ == "__main__":
    main()
