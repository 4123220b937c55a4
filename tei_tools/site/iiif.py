"""A IIIF Presentation 3 manifest for a document with page images, so that any IIIF
viewer (Mirador, Universal Viewer) opens it: a Canvas per surface of known size, the
image painted on it (through its IIIF Image service when it has one), the edition's
page as the homepage and the TEI as seeAlso.

IIIF identifiers are absolute HTTP(S) URIs: they are made from the collection's
``base-url``; without one, from the address ``tei-tools serve`` previews the site at
(the build says so).
"""

from __future__ import annotations

import json
import re
from typing import Any

from tei_tools.site.facsimile import Surface

CONTEXT = "http://iiif.io/api/presentation/3/context.json"
PREVIEW_BASE = "http://127.0.0.1:8000"  # tei-tools serve's default address
_RIGHTS = re.compile(
    r"^https?://(creativecommons\.org/(?:licenses|publicdomain)/|rightsstatements\.org/vocab/)"
)
_FORMATS = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "tif": "image/tiff",
    "tiff": "image/tiff",
    "gif": "image/gif",
    "webp": "image/webp",
}


def _text(value: str, language: str = "none") -> dict[str, list[str]]:
    return {language: [value]}


def _pair(label: str, value: str) -> dict[str, Any]:
    return {"label": _text(label, "en"), "value": _text(value)}


def _format(url: str) -> str:
    suffix = url.rsplit(".", 1)[-1].lower() if "." in url.rsplit("/", 1)[-1] else ""
    return _FORMATS.get(suffix, "image/jpeg")


def manifest(
    stem: str,
    title: str,
    surfaces: list[Surface],
    base_url: str,
    image_folder: str,
    metadata: list[tuple[str, str]] | None = None,
    licence: str = "",
    licence_url: str = "",
) -> dict[str, Any] | None:
    """The manifest of ``stem``'s page images, or None when no surface has a known
    size (a Canvas must have one)."""
    base = (base_url or PREVIEW_BASE).rstrip("/")
    sized = [s for s in surfaces if s.width and s.height and s.image]
    if not sized:
        return None
    ident = f"{base}/{stem}.iiif.json"
    canvases = []
    for n, surface in enumerate(sized, 1):
        canvas = f"{base}/{stem}/canvas/{n}"
        url = surface.display_url(image_folder)
        body: dict[str, Any] = {
            "id": url if url.startswith(("http://", "https://")) else f"{base}/{url}",
            "type": "Image",
            "format": _format(url),
            "width": int(surface.width or 0),
            "height": int(surface.height or 0),
        }
        if surface.service:
            body["service"] = [
                {"id": surface.service, "type": "ImageService3", "profile": "level1"}
            ]
        canvases.append(
            {
                "id": canvas,
                "type": "Canvas",
                "label": _text(surface.label or str(n)),
                "width": int(surface.width or 0),
                "height": int(surface.height or 0),
                "items": [
                    {
                        "id": f"{canvas}/page",
                        "type": "AnnotationPage",
                        "items": [
                            {
                                "id": f"{canvas}/page/image",
                                "type": "Annotation",
                                "motivation": "painting",
                                "body": body,
                                "target": canvas,
                            }
                        ],
                    }
                ],
            }
        )
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "id": ident,
        "type": "Manifest",
        "label": _text(title or stem, "en"),
        "metadata": [_pair(label, value) for label, value in metadata or [] if value],
        "homepage": [
            {
                "id": f"{base}/{stem}.html",
                "type": "Text",
                "label": _text(title or stem, "en"),
                "format": "text/html",
            }
        ],
        "seeAlso": [
            {
                "id": f"{base}/{stem}.xml",
                "type": "Dataset",
                "label": _text("TEI encoding", "en"),
                "format": "application/tei+xml",
                "profile": "https://tei-c.org/ns/1.0/",
            }
        ],
        "items": canvases,
    }
    if licence_url and _RIGHTS.match(licence_url):
        document["rights"] = licence_url.replace("https://", "http://", 1)
    if licence:
        document["requiredStatement"] = _pair("Licence", licence)
    return document


def manifest_bytes(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
