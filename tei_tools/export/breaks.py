"""Word boundaries at milestones: does a ``pb``, ``lb``, ``cb`` or ``milestone`` that
stands between two letters part two words or break one?

TEI reads these elements as white space unless ``@break="no"``. Where the source
leaves ``@break`` out and letters touch on both sides (FRUS writes both
``so<pb/>sharp`` and ``accom<pb/>modating``), the document decides: when it writes
the joined form elsewhere ("accommodating"), the break is inside that word;
otherwise it parts two words, as TEI reads it. The decisions are counted and
reported once (E003).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from lxml import etree

from tei_tools.diagnostics import Diagnostic
from tei_tools.namespaces import T

_LAST_WORD = re.compile(r"[^\W\d_]+$")
_FIRST_WORD = re.compile(r"^[^\W\d_]+")
_WORDS = re.compile(r"[^\W\d_]+")


def _before(el: etree._Element) -> str:
    """The text right before ``el`` in the source."""
    prev = el.getprevious()
    if prev is not None:
        return prev.tail or "".join(str(t) for t in prev.itertext())
    parent = el.getparent()
    return (parent.text or "") if parent is not None else ""


def _after(el: etree._Element) -> str:
    """The text right after ``el`` in the source."""
    if el.tail:
        return el.tail
    nxt = el.getnext()
    return "".join(str(t) for t in nxt.itertext()) if nxt is not None else ""


@dataclass
class WordBreaks:
    """Decides, once per milestone, whether it parts two words (see the module)."""

    root: etree._Element
    joined: int = 0
    parted: int = 0
    _vocabulary: Counter[str] | None = None
    _decided: dict[etree._Element, bool | None] = field(default_factory=dict)

    def vocabulary(self) -> Counter[str]:
        if self._vocabulary is None:
            text = self.root.find(f"{T}text")
            scope = self.root if text is None else text
            words = _WORDS.findall(" ".join(str(t) for t in scope.itertext()).lower())
            self._vocabulary = Counter(words)
        return self._vocabulary

    def decide(self, el: etree._Element) -> bool | None:
        """True when ``el`` stands between two words, False when it breaks one word,
        None when it does not stand between letters (white space or punctuation parts)."""
        if el not in self._decided:
            self._decided[el] = self._decide(el)
        return self._decided[el]

    def _decide(self, el: etree._Element) -> bool | None:
        left = _LAST_WORD.search(_before(el)[-64:])  # a word's end is near: no long scan
        right = _FIRST_WORD.match(_after(el)[:64])
        if left is None or right is None:
            return None
        brk = el.get("break")
        if brk in ("no", "yes"):
            return brk == "yes"
        words = self.vocabulary()
        first, second = left.group().lower(), right.group().lower()
        # Inside a word when the document writes the joined form elsewhere; else two
        # words, as TEI reads a break without @break.
        parted = not words[first + second]
        if parted:
            self.parted += 1
        else:
            self.joined += 1
        return parted

    def report(self, source: str) -> list[Diagnostic]:
        """One finding that counts the decisions made on evidence, if any."""
        if not self.joined + self.parted:
            return []
        return [
            Diagnostic(
                "E003",
                f"{self.joined + self.parted} page, column or line breaks between letters "
                f"without @break: {self.joined} read as inside a word, {self.parted} as "
                "between words",
                source,
                1,
                1,
                hint='add break="no" (inside a word) or break="yes" to decide it in the source',
            )
        ]
