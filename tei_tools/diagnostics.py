"""One diagnostic type for every stage, and the closed catalogue of codes.

The library only collects diagnostics; the command line decides how to print them.
Each code has a stable name, a default severity and a one-line rationale.
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass


class Severity(enum.IntEnum):
    """Ordered so that ``severity >= Severity.WARNING`` reads naturally."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    def __str__(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Code:
    name: str
    severity: Severity
    rationale: str


def _catalogue(*codes: Code) -> dict[str, Code]:
    return {code.name: code for code in codes}


CODES: dict[str, Code] = _catalogue(
    # Input decoding (C0xx)
    Code("C001", Severity.ERROR, "the input is not UTF-8 text"),
    Code("C002", Severity.ERROR, "the input is empty or holds only white space"),
    Code("C003", Severity.INFO, "a byte-order mark was removed"),
    Code("C004", Severity.INFO, "CRLF or CR line endings were read as LF"),
    Code("C005", Severity.ERROR, "a character that XML 1.0 cannot hold"),
    Code("C006", Severity.ERROR, "the input path cannot be read"),
    Code("C007", Severity.ERROR, "the input is another format (XML, Word, zip, PDF, UTF-16)"),
    # Inline markup (C1xx)
    Code("C101", Severity.WARNING, "'~~' opens a deletion that is not closed on the same line"),
    Code("C102", Severity.WARNING, "'<sup>' opens an addition that is not closed on the same line"),
    Code("C103", Severity.WARNING, "a tag the raw format does not define is kept as text"),
    Code("C104", Severity.WARNING, "a closing tag with no opening tag is kept as text"),
    Code("C105", Severity.WARNING, "'**' or '*' opens emphasis that is not closed on the line"),
    Code("C106", Severity.WARNING, "an empty deletion or addition is kept as text"),
    Code("C107", Severity.INFO, "a slash that may be an insertion mark is kept as text"),
    # Structure and front matter (C2xx)
    Code("C201", Severity.WARNING, "text run together by the source's extraction"),
    Code("C202", Severity.WARNING, "a date the converter could not read as a calendar date"),
    # People and speakers (C3xx)
    Code("C301", Severity.WARNING, "a name that resolves to no declared person"),
    Code("C302", Severity.INFO, "a name resolved to a person through a spelling variant"),
    Code("C303", Severity.WARNING, "reported speech whose speaker resolves to no declared person"),
    Code("C304", Severity.ERROR, "the people file is not valid"),
    Code("C900", Severity.ERROR, "the converter wrote TEI its own schema rejects (a bug)"),
    # Reading TEI (V0xx)
    Code("V001", Severity.ERROR, "the file is not well-formed XML"),
    Code("V002", Severity.ERROR, "a DOCTYPE (and so entities) is not accepted"),
    Code("V003", Severity.ERROR, "the root element is not TEI in the TEI namespace"),
    Code("V004", Severity.ERROR, "the file is larger than the size limit"),
    Code("V005", Severity.ERROR, "the file holds binary data, not XML text"),
    Code("V006", Severity.ERROR, "the path cannot be read"),
    Code("V007", Severity.WARNING, "findings past --max-findings, counted (worst severity)"),
    # Exporters (E0xx)
    Code("E001", Severity.WARNING, "an element the exporter does not know; its text is kept"),
    Code("E002", Severity.ERROR, "the input is not TEI the exporter can read"),
    Code("E003", Severity.INFO, "word boundaries at breaks without @break, decided on evidence"),
    # Schemas (S0xx)
    Code("S001", Severity.ERROR, "the document does not conform to the schema"),
    Code("S002", Severity.ERROR, "a Schematron assertion failed"),
)


@dataclass(frozen=True)
class Diagnostic:
    """A finding tied to a place in a file: ``file:line:col``."""

    code: str
    message: str
    file: str = "<input>"
    line: int = 0
    column: int = 0
    hint: str = ""
    severity: Severity | None = None

    @property
    def level(self) -> Severity:
        return self.severity if self.severity is not None else CODES[self.code].severity

    def format(self) -> str:
        text = f"{self.file}:{self.line}:{self.column}: {self.level} {self.code} {self.message}"
        return f"{text}\n    hint: {self.hint}" if self.hint else text

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["severity"] = str(self.level)
        return data


def worst(diagnostics: list[Diagnostic]) -> Severity | None:
    return max((d.level for d in diagnostics), default=None)
