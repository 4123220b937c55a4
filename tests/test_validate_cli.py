"""tei-tools validate: exit codes, selection, parallel runs, stdin, hostile input."""

from __future__ import annotations

import json
import os
import shutil
import socket

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from tei_tools.cli import cli
from tei_tools.validate import ValidationFailed, Validator

from .conftest import ENCODED, ROOT, TEI_ALL, jing_verdicts, skip_unless

FIXTURES = ROOT / "tests" / "fixtures" / "tei"
INVALID = FIXTURES / "invalid"


def validate(*args, input=None):
    return CliRunner().invoke(
        cli, ["validate", *map(str, args)], input=input, catch_exceptions=False
    )


def test_encoded_is_valid_against_the_project_schema():
    result = validate(ENCODED)
    assert result.exit_code == 0, result.output
    # the two documents and the collection's persons.xml
    assert "3 files checked: 3 without errors" in result.stdout


def test_exit_codes():
    assert validate(FIXTURES / "valid").exit_code == 0
    assert validate(INVALID / "empty-del.xml").exit_code == 1
    # a warning fails only at --fail-level warning
    assert validate(INVALID / "page-number-mismatch.xml").exit_code == 0
    assert validate(INVALID / "page-number-mismatch.xml", "--fail-level", "warning").exit_code == 1
    assert validate(FIXTURES / "missing.xml").exit_code == 2
    assert validate().exit_code == 2
    assert validate(FIXTURES / "valid", "--select", "R999").exit_code == 2


def test_exit_code_is_never_an_error_count(tmp_path):
    for n in range(257):  # 257 errors would wrap to 1 as an exit status; 256 to 0
        shutil.copy(INVALID / "empty-del.xml", tmp_path / f"e{n:03d}.xml")
    result = validate(tmp_path, "--format", "json")
    assert result.exit_code == 1


def test_select_and_ignore():
    assert validate(INVALID / "empty-del.xml", "--ignore", "R005").exit_code == 0
    assert validate(INVALID / "impossible-date.xml", "--select", "R").exit_code == 1
    out = validate(INVALID / "impossible-date.xml", "--select", "R007").stdout
    assert " R007 " in out and " S001 " not in out
    assert validate(INVALID / "impossible-date.xml", "--ignore", "S,R").exit_code == 0


def test_parallel_and_serial_runs_agree(tmp_path):
    args = [INVALID, FIXTURES / "valid", ENCODED, "--format", "json"]
    one = validate(*args, "--jobs", "1").stdout
    two = validate(*args, "--jobs", "2").stdout
    strip = [line for line in one.splitlines() if '"time"' not in line]
    assert strip == [line for line in two.splitlines() if '"time"' not in line]


def test_stdin_and_globs():
    data = (INVALID / "empty-del.xml").read_text()
    result = validate("-", input=data)
    assert result.exit_code == 1 and result.stdout.startswith("<stdin>:27:")
    result = validate(str(INVALID / "empty-*.xml"))
    assert result.exit_code == 1 and "1 file checked" in result.stdout


def test_library_triad():
    validator = Validator()
    data = (INVALID / "empty-del.xml").read_bytes()
    assert [d.code for d in validator.iter_errors("x.xml", data)] == ["R005"]
    assert not validator.is_valid("x.xml", data)
    with pytest.raises(ValidationFailed) as failed:
        validator.validate("x.xml", data)
    assert failed.value.diagnostics[0].line == 27
    validator.validate("ok.xml", (FIXTURES / "valid" / "minimal.xml").read_bytes())


def test_list_codes_names_every_rule():
    out = validate("--list-codes").stdout
    for code in ("V001", "S001", "R001", "R002", "R003", "R004", "R005", "R006", "R007"):
        assert code in out


# --- hostile input -------------------------------------------------------------------


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the validator tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_external_entities_are_never_resolved(tmp_path, no_network):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    for target in (secret.as_uri(), "http://example.com/entity"):
        doc = tmp_path / "doc.xml"
        doc.write_text(
            f'<?xml version="1.0"?>\n<!DOCTYPE TEI [<!ENTITY e SYSTEM "{target}">]>\n'
            '<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>&e;</p></body></text></TEI>\n'
        )
        for fmt in ("text", "json", "sarif", "junit", "github"):
            result = validate(doc, "--format", fmt)
            assert result.exit_code == 1
            assert "TOP-SECRET-CONTENT" not in result.output
            assert "V002" in result.output


