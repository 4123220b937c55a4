"""A PAGE page's regions in reading order, for pages of many regions: the order is
right, and reaching it costs no comparison between regions (a list searched for each
region made ordering quadratic: 40,000 regions took 26 s)."""

from __future__ import annotations

from lxml import etree

from tei_tools.convert import convert_bytes
from tei_tools.convert.readers.page import in_reading_order

from .test_sources import NS, line, page_xml, region


class Counted:
    """A region that counts how often it is compared."""

    comparisons = 0

    def __init__(self, name: str):
        self.name = name

    def __eq__(self, other: object) -> bool:
        Counted.comparisons += 1
        return self is other

    __hash__ = object.__hash__


def test_reading_order_compares_no_regions() -> None:
    n = 5000
    regions = [Counted(f"r{i}") for i in range(n)]
    ids: list[str | None] = [r.name for r in regions]
    # the second half in reverse by the ReadingOrder, one referred to twice, one
    # reference to no region; the first half by readingOrder indexes, backwards,
    # except r0 and r1, which have none
    refs = [(k, f"r{n - 1 - k}") for k in range(n // 2)] + [(n, f"r{n - 1}"), (0, "gone")]
    indexes: list[int | None] = (
        [None, None] + [n - i for i in range(2, n // 2)] + [None] * (n - n // 2)
    )
    Counted.comparisons = 0
    ordered = in_reading_order(regions, ids, refs, indexes)
    assert Counted.comparisons == 0
    expected = (
        [f"r{n - 1 - k}" for k in range(n // 2)]
        + [f"r{i}" for i in range(n // 2 - 1, 1, -1)]
        + ["r0", "r1"]
    )
    assert [r.name for r in ordered] == expected


def test_a_page_of_many_regions_keeps_its_reading_order() -> None:
    n = 3000
    regions = "".join(region(f"r{i}", line(f"l{i}", f"Line {i}.", 1, i, 9)) for i in range(n))
    order = (
        '<ReadingOrder><OrderedGroup id="g">'
        + "".join(f'<RegionRefIndexed index="{k}" regionRef="r{n - 1 - k}"/>' for k in range(n))
        + "</OrderedGroup></ReadingOrder>"
    )
    result = convert_bytes(page_xml(regions, order=order), "page.xml")
    assert result.ok, [d.format() for d in result.diagnostics[:3]]
    body = etree.fromstring(result.xml()).find(".//t:body", NS)
    assert body is not None
    facs = [p.get("facs") for p in body.iterfind("t:p", NS)]
    assert facs == [f"#page1-r{i}" for i in range(n - 1, -1, -1)]


def test_an_export_folder_is_read_whole_in_natural_order_and_never_out_of_itself(
    tmp_path, monkeypatch
) -> None:
    import io
    import zipfile

    import pytest

    from tei_tools import budgets
    from tei_tools.convert.readers import source_bytes
    from tei_tools.convert.readers.xmlparts import ReadError

    export = tmp_path / "export"
    for name in ("page/10.xml", "page/2.xml", "page/1.XML", ".hidden.xml", "mets.xml", ".xml"):
        (export / name).parent.mkdir(parents=True, exist_ok=True)
        (export / name).write_text(f"<x n='{name}'/>")
    (export / "page" / "image.jpg").write_bytes(b"\xff\xd8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.xml").write_text("<secret/>")
    (export / "linked").symlink_to(outside)  # a linked folder is not entered
    data = source_bytes(export)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        assert archive.read("page/2.xml") == b"<x n='page/2.xml'/>"
    # ".xml" alone is a hidden file of no suffix, as pathlib reads it
    assert names == [".hidden.xml", "mets.xml", "page/1.XML", "page/2.xml", "page/10.xml"]
    assert source_bytes(export) == data  # the same bytes every time

    (export / "page" / "3.xml").symlink_to(outside / "secret.xml")
    with pytest.raises(ReadError, match=r"page/3\.xml is a link out"):
        source_bytes(export)
    (export / "page" / "3.xml").unlink()
    (export / "page" / "3.xml").symlink_to(export / "page" / "2.xml")  # a link inside
    with zipfile.ZipFile(io.BytesIO(source_bytes(export))) as archive:
        assert archive.read("page/3.xml") == b"<x n='page/2.xml'/>"

    from tei_tools.convert.readers import _read_bounded

    with pytest.raises(OSError):  # a link put where a file was is not followed
        _read_bounded(str(export / "page" / "3.xml"), 100, follow=False)
    assert _read_bounded(str(export / "page" / "3.xml"), 100, follow=True)

    monkeypatch.setattr(budgets, "MAX_PART", 18)
    with pytest.raises(ReadError, match=r"\.hidden\.xml is larger than 18 bytes"):
        source_bytes(export)


def test_names_natural_order_ties_are_broken_by_the_name(tmp_path) -> None:
    import io
    import zipfile

    from tei_tools.convert.readers import source_bytes

    for name in ("a01/p.xml", "a1/p.xml"):  # equal as numbers: ordered by the name
        (tmp_path / name).parent.mkdir(parents=True)
        (tmp_path / name).write_text("<x/>")
    with zipfile.ZipFile(io.BytesIO(source_bytes(tmp_path))) as archive:
        assert archive.namelist() == ["a01/p.xml", "a1/p.xml"]


def _words_in_order(order: str, ids: list[str]) -> list[str]:
    regions = "".join(region(rid, line(f"l{rid}", rid.upper(), 200, 200, 800)) for rid in ids)
    result = convert_bytes(page_xml(regions, order=order), "groups.xml")
    assert result.tree is not None, [d.format() for d in result.diagnostics]
    body = result.tree.getroot().find(".//t:body", NS)
    return " ".join(body.itertext()).split()


def test_nested_reading_order_groups_are_read_group_by_group() -> None:
    """Each group's regions together, in the group's place: an index counts within its
    group (sorting every index of the page at once put the margin between the main
    text's regions)."""
    kraken = (
        "<ReadingOrder><UnorderedGroup id='top'>"
        "<OrderedGroup id='main'><RegionRefIndexed regionRef='r1' index='0'/>"
        "<RegionRefIndexed regionRef='r2' index='1'/></OrderedGroup>"
        "<OrderedGroup id='margin'><RegionRefIndexed regionRef='r3' index='0'/></OrderedGroup>"
        "</UnorderedGroup></ReadingOrder>"
    )
    assert _words_in_order(kraken, ["r1", "r2", "r3"]) == ["R1", "R2", "R3"]
    nested = (  # an ordered group whose second member is a group, listed first
        "<ReadingOrder><OrderedGroup id='top'>"
        "<OrderedGroupIndexed id='g' index='1'><RegionRefIndexed regionRef='r4' index='1'/>"
        "<RegionRefIndexed regionRef='r3' index='0'/></OrderedGroupIndexed>"
        "<RegionRefIndexed regionRef='r2' index='0'/>"
        "<UnorderedGroupIndexed id='u' index='2'><RegionRef regionRef='r1'/>"
        "</UnorderedGroupIndexed>"
        "</OrderedGroup></ReadingOrder>"
    )
    assert _words_in_order(nested, ["r1", "r2", "r3", "r4"]) == ["R2", "R3", "R4", "R1"]


def test_a_page_is_numbered_as_its_page_number_region_prints_it() -> None:
    """pb/@n is the number the page prints (its page-number region), so that the
    converter's output agrees with itself (R009); else its place in the export."""
    printed = region("n", line("ln", "- 79 -", 1000, 100, 1200), kind="page-number")
    text = region("t", line("lt", "Words of the page.", 200, 300, 1800))
    for number, expected in (("- 79 -", "79"), ("xii.", "xii"), ("79 and more", "1")):
        data = page_xml(printed.replace("- 79 -", number) + text)
        result = convert_bytes(data, "numbered.xml")
        assert result.tree is not None
        pb = result.tree.getroot().find(".//t:pb", NS)
        assert pb is not None and pb.get("n") == expected, number
