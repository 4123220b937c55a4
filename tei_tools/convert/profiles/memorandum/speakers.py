"""Speakers: which paragraphs report speech, and whose.

Memoranda report speech in the third person. A paragraph's speaker is the first
participant named next to a speech verb ("Mr. Kuznetsov said", "said V.V.
Kuznetsov"); "He"/"She" with a speech verb continues the previous speaker, and a
paragraph with no cue continues the speech of the one before it unless it reads
as narration ("The meeting took place…"). Deleted words are not read: "~~Mr.
Gromyko~~ <sup>if</sup> continued" names nobody.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tei_tools.convert.model import (
    Addition,
    Block,
    Container,
    Deletion,
    Inline,
    LineBreak,
    Paragraph,
    PersonRef,
    Substitution,
    Text,
)
from tei_tools.diagnostics import Diagnostic
from tei_tools.names.lexicon import is_title

_NAME_TEXT = (Text, PersonRef)  # a tuple: cheaper in isinstance than a union

SPEECH_VERBS = [
    "acknowledged",
    "added",
    "admitted",
    "agreed",
    "answered",
    "appealed",
    "appreciated",
    "asked",
    "asserted",
    "assured",
    "believe",
    "commented",
    "concluded",
    "congratulated",
    "continued",
    "conveyed",
    "declared",
    "emphasized",
    "explained",
    "expressed",
    "indicated",
    "informed",
    "inquired",
    "insisted",
    "interjected",
    "mentioned",
    "noted",
    "objected",
    "observed",
    "opened",
    "pointed",
    "promised",
    "proposed",
    "quoted",
    "recalled",
    "regretted",
    "reiterated",
    "remarked",
    "reminded",
    "repeated",
    "replied",
    "reported",
    "responded",
    "returned",
    "reverted",
    "said",
    "stated",
    "stressed",
    "suggested",
    "summarized",
    "thanked",
    "thought",
    "told",
    "turned",
    "urged",
    "went",
    "wished",
    "wondered",
]
_VERB = "|".join(SPEECH_VERBS)
_FILLER = (
    r"(?:(?:then|also|again|further|finally|once|now|later|immediately|has|had|have|was|did|not"
    r"|at\s+this\s+point|in\s+reply|in\s+turn)\s+){0,3}"
)
# An aside between a name and its verb: "Nehru (without much confidence) wondered"
_ASIDE = r"(?:\s*\([^()]{0,80}\))?"
# "X said", "X, the Ambassador, said", "X and Y replied", "X, Y and Z said" (the first
# named speaks first).
_NAME_VERB = re.compile(
    rf"\x01(?P<ref>\d+)\x02(?:,\s*\x01\d+\x02)*(?:,?\s+and\s+\x01\d+\x02)?"
    rf"(?:,[^,]{{0,60}},)?{_ASIDE}\s+{_FILLER}(?P<verb>{_VERB})\b"
)
_VERB_NAME = re.compile(r"\b(?P<verb>said|continued|added|asked|stressed)\s+\x01(?P<ref>\d+)\x02")
# "X continued" / "X went on" say that X was the one speaking before.
CONTINUING_VERBS = frozenset({"continued", "went"})
_PRONOUN_VERB = re.compile(rf"\b(?:[Hh]e|[Ss]he)\s+{_FILLER}(?:{_VERB})\b")
_NARRATION = re.compile(
    r"\s*(?:At the (?:conclusion|beginning|end) of the (?:meeting|conversation)\b(?!,)"
    r"|The (?:meeting|conversation) (?:took place|was recorded))"
)
CUE_WINDOW = 300  # speaker cues are looked for near the start of a paragraph
# A paragraph that opens with a name as the subject of a speech verb ("Sir Harold
# Caccia said", "Mr. Gusev replied"): whoever that is, the paragraph never inherits the
# previous speaker. Names may be linked (\x01k\x02 markers) or plain capitalised words.
_NAME_WORD = r"(?:\x01\d+\x02|[A-Z][\w'’.-]*|de|van|von|du|la|le)"
_OPENING_NAME = re.compile(
    rf"\s*[\"“‘'(]?(?P<name>{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,4}})"
    rf"(?:,[^,]{{0,60}},)?{_ASIDE}\s+{_FILLER}(?P<verb>{_VERB})\b"
)
_PRONOUNS = frozenset({"He", "She", "They", "It", "We", "I", "This", "That", "There"})


def _pronoun(word: str) -> bool:
    """A pronoun, or its contraction ("I’ve", "We’re", "It’s"): no one's name."""
    return re.split(r"['’]", word, maxsplit=1)[0] in _PRONOUNS