def test_xinclude_is_not_processed(tmp_path, no_network):
    secret = tmp_path / "secret.xml"
    secret.write_text('<p xmlns="http://www.tei-c.org/ns/1.0">TOP-SECRET-CONTENT</p>')
    doc = tmp_path / "doc.xml"
    doc.write_text(
        (FIXTURES / "valid" / "minimal.xml")
        .read_text()
        .replace(
            "<p>Nothing but a paragraph.</p>",
            f'<p><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{secret}"/></p>',
        )
    )
    result = validate(doc)
    assert result.exit_code == 1  # xi:include is not TEI content
    assert "TOP-SECRET-CONTENT" not in result.output


def test_entity_expansion_bomb_is_refused_quickly(tmp_path):
    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    doc = tmp_path / "bomb.xml"
    doc.write_text(
        f'<?xml version="1.0"?><!DOCTYPE TEI [<!ENTITY l0 "lol">{lol}]>'
        '<TEI xmlns="http://www.tei-c.org/ns/1.0">&l9;</TEI>'
    )
    result = validate(doc)
    assert result.exit_code == 1 and "V002" in result.stdout


def test_oversized_binary_and_unreadable_files_do_not_stop_the_run(tmp_path):
    big = tmp_path / "big.xml"
    with big.open("wb") as handle:
        handle.truncate(100 * 2**20)  # sparse: 100 MiB without writing them
    binary = tmp_path / "binary.xml"
    binary.write_bytes(os.urandom(2048) + b"\x00")
    good = tmp_path / "good.xml"
    shutil.copy(FIXTURES / "valid" / "minimal.xml", good)
    result = validate(big, binary, good, tmp_path / "absent.xml", "--format", "json")
    assert result.exit_code == 2  # an unreadable path is a usage error
    for code in ("V004", "V005", "V006"):
        assert f'"code": "{code}"' in result.stdout
    assert '"file": "' + str(good) + '",\n      "valid": true' in result.stdout


def test_schema_that_needs_the_network_is_a_usage_error(tmp_path, no_network):
    xsd = tmp_path / "remote.xsd"
    xsd.write_text(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">'
        '<xs:import namespace="urn:x" schemaLocation="http://example.com/x.xsd"/></xs:schema>'
    )
    result = validate(FIXTURES / "valid", "--schema", xsd)
    assert result.exit_code == 2
    assert "remote.xsd" in result.stderr


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400) | st.text(max_size=300).map(str.encode))
def test_validator_never_raises(data):
    found = list(Validator().iter_errors("fuzz.xml", data))
    assert all(d.line >= 0 and d.code for d in found)


# --- agreement with jing on tei_all ------------------------------------------------------


def test_tei_all_verdicts_agree_with_jing():
    skip_unless(shutil.which("jing") is not None, "jing (Debian package) not installed")
    skip_unless(TEI_ALL.is_file(), f"official TEI schema not found at {TEI_ALL}")
    fixtures = sorted(FIXTURES.rglob("*.xml")) + sorted(ENCODED.glob("*.xml"))
    result = validate(
        "--schema", TEI_ALL, "--no-schematron", "--select", "S,V", "--format", "json", *fixtures
    )
    ours = {f["file"]: f["valid"] for f in json.loads(result.stdout)["files"]}
    expected = jing_verdicts(["jing"], TEI_ALL, fixtures)  # one JVM for them all
    assert ours == expected


def test_schematron_schema(tmp_path):
    sch = ROOT / "tests" / "fixtures" / "schemas" / "said-has-who.sch"
    doc = tmp_path / "doc.xml"
    doc.write_text(
        (FIXTURES / "valid" / "alterations.xml").read_text().replace(' who="#kuznetsov"', "")
    )
    result = validate(doc, "--schema", sch, "--select", "S,V")
    assert result.exit_code == 1
    assert f"{doc}:27:10: error S002 Reported speech must name its speaker" in result.stdout
    assert validate(FIXTURES / "valid", "--schema", sch).exit_code == 0


def test_xsd_schema_option_uses_another_xsd():
    result = validate(FIXTURES / "valid", "--schema", ROOT / "schema" / "tei_tools.xsd")
    assert result.exit_code == 0
