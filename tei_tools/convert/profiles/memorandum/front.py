"""Front matter: the leading blocks that state facts about the document.

Each recogniser reads one block's text (its view: no notation, whatever the reader)
and, when it knows the block, emits the ``FrontBlock`` it becomes, its nodes cut where
the facts it states stand (``Segment``, ``DateRef``), and records those facts. The
first block that no recogniser knows starts the body. Text run together by the
source's extraction is split only where the block's grammar makes the boundary
certain, and reported.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from tei_tools.convert.blocks import TextBlock
from tei_tools.convert.model import (
    DateRef,
    Emphasis,
    Facts,
    FrontBlock,
    Inline,
    Link,
    Segment,
    Stamp,
    Text,
)
from tei_tools.convert.people import edit_distance
from tei_tools.convert.profiles.memorandum.participants import Entry, parse_block
from tei_tools.convert.profiles.structure import (
    classification_mark,
    is_classification,
    is_page_number,
)
from tei_tools.diagnostics import Diagnostic
from tei_tools.names.identity import fold

_WRAPPERS = (Emphasis, Segment)  # a tuple: cheaper in isinstance than a union

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
    leftover: TextBlock | None = None
    dated: bool = False  # a date or time line was read: a place line may follow

    def emit(self, kind: str, block: TextBlock, nodes: list[Inline] | None = None) -> bool:
        content = block.fresh() if nodes is None else nodes
        line, col, file = block.start
        self.blocks.append(FrontBlock(line, col, content, kind=kind, facs=block.facs, file=file))
        return True

    def run_together(self, block: TextBlock, offset: int, what: str) -> None:
        line, col, file = block.view.at(offset)
        self.diagnostics.append(
            Diagnostic(
                "C201",
                f"text run together: {what}",
                file or self.file,
                line,
                col,
                hint="check the transcription; a line break or space is probably missing",
            )
        )

    def segmented(self, block: TextBlock, parts: list[Part]) -> list[Inline]:
        """The block's nodes with its stated parts (offsets in its text) as Segments;
        the first time and the first place stated are the document's."""
        text = block.view.text
        for kind, begin, end in parts:
            if kind == "time" and self.facts.time is None:
                self.facts.time = text[begin:end]
            elif kind == "place" and self.facts.place is None:
                self.facts.place = text[begin:end]
        return block.view.segments(parts)

    def read(self, blocks: list[TextBlock]) -> int:
        """Consume the front matter; return the index of the first body block.

        Front matter is read as fields, in any order: a block no rule knows stays in
        the front when a known field follows it before the narrative starts, and
        otherwise starts the body. The narrative (a block that reads as prose) always
        starts the body, unless a label is waiting for its value; a page number
        always does.
        """
        waiting: list[TextBlock] = []  # unknown blocks: front or body, decided later
        index = 0
        for index, block in enumerate(blocks):
            if is_page_number(block):
                break  # a new page: the front matter of the first has ended
            if self.pending_label is None and is_narrative(block):
                break
            if self.pending_label is None and self.speaks(block):
                break  # a transcript's first speaker: the body has begun
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

    def speaks(self, block: TextBlock) -> bool:
        """The block opens with a participant's name as a speaker's label
        ("Kissinger:", "Secretary Kissinger:", a misspelling of one), not a field's."""
        match = _LABEL.match(block.line_texts[0])
        if match is None or not self.participants:
            return False
        words = [fold(w) for w in match.group("label").split()]
        surnames = {fold(w) for e in self.participants for w in e.surname.split()}
        if any(w in surnames for w in words):
            return True
        last = words[-1]  # a misspelt surname: one edit in a word of five letters or more
        return len(last) >= 5 and any(
            len(s) >= 5 and edit_distance(last, s, 1) <= 1 for s in surnames
        )

    def unknown_block(self, block: TextBlock) -> FrontBlock:
        kind = "heading" if is_capitals(block.line_texts[0]) else "front"
        line, col, file = block.start
        nodes = wrap_dates(block.fresh(), self)
        return FrontBlock(line, col, nodes, kind=kind, facs=block.facs, file=file)

    def read_block(self, block: TextBlock) -> bool:
        """Try the rules on the whole block, else on its first line and then the rest
        (a date line directly above a bold title forms one block in some sources)."""
        if any(rule(self, block) for rule in _RULES):
            return True
        if len(block.lines) == 1:
            return False
        head, rest = block.part(0, 1), block.part(1, len(block.lines))
        if not any(rule(self, head) for rule in _RULES):
            return False
        if self.read_block(rest):
            return True
        self.leftover = rest
        return True


