"""The page images of a TEI document and the zones on them, as the viewer shows them.

Read from ``facsimile`` (``surface`` with ``graphic`` and ``zone``, as PAGE input
gives) and from ``pb/@facs`` (a ``#surface`` pointer, or an image URL as archive TEI
often has). An image URL that is a IIIF Image API service (``…/info.json`` or
``…/full/…/default.jpg``) is used through the service.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

from lxml import etree

from tei_tools.namespaces import XML_ID, T
from tei_tools.pointers import name_from_pointer
from tei_tools.site.images import site_path

_IIIF_IMAGE = re.compile(
    r"^(?P<base>https?://.+?)/(?:full|square|\d+,\d+,\d+,\d+|pct:[\d.,]+)/[^/]+/!?\d+/"
    r"(?:default|color|gray|bitonal|native)\.(?:jpg|png|webp|tif|gif)$"
)


@dataclass
class Zone:
    id: str
    points: list[tuple[float, float]]


@dataclass
class Surface:
    id: str
    label: str  # the page's number or name, as the TEI gives it
    image: str  # the graphic's URL as written; "" when the surface names none
    width: float | None = None
    height: float | None = None
    zones: list[Zone] = field(default_factory=list)

    @property
    def service(self) -> str:
        """The IIIF Image API service the image is served by, or ""."""
        if self.image.endswith("/info.json"):
            return self.image[: -len("/info.json")]
        found = _IIIF_IMAGE.match(self.image)
        return found.group("base") if found else ""

    @property
    def local(self) -> bool:
        """An image file beside the TEI (copied into the site), not one on the web."""
        return bool(self.image) and not urlsplit(self.image).scheme

    @property
    def name(self) -> str:
        """The image as the reader is told of it: a local file by its name (the
        pointer's escapes decoded), an image on the web by its address."""
        return name_from_pointer(self.image) if self.local else self.image

    def display_url(self, folder: str) -> str:
        """Where the site's page finds the image: through the IIIF service, at its web
        address, or in the site's copy under ``folder``."""
        if self.service:
            return f"{self.service}/full/!1600,1600/0/default.jpg"
        if self.local:
            return f"{folder}/{quote(site_path(self.image))}"
        return self.image


def _length(value: str | None) -> float | None:
    if not value:
        return None
    found = re.match(r"\s*([\d.]+)", value)
    return float(found.group(1)) if found else None


def _points(zone: etree._Element) -> list[tuple[float, float]]:
    points = zone.get("points")
    if points:
        pairs = []
        for pair in points.split():
            x, _, y = pair.partition(",")
            try:
                pairs.append((float(x), float(y)))
            except ValueError:
                return []
        return pairs
    box = [_length(zone.get(k)) for k in ("ulx", "uly", "lrx", "lry")]
    if any(v is None for v in box):
        return []
    ulx, uly, lrx, lry = (float(v or 0) for v in box)
    return [(ulx, uly), (ulx, lry), (lrx, lry), (lrx, uly)]


def _surface(el: etree._Element, n: int) -> Surface:
    graphic = el.find(f"{T}graphic")
    surface = Surface(
        id=el.get(XML_ID) or f"surface-{n}",
        label=el.get("n") or str(n),
        image=(graphic.get("url") or "") if graphic is not None else "",
    )
    lrx, lry = _length(el.get("lrx")), _length(el.get("lry"))
    ulx, uly = _length(el.get("ulx")) or 0.0, _length(el.get("uly")) or 0.0
    if lrx is not None and lry is not None:
        surface.width, surface.height = lrx - ulx, lry - uly
    elif graphic is not None:
        surface.width, surface.height = (
            _length(graphic.get("width")),
            _length(graphic.get("height")),
        )
    for zone in el.iter(f"{T}zone"):
        points = _points(zone)
        if zone.get(XML_ID) and points:
            surface.zones.append(Zone(zone.get(XML_ID, ""), points))
    return surface


def surfaces_of(root: etree._Element) -> list[Surface]:
    """Every page image of the document, in order, numbered from the page breaks
    that point at them."""
    surfaces: list[Surface] = []
    by_id: dict[str, Surface] = {}
    for facsimile in root.iterfind(f"{T}facsimile"):
        for el in facsimile:
            if el.tag in (f"{T}surface", f"{T}graphic"):
                if el.tag == f"{T}graphic":
                    surface = Surface(
                        el.get(XML_ID) or f"surface-{len(surfaces) + 1}",
                        str(len(surfaces) + 1),
                        el.get("url") or "",
                        _length(el.get("width")),
                        _length(el.get("height")),
                    )
                else:
                    surface = _surface(el, len(surfaces) + 1)
                surfaces.append(surface)
                by_id[surface.id] = surface
    text = root.find(f"{T}text")
    if text is None:
        return surfaces
    for pb in text.iter(f"{T}pb"):
        target = (pb.get("facs") or "").split()
        if not target:
            continue
        if target[0].startswith("#"):
            pointed = by_id.get(target[0][1:])
            if pointed is not None and pb.get("n"):
                pointed.label = pb.get("n", "")
            continue
        surface = Surface(
            f"pb-image-{len(surfaces) + 1}", pb.get("n") or str(len(surfaces) + 1), target[0]
        )
        surfaces.append(surface)
    return surfaces


def pb_surfaces(root: etree._Element, surfaces: list[Surface]) -> dict[etree._Element, Surface]:
    """The surface each page break opens: the one its @facs names; when no page break
    points anywhere (a facsimile listed apart), the surfaces in order."""
    by_id = {s.id: s for s in surfaces}
    by_image = {s.image: s for s in surfaces}
    found: dict[etree._Element, Surface] = {}
    text = root.find(f"{T}text")
    if text is None:
        return found
    breaks = list(text.iter(f"{T}pb"))
    pointed = any(pb.get("facs") for pb in breaks)
    unpointed = iter(surfaces if not pointed else [])
    for pb in breaks:
        target = (pb.get("facs") or "").split()
        if target:
            surface = (
                by_id.get(target[0][1:]) if target[0].startswith("#") else by_image.get(target[0])
            )
        else:
            surface = next(unpointed, None)
        if surface is not None:
            found[pb] = surface
    return found
