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
from tei_tools.convert.participants import Entry, parse_block
from tei_tools.convert.reader import Line, RawBlock
from tei_tools.convert.structure import (
    classification_mark,
    is_classification,
    is_page_number,
    plain,
)
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
# Full names, and the abbreviations typescripts use ("Sept. 5, 1961").
_MONTH = "|".join([*MONTHS, r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\."])
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
_HEADING = re.compile(
    rf"^(?P<type>(?i:{'|'.join(_DOC_TYPES)}))(?P<draft>DRAFT)?(?P<date>{_DATE_CORE})?"
)
_STAMP_WORDS = re.compile(
    r"\( \)|REVIEW|Reviewed by|Exemptions|Cases Only|^Date: \d|^DECLASSIFIED\b|^Authority\b"
    r"|\bNARA\b|^By \w+ NARA"
)
_AMPM = r"(?:[ap]\.\s?m\.|[AP]\.\s?M\.|[ap]m\b|[AP]M\b|noon|midnight|hours)"
_CLOCK = r"\d{1,2}(?::\d{2})?"
# "10:30–11:10 a.m.", "12–12:50 p.m.", "4 to 9:30 P.M.", "3 p.m.", "11:45 a.m."
TIME_RE = re.compile(
    rf"(?:{_CLOCK}\s*{_AMPM}?\s*(?:–|—|-|to|until)\s*)?{_CLOCK}\s*{_AMPM}|noon|midnight"
)
# A place line: a few capitalised words ("Washington", "US Mission, N.Y.", "Camp David").
_PLACE_WORD = r"(?:[A-Z][\w.'’-]*|of|on|upon|the|de|am|an|sur)"
PLACE_RE = re.compile(rf"{_PLACE_WORD}(?:,? {_PLACE_WORD}){{0,5}}")
_PLACE_DATE = re.compile(rf"(?P<place>[A-Z][^,\d]{{1,40}}), (?P<rest>{_DATE_CORE}.*)")
_LABEL = re.compile(r"(?P<label>[A-Z][A-Za-z]*(?: [A-Za-z]+){0,3}):(?=\s|$)")
_PARTICIPANTS_LABEL = re.compile(r"(?i:participants|present(?: were)?|persons present|attendees)")
# Labels whose value is a stated fact with a place in the header.
_FACT_LABELS = {"subject": "subject", "place": "place", "time": "time", "date": "date"}
_STAMP_RUN_ON = re.compile(r"^(?P<stamp>.*?Exemptions)(?=[A-Z][a-z])")


def iso_date(match: re.Match[str]) -> str | None:
    """``YYYY-MM-DD`` for a DATE_RE match, or None when it is no calendar date."""
    import datetime

    g = match.groupdict()
    if g["y3"]:
        y, m, d = int(g["y3"]), int(g["m3"]), int(g["d3"])
    else:
        y = int(g["y1"] or g["y2"])
        m = [x[:3] for x in MONTHS].index((g["m1"] or g["m2"])[:3]) + 1
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
    participants: list[Entry] = field(default_factory=list)
    blocks: list[FrontBlock | Stamp] = field(default_factory=list)
    pending_label: str | None = None
    leftover: RawBlock | None = None
    dated: bool = False  # a date or time line was read: a place line may follow

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
        """Consume the front matter; return the index of the first body block.

        Front matter is read as fields, in any order: a block no rule knows stays in
        the front when a known field follows it before the narrative starts, and
        otherwise starts the body. The narrative (a block that reads as prose) always
        starts the body, unless a label is waiting for its value; a page number
        always does.
        """
        waiting: list[RawBlock] = []  # unknown blocks: front or body, decided later
        index = 0
        for index, block in enumerate(blocks):
            if is_page_number(block):
                break  # a new page: the front matter of the first has ended
            if self.pending_label is None and is_narrative(block):
                break
            mark = len(self.blocks)
            if not self.read_block(block):
                waiting.append(block)
                continue
            if waiting:  # a known field after them: the unknown blocks are front matter
                self.blocks[mark:mark] = [self.unknown_block(b) for b in waiting]
                waiting = []
            if self.leftover is not None:
                return index + 1
        else:
            index = len(blocks)
        return index - len(waiting)

    def unknown_block(self, block: RawBlock) -> FrontBlock:
        kind = "heading" if is_capitals(block.first.text) else "front"
        first = block.first
        nodes = wrap_dates(self.inlines(block), self)
        return FrontBlock(first.number, first.indent + 1, nodes, kind=kind)

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


def is_capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) > 8 and sum(c.isupper() for c in letters) > 0.8 * len(letters)


def is_narrative(block: RawBlock) -> bool:
    """The block reads as prose: a sentence with lower-case words, eight words or more
    or ending with a full stop; not a labelled field, a heading or a stamp line."""
    first = plain(block.first.text)
    words = first.split()
    if len(words) < 6 or not re.match(r"[\"“‘'(\[]?[A-Z]", first):
        return False
    heading = _HEADING.match(first)
    if _LABEL.match(first) or _STAMP_WORDS.search(first) or (heading and heading["type"].isupper()):
        return False
    sentence = len(words) >= 8 or re.search(r"[.?!][\"”’)\]]?$", plain(block.text)) is not None
    return sentence and sum(w[:1].islower() for w in words) >= 3


# ----------------------------------------------------------------- date, time, place

Part = tuple[str, int, int]  # (kind, start, end) of a stated fact inside a line


def dateline_parts(text: str, place_allowed: bool) -> list[Part] | None:
    """The time and place parts of a date, time or place line; None for any other line.

    Forms: "November 15, 1956", "June 3, 1961, 3 p.m.", "10:30–11:10 a.m.",
    "Washington, May 18, 1955", and a place alone ("Washington", "US Mission, N.Y.")
    where ``place_allowed``.
    """
    bare = plain(text)
    if bare != text.strip():
        return [] if DATE_RE.fullmatch(bare) else None
    parts: list[Part] = []
    offset = 0
    located = _PLACE_DATE.fullmatch(text)
    if located:
        parts.append(("place", 0, located.end("place")))
        offset = located.start("rest")
    date = DATE_RE.match(text, offset)
    if date:
        rest = text[date.end() :]
        if not rest.strip():
            return parts
        time = TIME_RE.fullmatch(rest.lstrip(", ")) or re.fullmatch(_CLOCK, rest.lstrip(", "))
        if time is None or not rest.startswith(","):
            return None
        start = len(text) - len(rest.lstrip(", "))
        return [*parts, ("time", start, len(text))]
    if located:
        return None
    if TIME_RE.fullmatch(text):
        return [("time", 0, len(text))]
    if (
        place_allowed
        and PLACE_RE.fullmatch(text)
        and not _LABEL.match(text)
        and not is_capitals(text)
    ):
        return [("place", 0, len(text))]
    return None


def line_nodes(r: FrontReader, line: Line, parts: list[Part], start: int = 0) -> list[Inline]:
    """A line's inline nodes from ``start``, with its stated parts as Segments."""
    nodes: list[Inline] = []
    col = line.indent + 1
    pos = start
    for kind, begin, end in parts:
        if begin > pos:
            nodes.extend(
                parse_inline(line.text[pos:begin], r.file, line.number, col + pos, r.diagnostics)
            )
        piece = line.text[begin:end]
        content = parse_inline(piece, r.file, line.number, col + begin, r.diagnostics)
        nodes.append(Segment(line.number, col + begin, content, kind=kind))
        if kind == "time" and r.facts.time is None:
            r.facts.time = piece
        elif kind == "place" and r.facts.place is None:
            r.facts.place = piece
        pos = end
    if pos < len(line.text):
        nodes.extend(parse_inline(line.text[pos:], r.file, line.number, col + pos, r.diagnostics))
    return nodes


def joined(lines: list[tuple[Line, list[Inline]]]) -> list[Inline]:
    """Lines' nodes joined as the block holds them: a line end, and <lb/> for a hard one."""
    nodes: list[Inline] = []
    prev: Line | None = None
    for line, content in lines:
        if prev is not None:
            if prev.hard_break or prev.lb:
                nodes.append(LineBreak(prev.number, prev.indent + len(prev.text) + 1))
            nodes.append(Text(line.number, 1, "\n"))
        nodes.extend(content)
        prev = line
    return nodes


def rule_dateline(r: FrontReader, block: RawBlock) -> bool:
    """Date, time and place lines, in any order and combination."""
    dated = any(DATE_RE.search(x.text) or TIME_RE.fullmatch(x.text) for x in block.lines)
    # A place stands in a block with a date or time, or alone right after one.
    place_allowed = dated or (len(block.lines) == 1 and r.dated and r.facts.place is None)
    found = [dateline_parts(line.text, place_allowed) for line in block.lines]
    if any(parts is None for parts in found):
        return False
    r.dated = True
    nodes = joined(
        [
            (line, line_nodes(r, line, parts or []))
            for line, parts in zip(block.lines, found, strict=True)
        ]
    )
    only_date = len(block.lines) == 1 and not found[0]
    return r.emit("date" if only_date else "dateline", block, wrap_dates(nodes, r))


# ----------------------------------------------------------------- labelled fields


def _label_kind(label: str) -> str:
    return re.sub(r"[^a-z]+", "-", label.lower()).strip("-")


def rule_label_value(r: FrontReader, block: RawBlock) -> bool:
    if r.pending_label is None:
        return False
    label, r.pending_label = r.pending_label, None
    value = plain(block.text)
    if _PARTICIPANTS_LABEL.fullmatch(label):
        return read_participants(r, block, [line.text for line in block.lines])
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
    elif label in _FACT_LABELS:
        return record_fact(r, block, label, 0)
    return r.emit(label, block)


def rule_label(r: FrontReader, block: RawBlock) -> bool:
    """A label alone ("Citation:", "COPIES TO:", "PARTICIPANTS:"): its value follows."""
    match = re.fullmatch(r"([A-Z][A-Za-z ]{2,30}):", block.text)
    if len(block.lines) != 1 or match is None:
        return False
    label = match.group(1)
    r.pending_label = label if _PARTICIPANTS_LABEL.fullmatch(label) else _label_kind(label)
    return r.emit("label", block)


def rule_labelled(r: FrontReader, block: RawBlock) -> bool:
    """``LABEL: value`` on the block's first line, the value going on over its other
    lines: SUBJECT, PARTICIPANTS / Present, Place, Time, Date, COPIES TO, …"""
    match = _LABEL.match(block.first.text)
    if match is None:
        return False
    label = match.group("label")
    value_start = (
        match.end()
        + len(block.first.text[match.end() :])
        - len(block.first.text[match.end() :].lstrip())
    )
    if _PARTICIPANTS_LABEL.fullmatch(label):
        texts = [block.first.text[value_start:]] + [line.text for line in block.lines[1:]]
        return read_participants(r, block, texts, value_start)
    kind = _label_kind(label)
    if kind == "subject":
        value = plain(block.text[value_start:])
        r.facts.subject = " ".join(value.split())
        return r.emit("subject", block)
    if kind in _FACT_LABELS:
        return record_fact(r, block, kind, value_start)
    return r.emit(kind, block)


def record_fact(r: FrontReader, block: RawBlock, kind: str, start: int) -> bool:
    """``Place: Washington``, ``Time: 3 p.m.``, ``Date: May 3, 1961`` as stated facts."""
    first = block.first
    value = first.text[start:]
    if kind == "date" and not DATE_RE.search(value):
        return False  # "Date: 4/4/92" belongs to a review stamp
    parts: list[Part] = []
    if kind in ("place", "time") and value.strip():
        parts = [(kind, start, len(first.text))]
    nodes = joined(
        [(first, line_nodes(r, first, parts))]
        + [
            (line, parse_inline(line.text, r.file, line.number, line.indent + 1, r.diagnostics))
            for line in block.lines[1:]
        ]
    )
    r.dated = r.dated or kind in ("date", "time")
    return r.emit(kind, block, wrap_dates(nodes, r))


def read_participants(
    r: FrontReader, block: RawBlock, texts: list[str], first_offset: int = 0
) -> bool:
    """A participants field: each entry becomes a participant (see participants.py)."""
    for n, (line, parsed) in enumerate(zip(block.lines, parse_block(texts), strict=True)):
        offset = first_offset if n == 0 else 0
        r.participants.extend(parsed.entries)
        for at, label in parsed.glued_sides:
            r.run_together(
                line, offset + at, f"a name and the side label {label!r}; split before the label"
            )
    return r.emit("participants", block)


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
    if DATE_RE.fullmatch(plain(text)):
        return False
    r.facts.title = " ".join(plain(text).split())
    return r.emit("title", block)


def rule_url(r: FrontReader, block: RawBlock) -> bool:
    match = re.fullmatch(r"<(https?://\S+)>", block.text)
    if match is None:
        return False
    r.facts.url = match.group(1)
    return r.emit("url", block)


def rule_stated_person(r: FrontReader, block: RawBlock) -> bool:
    match = re.fullmatch(r"(From the diary of|Drafted by|Prepared by) (.+)", block.text)
    if match is None or len(block.lines) != 1:
        return False
    name = match.group(2).strip()
    if match.group(1) == "From the diary of":
        r.facts.diarist = name
        return r.emit("diarist", block)
    r.facts.drafter = name
    return r.emit("drafter", block)


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
    rest = first.text[start:]
    parts = dateline_parts(rest, place_allowed=False) if rest.strip() else None
    shifted = [(kind, begin + start, end + start) for kind, begin, end in parts or []]
    nodes.extend(line_nodes(r, first, shifted, start))
    return nodes


def rule_heading(r: FrontReader, block: RawBlock) -> bool:
    """A document-type heading, with date, time and place lines after it."""
    first = block.first
    match = _HEADING.match(first.text)
    if match is None:
        return False
    if not match.group("type").isupper() and re.search(r"[a-z]", first.text[match.end() :]):
        return False  # "Memorandum of conversation between …": a sentence, not a heading
    lines = [(first, _split_heading(r, first, match))]
    dated = bool(match.group("date"))
    for line in block.lines[1:]:
        parts = dateline_parts(line.text, place_allowed=dated)
        if parts is None:
            nodes = parse_inline(line.text, r.file, line.number, line.indent + 1, r.diagnostics)
        else:
            dated = True
            nodes = line_nodes(r, line, parts)
        lines.append((line, nodes))
    r.dated = r.dated or dated
    return r.emit("heading", block, wrap_dates(joined(lines), r))


def rule_classification(r: FrontReader, block: RawBlock) -> bool:
    """A classification mark above the heading (``~~SECRET~~``, ``TOP SECRET``)."""
    if len(block.lines) != 1 or not is_classification(block.text):
        return False
    r.facts.classifications.append(classification_mark(block.text))
    return r.emit("classification", block)


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
    rule_heading,
    rule_classification,
    rule_stamp,
    rule_dateline,
    rule_copy,
    rule_title,
    rule_url,
    rule_stated_person,
    rule_labelled,
)
