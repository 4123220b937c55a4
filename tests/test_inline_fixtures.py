"""Inline parser cases from fixtures/inline.txt: title, raw input, expected model dump,
each part ended by a line holding a single '.'. An editor can add a case there."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tei_tools.convert.model import pretty
from tei_tools.convert.profiles.memorandum.transforms import pair_substitutions
from tei_tools.convert.readers.inline import _TYPED_TRIGGER, may_hold_typed, parse_lines
from tei_tools.convert.readers.raw import split_blocks

FIXTURES = Path(__file__).parent / "fixtures" / "inline.txt"


def read_fixtures(path: Path) -> list[tuple[int, str, str, str]]:
    lines = path.read_text(encoding="utf-8").split("\n")
    cases, i = [], 0
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        start, title, parts = i + 1, lines[i], []
        i += 2  # the title and the '.' after it
        for _ in range(2):
            part = []
            while lines[i] != ".":
                part.append(lines[i])
                i += 1
            parts.append("\n".join(part))
            i += 1
        cases.append((start, title, parts[0], parts[1]))
    return cases


CASES = read_fixtures(FIXTURES)


@pytest.mark.parametrize(
    ("line", "title", "raw", "expected"), CASES, ids=[f"L{c[0]}" for c in CASES]
)
def test_inline_fixture(line, title, raw, expected):
    diags = []
    [block] = split_blocks(raw)
    nodes = pair_substitutions(parse_lines(block.lines, "case.txt", diags))
    dump = pretty(nodes)
    codes = " ".join(d.code for d in diags)
    actual = dump + (f"\n# {codes}" if codes else "")
    assert actual == expected, f"{title} (fixtures/inline.txt line {line})"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ax X-/ [REDACTED]\n", max_size=40))
def test_the_typed_forms_prefilter_passes_every_text_a_form_is_in(text: str) -> None:
    if _TYPED_TRIGGER.search(text) is not None:
        assert may_hold_typed(text)
