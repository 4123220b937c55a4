"""Names: one lexicon, one tokenizer, one identity decision, the same in every stage
(participants, the people file, linking, the header, the collection's persons)."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner
from hypothesis import example, given, settings
from hypothesis import strategies as st
from lxml import etree

from tei_tools.cli import cli
from tei_tools.collection.persons import merge
from tei_tools.convert import convert_bytes
from tei_tools.convert.model import Person
from tei_tools.names.identity import parts, same_name

from .conftest import NS


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("M. A. Menshikov", "M.A. Menshikov", True),  # initials with and without spaces
        ("M.A. Menshikov", "Mikhail A. Menshikov", True),
        ("M. Menshikov", "Mikhail A. Menshikov", True),  # "M." alone: Monsieur
        ("V.V. Kuznetsov", "Vasily V. Kuznetsov", True),
        ("Kuznetsov", "Vasily V. Kuznetsov", True),
        ("Sir Harold Caccia", "Caccia", True),  # titles are not names
        ("Ambassador Zorin", "V. A. Zorin", True),
        ("Couve de Murville", "Maurice Couve de Murville", True),  # particles
        ("M. Couve de Murville", "Maurice Couve de Murville", True),
        ("John Smith", "Adam Smith", False),
        ("John Smith", "Jim Smith", False),
        ("M. A. Menshikov", "N. A. Menshikov", False),
        ("Couve de Murville", "Murville", False),
    ],
)
def test_one_identity_decision(a, b, same):
    assert same_name(a, b) is same
    assert same_name(b, a) is same


def test_initials_and_particles_are_parts_of_the_name():
    assert parts("M.A. Menshikov") == (("M.", "A."), "menshikov")
    assert parts("M. A. Menshikov") == (("M.", "A."), "menshikov")
    assert parts("Mr. W. Averell Harriman") == (("W.", "Averell"), "harriman")
    assert parts("Maurice Couve de Murville") == (("Maurice",), "couvedemurville")


DIARY = """From the diary of M. A. Menshikov

MEMORANDUM OF CONVERSATION

PARTICIPANTS:
Mr. Kohler, Deputy Assistant Secretary
M.A. Menshikov, Soviet Ambassador

M.A. Menshikov said that the Soviet Government had studied the proposal carefully.

