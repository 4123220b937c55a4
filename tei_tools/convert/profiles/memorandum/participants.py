"""Participants: one entry of a PARTICIPANTS block → a name, its parts and what the
source says about the person (title, role, office, group or side, qualifier).

The rules read forms, not names: titles and particles come from ``nameparser``'s
general lexicon; a line of a participants block is cut into entries at side labels
(``US -``, ``USSR-`` glued to the name before it), at commas or "and" before a titled
name, and before a title phrase that ends a line's role ("… Land Berlin Ambassador
Matthews"). What stands after a comma or a dash is a role when it reads as words, an
office when it is a code (``EUR``, ``GER/GPA``); parentheses hold a qualifier.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tei_tools.names.lexicon import (
    CONNECTORS,
    OFFICES,
    ORG_WORDS,
    is_honorific,
    is_initial,
    is_particle,
    is_title,
    suffixes,
    word_key,
)
from tei_tools.names.tokens import name_words, split_name

SIDE_LABEL = re.compile(
    r"(?<![A-Za-z])(?P<side>USSR|U\.S\.S\.R\.|US|U\.S\.|UN|UK)\s*[-–—:]\s+"
    r"|(?<=[a-z.])(?P<glued>USSR|US|UN|UK)\s*-\s*"
    r"|^(?P<bare>USSR|US|UK|UN)\s+(?=(?:The\s+)?[A-Z][a-z])"  # "UK Foreign Secretary Brown"
)
_DASH = re.compile(r"\s*[—–]\s*|\s+-\s+")
_QUALIFIER = re.compile(r"\s*\(([^()]*)\)")
_CODE = re.compile(r"[A-Z][A-Z/&.–-]*[A-Z.]|[A-Z]")


def is_code(text: str) -> bool:
    """An office code: capitals, slashes, dashes (``EUR``, ``S/S–RO``, ``GER/GPA``, ``G``)."""
    return bool(text) and all(_CODE.fullmatch(w) for w in text.split()) and len(text) <= 16


@dataclass
class Entry:
    """One participant as the block states them."""

    text: str  # the entry as printed (name with title; without role, office, qualifier)
    titles: list[str] = field(default_factory=list)  # title phrases, as printed
    given: list[str] = field(default_factory=list)
    surname: str = ""  # "" for someone named by office alone ("The Secretary")
    role: str | None = None
    affiliation: list[str] = field(default_factory=list)
    qualifier: str | None = None
    side: str | None = None

    @property
    def role_only(self) -> bool:
        return not self.surname


# First words of a place's name, not a person's ("North Vietnam", "Nationalist China")
_PLACE_FIRST = frozenset(
    ["north", "south", "east", "west", "northern", "southern", "eastern", "western"]
) | {"nationalist", "communist"}


def names_someone(text: str, bare: bool = False) -> bool:
    """The words name a person: title words, then name words (capitalised, initials or
    particles), or "The" and an office; with ``bare``, a surname alone will do."""
    words = name_words(text.strip())
    if not words or not words[0][:1].isupper():
        return False
    titles, given, surname = split_name(words)
    if not surname:
        return len(words) > 1 and words[0] == "The" and is_title(words[1])
    named = [*given, *surname.split()]
    if not titles and word_key(named[0]) in _PLACE_FIRST:
        return False  # "North Vietnam", "Nationalist China": a side's label, a place
    # An organisation's word names nobody ("Foreign Office", "Secretary of State for
    # External Affairs"), unless a full name follows it ("Counselor of Embassy William
    # P. Cochran")
    orgs = [w for w in words if word_key(w) in ORG_WORDS]
    if any(word_key(w) in ORG_WORDS for w in named) or (orgs and len(named) < 2):
        return False
    last = re.sub(r"['’]s$", "", named[-1])  # "Prime Minister’s": an office's, not a name
    if word_key(last) in OFFICES and not (titles and is_honorific(titles[-1].split()[-1])):
        return False  # "First Secretary", "Deputy Director": an office, not a name
    return all(not w.islower() or is_particle(w) for w in named) and (
        bool(titles) or len(named) >= 2 or bare
    )


def _split_off(text: str, pattern: re.Pattern[str]) -> tuple[str, str | None]:
    found = pattern.search(text)
    if found and not text[found.end() :].strip(" ,"):
        return text[: found.start()], found.group(1).strip()
    return text, None


def parse_entry(text: str, side: str | None, bare: bool = False) -> Entry | None:
    """One entry's text (name, then role or office) → Entry, or None when it names
    nobody (a group label such as "Italy" or "Federal Republic of Germany")."""
    body, qualifier = _split_off(text, _QUALIFIER)
    head, _, tail = body.strip(" ,;").partition(",")
    role: str | None = None
    affiliation: list[str] = []
    pieces = _DASH.split(head)
    name = next((p for p in pieces if names_someone(p, bare)), None)
    if name is None:
        first, _, rest = tail.partition(",")
        if _office(head) and names_someone(first.strip(), bare):
            # "Under Secy. for Foreign Affairs, James Barrington": the office first
            swapped = ", ".join(p.strip() for p in (first, head, rest) if p.strip())
            return parse_entry(swapped + text[len(body) :], side, bare)
        return None
    for extra in (p for p in pieces if p is not name):  # "EUR—Mr. Kohler", "Mr. X—EUR"
        if is_code(extra):
            affiliation.append(extra)
        else:
            role = extra
    for part in (p.strip() for p in tail.split(",")):
        if not part:
            continue
        if word_key(part) in suffixes():
            name = f"{name}, {part}"
        elif is_code(part) or role is not None:
            affiliation.append(part)
        else:
            role = part
    words = name_words(name)
    of_at = next((i for i, w in enumerate(words) if w == "of" and i > 1), None)
    if of_at is not None and not is_title(words[of_at - 1]):
        affiliation.append(" ".join(words[of_at + 1 :]))  # "Senator X of Washington"
        words = words[:of_at]
        name = " ".join(words)
    titles, given, surname = split_name(words)
    return Entry(name, titles, given, surname, role, affiliation, qualifier, side)


def _office(text: str) -> bool:
    """Words that are an office ("Under Secy. for Foreign Affairs", "Ambassador")."""
    words = text.split()
    return bool(words) and (is_title(words[0]) or any(word_key(w) in OFFICES for w in words))


def _cut_run_on(piece: str) -> int | None:
    """Where a role runs on into the next entry ("… Land Berlin Ambassador Matthews",
    "German Ambassador The Secretary"): the start of the second entry, or None."""
    if "," not in piece:
        return None
    role_start = piece.index(",")
    words = list(re.finditer(r"\S+", piece))
    for k, m in enumerate(words):
        if m.start() <= role_start or k == 0:
            continue
        rest = piece[m.start() :]
        if m.group() == "The" and names_someone(rest) and _office_after_the(rest):
            return m.start()
        tail = [w.group() for w in words[k:]]
        if (
            is_title(tail[0])
            and len(tail) == 2
            and "," not in tail[0]
            and word_key(words[k - 1].group()) not in CONNECTORS
            and tail[1][:1].isupper()
            and not is_title(tail[1])
            and not is_title(words[k - 1].group())
            and names_someone(rest)  # not "International Security Affairs"
        ):
            return m.start()
    return None


def split_line(text: str) -> list[str]:
    """Cut one line (side labels already removed) into entry texts."""
    return split_line_guessing(text)[0]


# What may follow "The" in an office ("The Secretary", "The Under Secretary")
_OFFICE_START = OFFICES | {"under", "acting", "vice", "prime", "foreign"}


def _office_after_the(text: str) -> bool:
    """``text`` ("The …") begins an office ("The Secretary"), not a name the article
    only precedes ("The Washington Post", an affiliation)."""
    words = text.split()
    return len(words) > 1 and word_key(words[1]) in _OFFICE_START


def split_line_guessing(text: str) -> tuple[list[str], list[str]]:
    """Cut one line into entry texts; and those cut where no separator was (a guess)."""
    pieces: list[str] = []
    pos = 0
    after_comma: set[int] = set()  # pieces split off at a comma
    # Several people on one line: a comma or "and" before a titled name.
    for m in re.finditer(r",\s+(?:and\s+)?|\s+and\s+", text):
        comma = text.find(",", m.end())  # the next entry only: slicing the rest is quadratic
        following = text[m.end() : comma if comma >= 0 else len(text)].split("(")[0]
        words = following.split()
        # after a comma, "The" before no title begins an affiliation ("…, The
        # Washington Post"), not a person ("…, The Secretary" may be one)
        article = words[:1] == ["The"] and not _office_after_the(following)
        if words and is_title(words[0]) and names_someone(following) and not article:
            pieces.append(text[pos : m.start()])
            if m.group().lstrip().startswith(","):
                after_comma.add(len(pieces))
            pos = m.end()
    pieces.append(text[pos:])
    out: list[str] = []
    for piece in pieces:
        cut = _cut_run_on(piece)
        out += [piece] if cut is None else [piece[:cut], piece[cut:]]
    parts = [_run_together(piece) for piece in out]
    run_on: set[str] = set()
    if len(out) == len(pieces):  # "Mr. Green, Secretary of State for External Affairs
        # Mr. Robinson": an office that names nobody, cut off a name by its comma only
        # because a name ran on after it, is that name's role
        for i in sorted(after_comma):
            if len(parts[i]) > 1 and not names_someone(parts[i][0]):
                parts[i - 1][-1] = f"{parts[i - 1][-1]}, {parts[i][0]}"
                parts[i] = parts[i][1:]
                run_on.update((parts[i - 1][-1].strip(), parts[i][0].strip()))  # still a guess
    entries = [part.strip() for cut_up in parts for part in cut_up if part.strip()]
    guessed = [part.strip() for cut_up in parts if len(cut_up) > 1 for part in cut_up]
    guessed += [e for e in entries if e in run_on and e not in guessed]
    return entries, [g for g in guessed if g]


def is_title_led(text: str) -> bool:
    """Words that name someone by a title and a name ("Foreign Minister Castiella",
    "Spanish Ambassador to U.S. Merry Del Val")."""
    words = text.split()
    if len(words) < 2 or not (is_title(words[0]) or is_title(words[1])) or "(" in text:
        return False
    titles, _, surname = split_name(name_words(text))
    return bool(titles) and bool(surname) and names_someone(text)


def _run_together(piece: str) -> list[str]:
    """``piece`` cut where new persons begin (see ``_first_cut``), in one pass."""
    out = []
    while (cut := _first_cut(piece)) is not None:
        out.append(piece[:cut])
        piece = piece[cut:]
    return [*out, piece]


def _first_cut(piece: str) -> int | None:
    """A piece cut where a new person begins inside a comma-free stretch of it, for a
    side's participants typed on one line without separators: an honorific after a
    name ("George Brown Sir Paul Gore-Booth"), a name after an office alone ("The
    Secretary John M. Leddy") or after an office code ("EUR Irving Cheslaw")."""
    for number, stretch in enumerate(re.finditer(r"[^,]+", piece)):
        words = list(re.finditer(r"\S+", stretch.group()))
        for k in range(1, len(words)):
            word, before = words[k].group(), words[k - 1].group()
            if not word[:1].isupper():  # a new person starts with a capital
                continue
            at = stretch.start() + words[k].start()
            following = [w.group() for w in words[k:]]
            named = [
                " ".join(following[:n])
                for n in range(2, min(len(following), 6) + 1)
                if names_someone(" ".join(following[:n]))
            ]
            if not named:
                continue
            rest = named[0]
            honorific = (
                is_honorific(word)
                and len(word.rstrip(".")) > 1  # "M." after a given name is an initial
                and before[:1].isupper()
                and not is_title(before)
            )
            office = (  # "The Secretary John M. Leddy", "The Secretary Ambassador Wagner"
                words[0].group() == "The"
                and all(is_title(w.group()) for w in words[1:k])
                and any(word_key(w.group()) in OFFICES for w in words[1:k])
                and k >= 2
                and "," in piece[at:]  # the name has its own role: the office is not its title
                and (not is_title(word) or is_title_led(rest))
            )
            article = word == "The"  # "United States The Secretary"
            titled = (  # "General Franco Foreign Minister Castiella": two titled names
                number == 0  # in the names, not in a role or an organisation after them
                and is_title(word)
                and not is_title(before)
                and not is_initial(word)  # "Mr. Evan M. Wilson" is one man
                and any(is_title_led(n) for n in named)
                and is_title_led(stretch.group()[: words[k].start()])
            )
            code = (
                k == 1
                and is_code(before)
                and len(before.replace(".", "")) >= 2
                and not is_initial(before)
                and not is_title(word)
                and len(rest.split()) >= 2
            )
            if honorific or office or code or article or titled:
                return at  # the rest is the next entry's, cut in its turn
    return None


@dataclass
class ParticipantLine:
    """What one line of a participants block states."""

    entries: list[Entry]
    glued_sides: list[tuple[int, str]]  # (offset, label) of side labels glued to a name
    guessed: list[str] = field(default_factory=list)  # entries cut where no comma was


def parse_block(lines: list[str]) -> list[ParticipantLine]:
    """Every line of a PARTICIPANTS block (label removed from the first) → entries.

    A line that names nobody names the group of those after it (``Italy``, ``Treasury:``,
    ``Federal Republic of Germany``), or, when it reads as the rest of the entry before
    (a title alone, an organisation after a role), continues that entry.
    """
    side: str | None = None
    group: str | None = None
    previous: Entry | None = None
    out: list[ParticipantLine] = []
    for text in lines:
        line = ParticipantLine([], [])
        segments: list[tuple[str, str | None]] = []
        pos = 0
        for m in SIDE_LABEL.finditer(text):
            segments.append((text[pos : m.start()], side))
            side = (m.group("side") or m.group("glued") or m.group("bare")).replace(".", "")
            group = None
            if m.group("glued"):
                line.glued_sides.append((m.start(), m.group("glued")))
            pos = m.end()
        segments.append((text[pos:], side))
        for segment, seg_side in segments:
            pieces, guessed = split_line_guessing(segment)
            line.guessed += guessed
            for piece in pieces:
                if not piece.replace(",", " ").split():
                    continue  # punctuation alone names nobody (its text stays in the block)
                entry = None if piece.endswith(":") else parse_entry(piece, seg_side)
                if entry is not None and (entry.surname or entry.text.startswith("The ")):
                    if group:
                        entry.affiliation.insert(0, group)
                    line.entries.append(entry)
                    previous = entry
                elif piece.split()[0].lower() in CONNECTORS | {"and"}:
                    continue  # "And other advisors": said of the group, names nobody
                elif previous is not None and continues_entry(previous, piece):
                    label = piece.strip()
                    if previous.role and not label[:1].islower() and not _open_role(previous):
                        previous.affiliation.append(label)
                    else:
                        previous.role = f"{previous.role or ''} {label}".strip()
                else:
                    group = piece.rstrip(":").strip()
        _share_group(line.entries)
        out.append(line)
    return out


def _share_group(entries: list[Entry]) -> None:
    """ "Secretary Hodges, Mr. Behrman and Mr. George (Commerce)": a capitalised word in
    parentheses after several people names their body, for all of them."""
    last = entries[-1] if entries else None
    if last is None or not last.qualifier or not last.qualifier[:1].isupper():
        return
    body, last.qualifier = last.qualifier, None
    for entry in entries:
        entry.affiliation.append(body)


def _open_role(entry: Entry) -> bool:
    """The role stops mid-phrase: "Chancellor of the German", "Secretary"."""
    words = (entry.role or "").split()
    return bool(words) and (
        is_title(words[-1]) or (len(words) > 2 and word_key(words[-2]) in CONNECTORS)
    )


def continues_entry(previous: Entry, piece: str) -> bool:
    """A line that names nobody and reads as the rest of the entry before it: lower
    case, the rest of a broken role, or an organisation after a role ("NATO" /
    "International Staff")."""
    if piece.endswith(":"):
        return False
    words = piece.replace(",", " ").split()
    if piece[:1].islower():
        return True
    if _open_role(previous):
        return is_title(words[0]) or not is_title((previous.role or "").split()[-1])
    return bool(previous.role or previous.affiliation) and (
        word_key(words[-1]) in ORG_WORDS and "of" not in words
    )
