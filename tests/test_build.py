"""tei-tools build and package: incremental, safe to kill, byte-stable, checksummed,
the same on Dask as locally; the personography and the BagIt bag."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from tei_tools.cli import cli

from .conftest import RAW, ROOT, TEI_ALL, skip_unless, tei_all_errors

DEVSET = ROOT.parent / "shared" / "devset" / "raw"


def build(folder: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["build", str(folder), "-j", "1", *args])
    return result.exit_code, result.output


def collection(tmp_path: Path, devset: int = 0) -> Path:
    if devset:
        skip_unless(DEVSET.is_dir(), f"the devset is not beside this clone ({DEVSET})")
    folder = tmp_path / "collection"
    shutil.copytree(RAW, folder / "raw")
    for raw in sorted(DEVSET.glob("*.txt"))[:devset]:
        shutil.copy(raw, folder / "raw")
    return folder


def outputs(folder: Path) -> dict[str, bytes]:
    """Every output but the search index, which Pagefind does not write byte-stably
    (its presence is checked by the site's tests)."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for sub in ("encoded", "site")
        for p in sorted((folder / sub).rglob("*"))
        if p.is_file() and not p.relative_to(folder).as_posix().startswith("site/pagefind/")
    }


def test_build_then_nothing_then_only_what_changed(tmp_path):
    folder = collection(tmp_path)
    code, out = build(folder)
    assert code == 0 and "2 built, 0 up to date" in out
    code, out = build(folder)
    assert code == 0 and "nothing to rebuild" in out
    assert build(folder, "--check")[0] == 0

    raw = folder / "raw" / "1962-10-29_kuznetsov-u-thant_record.txt"
    os.utime(raw, (time.time() + 60, time.time() + 60))  # touched, bytes unchanged
    assert "nothing to rebuild" in build(folder)[1]

    before = outputs(folder)
    raw.write_bytes(raw.read_bytes().replace(b"U Thant", b"U  Thant", 1))
    code, out = build(folder, "--check")
    assert code == 1 and "1 to build" in out
    assert outputs(folder) == before  # --check wrote nothing
    code, out = build(folder)
    assert code == 0 and "1 built, 1 up to date" in out
    changed = {k for k in before if outputs(folder).get(k) != before[k]}
    assert "encoded/1962-11-06_stevenson-kuznetsov_memcon.xml" not in changed
    assert "encoded/1962-10-29_kuznetsov-u-thant_record.xml" in changed
    assert build(folder, "--check")[0] == 0
    assert "2 built" in build(folder, "--force")[1]


def test_a_removed_raw_file_removes_its_outputs(tmp_path):
    folder = collection(tmp_path)
    build(folder)
    (folder / "raw" / "1962-10-29_kuznetsov-u-thant_record.txt").unlink()
    code, out = build(folder)
    assert code == 0 and "1 removed" in out
    names = set(outputs(folder))
    assert not any("kuznetsov-u-thant" in n for n in names)
    manifest = json.loads((folder / "encoded" / "manifest.json").read_text())
    assert list(manifest["documents"]) == ["1962-11-06_stevenson-kuznetsov_memcon"]


def test_manifest_checksums_match_the_files_and_follow_the_schema(tmp_path):
    import jsonschema

    folder = collection(tmp_path)
    build(folder)
    data = (folder / "encoded" / "manifest.json").read_bytes()
    manifest = json.loads(data)
    schema = json.loads((ROOT / "docs" / "manifest.schema.json").read_text())
    jsonschema.validate(manifest, schema)
    files = dict(manifest["collection"])
    for stem, record in manifest["documents"].items():
        raw = (folder / record["raw"]["path"]).read_bytes()
        assert hashlib.sha256(raw).hexdigest() == record["raw"]["sha256"], stem
        assert record["validation"]["valid"] and record["status"] == "built"
        files.update(record["outputs"])
    # 2 documents' TEI, HTML, text and TEI copy in the site + persons.xml, the index,
    # persons, places and search pages, a stylesheet and three scripts
    assert len(files) == 17, sorted(files)
    for name, record in files.items():
        content = (folder / name).read_bytes()
        assert hashlib.sha256(content).hexdigest() == record["sha256"], name
        assert len(content) == record["bytes"], name
    # Byte-stable: a clean build elsewhere gives the same manifest.
    again = collection(tmp_path / "again")
    build(again)
    assert (again / "encoded" / "manifest.json").read_bytes() == data


