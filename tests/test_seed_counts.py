"""Seed 003: the counts of each phenomenon agree with the source."""

from __future__ import annotations

import re

from lxml import etree

from .conftest import ENCODED, NS, RAW

MEMCON = "1962-11-06_stevenson-kuznetsov_memcon"


def tree():
    return etree.parse(str(ENCODED / f"{MEMCON}.xml"))


def raw_text():
    return (RAW / f"{MEMCON}.txt").read_text(encoding="utf-8")


def count(xpath):
    return int(tree().xpath(f"count({xpath})", namespaces=NS))


def test_page_numbers_become_pb_and_fw():
    assert count("//t:text//t:pb") == 6
    assert count("//t:text//t:fw[@type='pageNum']") == 6
    assert [pb.get("n") for pb in tree().iterfind(".//t:pb", NS)] == [
        "2",
        "10",
        "19",
        "35",
        "36",
        "38",
    ]


def test_classification_lines():
    assert count("//t:fw[@type='classification']") == 15


def test_redaction():
    assert count("//t:gap[@reason='redacted']") == 1


def test_struck_x_runs_are_overtyped_gaps():
    assert count("//t:del[@rend='overtyped'][t:gap[@reason='illegible']]") == 10
    quantities = sorted(
        int(g.get("quantity")) for g in tree().iterfind(".//t:del[@rend='overtyped']/t:gap", NS)
    )
    raw_runs = sorted(len(m) for m in re.findall(r"~~(x+)~~", raw_text()))
    assert quantities == raw_runs


def test_every_struck_run_and_sup_is_a_del_or_add():
    text = raw_text()
    struck = len(re.findall(r"~~.+?~~", text))
    sups = text.count("<sup>")
    dels = count("//t:text//t:del")
    adds = count("//t:text//t:add")
    assert dels == struck
    assert adds == sups
    # substitutions pair exactly one del with one add
    assert count("//t:subst[count(t:del)=1 and count(t:add)=1 and count(*)=2]") == count(
        "//t:subst"
    )
    assert count("//t:subst") > 20
