"""The static edition `tei-tools build` writes: its frame, publication facts, IIIF
manifests, search index, previous/next links and the server that previews it."""

from __future__ import annotations

import json
import threading
import urllib.request
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from lxml import etree

from tei_tools.cli import cli
from tei_tools.collection.config import ConfigError, load_config
from tei_tools.site.facsimile import surfaces_of
from tei_tools.site.legend import conventions_in
from tei_tools.site.pages import shown_date, surname_key
from tei_tools.site.serve import make_server

from .conftest import NS, ROOT, TEI_ALL, skip_unless, tei_all_errors
from .site_helpers import WITH_IMAGES, WITHOUT_IMAGES, edition

IIIF_SCHEMA = ROOT / "tests" / "data" / "iiif" / "iiif_3_0.json"
SEED = "1962-11-06_stevenson-kuznetsov_memcon"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return edition(tmp_path_factory.mktemp("edition"))


def page(site: Path, name: str) -> etree._Element:
    return etree.HTML((site / name).read_bytes())


def test_iiif_manifests_validate_against_the_specs_json_schema(site):
    validator = jsonschema.Draft7Validator(json.loads(IIIF_SCHEMA.read_text()))
    manifests = sorted(site.glob("*.iiif.json"))
    assert {m.name for m in manifests} >= {
        f"{WITH_IMAGES}.iiif.json",
        f"{WITHOUT_IMAGES}.iiif.json",
    }
    for path in manifests:
        document = json.loads(path.read_text())
        errors = [e.message for e in validator.iter_errors(document)]
        assert errors == [], (path.name, errors[:3])
        assert document["id"] == f"https://edition.example.org/cuba/{path.name}"
        assert document["rights"] == "http://creativecommons.org/licenses/by/4.0/"
    canvases = json.loads((site / f"{WITH_IMAGES}.iiif.json").read_text())["items"]
    assert len(canvases) == 5
    image = canvases[0]["items"][0]["items"][0]["body"]
    assert image["id"].endswith(f"facsimile/{WITH_IMAGES}/0001_{WITH_IMAGES}.jpg")
    assert (image["width"], image["height"]) == (2480, 3508)
    # a seed has no page images: no manifest
    assert not (site / f"{SEED}.iiif.json").exists()


def test_the_local_page_images_are_copied_and_a_missing_one_is_a_named_warning(tmp_path):
    folder = tmp_path / "c"
    result_site = edition(folder)
    copied = sorted(p.name for p in (result_site / "facsimile" / WITH_IMAGES).iterdir())
    assert copied == [f"000{n}_{WITH_IMAGES}.jpg" for n in range(1, 6)]
    assert not (result_site / "facsimile" / WITHOUT_IMAGES).exists()
    manifest = json.loads((folder / "encoded" / "manifest.json").read_text())
    record = manifest["documents"][WITHOUT_IMAGES]
    assert record["diagnostics"]["warning"] >= 1
    out = CliRunner().invoke(cli, ["build", str(folder), "--force", "-j", "1"]).output
    assert f"raw/{WITHOUT_IMAGES}:1:1: warning E004 3 page image(s)" in out


def test_tei_headers_carry_the_publication_facts_and_stay_valid_tei(site):
    encoded = site.parent / "encoded"
    tei = etree.parse(str(encoded / f"{SEED}.xml"))
    statement = tei.find(".//t:publicationStmt", {"t": NS["t"]})
    assert statement is not None
    assert statement.findtext("t:publisher", namespaces=NS) == "The Test Archive"
    assert statement.find("t:ptr", NS).get("target") == (
        f"https://edition.example.org/cuba/{SEED}.html"
    )
    licence = statement.find("t:availability/t:licence", NS)
    assert licence.text == "CC BY 4.0"
    assert licence.get("target") == "https://creativecommons.org/licenses/by/4.0/"
    series = tei.find(".//t:seriesStmt", NS)
    assert series.findtext("t:title", namespaces=NS) == "Test Edition"
    assert [e.text for e in series.findall("t:editor", NS)] == ["Ada Editor", "Ben Editor"]
    skip_unless(TEI_ALL.is_file(), f"tei_all.rng is not at {TEI_ALL}")
    assert tei_all_errors(sorted(encoded.glob("*.xml"))) == ""


