"""Front matter read as fields, and participants in every form: one small case each.

Every case converts a short raw document and reads the result back from the TEI, so
a case passes only when the fact reaches the header (or particDesc) and the body
starts where the narrative does.
"""

from __future__ import annotations

import pytest
from lxml import etree

from tei_tools.convert import convert_bytes
from tei_tools.convert.profiles.memorandum.participants import parse_block
from tests.conftest import NS

NARRATIVE = "Mr. Kohler said that the meeting would take place in the afternoon as planned."


def convert(raw: str) -> etree._Element:
    """A memorandum's front matter, read as one: a fragment may lack its heading."""
    result = convert_bytes(raw.encode("utf-8"), "case.txt", profile="memorandum")
    assert result.tree is not None, result.diagnostics
    return result.tree.getroot()


def xp(root: etree._Element, path: str) -> list[str]:
    found = root.xpath(path, namespaces=NS)
    assert isinstance(found, list)
    return [x if isinstance(x, str) else "".join(x.itertext()) for x in found]


def body_first(root: etree._Element) -> str:
    first = root.find("t:text/t:body/*", NS)
    assert first is not None
    return "".join(first.itertext())


# ------------------------------------------------------------------ date, time, place


@pytest.mark.parametrize(
    ("front", "when", "time", "place"),
    [
        ("November 15, 1956  \n10:30–11:10 a.m.  \nWashington", "1956-11-15", "10:30–11:10 a.m.",
         "Washington"),
        ("June 3, 1961, 3 p.m.  \nVienna", "1961-06-03", "3 p.m.", "Vienna"),
        ("Washington, May 18, 1955", "1955-05-18", None, "Washington"),
        ("November 6, 1962  \n4 to 9:30 P.M.  \nUS Mission, N.Y.", "1962-11-06", "4 to 9:30 P.M.",
         "US Mission, N.Y."),
        ("MEMORANDUM OF CONVERSATIONMarch 15, 1956  \nLondon", "1956-03-15", None, "London"),
        ("MEMORANDUM OF CONVERSATIONDRAFTJanuary 13, 1956, 10 a.m.  \nAnkara", "1956-01-13",
         "10 a.m.", "Ankara"),
        ("November 15, 1956\n\n12–12:50 p.m.\n\nCamp David", "1956-11-15", "12–12:50 p.m.",
         "Camp David"),
        ("Place: Geneva\n\nTime: 4 p.m.\n\nDate: May 3, 1961", "1961-05-03", "4 p.m.", "Geneva"),
        ("Memorandum of Conversation\n\nSept. 5, 1961, 4:00 PM  \nBonn", "1961-09-05",
         "4:00 PM", "Bonn"),
    ],
    ids=["lines", "date-time", "place-date", "range-to", "run-together", "draft-time",
         "own-blocks", "labelled", "abbreviated"],
)  # fmt: skip
def test_date_time_and_place_lines_in_any_form(front, when, time, place):
    root = convert(f"**12345**\n\n{front}\n\nSUBJECT: Berlin\n\n{NARRATIVE}\n")
    assert when in xp(root, "//t:sourceDesc//t:date/@when")
    assert xp(root, "//t:sourceDesc//t:note[@type='time']") == ([time] if time else [])
    assert xp(root, "//t:sourceDesc//t:note[@type='place']") == [place]
    assert body_first(root).startswith("Mr. Kohler said")


def test_fields_in_any_order_with_an_unknown_block_between_them_stay_in_front():
    raw = (
        "SUBJECT: Cyprus\n\nDrafted by Wood\n\nSome note the reader does not know\n\n"
        "PARTICIPANTS: Mr. Kohler\n\nREVIEWED by HE/JS DATE 1/16/86\n\n"
        "Copy 2 of 5 copies\n\n" + NARRATIVE + "\n"
    )
    root = convert(raw)
    assert xp(root, "//t:front/t:ab/@type") == [
        "subject", "drafter", "front", "participants", "stamp", "copy",
    ]  # fmt: skip
    assert xp(root, "//t:titleStmt/t:respStmt/t:persName") == ["Wood"]
    assert xp(root, "//t:keywords/t:term") == ["Cyprus"]
    assert body_first(root).startswith("Mr. Kohler said")


