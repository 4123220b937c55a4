"""The TEI's own Schematron rules, run by tei-tools, against the TEI's reference
pipeline (``../shared/tei-p5/reference``: the TEI Stylesheets' compiled schemas, jing's
verdicts and SchXslt's findings for 247 schema and document pairs)."""

from __future__ import annotations

import functools
import http.server
import json
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from tei_tools.cli import cli
from tei_tools.convert import convert_bytes
from tei_tools.validate import SchemaError, Validator
from tei_tools.validate.loader import Located
from tei_tools.validate.runner import run
from tei_tools.validate.schematron import Schematron
from tei_tools.xmlparse import safe_parser

from .conftest import ENCODED_DOCS, ROOT, skip_unless

SHARED = ROOT.parent / "shared"
REFERENCE = SHARED / "tei-p5" / "reference"
TEI_ALL = SHARED / "tei-p5" / "tei_all.rng"
DEVSET = SHARED / "devset" / "raw"
FRUS = SHARED / "corpora" / "frus"


def expected() -> list[dict]:
    path = REFERENCE / "expected.json"
    return json.loads(path.read_text())["results"] if path.is_file() else []


def pairs_by_schema() -> dict[str, list[dict]]:
    grouped: dict[str, list[dict]] = {}
    for result in expected():
        grouped.setdefault(result["schema"], []).append(result)
    return grouped


def need_reference() -> None:
    skip_unless(REFERENCE.is_dir(), f"the TEI reference oracle is not at {REFERENCE}")


@functools.cache
def compiled_rules(name: str, suffix: str) -> Schematron:
    path = REFERENCE / "compiled" / f"{name}{suffix}"
    data = path.read_bytes()
    return Schematron(
        etree.fromstring(data, safe_parser()),
        Located(str(path), data, etree.ElementTree(etree.fromstring(data, safe_parser()))),
    )


def findings(rules: Schematron, case: str) -> list[tuple[str, str, str, str]]:
    tree = etree.parse(str(REFERENCE / "cases" / case))
    return sorted((f.pattern, f.location, f.text, str(f.severity)) for f in rules.run(tree))


def reference_findings(result: dict) -> list[tuple[str, str, str, str]]:
    return sorted(
        (f["pattern"], f["location"], f["text"], f["severity"])
        for f in result["schematron"]["findings"]
    )


@pytest.mark.parametrize("schema", sorted(pairs_by_schema()) or ["(reference absent)"])
def test_schematron_findings_equal_the_references_on_every_case(schema):
    """Same rules fired on the same nodes with the same messages and severities as
    SchXslt on the TEI Stylesheets' extracted Schematron (``NAME.isosch``)."""
    need_reference()
    rules = compiled_rules(schema, ".isosch")
    for result in pairs_by_schema()[schema]:
        assert findings(rules, result["case"]) == reference_findings(result), result["case"]


# The reference extracts a grammar's constraints for one language (English): tei_lite_fr's
# ODD is French, so its .isosch is empty, while its grammar embeds an English rule.
EMBEDDED_DIFFERS = {("tei_lite_fr", "sch-gloss-list.xml")}


@pytest.mark.parametrize("schema", sorted(pairs_by_schema()) or ["(reference absent)"])
def test_the_rules_a_grammar_embeds_give_the_references_findings(schema):
    """What `validate --schema NAME.rng` runs beside the grammar: the same findings
    (bar pattern ids, which the grammar writes otherwise)."""
    need_reference()
    rules = compiled_rules(schema, ".rng")
    for result in pairs_by_schema()[schema]:
        if (schema, result["case"]) in EMBEDDED_DIFFERS:
            continue
        ours = [f[1:] for f in findings(rules, result["case"])]
        assert ours == [f[1:] for f in reference_findings(result)], result["case"]


# Debian's jing wrapper expands XInclude before validating (the reference's README says
# so); tei-tools, like plain jing, validates the document as written.
XINCLUDE = "xinclude-valid.xml"


