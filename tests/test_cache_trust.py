"""What the cache keeps cannot decide a verdict it was not made for: every entry is
keyed by all its inputs and the tools' versions, and authenticated (an HMAC keyed by a
secret only this user reads), so that appending a digest or swapping a grammar in the
cache folder makes no failing file pass; a folder others may write is not used."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from tei_tools import cache
from tei_tools.cli import cli
from tei_tools.validate.relaxng import jing_command

from .conftest import ROOT

RNG = ROOT / "tests" / "fixtures" / "schemas" / "tei-paragraphs.rng"
SCH = "http://purl.oclc.org/dsdl/schematron"
GOOD = '<TEI xmlns="http://www.tei-c.org/ns/1.0"><p n="1">a</p></TEI>'
BAD = '<TEI xmlns="http://www.tei-c.org/ns/1.0"><p>a</p><bogus/></TEI>'
LAX = (
    '<grammar xmlns="http://relaxng.org/ns/structure/1.0"><start><ref name="a"/></start>'
    '<define name="a"><element><anyName/><zeroOrMore><choice><attribute><anyName/>'
    '</attribute><text/><ref name="a"/></choice></zeroOrMore></element></define></grammar>'
)


@pytest.fixture
def folder(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("TEI_TOOLS_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def validate(schema: Path, doc: Path) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["validate", "--schema", str(schema), str(doc)])
    return result.exit_code, result.output


def rules(tmp_path: Path) -> Path:
    (tmp_path / "part.sch").write_text(
        f'<pattern xmlns="{SCH}"><rule context="t:p"><assert test="@n">no n</assert></rule>'
        "</pattern>"
    )
    path = tmp_path / "rules.sch"
    path.write_text(
        f'<schema xmlns="{SCH}" queryBinding="xslt2"><ns prefix="t" '
        'uri="http://www.tei-c.org/ns/1.0"/><include href="part.sch"/></schema>'
    )
    return path


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_digest_appended_to_the_verdicts_makes_no_failing_file_pass(tmp_path, folder):
    schema = rules(tmp_path)
    assert validate(schema, write(tmp_path, "good.xml", GOOD))[0] == 0  # cached as clean
    bad = write(tmp_path, "bad.xml", BAD)
    forged = hashlib.sha256(bad.read_bytes()).hexdigest()
    entries = list((folder / "valid").glob("*.txt"))
    assert entries
    for entry in entries:
        with entry.open("a") as f:
            f.write(forged + "\n")
    code, out = validate(schema, bad)
    assert code == 1 and "S002 no n" in out


def test_an_edited_include_is_checked_again(tmp_path, folder):
    schema = rules(tmp_path)
    doc = write(tmp_path, "doc.xml", GOOD)
    assert validate(schema, doc)[0] == 0
    (tmp_path / "part.sch").write_text(
        f'<pattern xmlns="{SCH}"><rule context="t:p"><assert test="@n = 2">not 2</assert>'
        "</rule></pattern>"
    )
    code, out = validate(schema, doc)
    assert code == 1 and "S002 not 2" in out


def test_the_verdicts_of_another_version_are_not_used(tmp_path, folder, monkeypatch):
    schema = rules(tmp_path)
    bad = write(tmp_path, "bad.xml", BAD)
    monkeypatch.setattr(cache, "tool_version", lambda: "0.0.1-buggy")
    from tei_tools.validate.schemas import load_schema

    buggy = load_schema(schema)  # a version that found the file clean, and said so
    assert buggy.clean is not None  # type: ignore[attr-defined]
    buggy.clean.add([hashlib.sha256(bad.read_bytes()).hexdigest()])  # type: ignore[attr-defined]
    monkeypatch.undo()
    monkeypatch.setenv("TEI_TOOLS_CACHE_DIR", str(folder))
    code, out = validate(schema, bad)
    assert code == 1 and "S002 no n" in out


def test_a_grammar_swapped_in_the_cache_is_not_used(tmp_path, folder):
    if jing_command() is None:
        pytest.skip("jing is not installed (pip install 'tei-tools[rng]')")
    plain = GOOD.replace(' n="1"', "")
    assert validate(RNG, write(tmp_path, "good.xml", plain))[0] == 0
    swapped = list(folder.rglob("*.rng"))
    assert swapped
    for grammar in swapped:
        grammar.write_text(LAX)
    code, out = validate(RNG, write(tmp_path, "bad.xml", BAD))
    assert code == 1 and "S001" in out and "bogus" in out


def test_a_cache_folder_others_may_write_is_not_used(tmp_path, folder):
    folder.mkdir()
    folder.chmod(0o777)
    schema = rules(tmp_path)
    code, out = validate(schema, write(tmp_path, "good.xml", GOOD))
    assert code == 0 and "not used" in out and str(folder) in out
    assert list(folder.iterdir()) == []


def test_the_secret_is_readable_by_this_user_alone(tmp_path, folder):
    schema = rules(tmp_path)
    validate(schema, write(tmp_path, "good.xml", GOOD))
    secret = folder / "secret.key"
    assert secret.is_file() and secret.stat().st_mode & 0o777 == 0o600


def test_the_verdicts_kept_are_bounded_the_newest_kept(folder, monkeypatch):
    """A CI job that validates new files on every push must not read an ever longer
    list each run: past its bound the list keeps its newest half."""
    from tei_tools.validate.pruned import cache as verdicts

    monkeypatch.setattr(verdicts, "MAX_VERDICTS", 100)
    kept = verdicts.VerdictCache("k")
    digests = [hashlib.sha256(str(n).encode()).hexdigest() for n in range(250)]
    for start in range(0, 250, 10):
        verdicts.VerdictCache("k").add(digests[start : start + 10])
    fresh = verdicts.VerdictCache("k")
    assert len(fresh.listed) <= 100
    assert all(d in fresh for d in digests[-50:])  # the newest are kept
    assert digests[0] not in fresh
    assert len(kept.path.read_text().splitlines()) == len(fresh.listed)


def test_rules_compiled_before_find_what_a_first_compile_finds(tmp_path, folder):
    """The second run reads each rule's pre-filter from the cache and compiles a rule
    only when a document needs it: the findings are the same; a stored entry that
    anyone but tei-tools wrote is not read."""
    schema = rules(tmp_path)
    doc = write(tmp_path, "doc.xml", '<TEI xmlns="http://www.tei-c.org/ns/1.0"><p>a</p></TEI>')
    first = validate(schema, doc)
    entries = list((folder / "schematron").glob("*.json"))
    assert len(entries) == 1 and "no n" in first[1]
    assert validate(schema, doc) == first
    entries[0].write_text("[[[]]]")  # unsealed: ignored, the rules compiled again
    assert validate(schema, doc) == first


def test_a_damaged_line_in_the_verdicts_matches_nothing(folder):
    """Bytes that are not ASCII where a line's HMAC stands: no digest, no crash."""
    from tei_tools.validate.pruned import cache as verdicts

    digest = hashlib.sha256(b"x").hexdigest()
    kept = verdicts.VerdictCache("k")
    kept.path.parent.mkdir(parents=True, exist_ok=True)
    kept.path.write_bytes(digest.encode() + b" \xff\xfe" + b"a" * 60 + b"\n")
    assert digest not in verdicts.VerdictCache("k")
    assert cache.unwrap("p", b"\xff\xfe\nsomething") is None


def test_the_versions_in_every_cache_key_are_those_installed():
    """The versions are read without importlib.metadata (a fortieth of a second every
    run) or importing elementpath: they must be the installed ones all the same."""
    import tomllib
    from importlib.metadata import version

    from tei_tools import __version__
    from tei_tools.cache import _declared_version, versions

    with (ROOT / "pyproject.toml").open("rb") as project:
        assert __version__ == tomllib.load(project)["project"]["version"]
    assert _declared_version("elementpath") == version("elementpath")
    assert f"lxml {version('lxml')}" in versions()
    assert _declared_version("no-such-package-here") == "unknown"
