"""Exporters: golden files for the seeds in every view, white space at element
boundaries, TEI from elsewhere, the raw round trip, the collection index."""

from __future__ import annotations

import copy
import difflib
import re

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from lxml import etree, html

from tei_tools.cli import cli
from tei_tools.convert import convert_bytes, convert_text
from tei_tools.convert.people_file import load_people
from tei_tools.export import export
from tei_tools.export.raw import normalize_raw

from .conftest import ENCODED, ENCODED_DOCS, RAW, ROOT, SEEDS, is_subsequence, non_space
from .test_conservation import _DOCS

GOLDEN = ROOT / "tests" / "golden" / "export"
ACTUAL = ROOT / "tests" / "_actual"
FOREIGN = sorted((ROOT / "tests" / "fixtures" / "foreign").glob("*.xml"))
TEI = "http://www.tei-c.org/ns/1.0"
VARIANTS = [
    ("text", "reading", "reading.txt"),
    ("text", "diplomatic", "diplomatic.txt"),
    ("html", "reading", "reading.html"),
    ("html", "diplomatic", "diplomatic.html"),
    ("raw", "reading", "raw.txt"),
]


def tei(body: str) -> etree._Element:
    return etree.fromstring(
        f'<TEI xmlns="{TEI}"><teiHeader/><text><body>{body}</body></text></TEI>'
    )


def text(body: str, view: str = "reading") -> str:
    out, _ = export(tei(body), "text", view=view)
    return out


@pytest.mark.parametrize(("fmt", "view", "suffix"), VARIANTS, ids=[v[2] for v in VARIANTS])
@pytest.mark.parametrize("xml", ENCODED_DOCS, ids=lambda p: p.stem)
def test_golden_exports(xml, fmt, view, suffix):
    actual, diagnostics = export(etree.parse(str(xml)).getroot(), fmt, view=view)
    assert diagnostics == []
    golden = GOLDEN / f"{xml.stem}.{suffix}"
    expected = golden.read_text(encoding="utf-8") if golden.exists() else ""
    if actual != expected:
        ACTUAL.mkdir(exist_ok=True)
        (ACTUAL / golden.name).write_text(actual, encoding="utf-8")
        diff = "".join(
            difflib.unified_diff(
                expected.splitlines(True), actual.splitlines(True), str(golden), "export", n=1
            )
        )
        pytest.fail(
            f"{golden.name} differs:\n{diff[:5000]}\nAccept the new output with:\n"
            f"  tei-tools export encoded/{xml.name} --to {fmt} --view {view} "
            f"-o tests/golden/export/{golden.name}"
        )


# --- white space at element boundaries ----------------------------------------------------


@pytest.mark.parametrize(
    ("body", "reading", "diplomatic"),
    [
        (
            "<p>replied <del>that</del> that the</p>",
            "replied that the",
            "replied [-that-] that the",
        ),
        ("<p>word<del>x</del>word</p>", "wordword", "word[-x-]word"),
        (
            "<p>the <subst><del>in</del><add>at</add></subst> hand</p>",
            "the at hand",
            "the [-in-]{+at+} hand",
        ),
        (
            "<p><subst><add>nevertheless</add><del>however</del></subst>, he</p>",
            "nevertheless, he",
            "{+nevertheless+}[-however-], he",
        ),
        ("<p>a <hi rend='bold'>b</hi> c<hi>d</hi>e</p>", "a b cde", "a b cde"),
        (
            "<p>to <persName>Mr.\n  Kuznetsov</persName>, who</p>",
            "to Mr. Kuznetsov, who",
            "to Mr. Kuznetsov, who",
        ),
        (
            "<p>over<pc force='weak'>-</pc><lb break='no'/>flights</p>",
            "overflights",
            "over-\nflights",
        ),
        ("<p>one<lb/>two</p>", "one\ntwo", "one\ntwo"),
        ("<p>a <gap reason='redacted'/> b</p>", "a [redacted] b", "a [redacted] b"),
        (
            "<p>a <del rend='overtyped'><gap reason='illegible' quantity='3'/></del> b</p>",
            "a b",
            "a [-xxx-] b",
        ),
        ("<p>at <add>the</add>end</p>", "at theend", "at {+the+}end"),
        ("<p>  lead and trail  </p>", "lead and trail", "lead and trail"),
    ],
)
def test_white_space_at_element_boundaries(body, reading, diplomatic):
    assert text(body, "reading") == reading + "\n"
    assert text(body, "diplomatic") == diplomatic + "\n"


