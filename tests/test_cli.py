"""The command line: outputs, --check, --strict, stdin/stdout and exit codes."""

from __future__ import annotations

import shutil
import subprocess
import sys

import click
from click.testing import CliRunner

from tei_tools.cli import cli

from .conftest import ENCODED, ENCODED_DOCS, RAW, ROOT

MEMCON = "1962-11-06_stevenson-kuznetsov_memcon"


def run(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def test_convert_to_output_file_matches_golden(tmp_path):
    """convert applies the publication facts of the collection the file belongs to
    (this repository's pyproject.toml), as build does: the same bytes."""
    out = tmp_path / "out.xml"
    result = run("convert", str(RAW / f"{MEMCON}.txt"), "-o", str(out), "-q")
    assert result.exit_code == 0, result.output
    assert out.read_bytes() == (ENCODED / f"{MEMCON}.xml").read_bytes()


def test_out_dir_and_check(tmp_path):
    raws = [str(p) for p in sorted(RAW.glob("*.txt"))]
    assert run("convert", *raws, "--out-dir", str(tmp_path), "-q").exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in ENCODED_DOCS)
    assert run("convert", *raws, "--out-dir", str(tmp_path), "--check").exit_code == 0
    stale = tmp_path / f"{MEMCON}.xml"
    stale.write_bytes(stale.read_bytes().replace(b"Cuba", b"Kuba", 1))
    before = stale.read_bytes()
    result = run("convert", *raws, "--out-dir", str(tmp_path), "--check", "-q")
    assert result.exit_code == 1
    assert "out of date" in result.stderr and "tei-tools convert" in result.stderr
    assert stale.read_bytes() == before  # --check writes nothing


def test_stdin_to_stdout():
    result = run("convert", "-", "--no-people", input="Mr. Yost said ~~no~~ <sup>yes</sup>.\n")
    assert result.exit_code == 0
    assert result.stdout.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert "<subst><del" in result.stdout


def test_strict_fails_on_warnings_and_keeps_the_old_output(tmp_path):
    src = tmp_path / "doc.txt"
    src.write_text("He ~~never asserted it.\n", encoding="utf-8")
    out = tmp_path / "doc.xml"
    out.write_bytes(b"good old output")
    result = run("convert", str(src), "-o", str(out), "--strict")
    assert result.exit_code == 1
    assert f"{src}:1:4: warning C101" in result.stderr
    assert out.read_bytes() == b"good old output"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["doc.txt", "doc.xml"]


def test_error_input_writes_nothing(tmp_path):
    src = tmp_path / "bad.txt"
    src.write_bytes(b"caf\xe9\n")
    result = run("convert", str(src))
    assert result.exit_code == 1
    assert "bad.txt:1:4: error C001" in result.stderr
    assert not (tmp_path / "bad.xml").exists()


def test_usage_errors_exit_2(tmp_path):
    missing = run("convert", str(tmp_path / "missing.txt"))
    assert missing.exit_code == 2 and "missing.txt:0:0: error C006 cannot read input" in (
        missing.stderr
    )
    raws = [str(p) for p in sorted(RAW.glob("*.txt"))]
    assert run("convert", *raws, "-o", str(tmp_path / "x.xml")).exit_code == 2


def test_people_file_beside_input_is_used(tmp_path):
    shutil.copy(RAW / f"{MEMCON}.txt", tmp_path)
    result = run("convert", str(tmp_path / f"{MEMCON}.txt"), "-q")
    assert result.exit_code == 0
    assert 'who="#gilpatrick"' in (tmp_path / f"{MEMCON}.xml").read_text()
    (tmp_path / "people.toml").write_text("[[person]]\nid = 1\n", encoding="utf-8")
    result = run("convert", str(tmp_path / f"{MEMCON}.txt"))
    assert result.exit_code == 2 and "C304" in result.stderr


def test_every_command_is_documented_in_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    context = click.Context(cli)
    names = cli.list_commands(context)  # the lazy group's commands, each loaded below
    assert {"convert", "validate", "export", "build", "package"} <= set(names)
    for name in names:
        command = cli.get_command(context, name)
        assert command is not None, name
        assert f"tei-tools {name}" in readme
        for param in command.params:
            for opt in param.opts:
                if opt.startswith("--"):
                    assert opt in readme, f"{name} {opt} is not in the README"