def test_the_tei_of_a_build_is_the_tei_of_convert(tmp_path):
    folder = collection(tmp_path)
    shutil.copy(ROOT / "pyproject.toml", folder)  # the same publication facts
    build(folder)
    for tei in sorted((ROOT / "encoded").glob("1962-*.xml")):
        assert (folder / "encoded" / tei.name).read_bytes() == tei.read_bytes(), tei.name


def test_settings_come_from_pyproject_and_unknown_ones_are_refused(tmp_path):
    folder = collection(tmp_path)
    (folder / "raw").rename(folder / "transcriptions")
    (folder / "pyproject.toml").write_text(
        '[tool.tei-tools]\nraw = "transcriptions"\nsite = "public"\ntitle = "Cuba 1962"\n'
    )
    code, _ = build(folder)
    assert code == 0
    index = (folder / "public" / "index.html").read_text()
    assert "<title>Cuba 1962</title>" in index
    (folder / "tei-tools.toml").write_text('rwa = "x"\n')
    code, out = build(folder)
    assert code == 2 and "unknown setting 'rwa'" in out


def test_persons_file_merges_participants_and_is_valid_tei(tmp_path):
    from lxml import etree

    folder = collection(tmp_path, devset=6)
    assert build(folder)[0] == 0
    persons = folder / "encoded" / "persons.xml"
    skip_unless(TEI_ALL.is_file(), f"tei_all.rng is not at {TEI_ALL}")
    assert tei_all_errors([persons]) == ""
    ns = {"t": "http://www.tei-c.org/ns/1.0"}
    listed = etree.parse(str(persons))
    targets = {t for t in listed.xpath("//t:note[@type='documents']/t:ref/@target", namespaces=ns)}
    for tei in sorted((folder / "encoded").glob("*.xml")):
        if tei.name == "persons.xml":
            continue
        doc = etree.parse(str(tei))
        for ident in doc.xpath(
            "//t:listPerson[@type='participants']//t:person/@xml:id", namespaces=ns
        ):
            assert f"{tei.name}#{ident}" in targets, (tei.name, ident)
    ids = listed.xpath("//t:person/@xml:id", namespaces=ns)
    assert len(ids) == len(set(ids))
    kuznetsov = listed.xpath("//t:person[@xml:id='kuznetsov']", namespaces=ns)[0]
    refs = kuznetsov.xpath("t:note/t:ref", namespaces=ns)
    assert len(refs) == 2 and {r.get("type") for r in refs} == {"speaks"}
    page = (folder / "site" / "persons.html").read_text()
    assert 'href="1962-11-06_stevenson-kuznetsov_memcon.html#person-kuznetsov"' in page