def test_a_classification_mark_above_the_heading_is_front_matter_and_a_header_fact():
    root = convert("~~SECRET~~\n\n**123**\n\nMEMORANDUM OF CONVERSATION\n\n" + NARRATIVE)
    assert xp(root, "//t:front/t:ab/@type") == ["classification", "docNumber", "heading"]
    assert xp(root, "//t:sourceDesc//t:note[@type='classification']") == ["SECRET"]


def test_caption_lines_after_the_stamps_start_the_body_and_stand_alone():
    raw = (
        "PARTICIPANTS: Mr. Kohler\n\nDECLASSIFIED  \nAuthority NND 953822\n\n"
        "US/MC/1\n\nPRESIDENT’S TRIP TO EUROPE\n\nAugust–September 1959\n\n" + NARRATIVE + "\n"
    )
    root = convert(raw)
    assert xp(root, "//t:body/t:p") [:3] == [
        "US/MC/1", "PRESIDENT’S TRIP TO EUROPE", "August–September 1959",
    ]  # fmt: skip


def test_a_label_alone_takes_the_next_block_as_its_value():
    raw = "COPIES TO:\n\nIS/FPC/ICDR\n\nPARTICIPANTS:\n\nMr. Kohler  \nMr. Tyler\n\n" + NARRATIVE
    root = convert(raw)
    assert xp(root, "//t:front/t:ab/@type") == ["label", "copies-to", "label", "participants"]
    assert xp(root, "//t:particDesc//t:person/@xml:id") == ["kohler", "tyler"]