def test_folder_input_and_module_entry_point(tmp_path):
    result = run("convert", str(RAW), "--out-dir", str(tmp_path), "-q")
    assert result.exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in ENCODED_DOCS)
    done = subprocess.run(
        [sys.executable, "-m", "tei_tools", "--version"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0 and "tei-tools" in done.stdout


def test_convert_writes_what_build_writes_inside_a_collection(tmp_path):
    """A file in a collection's raw folder gets the collection's publication facts;
    the same file elsewhere does not."""
    collection = tmp_path / "c"
    (collection / "raw").mkdir(parents=True)
    raw = collection / "raw" / "memo.txt"
    raw.write_text("MEMORANDUM OF CONVERSATION\n\nA paragraph of text.\n")
    (collection / "tei-tools.toml").write_text('title = "Test Edition"\npublisher = "Archive"\n')
    inside = run("convert", str(raw), "-o", "-", "-q", "--no-people")
    assert "<seriesStmt>" in inside.stdout and "<publisher>Archive</publisher>" in inside.stdout
    alone = tmp_path / "memo.txt"
    alone.write_text(raw.read_text())
    outside = run("convert", str(alone), "-o", "-", "-q", "--no-people")
    assert "<seriesStmt>" not in outside.stdout and "Unpublished TEI encoding" in outside.stdout
    assert run("build", str(collection), "-j", "1", "-q", "--no-search").exit_code == 0
    assert (collection / "encoded" / "memo.xml").read_text() == inside.stdout


def test_workers_write_what_one_process_writes(tmp_path):
    """--jobs converts in forked workers; the outputs, the diagnostics' order and the
    exit code are those of one process, an unreadable input among the others."""
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"caf\xe9\n")
    sources = [*(str(p) for p in sorted(RAW.glob("*.txt"))), str(bad), str(tmp_path / "gone.txt")]
    outcomes = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}"
        result = run("convert", *sources, "--out-dir", str(out), "-j", jobs)
        outcomes.append(
            (result.exit_code, result.stderr, {p.name: p.read_bytes() for p in out.iterdir()})
        )
    assert outcomes[0] == outcomes[1]
    code, stderr, written = outcomes[0]
    assert code == 2  # an input that cannot be read is a usage error, whatever else failed
    assert "bad.txt:1:4: error C001" in stderr and "gone.txt:0:0: error C006" in stderr
    assert sorted(written) == sorted(p.name for p in ENCODED_DOCS)


def test_the_console_command_flushes_all_it_writes_and_keeps_its_exit_status(tmp_path):
    """``main`` ends the process without the interpreter's teardown: the output a pipe
    receives is whole, and the status is the command's."""
    source = RAW / f"{MEMCON}.txt"
    command = [sys.executable, "-m", "tei_tools", "convert", str(source), "-o", "-", "-q"]
    done = subprocess.run(command, capture_output=True, check=False, cwd=ROOT)
    assert done.returncode == 0
    assert done.stdout == (ENCODED / f"{MEMCON}.xml").read_bytes()
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00broken")
    done = subprocess.run(
        [sys.executable, "-m", "tei_tools", "convert", str(bad), "-o", str(tmp_path / "o.xml")],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 1 and "bad.txt" in done.stderr
    assert not (tmp_path / "o.xml").exists()


def test_an_internal_error_is_reported_as_one(monkeypatch):
    from tei_tools import cli as cli_module

    def broken(*args, **kwargs):
        raise KeyError("unexpected")

    monkeypatch.setattr(cli_module.cli, "main", broken)
    assert cli_module.run() == cli_module.EXIT_INTERNAL


def test_a_profiled_command_still_reports(tmp_path):
    """Under a profiler the process ends the usual way, so the profile is written."""
    out = tmp_path / "profile.out"
    command = [sys.executable, "-m", "cProfile", "-o", str(out), "-m", "tei_tools", "--version"]
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
    assert done.returncode == 0 and "tei-tools" in done.stdout
    assert out.stat().st_size > 0


def test_the_console_command_ends_well_with_its_output_closed_or_a_thread_running():
    import os
    import threading

    from tei_tools import cli as cli_module

    done = subprocess.run(
        [sys.executable, "-m", "tei_tools", "--version"],
        capture_output=False,
        check=False,
        cwd=ROOT,
        preexec_fn=lambda: os.close(1),  # the caller closed standard output (">&-")
    )
    assert done.returncode == 0
    assert not cli_module._threads_running()
    release = threading.Event()
    worker = threading.Thread(target=release.wait)  # not a daemon: exit would wait for it
    worker.start()
    try:
        assert cli_module._threads_running()  # then the process ends the usual way
    finally:
        release.set()
        worker.join()
