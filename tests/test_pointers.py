"""Pointers (graphic/@url, ref/@target, @facs, @who): what the converter writes from a
file name or a typed address is a valid anyURI as tei_all checks it (jing), the project
schema refuses what tei_all refuses, and the edition finds a page image by its
percent-encoded name."""

from __future__ import annotations

import json
import shutil
from html import escape
from pathlib import Path
from urllib.parse import unquote

import pytest
import xmlschema
from click.testing import CliRunner
from lxml import etree

from tei_tools.cli import cli
from tei_tools.convert import convert_text
from tei_tools.convert.pipeline import convert_folder
from tei_tools.export import export as export_tei
from tei_tools.pointers import name_from_pointer, pointer_from_address, pointer_from_name
from tei_tools.schema_files import project_schema_path

from .conftest import NS, RAW, TEI_ALL, jing_verdicts, skip_unless, tei_all_errors
from .test_hostile_collection import JPEG, export

# file name → the pointer the converter writes: escaped where anyURI refuses or a URI
# cannot hold a character, readable (letters beyond ASCII kept, as an IRI) elsewhere
NAMES = {
    "A 0001_Seite_1.jpg": "A%200001_Seite_1.jpg",  # Transkribus keeps uploaded names
    "100%_scan.jpg": "100%25_scan.jpg",
    "page#2.jpg": "page%232.jpg",
    "page?2.jpg": "page%3F2.jpg",
    "[draft] 3.jpg": "%5Bdraft%5D%203.jpg",
    "1:2 copy.jpg": "1%3A2%20copy.jpg",
    'odd {"^`|<>\\} name.png': "odd%20%7B%22%5E%60%7C%3C%3E%5C%7D%20name.png",
    "Übersicht_ß_ж.jpg": "Übersicht_ß_ж.jpg",
    "x\u00a0y\u200bz.jpg": "x%C2%A0y%E2%80%8Bz.jpg",  # a no-break space, a zero-width one
    "scans/folder one/p 1.tif": "scans/folder%20one/p%201.tif",
    "O'Brien(copy),v2;a=b&c+d@e~f!$*.jpg": "O'Brien(copy),v2;a=b&c+d@e~f!$*.jpg",
}


def _graphic_urls(tree: etree._ElementTree) -> list[str]:
    return tree.xpath("//t:facsimile/t:surface/t:graphic/@url", namespaces=NS)


def test_page_image_names_become_pointers_valid_against_both_schemas(tmp_path):
    pages = {f"page/{n:04d}.xml": name for n, name in enumerate(NAMES, 1)}
    folder = export(tmp_path / "e1", {k: escape(v) for k, v in pages.items()}, {})
    result = convert_folder(folder)
    diagnostics = [d.format() for d in result.diagnostics]
    assert result.ok and not any(" error " in d for d in diagnostics), diagnostics
    assert _graphic_urls(result.tree) == list(NAMES.values())
    # the name comes back from the pointer
    assert [name_from_pointer(u) for u in _graphic_urls(result.tree)] == list(NAMES)
    out = tmp_path / "e1.xml"
    out.write_bytes(result.xml())
    schema = etree.XMLSchema(etree.parse(str(project_schema_path())))
    assert schema.validate(etree.parse(str(out))), schema.error_log
    assert tei_all_errors([out]) == ""


def test_typed_addresses_keep_their_syntax_and_lose_only_what_anyuri_refuses(tmp_path):
    raw = (
        "MEMORANDUM\n\n<https://example.org/memo%[1]>\n\n"
        "See <https://example.org/100%/a[1]?q=[x]#one#two> and <https://example.org/%41b>.\n"
    )
    result = convert_text(raw, "links.txt")
    assert result.ok, [d.format() for d in result.diagnostics]
    refs = result.tree.xpath("//t:ref", namespaces=NS)
    assert [r.get("target") for r in refs] == [
        "https://example.org/memo%25%5B1%5D",  # the header's bibl
        "https://example.org/memo%25%5B1%5D",  # the front matter
        "https://example.org/100%25/a%5B1%5D?q=%5Bx%5D#one%23two",
        "https://example.org/%41b",
    ]
    # the text shows the address as typed, and the raw export gives it back
    assert refs[2].text == "https://example.org/100%/a[1]?q=[x]#one#two"
    assert export_tei(result.tree.getroot(), "raw")[0] == raw
    out = tmp_path / "links.xml"
    out.write_bytes(result.xml())
    assert tei_all_errors([out]) == ""


