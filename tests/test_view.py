"""The view of inline nodes as plain text (tei_tools.convert.view): what text it reads,
where its offsets lead back to, and slices that cut containers without losing or
repeating a node."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tei_tools.convert.blocks import raw_blocks
from tei_tools.convert.model import (
    Addition,
    Deletion,
    Emphasis,
    Gap,
    Hyphenation,
    Inline,
    LineBreak,
    Metamark,
    Segment,
    Text,
    pretty,
)
from tei_tools.convert.readers.raw import split_blocks
from tei_tools.convert.view import View, children, text_of
from tei_tools.diagnostics import Diagnostic


def sample() -> list[Inline]:
    """ "The ~~talks~~ <sup>**new** talks</sup> [REDACTED]" with a line end after it."""
    return [
        Text(3, 1, "The "),
        Deletion(3, 5, [Text(3, 7, "talks")], rend="doubleStrikethrough", change="change-1"),
        Text(3, 14, " "),
        Addition(3, 15, [Emphasis(3, 20, [Text(3, 22, "new")]), Text(3, 27, " talks")]),
        Text(3, 39, " "),
        Gap(3, 40, "redacted"),
        LineBreak(3, 50),
        Text(3, 50, "\n"),
        Text(4, 1, "over"),
        Hyphenation(4, 5),
        Text(4, 7, "flights", file="page/0002.xml"),
    ]


def test_the_view_reads_the_typed_characters_without_notation() -> None:
    view = View(sample())
    assert view.text == "The talks new talks [REDACTED]\nover- flights"


def test_offsets_lead_back_to_source_positions() -> None:
    view = View(sample())
    assert view.at(0) == (3, 1, None)
    assert view.at(view.text.index("alks")) == (3, 8, None)
    assert view.at(view.text.index("new")) == (3, 22, None)
    assert view.at(view.text.index("[REDACTED]") + 3) == (3, 40, None)
    assert view.at(view.text.index("flights") + 2) == (4, 9, "page/0002.xml")


def test_a_slice_cuts_containers_and_keeps_their_attributes() -> None:
    view = View(sample())
    start = view.text.index("alks")
    [deletion, space, addition] = view.slice(start, view.text.index(" talks ["))
    assert isinstance(deletion, Deletion)
    assert (deletion.rend, deletion.change) == ("doubleStrikethrough", "change-1")
    assert (deletion.line, deletion.col) == (3, 8)  # where its first character now is
    assert text_of([deletion]) == "alks" and text_of([space]) == " "
    assert isinstance(addition, Addition) and (addition.line, addition.col) == (3, 15)
    assert pretty([addition]) == "Addition place='above'\n  Emphasis rend='bold'\n    Text 'new'"


def test_a_slice_is_a_copy() -> None:
    nodes = sample()
    view = View(nodes)
    part = view.slice(0, len(view))
    part[1].children.append(Text(9, 9, "x"))  # type: ignore[union-attr]
    assert View(nodes).text == view.text


def test_an_atom_goes_with_its_first_character_and_a_line_break_with_its_line_end() -> None:
    view = View(sample())
    inside = view.text.index("REDACTED")
    assert text_of(view.slice(0, inside)).endswith("[REDACTED]")
    assert not any(isinstance(n, Gap) for n in view.slice(inside, len(view)))
    line_end = view.text.index("\n")
    assert not any(isinstance(n, LineBreak) for n in view.slice(0, line_end))
    assert isinstance(view.slice(line_end, len(view))[0], LineBreak)


def test_segments_wrap_the_spans_given() -> None:
    nodes = [Text(1, 1, "Washington, May 18, 1955, 3 p.m.")]
    view = View(nodes)
    out = view.segments([("place", 0, 10), ("time", 26, 32)])
    assert pretty(out) == (
        "Segment kind='place'\n  Text 'Washington'\nText ', May 18, 1955, '\n"
        "Segment kind='time'\n  Text '3 p.m.'"
    )
    assert (out[2].line, out[2].col) == (1, 27)


# -- properties ----------------------------------------------------------------------

_WORDS = st.sampled_from(["a", "bc", "Def ", " ", "\n", "x-y", "SECRET"])


def _leaf() -> st.SearchStrategy[Inline]:
    return st.one_of(
        st.builds(lambda t: Text(1, 1, t), _WORDS),
        st.just(Gap(1, 1, "redacted")),
        st.builds(lambda n: Gap(1, 1, "illegible", n), st.integers(1, 4)),
        st.just(LineBreak(1, 1)),
        st.just(Metamark(1, 1)),
        st.just(Hyphenation(1, 1)),
    )


def _tree(depth: int) -> st.SearchStrategy[Inline]:
    if depth == 0:
        return _leaf()
    kids = st.lists(_tree(depth - 1), min_size=1, max_size=4)
    return st.one_of(
        _leaf(),
        st.builds(lambda c: Deletion(1, 1, c, rend="overtyped", change="c1"), kids),
        st.builds(lambda c: Addition(1, 1, c, place="below"), kids),
        st.builds(lambda c: Emphasis(1, 1, c, rend="underline"), kids),
    )


NODES = st.lists(_tree(3), max_size=8)


def _signature(nodes: list[Inline], around: tuple[str, ...] = ()) -> list[tuple[object, ...]]:
    """Each character with the containers it is in, and each atom once: equal for any
    two node lists that differ only in where texts and containers are cut."""
    out: list[tuple[object, ...]] = []
    for node in nodes:
        inner = children(node)
        if isinstance(node, Text):
            out += [(ch, around) for ch in node.text]
        elif inner is None:
            out.append((pretty(node), around))
        else:
            label = pretty(node).split("\n")[0].strip()
            out += _signature(inner, (*around, label))
    return out


@settings(max_examples=300, deadline=None)
@given(NODES, st.lists(st.floats(0, 1), max_size=6))
def test_the_slices_of_a_partition_give_back_the_nodes(
    nodes: list[Inline], cuts: list[float]
) -> None:
    view = View(nodes)
    offsets = sorted({round(c * len(view)) for c in cuts} | {0, len(view)})
    parts: list[Inline] = []
    for start, end in itertools.pairwise(offsets):
        parts += view.slice(start, end)
    if len(offsets) == 1:
        parts = view.slice(0, 0)
    assert text_of(parts) == view.text
    assert _signature(parts) == _signature(nodes)


@settings(max_examples=300, deadline=None)
@given(NODES, st.floats(0, 1), st.floats(0, 1))
def test_a_slice_reads_the_text_between_its_offsets(
    nodes: list[Inline], a: float, b: float
) -> None:
    """Cut where no atom of several characters stands, a slice's text is exactly the
    text between its offsets."""
    view = View(nodes)
    wide = [
        (offset, offset + len(text_of([leaf])))
        for offset, leaf in view.leaves
        if not isinstance(leaf, Text) and text_of([leaf])
    ]
    start, end = sorted((round(a * len(view)), round(b * len(view))))
    if any(lo < cut < hi for lo, hi in wide for cut in (start, end)):
        return
    assert text_of(view.slice(start, end)) == view.text[start:end]


@settings(max_examples=200, deadline=None)
@given(NODES, st.floats(0, 1))
def test_every_offset_has_a_position(nodes: list[Inline], a: float) -> None:
    view = View(nodes)
    line, col, _ = view.at(round(a * len(view)))
    assert (line, col) >= (0, 0)


def test_a_segment_keeps_the_file_of_its_text() -> None:
    view = View([Text(7, 3, "Geneva", file="page/0001.xml")])
    [segment] = view.segments([("place", 0, 6)])
    assert isinstance(segment, Segment) and segment.file == "page/0001.xml"
    assert isinstance(segment.children[0], Text) and segment.children[0].file == "page/0001.xml"


def test_a_raw_block_is_parsed_once_and_read_by_lines() -> None:
    diags: list[Diagnostic] = []
    text = "Date: ~~May~~ <sup>June</sup> 3, 1961  \n  Place: Geneva\n"
    [block] = raw_blocks(split_blocks(text), "x.txt", diags)
    assert block.line_texts == ["Date: May June 3, 1961", "Place: Geneva"]
    assert block.text == "Date: May June 3, 1961 Place: Geneva"
    assert block.marked(*block.spans[0]) and not block.marked(*block.spans[1])
    head, rest = block.part(0, 1), block.part(1, 2)
    assert pretty(head.nodes) == (
        "Text 'Date: '\nDeletion rend='strikethrough'\n  Text 'May'\nText ' '\n"
        "Addition place='above'\n  Text 'June'\nText ' 3, 1961'"
    )  # the hard line break and the line end between them are in neither part
    assert rest.start == (2, 3, None) and pretty(rest.nodes) == "Text 'Place: Geneva'"
    before, after = block.split(block.spans[1][0] + len("Place: "))
    assert after.line_texts == ["Geneva"] and after.start == (2, 10, None)
    assert before.line_texts == ["Date: May June 3, 1961", "Place: "]
    assert not diags


def test_a_block_hands_its_nodes_over_once_and_is_never_cut_after() -> None:
    diags: list[Diagnostic] = []
    [block] = raw_blocks(split_blocks("Talks on ~~May~~ 3.\nThey ended.\n"), "x.txt", diags)
    text = block.text
    nodes = block.take()
    assert nodes is block.nodes  # no copy: the paragraph owns them
    nodes.append(Text(9, 9, " added later"))
    assert block.text == text  # what was read of the block stays as read
    for cut in (block.fresh, block.take, lambda: block.part(0, 1), lambda: block.split(3)):
        with pytest.raises(RuntimeError, match="taken"):
            cut()


def test_nodes_compare_and_print_as_dataclasses_do() -> None:
    """Every node kind shares one ``repr`` and ``==`` (written on Node, not generated per
    class): equal by kind and compared fields, the file not compared, never hashed."""
    import dataclasses

    from tei_tools.convert.model import Escaped, Node

    a, b = Text(1, 2, "a"), Text(1, 2, "a", file="page/2.xml")
    assert a == b and a != Text(1, 2, "b") and a != Escaped(1, 2, "a")
    assert repr(a) == "Text(line=1, col=2, text='a')"
    deletion = Deletion(3, 4, [Text(3, 6, "x")], rend="strikethrough")
    assert deletion == Deletion(3, 4, [Text(3, 6, "x")], rend="strikethrough")
    assert deletion != Deletion(3, 4, [Text(3, 6, "y")], rend="strikethrough")
    for node in (a, deletion):
        with pytest.raises(TypeError):
            hash(node)

    @dataclasses.dataclass
    class Plain:  # what the decorator would have made, for the same fields
        line: int
        col: int
        text: str

    assert repr(a).split("(", 1)[1] == repr(Plain(1, 2, "a")).split("(", 1)[1]
    assert all(not cls.__dict__.get("__eq__") for cls in _node_kinds() if cls is not Node)


def _node_kinds() -> list[type]:
    import tei_tools.convert.model as model

    return [c for c in vars(model).values() if isinstance(c, type) and issubclass(c, model.Node)]
