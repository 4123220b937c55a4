"""Conservation: every non-markup character of the raw input appears, in order, in
<text>, and nothing appears there that the input did not have."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from tei_tools.convert import convert_text

from .conftest import SEEDS, is_subsequence, non_space, projection

# Markup of the raw format, removed independently of the converter's own parser.
_MARKUP = re.compile(r"~~|</?sup>|\*\*|\*|^- (?=\d+\) )|<(?=https?:)|(?<=\S)>(?=\s|$)", re.M)
_SOURCE_NOTE = re.compile(r"^\[(Source:.*)\]$", re.M)
MARKUP_CHARS = set("~*<>[]-") | set("sup/") | {"\\"}  # and the escape's backslash


def strip_markup(raw: str) -> str:
    return _MARKUP.sub("", _SOURCE_NOTE.sub(r"\1", raw))


@pytest.mark.parametrize("raw", SEEDS, ids=lambda p: p.stem)
def test_seed_text_is_conserved_exactly(raw):
    text = raw.read_text(encoding="utf-8")
    result = convert_text(text, raw.name)
    assert result.ok
    assert non_space(projection(result.tree.getroot())) == non_space(strip_markup(text))


_TOKENS = st.sampled_from(
    [
        "word",
        "Mr. Kuznetsov said",
        "He observed that",
        "~~",
        "~~that~~",
        "<sup>at</sup>",
        "<sup>",
        "</sup>",
        "**",
        "*had*",
        "*",
        "[REDACTED]",
        "xxx",
        "~~x~~",
        "/",
        "- ",
        "-",
        "over- flights",
        "<foo>",
        "<https://example.org/a>",
        "SECRET",
        "~~SECRET~~",
        "- 2 -",
        "[Source: x]",
        "( ) RELEASE",
        "PARTICIPANTS: US - Mr. Yost",
        "Ambassador Zed",
        "é",
        "\u00a0",
        "&",
        "<",
        ">",
        '"',
        "'",
        "]]>",
        "\t",
        "1962/11/06",
        "October 6, 1962",
        "\x0b",
    ]
)
_TEXT = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=8)
_LINES = st.lists(st.one_of(_TOKENS, _TEXT), max_size=12).map(" ".join)
_DOCS = st.lists(
    st.tuples(_LINES, st.sampled_from(["\n", "\n\n", "  \n"])), min_size=1, max_size=10
).map(lambda parts: "".join(a + b for a, b in parts))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_DOCS)
def test_conversion_never_raises_and_conserves_text(raw):
    result = convert_text(raw, "generated.txt")  # must not raise, whatever the input
    if not result.ok:
        assert any(d.level.name == "ERROR" for d in result.diagnostics)
        return
    root = etree.fromstring(result.xml())  # well-formed
    actual = non_space(projection(root))
    if any(d.code == "C003" for d in result.diagnostics):  # a byte-order mark, said removed
        raw = raw.removeprefix("\ufeff")
    source = non_space(raw)
    # nothing invented: every character of <text> comes from the input, in order
    assert is_subsequence(actual, source)
    # nothing lost: whatever the converter did not keep is markup
    dropped = _dropped(source, actual)
    assert set(dropped) <= MARKUP_CHARS, dropped
    # and no letter or digit is lost: only the tag names of <sup> are markup
    letters = [c for c in re.sub(r"</?sup>", "", raw) if c.isalnum()]
    assert is_subsequence("".join(letters), "".join(c for c in actual if c.isalnum()))


def _dropped(source: str, actual: str) -> list[str]:
    """Characters of ``source`` left over after greedily matching ``actual`` in order."""
    out, i = [], 0
    for c in source:
        if i < len(actual) and actual[i] == c:
            i += 1
        else:
            out.append(c)
    return out


# Front matter and participants blocks: the stages that read fields and entries.
_FRONT_FIELDS = st.sampled_from(
    [
        "MEMORANDUM OF CONVERSATION",
        "SECRET",
        "Top Secret",
        "DRAFT",
        "November 6, 1962",
        "Oct. 29, 1962, 4 p.m.",
        "DATE: 29 October 1962",
        "SUBJECT: Cuba",
        "Subject:",
        "PLACE: New York",
        "[Source: FRUS]",
        "Summary:",
        "Original Language: Russian",
        "From the diary of M. A. Menshikov",
        "Washington, November 6, 1962",
    ]
)
_ENTRY_PIECES = st.sampled_from(
    [
        "Mr. Kohler, Deputy Secretary",
        ",",
        ";",
        ":",
        "(",
        ")",
        "()",
        "US:",
        "USSR -",
        "U.S. Side:",
        "Mr.",
        "Ambassador",
        "Secretary of State",
        "and",
        "And other advisors",
        "Italy",
        "Treasury:",
        "Mr. Behrman and Mr. George (Commerce)",
        "Sir Harold Caccia, British Ambassador",
        "M.A. Menshikov",
        "V. V. Kuznetsov, First Deputy Minister",
        "- Mr. Yost",
        "The Secretary",
        "of the",
        "NATO",
        "International Staff",
        "é",
        "~~Mr. Ball~~",
        "<sup>Mr. Rusk</sup>",
    ]
)
_ENTRY_LINES = st.lists(st.one_of(_ENTRY_PIECES, _TEXT), min_size=1, max_size=4).map(" ".join)
_PARTICIPANTS = st.tuples(
    st.sampled_from(["PARTICIPANTS:", "Participants:", "PRESENT:", "Present were:"]),
    st.lists(_ENTRY_LINES, min_size=1, max_size=5),
).map(lambda t: "\n".join([f"{t[0]} {t[1][0]}", *t[1][1:]]))
_FRONT_DOCS = st.tuples(
    st.lists(_FRONT_FIELDS, max_size=6),
    st.lists(_PARTICIPANTS, max_size=2),
    st.lists(_LINES, max_size=3),
).map(lambda t: "\n\n".join([*t[0], *t[1], *t[2]]) or "x")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_FRONT_DOCS)
def test_front_matter_and_participants_never_raise_and_conserve_text(raw):
    test_conversion_never_raises_and_conserves_text.hypothesis.inner_test(raw)
