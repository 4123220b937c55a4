"""One diagnostic type for every stage, and the closed catalogue of codes.

The library only collects diagnostics; the command line decides how to print them.
Each code has a stable name, a default severity and a one-line rationale.
"""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass


class Severity(enum.IntEnum):
    """Ordered so that ``severity >= Severity.WARNING`` reads naturally."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    def __str__(self) -> str:
        return self.name.lower()


class Code(enum.StrEnum):
    """The closed catalogue: every code any stage reports, with its default severity
    and a one-line rationale. A member is its own name as a string ("C001"), so the
    reports and JSON carry plain codes."""

    severity: Severity
    rationale: str

    def __new__(cls, name: str, severity: Severity, rationale: str) -> Code:
        member = str.__new__(cls, name)
        member._value_ = name
        member.severity = severity
        member.rationale = rationale
        return member

    # Input decoding (C0xx)
    C001 = ("C001", Severity.ERROR, "the input is not UTF-8 text")
    C002 = ("C002", Severity.ERROR, "the input is empty or holds only white space")
    C003 = ("C003", Severity.INFO, "a byte-order mark was removed")
    C004 = ("C004", Severity.INFO, "CRLF or CR line endings were read as LF")
    C005 = ("C005", Severity.ERROR, "a character that XML 1.0 cannot hold")
    C006 = ("C006", Severity.ERROR, "the input path cannot be read")
    C007 = ("C007", Severity.ERROR, "the input is a format tei-tools does not read (PDF, …)")
    C008 = ("C008", Severity.ERROR, "a Word file or PAGE export that cannot be read")
    C009 = ("C009", Severity.WARNING, "a value in a Word or PAGE source that cannot be read")
    C020 = ("C020", Severity.INFO, "the profile a document is read with, and its evidence")
    # Inline markup (C1xx)
    C101 = ("C101", Severity.WARNING, "'~~' opens a deletion that is not closed in its block")
    C102 = ("C102", Severity.WARNING, "'<sup>' opens an addition that is not closed in its block")
    C103 = ("C103", Severity.WARNING, "a tag the raw format does not define is kept as text")
    C104 = ("C104", Severity.WARNING, "a closing tag with no opening tag is kept as text")
    C105 = ("C105", Severity.WARNING, "'**' or '*' opens emphasis that is not closed in its block")
    C106 = ("C106", Severity.WARNING, "an empty deletion or addition is kept as text")
    C107 = ("C107", Severity.INFO, "a slash that may be an insertion mark is kept as text")
    # Structure and front matter (C2xx)
    C201 = ("C201", Severity.WARNING, "text run together by the source's extraction")
    C202 = ("C202", Severity.WARNING, "a date the converter could not read as a calendar date")
    C203 = ("C203", Severity.WARNING, "nothing in the source states a title: titled 'Document'")
    # People and speakers (C3xx)
    C301 = ("C301", Severity.WARNING, "a name that resolves to no declared person")
    C302 = ("C302", Severity.INFO, "a name resolved to a person through a spelling variant")
    C303 = (
        "C303",
        Severity.WARNING,
        "reported speech whose speaker resolves to no declared person",
    )
    C304 = ("C304", Severity.ERROR, "the people file is not valid")
    C305 = ("C305", Severity.INFO, "participants on one line split where a new person begins")
    # Word and PAGE sources (C4xx)
    C401 = ("C401", Severity.WARNING, "Word content not encoded as such (field, note, table…)")
    C402 = (
        "C402",
        Severity.INFO,
        "what of a PAGE source is kept in another form (tags that cross: in linked parts)",
    )
    C403 = ("C403", Severity.INFO, "a tracked change accepted or rejected as the editor asked")
    C404 = ("C404", Severity.INFO, "the group of PAGE files read, of several in a METS file")
    C405 = ("C405", Severity.INFO, "PAGE text outside a region, or in a placeholder region")
    C900 = ("C900", Severity.ERROR, "the converter wrote TEI its own schema rejects (a bug)")
    C901 = ("C901", Severity.ERROR, "building this document failed unexpectedly (a bug); it alone")
    # Reading TEI (V0xx)
    V001 = ("V001", Severity.ERROR, "the file is not well-formed XML")
    V002 = ("V002", Severity.ERROR, "a DOCTYPE (and so entities) is not accepted")
    V003 = ("V003", Severity.ERROR, "the root element is not in the TEI namespace")
    V004 = ("V004", Severity.ERROR, "the file is larger than the size limit")
    V005 = ("V005", Severity.ERROR, "the file holds binary data, not XML text")
    V006 = ("V006", Severity.ERROR, "the path cannot be read")
    V007 = ("V007", Severity.WARNING, "findings past --max-findings, counted (worst severity)")
    V008 = (
        "V008",
        Severity.ERROR,
        "an xml-model names a schema that cannot be used (remote, missing)",
    )
    # Exporters (E0xx)
    E001 = ("E001", Severity.WARNING, "an element the exporter does not know; its text is kept")
    E002 = ("E002", Severity.ERROR, "the input is not TEI the exporter can read")
    E003 = ("E003", Severity.INFO, "word boundaries at breaks without @break, decided on evidence")
    E004 = ("E004", Severity.WARNING, "a page image the facsimile names is not beside the source")
    E005 = (
        "E005",
        Severity.WARNING,
        "a page image not copied into the site (not an image, too large, ambiguous, unreadable)",
    )
    E006 = ("E006", Severity.WARNING, "a rendering the raw format cannot say; its text is kept")
    # Schemas (S0xx)
    S001 = ("S001", Severity.ERROR, "the document does not conform to the schema")
    S002 = (
        "S002",
        Severity.ERROR,
        "a Schematron assert failed or report fired (its role: severity)",
    )
    S003 = ("S003", Severity.ERROR, "a Schematron rule could not be evaluated on this document")
    # Rules a schema cannot express (R0xx): tei_tools.validate.rules implements them
    R001 = ("R001", Severity.ERROR, "every #pointer must resolve to an xml:id in the document")
    R002 = ("R002", Severity.ERROR, "an xml:id must be unique in the document")
    R003 = ("R003", Severity.ERROR, "said/@who must point at a person declared in particDesc")
    R004 = ("R004", Severity.ERROR, "a subst must hold both a del and an add")
    R005 = ("R005", Severity.ERROR, "a del or add must not be empty")
    R006 = ("R006", Severity.ERROR, "pb/@n page numbers must ascend")
    R007 = (
        "R007",
        Severity.ERROR,
        "dates and times must be possible, and a range must not end before it starts",
    )
    R008 = ("R008", Severity.ERROR, "@who/@ref pointers need '#' (RELAX NG accepts them bare)")
    R009 = ("R009", Severity.WARNING, "the printed page number must agree with pb/@n")
    R010 = ("R010", Severity.INFO, "reported speech should name its speaker")
    R011 = ("R011", Severity.INFO, "a name in the text should be linked to a person")
    R012 = (
        "R012",
        Severity.WARNING,
        "a time range should not end before it starts (it may cross midnight)",
    )
    R013 = (
        "R013",
        Severity.WARNING,
        "a pointer into another file or through a prefix that cannot be resolved here",
    )


CODES: dict[str, Code] = {code.value: code for code in Code}


@dataclass(frozen=True)
class Diagnostic:
    """A finding tied to a place in a file: ``file:line:col``."""

    code: str
    message: str
    file: str = "<input>"
    line: int = 0
    column: int = 0
    hint: str = ""
    severity: Severity | None = None  # None: the code's default

    def __post_init__(self) -> None:
        if self.code not in CODES:  # a code outside the catalogue is a bug, found here
            raise ValueError(f"diagnostic code {self.code!r} is not in the catalogue")

    @property
    def level(self) -> Severity:
        return self.severity if self.severity is not None else CODES[self.code].severity

    def format(self) -> str:
        text = f"{self.file}:{self.line}:{self.column}: {self.level} {self.code} {self.message}"
        return f"{text}\n    hint: {self.hint}" if self.hint else text

    def to_json(self) -> dict[str, object]:
        return {
            "code": self.code,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "hint": self.hint,
            "severity": str(self.level),
        }


def worst(diagnostics: list[Diagnostic]) -> Severity | None:
    return max((d.level for d in diagnostics), default=None)


MAX_PER_CODE = 100  # diagnostics of one code a conversion keeps per file; the rest counted


def capped(
    found: list[Diagnostic], limit: int, name: str, more: int = 0, *, per_code: bool = False
) -> list[Diagnostic]:
    """The one capper: at most ``limit`` findings (0: all) of the file, or with
    ``per_code`` of each code; the most severe kept first, shown in document order.
    What is left out (and ``more`` errors counted but not rendered) is counted in one
    more finding, which carries the worst severity among them, so that an exit status
    sees what the cap hides: V007 for the file, the code itself for a code."""
    groups: dict[str | None, list[int]] = {}
    for i, d in enumerate(found):
        groups.setdefault(d.code if per_code else None, []).append(i)
    kept: list[int] = []
    summaries: list[Diagnostic] = []
    for members in groups.values():
        if not limit or len(members) <= limit:
            kept += members
            continue
        ranked = sorted(members, key=lambda i: (-found[i].level, i))
        kept += ranked[:limit]
        left = ranked[limit:]
        if per_code:
            first = found[min(left)]
            summaries.append(
                Diagnostic(
                    first.code,
                    f"{len(left)} more {first.code} diagnostics in this file are not shown "
                    f"(the first {limit} are)",
                    first.file,
                    first.line,
                    first.column,
                    severity=max(found[i].level for i in left),
                )
            )
        else:
            summaries.append(_counted(Counter(found[i].level for i in left), more, name))
            more = 0
    if more:
        summaries.append(_counted(Counter(), more, name))
    return [found[i] for i in sorted(kept)] + summaries


def _counted(levels: Counter[Severity], more: int, name: str) -> Diagnostic:
    levels[Severity.ERROR] += more
    hidden = sum(levels.values())
    parts = ", ".join(f"{levels[s]} {s}s" for s in sorted(levels, reverse=True) if levels[s])
    return Diagnostic(
        "V007",
        f"{hidden} more findings in this file are not shown ({parts})",
        name,
        1,
        1,
        hint="raise --max-findings (0 shows every finding), or --select the codes you need",
        severity=max(s for s in levels if levels[s]),
    )