def is_capitals(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) > 8 and sum(c.isupper() for c in letters) > 0.8 * len(letters)


def is_narrative(block: TextBlock) -> bool:
    """The block reads as prose: a sentence with lower-case words, eight words or more
    or ending with a full stop; not a labelled field, a heading or a stamp line."""
    first = block.line_texts[0].strip()
    words = first.split()
    if len(words) < 6 or not re.match(r"[\"“‘'(\[]?[A-Z]", first):
        return False
    heading = _HEADING.match(first)
    if _LABEL.match(first) or _STAMP_WORDS.search(first) or (heading and heading["type"].isupper()):
        return False
    sentence = len(words) >= 8 or re.search(r"[.?!][\"”’)\]]?$", block.text.strip()) is not None
    return sentence and sum(w[:1].islower() for w in words) >= 3


# ----------------------------------------------------------------- date, time, place

Part = tuple[str, int, int]  # (kind, start, end) of a stated fact inside a line


def dateline_parts(text: str, place_allowed: bool, marked: bool = False) -> list[Part] | None:
    """The time and place parts of a date, time or place line; None for any other line.

    Forms: "November 15, 1956", "June 3, 1961, 3 p.m.", "10:30–11:10 a.m.",
    "Washington, May 18, 1955", and a place alone ("Washington", "US Mission, N.Y.")
    where ``place_allowed``. A ``marked`` line (struck, added to, in bold) is read
    only as a date alone, whose parts are not cut.
    """
    if marked:
        return [] if DATE_RE.fullmatch(text.strip()) else None
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


def line_parts(block: TextBlock, n: int, place_allowed: bool, start: int = 0) -> list[Part] | None:
    """``dateline_parts`` of line ``n`` from ``start``, at offsets of the block's text."""
    begin, end = block.spans[n]
    text = block.view.text[begin + start : end]
    parts = dateline_parts(text, place_allowed, block.marked(begin + start, end))
    if parts is None:
        return None
    return [(kind, b + begin + start, e + begin + start) for kind, b, e in parts]


def rule_dateline(r: FrontReader, block: TextBlock) -> bool:
    """Date, time and place lines, in any order and combination."""
    texts = block.line_texts
    dated = any(DATE_RE.search(x) or TIME_RE.fullmatch(x) for x in texts)
    # A place stands in a block with a date or time, or alone right after one.
    place_allowed = dated or (len(texts) == 1 and r.dated and r.facts.place is None)
    found = [line_parts(block, n, place_allowed) for n in range(len(texts))]
    if any(parts is None for parts in found):
        return False
    r.dated = True
    nodes = r.segmented(block, [part for parts in found for part in parts or []])
    only_date = len(texts) == 1 and not found[0]
    return r.emit("date" if only_date else "dateline", block, wrap_dates(nodes, r))


# ----------------------------------------------------------------- labelled fields


def _label_kind(label: str) -> str:
    return re.sub(r"[^a-z]+", "-", label.lower()).strip("-")


def rule_label_value(r: FrontReader, block: TextBlock) -> bool:
    if r.pending_label is None:
        return False
    label, r.pending_label = r.pending_label, None
    value = block.text.strip()
    if _PARTICIPANTS_LABEL.fullmatch(label):
        return read_participants(r, block, block.line_texts)
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


def rule_label(r: FrontReader, block: TextBlock) -> bool:
    """A label alone ("Citation:", "COPIES TO:", "PARTICIPANTS:"): its value follows."""
    match = re.fullmatch(r"([A-Z][A-Za-z ]{2,30}):", block.text)
    if len(block.lines) != 1 or match is None:
        return False
    label = match.group(1)
    r.pending_label = label if _PARTICIPANTS_LABEL.fullmatch(label) else _label_kind(label)
    return r.emit("label", block)


