"""ODD customizations compiled by tei-tools (the TEI Stylesheets in SaxonC, cached)
give the verdicts of the TEI's reference pipeline; bad ODDs are refused by line."""

from __future__ import annotations

import functools
import http.server
import json
import shutil
import threading
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from tei_tools.cli import cli
from tei_tools.convert import convert_bytes
from tei_tools.validate import Validator
from tei_tools.validate.odd import compile_odd
from tei_tools.validate.protocol import OddSources
from tei_tools.validate.runner import run

from .conftest import ENCODED_DOCS, ROOT, skip_unless

SHARED = ROOT.parent / "shared"
REFERENCE = SHARED / "tei-p5" / "reference"
P5SUBSET = REFERENCE / "p5subset.xml"
STYLESHEETS = SHARED / "peers" / "tei-stylesheets"


def need_inputs() -> None:
    skip_unless(REFERENCE.is_dir(), f"the TEI reference oracle is not at {REFERENCE}")
    skip_unless(STYLESHEETS.is_dir(), f"the TEI Stylesheets are not at {STYLESHEETS}")
    pytest.importorskip("saxonche", reason="pip install 'tei-tools[odd]' (saxonche)")


def pairs() -> dict[str, list[dict]]:
    path = REFERENCE / "expected.json"
    grouped: dict[str, list[dict]] = {}
    for result in json.loads(path.read_text())["results"] if path.is_file() else []:
        grouped.setdefault(result["schema"], []).append(result)
    return grouped


@pytest.fixture(scope="module")
def odd_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("odd-cache")


SOURCES = OddSources(P5SUBSET, STYLESHEETS)
# As in test_schematron: Debian's jing expands XInclude, tei-tools validates as written.
XINCLUDE = "xinclude-valid.xml"


@pytest.mark.parametrize("name", sorted(pairs()) or ["(reference absent)"])
def test_a_compiled_odd_gives_the_references_verdicts_and_findings(name, odd_cache, monkeypatch):
    need_inputs()
    monkeypatch.setenv("TEI_TOOLS_CACHE_DIR", str(odd_cache))
    validator = Validator(REFERENCE / "odd" / f"{name}.odd", max_findings=0, odd=SOURCES)
    results = pairs()[name]
    files = [str(REFERENCE / "cases" / r["case"]) for r in results]
    for result, checked in zip(results, run(validator, files, 1), strict=True):
        codes = [d.code for d in checked.diagnostics]
        if result["case"] != XINCLUDE:
            invalid = "S001" in codes or "V003" in codes
            assert (not invalid) == result["jing"]["valid"], (result["case"], codes)
        errors = [d for d in checked.diagnostics if d.code == "S002" and d.level.name == "ERROR"]
        assert len(errors) == result["schematron"]["errors"], (result["case"], errors)
        texts = sorted(d.message for d in checked.diagnostics if d.code == "S002")
        assert texts == sorted(f["text"] for f in result["schematron"]["findings"])


def test_tei_all_compiled_here_passes_the_seeds_devset_and_frus(odd_cache, monkeypatch):
    need_inputs()
    monkeypatch.setenv("TEI_TOOLS_CACHE_DIR", str(odd_cache))
    validator = Validator(REFERENCE / "odd" / "tei_all.odd", max_findings=0, odd=SOURCES)
    documents = [(p.name, p.read_bytes()) for p in ENCODED_DOCS]
    for raw in sorted((SHARED / "devset" / "raw").glob("*.txt")):
        documents.append((raw.name, convert_bytes(raw.read_bytes(), raw.name).xml()))
    documents += [
        (p.name, p.read_bytes()) for p in sorted((SHARED / "corpora" / "frus").glob("*.xml"))
    ]
    assert len(documents) >= 44
    for name, data in documents:
        errors = [d.format() for d in validator.iter_errors(name, data) if d.level.name == "ERROR"]
        assert errors == [], name


