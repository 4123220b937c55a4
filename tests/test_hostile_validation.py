"""Hostile TEI given to the validator: nothing is fetched, nothing outside the
document's folder is read, no document pattern can make it hang, and an engine
that aborts never turns into a verdict of "valid"."""

from __future__ import annotations

import http.server
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from tei_tools.cli import cli
from tei_tools.validate import Validator
from tei_tools.validate.loader import find_doctype, load
from tei_tools.validate.relaxng import JingSchema, jing_command

from .conftest import ROOT

RNG = ROOT / "tests" / "fixtures" / "schemas" / "tei-paragraphs.rng"
TEI = '<TEI xmlns="http://www.tei-c.org/ns/1.0">'


def validate(*args: object):
    return CliRunner().invoke(cli, ["validate", *map(str, args)], catch_exceptions=False)


@pytest.fixture
def listener():
    """A server on 127.0.0.1 that counts the requests it gets."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"FETCHED")

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], hits
    server.shutdown()


def _three_errors() -> str:
    return f'<?xml version="1.0"?>\n{TEI}\n<x/>\n<y/>\n<z/>\n</TEI>\n'


@pytest.mark.parametrize("entity", ["http://127.0.0.1:{port}/x", "missing.ent"])
@pytest.mark.parametrize("pruned", [True, False])
def test_a_doctype_after_a_long_comment_reaches_no_engine_and_spoils_no_verdict(
    tmp_path, listener, entity, pruned, monkeypatch
):
    if jing_command() is None:
        pytest.skip("jing is not installed (pip install 'tei-tools[rng]')")
    if not pruned:  # a grammar the pruner cannot read: jing checks the whole batch
        from tei_tools.validate import pruned as pruned_module

        monkeypatch.setattr(pruned_module, "pruned_validator", lambda *args: None)
    port, hits = listener
    hostile = tmp_path / "a-hostile.xml"
    hostile.write_text(
        f'<?xml version="1.0"?>\n<!--{"x" * 70_000}-->\n'
        f'<!DOCTYPE TEI [<!ENTITY e SYSTEM "{entity.format(port=port)}">]>\n'
        f"{TEI}<p>&e;</p></TEI>\n"
    )
    broken = tmp_path / "b-broken.xml"
    broken.write_text(_three_errors())
    result = validate("--schema", RNG, "--format", "json", "-j", "1", tmp_path)
    assert hits == []
    assert result.exit_code == 1
    assert '"V002"' in result.output  # the hostile file, refused by name
    assert result.output.count('"S001"') == 3  # the other file's three errors, all found


def test_a_jing_run_that_aborts_proves_nothing_of_the_files_it_did_not_name(tmp_path):
    """Defence in depth: even if a file that stops jing got into a batch, the files
    after it are checked again instead of being taken as valid."""
    command = jing_command()
    if command is None:
        pytest.skip("jing is not installed (pip install 'tei-tools[rng]')")
    aborting = tmp_path / "a.xml"
    aborting.write_text(f'<!DOCTYPE TEI [<!ENTITY e SYSTEM "missing.ent">]>\n{TEI}<p>&e;</p></TEI>')
    broken = tmp_path / "b.xml"
    broken.write_text(_three_errors())
    schema = JingSchema(RNG, command, cache=False)
    found, done = schema._run([str(aborting), str(broken)])
    assert done == 2
    assert len(found[str(broken)]) == 3
    assert found[str(aborting)], "the aborting file itself gets a finding"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"<!-- <!DOCTYPE x> -->" + TEI.encode() + b"</TEI>", None),
        (TEI.encode() + b"<p><![CDATA[<!DOCTYPE x>]]></p></TEI>", None),
        (b"<?pi <!DOCTYPE x> ?><!DOCTYPE TEI []><TEI/>", 20),
        (b"<!--" + b"-" * 100 + b"-->\n<!doctype TEI>", 108),
        (b"<!-- unterminated <!DOCTYPE x>", None),
    ],
)
def test_a_doctype_is_found_wherever_it_stands_and_only_there(data, expected):
    assert find_doctype(data) == expected


def test_a_doctype_inside_a_comment_or_cdata_is_no_v002():
    for data in (
        f'<?xml version="1.0"?>\n<!-- <!DOCTYPE x> -->\n{TEI}<p>a</p></TEI>',
        f"{TEI}<p><![CDATA[<!DOCTYPE x>]]></p></TEI>",
    ):
        doc, problems = load("d.xml", data.encode())
        assert doc is not None, problems


def test_utf16_xml_is_read_with_columns_in_characters(tmp_path):
    text = f'<?xml version="1.0" encoding="UTF-16"?>\n{TEI}<p>é</p><q/></TEI>\n'
    for codec in ("utf-16", "utf-16-le", "utf-16-be"):
        path = tmp_path / f"{codec}.xml"
        path.write_bytes(text.encode(codec))
        result = validate("--schema", RNG, "--format", "json", path)
        assert "V005" not in result.output and "binary" not in result.output
        assert result.exit_code == 1 and '"S001"' in result.output  # <q/> is not allowed
    hostile = tmp_path / "doctype.xml"
    hostile.write_bytes(
        f'<?xml version="1.0" encoding="UTF-16"?>\n<!DOCTYPE TEI []>\n{TEI}</TEI>'.encode("utf-16")
    )
    assert "V002" in validate(hostile).output


@pytest.mark.parametrize("a_count", [30, 5_000])
def test_a_document_pattern_cannot_make_the_validator_hang(tmp_path, a_count):
    doc = tmp_path / "redos.xml"
    doc.write_text(
        f"{TEI}<teiHeader><encodingDesc><listPrefixDef>"
        '<prefixDef ident="x" matchPattern="(a+)+b" replacementPattern="#$1"/>'
        "</listPrefixDef></encodingDesc></teiHeader>"
        f'<text><body><p><ref target="x:{"a" * a_count}c">t</ref></p></body></text></TEI>'
    )
    start = time.perf_counter()
    found = list(Validator(None).iter_errors(str(doc), doc.read_bytes()))
    assert time.perf_counter() - start < 3  # backtracking: 5.7 s at 26 a's, doubling per a
    assert any(d.code == "R013" for d in found)  # no match: reported as unchecked


def test_pointers_out_of_the_documents_folder_are_never_read(tmp_path, monkeypatch):
    folder = tmp_path / "docs"
    folder.mkdir()
    outside = tmp_path / "secret.xml"
    outside.write_text(f'{TEI}<p xml:id="x">TOP-SECRET</p></TEI>')
    doc = folder / "doc.xml"
    doc.write_text(
        f'{TEI}<text><body><p><ref target="../secret.xml#x">t</ref></p></body></text></TEI>'
    )
    read: list[str] = []
    original = Path.read_bytes

    def spy(self: Path) -> bytes:
        read.append(self.name)
        return original(self)

    monkeypatch.setattr(Path, "read_bytes", spy)
    found = list(Validator(None).iter_errors(str(doc), doc.read_bytes()))
    assert "secret.xml" not in read
    assert any(d.code == "R013" for d in found)


def test_a_pointer_to_a_file_over_the_size_limit_is_not_read(tmp_path, monkeypatch):
    big = tmp_path / "big.xml"
    big.write_text(f'{TEI}<p xml:id="x">{"y" * 4096}</p></TEI>')
    doc = tmp_path / "doc.xml"
    doc.write_text(f'{TEI}<text><body><p><ref target="big.xml#x">t</ref></p></body></text></TEI>')
    read: list[str] = []
    original = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self.name) or original(self))
    found = list(Validator(None, max_bytes=2048).iter_errors(str(doc), doc.read_bytes()))
    assert "big.xml" not in read
    assert any(d.code == "R013" for d in found)


def test_schematron_cannot_read_files(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    schema = tmp_path / "leak.sch"
    schema.write_text(
        '<schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt">'
        '<ns prefix="t" uri="http://www.tei-c.org/ns/1.0"/><pattern><rule context="t:TEI">'
        f'<assert test="false()"><value-of select="document(\'{secret.as_uri()}\')"/></assert>'
        "</rule></pattern></schema>"
    )
    doc = tmp_path / "doc.xml"
    doc.write_text(f"{TEI}</TEI>")
    result = validate("--schema", schema, doc)
    assert "TOP-SECRET-CONTENT" not in result.output
    assert result.exit_code == 1
