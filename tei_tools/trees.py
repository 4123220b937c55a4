"""Small operations on lxml trees that the converter and the exporters share."""

from __future__ import annotations

from lxml import etree


def append_text(parent: etree._Element, text: str) -> None:
    """Append character data after the last child (or as the element's text).
    ``parent[-1]`` starts from libxml2's last-child pointer; ``len(parent)`` would
    count every child, quadratic over a paragraph of thousands of names."""
    try:
        last = parent[-1]
    except IndexError:
        parent.text = (parent.text or "") + text
        return
    last.tail = (last.tail or "") + text
