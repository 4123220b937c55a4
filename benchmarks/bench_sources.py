"""Documents per second for each reader on the devset (raw, Word, PAGE), beside the
peers run in SaxonC in one process with their compile included: the TEI Stylesheets'
docx → TEI and page2tei (``../shared/peers/``). Also the whole command as an editor
runs it (``tei-tools convert --out-dir`` on the devset's Word folder).

Run: python benchmarks/bench_sources.py [--repeat 3]   (peers: pip install saxonche)

Figures are ratios measured in the same run, since these machines are noisy.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from bench_common import ROOT, best_of

from tei_tools.convert import convert_bytes
from tei_tools.convert.pipeline import convert_folder

DEVSET = ROOT.parent / "shared" / "devset"
PEERS = ROOT.parent / "shared" / "peers"


def ours(kind: str) -> Callable[[], object]:
    if kind == "page":
        folders = sorted(p for p in (DEVSET / "page").iterdir() if p.is_dir())
        return lambda: [convert_folder(f) for f in folders]
    suffix = {"raw": ".txt", "docx": ".docx"}[kind]
    files = [(p.name, p.read_bytes()) for p in sorted((DEVSET / kind).glob(f"*{suffix}"))]
    return lambda: [convert_bytes(data, name) for name, data in files]


def peer(kind: str) -> Callable[[], object] | None:
    try:
        from saxonche import PySaxonProcessor
    except ImportError:
        return None
    if kind == "docx":
        sheet = PEERS / "tei-stylesheets" / "profiles" / "default" / "docx" / "from.xsl"
        unpacked = Path(tempfile.mkdtemp())
        inputs = []
        for docx in sorted((DEVSET / "docx").glob("*.docx")):
            folder = unpacked / docx.stem
            with zipfile.ZipFile(docx) as archive:
                archive.extractall(folder)
            inputs.append(folder)
    else:
        sheet = PEERS / "page2tei" / "page2tei-0.xsl"
        inputs = sorted(p for p in (DEVSET / "page").iterdir() if p.is_dir())
    if not sheet.is_file():
        return None

    def run() -> object:
        with PySaxonProcessor(license=False) as processor:
            xslt = processor.new_xslt30_processor()
            compiled = xslt.compile_stylesheet(stylesheet_file=str(sheet))
            for folder in inputs:
                if kind == "docx":
                    compiled.set_parameter(
                        "word-directory", processor.make_string_value(folder.as_uri())
                    )
                    compiled.set_parameter("inputDir", processor.make_string_value(str(folder)))
                    compiled.set_parameter("mediaDir", processor.make_string_value("word/media"))
                    source = folder / "word" / "document.xml"
                else:
                    source = folder / "mets.xml"
                compiled.transform_to_string(source_file=str(source))
        return None

    return run


def whole_command() -> float:
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "tei_tools",
                "convert",
                "-q",
                str(DEVSET / "docx"),
                "--out-dir",
                out,
            ],
            check=False,
            capture_output=True,
        )
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not DEVSET.is_dir():
        sys.exit(f"the devset is not at {DEVSET}")
    n = len(list((DEVSET / "raw").glob("*.txt")))
    raw_seconds = best_of(args.repeat, ours("raw"))
    print(f"{'reader':>6} {'docs/s':>8} {'÷ raw':>7} {'peer docs/s':>12} {'ours ÷ peer':>12}")
    for kind in ("raw", "docx", "page"):
        seconds = raw_seconds if kind == "raw" else best_of(args.repeat, ours(kind))
        run_peer = peer(kind) if kind != "raw" else None
        peer_seconds = best_of(1, run_peer) if run_peer else None
        peer_rate = f"{n / peer_seconds:12.1f}" if peer_seconds else f"{'—':>12}"
        speedup = f"{peer_seconds / seconds:11.1f}x" if peer_seconds else f"{'—':>12}"
        print(f"{kind:>6} {n / seconds:8.1f} {seconds / raw_seconds:7.2f} {peer_rate} {speedup}")
    print(f"whole command, {n} Word files: tei-tools convert --out-dir {whole_command():.2f} s")


if __name__ == "__main__":
    main()