def test_pointer_functions_round_trip_and_leave_valid_values_alone():
    for name in NAMES:
        assert name_from_pointer(pointer_from_name(name)) == name
    assert pointer_from_name("https://iiif.example.org/p 1/full/max/0/default.jpg") == (
        "https://iiif.example.org/p%201/full/max/0/default.jpg"  # an address stays one
    )
    for address in ("https://example.org/a/b?c=d&e=%20#f", "http://example.org/Ü/ä?x=1:2/3"):
        assert pointer_from_address(address) == address


# -- the project schema refuses what tei_all refuses --------------------------------------

# Values of graphic/@url jing refuses in tei_all (anyURI with TEI's pattern \S+; jing
# escapes what java.net.URI would not take before parsing, then java.net.URI parses):
REFUSED = [
    "",
    "x y",  # whitespace: TEI's pattern
    "x\ty",
    "x%y",  # "%" not followed by two hex digits
    "x%2",
    "x%zzy",
    "x##y",  # a second "#"
    "a#b#c",
    "x[y",  # "[" and "]" outside the query, the fragment or an IP literal host
    "x]y",
    "x/[b",
    "http://a]/x",
    "//[v1.x]/",
    "1:b",  # a colon after something that is not a scheme
    ":b",
    "a_b:x",
    "é:x",
    "a:",  # a scheme and nothing after it
    "a:#x",
    "//",  # an empty authority and nothing after it
    "http://",
]
# ... values it accepts that the project schema refuses, by design: brackets (libxml2's
# anyURI refuses them in a query), separators and controls (xmlschema collapses a
# no-break space as whitespace), a scheme followed by a query, an empty authority
STRICTER = [
    "x#[y]",
    "x?[y]",
    "http://[::1]/x",
    "x\u00a0y",
    "x\u2003y",
    "x\x85y",
    "a:?x",
    "a:/",
    "//?x",
]
# ... and values it accepts, that the project schema must accept too
ACCEPTED = [
    "x%20y",
    "x#y",
    "#",
    "xéy_ж😀",
    'x\\y^{z}|`<>"',
    "a:b",
    "a:b:c",
    "./1:x",
    "1/2:x",
    "../scans/p1.jpg",
    "http:///x",
    "https://example.org/a/b?c=d&e=%20#f",
    "mailto:someone@example.org",
]


def _with_url(template: etree._ElementTree, value: str) -> bytes:
    tree = etree.ElementTree(etree.fromstring(etree.tostring(template)))
    tree.xpath("//t:graphic", namespaces=NS)[0].set("url", value)
    return etree.tostring(tree, encoding="UTF-8", xml_declaration=True)


def test_the_project_schema_refuses_every_url_tei_all_refuses(tmp_path):
    skip_unless(TEI_ALL.is_file(), f"official TEI schema not found at {TEI_ALL}")
    jing = shutil.which("jing")
    skip_unless(jing is not None, "jing is not installed")
    folder = export(tmp_path / "e1", {"page/0001.xml": "p.jpg"}, {})
    template = convert_folder(folder).tree
    assert template is not None
    lxml_schema = etree.XMLSchema(etree.parse(str(project_schema_path())))
    py_schema = xmlschema.XMLSchema(str(project_schema_path()))
    files: dict[str, Path] = {}
    for n, value in enumerate(REFUSED + STRICTER + ACCEPTED):
        path = tmp_path / f"v{n:03d}.xml"
        path.write_bytes(_with_url(template, value))
        files[value] = path
    verdicts = jing_verdicts([str(jing)], TEI_ALL, list(files.values()))
    for value, path in files.items():
        by_jing = verdicts[str(path)]
        by_lxml = lxml_schema.validate(etree.parse(str(path)))
        by_xmlschema = py_schema.is_valid(str(path))
        assert by_lxml == by_xmlschema, (value, by_lxml, by_xmlschema)
        # what this test says of jing is what jing does
        assert by_jing == (value not in REFUSED), (value, by_jing)
        # never more lenient than tei_all; not stricter on the usual forms
        assert by_lxml == (value in ACCEPTED), (value, by_lxml, by_jing)