def test_every_page_has_the_frame_and_a_document_page_its_edition_parts(site):
    for name in ("index.html", "persons.html", "search.html", f"{SEED}.html"):
        root = page(site, name)
        banner = root.find(".//header[@class='site']")
        assert banner is not None, name
        assert banner.findtext("a") == "Test Edition"
        links = {a.get("href") for a in banner.iter("a")}
        assert {"index.html", "persons.html", "search.html"} <= links
        assert "Ada Editor and Ben Editor" in root.findtext(".//footer") or name != "index.html"
    doc = page(site, f"{SEED}.html")
    downloads = {a.get("href") for a in doc.iterfind(".//p[@class='downloads']/a")}
    assert downloads == {f"{SEED}.xml", f"{SEED}.txt"}
    assert (site / f"{SEED}.xml").read_bytes() == (
        site.parent / "encoded" / f"{SEED}.xml"
    ).read_bytes()
    citation = "".join(doc.find(".//p[@id='cite']").itertext())
    assert "In: Test Edition, edited by Ada Editor and Ben Editor. The Test Archive." in citation
    assert f"https://edition.example.org/cuba/{SEED}.html" in citation
    numbered = doc.xpath("//main//a[@class='pn']")
    assert numbered[0].get("href") == "#p1" and numbered[11].get("href") == "#p12"
    assert doc.xpath("//main//*[@id='p12']")
    pages = doc.xpath("//nav[@class='pages']/a/@href")
    assert pages and all(doc.xpath(f"//main//*[@id='{p[1:]}']") for p in pages)
    legend = doc.xpath("//details[@class='legend']//dd/text()")
    tei = etree.parse(str(site / f"{SEED}.xml")).getroot()
    assert legend == [meaning for _, meaning in conventions_in(tei)]
    assert any("struck through" in d for d in legend)
    assert not any("uncertain" in d or "not certain" in d for d in legend)  # no unclear
    responsibility = "".join(doc.find(".//dl[@class='meta responsibility']").itertext())
    assert "CC BY 4.0" in responsibility and "Converted from" in responsibility


def test_previous_and_next_follow_the_dates_and_change_when_a_document_arrives(tmp_path):
    folder = tmp_path / "c"
    site = edition(folder, search=False)
    first = page(site, "1962-10-29_kuznetsov-u-thant_record.html")
    assert first.xpath("//nav[@class='sequence']/a[@rel='next']/@href") == [f"{SEED}.html"]
    ends = [
        p.name
        for p in site.glob("*.html")
        if page(site, p.name).xpath("//nav[@class='sequence']/span[@class='none']")
    ]
    assert sorted(ends) == [f"{SEED}.html", "d01_v24_d168.html"]  # the latest, the earliest
    earliest = page(site, f"{WITH_IMAGES}.html")  # 1956
    before = earliest.xpath("//nav[@class='sequence']/a/@href")
    # a new document dated between two others becomes their neighbour, and only the
    # pages whose neighbours changed are rewritten
    raw = (folder / "raw" / f"{SEED}.txt").read_text().replace("1962/11/06", "1962/10/30")
    (folder / "raw" / "1962-10-30_copy.txt").write_text(
        raw.replace("November 6, 1962", "October 30, 1962")
    )
    untouched = (site / f"{WITH_IMAGES}.html").read_bytes()
    assert (
        CliRunner().invoke(cli, ["build", str(folder), "-j", "1", "-q", "--no-search"]).exit_code
        == 0
    )
    first = page(site, "1962-10-29_kuznetsov-u-thant_record.html")
    assert first.xpath("//nav[@class='sequence']/a[@rel='next']/@href") == ["1962-10-30_copy.html"]
    assert page(site, f"{WITH_IMAGES}.html").xpath("//nav[@class='sequence']/a/@href") == before
    assert (site / f"{WITH_IMAGES}.html").read_bytes() == untouched
    manifest = json.loads((folder / "encoded" / "manifest.json").read_text())
    name = "site/1962-10-29_kuznetsov-u-thant_record.html"
    recorded = manifest["documents"]["1962-10-29_kuznetsov-u-thant_record"]["outputs"][name]
    import hashlib

    assert recorded["sha256"] == hashlib.sha256((folder / name).read_bytes()).hexdigest()


