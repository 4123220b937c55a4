"""A peer converter as its users run it, over the devset's 40 Word files or PAGE
exports, in one SaxonC process with the stylesheet compiled once: the TEI
Stylesheets' docx → TEI (each .docx unzipped first, as it needs) or page2tei (on each
export's mets.xml). ``python benchmarks/peer_run.py docx|page`` is the whole command
``bench_sources.py`` times beside ``tei-tools convert``. The peers are read in place
from ../shared/peers (never copied here)."""

from __future__ import annotations

import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEVSET = ROOT.parent / "shared" / "devset"
PEERS = ROOT.parent / "shared" / "peers"
SHEETS = {
    "docx": PEERS / "tei-stylesheets" / "profiles" / "default" / "docx" / "from.xsl",
    "page": PEERS / "page2tei" / "page2tei-0.xsl",
}


def inputs(kind: str) -> list[Path] | None:
    if not SHEETS[kind].is_file():
        return None
    if kind == "docx":
        return sorted((DEVSET / "docx").glob("*.docx"))
    return sorted(p for p in (DEVSET / "page").iterdir() if p.is_dir())


def run(kind: str) -> int:
    from saxonche import PySaxonProcessor

    found = inputs(kind) or []
    with tempfile.TemporaryDirectory() as unpacked, PySaxonProcessor(license=False) as p:
        compiled = p.new_xslt30_processor().compile_stylesheet(stylesheet_file=str(SHEETS[kind]))
        for item in found:
            if kind == "docx":
                folder = Path(unpacked) / item.stem
                with zipfile.ZipFile(item) as archive:
                    archive.extractall(folder)
                compiled.set_parameter("word-directory", p.make_string_value(folder.as_uri()))
                compiled.set_parameter("inputDir", p.make_string_value(str(folder)))
                compiled.set_parameter("mediaDir", p.make_string_value("word/media"))
                source = folder / "word" / "document.xml"
            else:
                source = item / "mets.xml"
            compiled.transform_to_string(source_file=str(source))
    return len(found)


if __name__ == "__main__":
    print(run(sys.argv[1]))
