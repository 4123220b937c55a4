"""RELAX NG simplified in process (validate/pruned/simplify.py): the grammar it writes
accepts exactly what the grammar it reads accepts (libxml2 on both is the oracle here;
tests/test_rng_pruned.py holds it to jing's verdicts on tei_all), names and datatypes
resolved as the specification's simplification resolves them, and a grammar it does not
cover is left to jing."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from tei_tools.validate import pruned
from tei_tools.validate.pruned.prune import _R
from tei_tools.validate.pruned.simplify import covers, simplified_for

TEI_ALL = Path(__file__).resolve().parents[2] / "shared" / "tei-p5" / "tei_all.rng"

# Names and values resolved by inheritance, a prefixed attribute, an attribute with no
# pattern, a value in an attribute (its ns inherited from the grammar: §4.8 gives the
# attribute's name, not the attribute, its empty ns), defines that are not one element
# (inlined), optional and repeated groups, a name class, data with a facet and an
# except, a list.
GRAMMAR = b"""<grammar xmlns="http://relaxng.org/ns/structure/1.0"
    xmlns:a="http://relaxng.org/ns/compatibility/annotations/1.0"
    xmlns:x="urn:x" ns="urn:doc"
    datatypeLibrary="http://www.w3.org/2001/XMLSchema-datatypes">
  <a:documentation>an annotation, dropped</a:documentation>
  <start><ref name="doc"/></start>
  <define name="doc">
    <element name="doc">
      <ref name="common"/>
      <zeroOrMore>
        <choice><ref name="item"/><ref name="note"/><ref name="any"/></choice>
      </zeroOrMore>
    </element>
  </define>
  <define name="common">
    <optional><attribute name="xml:lang"/></optional>
    <optional>
      <attribute name="x:flag"><choice><value>yes</value><value>no</value></choice></attribute>
    </optional>
    <optional>
      <attribute name="kind" a:defaultValue="plain"><ref name="word"/></attribute>
    </optional>
    <optional><empty/><attribute name="extra"/></optional>
  </define>
  <define name="word">
    <data type="token">
      <param name="pattern">[a-z]+</param><except><value>bad</value></except>
    </data>
  </define>
  <define name="item">
    <element name="item">
      <ref name="common"/>
      <optional><attribute name="n"><data type="integer"/></attribute></optional>
      <optional>
        <attribute name="refs"><list><oneOrMore><data type="NCName"/></oneOrMore></list></attribute>
      </optional>
      <mixed><zeroOrMore><ref name="item"/></zeroOrMore></mixed>
    </element>
  </define>
  <define name="note">
    <element><name>note</name><group><empty/><text/></group></element>
  </define>
  <define name="any">
    <element><nsName ns="urn:other"><except><name ns="urn:other">no</name></except></nsName>
      <zeroOrMore><attribute><anyName/></attribute></zeroOrMore><text/></element>
  </define>