# ------------------------------------------------------------------ participants


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["US - Ambassador Stevenson", "Mr. AkalovskyUSSR- Mr. Kuznetsov"],
         [("Ambassador Stevenson", "Stevenson", None, [], "US"),
          ("Mr. Akalovsky", "Akalovsky", None, [], "US"),
          ("Mr. Kuznetsov", "Kuznetsov", None, [], "USSR")]),
        (["Treasury:", "Mr. Willis", "State:", "EUR—Mr. Kohler", "Mr. Tyler—EUR"],
         [("Mr. Willis", "Willis", None, ["Treasury"], None),
          ("Mr. Kohler", "Kohler", None, ["State", "EUR"], None),
          ("Mr. Tyler", "Tyler", None, ["State", "EUR"], None)]),
        (["Robert Murphy, G", "Mr. Andrew N. Overby—Assistant Secretary"],
         [("Robert Murphy", "Murphy", None, ["G"], None),
          ("Mr. Andrew N. Overby", "Overby", "Assistant Secretary", [], None)]),
        (["Secretary Hodges, Mr. Behrman and Mr. George (Commerce)"],
         [("Secretary Hodges", "Hodges", None, ["Commerce"], None),
          ("Mr. Behrman", "Behrman", None, ["Commerce"], None),
          ("Mr. George", "George", None, ["Commerce"], None)]),
        (["The President", "The Under Secretary of State"],
         [("The President", "", None, [], None),
          ("The Under Secretary of State", "", None, [], None)]),
        (["Great Britain:", "Sir Harold Caccia, British Ambassador", "Mr. D.A. Greenhill"],
         [("Sir Harold Caccia", "Caccia", "British Ambassador", ["Great Britain"], None),
          ("Mr. D.A. Greenhill", "Greenhill", None, ["Great Britain"], None)]),
        (["M. de Leusse", "President De Gaulle", "Mr. Charles E. Bohlen"],
         [("M. de Leusse", "de Leusse", None, [], None),
          ("President De Gaulle", "De Gaulle", None, [], None),
          ("Mr. Charles E. Bohlen", "Bohlen", None, [], None)]),
        (["Federal Republic of Germany", "Chancellor Adenauer"],
         [("Chancellor Adenauer", "Adenauer", None, ["Federal Republic of Germany"], None)]),
        (["Konrad Adenauer, Chancellor of the German", "Federal Republic"],
         [("Konrad Adenauer", "Adenauer", "Chancellor of the German Federal Republic", [],
           None)]),
        (["Wilhelm G. Grewe, German Ambassador The Secretary"],
         [("Wilhelm G. Grewe", "Grewe", "German Ambassador", [], None),
          ("The Secretary", "", None, [], None)]),
        # two offices joined by "and" are one person's, and a newspaper is nobody
        (["Mr. J. Russell Wiggins, Vice President and Executive Editor, The Washington Post"],
         [("Mr. J. Russell Wiggins", "Wiggins", "Vice President and Executive Editor",
           ["The Washington Post"], None)]),
        # an office for a portfolio is the role of the name before it, not a person
        (["Mr. Robertson, Assistant Secretary for Far Eastern Affairs",
          "Lt. General Brent Scowcroft, Assistant to the President for National Security Affairs"],
         [("Mr. Robertson", "Robertson", "Assistant Secretary for Far Eastern Affairs", [], None),
          ("Lt. General Brent Scowcroft", "Scowcroft",
           "Assistant to the President for National Security Affairs", [], None)]),
        (["Mr. H. Struve Hensel—Assistant Secretary, International Security Affairs"],
         [("Mr. H. Struve Hensel", "Hensel", "Assistant Secretary",
           ["International Security Affairs"], None)]),
        # the same office run on into the next name: still the role of the name before
        (["Canada",
          "Mr. Howard Green, Secretary of State for External Affairs Mr. H. B. Robinson, "
          "Prime Minister’s", "Private Secretary"],
         [("Mr. Howard Green", "Green", "Secretary of State for External Affairs", ["Canada"],
           None),
          ("Mr. H. B. Robinson", "Robinson", "Prime Minister’s Private Secretary", ["Canada"],
           None)]),
        # an office with a portfolio before a surname; "The" and a name that is no title
        (["Minister of Foreign Affairs Gromyko", "Assistant Secretary for European Affairs Tyler",
          "The Shah", "The Aga Khan"],
         [("Minister of Foreign Affairs Gromyko", "Gromyko", None, [], None),
          ("Assistant Secretary for European Affairs Tyler", "Tyler", None, [], None),
          ("The Shah", "Shah", None, [], None),
          ("The Aga Khan", "Khan", None, [], None)]),
        # the office first, the name after its comma; a compass point begins a place
        (["North Vietnam", "Foreign Minister Ung van Kiem", "Burma",
          "Under Secy. for Foreign Affairs, James Barrington"],
         [("Foreign Minister Ung van Kiem", "van Kiem", None, ["North Vietnam"], None),
          ("James Barrington", "Barrington", "Under Secy. for Foreign Affairs", ["Burma"],
           None)]),
        (["Nationalist China", "Madame Chiang Kai-shek",
          "Mr. Franc Primozic, Chargé d’Affaires, Yugoslav Embassy"],
         [("Madame Chiang Kai-shek", "Kai-shek", None, ["Nationalist China"], None),
          ("Mr. Franc Primozic", "Primozic", "Chargé d’Affaires", ["Nationalist China",
           "Yugoslav Embassy"], None)]),
        (["Burma", "Under Secy. for Foreign Affairs, James Barrington"],
         [("James Barrington", "Barrington", "Under Secy. for Foreign Affairs", ["Burma"],
           None)]),
    ],
    ids=["sides", "groups-and-codes", "code-and-role", "several-on-a-line", "offices",
         "group-title-initials", "particles", "country-group", "broken-role", "run-on",
         "two-offices", "portfolio", "portfolio-organisation", "portfolio-run-on",
         "portfolio-surname", "place-and-office-first", "place-and-charge", "office-first"],
)  # fmt: skip
def test_participant_forms(lines, expected):
    entries = [e for line in parse_block(lines) for e in line.entries]
    got = [(e.text, e.surname, e.role, e.affiliation, e.side) for e in entries]
    assert got == expected


