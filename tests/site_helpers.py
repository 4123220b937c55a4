"""A built edition for the site's tests: the seeds and a few devset PAGE exports, one
of them with synthetic page images (drawn with Pillow at the export's size, a dark bar
where each line is), built once per test module."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner
from lxml import etree

from tei_tools.cli import cli

from .conftest import RAW, ROOT, skip_unless

PAGE_DEVSET = ROOT.parent / "shared" / "devset" / "page"
WITH_IMAGES = "d01_v24_d168"
WITHOUT_IMAGES = "d02_v24_d208"
CONFIG = """[tool.tei-tools]
title = "Test Edition"
editors = ["Ada Editor", "Ben Editor"]
publisher = "The Test Archive"
licence = "CC BY 4.0"
licence-url = "https://creativecommons.org/licenses/by/4.0/"
base-url = "https://edition.example.org/cuba"
"""


def draw_page_images(export: Path) -> None:
    """A JPEG beside each PAGE file, of the size the file gives, its lines drawn."""
    from PIL import Image, ImageDraw

    for path in sorted((export / "page").glob("*.xml")):
        tree = etree.parse(str(path))
        ns = {"p": tree.getroot().nsmap[None]}
        page = tree.find(".//p:Page", ns)
        assert page is not None
        width, height = int(page.get("imageWidth", "0")), int(page.get("imageHeight", "0"))
        image = Image.new("L", (width // 8, height // 8), 245)
        draw = ImageDraw.Draw(image)
        for coords in tree.iterfind(".//p:TextLine/p:Coords", ns):
            points = [
                tuple(int(v) // 8 for v in pair.split(","))
                for pair in coords.get("points", "").split()
            ]
            draw.polygon(points, fill=90)
        image.resize((width, height)).save(export / "page" / page.get("imageFilename", ""))


def edition(folder: Path, search: bool = True) -> Path:
    """Build the test edition in ``folder``; return its site folder."""
    skip_unless(PAGE_DEVSET.is_dir(), f"the devset's PAGE exports are not at {PAGE_DEVSET}")
    shutil.copytree(RAW, folder / "raw")
    for name in (WITH_IMAGES, WITHOUT_IMAGES, "d03_v24_d302"):
        shutil.copytree(PAGE_DEVSET / name, folder / "raw" / name)
        for path in (folder / "raw" / name).rglob("*"):
            path.chmod(0o755 if path.is_dir() else 0o644)
    draw_page_images(folder / "raw" / WITH_IMAGES)
    (folder / "pyproject.toml").write_text(CONFIG)
    args = ["build", str(folder), "-j", "1", "-q"] + ([] if search else ["--no-search"])
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return folder / "site"
