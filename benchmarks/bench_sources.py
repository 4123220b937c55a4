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
from collections.abc import Callable
from pathlib import Path

from bench_common import ROOT, as_installed, best_of

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
    """The peer over the 40 devset inputs in this process, compiled once."""
    try:
        import saxonche  # noqa: F401
    except ImportError:
        return None
    from peer_run import inputs, run

    if inputs(kind) is None:
        return None
    return lambda: run(kind)


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=False, capture_output=True)
    return time.perf_counter() - start


def whole_commands(kind: str, repeat: int) -> tuple[float, float | None]:
    """Best seconds of each whole command as a user runs it, runs alternated so that
    both see the same load: ``tei-tools convert`` on the devset folder, and the peer as
    one process over the same inputs (SaxonC started, the stylesheet compiled, a Word
    file unzipped as the peer needs it)."""
    ours_times: list[float] = []
    peer_times: list[float] = []
    folder = DEVSET / kind
    with tempfile.TemporaryDirectory() as out:
        ours_cmd = [
            sys.executable,
            "-m",
            "tei_tools",
            "convert",
            "-q",
            str(folder),
            "--out-dir",
            out,
        ]
        peer_cmd = [sys.executable, str(Path(__file__).parent / "peer_run.py"), kind]
        has_peer = peer(kind) is not None
        for _ in range(repeat):
            ours_times.append(timed(ours_cmd))
            if has_peer:
                peer_times.append(timed(peer_cmd))
    return min(ours_times), (min(peer_times) if peer_times else None)


def main() -> None:
    as_installed()
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
    print()
    print(f"whole commands on the {n} devset inputs (best of {args.repeat}, alternated):")
    for kind, name in (("docx", "TEI Stylesheets docx → TEI"), ("page", "page2tei")):
        ours_s, peer_s = whole_commands(kind, args.repeat)
        versus = (
            f"{name} {peer_s:.2f} s, peer ÷ ours {peer_s / ours_s:.2f}x" if peer_s else "no peer"
        )
        print(f"{kind:>6}: tei-tools convert --out-dir {ours_s:.2f} s; {versus}")


if __name__ == "__main__":
    main()
