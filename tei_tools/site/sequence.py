"""Previous and next document by date: links that depend on the whole collection, so
the build writes them into each page (between the markers the page was made with)
only when a page's neighbours change."""

from __future__ import annotations

from lxml import etree

from tei_tools.site.frame import SEQUENCE_END, SEQUENCE_START


def order(entries: list[tuple[str, str]]) -> list[str]:
    """Stems by ISO date (undated last), then by stem: ``entries`` are (stem, when)."""
    return [stem for stem, _ in sorted(entries, key=lambda e: (e[1] or "9999", e[0]))]


def neighbours(stems: list[str]) -> dict[str, tuple[str, str]]:
    return {
        stem: (stems[n - 1] if n else "", stems[n + 1] if n + 1 < len(stems) else "")
        for n, stem in enumerate(stems)
    }


def links(prev: tuple[str, str], nxt: tuple[str, str]) -> bytes:
    """The links' HTML: each (stem, title), or ("", "") at either end."""
    parts = []
    for (stem, title), rel, label in ((prev, "prev", "Previous"), (nxt, "next", "Next")):
        if stem:
            link = etree.Element("a", href=f"{stem}.html", rel=rel)
            link.text = (
                f"{'← ' if rel == 'prev' else ''}{label}: {title}{' →' if rel == 'next' else ''}"
            )
        else:
            link = etree.Element("span", {"class": "none"})
            link.text = f"No {label.lower()} document"
        parts.append(etree.tostring(link, method="html", encoding="UTF-8"))
    return b"".join(parts)


def patched(page: bytes, content: bytes) -> bytes | None:
    """``page`` with ``content`` between its sequence markers; None without markers."""
    start, end = page.find(SEQUENCE_START.encode()), page.find(SEQUENCE_END.encode())
    if start < 0 or end < start:
        return None
    start += len(SEQUENCE_START)
    return page[:start] + content + page[end:]