# Lines that record who made the document, not what anyone said.
_RECORD_LINE = re.compile(
    r"\s*(?:(?:Drafted|Cleared|Approved|Prepared|Typed|Transcribed|Concurred)\s+(?:in\s+)?by"
    r"|Distribution\b|Copies\s+to\b|cc:)",
    re.I,
)


def reading_text(nodes: list[Inline], refs: list[PersonRef]) -> str:
    """The paragraph as read (deletions dropped); names become \\x01k\\x02 markers."""
    out: list[str] = []
    for node in nodes:
        if isinstance(node, Text):
            out.append(node.text)
        elif type(node) is LineBreak:  # one a line: the commonest after text
            continue
        elif isinstance(node, PersonRef):
            refs.append(node)
            out.append(f"\x01{len(refs) - 1}\x02")
        elif isinstance(node, Substitution):
            for part in node.parts:
                if isinstance(part, Addition):
                    out.append(reading_text(part.children, refs))
        elif isinstance(node, Deletion):
            continue
        elif isinstance(node, Container):
            out.append(reading_text(node.children, refs))
    return "".join(out)


def _spoken_name(nodes: list[Inline]) -> str:
    """A name as read, its white space collapsed."""
    return " ".join(reading_text(nodes, []).split())


def _named(text: str, refs: list[PersonRef]) -> str:
    """Reading text with its name markers replaced by the names."""
    return re.sub("\x01(\\d+)\x02", lambda m: _spoken_name(refs[int(m[1])].children), text)


@dataclass(frozen=True)
class _Unresolved:
    """A cue naming someone who resolves to no declared person."""

    continuing: bool  # the verb says the previous speaker goes on ("continued")
    name: str = ""  # as the paragraph gives it, when known


def find_cue(text: str, refs: list[PersonRef]) -> str | _Unresolved | None:
    """The speaker named by the earliest cue; "" means a pronoun (previous speaker)."""
    window = text[:CUE_WINDOW]
    cues: list[tuple[int, str | _Unresolved]] = []
    for pattern in (_NAME_VERB, _VERB_NAME):
        for m in pattern.finditer(window):
            named = refs[int(m.group("ref"))]
            ref = named.ref
            if ref is None:
                continuing = m.group("verb") in CONTINUING_VERBS
                cues.append((m.start(), _Unresolved(continuing, _spoken_name(named.children))))
            else:  # a participant, or someone else the document declares (they speak too)
                cues.append((m.start(), ref))
    pronoun = _PRONOUN_VERB.search(window)
    if pronoun:
        cues.append((pronoun.start(), ""))
    return min(cues, key=lambda c: c[0])[1] if cues else None


# A transcript's paragraph opens with its speaker's label: "Kissinger: Let's do that."
_LINKED_LABEL = re.compile(r"\s*\x01(?P<ref>\d+)\x02:\s")
# Labels a transcript's editor writes that name no speaker ("Note: the tape was cut")
_NOT_SPEAKERS = frozenset(
    {"note", "notes", "comment", "editor", "source", "summary", "subject", "action"}
    | {"question", "answer", "translation", "translator", "recording", "tape", "remark"}
)
_PLAIN_LABEL = re.compile(r"\s*(?P<name>[A-Z][A-Za-z'’-]{3,}):\s")


