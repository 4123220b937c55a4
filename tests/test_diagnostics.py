"""Bad input: a diagnostic with the raw line and column, and no text lost."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tei_tools.convert import convert_bytes, convert_text
from tei_tools.diagnostics import CODES, Diagnostic, Severity, capped

from .conftest import non_space, projection


def diag(text, code):
    """The first diagnostic of ``code`` for a memorandum's text (fragments may lack the
    heading; C201 and C301 are the memorandum's)."""
    result = convert_text(text, "in.txt", profile="memorandum")
    found = [d for d in result.diagnostics if d.code == code]
    assert found, [d.format() for d in result.diagnostics]
    return result, found[0]


@pytest.mark.parametrize(
    ("raw", "code", "line", "column", "kept"),
    [
        ("Intro.\n\nHe ~~never asserted it.", "C101", 3, 4, "~~never"),
        ("Intro.\n\nThe <sup>USSR had", "C102", 3, 5, "<sup>USSR"),
        ("Some <u>odd</u> tag.", "C103", 1, 6, "<u>odd"),
        ("A stray </sup> here.", "C104", 1, 9, "</sup>"),
        ("A **bold start only.", "C105", 1, 3, "**bold"),
        ("Empty ~~~~ here.", "C106", 1, 7, "~~~~"),
        ("but of course / the USSR", "C107", 1, 15, "/"),
        ("MEMO\n\nMr. Gusev replied that it was so.", "C301", 3, 1, "Gusev"),
        ("Text\n\nMr. AkalovskyUSSR- Mr. Kuznetsov met.", "C201", 3, 5, "AkalovskyUSSR"),
    ],
)
def test_markup_problems_are_reported_and_text_kept(raw, code, line, column, kept):
    result, found = diag(raw, code)
    assert (found.line, found.column) == (line, column), found.format()
    assert found.file == "in.txt"
    assert found.hint
    assert result.ok
    assert non_space(kept) in non_space(projection(result.tree.getroot()))


def test_not_utf8_is_refused_with_position():
    result = convert_bytes("Line one\nCaf\u00e9".encode("cp1252"), "bad.txt")
    assert not result.ok
    [d] = [d for d in result.diagnostics if d.code == "C001"]
    assert (d.line, d.column) == (2, 4)
    assert "UTF-8" in d.message and "iconv" in d.hint


@pytest.mark.parametrize("data", [b"", b"   \n\n  \t\n"])
def test_empty_input_is_an_error_not_a_crash(data):
    result = convert_bytes(data, "empty.txt")
    assert not result.ok
    assert [d.code for d in result.diagnostics] == ["C002"]


def test_bom_and_crlf_are_handled_and_reported():
    result = convert_bytes(b"\xef\xbb\xbfFirst line.\r\n\r\nSecond.\r\n", "win.txt")
    assert result.ok
    codes = {d.code for d in result.diagnostics}
    assert {"C003", "C004"} <= codes
    assert b"\r" not in result.xml()
    assert "\ufeff" not in result.xml().decode()


def test_control_character_is_an_error_with_position():
    result = convert_text("ok line\nbad \x07 bell", "ctl.txt")
    assert not result.ok
    [d] = [d for d in result.diagnostics if d.code == "C005"]
    assert (d.line, d.column) == (2, 5)


def test_every_code_has_a_severity_and_rationale():
    for code in CODES.values():
        assert isinstance(code.severity, Severity) and code.rationale


def test_misspelling_index_never_misses_a_close_name():
    from hypothesis import given
    from hypothesis import strategies as st

    from tei_tools.convert.people import deletions, edit_distance

    @given(
        st.text("abcdefgh", min_size=6, max_size=12),
        st.text("abcdefgh", min_size=6, max_size=12),
        st.sampled_from([1, 2]),
    )
    def check(word, form, limit):
        if edit_distance(word, form, limit) <= limit:
            assert deletions(word, limit) & deletions(form, limit)

    check()


def test_output_the_project_schema_rejects_is_never_written(monkeypatch):
    from tei_tools.convert import pipeline
    from tei_tools.convert.writer.text import sub

    original = pipeline.write_tei

    def broken(doc, publication=None):
        tree = original(doc, publication)
        sub(tree.getroot().find(".//{http://www.tei-c.org/ns/1.0}body"), "bogus")
        return tree

    monkeypatch.setattr(pipeline, "write_tei", broken)
    result = convert_text("A paragraph.", "x.txt")
    assert not result.ok
    assert [d.code for d in result.diagnostics if d.code == "C900"] == ["C900"]


def test_the_linkers_span_index_answers_as_a_scan_of_every_span():
    from hypothesis import given
    from hypothesis import strategies as st

    from tei_tools.convert.people import _Spans

    span = st.tuples(st.integers(0, 60), st.integers(1, 8)).map(lambda t: (t[0], t[0] + t[1]))

    @given(st.lists(span, max_size=20), st.lists(span, max_size=20))
    def check(added, queries):
        spans, taken = _Spans(), []
        for start, end in added:
            spans.add(start, end)
            taken.append((start, end))
            for a, b in queries:
                assert spans.overlaps(a, b) == any(s < b and a < e for s, e in taken)

    check()


_FINDING = st.builds(
    lambda code, line: Diagnostic(code, "m", "f.xml", line, 1),
    st.sampled_from(["C101", "C303", "S001", "R010", "R009"]),
    st.integers(1, 50),
)


@settings(max_examples=200, deadline=None)
@given(found=st.lists(_FINDING, max_size=40), limit=st.integers(0, 6), per_code=st.booleans())
def test_the_capper_keeps_order_counts_the_rest_and_hides_no_severity(found, limit, per_code):
    shown = capped(found, limit, "f.xml", per_code=per_code)
    summaries = [d for d in shown if "are not shown" in d.message]
    kept = [d for d in shown if d not in summaries]
    index = {id(d): i for i, d in enumerate(found)}
    positions = [index[id(d)] for d in kept]
    assert positions == sorted(positions)  # document order
    counted = sum(int(d.message.split()[0]) for d in summaries)
    assert len(kept) + counted == len(found)  # nothing lost without a count
    if found:
        assert max(d.level for d in shown) == max(d.level for d in found)
    groups = {d.code for d in found} if per_code else {None}
    for group in groups:
        members = [d for d in kept if per_code is False or d.code == group]
        assert not limit or len(members) <= limit


_RUN_TOGETHER_AS_WRITTEN = r"[a-z]{3}(?:[A-Z]{2}|[A-Z][a-z]{2})|[A-Z]{5}[a-z]{2}"


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="abcXYZ -", max_size=24))
def test_the_run_together_pattern_finds_what_its_plain_form_finds(text: str) -> None:
    """The pattern is written to start at a capital (fast); it finds a run-together
    word in exactly the texts its plain statement does."""
    import re

    from tei_tools.convert.profiles.memorandum.transforms import _RUN_TOGETHER

    plain = re.search(_RUN_TOGETHER_AS_WRITTEN, text)
    assert (_RUN_TOGETHER.search(text) is None) == (plain is None)