def test_page_furniture_in_each_view():
    body = (
        "<p>before the page<fw type='classification'><del>SECRET</del></fw>"
        "<pb n='2'/><fw type='pageNum'>- 2 -</fw> after it</p>"
    )
    assert text(body, "reading") == "before the page after it\n"
    marked, _ = export(tei(body), "text", page_markers=True)
    assert marked == "before the page [p. 2] after it\n"
    assert text(body, "diplomatic") == "before the page\n\n[-SECRET-]\n\n- 2 -\n\nafter it\n"
    # with no printed number the diplomatic view says where the page starts, once
    assert text("<p>a</p><pb n='3'/><p>b</p>", "diplomatic") == "a\n\n[page 3]\n\nb\n"


def test_wrapping():
    out, _ = export(tei("<p>" + "word " * 30 + "</p>"), "text", width=40)
    assert max(len(line) for line in out.splitlines()) <= 40


def test_reading_view_adds_no_quotation_marks_to_indirect_speech():
    body = '<p><said direct="false" who="#k">He said it.</said></p>'
    assert text(body) == "He said it.\n"


# --- TEI from elsewhere -----------------------------------------------------------------------


def words(value: str) -> list[str]:
    return re.findall(r"\w+", value)


@pytest.mark.parametrize("fixture", FOREIGN, ids=lambda p: p.stem)
def test_foreign_tei_exports_without_loss(fixture):
    root = etree.parse(str(fixture)).getroot()
    body_words = words(" ".join(root.find(f"{{{TEI}}}text").itertext()))
    diplomatic, found = export(root, "text", view="diplomatic")
    reading, _ = export(root, "text", view="reading")
    page, _ = export(root, "html", view="diplomatic")
    dom_words = words(" ".join(html.fromstring(page).find(".//main").itertext()))
    # every word is in the page (both views are there) and in one of the two text views
    both_texts = words(diplomatic) + words(reading)
    for name, rendered in (("text views", both_texts), ("html", dom_words)):
        missing = [w for w in set(body_words) if w not in rendered]
        assert not missing, f"{name} lost {missing}"
    # the reading view shows corrections and lemmata instead of errors and variants
    assert "quick" in reading and "quikc" not in reading and "Doctor" in reading
    assert "quikc" in diplomatic and "color" in diplomatic
    # an element no exporter knows is reported once, with its text kept
    assert [d.code for d in found] == ["E001"]
    assert "wrapper" in diplomatic


def test_html_escapes_markup_from_the_text():
    root = tei(
        "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; <ref target='javascript:x()'>"
        "link</ref> <ref target='https://example.org/'>ok</ref></p>"
    )
    page, _ = export(root, "html")
    assert "<script>" not in page and "&lt;script&gt;alert(1)" in page
    assert "javascript:" not in page
    assert 'href="https://example.org/"' in page


def test_html_is_self_contained():
    page, _ = export(etree.parse(str(ENCODED_DOCS[0])).getroot(), "html")
    doc = html.fromstring(page)
    assert doc.get("lang") == "en"
    assert not doc.xpath("//script | //link | //img | //iframe | //object | //*[@src]")
    assert not re.search(r"url\(|@import", "".join(doc.xpath("//style/text()")))


# --- raw round trip ---------------------------------------------------------------------------


@pytest.mark.parametrize("raw", SEEDS, ids=lambda p: p.stem)
def test_raw_round_trip_of_the_seeds(raw):
    people, _ = load_people(RAW / "people.toml")
    result = convert_bytes(raw.read_bytes(), raw.name, people)
    back, _ = export(result.tree.getroot(), "raw")
    original = raw.read_text(encoding="utf-8")
    assert normalize_raw(back) == normalize_raw(original)
    # and the lines themselves mostly come back verbatim, indentation aside
    kept = {line.strip() for line in back.splitlines()}
    lines = [line.strip() for line in original.splitlines() if line.strip()]
    verbatim = sum(1 for line in lines if line in kept)
    assert verbatim / len(lines) > 0.9