def dialogue(body: list[Block], file: str, diagnostics: list[Diagnostic]) -> set[int]:
    """The paragraphs of a transcript that open with a speaker's label: each is that
    speaker's direct speech, the label set apart. Where two or more labels name
    participants, the document is a transcript, and a label that names nobody
    declared is kept as a label without a speaker (C303), never given to another.
    Returns the ids of the paragraphs read so."""
    found: list[tuple[Paragraph, str | None, str]] = []
    for block in body:
        if not isinstance(block, Paragraph):
            continue
        refs: list[PersonRef] = []
        text = reading_text(block.children, refs)
        linked = _LINKED_LABEL.match(text)
        if linked:
            named = refs[int(linked["ref"])]
            found.append((block, named.ref, _spoken_name(named.children)))
        elif (plain := _PLAIN_LABEL.match(text)) and plain["name"].casefold() not in _NOT_SPEAKERS:
            found.append((block, None, plain["name"]))
    if sum(1 for _, ref, _ in found if ref) < 2:
        return set()
    done = set()
    for block, ref, name in found:
        label, rest = split_label(block.children)
        if not label:
            continue
        block.label, block.children = label, rest
        block.reports_speech, block.speaker = True, ref
        done.add(id(block))
        if ref is None:
            diagnostics.append(
                Diagnostic(
                    "C303",
                    f"a speaker's label ({name!r}) that resolves to no declared person; "
                    "kept as the label, without a speaker",
                    block.file or file,
                    block.line,
                    block.col,
                    hint="declare the speaker in people.toml or correct the name",
                )
            )
    return done


def split_label(nodes: list[Inline]) -> tuple[list[Inline], list[Inline]]:
    """The nodes up to and with the label's colon, and the rest (its leading space
    left out); ([], nodes) when no colon closes the first few nodes."""
    for i, node in enumerate(nodes[:4]):
        if isinstance(node, Text) and ":" in node.text:
            cut = node.text.index(":") + 1
            head = Text(node.line, node.col, node.text[:cut], file=node.file)
            tail_text = node.text[cut:].lstrip(" ")
            tail = Text(node.line, node.col + len(node.text) - len(tail_text), tail_text)
            tail.file = node.file
            return [*nodes[:i], head], ([tail] if tail_text else []) + nodes[i + 1 :]
        if not isinstance(node, _NAME_TEXT):
            break
    return [], nodes


def _unresolved_title_name(name: str, refs: list[PersonRef]) -> bool:
    """An opening "Lord Hiod", "Mr. Gusev": a title and a name that no declared
    person matches (unlinked, or linked to nobody)."""
    words = name.split()
    if len(words) < 2 or not is_title(words[0]):
        return False
    markers = [int(m) for m in re.findall("\x01(\\d+)\x02", name)]
    return all(refs[k].ref is None for k in markers)


def assign_speakers(body: list[Block], file: str, diagnostics: list[Diagnostic]) -> None:
    labelled = dialogue(body, file, diagnostics)
    previous: Paragraph | None = None
    for block in body:
        if not isinstance(block, Paragraph):
            continue
        if id(block) in labelled:
            previous = block
            continue
        refs: list[PersonRef] = []
        text = reading_text(block.children, refs)
        if not text.strip():
            continue  # a withheld paragraph ([REDACTED]) neither speaks nor breaks a speech
        if _RECORD_LINE.match(text):  # "Drafted by D.A. Greenhill": never speech
            previous = block
            continue
        cue = find_cue(text, refs)
        opening = _OPENING_NAME.match(text)
        if opening and not _pronoun(opening["name"].split()[0]):
            unnamed = _unresolved_title_name(opening["name"], refs)
            if cue is None or unnamed:  # never another name for one nobody is declared as
                name = _named(opening["name"], refs)
                cue = _Unresolved(opening["verb"] in CONTINUING_VERBS, name)
        if isinstance(cue, _Unresolved):
            carried = previous.speaker if cue.continuing and previous is not None else None
            block.reports_speech, block.speaker = True, carried
            who = f" ({cue.name!r})" if cue.name else ""
            message = f"reported speech by a speaker{who} who resolves to no declared person"
            if carried:
                message += f"; 'continued' gives it to the previous speaker, #{carried}"
            diagnostics.append(
                Diagnostic(
                    "C303",
                    message,
                    block.file or file,
                    block.line,
                    block.col,
                    hint="declare the speaker in people.toml or correct the name",
                )
            )
        elif cue == "" or (cue is None and not _NARRATION.match(text)):
            if previous is not None and previous.reports_speech:
                block.reports_speech, block.speaker = True, previous.speaker
        elif cue is not None:
            block.reports_speech, block.speaker = True, cue
        previous = block