def test_no_search_writes_no_search_page_and_no_index(tmp_path):
    site = edition(tmp_path / "c", search=False)
    assert not (site / "search.html").exists() and not (site / "pagefind").exists()
    banner = page(site, "index.html").find(".//header[@class='site']")
    assert "search.html" not in {a.get("href") for a in banner.iter("a")}


def test_search_index_holds_the_reading_text_and_the_filters(site):
    assert (site / "pagefind" / "pagefind-entry.json").is_file()
    doc = page(site, f"{SEED}.html")
    main = doc.find(".//main")
    assert main.get("data-pagefind-body") == ""
    # what only the diplomatic view shows is not indexed
    assert all(d.get("data-pagefind-ignore") == "all" for d in main.iter("del"))
    filters = set(main.xpath(".//@data-pagefind-filter"))
    assert "year:1962" in filters and "speaker:Vasily V. Kuznetsov" in filters
    assert "participant:Adlai E. Stevenson" in filters
    assert "type:Memorandum of Conversation" in filters


def test_the_index_shows_iso_sorted_dates_in_one_format_and_people_by_surname(site):
    index = page(site, "index.html")
    dates = index.xpath("//tbody//td[@class='date']/time")
    whens = [t.get("datetime") for t in dates]
    assert whens == sorted(whens)
    assert [t.text for t in dates if t.get("datetime") in ("1962-10-29", "1962-11-06")] == [
        "29 October 1962",
        "6 November 1962",
    ]
    people = index.xpath("//select[@id='filter-person']/option[@value!='']/text()")
    assert people == sorted(people, key=surname_key)
    assert shown_date("1962-10", "Oct. 1962") == "October 1962"
    assert shown_date("", "undated memo") == "undated memo"


def test_the_persons_page_lists_speakers_and_named_people_by_surname(site):
    persons = page(site, "persons.html")
    names = persons.xpath("//dl[@class='persons']/dt")
    text = [" ".join(dt.itertext()) for dt in names]
    assert text == sorted(text, key=surname_key)
    # named in the text, not present: Khrushchev, Kennedy (the people file knows them)
    assert any("Khrushchev" in t for t in text) and any("Kennedy" in t for t in text)
    entry = persons.xpath("//dt[contains(., 'Khrushchev')]/following-sibling::dd[2]//li")
    assert entry and all(li.xpath("string()").endswith("(named)") for li in entry)
    # speakers the text names but no declared person matches are listed as such
    unidentified = persons.xpath("//section[@aria-labelledby='unidentified']//li")
    names = [li.text.rstrip(": ") for li in unidentified]
    assert "Mr. Gusev" in names and "Mr. Gromyko" in names
    assert all(li.find("a").get("href") == f"{SEED}.html" for li in unidentified)