def rule_labelled(r: FrontReader, block: TextBlock) -> bool:
    """``LABEL: value`` on the block's first line, the value going on over its other
    lines: SUBJECT, PARTICIPANTS / Present, Place, Time, Date, COPIES TO, …"""
    texts = block.line_texts
    first = texts[0]
    match = _LABEL.match(first)
    if match is None:
        return False
    label = match.group("label")
    value_start = match.end() + len(first[match.end() :]) - len(first[match.end() :].lstrip())
    if _PARTICIPANTS_LABEL.fullmatch(label):
        return read_participants(r, block, [first[value_start:], *texts[1:]], value_start)
    kind = _label_kind(label)
    if kind == "subject":
        value = block.text[value_start:].strip()
        r.facts.subject = " ".join(value.split())
        return r.emit("subject", block)
    if kind in _FACT_LABELS:
        return record_fact(r, block, kind, value_start)
    return r.emit(kind, block)


def record_fact(r: FrontReader, block: TextBlock, kind: str, start: int) -> bool:
    """``Place: Washington``, ``Time: 3 p.m.``, ``Date: May 3, 1961`` as stated facts."""
    end = block.spans[0][1]
    value = block.view.text[start:end]
    if kind == "date" and not DATE_RE.search(value):
        return False  # "Date: 4/4/92" belongs to a review stamp
    parts: list[Part] = []
    if kind in ("place", "time") and value.strip():
        parts = [(kind, start, end)]
    nodes = r.segmented(block, parts)
    r.dated = r.dated or kind in ("date", "time")
    return r.emit(kind, block, wrap_dates(nodes, r))


def read_participants(
    r: FrontReader, block: TextBlock, texts: list[str], first_offset: int = 0
) -> bool:
    """A participants field: each entry becomes a participant (see participants.py)."""
    for n, ((begin, _), parsed) in enumerate(zip(block.spans, parse_block(texts), strict=True)):
        offset = begin + (first_offset if n == 0 else 0)
        r.participants.extend(parsed.entries)
        for at, label in parsed.glued_sides:
            r.run_together(
                block, offset + at, f"a name and the side label {label!r}; split before the label"
            )
        if parsed.guessed:
            line, col, file = block.view.at(offset)
            r.diagnostics.append(
                Diagnostic(
                    "C305",
                    "participants typed on one line without separators, split where a new "
                    f"person begins: {'; '.join(parsed.guessed)}",
                    file or r.file,
                    line,
                    col,
                    hint="check the entries; a comma or a line break between people decides it",
                )
            )
    return r.emit("participants", block)


def rule_doc_number(r: FrontReader, block: TextBlock) -> bool:
    """A document number alone, in bold."""
    bold = block.nodes[0] if len(block.nodes) == 1 else None
    if not isinstance(bold, Emphasis) or bold.rend != "bold":
        return False
    digits = block.view.text
    if not re.fullmatch(r"\d+", digits) or not all(isinstance(n, Text) for n in bold.children):
        return False
    r.facts.doc_number = digits
    [copy] = block.fresh()
    assert isinstance(copy, Emphasis)
    line, col, file = block.view.at(0)
    copy.children = [Segment(line, col, copy.children, kind="docNumber", file=file)]
    return r.emit("docNumber", block, [copy])


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
                            node.file or r.file,
                            node.line,
                            node.col + m.start(),
                        )
                    )
                    continue
                if m.start() > pos:
                    out.append(replace(node, col=node.col + pos, text=node.text[pos : m.start()]))
                col = node.col + m.start()
                date = replace(node, col=col, text=m.group())
                out.append(DateRef(node.line, col, [date], when=when, file=node.file))
                # The first date dates the document; a spelled-out form names it best.
                if r.facts.date_when is None or (r.facts.date_when == when and not m.group("y3")):
                    r.facts.date_when, r.facts.date_text = when, m.group()
                pos = m.end()
            if pos < len(node.text):
                out.append(replace(node, col=node.col + pos, text=node.text[pos:]))
        elif isinstance(node, _WRAPPERS):
            node.children = wrap_dates(node.children, r)
            out.append(node)
        else:
            out.append(node)
    return out


