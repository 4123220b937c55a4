"""Memoranda of every era: a transcript's speaker labels, participants typed on one
line, peers' titles, and a speaker nobody is declared as never given to another."""

from __future__ import annotations

from lxml import etree

from tei_tools.convert import convert_text

from .conftest import NS

HEAD = """MEMORANDUM OF CONVERSATION

SUBJECT: Africa

PARTICIPANTS: Secretary Kissinger
Ambassador Vance
Mr. Crosland, Foreign Secretary

"""


def converted(body: str, head: str = HEAD) -> tuple[etree._Element, list[str]]:
    result = convert_text(head + body, "memo.txt")
    assert result.tree is not None, [d.format() for d in result.diagnostics]
    return result.tree.getroot(), [d.format() for d in result.diagnostics]


def speakers(root: etree._Element) -> list[str | None]:
    out: list[str | None] = []
    for p in root.iterfind(".//t:body/t:p", NS):
        said = p.find("t:said", NS)
        out.append(None if said is None else said.get("who"))
    return out


def test_a_speakers_label_gives_the_paragraph_to_that_participant() -> None:
    body = (
        "Vance: I saw Mobutu yesterday.\n\nKissinger: What did he say?\n\n"
        "Vacne: He wants money.\n\nKissingger: How much?\n"
    )
    root, _ = converted(body)
    assert speakers(root) == ["#vance", "#kissinger", "#vance", "#kissinger"]
    first = root.find(".//t:body/t:p", NS)
    label = first.find("t:label", NS)
    assert "".join(label.itertext()) == "Vance:"  # the label is set apart from the words
    said = first.find("t:said", NS)
    assert said.get("direct") == "true" and said.text == "I saw Mobutu yesterday."


def test_a_label_naming_nobody_stays_a_label_without_a_speaker() -> None:
    body = "Vance: I saw Mobutu.\n\nKissinger: And?\n\nHabib: He was tired.\n"
    root, diags = converted(body)
    assert speakers(root) == ["#vance", "#kissinger", None]
    assert any("C303" in d and "'Habib'" in d for d in diags)
    last = root.findall(".//t:body/t:p", NS)[-1]
    assert "".join(last.find("t:label", NS).itertext()) == "Habib:"


def test_a_label_in_a_memorandum_that_is_no_transcript_is_not_a_speaker() -> None:
    root, _ = converted("Note: the meeting was short. It ended at noon, as planned.\n")
    assert root.find(".//t:body//t:label", NS) is None


def test_participants_typed_on_one_line_are_split_where_a_person_begins() -> None:
    head = (
        "MEMORANDUM OF CONVERSATION\n\nPARTICIPANTS: UK Foreign Secretary George Brown "
        "Sir Paul Gore-Booth, Permanent Under Secretary, Foreign Office Sir Patrick Dean, "
        "British Ambassador\nUS The Secretary John M. Leddy, Assistant Secretary, EUR "
        "Irving Cheslaw, EUR/BMI\n\n"
    )
    body = "Foreign Secretary Brown said that Britain had lost.\n\nMr. Leddy asked why.\n"
    root, diags = converted(body, head)
    names = [
        "".join(p.find("t:persName", NS).itertext())
        for p in root.iterfind(".//t:particDesc//t:person", NS)
    ]
    assert {"Foreign Secretary George Brown", "Sir Paul Gore-Booth", "Sir Patrick Dean"} <= set(
        names
    )
    assert {"John M. Leddy", "Irving Cheslaw"} <= set(names)
    assert speakers(root) == ["#brown", "#leddy"]
    assert any("C305" in d for d in diags)  # the split is a guess, and said so


def test_a_peer_is_found_by_his_title_and_a_misspelt_short_name() -> None:
    head = "MEMORANDUM OF CONVERSATION\n\nPARTICIPANTS: Viscount Hood, Minister\nMr. Wilcox\n\n"
    body = "Lord Hiod asked when a session could take place. Mr. Wilcox said soon.\n"
    root, _ = converted(body, head)
    assert speakers(root) == ["#hood"]


def test_a_speaker_nobody_is_declared_as_is_never_another_name() -> None:
    head = "MEMORANDUM OF CONVERSATION\n\nPARTICIPANTS: Mr. Wilcox\nMr. Nunley\n\n"
    body = "Lord Xerxes asked when a session could take place. Mr. Wilcox said soon.\n"
    root, diags = converted(body, head)
    assert speakers(root) == [None]
    assert any("C303" in d and "Lord Xerxes" in d for d in diags)


def test_of_several_speakers_named_together_the_first_speaks() -> None:
    head = "MEMORANDUM OF CONVERSATION\n\nPARTICIPANTS: Mr. Dwight\nMr. Wiggins\nMr. Koop\n\n"
    body = "Messrs. Dwight, Wiggins and Koop then said they agreed.\n"
    root, _ = converted(body, head)
    assert speakers(root) == ["#dwight"]