Mr. Kohler replied that the United States would consider the reply.
"""


def _ids(raw: str, people: list[Person]) -> list[str]:
    result = convert_bytes(raw.encode(), "diary.txt", people)
    assert result.tree is not None
    return [
        p.get("{http://www.w3.org/XML/1998/namespace}id")
        for p in result.tree.getroot().iterfind(".//t:particDesc//t:person", NS)
    ]


@pytest.mark.parametrize("declared", [False, True])
def test_the_diarist_and_the_participant_are_one_person(declared):
    people = [Person("menshikov", "Mikhail A. Menshikov")] if declared else []
    assert sorted(_ids(DIARY, people)) == ["kohler", "menshikov"]


def test_a_name_split_by_a_page_break_is_still_the_participant():
    raw = (
        "MEMORANDUM OF CONVERSATION\n\nPARTICIPANTS:\nMr. Kohler\nV. A. Zorin, Soviet "
        "Representative\n\nThe meeting began at noon and Mr. Kohler spoke first about the "
        "proposal of Ambassador\n\n- 2 -\n\nZorin, who then said that he agreed.\n"
    )
    result = convert_bytes(raw.encode(), "split.txt")
    assert result.tree is not None
    root = result.tree.getroot()
    refs = [n.get("ref") for n in root.iterfind(".//t:body//t:persName", NS)]
    assert refs == ["#kohler", "#zorin"]
    assert sorted(_ids(raw, [])) == ["kohler", "zorin"]


def test_the_collection_lists_one_person_for_two_spellings():
    summaries = [
        ("a", {"persons": [{"id": "menshikov", "name": "M. A. Menshikov", "participant": True}]}),
        (
            "b",
            {"persons": [{"id": "menshikov", "name": "Mikhail A. Menshikov", "participant": True}]},
        ),
        ("c", {"persons": [{"id": "menshikov", "name": "Nikolai Menshikov", "participant": True}]}),
    ]
    persons = merge(summaries)
    assert [(p.id, p.name, [d for d, _ in p.documents]) for p in persons] == [
        ("menshikov", "Mikhail A. Menshikov", ["a", "b"]),
        ("menshikov-2", "Nikolai Menshikov", ["c"]),
    ]


def test_a_built_collection_lists_menshikov_once(tmp_path):
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "diary.txt").write_text(DIARY)
    (tmp_path / "raw" / "other.txt").write_text(DIARY.replace("M.A. Menshikov", "M. A. Menshikov"))
    (tmp_path / "raw" / "people.toml").write_text(
        '[[person]]\nid = "menshikov"\nname = "Mikhail A. Menshikov"\n'
    )
    result = CliRunner().invoke(cli, ["build", str(tmp_path), "-j", "1"])
    assert result.exit_code == 0, result.output
    tree = etree.parse(str(tmp_path / "encoded" / "persons.xml"))
    names = [n.text for n in tree.iterfind(".//t:person/t:persName", NS)]
    assert sorted(names) == ["Mikhail A. Menshikov", "Mr. Kohler"]


def test_nameparsers_words_are_cached_and_a_broken_cache_is_read_afresh(tmp_path, monkeypatch):
    from tei_tools.names import lexicon

    monkeypatch.setenv("TEI_TOOLS_CACHE_DIR", str(tmp_path))
    words = lexicon._nameparser_words()
    from nameparser.config import CONSTANTS

    assert set(words["titles"]) == set(CONSTANTS.titles)
    (cached,) = (tmp_path / "nameparser").glob("*.json")
    assert lexicon._nameparser_words() == words  # read back from the cache
    cached.write_text("{not json")
    assert lexicon._nameparser_words() == words  # refused, made again
    assert "titles" in cached.read_text()


def test_importing_the_lexicon_touches_no_file(tmp_path):
    """The user's cache is read when a name is first looked at, not on import (the
    site and the validator import the package without reading names)."""
    import subprocess
    import sys

    env = {**os.environ, "TEI_TOOLS_CACHE_DIR": str(tmp_path)}
    code = "import tei_tools.names.lexicon, tei_tools.convert.profiles.memorandum.participants"
    subprocess.run([sys.executable, "-c", code], check=True, env=env)
    assert list(tmp_path.iterdir()) == []
    code += "; print(tei_tools.names.lexicon.is_title('Ambassador'))"
    done = subprocess.run([sys.executable, "-c", code], check=True, env=env, capture_output=True)
    assert done.stdout.strip() == b"True" and list(tmp_path.iterdir())


def test_a_misspelling_among_too_many_close_forms_is_nobodys() -> None:
    """More than CROWDED declared forms within reach of a word: it is read as no one's
    misspelling, whatever order the close forms are met in."""
    from tei_tools.convert.people import CROWDED, Registry

    few = Registry()
    few.add(Person("kuznetsov", "Vasily Kuznetsov"))
    assert few.resolve("Kuznetsof") == ("kuznetsov", False)
    for count, found in ((CROWDED, "k0"), (CROWDED + 1, None)):
        registry = Registry()
        for i in range(count):  # Kuznetsova, Kuznetsovb, …: within two edits of the word
            registry.add(Person(f"k{i}", f"A. Kuznetsov{chr(ord('a') + i % 26)}{i // 26 or ''}"))
        assert registry.resolve("Kuznetsov")[0] == found


# The name patterns as first written, with a leading "\b": the rewritten ones (which
# start at a capital, for speed) must find exactly what these find
_PLAIN_BEFORE_VERB = (
    r"\b([A-Z][A-Za-z'’]{4,})(?=,?(?:\s*\([^()]{0,80}\))?\s+(?:then\s+|also\s+)?"
    r"(?:said|asked|replied|noted|stated|observed|inquired|added|agreed|remarked|commented|"
    r"continued|explained|pointed|wondered|summarized|stressed|suggested)\b)"
)
_PLAIN_LONG_CAPWORD = (
    r"\b(?:Mc|Mac)?[A-Z][a-z]{5,}(?:-[A-Z]?[a-z]+)?\b|\b[A-Z][a-z]*-[A-Z]?[a-z]+\b"
)
_NAME_PIECES = [
    "Mc", "Mac", "M", "c", "ac", "Donald", "Namara", "Kissinger", "K", "ov", "-", "Smith",
    "said", " said", " also ", "asked", " (", ")", ",", " ", "\n", "é", "Ö", "_", "1", "'", "’",
    "then", "abcdef", "Zorlu", "x",
]  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(
    st.one_of(
        st.lists(st.sampled_from(_NAME_PIECES), max_size=14).map("".join),
        st.text(alphabet="MacDnlSmithK -,()’'é_1\n", max_size=30),
    )
)
@example("McNamara said")
@example("MacDonald-Smith asked")
@example("xMcNamara éKissinger Kissinger")
def test_the_name_patterns_find_what_their_plain_forms_find(text: str) -> None:
    import re

    from tei_tools.convert.people import _BEFORE_VERB, _LONG_CAPWORD

    for fast, plain in ((_BEFORE_VERB, _PLAIN_BEFORE_VERB), (_LONG_CAPWORD, _PLAIN_LONG_CAPWORD)):
        expected = [(m.span(), m.groups()) for m in re.finditer(plain, text)]
        assert [(m.span(), m.groups()) for m in fast.finditer(text)] == expected


_WORDISH = st.text(alphabet="abMTt'’-. _é1", min_size=1, max_size=4)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(_WORDISH, min_size=1, max_size=4),
    st.lists(st.sampled_from(["ab", "M", "Tt", "The ", "the ", "'", "-", " ", ".", "é", "_", "1"])),
)
@example(["Mr.", "Secretary"], ["xSecretary Secretary", " Mr. "])
@example(["'t"], ["a", "'t", " ", "'t"])  # a word that starts with no word character
def test_a_word_start_alternation_matches_where_a_leading_boundary_does(
    words: list[str], pieces: list[str]
) -> None:
    import re

    from tei_tools.convert.people import at_word_start

    text = "".join(pieces)
    plain = rf"\b(?:{'|'.join(re.escape(w) for w in words)})"
    fast = re.compile(f"(?:{at_word_start(words)})")
    assert [m.span() for m in fast.finditer(text)] == [m.span() for m in re.finditer(plain, text)]
    # the office pattern's article, written the same way
    the = re.compile(r"[Tt](?<!\w[Tt])he ")
    assert [m.span() for m in the.finditer(text)] == [
        m.span() for m in re.finditer(r"\b[Tt]he ", text)
    ]


def _body_names(raw: str) -> list[str]:
    """The text of every persName in the body of ``raw`` converted."""
    result = convert_bytes(raw.encode(), "names.txt")
    assert result.tree is not None
    body = result.tree.getroot().find(".//t:body", NS)
    return ["".join(n.itertext()) for n in body.iterfind(".//t:persName", NS)]


_PARTICLED = (
    "MEMORANDUM OF CONVERSATION\n\nPARTICIPANTS:\nMr. Kohler\n\nMr. Kohler said that "
    "General De Gaulle would come, that Minister Von Brentano agreed with the President du "
    "Conseil, that Ambassador Van der Berg was away and that Mr. and Mrs. Smith were not. "
    "General De would not say more.\n"
)


def test_a_name_after_a_title_keeps_its_particles_and_surname():
    """ "General De Gaulle" is one name: the particle is not the surname."""
    names = _body_names(_PARTICLED)
    assert names == [
        "Mr. Kohler",
        "General De Gaulle",
        "Minister Von Brentano",  # "President du Conseil" is an office: lower case is no name
        "Ambassador Van der Berg",
        "Mrs. Smith",  # "and" is no particle: "Mr." names nobody here
        "General De",  # no surname follows: the word after the title, as before
    ]


def test_an_institution_after_a_title_word_is_not_a_person():
    """ "General Assembly" is the UN's, not a general's: nothing invented."""
    raw = (
        "MEMORANDUM OF CONVERSATION\n\nPARTICIPANTS:\nMr. Kohler\n\nMr. Kohler said the "
        "General Assembly would meet, that the General Staff and the General Situation "
        "were as before, and that the Under Secretary Foreign and Commonwealth Office "
        "agreed with General Norstad.\n"
    )
    names = _body_names(raw)
    assert names == ["Mr. Kohler", "General Norstad"]


def test_a_name_is_not_widened_past_the_end_of_a_sentence_or_a_clause():
    """ "the United States. Mr. Adenauer": "States" may be a title word, but the full
    stop ends the sentence before the name; a comma ends a clause."""
    raw = (
        "MEMORANDUM OF CONVERSATION\n\nPARTICIPANTS:\nChancellor Adenauer\nMr. Kosygin\n\n"
        "It is a word used in the United States. Mr. Adenauer stated that he would leave "
        "the United States, Mr. Kosygin replied that he agreed, and Dr. K. Adenauer "
        "laughed. He spoke for the U.S. Mr. Kosygin spoke for the Army. Mr. Adenauer "
        "smiled.\n"
    )
    names = _body_names(raw)
    assert names == [
        *("Mr. Adenauer", "Mr. Kosygin", "Dr. K. Adenauer"),
        *("Mr. Kosygin", "Mr. Adenauer"),  # "the U.S." and "the Army." end the sentence
    ]
