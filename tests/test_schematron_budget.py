"""Schematron rules run under a time and memory budget: a rule that runs past its
budget is an S003 finding naming it, on that document, and the other rules still run.
A pull request cannot hang CI through the rules an xml-model names."""

from __future__ import annotations

import contextlib
import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from tei_tools import budgets as budget
from tei_tools.cli import cli

SCH = "http://purl.oclc.org/dsdl/schematron"
FAILS = (
    '<pattern id="always"><rule context="tei:body"><assert test="false()">body seen</assert>'
    "</rule></pattern>"
)


def pattern_of(name: str, context: str, test: str) -> str:
    return (
        f'<pattern id="{name}"><rule context="{context}"><assert test="{test}">x</assert>'
        "</rule></pattern>"
    )


@pytest.fixture
def small_budget(monkeypatch):
    monkeypatch.setattr(budget, "RULE_SECONDS", 1.5)
    monkeypatch.setattr(budget, "DOCUMENT_SECONDS", 6.0)
    monkeypatch.setattr(budget, "MEMORY_BYTES", 256 * 2**20)


def check(tmp_path: Path, binding: str, pattern: str, body: str) -> tuple[int, str, float]:
    rules = tmp_path / "rules.sch"
    rules.write_text(
        f'<schema xmlns="{SCH}" queryBinding="{binding}"><ns prefix="tei" '
        f'uri="http://www.tei-c.org/ns/1.0"/>{pattern}{FAILS}</schema>'
    )
    doc = tmp_path / "doc.xml"
    doc.write_text(
        f'<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body>{body}</body></text></TEI>'
    )
    start = time.perf_counter()
    result = CliRunner().invoke(cli, ["validate", "--no-cache", "--schema", str(rules), str(doc)])
    return result.exit_code, result.output, time.perf_counter() - start