@pytest.mark.parametrize("schema", sorted(pairs_by_schema()) or ["(reference absent)"])
def test_verdicts_equal_jings_and_the_schematron_layer_adds_its_findings(schema):
    need_reference()
    validator = Validator(REFERENCE / "compiled" / f"{schema}.rng", max_findings=0, cache=False)
    results = pairs_by_schema()[schema]
    files = [str(REFERENCE / "cases" / r["case"]) for r in results]
    for result, checked in zip(results, run(validator, files, 1), strict=True):
        codes = [d.code for d in checked.diagnostics]
        invalid = "S001" in codes or "V003" in codes  # V003: not TEI at all
        if result["case"] != XINCLUDE:
            assert (not invalid) == result["jing"]["valid"], (result["case"], codes)
        if (schema, result["case"]) not in EMBEDDED_DIFFERS:
            errors = [
                d for d in checked.diagnostics if d.code == "S002" and d.level.name == "ERROR"
            ]
            assert len(errors) == result["schematron"]["errors"], result["case"]


def _tei_all() -> Validator:
    skip_unless(TEI_ALL.is_file(), f"tei_all.rng is not at {TEI_ALL}")
    return Validator(TEI_ALL, max_findings=0)


def test_the_seeds_and_the_devset_output_pass_tei_all_with_its_schematron(tmp_path):
    validator = _tei_all()
    assert any(
        d.code == "S002"
        for d in validator.iter_errors(
            "p.xml",
            b'<TEI xmlns="http://www.tei-c.org/ns/1.0"><teiHeader><fileDesc><titleStmt><title>t'
            b"</title></titleStmt><publicationStmt><p>p</p></publicationStmt><sourceDesc><p>s</p>"
            b"</sourceDesc></fileDesc></teiHeader><text><body><p>a <subst><del>b</del></subst>"
            b"</p></body></text></TEI>",
        )
    ), "the rules are running"
    documents = [(p.name, p.read_bytes()) for p in ENCODED_DOCS]
    skip_unless(DEVSET.is_dir(), f"the devset is not at {DEVSET}")
    for raw in sorted(DEVSET.glob("*.txt")):
        documents.append((raw.name, convert_bytes(raw.read_bytes(), raw.name).xml()))
    assert len(documents) >= 42
    for name, data in documents:
        errors = [d.format() for d in validator.iter_errors(name, data) if d.level.name == "ERROR"]
        assert errors == [], name


def test_the_frus_volumes_pass_tei_all_with_its_schematron():
    validator = _tei_all()
    skip_unless(FRUS.is_dir(), f"the FRUS volumes are not at {FRUS}")
    volumes = sorted(FRUS.glob("*.xml"))
    assert volumes
    for volume in volumes:
        found = list(validator.iter_errors(volume.name, volume.read_bytes()))
        assert [d.format() for d in found if d.code.startswith("S")] == [], volume.name


SCH = "http://purl.oclc.org/dsdl/schematron"


def schematron(tmp_path: Path, body: str, binding: str = "xslt2") -> Path:
    path = tmp_path / "rules.sch"
    path.write_text(
        f'<schema xmlns="{SCH}" queryBinding="{binding}">\n'
        '  <ns prefix="tei" uri="http://www.tei-c.org/ns/1.0"/>\n'
        f"  {body}\n</schema>\n"
    )
    return path


DOC = (
    '<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p n="1">a</p><p>b</p>'
    "</body></text></TEI>"
)


def validate(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["validate", *args])
    return result.exit_code, result.output


def test_roles_become_severities_and_the_finding_names_the_node(tmp_path):
    rules = schematron(
        tmp_path,
        '<pattern id="x"><rule context="tei:p"><assert test="@n" role="warning">'
        '<name/> without @n (text: <value-of select="."/>)</assert>'
        '<report test="@n" role="info">numbered</report></rule></pattern>',
    )
    doc = tmp_path / "doc.xml"
    doc.write_text(DOC)
    code, out = validate("--schema", str(rules), str(doc))
    assert code == 0, out
    assert f"{doc}:1:" in out and "warning S002 p without @n (text: b)" in out
    assert "info S002 numbered" in out
    assert "/Q{http://www.tei-c.org/ns/1.0}TEI[1]/Q{http://www.tei-c.org/ns/1.0}text[1]" in out


