"""Atomic output: a batch of files behind one durability barrier."""

from __future__ import annotations

import pytest

from tei_tools.io import Batch


def test_a_batch_writes_every_file_and_leaves_no_temporary(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"old")
    with Batch(max_files=2) as batch:  # commits after two files, then at the end
        for name in ("a.txt", "b.txt", "c.txt"):
            batch.write(tmp_path / name, name.encode())
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == {
        "a.txt": b"a.txt",
        "b.txt": b"b.txt",
        "c.txt": b"c.txt",
    }


def test_a_failed_batch_leaves_the_old_files_and_no_temporary(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"old")
    with pytest.raises(RuntimeError), Batch() as batch:
        batch.write(tmp_path / "a.txt", b"new")
        batch.write(tmp_path / "b.txt", b"new")
        raise RuntimeError("the command failed half-way")
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == {"a.txt": b"old"}


def test_a_batch_into_a_missing_folder_names_the_file(tmp_path):
    target = tmp_path / "missing" / "a.txt"
    with pytest.raises(OSError) as caught, Batch() as batch:
        batch.write(target, b"x")
    assert caught.value.filename == str(target)


def test_real_paths_are_realpath_folder_by_folder(tmp_path, monkeypatch):
    """Each folder resolved once gives what resolving each name whole gives: through
    linked folders, linked files, '..', and names relative to the working folder."""
    import os

    from tei_tools.io import real_paths

    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "doc.xml").write_text("x")
    (tmp_path / "a" / "other.xml").write_text("x")
    (tmp_path / "linked").symlink_to(tmp_path / "a" / "b")
    (tmp_path / "a" / "alias.xml").symlink_to(tmp_path / "a" / "b" / "doc.xml")
    (tmp_path / "a" / "b" / "up").symlink_to(tmp_path / "a")
    monkeypatch.chdir(tmp_path / "a")
    names = [
        "other.xml",
        "alias.xml",
        "b/doc.xml",
        "./b/../other.xml",
        "b/up/alias.xml",
        "b/up/b/../other.xml",
        str(tmp_path / "linked" / "doc.xml"),
        str(tmp_path / "linked" / ".." / "other.xml"),
        "missing/none.xml",
        "b/",
        "..",
    ]
    assert real_paths(names) == {name: os.path.realpath(name) for name in names}
