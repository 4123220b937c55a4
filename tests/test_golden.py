"""encoded/ is exactly what converting raw/ writes, and it is valid TEI."""

from __future__ import annotations

import difflib

import pytest

from tei_tools.collection.config import load_config
from tei_tools.commands.convert import PEOPLE_FILE
from tei_tools.convert import convert_bytes
from tei_tools.convert.people_file import load_people

from .conftest import ENCODED, ENCODED_DOCS, RAW, ROOT, SEEDS, tei_all_errors

ACTUAL = ROOT / "tests" / "_actual"


@pytest.mark.parametrize("raw", SEEDS, ids=lambda p: p.stem)
def test_encoded_matches_conversion(raw):
    people, diags = load_people(RAW / PEOPLE_FILE)
    assert not diags
    # encoded/ is what `tei-tools build` writes: the conversion, with the collection's
    # publication facts (pyproject.toml [tool.tei-tools]) in its header
    publication = load_config(ROOT).publication
    result = convert_bytes(raw.read_bytes(), f"raw/{raw.name}", people, publication=publication)
    assert result.ok, [d.format() for d in result.diagnostics]
    assert result.tree is not None
    actual = result.xml()
    golden = ENCODED / f"{raw.stem}.xml"
    expected = golden.read_bytes() if golden.exists() else b""
    if actual != expected:
        ACTUAL.mkdir(exist_ok=True)
        (ACTUAL / golden.name).write_bytes(actual)
        diff = "".join(
            difflib.unified_diff(
                expected.decode().splitlines(True),
                actual.decode().splitlines(True),
                str(golden),
                "conversion",
                n=2,
            )
        )
        pytest.fail(
            f"{golden.name} differs from the conversion of {raw.name}:\n{diff[:6000]}\n"
            "Accept the new output with:\n  tei-tools build --force"
        )


def test_encoded_is_valid_against_tei_all():
    files = list(ENCODED_DOCS)
    assert files, "encoded/ holds no TEI"
    assert tei_all_errors(files) == ""
