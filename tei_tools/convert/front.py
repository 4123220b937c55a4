"""Front matter: the leading blocks that state facts about the document.

Each recogniser reads one block and, when it knows the block, returns the
``FrontBlock`` it becomes and records the facts it states. The first block that
no recogniser knows starts the body. Text run together by the source's extraction
is split only where the block's grammar makes the boundary certain, and reported.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from tei_tools.convert.inline import parse_inline, parse_lines
from tei_tools.convert.model import (
    DateRef,
    Emphasis,
    Facts,
    FrontBlock,
    Inline,
    LineBreak,
    Segment,
    Stamp,
    Text,
)
from tei_tools.convert.reader import Line, RawBlock
from tei_tools.diagnostics import Diagnostic

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_MONTH = "|".join(MONTHS)
_DATE_CORE = (
    rf"(?:(?P<m1>{_MONTH}) (?P<d1>\d{{1,2}}), (?P<y1>\d{{4}})"
    rf"|(?P<d2>\d{{1,2}}) (?P<m2>{_MONTH}) (?P<y2>\d{{4}})"
    rf"|(?P<y3>\d{{4}})/(?P<m3>\d{{2}})/(?P<d3>\d{{2}}))"
)
DATE_RE = re.compile(rf"\b{_DATE_CORE}\b")
_DOC_TYPES = (
    "MEMORANDUM OF CONVERSATION",
    "RECORD OF CONVERSATION",
    "RECORD OF THE CONVERSATION",
    "MEMORANDUM FOR THE RECORD",
    "MEMORANDUM",
    "TELEGRAM",
    "LETTER",
)
_HEADING = re.compile(rf"^(?P<type>{'|'.join(_DOC_TYPES)})(?P<draft>DRAFT)?(?P<date>{_DATE_CORE})?")
_STAMP_WORDS = re.compile(r"\( \)|REVIEW|Reviewed by|Exemptions|Cases Only|^Date: \d")
_STAMP_RUN_ON = re.compile(r"^(?P<stamp>.*?Exemptions)(?=[A-Z][a-z])")
_SIDE = re.compile(
    r"(?<![A-Za-z])(?P<side>USSR|US|UN|UK)\s*-\s*|(?<=[a-z])(?P<glued>USSR|US|UN|UK)-\s*"
)
_TIME = re.compile(r"\d.*\b[AP]\.M\.")


def iso_date(match: re.Match[str]) -> str | None:
    """``YYYY-MM-DD`` for a DATE_RE match, or None when it is no calendar date."""
    import datetime

    g = match.groupdict()
    if g["y3"]:
        y, m, d = int(g["y3"]), int(g["m3"]), int(g["d3"])
    else:
        y = int(g["y1"] or g["y2"])
        m = MONTHS.index(g["m1"] or g["m2"]) + 1
        d = int(g["d1"] or g["d2"])
    try:
        return datetime.date(y, m, d).isoformat()
    except ValueError:
        return None


@dataclass
class FrontReader:
    file: str
    diagnostics: list[Diagnostic]
    facts: Facts = field(default_factory=Facts)
    participants: list[tuple[str, str | None]] = field(default_factory=list)
    blocks: list[FrontBlock | Stamp] = field(default_factory=list)
    pending_label: str | None = None
    leftover: RawBlock | None = None

    def inlines(self, block: RawBlock) -> list[Inline]:
        return parse_lines(block.lines, self.file, self.diagnostics)

    def emit(self, kind: str, block: RawBlock, nodes: list[Inline] | None = None) -> bool:
        content = self.inlines(block) if nodes is None else nodes
        first = block.first
        self.blocks.append(FrontBlock(first.number, first.indent + 1, content, kind=kind))
        return True

    def run_together(self, line: Line, offset: int, what: str) -> None:
        self.diagnostics.append(
            Diagnostic(
                "C201",
                f"text run together: {what}",
                self.file,
                line.number,
                line.indent + offset + 1,
                hint="check the transcription; a line break or space is probably missing",
            )
        )

    def read(self, blocks: list[RawBlock]) -> int:
        """Consume leading front-matter blocks; return the index of the first body block."""
        for index, block in enumerate(blocks):
            if not self.read_block(block):
                return index
            if self.leftover is not None:
                return index + 1
        return len(blocks)

    def read_block(self, block: RawBlock) -> bool:
        """Try the rules on the whole block, else on its first line and then the rest
        (a date line directly above a bold title forms one block in some sources)."""
        if any(rule(self, block) for rule in _RULES):
            return True
        if len(block.lines) == 1:
            return False
        head, rest = RawBlock(block.lines[:1]), RawBlock(block.lines[1:])
        if not any(rule(self, head) for rule in _RULES):
            return False
        if self.read_block(rest):
            return True
        self.leftover = rest
        return True


def _plain(text: str) -> str:
    return re.sub(r"\*\*|~~|</?sup>", "", text).strip()


def rule_label_value(r: FrontReader, block: RawBlock) -> bool:
    if r.pending_label is None:
        return False
    label, r.pending_label = r.pending_label, None
    value = _plain(block.text)
    if label == "citation":
        r.facts.citation = value
        found = re.search(r"translation by ([A-Z][\w.]*(?: [A-Z][\w.]*)+)", value)
        if found:
            r.facts.translator = found.group(1)
    elif label == "summary":
        r.facts.summary = value
    elif label == "original-language":
        r.facts.original_language = value
    elif label == "contents":
        found = re.match(r"Translation\s*-\s*(\w+)", value)
        if found:
            r.facts.translation_language = found.group(1)
    return r.emit(label, block)


def rule_label(r: FrontReader, block: RawBlock) -> bool:
    match = re.fullmatch(r"([A-Z][A-Za-z ]{2,30}):", block.text)
    if len(block.lines) != 1 or match is None:
        return False
    r.pending_label = match.group(1).lower().replace(" ", "-")
    return r.emit("label", block)


def rule_doc_number(r: FrontReader, block: RawBlock) -> bool:
    match = re.fullmatch(r"\*\*(\d+)\*\*", block.text)
    if match is None:
        return False
    r.facts.doc_number = match.group(1)
    line = block.first
    number = Segment(
        line.number,
        line.indent + 3,
        [Text(line.number, line.indent + 3, match.group(1))],
        kind="docNumber",
    )
    return r.emit("docNumber", block, [Emphasis(line.number, line.indent + 1, [number])])


def wrap_dates(nodes: list[Inline], r: FrontReader) -> list[Inline]:
    """Wrap calendar dates in Text nodes (recursively) in DateRef; record the first."""
    out: list[Inline] = []
    for node in nodes:
        if isinstance(node, Text):
            pos = 0
            for m in DATE_RE.finditer(node.text):
                when = iso_date(m)
                if when is None:
                    r.diagnostics.append(
                        Diagnostic(
                            "C202",
                            f"{m.group()!r} is not a calendar date",
                            r.file,
                            node.line,
                            node.col + m.start(),
                        )
                    )
                    continue
                if m.start() > pos:
                    out.append(Text(node.line, node.col + pos, node.text[pos : m.start()]))
                col = node.col + m.start()
                out.append(DateRef(node.line, col, [Text(node.line, col, m.group())], when=when))
                # The first date dates the document; a spelled-out form names it best.
                if r.facts.date_when is None or (r.facts.date_when == when and not m.group("y3")):
                    r.facts.date_when, r.facts.date_text = when, m.group()
                pos = m.end()
            if pos < len(node.text):
                out.append(Text(node.line, node.col + pos, node.text[pos:]))
        elif isinstance(node, Emphasis | Segment):
            node.children = wrap_dates(node.children, r)
            out.append(node)
        else:
            out.append(node)
    return out


def rule_date(r: FrontReader, block: RawBlock) -> bool:
    if len(block.lines) != 1 or not DATE_RE.fullmatch(_plain(block.text)):
        return False
    return r.emit("date", block, wrap_dates(r.inlines(block), r))


def rule_copy(r: FrontReader, block: RawBlock) -> bool:
    match = re.fullmatch(r"Copy (\d+) of (\d+)(?: copies)?", block.text)
    if match is None:
        return False
    r.facts.copy = f"{match.group(1)} of {match.group(2)}"
    return r.emit("copy", block)


def rule_title(r: FrontReader, block: RawBlock) -> bool:
    text = block.text
    if not (text.startswith("**") and text.endswith("**")) or r.facts.title is not None:
        return False
    r.facts.title = " ".join(_plain(text).split())
    return r.emit("title", block)


def rule_url(r: FrontReader, block: RawBlock) -> bool:
    match = re.fullmatch(r"<(https?://\S+)>", block.text)
    if match is None:
        return False
    r.facts.url = match.group(1)
    return r.emit("url", block)


def rule_stated_person(r: FrontReader, block: RawBlock) -> bool:
    match = re.fullmatch(r"(From the diary of|Drafted by) (.+)", block.text)
    if match is None or len(block.lines) != 1:
        return False
    name = match.group(2).strip()
    if match.group(1) == "Drafted by":
        r.facts.drafter = name
        r.participants.append((name, None))
        return r.emit("drafter", block)
    r.facts.diarist = name
    r.participants.append((name, None))
    return r.emit("diarist", block)


def rule_subject(r: FrontReader, block: RawBlock) -> bool:
    match = re.fullmatch(r"SUBJECT:\s*(.+)", block.text)
    if match is None:
        return False
    r.facts.subject = match.group(1).strip()
    return r.emit("subject", block)


def rule_participants(r: FrontReader, block: RawBlock) -> bool:
    if not block.first.text.startswith("PARTICIPANTS:"):
        return False
    side: str | None = None
    for n, line in enumerate(block.lines):
        text = line.text[len("PARTICIPANTS:") :] if n == 0 else line.text
        offset = len(line.text) - len(text)
        pos = 0
        for m in _SIDE.finditer(text):
            name = text[pos : m.start()].strip()
            if name:
                r.participants.append((name, side))
            if m.group("glued"):
                r.run_together(
                    line,
                    offset + m.start(),
                    f"a name and the side label {m.group('glued')!r}; split before the label",
                )
            side = m.group("side") or m.group("glued")
            pos = m.end()
        name = text[pos:].strip()
        if name:
            r.participants.append((name, side))
    return r.emit("participants", block)


def _split_heading(r: FrontReader, first: Line, match: re.Match[str]) -> list[Inline]:
    """``MEMORANDUM OF CONVERSATIONDRAFTNovember 6, 1962`` → docType | status | date."""
    r.facts.doc_type = match.group("type").capitalize()
    ends = [(match.end("type"), "docType")]
    if match.group("draft"):
        r.facts.draft = True
        ends.append((match.end("draft"), "status"))
    if match.group("draft") or match.group("date"):
        pieces = " | ".join(p for p in match.group(0).partition("DRAFT") if p)
        r.run_together(
            first, match.end("type"), f"document type, status and date; split as {pieces}"
        )
    col, start = first.indent + 1, 0
    nodes: list[Inline] = []
    for end, kind in ends:
        content = parse_inline(
            first.text[start:end], r.file, first.number, col + start, r.diagnostics
        )
        nodes.append(Segment(first.number, col + start, content, kind=kind))
        start = end
    nodes.extend(parse_inline(first.text[start:], r.file, first.number, col + start, r.diagnostics))
    return nodes


def rule_heading(r: FrontReader, block: RawBlock) -> bool:
    """A document-type heading (with time and place lines after it), or any block whose
    first line is in capitals."""
    first = block.first
    match = _HEADING.match(first.text)
    letters = [c for c in first.text if c.isalpha()]
    capitals = len(letters) > 8 and sum(c.isupper() for c in letters) > 0.8 * len(letters)
    if match is None and not capitals:
        return False
    if match is not None:
        nodes, rest, prev = _split_heading(r, first, match), list(block.lines[1:]), first
    else:
        r.facts.doc_type = r.facts.doc_type or " ".join(first.text.split()).capitalize()
        nodes, rest, prev = [], list(block.lines), None
    prev_kind: str | None = None
    for line in rest:
        if prev is not None:
            if prev.hard_break:
                nodes.append(LineBreak(prev.number, prev.indent + len(prev.text) + 1))
            nodes.append(Text(line.number, 1, "\n"))
        content = parse_inline(line.text, r.file, line.number, line.indent + 1, r.diagnostics)
        kind: str | None = None
        if match is not None and _TIME.match(line.text):
            kind, r.facts.time = "time", line.text
        elif prev_kind == "time" and r.facts.place is None:
            kind, r.facts.place = "place", line.text
        if kind:
            nodes.append(Segment(line.number, line.indent + 1, content, kind=kind))
        else:
            nodes.extend(content)
        prev, prev_kind = line, kind
    return r.emit("heading", block, wrap_dates(nodes, r))


def rule_stamp(r: FrontReader, block: RawBlock) -> bool:
    if not any(_STAMP_WORDS.search(line.text) for line in block.lines):
        return False
    lines = list(block.lines)
    last = lines[-1]
    run_on = _STAMP_RUN_ON.match(last.text)
    if run_on is not None:
        cut = run_on.end("stamp")
        r.run_together(
            last,
            cut,
            f"the stamp line {run_on.group('stamp')!r} and the text "
            "after it; the text after it starts the body",
        )
        lines[-1] = replace(last, text=last.text[:cut], hard_break=False)
        r.leftover = RawBlock((replace(last, text=last.text[cut:], indent=last.indent + cut),))
    first = lines[0]
    r.blocks.append(
        Stamp(first.number, first.indent + 1, parse_lines(lines, r.file, r.diagnostics))
    )
    return True


Rule = Callable[[FrontReader, RawBlock], bool]

_RULES: tuple[Rule, ...] = (
    rule_label_value,
    rule_label,
    rule_doc_number,
    rule_date,
    rule_copy,
    rule_title,
    rule_url,
    rule_stated_person,
    rule_subject,
    rule_participants,
    rule_stamp,
    rule_heading,
)
