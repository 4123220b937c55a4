"""Inputs, outputs and collections that must be refused by name, never answered
wrongly in silence: foreign formats, empty folders, missing output folders, outputs
that would overwrite inputs or the collection's own files, files outside the
collection, a full disk, and two builds at once."""

from __future__ import annotations

import errno
import io
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from tei_tools import io as tei_io
from tei_tools.cli import cli
from tei_tools.processes import exclusive

from .conftest import RAW

SEED = RAW / "1962-10-29_kuznetsov-u-thant_record.txt"


def run(*args: object, input: str | None = None):
    return CliRunner().invoke(cli, [str(a) for a in args], input=input)


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


# Word files and PAGE exports that cannot be read: refused by name (C008), whatever
# their file names say, with what was expected.
UNREADABLE = {
    "mets.xml": (
        b'<?xml version="1.0"?>\n<mets:mets xmlns:mets="http://www.loc.gov/METS/"/>',
        "lists no PAGE files",
    ),
    "page.txt": (
        b'<PcGts xmlns="http://schema.primaresearch.org/PAGE/gts/pagecontent/2013-07-15"/>',
        "has no Page element",
    ),
    "memo.docx": (
        _docx(),
        "memo.docx/word/document.xml:1:12: error C008 word/document.xml is not well-formed XML",
    ),
    "memo.zip": (b"PK\x03\x04" + b"\x00" * 40, "is not a readable zip archive"),
}


@pytest.mark.parametrize("name", sorted(UNREADABLE))
def test_a_word_file_or_page_export_that_cannot_be_read_is_refused(tmp_path, name):
    data, why = UNREADABLE[name]
    source = tmp_path / name
    source.write_bytes(data)
    result = run("convert", source, "-o", tmp_path / "out.xml")
    assert result.exit_code == 1
    assert "error C008" in result.output and why in result.output
    assert not (tmp_path / "out.xml").exists()


# an OLE2 compound file: Word 97-2003 (.doc), or a .docx saved with a password
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
FOREIGN = {
    "memo.pdf": (b"%PDF-1.7\n", "PDF"),
    "memo16.txt": ("Memorandum\n".encode("utf-16"), "UTF-16"),
    "memo.doc": (_OLE2, "Word 97-2003"),
    "locked.docx": (_OLE2, "password"),
}


@pytest.mark.parametrize("name", sorted(FOREIGN))
def test_a_file_that_is_not_a_raw_transcription_is_refused_by_name(tmp_path, name):
    data, what = FOREIGN[name]
    source = tmp_path / name
    source.write_bytes(data)
    result = run("convert", source, "-o", tmp_path / "out.xml")
    assert result.exit_code == 1
    assert f"{source}:1:1: error C007" in result.output and what in result.output
    assert not (tmp_path / "out.xml").exists()


def test_angle_brackets_of_the_raw_format_are_not_taken_for_xml(tmp_path):
    source = tmp_path / "memo.txt"
    source.write_text("<sup>Secret</sup>\n\nMr. Yost said no.\n", encoding="utf-8")
    assert run("convert", source, "-o", tmp_path / "out.xml").exit_code == 0


@pytest.mark.parametrize("command", [["convert"], ["export", "--to", "text"], ["validate"]])
def test_a_folder_without_inputs_is_a_usage_error(tmp_path, command):
    (tmp_path / "notes.doc").write_text("not an input")
    result = run(*command, tmp_path)
    assert result.exit_code == 2
    assert "no input files" in result.output and str(tmp_path) in result.output


def test_an_output_in_a_missing_folder_is_an_error_not_made_silently(tmp_path):
    target = tmp_path / "no" / "such" / "dir" / "x.xml"
    result = run("convert", SEED, "-o", target, "-q")
    assert result.exit_code == 3
    assert f"{target}: No such file or directory" in result.output
    assert not (tmp_path / "no").exists()


def test_convert_never_overwrites_its_input(tmp_path):
    source = tmp_path / "memo.txt"
    shutil.copy(SEED, source)
    before = source.read_bytes()
    result = run("convert", source, "-o", source)
    assert result.exit_code == 2 and "would overwrite the input" in result.output
    assert source.read_bytes() == before