def test_a_rendering_the_raw_format_cannot_say_is_reported_not_misread():
    tei = (
        '<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>vom 8<hi rend="superscript">'
        't</hi> May, H<hi rend="subscript">2</hi>O, <hi rend="bold">so</hi></p></body></text></TEI>'
    )
    back, diags = export(etree.fromstring(tei), "raw")
    assert back.strip() == "vom 8t May, H2O, **so**"
    assert [(d.code, d.message) for d in diags] == [
        (
            "E006",
            '<hi rend="superscript"> has no notation in the raw format; its text is kept '
            "without it",
        ),
        (
            "E006",
            '<hi rend="subscript"> has no notation in the raw format; its text is kept without it',
        ),
    ]


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(_DOCS)
@example(raw="\ufeff word\n")  # a byte-order mark opening a file is no text (C003)
def test_raw_round_trip_of_generated_text(raw):
    result = convert_text(raw, "generated.txt")
    if not result.ok:
        return
    back, _ = export(result.tree.getroot(), "raw")
    assert normalize_raw(back) == normalize_raw(raw.removeprefix("\ufeff"))
    again = convert_text(back, "again.txt")  # the exported raw converts again
    assert again.ok


# --- command line and collection index -----------------------------------------------------


def run(*args, input=None):
    return CliRunner().invoke(cli, ["export", *map(str, args)], input=input, catch_exceptions=False)


def test_export_collection_writes_pages_texts_and_index(tmp_path):
    result = run(*ENCODED_DOCS, "--to", "html", "--out-dir", tmp_path)
    assert result.exit_code == 0, result.output
    stems = sorted(p.stem for p in ENCODED_DOCS)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["index.html"] + [f"{s}.html" for s in stems] + [f"{s}.txt" for s in stems]
    )
    index = html.fromstring((tmp_path / "index.html").read_text())
    rows = index.xpath("//table//tr[td]")
    assert len(rows) == len(stems)
    memcon = next(r for r in rows if "Memorandum" in r.text_content())
    cells = [c.text_content() for c in memcon.xpath("td")]
    assert cells[0] == "6 November 1962" and "Adlai E. Stevenson" in cells[2]
    tree = etree.parse(str(ENCODED / "1962-11-06_stevenson-kuznetsov_memcon.xml"))
    ns = {"t": TEI}
    assert cells[3:6] == [
        str(int(tree.xpath(f"count(//t:text//t:{x})", namespaces=ns)))
        for x in ("del", "add", "gap[@reason='redacted']")
    ]
    assert memcon.xpath(".//a/@href")[-1].endswith(".txt")


def test_export_stdin_to_stdout_and_errors(tmp_path):
    data = (ENCODED / "1962-11-06_stevenson-kuznetsov_memcon.xml").read_text()
    result = run("-", "--to", "text", "--view", "diplomatic", input=data)
    assert result.exit_code == 0 and "[-SECRET-]" in result.stdout
    bad = tmp_path / "bad.xml"
    bad.write_text("<TEI")
    result = run(bad, "--to", "text")
    assert result.exit_code == 1 and "E002" in result.stderr
    assert run(tmp_path / "missing.xml", "--to", "text").exit_code == 2
    assert run(ENCODED, "--to", "text").exit_code == 2  # several inputs, one stdout


def _long_hex(colour: str) -> str:
    return "#" + "".join(ch * 2 for ch in colour[1:]) if len(colour) == 4 else colour


