"""Inline stage: one line of raw text → inline model nodes.

An ordered list of small rules, each tried at the cursor (after markdown-it-py's
inline parser). Whatever no rule claims is plain text, so no character is lost;
markup that opens and never closes is kept as text and reported.

A typescript's own conventions (a redaction, an x-out, a slash marking an insertion,
a word hyphenated over a line) are also typed in Word and PAGE sources: ``typed``
reads them in a Text node that a reader made, with the rules that need no notation.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import cast

from tei_tools.convert.model import (
    ALTERATIONS,
    Addition,
    Deletion,
    Emphasis,
    Escaped,
    Gap,
    Hyphenation,
    Inline,
    LineBreak,
    Link,
    Metamark,
    Text,
)
from tei_tools.convert.readers.raw import Line
from tei_tools.diagnostics import Diagnostic

# Positions where some rule may apply; everything between them is plain text.
_TYPED = r"\[REDACTED\]|(?<![A-Za-z])x{3,}(?![A-Za-z])|/|(?<=[A-Za-z])- (?=[a-z])"
# A backslash before one of these is that character as text (docs/raw-format.md).
ESCAPABLE = "\\~*<[/x-"
_TRIGGER = re.compile(rf"\\[{re.escape(ESCAPABLE)}]|\n|~~|<|\*|{_TYPED}")
_TYPED_TRIGGER = re.compile(_TYPED)
_X_RUN = re.compile(r"x{3,}")
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*\s*/?>")
_AUTOLINK = re.compile(r"<(https?://[^\s<>]+)>")


@dataclass(frozen=True)
class Locator:
    """Maps offsets in a block's text (lines joined by "\\n") to raw line and column."""

    starts: tuple[int, ...]  # offset where each line begins in the joined text
    lines: tuple[Line, ...]

    @classmethod
    def for_lines(cls, lines: tuple[Line, ...] | list[Line]) -> Locator:
        starts, pos = [], 0
        for line in lines:
            starts.append(pos)
            pos += len(line.text) + 1
        return cls(tuple(starts), tuple(lines))

    def line_at(self, offset: int) -> tuple[Line, int]:
        i = max(bisect.bisect_right(self.starts, offset) - 1, 0)
        return self.lines[i], self.starts[i]

    def at(self, offset: int) -> tuple[int, int]:
        line, start = self.line_at(offset)
        return line.number, line.indent + offset - start + 1


@dataclass
class InlineParser:
    """Parses a block's text; ``base`` is the offset of ``text[0]`` in the block."""

    file: str
    locator: Locator
    diagnostics: list[Diagnostic]
    base: int = 0
    in_deletion: bool = False
    rules: tuple[Rule, ...] = ()
    trigger: re.Pattern[str] = _TRIGGER
    # A typed text's neighbours (a Word run struck or raised beside it): whether an
    # alteration stands right before or after it, for the slash between them
    after_alteration: bool = False
    before_alteration: bool = False
    nodes: list[Inline] = field(default_factory=list)
    _open: Text | None = None  # the last Text node, while pieces are added to it
    _pieces: list[str] = field(default_factory=list)

    def at(self, offset: int) -> tuple[int, int]:
        return self.locator.at(self.base + offset)

    def warn(self, code: str, message: str, offset: int, hint: str = "") -> None:
        line, col = self.at(offset)
        self.diagnostics.append(Diagnostic(code, message, self.file, line, col, hint))

    def unclosed(self, code: str, marker: str, opens: str, offset: int, closer: str) -> None:
        """A marker that opens and is never closed: kept as text, and the warning (at
        the marker) says which paragraph it ran into, so the editor finds the end."""
        lines = self.locator.lines
        first, last = lines[0].number, lines[-1].number
        span = f"line {first}" if first == last else f"lines {first}-{last}"
        opening = " ".join(lines[0].text[:48].split()[:6])  # bounded: one line may be long
        self.warn(
            code,
            f"{marker!r} opens {opens} that is not closed: it runs to the end of the "
            f'paragraph at {span} ("{opening}…"); the marker is kept as text',
            offset,
            hint=f"expected a closing {closer!r} before the blank line that ends that paragraph",
        )

    def add_text(self, text: str, offset: int) -> None:
        """Text joins the Text node before it; its pieces are joined once, when a
        node follows or the parse ends (``+=`` on the node would copy the text so far
        at every piece: quadratic in a long run of kept markers)."""
        if not text:
            return
        last = self.nodes[-1] if self.nodes else None
        # A Text node never runs past a line end, so its columns stay exact.
        joins = last is not None and last is self._open and not self._pieces[-1].endswith("\n")
        if joins and text != "\n":
            self._pieces.append(text)
            return
        self.add(Text(*self.at(offset), text))
        self._open, self._pieces = cast(Text, self.nodes[-1]), [text]

    def add(self, node: Inline) -> None:
        self._close()
        self.nodes.append(node)

    def _close(self) -> None:
        if self._open is not None and len(self._pieces) > 1:
            self._open.text = "".join(self._pieces)
        self._open = None

    def nested(self, text: str, offset: int, *, in_deletion: bool = False) -> list[Inline]:
        sub = InlineParser(
            self.file,
            self.locator,
            self.diagnostics,
            self.base + offset,
            in_deletion or self.in_deletion,
            self.rules,
            self.trigger,
        )
        return sub.parse(text)

    def parse(self, text: str) -> list[Inline]:
        pos = 0
        rules = self.rules or _RULES
        while pos < len(text):
            match = self.trigger.search(text, pos)
            if match is None:
                self.add_text(text[pos:], pos)
                break
            self.add_text(text[pos : match.start()], pos)
            pos = match.start()
            for rule in rules:
                end = rule(self, text, pos)
                if end is not None:
                    pos = end
                    break
            else:
                self.add_text(text[pos], pos)
                pos += 1
        self._close()
        return self.nodes