</grammar>"""

DOCS = {
    "plain": '<doc xmlns="urn:doc"/>',
    "items": '<doc xmlns="urn:doc"><item n="3">a<item/>b</item><note>t</note></doc>',
    "xml:lang": '<doc xmlns="urn:doc" xml:lang="en"/>',
    "flag": '<doc xmlns="urn:doc" xmlns:x="urn:x" x:flag="yes"/>',
    "bad flag": '<doc xmlns="urn:doc" xmlns:x="urn:x" x:flag="maybe"/>',
    "flag unqualified": '<doc xmlns="urn:doc" flag="yes"/>',
    "kind": '<doc xmlns="urn:doc" kind="abc"/>',
    "kind excepted": '<doc xmlns="urn:doc" kind="bad"/>',
    "kind pattern": '<doc xmlns="urn:doc" kind="ABC"/>',
    "n not a number": '<doc xmlns="urn:doc"><item n="x"/></doc>',
    "refs": '<doc xmlns="urn:doc"><item refs="a b c"/></doc>',
    "refs bad": '<doc xmlns="urn:doc"><item refs="a 1b"/></doc>',
    "note with child": '<doc xmlns="urn:doc"><note><item/></note></doc>',
    "other ns": '<doc xmlns="urn:doc"><o:e xmlns:o="urn:other" any="1">t</o:e></doc>',
    "other ns excepted": '<doc xmlns="urn:doc"><o:no xmlns:o="urn:other"/></doc>',
    "no namespace": "<doc/>",
    "item in no namespace": '<doc xmlns="urn:doc"><item xmlns=""/></doc>',
    "unknown attribute": '<doc xmlns="urn:doc" other="1"/>',
    "extra": '<doc xmlns="urn:doc" extra="1"/>',
}


def verdicts(grammar: bytes) -> dict[str, bool]:
    schema = etree.RelaxNG(etree.fromstring(grammar))
    return {name: schema.validate(etree.fromstring(doc)) for name, doc in DOCS.items()}


def test_the_simplified_grammar_accepts_exactly_what_the_grammar_accepts():
    whole = simplified_for(etree.fromstring(GRAMMAR), {"doc", "item", "note"})
    assert whole is not None
    expected = verdicts(GRAMMAR)
    assert verdicts(whole) == expected
    assert 5 < sum(expected.values()) < len(DOCS) - 5  # both kinds tested


def test_names_datatypes_and_defaults_are_resolved_as_simplification_resolves_them():
    root = etree.fromstring(simplified_for(etree.fromstring(GRAMMAR), {"doc", "item", "note"}))
    attributes = {(a.get("name"), a.get("ns")) for a in root.iter(f"{_R}attribute")}
    assert attributes >= {
        ("lang", "http://www.w3.org/XML/1998/namespace"),
        ("flag", "urn:x"),
        ("kind", ""),  # an attribute's name is in no namespace unless it says so
        ("n", ""),
    }
    assert {(e.get("name"), e.get("ns")) for e in root.iter(f"{_R}element")} >= {
        ("doc", "urn:doc"),
        ("item", "urn:doc"),
    }
    names = [(n.text, n.get("ns")) for n in root.iter(f"{_R}name")]
    assert names == [("note", "urn:doc"), ("no", "urn:other")]
    values = {
        (v.text, v.get("type"), v.get("datatypeLibrary"), v.get("ns"))
        for v in root.iter(f"{_R}value")
    }
    assert ("yes", "token", "", "urn:doc") in values  # a value without a type is a token
    library = "http://www.w3.org/2001/XMLSchema-datatypes"
    assert {d.get("datatypeLibrary") for d in root.iter(f"{_R}data")} == {library}
    lang = next(a for a in root.iter(f"{_R}attribute") if a.get("name") == "lang")
    assert [c.tag for c in lang] == [f"{_R}text"]  # an attribute with no pattern: text
    assert not root.xpath("//*[namespace-uri() != $r]", r=_R[1:-1])  # annotations dropped
    # each define is one element; the others are inlined where they are referred to
    assert all(len(d) == 1 for d in root.iter(f"{_R}define"))
    assert {r.get("name") for r in root.iter(f"{_R}ref")} <= {"doc", "item", "note", "any"}


def test_an_element_the_documents_lack_is_not_allowed_and_its_content_not_written():
    root = etree.fromstring(simplified_for(etree.fromstring(GRAMMAR), {"doc"}))
    item = root.find(f"{_R}define[@name='item']")
    assert [c.tag for c in item] == [f"{_R}notAllowed"]
    assert verdicts(etree.tostring(root))["plain"]
    assert not verdicts(etree.tostring(root))["items"]  # narrower, never wider


@pytest.mark.parametrize(
    "change",
    [
        ("<start>", '<include href="other.rng"/><start>'),
        ('<define name="word">', '<define name="word" combine="choice">'),
        ('<define name="note">', '<div/><define name="note">'),
        ('<ref name="word"/>', '<externalRef href="w.rng"/>'),
        ('<ref name="word"/>', "<grammar><start><empty/></start></grammar>"),
        ('<ref name="word"/>', '<ref name="undefined"/>'),
        (  # a define that refers to itself through no element
            '<define name="word">',
            '<define name="loop"><choice><ref name="loop"/><empty/></choice></define>'
            '<define name="word"><ref name="loop"/>',
        ),
        ('name="x:flag"', 'name="y:flag"'),  # a prefix never declared
        # what the text of a value, a param or a name would lose (jing reads it whole)
        ("<value>yes</value>", "<value>y<!-- a comment -->es</value>"),
        ("[a-z]+</param>", "[a-z]<?pi?>+</param>"),
        # a grammar RELAX NG refuses, in a define no document here needs
        ('<element name="item">', '<element name="item" bogus="1">'),
        ("<mixed>", "stray text<mixed>"),
        ("<optional><empty/>", "<optional/><optional><empty/>"),
        (
            '<define name="note">',
            '<define name="unused"><element name="u"><ref name="nowhere"/></element></define>'
            '<define name="note">',
        ),
        (
            '<define name="note">',
            '<define name="unused"><element name="u"><attribute name="a">'
            '<element name="z"><empty/></element></attribute></element></define>'
            '<define name="note">',
        ),
        (
            '<define name="note">',
            '<define name="unused"><element name="u"><optional><attribute name="a"/>'
            '</optional><ref name="twice"/></element></define>'
            '<define name="twice"><attribute name="a"/></define><define name="note">',
        ),
    ],
)
def test_a_grammar_outside_what_is_covered_is_left_to_jing(change):
    old, new = change
    grammar = GRAMMAR.decode().replace(old, new, 1)
    assert grammar != GRAMMAR.decode()
    assert simplified_for(etree.fromstring(grammar.encode()), {"doc", "item", "note"}) is None


def test_defines_nested_past_the_stack_are_left_to_jing_not_a_crash():
    chain = "".join(
        f'<define name="d{i}"><optional><attribute name="a{i}"/></optional>'
        f'<ref name="d{i + 1}"/></define>'
        for i in range(5000)
    )
    grammar = (
        f'<grammar xmlns="{_R[1:-1]}"><start><element name="x"><ref name="d0"/></element>'
        f'</start>{chain}<define name="d5000"><empty/></define></grammar>'
    )
    assert simplified_for(etree.fromstring(grammar), {"x"}) is None


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "<item/>",
                '<item n="7"/>',
                '<item n="x"/>',
                "<note>t</note>",
                "<note><item/></note>",
                '<item kind="ok">t<item refs="a b"/></item>',
                '<item refs="1"/>',
                '<o:e xmlns:o="urn:other" q="1"/>',
                '<o:no xmlns:o="urn:other"/>',
                '<item xmlns:x="urn:x" x:flag="no"/>',
                '<item xmlns:x="urn:x" x:flag="nope"/>',
                "text",
            ]
        ),
        max_size=6,
    ),
    st.sets(st.sampled_from(["item", "note"])),
)
def test_on_any_document_pruned_names_never_widen_and_kept_ones_agree(children, names):
    doc = etree.fromstring(f'<doc xmlns="urn:doc">{"".join(children)}</doc>')
    original = etree.RelaxNG(etree.fromstring(GRAMMAR)).validate(doc)
    narrowed = simplified_for(etree.fromstring(GRAMMAR), {"doc", *names})
    assert narrowed is not None
    ours = etree.RelaxNG(etree.fromstring(narrowed)).validate(doc)
    assert not ours or original  # never accepts what the grammar refuses
    if names == {"item", "note"}:
        assert ours == original


def test_tei_all_is_covered_and_simplified_as_jing_simplifies_it():
    if not TEI_ALL.is_file():
        pytest.skip(f"tei_all.rng is not at {TEI_ALL}")
    root = etree.parse(str(TEI_ALL)).getroot()
    assert covers(root)
    names = {"TEI", "teiHeader", "fileDesc", "titleStmt", "title", "publicationStmt", "p"}
    names |= {"sourceDesc", "text", "body", "div", "head", "hi", "lb", "pb"}
    whole = simplified_for(root, names)
    assert whole is not None
    grammar = etree.fromstring(whole)
    elements = {e.get("name") for e in grammar.iter(f"{_R}element") if e.get("name")}
    assert names <= elements
    scanned = pruned.Scanned(
        b'<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>'
        b"<title>t</title></titleStmt><publicationStmt><p>p</p></publicationStmt>"
        b"<sourceDesc><p>s</p></sourceDesc></fileDesc></teiHeader><text><body>"
        b'<div><head>h</head><p rend="x">a<lb/>b<hi rend="i">c</hi><pb n="2"/></p></div>'
        b"</body></text></TEI>"
    )
    small = pruned.prune(whole, scanned.attributes_of)
    schema = etree.RelaxNG(etree.fromstring(small))
    doc = etree.fromstring(
        b'<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt>'
        b"<title>t</title></titleStmt><publicationStmt><p>p</p></publicationStmt>"
        b"<sourceDesc><p>s</p></sourceDesc></fileDesc></teiHeader><text><body>"
        b'<div><head>h</head><p rend="x">a<lb/>b<hi rend="i">c</hi><pb n="2"/></p></div>'
        b"</body></text></TEI>"
    )
    assert schema.validate(doc)
    doc.find(".//{*}hi").set("rend", "")  # teidata.word's pattern refuses it
    assert not schema.validate(doc)


def test_a_covered_grammar_starts_no_jing_simplification(monkeypatch, tmp_path):
    if not TEI_ALL.is_file():
        pytest.skip(f"tei_all.rng is not at {TEI_ALL}")
    from tei_tools.validate.relaxng import JingSchema

    started: list[str] = []
    monkeypatch.setattr(pruned, "simplify_ahead", lambda key, *a, **k: started.append(key))
    monkeypatch.setenv("TEI_TOOLS_CACHE_DIR", str(tmp_path))
    schema = JingSchema(TEI_ALL, ["jing"], cache=False)
    assert schema.grammar is not None and started == []
    other = tmp_path / "div.rng"
    other.write_bytes(GRAMMAR.replace(b'<define name="note">', b'<div/><define name="note">'))
    assert JingSchema(other, ["jing"], cache=False).grammar is None
    assert len(started) == 1  # jing simplifies what is not covered, ahead


def test_a_grammar_with_entities_is_left_to_jing():
    grammar = (
        '<!DOCTYPE grammar [<!ENTITY v "xyz">]><grammar xmlns="' + _R[1:-1] + '">'
        '<start><element name="a"><value>a&v;</value></element></start></grammar>'
    )
    parser = etree.XMLParser(resolve_entities=False)  # as schemas are read
    assert simplified_for(etree.fromstring(grammar.encode(), parser), {"a"}) is None


def test_every_grammar_the_tei_reference_compiles_is_covered():
    compiled = Path(__file__).resolve().parents[2] / "shared" / "tei-p5" / "reference" / "compiled"
    grammars = sorted(compiled.glob("*.rng"))
    if not grammars:
        pytest.skip(f"the TEI reference's compiled schemas are not at {compiled}")
    assert [g.name for g in grammars if not covers(etree.parse(str(g)).getroot())] == []


def test_a_schema_jing_refuses_is_refused_though_the_error_is_in_a_part_no_document_needs(
    tmp_path, monkeypatch
):
    """The grammar is simplified here only where the documents need it: jing checks the
    whole, once, before any verdict (an unknown datatype is not RELAX NG's to know)."""
    from tei_tools.validate import SchemaError, Validator
    from tei_tools.validate.relaxng import jing_command

    if jing_command() is None:
        pytest.skip("jing is not installed (pip install 'tei-tools[rng]')")
    monkeypatch.setenv("TEI_TOOLS_CACHE_DIR", str(tmp_path / "cache"))
    good = GRAMMAR.decode()
    broken = good.replace(
        '<define name="note">',
        '<define name="unused"><element name="u"><data type="notAType"/></element></define>'
        '<define name="note">',
    )
    doc = b'<TEI xmlns="http://www.tei-c.org/ns/1.0"/>'
    for text, refused in ((good, False), (broken, True)):
        grammar = tmp_path / f"{refused}.rng"
        grammar.write_text(text, encoding="utf-8")
        assert covers(etree.fromstring(text.encode()))
        validator = Validator(schema=grammar, select=["S"], schematron=False)
        if refused:
            with pytest.raises(SchemaError, match="notAType"):
                list(validator.iter_errors("doc.xml", doc))
        else:
            list(validator.iter_errors("doc.xml", doc))
    # the check is remembered: the good schema is not checked by jing again
    assert list((tmp_path / "cache" / "rng").glob("*.verified"))
