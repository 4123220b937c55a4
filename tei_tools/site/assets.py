"""The site's shared files, from the package: one stylesheet (the HTML edition's
own, with the site's frame and viewer) and the scripts."""

from __future__ import annotations

from importlib import resources

from tei_tools.export.page import CSS


def _asset(name: str) -> bytes:
    return resources.files("tei_tools.site").joinpath("assets", name).read_bytes()


def files() -> dict[str, bytes]:
    """Site-relative path → bytes."""
    return {
        "assets/edition.css": CSS.encode("utf-8") + b"\n" + _asset("site.css"),
        "assets/edition.js": _asset("edition.js"),
        "assets/viewer.js": _asset("viewer.js"),
        "assets/search.js": _asset("search.js"),
    }