def build_until(folder: Path, pages: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """A real build (2 jobs, its own session) left running once ``pages`` HTML pages
    are written (or 120 s have passed): for the caller to kill."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tei_tools", "build", str(folder), "-j", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "CI": "1", **env},
        start_new_session=True,
    )
    deadline = time.time() + 120
    while time.time() < deadline and len(list((folder / "site").glob("*.html"))) < pages:
        time.sleep(0.02)
    return process


def test_a_build_killed_halfway_then_built_again_equals_a_clean_build(tmp_path):
    folder = collection(tmp_path / "killed", devset=40)
    process = build_until(folder, 10, {})
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    written = list((folder / "site").glob("*.html"))
    assert 10 <= len(written) < 42, "the kill came too late to test anything"
    assert code_of(folder) == 0, "the build after the kill failed"
    clean = collection(tmp_path / "clean", devset=40)
    assert code_of(clean) == 0
    assert outputs(folder) == outputs(clean)  # temporary files included: none is left


def test_a_build_whose_main_process_is_killed_leaves_no_worker_and_no_scratch(tmp_path):
    folder = tmp_path / "collection"
    (folder / "raw").mkdir(parents=True)
    for n in range(60):  # enough work for the kill to land mid-build
        for seed in sorted(RAW.glob("*.txt")):
            shutil.copy(seed, folder / "raw" / f"{n:02d}-{seed.name}")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    process = build_until(folder, 5, {"TMPDIR": str(scratch)})
    os.kill(process.pid, signal.SIGKILL)  # the main process only, as `kill -9 PID`
    process.wait()
    assert len(list((folder / "site").glob("*.html"))) < 120, "the kill came too late"
    deadline = time.time() + 10
    survivors = True
    while survivors and time.time() < deadline:
        try:
            os.killpg(process.pid, 0)  # any process left in the build's session?
            time.sleep(0.05)
        except ProcessLookupError:
            survivors = False
    if survivors:
        os.killpg(process.pid, signal.SIGKILL)
    assert not survivors, "worker processes outlived the killed build"
    assert list(scratch.iterdir()) == [], "the killed build left scratch files behind"
    assert code_of(folder) == 0


def code_of(folder: Path) -> int:
    return subprocess.run(
        [sys.executable, "-m", "tei_tools", "build", str(folder), "-j", "2", "-q"],
        capture_output=True,
        check=False,
    ).returncode


def test_dask_cluster_outputs_equal_local_outputs_byte_for_byte(tmp_path):
    distributed = pytest.importorskip("distributed", reason="pip install 'tei-tools[dask]'")
    local = collection(tmp_path / "local", devset=40)
    assert build(local)[0] == 0
    remote = collection(tmp_path / "dask", devset=40)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        code, out = build(remote, "--executor", "dask", "--scheduler", cluster.scheduler_address)
    assert code == 0, out
    assert "42 built" in out
    assert outputs(remote) == outputs(local)


def test_package_writes_a_valid_bag_and_verify_names_a_tampered_file(tmp_path):
    import bagit

    folder = collection(tmp_path)
    (folder / "tei-tools.toml").write_text('source-organization = "Example Archive"\n')
    assert build(folder)[0] == 0
    bag = tmp_path / "out.bag"
    result = CliRunner().invoke(cli, ["package", str(bag), "--collection", str(folder)])
    assert result.exit_code == 0, result.output
    assert bagit.Bag(str(bag)).is_valid()
    info = (bag / "bag-info.txt").read_text()
    for field in ("Source-Organization: Example Archive", "Bagging-Date:", "Payload-Oxum:"):
        assert field in info
    assert "External-Description:" in info
    assert (bag / "manifest-sha256.txt").is_file() and (bag / "manifest-sha512.txt").is_file()
    assert (bag / "data" / "encoded" / "manifest.json").is_file()
    result = CliRunner().invoke(cli, ["package", "--verify", str(bag)])
    assert result.exit_code == 0 and "valid" in result.output
    tampered = bag / "data" / "site" / "index.html"
    tampered.write_text(tampered.read_text().replace("Date", "Dxte", 1))
    result = CliRunner().invoke(cli, ["package", "--verify", str(bag)])
    assert result.exit_code == 1
    assert f"{tampered}: sha256 checksum mismatch" in result.output


def test_package_refuses_a_collection_that_is_out_of_date(tmp_path):
    folder = collection(tmp_path)
    result = CliRunner().invoke(
        cli, ["package", str(tmp_path / "x.bag"), "--collection", str(folder)]
    )
    assert result.exit_code == 1 and "run tei-tools build first" in result.output
    assert not (tmp_path / "x.bag").exists()


_RECORD = st.dictionaries(
    st.text(max_size=6),
    st.recursive(
        # integers within JSON's interoperable range (RFC 8259 §6): sizes and counts
        st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=8),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner),
        max_leaves=6,
    ),
    max_size=4,
)


@settings(max_examples=60, deadline=None)
@given(documents=st.dictionaries(st.text(min_size=1, max_size=8), _RECORD, max_size=5))
def test_the_manifest_streams_out_and_in_as_the_very_bytes_of_json_dumps(
    tmp_path_factory, documents
):
    from tei_tools.collection import manifest as mf

    path = tmp_path_factory.mktemp("manifest") / mf.NAME
    manifest = mf.Manifest(collection={"encoded/persons.xml": {"bytes": 1, "sha256": "é"}})
    for stem, record in documents.items():
        manifest.documents[stem] = record
    mf.save(path, manifest)
    whole = {
        "collection": manifest.collection,
        "complete": False,
        "documents": documents,
        "format": mf.FORMAT,
    }
    expected = json.dumps(whole, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert path.read_text(encoding="utf-8") == expected
    again = mf.load(path)
    assert dict(again.documents.items()) == documents
    assert again.collection == manifest.collection
    manifest.documents.close()
    again.documents.close()


def test_the_streamed_check_of_persons_xml_finds_schema_errors_and_repeated_ids(tmp_path):
    from tei_tools.collection.config import load_config
    from tei_tools.collection.engine import PERSONS, validate_persons

    folder = collection(tmp_path)
    assert build(folder)[0] == 0
    config = load_config(folder)
    assert validate_persons(config) == []
    persons = folder / "encoded" / PERSONS
    good = persons.read_text(encoding="utf-8")
    persons.write_text(good.replace("<persName>", "<bogus/><persName>", 1), encoding="utf-8")
    found = validate_persons(config)
    assert [d.code for d in found] == ["S001"] and "bogus" in found[0].message
    ids = re.findall(r'xml:id="([^"]+)"', good)
    persons.write_text(good.replace(f'xml:id="{ids[1]}"', f'xml:id="{ids[0]}"', 1), "utf-8")
    assert [d.code for d in validate_persons(config)] == ["R002"]


def test_a_failed_document_keeps_failing_until_its_input_is_fixed(tmp_path):
    folder = collection(tmp_path)
    bad = folder / "raw" / "bad.txt"
    bad.write_bytes(b"Caf\xe9 memorandum\n")
    code, out = build(folder)
    assert code == 1 and "1 failed" in out
    record = json.loads((folder / "encoded" / "manifest.json").read_text())["documents"]["bad"]
    assert record["status"] == "failed"
    assert record["failure"] == {"stage": "conversion", "errors": 1}
    assert record["validation"] is None
    import jsonschema

    schema = json.loads((ROOT / "docs" / "manifest.schema.json").read_text())
    jsonschema.validate(json.loads((folder / "encoded" / "manifest.json").read_text()), schema)
    for _ in range(2):  # a rebuild does not forget it
        code, out = build(folder)
        assert code == 1 and "1 failed" in out and "bad: failed" in out
    code, out = build(folder, "--check")
    assert code == 1 and "failed in the last build" in out
    bag = str(tmp_path / "out.bag")
    result = CliRunner().invoke(cli, ["package", bag, "--collection", str(folder)])
    assert result.exit_code == 1 and "bad failed" in result.output
    assert not (tmp_path / "out.bag").exists()

    bad.write_text("MEMORANDUM\n\nA paragraph.\n", encoding="utf-8")
    code, out = build(folder)
    assert code == 0 and "0 failed" in out
    assert build(folder, "--check")[0] == 0
    record = json.loads((folder / "encoded" / "manifest.json").read_text())["documents"]["bad"]
    assert record["status"] == "built" and "failure" not in record


def test_unclosed_markup_is_a_named_warning_and_strict_builds_fail_on_it(tmp_path):
    folder = tmp_path / "collection"
    (folder / "raw").mkdir(parents=True)
    (folder / "raw" / "clean.txt").write_text("MEMORANDUM\n\nThe meeting took place at noon.\n")
    broken = folder / "raw" / "broken.txt"
    broken.write_text(
        "MEMORANDUM\n\nMr. Yost said that the ~~inspection would\nbegin at once.\n\n"
        "Mr. Zorin replied that it was too early.\n",
        encoding="utf-8",
    )
    code, out = build(folder)
    assert code == 0
    assert "raw/broken.txt:3:24: warning C101 '~~' opens a deletion" in out
    assert "paragraph at lines 3-4" in out
    assert "broken: built with warnings" in out
    code, out = build(folder, "--strict")  # the setting changed: rebuilt, and failing
    assert code == 1 and "broken: failed" in out
    record = json.loads((folder / "encoded" / "manifest.json").read_text())["documents"]
    assert record["broken"]["failure"]["stage"] == "strict"
    (folder / "tei-tools.toml").write_text("strict = true\n")
    code, out = build(folder)
    assert code == 1 and "broken: failed" in out
    broken.write_text("MEMORANDUM\n\nThe inspection would begin at once.\n")
    code, out = build(folder)
    assert code == 0, out
