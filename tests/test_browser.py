"""The HTML edition in a real browser: headless Chromium (Debian packages chromium and
chromium-driver) opens each seed's page from disk with networking off, and the test
reads the live page. Screenshots go to tests/_screenshots/ (ignored by git)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from lxml import etree

from tei_tools.export import export

from .browser_helpers import SHOTS, axe_violations, chromium
from .conftest import ENCODED, ENCODED_DOCS

pytest.importorskip("selenium.webdriver", reason="selenium not installed")
from selenium.webdriver.common.by import By


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    driver = chromium(tmp_path_factory.mktemp("chromium-profile"), offline=True)
    yield driver
    driver.quit()


def requested_urls(driver) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    # chrome:// is the browser's own interface (a tooltip's styles, since Chromium 150),
    # which a page cannot request: not the page's requests.
    return [url for url in urls if not url.startswith("chrome://")]


def style(driver, element, prop: str) -> str:
    return driver.execute_script(f"return getComputedStyle(arguments[0]).{prop}", element)


@pytest.mark.parametrize("xml", ENCODED_DOCS, ids=lambda p: p.stem)
def test_html_edition_in_a_real_browser(browser, xml, tmp_path):
    root = etree.parse(str(xml)).getroot()
    ns = {"t": "http://www.tei-c.org/ns/1.0"}
    expected_dels = int(root.xpath("count(//t:text//t:del)", namespaces=ns))
    expected_gaps = int(root.xpath("count(//t:text//t:gap[@reason='redacted'])", namespaces=ns))
    page, _ = export(root, "html", view="diplomatic")
    path = tmp_path / f"{xml.stem}.html"
    path.write_text(page, encoding="utf-8")
    browser.get_log("performance")  # drop what earlier pages logged
    browser.get(path.as_uri())
    SHOTS.mkdir(exist_ok=True)

    assert browser.find_element(By.TAG_NAME, "h1").text
    deletions = browser.find_elements(By.CSS_SELECTOR, "main del")
    assert len(deletions) == expected_dels
    # diplomatic view: struck text is shown, with line-through as its computed style
    for deletion in deletions[:25]:
        assert deletion.is_displayed()
        assert "line-through" in style(browser, deletion, "textDecorationLine")
    gaps = browser.find_elements(By.CSS_SELECTOR, "main .gap-redacted")
    assert len(gaps) == expected_gaps
    for gap in gaps:  # a redaction is a visible marker that says why text is missing
        assert gap.is_displayed() and gap.text == "[redacted]"
        assert "redacted" in gap.get_attribute("title")
    speakers = browser.find_elements(By.CSS_SELECTOR, "main p.said .speaker a")
    assert speakers and all(
        s.get_attribute("href").split("#")[1].startswith("person-") for s in speakers
    )
    browser.save_screenshot(str(SHOTS / f"{xml.stem}.diplomatic.png"))

    # the view switch hides deletions in the reading view, in place
    browser.find_element(By.CSS_SELECTOR, "label[for=view-reading]").click()
    assert all(not d.is_displayed() for d in deletions[:25])
    for gap in gaps:
        assert gap.is_displayed()
    for addition in browser.find_elements(By.CSS_SELECTOR, "main ins")[:25]:
        assert addition.is_displayed()
        assert style(browser, addition, "verticalAlign") == "baseline"
    browser.save_screenshot(str(SHOTS / f"{xml.stem}.reading.png"))
    # and back
    browser.find_element(By.CSS_SELECTOR, "label[for=view-diplomatic]").click()
    assert all(d.is_displayed() for d in deletions[:25])

    urls = requested_urls(browser)
    assert urls and all(u.startswith(("file:", "data:", "about:")) for u in urls), urls


def test_seed_with_redaction_shows_it(browser, tmp_path):
    xml = ENCODED / "1962-11-06_stevenson-kuznetsov_memcon.xml"
    page, _ = export(etree.parse(str(xml)).getroot(), "html", view="reading")
    path = Path(tmp_path) / "memcon.html"
    path.write_text(page, encoding="utf-8")
    browser.get(path.as_uri())
    gaps = browser.find_elements(By.CSS_SELECTOR, "main .gap-redacted")
    assert len(gaps) == 1 and gaps[0].is_displayed()
    # reading view first: no deletion is visible, page markers stand in the margin
    assert all(not d.is_displayed() for d in browser.find_elements(By.CSS_SELECTOR, "main del"))
    markers = browser.find_elements(By.CSS_SELECTOR, "main .pb .pb-label")
    assert [m.text for m in markers] == ["p. 2", "p. 10", "p. 19", "p. 35", "p. 36", "p. 38"]


def test_built_site_pages_render_without_errors_or_axe_violations(browser, tmp_path):
    from click.testing import CliRunner

    from tei_tools.cli import cli

    from .conftest import RAW

    folder = tmp_path / "collection"
    shutil.copytree(RAW, folder / "raw")
    assert CliRunner().invoke(cli, ["build", str(folder), "-j", "1"]).exit_code == 0
    site = folder / "site"
    pages = ["index.html", "persons.html", *sorted(p.name for p in site.glob("1962-*.html"))]
    browser.set_script_timeout(60)
    for name in pages:
        browser.get((site / name).as_uri())
        errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
        assert errors == [], (name, errors)
        assert axe_violations(browser) == [], name
    # The index filters by participant without a server.
    browser.get((site / "index.html").as_uri() + "?person=u-thant")
    shown = browser.find_elements(By.CSS_SELECTOR, "tbody tr:not([hidden])")
    assert len(shown) == 1 and "U Thant" in shown[0].text
    status = browser.find_element(By.ID, "shown").text
    assert status == "1 of 2 documents shown"
