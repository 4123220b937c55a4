"""Headless Chromium (Debian's chromium and chromium-driver) for the browser tests,
and axe-core's verdict on a live page."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from .conftest import ROOT, skip_unless

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
SHOTS = ROOT / "tests" / "_screenshots"  # ignored by git: for a reviewer to look at


def chromium(profile: Path, offline: bool, width: int = 1200, height: int = 1600) -> Any:
    """A headless Chromium; ``offline``: no network at all (pages from disk), else
    only this machine answers (no host name resolves)."""
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium not installed")
    from selenium.webdriver.chrome.service import Service

    skip_unless(
        bool(CHROMIUM and DRIVER),
        "headless Chromium not installed (apt-get install chromium chromium-driver)",
    )
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        f"--window-size={width},{height}",
        f"--user-data-dir={profile}",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL", "browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    if offline:
        driver.execute_cdp_cmd("Network.enable", {})
        driver.execute_cdp_cmd(
            "Network.emulateNetworkConditions",
            {"offline": True, "latency": 0, "downloadThroughput": 0, "uploadThroughput": 0},
        )
    return driver


def axe_violations(driver: Any) -> list[dict[str, Any]]:
    """axe-core (the npm package's axe.min.js, as bundled by axe-selenium-python)
    injected into the live page; every violation of its default rules."""
    axe = pytest.importorskip("axe_selenium_python", reason="pip install axe-selenium-python")
    script = Path(axe.__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
    driver.execute_script(script.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document).then(r => done(r.violations), e => done([{id: String(e)}]));"
    )
    return [
        {"id": v["id"], "nodes": [n.get("target") for n in v.get("nodes", [])][:3]} for v in result
    ]