@pytest.mark.parametrize(
    ("body", "where", "says"),
    [
        (
            '<pattern><rule context="tei:p"><assert test="@n = ">x</assert></rule></pattern>',
            ":3:",
            "the test '@n = ' is not XPath",
        ),
        (
            '<pattern><rule context="tei:p["><assert test="true()">x</assert></rule></pattern>',
            ":3:",
            "the context",
        ),
        (
            '<pattern><rule context="tei:p"><assert>x</assert></rule></pattern>',
            ":3:",
            "needs @test",
        ),
        ('<pattern><rule context="tei:p"><assert test="1"', ":4:", "cannot read schema"),
    ],
)
def test_a_broken_schematron_is_a_usage_error_with_its_line(tmp_path, body, where, says):
    rules = schematron(tmp_path, body)
    doc = tmp_path / "doc.xml"
    doc.write_text(DOC)
    code, out = validate("--schema", str(rules), str(doc))
    assert code == 2, out
    assert f"{rules}{where}" in out and says in out
    assert "Traceback" not in out


def test_a_rule_that_fails_on_a_document_is_reported_not_raised(tmp_path):
    rules = schematron(
        tmp_path,
        '<pattern id="t"><rule context="tei:p"><assert test="xs:integer(.) gt 0">x</assert>'
        "</rule></pattern>",
    )
    doc = tmp_path / "doc.xml"
    doc.write_text(DOC)
    code, out = validate("--schema", str(rules), str(doc))
    assert code == 1 and "error S003" in out and "tei:p" in out


def test_rules_cannot_read_files_or_the_network(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    rules = schematron(
        tmp_path,
        '<pattern><rule context="tei:p"><report test="true()">'
        f"<value-of select=\"unparsed-text('{secret.as_uri()}')\"/>|"
        f"<value-of select=\"unparsed-text-available('{secret.as_uri()}')\"/>|"
        "<value-of select=\"doc-available('http://127.0.0.1:9/x.xml')\"/></report>"
        "</rule></pattern>",
    )
    doc = tmp_path / "doc.xml"
    doc.write_text(DOC)
    _, out = validate("--schema", str(rules), str(doc))
    assert "TOP SECRET" not in out and "S002 |false|false" in out


def test_no_schematron_checks_the_grammar_alone(tmp_path):
    need_reference()
    skip_unless(TEI_ALL.is_file(), f"tei_all.rng is not at {TEI_ALL}")
    case = REFERENCE / "cases" / "sch-p-in-p.xml"
    code, out = validate("--schema", str(TEI_ALL), str(case))
    assert code == 1 and "S002 Abstract model violation" in out
    code, out = validate("--schema", str(TEI_ALL), "--no-schematron", str(case))
    assert code == 0, out


def with_models(tmp_path: Path, *hrefs: tuple[str, str]) -> Path:
    need_reference()
    text = (REFERENCE / "cases" / "sch-p-in-p.xml").read_text()
    pis = "".join(
        f'<?xml-model href="{href}" type="application/xml" schematypens="{ns}"?>\n'
        for href, ns in hrefs
    )
    body = text.split("?>", 1)[1] if text.startswith("<?xml ") else text
    path = tmp_path / "doc.xml"
    path.write_text(f'<?xml version="1.0" encoding="UTF-8"?>\n{pis}{body.lstrip()}')
    return path


RNG_NS = "http://relaxng.org/ns/structure/1.0"


def test_xml_model_instructions_choose_the_schemas_as_oxygen_does(tmp_path):
    skip_unless(TEI_ALL.is_file(), f"tei_all.rng is not at {TEI_ALL}")
    local = tmp_path / "tei_all.rng"
    local.write_bytes(TEI_ALL.read_bytes())
    doc = with_models(tmp_path, ("tei_all.rng", RNG_NS), ("tei_all.rng", SCH))
    code, out = validate(str(doc))
    assert code == 1 and "S002 Abstract model violation" in out
    only_grammar = with_models(tmp_path, ("tei_all.rng", RNG_NS))
    assert validate(str(only_grammar))[0] == 1  # the grammar's rules run with it
    missing = with_models(tmp_path, ("nowhere.rng", RNG_NS))
    code, out = validate(str(missing))
    assert code == 1 and "V008" in out and "nowhere.rng" in out


def test_a_remote_xml_model_is_fetched_only_when_allowed(tmp_path, monkeypatch):
    skip_unless(TEI_ALL.is_file(), f"tei_all.rng is not at {TEI_ALL}")
    served = tmp_path / "served"
    served.mkdir()
    (served / "tei_all.rng").write_bytes(TEI_ALL.read_bytes())
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(served))
    handler.log_message = lambda *a: None  # type: ignore[method-assign]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/tei_all.rng"
    monkeypatch.setenv("TEI_TOOLS_CACHE_DIR", str(tmp_path / "cache"))
    try:
        doc = with_models(tmp_path, (url, RNG_NS))
        code, out = validate(str(doc))
        assert code == 1 and "V008" in out and "--allow-network" in out
        code, out = validate("--allow-network", str(doc))
        assert code == 1 and "S002 Abstract model violation" in out
        assert list((tmp_path / "cache" / "models").glob("*.rng"))
    finally:
        server.shutdown()
        server.server_close()