HOSTILE = {
    "backtracking": ("tei:p", "not(matches(., '^(a+)+$'))", "<p>" + "a" * 40 + "b</p>"),
    "nested loops": (
        "tei:p",
        "count(for $i in 1 to 100000, $j in 1 to 100000 return $i) gt 0",
        "<p>x</p>",
    ),
    "a huge sequence": (
        "tei:p",
        "string-length(string-join(for $i in 1 to 50000000 return 'xxxxxxxx', '')) gt 0",
        "<p>x</p>",
    ),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_rule_past_its_budget_is_s003_and_the_others_still_run(tmp_path, small_budget, name):
    context, test, body = HOSTILE[name]
    pattern = pattern_of("hostile", context, test)
    code, out, seconds = check(tmp_path, "xslt2", pattern, body)
    assert code == 1, out
    assert "error S003" in out and "tei:p" in out and "hostile" in out, out
    assert "S002 body seen" in out, out  # the rule after it ran
    assert seconds < budget.DOCUMENT_SECONDS + 5, seconds


def test_an_xslt1_schematron_past_its_budget_is_s003(tmp_path, small_budget):
    cubic = "count(//*[count(//*[count(//*) &gt; 0]) &gt; 0]) &gt; 0"
    pattern = pattern_of("hostile", "tei:text", cubic)
    code, out, seconds = check(tmp_path, "xslt", pattern, "<p>x</p>" * 3000)
    assert code == 1 and "error S003" in out, out
    assert seconds < budget.DOCUMENT_SECONDS + 5, seconds


def test_a_rule_that_raises_does_not_stop_the_others(tmp_path):
    pattern = pattern_of("typed", "tei:p", "xs:integer(.) gt 0")
    code, out, _ = check(tmp_path, "xslt2", pattern, "<p>x</p>")
    assert code == 1 and "error S003" in out and "typed" in out, out
    assert "S002 body seen" in out, out


def test_the_budgets_keep_one_file_within_a_minute_and_a_gigabyte():
    assert budget.RULE_SECONDS <= budget.DOCUMENT_SECONDS <= 40
    assert budget.MEMORY_BYTES <= 512 * 2**20


def test_one_budget_holds_for_every_schematron_a_document_names(tmp_path, small_budget):
    """Three xml-model Schematron files of three slow rules each: the document's budget
    holds for all of them together."""
    slow = "count(for $i in 1 to 100000, $j in 1 to 100000 return $i) gt "
    models = ""
    for n in range(3):
        patterns = "".join(pattern_of(f"slow{n}{k}", "tei:p", f"{slow}{k}") for k in range(3))
        (tmp_path / f"slow{n}.sch").write_text(
            f'<schema xmlns="{SCH}" queryBinding="xslt2"><ns prefix="tei" '
            f'uri="http://www.tei-c.org/ns/1.0"/>{patterns}</schema>'
        )
        models += f'<?xml-model href="slow{n}.sch" schematypens="{SCH}"?>\n'
    doc = tmp_path / "doc.xml"
    doc.write_text(f'{models}<TEI xmlns="http://www.tei-c.org/ns/1.0"><p>x</p></TEI>')
    start = time.perf_counter()
    result = CliRunner().invoke(cli, ["validate", "--no-cache", str(doc)])
    seconds = time.perf_counter() - start
    assert result.exit_code == 1 and "S003" in result.output, result.output
    assert seconds < budget.DOCUMENT_SECONDS + 3, seconds


def test_a_batch_keeps_its_order_and_only_the_hostile_file_is_stopped(tmp_path, small_budget):
    """Five files on two supervised workers, the third one meeting a rule that runs
    past its budget: its worker is replaced, the file gets S003 and the rules after
    it, and every other file is checked in full and reported in its place."""
    _, test, _ = HOSTILE["nested loops"]
    rules = tmp_path / "rules.sch"
    rules.write_text(
        f'<schema xmlns="{SCH}" queryBinding="xslt2"><ns prefix="tei" '
        f'uri="http://www.tei-c.org/ns/1.0"/>{pattern_of("hostile", "tei:hi", test)}'
        f"{FAILS}</schema>"
    )
    names = []
    for n in range(5):
        body = "<p><hi>slow</hi></p>" if n == 2 else "<p>x</p>"
        doc = tmp_path / f"doc{n}.xml"
        doc.write_text(
            f'<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body>{body}</body></text></TEI>'
        )
        names.append(str(doc))
    command = ["validate", "--no-cache", "--jobs", "2", "--format", "json"]
    result = CliRunner().invoke(cli, [*command, "--schema", str(rules), *names])
    report = json.loads(result.output)
    assert [f["file"] for f in report["files"]] == names
    for n, found in enumerate(report["files"]):
        codes = [d["code"] for d in found["diagnostics"]]
        assert codes.count("S002") == 1, (n, codes)  # "body seen": the rules all ran
        assert ("S003" in codes) == (n == 2), (n, codes)


def test_the_board_names_the_unit_running_and_never_a_torn_one():
    from tei_tools.validate.budget import Board

    board = Board()
    board.clear()
    assert board.read() == (None, None)
    board.write(7, "the rule on 'tei:p' (p1)", 9, 12)
    unit, first = board.read()
    assert unit is not None and unit[:4] == (7, "the rule on 'tei:p' (p1)", 9, 12)
    assert first is not None and first <= unit[4]
    sequence = board._SEQUENCE.unpack_from(board.memory)[0]
    board._SEQUENCE.pack_into(board.memory, 0, sequence + 1)  # a write left half done
    assert board.read() == (None, None)


def test_a_read_of_the_board_never_mixes_two_units():
    """A writer in another process begins unit after unit; every read names one whole
    unit (its number, its label and its times together), never a mix or a blank."""
    import os

    from tei_tools.validate.budget import Board

    board = Board()
    board.clear()
    pid = os.fork()
    if pid == 0:  # pragma: no cover (the writer)
        try:
            for n in range(200_000):
                board.write(n, f"the rule {n} " + "x" * (n % 50), n + 1, n + 2)
        finally:
            os._exit(0)
    seen = 0
    try:
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            unit, first = board.read()
            if unit is None:
                continue
            number, label, resume, end, started = unit
            assert label == f"the rule {number} " + "x" * (number % 50)
            assert (resume, end) == (number + 1, number + 2)
            assert first is not None and 0 < first <= started
            seen += 1
            if os.waitpid(pid, os.WNOHANG) != (0, 0):
                break
    finally:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
    assert seen > 100


def _three_quick_rules_then_other_work(request, units):
    from tei_tools.validate.budget import UnitLog

    assert isinstance(units, UnitLog)
    base = units.reserve(4)
    for n in range(1, 4):
        units.begin(base + n, f"rule {n}", base + n + 1, base + 4)
    units.rest()
    time.sleep(1.0)  # the grammar of another schema, tei-tools' own rules, the result
    return "done"


def test_work_after_the_last_rule_is_no_rules_time(monkeypatch):
    from tei_tools.validate.budget import Supervised

    monkeypatch.setattr(budget, "RULE_SECONDS", 0.4)
    result, stopped = Supervised(_three_quick_rules_then_other_work, "x").run(None, "d.xml")
    assert (result, stopped) == ("done", [])


def _three_rules_then_a_bug(request, units):
    base = units.reserve(4)
    for n in range(1, 4):
        units.begin(base + n, f"rule {n}", base + n + 1, base + 4)
    raise RuntimeError("a bug")


def _three_rules_then_death(request, units):
    import os

    base = units.reserve(4)
    for n in range(1, 4):
        units.begin(base + n, f"rule {n}", base + n + 1, base + 4)
        if n == 3 and not units.skips(base + 3):
            os._exit(9)  # as if the memory cap had killed it in rule 3
    units.rest()
    return "done"


def test_an_error_in_the_worker_is_said_once_and_blames_no_rule():
    from tei_tools.validate.budget import Supervised

    result, stopped = Supervised(_three_rules_then_a_bug, "x").run(None, "d.xml")
    assert result is None
    assert [d.code for d in stopped] == ["S003"]
    assert "RuntimeError: a bug" in stopped[0].message and "rule" not in stopped[0].message


def test_a_worker_that_dies_in_a_rule_blames_that_rule_and_the_others_run():
    from tei_tools.validate.budget import Supervised

    result, stopped = Supervised(_three_rules_then_death, "x").run(None, "d.xml")
    assert result == "done"
    assert [d.message.split(" stopped")[0] for d in stopped] == ["rule 3"]


def _four_slow_rules(request, units):
    base = units.reserve(5)
    ran = []
    for n in range(1, 5):
        if units.skips(base + n):
            continue
        units.begin(base + n, f"rule {n}", base + n + 1, base + 5)
        time.sleep(0.8)
        ran.append(n)
    units.rest()
    return ran


def test_past_the_documents_budget_the_rules_that_ran_keep_their_findings(monkeypatch):
    """The rules that finished before the document's budget ran out are run again
    (their findings are in the worker that was stopped), without a budget: only the
    rule that ran past it is named, and its findings alone are missing."""
    from tei_tools.validate.budget import Supervised

    monkeypatch.setattr(budget, "DOCUMENT_SECONDS", 1.0)
    result, stopped = Supervised(_four_slow_rules, "x").run(None, "d.xml")
    assert result == [1]  # rule 2 runs from 0.8 s to 1.6 s: past the document's 1 s
    assert [d.message.split(" ran past")[0] for d in stopped] == ["rule 2"]