def rule_copy(r: FrontReader, block: TextBlock) -> bool:
    match = re.fullmatch(r"Copy (\d+) of (\d+)(?: copies)?", block.text)
    if match is None:
        return False
    r.facts.copy = f"{match.group(1)} of {match.group(2)}"
    return r.emit("copy", block)


def _bold(node: Inline) -> bool:
    return isinstance(node, Emphasis) and node.rend == "bold"


def rule_title(r: FrontReader, block: TextBlock) -> bool:
    """A title in bold: the block starts and ends in bold (it may span lines)."""
    nodes = block.nodes
    if not nodes or not (_bold(nodes[0]) and _bold(nodes[-1])) or r.facts.title is not None:
        return False
    text = block.text.strip()
    if DATE_RE.fullmatch(text):
        return False
    r.facts.title = " ".join(text.split())
    return r.emit("title", block)


def rule_url(r: FrontReader, block: TextBlock) -> bool:
    if len(block.nodes) != 1 or not isinstance(block.nodes[0], Link):
        return False
    r.facts.url = block.nodes[0].target
    return r.emit("url", block)


def rule_stated_person(r: FrontReader, block: TextBlock) -> bool:
    match = re.fullmatch(r"(From the diary of|Drafted by|Prepared by) (.+)", block.text)
    if match is None or len(block.lines) != 1:
        return False
    name = match.group(2).strip()
    if match.group(1) == "From the diary of":
        r.facts.diarist = name
        return r.emit("diarist", block)
    r.facts.drafter = name
    return r.emit("drafter", block)


def heading_parts(r: FrontReader, block: TextBlock, match: re.Match[str]) -> list[Part]:
    """``MEMORANDUM OF CONVERSATIONDRAFTNovember 6, 1962`` → docType | status | date."""
    r.facts.doc_type = match.group("type").capitalize()
    ends = [(match.end("type"), "docType")]
    if match.group("draft"):
        r.facts.draft = True
        ends.append((match.end("draft"), "status"))
    if match.group("draft") or match.group("date"):
        pieces = " | ".join(p for p in match.group(0).partition("DRAFT") if p)
        r.run_together(
            block, match.end("type"), f"document type, status and date; split as {pieces}"
        )
    parts: list[Part] = []
    start = 0
    for end, kind in ends:
        parts.append((kind, start, end))
        start = end
    if block.line_texts[0][start:].strip():
        parts += line_parts(block, 0, place_allowed=False, start=start) or []
    return parts


def rule_heading(r: FrontReader, block: TextBlock) -> bool:
    """A document-type heading, with date, time and place lines after it."""
    first = block.line_texts[0]
    match = _HEADING.match(first)
    if match is None:
        return False
    if not match.group("type").isupper() and re.search(r"[a-z]", first[match.end() :]):
        return False  # "Memorandum of conversation between …": a sentence, not a heading
    parts = heading_parts(r, block, match)
    dated = bool(match.group("date"))
    for n in range(1, len(block.lines)):
        found = line_parts(block, n, place_allowed=dated)
        if found is not None:
            dated = True
            parts += found
    r.dated = r.dated or dated
    return r.emit("heading", block, wrap_dates(r.segmented(block, parts), r))


def rule_classification(r: FrontReader, block: TextBlock) -> bool:
    """A classification mark above the heading (``~~SECRET~~``, ``TOP SECRET``)."""
    if len(block.lines) != 1 or not is_classification(block.text):
        return False
    r.facts.classifications.append(classification_mark(block.text))
    return r.emit("classification", block)


def rule_stamp(r: FrontReader, block: TextBlock) -> bool:
    texts = block.line_texts
    if not any(_STAMP_WORDS.search(text) for text in texts):
        return False
    stamp = block
    run_on = _STAMP_RUN_ON.match(texts[-1])
    if run_on is not None:
        cut = block.spans[-1][0] + run_on.end("stamp")
        r.run_together(
            block,
            cut,
            f"the stamp line {run_on.group('stamp')!r} and the text "
            "after it; the text after it starts the body",
        )
        stamp, r.leftover = block.split(cut)
    line, col, file = stamp.start
    r.blocks.append(Stamp(line, col, stamp.fresh(), facs=stamp.facs, file=file))
    return True


Rule = Callable[[FrontReader, TextBlock], bool]

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