def test_a_standalone_xslt1_schematron_still_runs_with_lxml(tmp_path):
    rules = schematron(
        tmp_path,
        '<pattern><rule context="tei:p"><assert test="@n">no n</assert></rule></pattern>',
        binding="xslt",
    )
    doc = tmp_path / "doc.xml"
    doc.write_text(DOC)
    code, out = validate("--schema", str(rules), str(doc))
    assert code == 1 and "S002 no n" in out


def test_a_grammar_without_rules_is_the_grammar_alone():
    need_reference()
    with pytest.raises(SchemaError):
        Validator(REFERENCE / "cases" / "bare-valid.xml")


@pytest.mark.parametrize(
    ("test", "in_libxml2"),
    [
        ("child::tei:add and (child::tei:del or child::tei:surplus)", True),
        ("@a or (@b and not(@c))", True),
        ("(1 div (2)) = 0.5", True),
        ("if (@a) then 1 else 2", False),  # XPath 2 only
        ("tei:x[matches(@n, 'a')]", False),  # a function XPath 1 lacks
        ("@n < 3", False),  # compares as numbers in XPath 1, as strings in 2
    ],
)
def test_tests_xpath_1_reads_alike_run_in_libxml2(test, in_libxml2):
    """A test XPath 1 reads as XPath 2 does runs in libxml2 on the lxml tree, so that a
    document whose rules are all such never pays for elementpath's node tree (an
    operator before a parenthesis is not a function call)."""
    from tei_tools.validate.schematron import _xpath1

    assert (_xpath1(test, {"tei": "http://www.tei-c.org/ns/1.0"}) is not None) is in_libxml2


TEI = "{http://www.tei-c.org/ns/1.0}"


