"""The costliest Word files and PAGE exports under 1 MB that the reading budgets
(``tei_tools/budgets.py``) let in, each converted by the command as an
editor runs it in its own process: its time and peak memory, against the promise that
no input under 1 MB takes more than a minute or 1 GB. Also the inputs just past a
budget, which must be refused quickly.

Run: python benchmarks/bench_budgets.py [--only NAME]
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from bench_common import ROOT, as_installed

from tei_tools import budgets

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PAGE = "http://schema.primaresearch.org/PAGE/gts/pagecontent/2019-07-15"
LIMIT_SECONDS, LIMIT_MB = 60.0, 1024.0


def _zip(members: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def word(body: str) -> bytes:
    return _zip(
        {"word/document.xml": f'<w:document xmlns:w="{W}"><w:body>{body}</w:body></w:document>'}
    )


def page(regions: str, order: str = "") -> str:
    return (
        f'<PcGts xmlns="{PAGE}"><Page imageFilename="p.jpg" imageWidth="2480" '
        f'imageHeight="3508">{order}{regions}</Page></PcGts>'
    )


def text_line(n: int, text: str, custom: str = "") -> str:
    return (
        f'<TextLine id="l{n}" custom="{custom}"><Coords points="1,{n} 9,{n} 9,{n + 1}"/>'
        f"<TextEquiv><Unicode>{text}</Unicode></TextEquiv></TextLine>"
    )


def _runs(pair: str, count: int) -> str:
    per = 50
    return (f"<w:p>{pair * per}</w:p>") * (count // (2 * per))


BOLD = "<w:r><w:t>a</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>b</w:t></w:r>"
SUBST = (
    "<w:r><w:rPr><w:strike/></w:rPr><w:t>a</w:t></w:r>"
    '<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:t>b</w:t></w:r>'
)
LINES = budgets.MAX_LINES
REGIONS = 50_000
CASES: dict[str, Callable[[], bytes]] = {
    "word: empty paragraphs to the element budget": lambda: word(
        "<w:p/>" * (budgets.MAX_PART_ELEMENTS - 10)
    ),
    "word: one-letter paragraphs to the line budget": lambda: word(
        "<w:p><w:r><w:t>a</w:t></w:r></w:p>" * (LINES - 1)
    ),
    "word: line breaks to the line budget": lambda: word(
        ("<w:p>" + "<w:r><w:t>a</w:t><w:br/></w:r>" * 50 + "</w:p>") * (LINES // 51)
    ),
    "word: bold and plain letters to the run budget": lambda: word(
        _runs(BOLD, budgets.MAX_RUNS - 100)
    ),
    "word: struck and superscript letters to the run budget": lambda: word(
        _runs(SUBST, budgets.MAX_RUNS - 100)
    ),
    "word: one paragraph of the text budget": lambda: word(
        "<w:p><w:r><w:t>" + "Mr. Allen said. " * (budgets.MAX_TEXT // 16 - 1) + "</w:t></w:r></w:p>"
    ),
    "page: regions in a reading order": lambda: _zip(
        {
            "page/1.xml": page(
                "".join(
                    f'<TextRegion id="r{n}">{text_line(n, "a")}</TextRegion>'
                    for n in range(REGIONS)
                ),
                '<ReadingOrder><OrderedGroup id="g">'
                + "".join(
                    f'<RegionRefIndexed index="{n}" regionRef="r{REGIONS - 1 - n}"/>'
                    for n in range(REGIONS)
                )
                + "</OrderedGroup></ReadingOrder>",
            )
        }
    ),
    "page: lines to the line budget over pages": lambda: _zip(
        {
            f"page/{p}.xml": page(
                '<TextRegion id="r">'
                + "".join(text_line(n, "a") for n in range(LINES // 5 - 1))
                + "</TextRegion>"
            )
            for p in range(5)
        }
    ),
    "page: styled stretches to the run budget": lambda: _zip(
        {
            "page/1.xml": page(
                '<TextRegion id="r">'
                + text_line(
                    1,
                    "ab" * (budgets.MAX_RUNS // 2 - 10),
                    " ".join(
                        f"textStyle {{offset:{i};length:1;bold:true;}}"
                        for i in range(0, budgets.MAX_RUNS - 20, 2)
                    ),
                )
                + "</TextRegion>"
            )
        }
    ),
    "page: empty elements to the element budget over pages": lambda: _zip(
        {f"page/{p}.xml": page("<X/>" * (budgets.MAX_ELEMENTS // 5 - 10)) for p in range(5)}
    ),
    "word: past the element budget (refused)": lambda: word(
        "<w:p/>" * (budgets.MAX_PART_ELEMENTS + 10)
    ),
}


def measure(data: bytes, folder: Path, suffix: str) -> tuple[float, float, int]:
    """Seconds, peak MB and exit status of ``tei-tools convert`` on ``data``."""
    source = folder / f"input{suffix}"
    source.write_bytes(data)
    start = time.perf_counter()
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tei_tools",
            "convert",
            str(source),
            "-o",
            str(folder / "out.xml"),
            "-q",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - start, usage.ru_maxrss / 1024, child.returncode


def main() -> None:
    as_installed()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", default="", help="cases whose name contains this")
    args = parser.parse_args()
    worst = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for name, make in CASES.items():
            if args.only not in name:
                continue
            data = make()
            assert len(data) < 1_000_000, f"{name}: {len(data)} bytes"
            suffix = ".docx" if name.startswith("word") else ".zip"
            seconds, mb, status = measure(data, Path(tmp), suffix)
            worst = max(worst, seconds / LIMIT_SECONDS, mb / LIMIT_MB)
            print(
                f"{name:58} {len(data) / 1000:7.0f} kB {seconds:6.1f} s {mb:7.0f} MB exit {status}"
            )
    print(f"worst: {worst:.0%} of the limit (60 s, 1 GB)")


if __name__ == "__main__":
    main()