def test_a_page_image_beside_the_text_with_zones_and_line_marks(site):
    doc = page(site, f"{WITH_IMAGES}.html")
    assert doc.find(".//body").get("class") == "with-facsimile"
    figures = doc.xpath("//section[@id='facsimile']//figure[@class='fx-page']")
    assert len(figures) == 5
    image = figures[0].find(".//image")
    assert image.get("href") == f"facsimile/{WITH_IMAGES}/0001_{WITH_IMAGES}.jpg"
    zones = set(doc.xpath("//polygon/@data-zone"))
    marks = doc.xpath("//main//span[@class='ln']/@data-zone")
    assert marks and set(marks) <= zones
    blocks = doc.xpath("//main//*[@data-facs]")
    assert blocks and all(set(b.get("data-facs").split()) <= zones for b in blocks)
    # a block's first line (it has no lb) is found inside its region
    assert blocks[0].get("data-first-zone") == "page1-r1l1"
    assert doc.xpath("//script[@src='assets/viewer.js']")
    seed = page(site, f"{SEED}.html")
    assert not seed.xpath("//section[@id='facsimile']") and not seed.xpath(
        "//script[@src='assets/viewer.js']"
    )


def test_pb_facs_image_urls_and_iiif_services_become_surfaces():
    root = etree.fromstring(
        '<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body>'
        '<pb n="1" facs="scans/p1.jpg"/><p>a</p>'
        '<pb n="2" facs="https://iiif.example.org/iiif/3/p2/full/max/0/default.jpg"/><p>b</p>'
        '<pb n="3" facs="https://iiif.example.org/iiif/3/p3/info.json"/><p>c</p>'
        "</body></text></TEI>"
    )
    surfaces = surfaces_of(root)
    assert [s.label for s in surfaces] == ["1", "2", "3"]
    # the image keeps its folder in the site: scans/p1.jpg and other/p1.jpg are two
    assert surfaces[0].local and surfaces[0].display_url("f") == "f/scans/p1.jpg"
    assert surfaces[1].service == "https://iiif.example.org/iiif/3/p2"
    assert surfaces[2].display_url("f") == (
        "https://iiif.example.org/iiif/3/p3/full/!1600,1600/0/default.jpg"
    )


def test_the_legend_names_only_what_the_document_contains():
    root = etree.fromstring(
        '<TEI xmlns="http://www.tei-c.org/ns/1.0"><text><body><p>a <del rend="overtyped">'
        '<gap quantity="3" unit="chars"/></del> <gap reason="redacted"/></p></body></text></TEI>'
    )
    meanings = [m for _, m in conventions_in(root)]
    assert meanings == ["typed over with x's", "withheld from release"]


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ('base-url = "edition.org"', "base-url must start with http"),
        ("editors = [1]", "editors must be a list of names"),
        ('editors = "A"', "editors must be a list"),
        ("search = 1", "search must be a bool"),
    ],
)
def test_publication_settings_are_checked(tmp_path, setting, message):
    (tmp_path / "raw").mkdir()
    (tmp_path / "tei-tools.toml").write_text(setting + "\n")
    with pytest.raises(ConfigError, match=message):
        load_config(tmp_path)


def test_serve_answers_on_localhost_only(tmp_path):
    (tmp_path / "index.html").write_text("<!DOCTYPE html><title>x</title>")
    (tmp_path / "pagefind").mkdir()
    (tmp_path / "pagefind" / "wasm.en.pagefind").write_bytes(b"\0asm")
    server = make_server(tmp_path, 0)
    host, port = server.server_address[:2]
    assert host == "127.0.0.1"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/index.html") as answer:
            assert answer.status == 200 and b"<title>x</title>" in answer.read()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/pagefind/wasm.en.pagefind") as a:
            assert a.read() == b"\0asm"
    finally:
        server.shutdown()
        server.server_close()


def test_serve_refuses_a_missing_folder(tmp_path):
    result = CliRunner().invoke(cli, ["serve", str(tmp_path / "nope")])
    assert result.exit_code == 2 and "no such folder" in result.output


def test_a_seed_document_page_with_its_css_and_scripts_is_under_150_kb(site):
    for stem in ("1962-10-29_kuznetsov-u-thant_record", SEED):
        total = sum(
            (site / name).stat().st_size
            for name in (f"{stem}.html", "assets/edition.css", "assets/edition.js")
        )
        assert total < 150_000, (stem, total)