@pytest.mark.parametrize(
    ("context", "needed"),
    [
        ("tei:p", [[{f"{TEI}p"}]]),
        ("tei:p[@rend]", [[{f"{TEI}p"}, {"@rend"}]]),
        ("tei:*[@when]", [[{"@when"}]]),
        ("tei:l//tei:p", [[{f"{TEI}l"}, {f"{TEI}p"}]]),
        ("tei:rt/@target", [[{f"{TEI}rt"}, {"@target"}]]),
        ("tei:a | tei:b", [[{f"{TEI}a"}], [{f"{TEI}b"}]]),
        ("tei:x[@m = 'b' and starts-with(@n, 'a')]", [[{f"{TEI}x"}, {"@m"}, {"@n"}]]),
        ("/*[count(//tei:x) gt 1]", [[{f"{TEI}x"}]]),
        ("tei:x[not(@n)]", [[{f"{TEI}x"}]]),  # not(): nothing more required
        ("tei:x[@a or @b]", [[{f"{TEI}x"}]]),
        # a string test is true of an absent attribute ("" starts with ""): no requirement
        ("tei:x[matches(@t, '^\\s*$')]", [[{f"{TEI}x"}]]),
        ("tei:x[starts-with(@t, '')]", [[{f"{TEI}x"}]]),
        ("tei:x[contains(@t, 'a')]", [[{f"{TEI}x"}, {"@t"}]]),
        ("ancestor::tei:x", None),  # an axis this reader does not know: the rule runs
        ("tei:x[1]/..", None),
    ],
)
def test_the_rule_prefilter_reads_the_contexts_parse_tree(context, needed):
    """A rule is skipped only where its context cannot match: what it needs is read
    from elementpath's parse tree, and anything unknown makes it always run."""
    from elementpath.xpath30 import XPath30Parser

    from tei_tools.validate.prefilter import needs

    namespaces = {"tei": TEI[1:-1]}
    select = context if context.startswith("/") else f"//({context})"
    found = needs(XPath30Parser(namespaces=namespaces).parse(select), namespaces)
    as_sets = None if found is None else [[set(names) for names in a] for a in found]
    if needed is None:
        assert as_sets is None
    else:
        assert as_sets is not None
        assert sorted(map(sorted_sets, as_sets)) == sorted(map(sorted_sets, needed))


def sorted_sets(alternative: list[set[str]]) -> list[list[str]]:
    return sorted(sorted(names) for names in alternative)


@pytest.mark.parametrize(
    "predicate",
    [
        "matches(@target, '^\\s*$')",
        "starts-with(@target, '')",
        "@target = 'a' or @n",
        "@target and @m or @n",
    ],
)
def test_a_rule_on_elements_without_the_attribute_still_sees_them(tmp_path, predicate):
    """A context whose predicate can be true of an element without the attribute (an
    empty string test, an 'or') is tried on every such element, not only on those that
    carry the attribute."""
    rules = tmp_path / "rules.sch"
    rules.write_text(
        '<schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt2">'
        '<ns prefix="tei" uri="http://www.tei-c.org/ns/1.0"/><pattern id="p">'
        f'<rule context="tei:ref[{predicate}]"><report test="true()">seen</report></rule>'
        "</pattern></schema>"
    )
    doc = tmp_path / "doc.xml"
    doc.write_text('<TEI xmlns="http://www.tei-c.org/ns/1.0"><ref n="1">x</ref></TEI>')
    result = CliRunner().invoke(
        cli, ["validate", "--no-cache", "--format", "json", "--schema", str(rules), str(doc)]
    )
    found = json.loads(result.output)["files"][0]["diagnostics"]
    assert [d["message"] for d in found if d["code"] == "S002"] == ["seen"]


def test_a_context_naming_a_node_twice_fires_on_it_once(tmp_path):
    """A context is a set of nodes: ``/tei:TEI, /tei:TEI`` (a sequence with the node
    twice) fires its rule once on it, in a pattern of one rule as in any other."""
    rules = schematron(
        tmp_path,
        '<pattern id="twice"><rule context="/tei:TEI, /tei:TEI">'
        '<assert test="false()">fires</assert></rule></pattern>'
        '<pattern id="union"><rule context="//tei:p | //tei:p">'
        '<assert test="false()">fires on p</assert></rule></pattern>',
    )
    validator = Validator(schema=rules, cache=False)
    found = [d.message for d in validator.iter_errors("doc.xml", DOC.encode())]
    assert sorted(found) == ["fires", "fires on p", "fires on p"]