def test_the_second_compile_comes_from_the_cache(tmp_path, monkeypatch):
    need_inputs()
    monkeypatch.setenv("TEI_TOOLS_CACHE_DIR", str(tmp_path))
    odd = REFERENCE / "odd" / "tei_bare.odd"
    first = compile_odd(odd, P5SUBSET, STYLESHEETS)
    second = compile_odd(odd, P5SUBSET, STYLESHEETS)
    assert first.seconds > 0 and second.seconds == 0 and second.rng == first.rng
    reference = (REFERENCE / "compiled" / "tei_bare.isosch").read_text().splitlines()
    ours = second.isosch.read_text().splitlines()
    assert [line for line in ours if "generated" not in line] == [
        line for line in reference if "generated" not in line
    ]


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *a: None  # type: ignore[method-assign]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def validate(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["validate", *args])
    return result.exit_code, result.output


def test_the_tei_source_and_stylesheets_are_downloaded_once_and_verified(tmp_path, monkeypatch):
    """Served from 127.0.0.1: the test suite fetches nothing from the network."""
    need_inputs()
    served = tmp_path / "served"
    release = served / "P5" / "4.9.0" / "xml" / "tei" / "odd"
    release.mkdir(parents=True)
    shutil.copy(P5SUBSET, release / "p5subset.xml")
    with zipfile.ZipFile(served / "tei-xsl.zip", "w") as archive:
        for path in sorted(STYLESHEETS.rglob("*")):
            if path.is_file() and path.relative_to(STYLESHEETS).parts[0] in (
                "odds",
                "common",
                "VERSION",
                "i18n.xml",
            ):
                archive.write(path, f"xml/tei/stylesheet/{path.relative_to(STYLESHEETS)}")
    odd = tmp_path / "project.odd"
    odd.write_text(
        (REFERENCE / "odd" / "tei_bare.odd")
        .read_text()
        .replace("<schemaSpec ", '<schemaSpec source="tei:4.9.0" ', 1)
    )
    case = REFERENCE / "cases" / "bare-valid.xml"
    server, base = serve(served)
    monkeypatch.setenv("TEI_TOOLS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("TEI_TOOLS_TEI_RELEASES", f"{base}/P5")
    monkeypatch.setenv("TEI_TOOLS_STYLESHEETS_URL", f"{base}/tei-xsl.zip")
    try:
        code, out = validate("--odd", str(odd), str(case))
        assert code == 2 and "--allow-network" in out and "Traceback" not in out
        code, out = validate("--odd", str(odd), "--allow-network", str(case))
        assert code == 0, out
    finally:
        server.shutdown()
        server.server_close()
    assert validate("--odd", str(odd), str(case))[0] == 0  # the cache, no server
    cached = tmp_path / "cache" / "tei-source" / "4.9.0" / "p5subset.xml"
    cached.write_bytes(cached.read_bytes().replace(b"</TEI>", b"<!-- changed --></TEI>"))
    shutil.rmtree(tmp_path / "cache" / "odd")
    code, out = validate("--odd", str(odd), str(case))
    assert code == 2 and "does not match the checksum" in out


@pytest.mark.parametrize(
    ("text", "where", "says"),
    [
        ("<notTei/>", ":1:1:", "an ODD is a TEI document"),
        ('<TEI xmlns="http://www.tei-c.org/ns/1.0"><text/></TEI>', ":1:", "no schemaSpec"),
        (
            '<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body>\n<schemaSpec ident="x" '
            'start="TEI">\n  <moduleRef key="tei"/>\n  <moduleRef key="nonesuch"/>\n'
            "</schemaSpec></body></text></TEI>",
            ":4:3:",
            "moduleRef key='nonesuch'",
        ),
        ('<TEI xmlns="http://www.tei-c.org/ns/1.0"><text>', ":1:", "not well-formed"),
    ],
)
def test_a_bad_odd_is_refused_with_its_line_and_column(tmp_path, text, where, says, monkeypatch):
    need_inputs()
    monkeypatch.setenv("TEI_TOOLS_CACHE_DIR", str(tmp_path / "cache"))
    odd = tmp_path / "bad.odd"
    odd.write_text(text)
    code, out = validate(
        "--odd",
        str(odd),
        "--tei-source",
        str(P5SUBSET),
        "--stylesheets",
        str(STYLESHEETS),
        str(REFERENCE / "cases" / "bare-valid.xml"),
    )
    assert code == 2, out
    assert f"{odd}{where}" in out and says in out and "Traceback" not in out


def test_a_collection_builds_against_its_odd(tmp_path, odd_cache, monkeypatch):
    """schema = "x.odd" in the configuration, with the TEI source and Stylesheets it
    names: the build validates every document against the compiled grammar and rules."""
    need_inputs()
    monkeypatch.setenv("TEI_TOOLS_CACHE_DIR", str(odd_cache))
    monkeypatch.delenv("TEI_TOOLS_TEI_SOURCE", raising=False)
    monkeypatch.delenv("TEI_TOOLS_STYLESHEETS", raising=False)
    folder = tmp_path / "collection"
    shutil.copytree(ROOT / "raw", folder / "raw")
    (folder / "schema").mkdir()
    shutil.copy(REFERENCE / "odd" / "tei_all.odd", folder / "schema" / "project.odd")
    shutil.copy(P5SUBSET, folder / "schema" / "p5subset.xml")
    (folder / "tei-tools.toml").write_text(
        'schema = "schema/project.odd"\ntei-source = "schema/p5subset.xml"\n'
        f'stylesheets = "{STYLESHEETS}"\nsearch = false\n'
    )
    build = ["build", str(folder), "-j", "1", "-q"]
    # the configuration's stylesheets are code: run only when the user says so
    result = CliRunner().invoke(cli, build)
    assert result.exit_code == 2 and "--trust-stylesheets" in result.output
    result = CliRunner().invoke(cli, [*build, "--trust-stylesheets"])
    assert result.exit_code == 0, result.output
    manifest = json.loads((folder / "encoded" / "manifest.json").read_text())
    assert all(r["validation"]["valid"] for r in manifest["documents"].values())


def _odd_with_a_specgrp_ref(folder: Path) -> Path:
    """tei_bare with a specGrp kept in another file (deleting an element)."""
    text = (REFERENCE / "odd" / "tei_bare.odd").read_text()
    odd = folder / "custom.odd"
    odd.write_text(
        text.replace("</schemaSpec>", '<specGrpRef target="parts/extra.xml"/></schemaSpec>')
    )
    (folder / "parts").mkdir()
    return odd


def _delete(folder: Path, element: str) -> None:
    (folder / "parts" / "extra.xml").write_text(
        '<specGrp xmlns="http://www.tei-c.org/ns/1.0">'
        f'<elementSpec ident="{element}" mode="delete"/></specGrp>'
    )


def test_a_file_the_odd_refers_to_is_part_of_the_cache_key(tmp_path, monkeypatch):
    need_inputs()
    monkeypatch.setenv("TEI_TOOLS_CACHE_DIR", str(tmp_path / "cache"))
    odd = _odd_with_a_specgrp_ref(tmp_path)
    _delete(tmp_path, "label")
    first = compile_odd(odd, P5SUBSET, STYLESHEETS)
    assert 'name="label"' not in first.rng.read_text()
    _delete(tmp_path, "head")  # the ODD's own bytes are unchanged
    second = compile_odd(odd, P5SUBSET, STYLESHEETS)
    assert second.seconds > 0, "the edited specGrp was not compiled"
    grammar = second.rng.read_text()
    assert 'name="label"' in grammar and 'name="head"' not in grammar


def test_no_cache_compiles_the_odd_again(tmp_path, monkeypatch):
    need_inputs()
    monkeypatch.setenv("TEI_TOOLS_CACHE_DIR", str(tmp_path / "cache"))
    odd = REFERENCE / "odd" / "tei_bare.odd"
    compile_odd(odd, P5SUBSET, STYLESHEETS)
    again = compile_odd(odd, P5SUBSET, STYLESHEETS, cache=False)
    assert again.seconds > 0 and again.rng.is_file() and again.isosch.is_file()
