"""The built edition in a real browser, served over HTTP by `tei-tools serve`'s
server on 127.0.0.1: search finds words and links to their paragraph, filters narrow
it, the facsimile viewer and the text outline each other, the navigation works, the
keyboard reaches everything, and axe-core finds no violation on any page type.
Screenshots go to tests/_screenshots/ for a reviewer."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tei_tools.site.serve import make_server

from .browser_helpers import SHOTS, axe_violations, chromium
from .site_helpers import WITH_IMAGES, WITHOUT_IMAGES, edition

pytest.importorskip("selenium.webdriver", reason="selenium not installed")
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

SEED = "1962-11-06_stevenson-kuznetsov_memcon"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    site = edition(tmp_path_factory.mktemp("edition"))
    server = make_server(site, 0)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    driver = chromium(tmp_path_factory.mktemp("profile"), offline=False, width=1280, height=1000)
    driver.set_script_timeout(60)
    yield driver
    driver.quit()


def wait(driver: Any, condition: Any, seconds: float = 20) -> Any:
    return WebDriverWait(driver, seconds).until(lambda d: condition(d))


def results(driver: Any) -> list[Any]:
    wait(driver, lambda d: "found" in d.find_element(By.ID, "search-status").text)
    return driver.find_elements(By.CSS_SELECTOR, "#results li > a")


def shot(driver: Any, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(SHOTS / f"site-{name}.png"))


def test_search_finds_a_word_and_links_to_its_paragraph(browser, served):
    browser.get(served + "search.html?q=Narasimhan")
    found = results(browser)
    assert found[0].get_attribute("href").split("/")[-1].split("#")[0] == (
        "1962-10-29_kuznetsov-u-thant_record.html"
    )
    target = found[0].get_attribute("href")
    assert "#p" in target
    shot(browser, "search")
    found[0].click()
    wait(browser, lambda d: d.current_url == target)
    paragraph = browser.find_element(By.ID, target.split("#")[1])
    assert "Narasimhan" in paragraph.text


def test_the_participant_filter_narrows_the_results(browser, served):
    browser.get(served + "search.html?q=said")
    everyone = len(results(browser))
    assert everyone >= 3
    participant = Select(browser.find_element(By.ID, "filter-participant"))
    names = [o.get_attribute("value") for o in participant.options if o.get_attribute("value")]
    assert "Sir Ivone Kirkpatrick" in names
    participant.select_by_value("Sir Ivone Kirkpatrick")
    wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#results li")) < everyone)
    narrowed = results(browser)
    assert 1 <= len(narrowed) < everyone
    assert all(WITH_IMAGES in a.get_attribute("href") for a in narrowed)


def test_clicking_a_line_outlines_its_zone_and_a_zone_finds_its_text(browser, served):
    browser.get(served + f"{WITH_IMAGES}.html")
    mark = browser.execute_script(  # a line that starts with plain text, not a name's link
        "return Array.from(document.querySelectorAll('main .ln')).find(m => m.nextSibling"
        " && m.nextSibling.nodeType === 3 && m.nextSibling.textContent.trim().length > 5)"
    )
    zone = mark.get_attribute("data-zone")
    # click the text just after the line's mark, where a reader would
    browser.execute_script("arguments[0].parentNode.scrollIntoView({block: 'center'})", mark)
    x, y = browser.execute_script(
        "const r = document.createRange(); const t = arguments[0].nextSibling;"
        "r.setStart(t, 0); r.setEnd(t, Math.min(3, t.length));"
        "const b = r.getBoundingClientRect(); return [b.left + b.width / 2, b.top + b.height / 2];",
        mark,
    )
    from selenium.webdriver.common.actions.action_builder import ActionBuilder

    actions = ActionBuilder(browser)
    actions.pointer_action.move_to_location(int(x), int(y)).click()
    actions.perform()
    on = browser.execute_script(
        "return Array.from(document.querySelectorAll('.fx-zone.fx-on')).map(z => z.dataset.zone)"
    )
    assert on == [zone]
    polygon = browser.find_element(By.ID, f"zone-{zone}")
    assert polygon.is_displayed()
    shot(browser, "facsimile-line")
    # and back: an outline on the image finds its paragraph
    other = browser.find_elements(By.CSS_SELECTOR, ".fx-page:not([hidden]) .fx-zone")[0]
    browser.execute_script(
        "arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", other
    )
    lit = browser.find_elements(By.CSS_SELECTOR, "main .fx-text-on")
    assert len(lit) == 1
    assert other.get_attribute("data-zone") in (
        lit[0].get_attribute("data-facs")
        + " "
        + (lit[0].get_attribute("data-first-zone") or "")
        + " "
        + " ".join(
            m.get_attribute("data-zone") for m in lit[0].find_elements(By.CSS_SELECTOR, ".ln")
        )
    )


def test_the_page_image_follows_the_scroll_and_zooms_by_keyboard(browser, served):
    browser.get(served + f"{WITH_IMAGES}.html")
    visible = "return document.querySelector('.fx-page:not([hidden])').dataset.n"
    assert browser.execute_script(visible) == "1"
    third = browser.find_element(By.ID, "page-2")  # the second page break opens page 3
    browser.execute_script("arguments[0].scrollIntoView({block: 'start'})", third)
    wait(browser, lambda d: d.execute_script(visible) == third.get_attribute("data-surface")[4:])
    # keyboard only: tab to the zoom button, press it; focus the image, pan with keys
    stage = browser.find_element(By.CSS_SELECTOR, ".fx-page:not([hidden]) .fx-stage")
    svg = stage.find_element(By.TAG_NAME, "svg")
    full = svg.get_dom_attribute("viewBox")
    zoom_in = browser.find_element(By.CSS_SELECTOR, "button[data-fx='zoom-in']")
    browser.execute_script("arguments[0].focus()", zoom_in)
    zoom_in.send_keys(Keys.ENTER)
    zoomed = svg.get_dom_attribute("viewBox")
    assert float(zoomed.split()[2]) < float(full.split()[2])
    stage.send_keys(Keys.ARROW_RIGHT)
    assert svg.get_dom_attribute("viewBox").split()[0] != zoomed.split()[0]
    stage.send_keys("0")
    assert svg.get_dom_attribute("viewBox") == full
    browser.find_element(By.CSS_SELECTOR, "button[data-fx='next']").send_keys(Keys.ENTER)
    assert browser.find_element(By.CSS_SELECTOR, ".fx-status").text.startswith("Page image ")


def test_a_missing_page_image_is_said_and_its_outlines_stay(browser, served):
    browser.get(served + f"{WITHOUT_IMAGES}.html")
    missing = browser.find_element(By.CSS_SELECTOR, ".fx-page:not([hidden]) .fx-missing")
    wait(browser, lambda d: missing.is_displayed())
    assert "is missing" in missing.text
    zones = browser.find_elements(By.CSS_SELECTOR, ".fx-page:not([hidden]) .fx-zone")
    assert zones and zones[0].is_displayed()


def test_previous_next_and_index_links_work(browser, served):
    browser.get(served + "1962-10-29_kuznetsov-u-thant_record.html")
    browser.find_element(By.CSS_SELECTOR, "nav.sequence a[rel='next']").click()
    wait(browser, lambda d: d.current_url.endswith(f"{SEED}.html"))
    browser.find_element(By.CSS_SELECTOR, "nav.sequence a[rel='prev']").click()
    wait(browser, lambda d: d.current_url.endswith("1962-10-29_kuznetsov-u-thant_record.html"))
    browser.find_element(By.LINK_TEXT, "Documents").click()
    wait(browser, lambda d: d.current_url.endswith("index.html"))
    browser.find_element(By.LINK_TEXT, "Persons").click()
    wait(browser, lambda d: d.current_url.endswith("persons.html"))


@pytest.mark.parametrize(
    "name",
    [
        "index.html",
        "persons.html",
        "search.html?q=Cuba",
        f"{SEED}.html",
        f"{WITH_IMAGES}.html",
        f"{WITHOUT_IMAGES}.html",
    ],
)
def test_no_axe_violation_and_no_script_error(browser, served, name):
    browser.get_log("browser")
    browser.get(served + name)
    if name.startswith("search"):
        results(browser)
    time.sleep(0.3)
    assert axe_violations(browser) == [], name
    errors = [
        e
        for e in browser.get_log("browser")
        if e["level"] == "SEVERE"
        and "favicon" not in e["message"]
        and not (name == f"{WITHOUT_IMAGES}.html" and ".jpg" in e["message"])
    ]
    assert errors == [], errors


def test_the_participants_panel_stands_apart_from_the_transcription(browser, served):
    browser.get(served + f"{SEED}.html")
    panel = browser.find_element(By.ID, "participants")
    text = browser.find_element(By.ID, "text")
    assert panel.rect["y"] + panel.rect["height"] < text.rect["y"]  # space between them
    border = browser.execute_script(
        "return getComputedStyle(arguments[0]).borderBottomWidth", panel
    )
    assert border != "0px"


def test_screenshots_and_no_horizontal_cut_at_390_px(browser, served):
    browser.set_window_size(1280, 1000)
    browser.get(served + f"{SEED}.html")
    shot(browser, "document-reading")
    browser.find_element(By.CSS_SELECTOR, "label[for=view-diplomatic]").click()
    shot(browser, "document-diplomatic")
    browser.get(served + "index.html")
    shot(browser, "index-1280")
    browser.get(served + f"{WITH_IMAGES}.html")
    shot(browser, "facsimile")
    browser.set_window_size(390, 844)
    try:
        for name in ("index.html", "persons.html", "search.html?q=Cuba", f"{SEED}.html"):
            browser.get(served + name)
            overflow = browser.execute_script(
                "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, (name, overflow)
        browser.get(served + "index.html")
        shot(browser, "index-390")
        titles = browser.find_elements(By.CSS_SELECTOR, "td.title a")
        # titles wrap as text does, not a word per line
        assert all(t.size["width"] > 200 for t in titles[:5])
    finally:
        browser.set_window_size(1280, 1000)
    assert len(list(Path(SHOTS).glob("site-*.png"))) >= 6
