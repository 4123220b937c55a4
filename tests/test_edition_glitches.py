"""The document page's glitches, each fixed where it arose: the converter when the TEI
was wrong, the exporter when the view was."""

from __future__ import annotations

from lxml import etree

from tei_tools.convert import convert_bytes
from tei_tools.export import export

TEI = "http://www.tei-c.org/ns/1.0"


def tei(front: str = "", body: str = "<p>x</p>", bibl: str = "") -> etree._Element:
    return etree.fromstring(
        f'<TEI xmlns="{TEI}"><teiHeader><fileDesc><titleStmt><title>T</title></titleStmt>'
        f"<publicationStmt><p>p</p></publicationStmt><sourceDesc><bibl>{bibl}</bibl>"
        f"</sourceDesc></fileDesc></teiHeader><text><front>{front}</front><body>{body}</body>"
        "</text></TEI>"
    )


GLUED = (
    '<ab type="heading"><seg type="docType">MEMORANDUM OF CONVERSATION</seg>'
    '<seg type="status">DRAFT</seg><date when="1962-11-06">November 6, 1962</date></ab>'
    '<ab type="participants"><persName ref="#a">Mr. Akalovsky</persName>USSR- Mr. K</ab>'
)


def test_fields_the_typescript_ran_together_are_parted_in_the_reading_text():
    reading, _ = export(tei(GLUED), "text", view="reading")
    assert "MEMORANDUM OF CONVERSATION DRAFT November 6, 1962" in reading
    assert "Mr. Akalovsky USSR- Mr. K" in reading
    diplomatic, _ = export(tei(GLUED), "text", view="diplomatic")
    assert "MEMORANDUM OF CONVERSATIONDRAFTNovember 6, 1962" in diplomatic


def test_fields_the_typescript_ran_together_are_parted_in_the_reading_view_only():
    page, _ = export(tei(GLUED), "html")
    root = etree.HTML(page)
    gaps = root.xpath("//main//span[contains(@class, 'field-gap')]")
    assert len(gaps) == 3
    assert all("read-only" in g.get("class") for g in gaps)  # the diplomatic view hides them


def test_a_possessive_or_a_comma_after_a_name_is_not_parted():
    text, _ = export(
        tei(body="<p><persName>Kuznetsov</persName>'s view, <date>1962</date>, ok</p>"), "text"
    )
    assert "Kuznetsov's view, 1962, ok" in text


LABELLED = (
    '<ab type="label">Summary:</ab><ab type="summary">What was said.</ab>'
    '<ab type="label">Original Language:</ab><ab type="original-language">Russian</ab>'
    '<ab type="label">Dangling:</ab>'
)


def test_a_source_label_and_its_block_are_a_term_and_definition():
    root = etree.HTML(export(tei(LABELLED), "html")[0])
    terms = root.xpath("//main//dl[contains(@class, 'front-field')]/dt")
    assert [t.text for t in terms] == ["Summary:", "Original Language:"]
    assert root.xpath("//main//dl/dd")[0].xpath("string()") == "What was said."
    assert not root.xpath("//main//p[. = 'Summary:']")
    # a label with nothing after it is still shown, as the block it is
    assert root.xpath("//main//p[. = 'Dangling:']")


def test_the_sources_citation_is_shown_once():
    citation = '"A record", October 29, 1962, Wilson Center Digital Archive.'
    root = etree.HTML(
        export(
            tei(
                front=f'<ab type="label">Citation:</ab><ab type="citation">{citation}</ab>',
                bibl=f'<title>T</title><note type="citation">{citation}</note>',
            ),
            "html",
        )[0]
    )
    assert root.xpath("string()").count("Wilson Center Digital Archive") == 1
    # without the front matter's copy, the header shows it
    alone = etree.HTML(export(tei(bibl=f'<note type="citation">{citation}</note>'), "html")[0])
    assert alone.xpath("string()").count("Wilson Center Digital Archive") == 1


def test_a_stray_letter_before_a_classification_mark_stays_on_the_page_not_in_the_header():
    raw = (
        b"MEMORANDUM OF CONVERSATION\n\nA paragraph of text that runs on.\n\n"
        b"S ~~SECRET~~\n\nMore text.\n"
    )
    result = convert_bytes(raw, "memo.txt")
    root = etree.fromstring(result.xml())
    ns = {"t": TEI}
    marks = root.xpath("//t:sourceDesc//t:note[@type='classification']/text()", namespaces=ns)
    assert marks == ["SECRET"]
    fw = root.xpath("//t:fw[@type='classification']", namespaces=ns)
    assert [f.xpath("string()") for f in fw] == ["S SECRET"]