def _luminance(hex_color: str) -> float:
    hex_color = _long_hex(hex_color)
    channels = [int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_html_colours_meet_wcag_aa_contrast():
    css = (ROOT / "tei_tools" / "export" / "style.css").read_text()
    colours = dict(re.findall(r"--(\w+):\s*(#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3})\b", css))
    paper = colours["paper"]
    for name in ("ink", "muted", "del", "add"):
        assert contrast(colours[name], paper) >= 4.5, name
    gap = re.search(r"\.gap \{[^}]*background: (#[0-9a-f]{3,6}); color: (#[0-9a-f]{3,6})", css)
    assert gap is not None
    assert contrast(gap.group(1), gap.group(2)) >= 4.5


# --- any TEI: generated trees of known and unknown elements ------------------------------

_NAMES = [
    "p",
    "ab",
    "div",
    "head",
    "hi",
    "del",
    "add",
    "subst",
    "choice",
    "sic",
    "corr",
    "app",
    "lem",
    "rdg",
    "note",
    "list",
    "item",
    "table",
    "row",
    "cell",
    "figure",
    "figDesc",
    "lg",
    "l",
    "said",
    "persName",
    "fw",
    "seg",
    "q",
    "mystery",
    "foo",
]
_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=6)


@st.composite
def _trees(draw, depth=0):
    el = etree.Element(f"{{{TEI}}}{draw(st.sampled_from(_NAMES))}")
    el.text = draw(st.one_of(st.just(""), _WORD.map(lambda w: w + " ")))
    if depth < 3:
        for child in draw(st.lists(_trees(depth=depth + 1), max_size=3)):
            child.tail = draw(st.one_of(st.just(""), _WORD.map(lambda w: " " + w)))
            el.append(child)
    return el


def _diplomatic_source(body: etree._Element) -> str:
    """The body's characters as the diplomatic view shows them: of a choice's paired
    alternatives, the source's form (sic, abbr, orig) when there is one."""
    shown = copy.deepcopy(body)
    for choice in shown.iter(f"{{{TEI}}}choice"):
        names = {etree.QName(c).localname for c in choice}
        if names & {"sic", "abbr", "orig"}:
            for child in choice:
                if etree.QName(child).localname in ("corr", "expan", "reg"):
                    tail, child.tail = child.tail, None
                    child.clear()
                    child.tail = tail
    return non_space("".join(shown.itertext()))


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(_trees(), min_size=1, max_size=4))
def test_any_tei_exports_without_crash_or_loss(blocks):
    """Every character of the text survives, in order: in the diplomatic text view,
    in the page (which holds both views) and in the raw dialect."""
    root = etree.fromstring(f'<TEI xmlns="{TEI}"><teiHeader/><text><body/></text></TEI>')
    body = root.find(f".//{{{TEI}}}body")
    for block in blocks:
        body.append(block)
    everything = non_space("".join(body.itertext()))
    diplomatic, _ = export(root, "text", view="diplomatic")
    export(root, "text", view="reading")  # must not raise
    page, _ = export(root, "html")
    raw, _ = export(root, "raw")
    assert is_subsequence(_diplomatic_source(body), non_space(diplomatic))
    main = html.fromstring(page).find(".//main")
    assert is_subsequence(everything, non_space("".join(main.itertext())))
    assert is_subsequence(everything, non_space(raw))


def test_supplied_text_in_linked_parts_is_bracketed_once() -> None:
    """A supplied span another tag crossed (two parts, @next/@prev) reads as the one
    span it is: one pair of brackets around all of it."""
    body = (
        '<p><sic>7. Maria <supplied xml:id="a" next="#b">Theresia</supplied></sic>'
        '<supplied xml:id="b" prev="#a">, geb. 4 Stpt.</supplied> 1716. '
        "<supplied>and</supplied></p>"
    )
    assert text(body).strip() == "7. Maria [Theresia, geb. 4 Stpt.] 1716. [and]"


def test_html_marks_the_parts_of_a_split_span_so_it_is_bracketed_once() -> None:
    body = (
        '<p><supplied xml:id="a" next="#b">Maria</supplied> '
        '<supplied xml:id="b" prev="#a">Theresia</supplied></p>'
    )
    out, _ = export(tei(body), "html")
    spans = html.fromstring(out).xpath("//span[contains(@class, 'supplied')]")
    assert [s.get("class") for s in spans] == ["supplied part-before", "supplied part-after"]
    assert ".supplied.part-after::before" in out  # the stylesheet leaves those brackets out