Rule = Callable[[InlineParser, str, int], "int | None"]


def _empty_markup(p: InlineParser, text: str, pos: int, end: int, what: str) -> int:
    p.warn(
        "C106",
        f"empty {what} {text[pos:end]!r} is kept as text",
        pos,
        hint="write the struck or added words between the markers",
    )
    p.add_text(text[pos:end], pos)
    return end


def rule_newline(p: InlineParser, text: str, pos: int) -> int | None:
    if text[pos] != "\n":
        return None
    line, _ = p.locator.line_at(p.base + pos)
    if line.hard_break or line.lb:
        p.add(LineBreak(*p.at(pos)))
    p.add_text("\n", pos)
    return pos + 1


def rule_deletion(p: InlineParser, text: str, pos: int) -> int | None:
    if not text.startswith("~~", pos):
        return None
    close = text.find("~~", pos + 2)
    if close < 0:
        p.unclosed("C101", "~~", "a deletion", pos, "~~")
        p.add_text("~~", pos)
        return pos + 2
    inner = text[pos + 2 : close]
    end = close + 2
    if not inner.strip():
        return _empty_markup(p, text, pos, end, "deletion")
    if _X_RUN.fullmatch(inner) or inner == "x":
        gap = Gap(*p.at(pos + 2), "illegible", len(inner))
        p.add(Deletion(*p.at(pos), [gap], rend="overtyped"))
    else:
        p.add(Deletion(*p.at(pos), p.nested(inner, pos + 2, in_deletion=True)))
    return end


def rule_angle(p: InlineParser, text: str, pos: int) -> int | None:
    if text[pos] != "<":
        return None
    if text.startswith("<sup>", pos):
        close = text.find("</sup>", pos + 5)
        if close < 0:
            p.unclosed("C102", "<sup>", "an addition", pos, "</sup>")
            p.add_text("<sup>", pos)
            return pos + 5
        inner = text[pos + 5 : close]
        if not inner.strip():
            return _empty_markup(p, text, pos, close + 6, "addition")
        p.add(Addition(*p.at(pos), p.nested(inner, pos + 5)))
        return close + 6
    link = _AUTOLINK.match(text, pos)
    if link:
        url = link.group(1)
        p.add(Link(*p.at(pos), [Text(*p.at(pos + 1), url)], target=url))
        return link.end()
    tag = _TAG.match(text, pos)
    if tag:
        if tag.group().startswith("</"):
            p.warn(
                "C104",
                f"closing tag {tag.group()!r} has no opening tag; kept as text",
                pos,
                hint="expected '<sup>…</sup>' around an addition",
            )
        else:
            p.warn(
                "C103",
                f"unknown tag {tag.group()!r} kept as text",
                pos,
                hint="the raw format knows <sup>…</sup> and <https://…> links",
            )
        p.add_text(tag.group(), pos)
        return tag.end()
    return None


def rule_emphasis(p: InlineParser, text: str, pos: int) -> int | None:
    if text[pos] != "*":
        return None
    marker = "**" if text.startswith("**", pos) else "*"
    start = pos + len(marker)
    if start >= len(text) or text[start].isspace():
        return None
    close = text.find(marker, start)
    while close > 0 and marker == "*" and text.startswith("**", close):
        close = text.find(marker, close + 2)
    if close < 0 or text[close - 1].isspace():
        p.unclosed("C105", marker, "emphasis", pos, marker)
        p.add_text(marker, pos)
        return start
    rend = "bold" if marker == "**" else "underline"
    p.add(Emphasis(*p.at(pos), p.nested(text[start:close], start), rend=rend))
    return close + len(marker)