def test_qualifiers_stay_out_of_the_name():
    entries = [e for line in parse_block(["Amb. Thompson (part-time)"]) for e in line.entries]
    assert [(e.text, e.qualifier) for e in entries] == [("Amb. Thompson", "part-time")]


def test_participants_become_persons_with_ids_roles_and_groups():
    raw = (
        "PARTICIPANTS: The Secretary  \nSir Harold Caccia, British Ambassador  \n"
        "President Eisenhower  \nMajor Eisenhower  \nMr. Weber (interpreter)\n\n" + NARRATIVE
    )
    root = convert(raw)
    assert xp(root, "//t:particDesc//t:person/@xml:id") == [
        "the-secretary", "caccia", "eisenhower", "eisenhower-major", "weber",
    ]  # fmt: skip
    assert xp(root, "//t:person[@xml:id='caccia']/t:occupation") == ["British Ambassador"]
    assert xp(root, "//t:person[@xml:id='weber']/t:note[@type='qualifier']") == ["interpreter"]


# ------------------------------------------------------------------ names and speakers


def test_mentions_link_by_surname_title_given_name_role_and_misspelling():
    raw = (
        "PARTICIPANTS: Prime Minister Harold Macmillan  \nAmbassador Sir Harold Caccia  \n"
        "The Secretary\n\n"
        "The Prime Minister said that the talks were useful and should go on next week.\n\n"
        "Sir Harold added that London agreed with the Prime Minister on every point.\n\n"
        "The Secretary replied that Macmilan and Caccia had been most helpful to him.\n"
    )
    root = convert(raw)
    said = root.xpath("//t:body/t:p/t:said", namespaces=NS)
    assert [s.get("who") for s in said] == ["#macmillan", "#caccia", "#the-secretary"]
    refs = [(p.text, p.get("ref")) for p in root.xpath("//t:body//t:persName", namespaces=NS)]
    assert refs == [
        ("The Prime Minister", "#macmillan"),
        ("Sir Harold", "#caccia"),
        ("the Prime Minister", "#macmillan"),
        ("The Secretary", "#the-secretary"),
        ("Macmilan", "#macmillan"),
        ("Caccia", "#caccia"),
    ]


def test_an_office_two_participants_hold_names_nobody():
    raw = (
        "PARTICIPANTS: Ambassador Stevenson  \nAmbassador Yost\n\n"
        "The Ambassador said that the matter could wait until the next meeting.\n"
    )
    root = convert(raw)
    assert xp(root, "//t:body//t:persName") == []
    assert xp(root, "//t:body//t:said/@who") == []


# ------------------------------------------------------------------ page furniture


@pytest.mark.parametrize(
    "raw",
    [
        "SECRET\n\n- 2 -\n\n-3-\n\nCONFIDENTIAL\n\n- 4 -\n\nDECLASSIFIED\nAuthority NND 12345\n",
        "MEMORANDUM OF CONVERSATION\n\n- 2 -\n\nSUBJECT: Cuba\n\n-3-\n\n- 4 -\n",
    ],
)
def test_a_page_number_is_never_front_matter(raw):
    root = convert(raw)
    assert xp(root, "//t:front//text()[contains(., '-')]") == []
    assert xp(root, "//t:body/t:pb/@n") == ["2", "3", "4"]
    assert xp(root, "//t:body/t:fw[@type='pageNum']") == ["- 2 -", "-3-", "- 4 -"]
