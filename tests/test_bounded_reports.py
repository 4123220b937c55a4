"""Hostile input stays bounded: a cap on findings per file that counts the rest, a
detailed report only where it is cheap, deep nesting refused in our words. (Their
times are printed by benchmarks/bench_validate.py, not asserted here.)"""

from __future__ import annotations

from tei_tools.diagnostics import Severity
from tei_tools.validate import Validator

HEAD = (
    '<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>t'
    "</title></titleStmt><publicationStmt><p>p</p></publicationStmt><sourceDesc><p>s</p>"
    "</sourceDesc></fileDesc></teiHeader><text><body>"
)
TAIL = "</body></text></TEI>"


def many_attributes(n: int) -> bytes:
    attrs = " ".join(f'a{i}="v"' for i in range(n))
    return f"{HEAD}<p {attrs}>x</p>{TAIL}".encode()


def unknown_elements(n: int) -> bytes:
    return f"{HEAD}<p>{'<zz>x</zz>' * n}</p>{TAIL}".encode()


def test_findings_are_capped_and_the_rest_counted():
    found = list(Validator().iter_errors("a.xml", many_attributes(8000)))
    assert len(found) == 101
    assert found[-1].code == "V007" and found[-1].level is Severity.ERROR
    assert found[-1].message == "7900 more findings in this file are not shown (7900 errors)"


def test_the_schema_counts_what_its_cap_hides():
    found = list(Validator(max_findings=10).iter_errors("a.xml", many_attributes(50)))
    assert [d.code for d in found] == ["S001"] * 10 + ["V007"]
    assert found[-1].message.startswith("40 more findings")


def test_no_cap_shows_everything():
    found = list(Validator(max_findings=0).iter_errors("a.xml", many_attributes(300)))
    assert len([d for d in found if d.code == "S001"]) == 300


def test_unknown_elements_are_reported_at_most_the_cap():
    found = list(Validator().iter_errors("u.xml", unknown_elements(20000)))
    assert len(found) <= 101
    assert found[0].code == "S001" and found[0].hint.startswith("expected one of:")


def test_deep_nesting_is_refused_in_our_words():
    deep = "<hi rend='bold'>" * 300 + "x" + "</hi>" * 300
    found = list(Validator().iter_errors("d.xml", f"{HEAD}<p>{deep}</p>{TAIL}".encode()))
    assert [d.code for d in found] == ["V001"]
    assert "nested more than 256 levels" in found[0].message
    assert "XML_PARSE_HUGE" not in found[0].message