@pytest.mark.parametrize(
    ("value", "valid"),
    [("#page1-r1l1", True), ("#page1%2Dr1", True), ("#page1%zz", False), ("#a#b", False)],
)
def test_local_pointers_refuse_a_broken_escape(tmp_path, value, valid):
    folder = export(tmp_path / "e1", {"page/0001.xml": "p.jpg"}, {})
    tree = convert_folder(folder).tree
    assert tree is not None
    tree.xpath("//t:text//*[@facs]", namespaces=NS)[0].set("facs", value)
    schema = etree.XMLSchema(etree.parse(str(project_schema_path())))
    assert schema.validate(tree) == valid, value
    assert xmlschema.XMLSchema(str(project_schema_path())).is_valid(tree) == valid, value
    if valid:
        path = tmp_path / "doc.xml"
        path.write_bytes(etree.tostring(tree))
        assert tei_all_errors([path]) == ""


# -- the edition finds the image by its name ----------------------------------------------


def test_a_build_finds_and_copies_a_page_image_whose_name_has_a_space(tmp_path):
    folder = tmp_path / "collection"
    shutil.copytree(RAW, folder / "raw")
    names = {"page/0001.xml": "A 0001_Seite_1.jpg", "page/0002.xml": "scans/100% [b].jpg"}
    export(folder / "raw" / "e1", names, {name: JPEG for name in names.values()})
    result = CliRunner().invoke(cli, ["build", str(folder), "-j", "1"])
    assert result.exit_code == 0, result.output
    assert "E004" not in result.output and "E005" not in result.output, result.output
    facsimile = folder / "site" / "facsimile" / "e1"
    assert (facsimile / "A 0001_Seite_1.jpg").read_bytes() == JPEG
    assert (facsimile / "scans" / "100% [b].jpg").read_bytes() == JPEG
    tei = etree.parse(str(folder / "encoded" / "e1.xml"))
    assert _graphic_urls(tei) == ["A%200001_Seite_1.jpg", "scans/100%25%20%5Bb%5D.jpg"]
    page = etree.HTML((folder / "site" / "e1.html").read_bytes())
    hrefs = page.xpath("//*[local-name()='image']/@href")
    assert hrefs == [
        "facsimile/e1/A%200001_Seite_1.jpg",
        "facsimile/e1/scans/100%25%20%5Bb%5D.jpg",
    ]
    assert [unquote(h) for h in hrefs] == [f"facsimile/e1/{n}" for n in names.values()]
    # the reader sees the file's name
    captions = page.xpath("//figcaption[@class='fx-caption']/text()")
    assert captions == ["Page 1 (A 0001_Seite_1.jpg)", "Page 2 (scans/100% [b].jpg)"]
    manifest = json.loads((folder / "site" / "e1.iiif.json").read_text())
    bodies = [c["items"][0]["items"][0]["body"]["id"] for c in manifest["items"]]
    assert bodies[0].endswith("/facsimile/e1/A%200001_Seite_1.jpg")
    assert tei_all_errors([folder / "encoded" / "e1.xml"]) == ""


def test_a_document_name_with_a_space_is_a_pointer_in_the_collections_tei(tmp_path):
    folder = tmp_path / "collection"
    (folder / "raw").mkdir(parents=True)
    seed = sorted(RAW.glob("*.txt"))[0]
    shutil.copy(seed, folder / "raw" / "talks 100%.txt")
    (folder / "pyproject.toml").write_text(
        '[tool.tei-tools]\npublisher = "P"\nbase-url = "https://edition.example.org/c/"\n'
    )
    result = CliRunner().invoke(cli, ["build", str(folder), "-j", "1"])
    assert result.exit_code == 0, result.output
    encoded = folder / "encoded"
    persons = etree.parse(str(encoded / "persons.xml"))
    targets = persons.xpath("//t:note[@type='documents']/t:ref/@target", namespaces=NS)
    assert targets and all(t.startswith("talks%20100%25.xml#") for t in targets), targets
    tei = etree.parse(str(encoded / "talks 100%.xml"))
    ptr = tei.xpath("//t:publicationStmt/t:ptr/@target", namespaces=NS)
    assert ptr == ["https://edition.example.org/c/talks%20100%25.html"]
    assert tei_all_errors([encoded / "persons.xml", encoded / "talks 100%.xml"]) == ""
    # the rule checks follow the escaped pointer to the file: no R001, no R013
    checked = CliRunner().invoke(cli, ["validate", str(encoded / "persons.xml")])
    assert checked.exit_code == 0 and "R0" not in checked.output, checked.output
