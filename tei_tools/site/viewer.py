"""The facsimile viewer's markup: one SVG per page image, the image under the outlines
of its zones, in the viewBox of the image's own pixels (as the TEI gives the zones).
assets/viewer.js makes it live: zoom and pan (buttons, keys, pointer, wheel), the page
following the reader's scroll, a line or block of the text outlining its zone and an
outline finding its text. Without script, every page image is shown, outlined."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tei_tools.site.facsimile import Surface

if TYPE_CHECKING:
    from tei_tools.export.html import HtmlExporter

VIEWER_SCRIPT = "assets/viewer.js"
SVG = "http://www.w3.org/2000/svg"


def _box(surface: Surface) -> tuple[float, float]:
    """The image's size; without one (an image only a pb names), the zones' extent or a
    page's proportions, until the script reads the image's own."""
    if surface.width and surface.height:
        return surface.width, surface.height
    xs = [x for z in surface.zones for x, _ in z.points]
    ys = [y for z in surface.zones for _, y in z.points]
    return (max(xs) if xs else 1000.0), (max(ys) if ys else 1414.0)


def _number(value: float) -> str:
    return f"{value:g}"


def write_viewer(page: HtmlExporter, surfaces: list[Surface], folder: str) -> None:
    with page.into("section", class_="facsimile", id="facsimile") as section:
        section.set("aria-label", "Page images")
        with page.into("div", class_="fx-toolbar", role="toolbar") as bar:
            bar.set("aria-label", "Page image")
            for action, label, sign in (
                ("prev", "Previous page image", "\u2039"),
                ("next", "Next page image", "\u203a"),
                ("zoom-in", "Zoom in", "+"),
                ("zoom-out", "Zoom out", "\u2212"),
                ("fit", "Fit the page", "Fit"),
            ):
                button = page.add("button", sign, type="button", **{"data-fx": action})
                button.set("aria-label", label)
            page.add(
                "span",
                f"Page image 1 of {len(surfaces)}",
                class_="fx-status",
                **{"aria-live": "polite"},
            )
        for n, surface in enumerate(surfaces, 1):
            width, height = _box(surface)
            attrs = {"data-surface": surface.id, "data-n": str(n)}
            if not (surface.width and surface.height):
                attrs["data-unsized"] = ""  # the script reads the image's own size
            with page.into("figure", class_="fx-page", id=f"fx-{surface.id}", **attrs):
                with (
                    page.into(
                        "div",
                        class_="fx-stage",
                        tabindex="0",
                        role="group",
                        **{
                            "aria-label": f"Page image {n}, {surface.label}: arrow keys pan, "
                            "+ and \u2212 zoom, 0 fits"
                        },
                    ),
                    page.into(
                        "svg",
                        xmlns=SVG,
                        viewBox=f"0 0 {_number(width)} {_number(height)}",
                        class_="fx-svg",
                        **{"aria-hidden": "true", "focusable": "false"},
                    ),
                ):
                    if surface.image:
                        page.add(
                            "image",
                            href=surface.display_url(folder),
                            width=_number(width),
                            height=_number(height),
                            **{"data-name": surface.name},
                        )
                    else:
                        page.add(
                            "rect",
                            width=_number(width),
                            height=_number(height),
                            class_="fx-blank",
                        )
                    for zone in surface.zones:
                        points = " ".join(f"{_number(x)},{_number(y)}" for x, y in zone.points)
                        page.add(
                            "polygon",
                            points=points,
                            class_="fx-zone",
                            id=f"zone-{zone.id}",
                            **{"data-zone": zone.id},
                        )
                caption = "no image named" if not surface.image else surface.name
                page.add("figcaption", f"Page {surface.label} ({caption})", class_="fx-caption")
                page.add("p", "", class_="fx-missing", hidden="hidden", role="status")