def rule_redaction(p: InlineParser, text: str, pos: int) -> int | None:
    if not text.startswith("[REDACTED]", pos):
        return None
    p.add(Gap(*p.at(pos), "redacted"))
    return pos + len("[REDACTED]")


def rule_bare_xout(p: InlineParser, text: str, pos: int) -> int | None:
    run = _X_RUN.match(text, pos)
    if run is None or p.in_deletion:
        return None
    gap = Gap(*p.at(pos), "illegible", len(run.group()))
    p.add(Deletion(*p.at(pos), [gap], rend="overtyped"))
    return run.end()


def rule_slash(p: InlineParser, text: str, pos: int) -> int | None:
    if text[pos] != "/":
        return None
    after_alteration = (
        pos > 0
        and bool(p.nodes)
        and isinstance(p.nodes[-1], ALTERATIONS)
        and (text[pos - 1] in "~>")
    )
    before_alteration = text.startswith(("~~", "<sup>"), pos + 1)
    if after_alteration or before_alteration:
        p.add(Metamark(*p.at(pos)))
        return pos + 1
    spaced = (pos > 0 and text[pos - 1] == " ") or text[pos + 1 : pos + 2] == " "
    if spaced:
        p.warn(
            "C107",
            "a slash that may mark an insertion point is kept as text",
            pos,
            hint="write the slash against the '~~' or '<sup>' it marks to encode a metamark",
        )
    p.add_text("/", pos)
    return pos + 1


def rule_hyphenation(p: InlineParser, text: str, pos: int) -> int | None:
    if not text.startswith("- ", pos) or pos == 0 or not text[pos - 1].isalpha():
        return None
    if pos + 2 >= len(text) or not text[pos + 2].islower():
        return None
    p.add(Hyphenation(*p.at(pos)))
    return pos + 2


def rule_typed_slash(p: InlineParser, text: str, pos: int) -> int | None:
    """A slash typed against a struck or raised run beside it: an insertion mark. Any
    other slash is text, and nothing is said of it (the source has no notation to
    write the mark otherwise)."""
    if text[pos] != "/":
        return None
    if (pos == 0 and p.after_alteration) or (pos == len(text) - 1 and p.before_alteration):
        p.add(Metamark(*p.at(pos)))
    else:
        p.add_text("/", pos)
    return pos + 1


def rule_escape(p: InlineParser, text: str, pos: int) -> int | None:
    """``\\~``, ``\\*``, ``\\<``, ``\\[``, ``\\/``, ``\\x``, ``\\-``, ``\\\\``: the character
    itself, never notation (what the raw export writes for text that would read as
    notation)."""
    if text[pos] != "\\" or pos + 1 >= len(text) or text[pos + 1] not in ESCAPABLE:
        return None
    p.add(Escaped(*p.at(pos + 1), text[pos + 1]))
    return pos + 2


_RULES: tuple[Rule, ...] = (
    rule_escape,
    rule_newline,
    rule_deletion,
    rule_angle,
    rule_emphasis,
    rule_redaction,
    rule_bare_xout,
    rule_slash,
    rule_hyphenation,
)


_TYPED_RULES: tuple[Rule, ...] = (
    rule_redaction,
    rule_bare_xout,
    rule_typed_slash,
    rule_hyphenation,
)


def may_hold_typed(text: str) -> bool:
    """Whether ``text`` holds a string every typed form holds: most texts are passed
    by four substring tests, not by the pattern's look-behind at every character."""
    return "/" in text or "- " in text or "xxx" in text or "[REDACTED]" in text


def typed(node: Text, in_deletion: bool, after: bool, before: bool) -> list[Inline]:
    """The typescript's conventions in a Text a reader made: ``[REDACTED]``, x-outs,
    hyphenated words, a slash against an alteration (``after``: one stands right
    before the text, ``before``: right after it). Never notation, never a warning."""
    if not may_hold_typed(node.text) or _TYPED_TRIGGER.search(node.text) is None:
        return [node]
    locator = Locator.for_lines([Line(node.line, node.text, False, node.col - 1)])
    parser = InlineParser(
        node.file or "",
        locator,
        [],
        in_deletion=in_deletion,
        rules=_TYPED_RULES,
        trigger=_TYPED_TRIGGER,
        after_alteration=after,
        before_alteration=before,
    )
    nodes = parser.parse(node.text)
    for made in nodes:
        made.file = node.file
        if isinstance(made, Deletion):
            for inner in made.children:
                inner.file = node.file
    return nodes


def parse_lines(
    lines: tuple[Line, ...] | list[Line], file: str, diagnostics: list[Diagnostic]
) -> list[Inline]:
    """Inline nodes for consecutive lines of a block; markup may span lines."""
    text = "\n".join(line.text for line in lines)
    return InlineParser(file, Locator.for_lines(lines), diagnostics).parse(text)
