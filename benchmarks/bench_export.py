"""Export time for text and HTML: the seeds, and a 5 MB TEI document.

Run: python benchmarks/bench_export.py [--size-mb 5] [--repeat 3] [--documents 100]

The large TEI document is the conversion of the seeds repeated to the size asked
for (5 MB of raw text). Each figure is also given per MB of TEI, and the ratio of the
large document's cost per MB to the seeds' (1.0 = linear growth), all from one run.

The peer: the TEI Stylesheets' ``html/html.xsl`` (../shared/peers/) in SaxonC
(``pip install saxonche``), compiled once, against ``tei-tools export --to html`` on
the same seed-sized documents read from disk, in the same run; ratio above 1 means
tei-tools is faster.
"""

from __future__ import annotations

import argparse
import time

from bench_common import ROOT, best_of, repeated, seed_people, seed_raw
from lxml import etree

from tei_tools.convert import convert_bytes
from tei_tools.export import export

PEER = ROOT.parent / "shared" / "peers" / "tei-stylesheets" / "html" / "html.xsl"


def against_the_stylesheets(documents: int) -> None:
    seeds = sorted((ROOT / "encoded").glob("*.xml"))
    files = [str(seeds[n % len(seeds)]) for n in range(documents)]
    if not PEER.is_file():
        print(f"peer: {PEER} not found: no comparison with the TEI Stylesheets")
        return
    try:
        from saxonche import PySaxonProcessor
    except ImportError:
        print("peer: saxonche is not installed (pip install saxonche): no comparison")
        return
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
        f"HTML, {documents} seed-sized documents: TEI Stylesheets (SaxonC) {peer:.2f} s, "
        f"tei-tools {ours:.2f} s, ratio {peer / ours:.1f}x (above 1: tei-tools is faster)"
    )


def main() -> None:
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
    against_the_stylesheets(args.documents)


if __name__ == "__main__":
    main()
