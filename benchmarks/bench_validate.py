"""Validation speed: tei-tools validate vs jing (tei_all.rng) on the same 1,000 files.

Run: python benchmarks/bench_validate.py [--files 1000] [--jobs N] [--rounds 3]

tei-tools checks tei_all's grammar *and* the Schematron rules it embeds (jing checks
the grammar only); the grammar alone (--no-schematron) is timed too, and, where SaxonC
and SchXslt are beside this repository, jing followed by SchXslt in Saxon (the TEI's
reference pipeline for both layers). ODD compilation is timed cold and cached.

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

from bench_common import as_installed

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


def agreement() -> None:
    """Per-file verdicts of tei-tools --schema tei_all.rng and of jing on the FRUS
    volumes, the seeds and every well-formed fixture (jing stops at a file that is not)."""
    import json

    from lxml import etree

    def well_formed(path: Path) -> bool:
        try:
            return b"<!DOCTYPE" not in path.read_bytes() and bool(etree.parse(str(path)))
        except etree.XMLSyntaxError:
            return False

    files = sorted((ROOT.parent / "shared" / "corpora" / "frus").glob("*.xml"))
    files += sorted((ROOT / "encoded").glob("*.xml"))
    files += sorted((ROOT / "tests" / "fixtures" / "tei").rglob("*.xml"))
    files = [f.resolve() for f in files if well_formed(f)]
    cmd = [sys.executable, "-m", "tei_tools", "validate", "--schema", str(TEI_ALL)]
    cmd += ["--format", "json", "--select", "S,V", "--no-cache", "--no-schematron"]
    cmd += [*map(str, files)]
    report = json.loads(subprocess.run(cmd, capture_output=True, text=True).stdout)
    ours = {str(Path(f["file"]).resolve()): f["valid"] for f in report["files"]}
    jing = subprocess.run(["jing", str(TEI_ALL), *map(str, files)], capture_output=True, text=True)
    rejected = {line.split(":", 1)[0] for line in jing.stdout.splitlines() if ": error:" in line}
    theirs = {str(f): str(f) not in rejected for f in files}
    same = sum(ours.get(f) == v for f, v in theirs.items())
    print(
        f"verdicts, tei-tools vs jing (tei_all): {same} of {len(files)} files agree "
        f"({sum(not v for v in theirs.values())} invalid for jing)"
    )


def corpora(folder: Path) -> dict[str, list[Path]]:
    """The documents copies are made of: a mix of sizes (the seeds' TEI and the
    devset's, converted here from its raw memoranda of both sets, as the issue that set
    the targets measured), and the seeds alone (seed-sized: the larger documents)."""
    seeds = sorted(p for p in (ROOT / "encoded").glob("*.xml") if p.name != "persons.xml")
    devset = ROOT.parent / "shared" / "devset"
    raw = [d for d in (devset / "raw", devset / "eras" / "raw") if d.is_dir()]
    mix = list(seeds)
    if raw:
        out = folder / "devset-tei"
        cmd = [sys.executable, "-m", "tei_tools", "convert", "-q", "--out-dir", str(out)]
        subprocess.run([*cmd, *map(str, raw)], capture_output=True, check=False)
        mix += sorted(out.glob("*.xml"))
    return {"mix of sizes": mix, "seed-sized": seeds}


_FRESH = [0]


def fresh(folder: Path, sources: list[Path], files: int) -> Path:
    """``files`` new distinct documents (no verdict of an earlier run can answer for
    them), in a new folder."""
    _FRESH[0] += 1
    target = folder / f"batch{_FRESH[0]}"
    target.mkdir()
    for n in range(files):
        source = sources[n % len(sources)]
        distinct = source.read_bytes() + f"<!-- {_FRESH[0]}.{n} -->\n".encode()
        (target / f"{n:04d}-{source.name}").write_bytes(distinct)
    return target


def compare_tei_all(validate: list[str], folder: Path, files: int, rounds: int = 3) -> None:
    """tei-tools --schema tei_all.rng against jing, on new files for every command (so
    whatever ran before, no verdict is reused): both layers with the grammar's cache
    warm and with an empty cache folder, the grammar alone, and jing + SchXslt (the
    reference for both layers). Best of ``rounds``, the commands alternated."""
    rng = [*validate, "--schema", str(TEI_ALL)]
    warm_cache = folder / "cache"
    for label, sources in corpora(folder).items():
        runs = {
            "jing (grammar)": lambda d: ["jing", str(TEI_ALL), *sorted(map(str, d.iterdir()))],
            "both layers, warm": lambda d: [*rng, str(d)],
            "both layers, empty cache folder": lambda d: [*rng, str(d)],
            "grammar only (--no-schematron)": lambda d: [*rng, "--no-schematron", str(d)],
        }
        best = dict.fromkeys(runs, float("inf"))
        os.environ["TEI_TOOLS_CACHE_DIR"] = str(warm_cache)  # inherited by the commands
        timed([*rng, str(fresh(folder, sources, 2))])  # the warm cache: the grammar simplified
        for _ in range(rounds):
            for name, command in runs.items():
                batch = fresh(folder, sources, files)
                with tempfile.TemporaryDirectory() as empty:
                    if name.endswith("empty cache folder"):
                        os.environ["TEI_TOOLS_CACHE_DIR"] = empty
                    best[name] = min(best[name], timed(command(batch))[0])
                    os.environ["TEI_TOOLS_CACHE_DIR"] = str(warm_cache)
                shutil.rmtree(batch)
        del os.environ["TEI_TOOLS_CACHE_DIR"]
        jing = best.pop("jing (grammar)")
        size = sum(p.stat().st_size for p in sources) / len(sources) * files / 1e6
        print(f"\n{label}: {files} new files per command (~{size:.0f} MB), best of {rounds}")
        print(f"  jing tei_all.rng (grammar only)           {jing:6.2f} s")
        targets = {"both": 1.0, "grammar": 2.0}
        for name, seconds in best.items():
            target = targets["grammar" if name.startswith("grammar") else "both"]
            print(
                f"  tei-tools, {name:<32} {seconds:6.2f} s   jing / tei-tools "
                f"{jing / seconds:4.2f}x (target >= {target:g})"
            )
        batch = fresh(folder, sources, files)
        schxslt = schxslt_seconds(sorted(map(str, batch.iterdir())))
        if schxslt is not None:
            both = best["both layers, warm"]
            print(
                f"  jing + SchXslt in SaxonC (tei_all.isosch) {jing + schxslt:6.2f} s   "
                f"(jing + SchXslt) / tei-tools both layers {(jing + schxslt) / both:4.2f}x "
                "(target >= 2.5)"
            )


def schxslt_seconds(files: list[str]) -> float | None:
    """SchXslt's pipeline compiles the TEI's Schematron into an XSLT, which Saxon runs
    on every file (in one process, as a CI job would script it)."""
    shared = ROOT.parent / "shared"
    pipeline = shared / "peers" / "schxslt" / "xslt-2.0" / "pipeline-for-svrl.xsl"
    isosch = shared / "tei-p5" / "reference" / "compiled" / "tei_all.isosch"
    if not pipeline.is_file():
        found = sorted((shared / "peers" / "schxslt").rglob("pipeline-for-svrl.xsl"))
        pipeline = found[0] if found else pipeline
    try:
        from saxonche import PySaxonProcessor
    except ImportError:
        return None
    if not (pipeline.is_file() and isosch.is_file()):
        return None
    start = time.perf_counter()
    with PySaxonProcessor(license=False) as saxon:
        compiler = saxon.new_xslt30_processor()
        validator_xsl = compiler.compile_stylesheet(
            stylesheet_file=str(pipeline)
        ).transform_to_string(source_file=str(isosch))
        check = saxon.new_xslt30_processor().compile_stylesheet(stylesheet_text=validator_xsl)
        for file in files:
            check.transform_to_string(source_file=file)
    return time.perf_counter() - start


def odd_compile() -> None:
    """`validate --odd tei_all.odd` on one file: the first run compiles, the next reads
    the cache."""
    reference = ROOT.parent / "shared" / "tei-p5" / "reference"
    stylesheets = ROOT.parent / "shared" / "peers" / "tei-stylesheets"
    odd = reference / "odd" / "tei_all.odd"
    if not (odd.is_file() and stylesheets.is_dir()):
        print(
            "ODD compile: the reference ODDs or the TEI Stylesheets are not beside this repository"
        )
        return
    cmd = [
        sys.executable,
        "-m",
        "tei_tools",
        "validate",
        "--odd",
        str(odd),
        "--tei-source",
        str(reference / "p5subset.xml"),
        "--stylesheets",
        str(stylesheets),
        str(ROOT / "encoded" / "1962-10-29_kuznetsov-u-thant_record.xml"),
    ]
    with tempfile.TemporaryDirectory() as cache:
        os.environ["TEI_TOOLS_CACHE_DIR"] = cache
        cold = timed(cmd)[0]
        warm = min(timed(cmd)[0] for _ in range(3))
    del os.environ["TEI_TOOLS_CACHE_DIR"]
    print(
        f"validate --odd tei_all.odd, one file: cold (compiles) {cold:.2f} s, cached {warm:.2f} s"
    )


def main() -> None:
    as_installed()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    seeds = sorted((ROOT / "encoded").glob("*.xml"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print(f"{args.files} files per command, {args.jobs} jobs")
        validate = [sys.executable, "-m", "tei_tools", "validate", "--jobs", str(args.jobs)]
        validate += ["--format", "json"]
        batch = fresh(folder, [s for s in seeds if s.name != "persons.xml"], args.files)
        ours, status = timed([*validate, str(batch)])
        print(
            f"tei-tools validate (project schema + rules), seed-sized: {ours:7.2f} s "
            f"(exit {status})"
        )
        if shutil.which("jing") and TEI_ALL.is_file():
            compare_tei_all(validate, folder, args.files, args.rounds)
            agreement()
            odd_compile()
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