def test_a_full_disk_is_reported_with_the_path_and_leaves_no_file(tmp_path, monkeypatch):
    def full(*args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    # where a full disk surfaces for written data: the one file's fsync, or a batch's
    # sync of the file system before its renames
    monkeypatch.setattr(os, "fsync", full)
    monkeypatch.setattr(tei_io, "_sync_filesystem", full)
    target = tmp_path / "x.xml"
    target.write_bytes(b"good old output")
    result = run("convert", SEED, "-o", target, "-q")
    assert result.exit_code == 3
    assert f"{target}: No space left on device" in result.output
    assert target.read_bytes() == b"good old output"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.xml"]


def _collection(tmp_path: Path) -> Path:
    folder = tmp_path / "collection"
    shutil.copytree(RAW, folder / "raw")
    return folder


@pytest.mark.parametrize("stem", ["persons", "index"])
def test_a_raw_file_named_like_a_collection_file_is_refused(tmp_path, stem):
    folder = _collection(tmp_path)
    shutil.copy(SEED, folder / "raw" / f"{stem}.txt")
    result = run("build", folder, "-j", "1")
    assert result.exit_code == 2
    assert f"{stem}.txt" in result.output and "reserved" in result.output


def test_a_raw_link_out_of_the_collection_is_refused_and_not_published(tmp_path):
    folder = _collection(tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:TOP-SECRET\n")
    (folder / "raw" / "passwd.txt").symlink_to(secret)
    result = run("build", folder, "-j", "1")
    assert result.exit_code == 2 and "passwd.txt" in result.output
    assert "outside the collection" in result.output
    assert not (folder / "site").exists()


@pytest.mark.parametrize("key", ["encoded", "site", "raw"])
def test_configured_folders_outside_the_collection_are_refused(tmp_path, key):
    folder = _collection(tmp_path)
    (folder / "tei-tools.toml").write_text(f'{key} = "../elsewhere"\n')
    (tmp_path / "elsewhere").mkdir()
    result = run("build", folder, "-j", "1")
    assert result.exit_code == 2
    assert f"{key} folder" in result.output and "outside the collection" in result.output
    result = run("package", tmp_path / "out.bag", "--collection", folder)
    assert result.exit_code == 2
    assert not (tmp_path / "out.bag").exists()


def test_a_second_build_of_a_collection_is_refused_while_one_runs(tmp_path):
    folder = _collection(tmp_path)
    with exclusive(folder / ".tei-tools.lock"):
        result = run("build", folder, "-j", "1")
    assert result.exit_code == 75
    assert "another build of this collection is running" in result.output
    assert run("build", folder, "-j", "1").exit_code == 0  # the lock is gone with its holder


def test_three_simultaneous_forced_builds_end_cleanly(tmp_path):
    folder = _collection(tmp_path)
    command = [sys.executable, "-m", "tei_tools", "build", str(folder), "-j", "1", "--force"]
    runs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for _ in range(3)
    ]
    results = [(p.wait(timeout=120), p.stdout.read() if p.stdout else "") for p in runs]
    assert all(code in (0, 75) for code, _ in results), results
    assert any(code == 0 for code, _ in results)
    assert "internal error" not in "".join(out for _, out in results)
    assert run("build", folder, "--check").exit_code == 0


def test_outputs_are_readable_as_the_umask_allows(tmp_path):
    folder = _collection(tmp_path)
    old = os.umask(0o022)
    tei_io._umask.cache_clear()  # read once a process: this test sets its own
    try:
        assert run("build", folder, "-j", "1").exit_code == 0
        assert run("package", tmp_path / "out.bag", "--collection", folder).exit_code == 0
        assert run("convert", SEED, "-o", tmp_path / "one.xml", "-q").exit_code == 0
    finally:
        os.umask(old)
        tei_io._umask.cache_clear()
    checked = [tmp_path / "one.xml"]
    for top in (folder / "encoded", folder / "site", tmp_path / "out.bag"):
        checked += [top, *top.rglob("*")]
    assert len(checked) > 20
    for path in checked:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o755 if path.is_dir() else 0o644), (path, oct(mode))


def test_package_replaces_a_bag_only_with_force_and_speaks_plainly(tmp_path):
    folder = _collection(tmp_path)
    assert run("build", folder, "-j", "1").exit_code == 0
    bag = tmp_path / "out.bag"
    first = run("package", bag, "--collection", folder)
    assert first.exit_code == 0
    assert "bag written: " in first.output and " files, " in first.output
    assert "bytes.files" not in first.output
    marker = bag / "bag-info.txt"
    before = marker.read_bytes()
    second = run("package", bag, "--collection", folder)
    assert second.exit_code == 2 and "--force" in second.output
    assert marker.read_bytes() == before
    assert run("package", bag, "--collection", folder, "--force").exit_code == 0
    (bag / "data" / "site" / "index.html").write_text("tampered")
    result = run("package", "--verify", bag)
    assert result.exit_code == 1 and "2 problems" in result.output  # sha256 and sha512
    from tei_tools.commands.package import _count

    assert [_count(n, "file") for n in (0, 1, 1234)] == ["0 files", "1 file", "1,234 files"]


def test_page_files_in_a_folder_are_inputs_and_other_xml_is_refused_by_name(tmp_path):
    """A folder's TEI files are outputs; its PAGE and METS files are inputs; an XML file
    that is neither is named and refused, not passed over."""
    from .test_sources import PAGE_ONE

    folder = tmp_path / "raw"
    folder.mkdir()
    (folder / "page.xml").write_bytes(PAGE_ONE)
    (folder / "notes.xml").write_text('<notes xmlns="urn:x"/>')
    (folder / "memo.xml").write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0"/>')
    out = tmp_path / "encoded"
    out.mkdir()
    result = run("convert", folder, "--out-dir", out, "-q")
    assert result.exit_code == 1
    assert f"{folder / 'notes.xml'}:1:1: error C007" in result.output
    assert sorted(p.name for p in out.iterdir()) == ["page.xml"]
