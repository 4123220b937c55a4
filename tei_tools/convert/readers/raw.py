"""Read stage: bytes → text → lines → blocks (runs of non-blank lines).

Decoding problems are reported, never guessed away: text that is not UTF-8 is
refused with the line and column of the first bad byte.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from tei_tools.diagnostics import Diagnostic

# Characters XML 1.0 cannot carry (C0 controls except TAB/LF/CR, surrogates, U+FFFE/F).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Line:
    number: int
    text: str  # without the trailing spaces that mark a hard break
    hard_break: bool
    indent: int  # leading spaces removed from ``text``
    lb: bool = False  # the line end is a line end of the page (PAGE): an lb, not a wrap


@dataclass(frozen=True)
class RawBlock:
    lines: tuple[Line, ...]

    @property
    def first(self) -> Line:
        return self.lines[0]

    @property
    def text(self) -> str:
        return " ".join(line.text for line in self.lines)


# What a file that is not a raw transcription looks like: (test, what it is, hint).
_NAMESPACED_ROOT = re.compile(rb"<[A-Za-z_][\w.:-]*\s[^>]*?\bxmlns(:[\w.-]+)?\s*=")
_ALTO_ROOT = re.compile(
    rb"<(?:[\w.-]+:)?alto\s[^>]*xmlns(?::[\w.-]+)?\s*=\s*[\"']http://www\.loc\.gov/standards/alto/"
)
_AS_TEI = "tei-tools convert reads raw transcriptions; validate or export TEI instead"
_FOREIGN: tuple[tuple[Callable[[bytes, bytes], bool], str, str], ...] = (
    (  # Word files and PAGE exports are read before; this zip is neither
        lambda head, _: head.startswith((b"PK\x03\x04", b"PK\x05\x06")),
        "a zip archive that holds neither a Word document nor a PAGE export",
        "unpack it and convert the transcriptions",
    ),
    (
        lambda head, _: head.startswith(b"%PDF-"),
        "a PDF file",
        "transcribe its text in the raw format",
    ),
    (
        lambda head, _: head.startswith((b"\xff\xfe", b"\xfe\xff")),
        "UTF-16 text",
        "save the file as UTF-8 (for example: iconv -f utf-16 -t utf-8)",
    ),
    (
        lambda head, _: _ALTO_ROOT.search(head) is not None,
        "an ALTO file (an OCR layout)",
        "tei-tools reads PAGE-XML: export the document as PAGE (eScriptorium, Transkribus "
        "and OCR engines write it)",
    ),
    (
        lambda head, _: re.match(rb"\s*(<\?xml[\s?]|<!DOCTYPE)", head) is not None,
        "an XML document",
        _AS_TEI,
    ),
    (
        lambda head, _: _NAMESPACED_ROOT.match(head.lstrip()) is not None,
        "an XML document (a namespaced root element)",
        _AS_TEI,
    ),
    (  # OLE2, as Word wrote before 2007, and as it wraps a .docx saved with a password
        lambda head, _: head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),
        "a Word 97-2003 document (.doc), or a Word file saved with a password",
        "save it in Word as .docx (Word Document), without a password",
    ),
    (lambda head, _: b"\x00" in head, "binary data (NUL bytes), not text", ""),
)


def foreign_format(data: bytes, file: str) -> Diagnostic | None:
    """An error when ``data`` is plainly not a raw transcription (XML such as METS,
    PAGE or TEI, a Word document, a zip, a PDF, UTF-16, binary): read as text, it would
    be converted into a TEI document of its markup."""
    head = data[:4096]
    for test, what, hint in _FOREIGN:
        if test(head, data):
            binary = what.startswith("binary")
            column = head.index(b"\x00") + 1 if binary else 1
            message = f"the input is {what}" + ("" if binary else ", not a raw transcription")
            return Diagnostic("C007", message, file, 1, column, hint=hint)
    return None


def decode(data: bytes, file: str) -> tuple[str | None, list[Diagnostic]]:
    """Return the text of ``data`` or ``None`` with an error diagnostic."""
    foreign = foreign_format(data, file)
    if foreign is not None:
        return None, [foreign]
    diags: list[Diagnostic] = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
        diags.append(Diagnostic("C003", "a UTF-8 byte-order mark was removed", file, 1, 1))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        diags.append(
            Diagnostic(
                "C001",
                f"byte 0x{data[exc.start]:02x} is not valid UTF-8 ({exc.reason})",
                file,
                line,
                col,
                hint="save the file as UTF-8 (for example: iconv -f cp1252 -t utf-8)",
            )
        )
        return None, diags
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        diags.append(Diagnostic("C004", "CRLF or CR line endings were read as LF", file, 1, 1))
    if not text.strip():
        diags.append(
            Diagnostic(
                "C002",
                "the input is empty" if not text else "the input holds only white space",
                file,
                1,
                1,
                hint="expected a transcription in the raw format (docs/raw-format.md)",
            )
        )
        return None, diags
    for lineno, content in enumerate(text.split("\n"), start=1):
        for match in _XML_ILLEGAL.finditer(content):
            diags.append(
                Diagnostic(
                    "C005",
                    f"character U+{ord(match.group()):04X} cannot be stored in XML",
                    file,
                    lineno,
                    match.start() + 1,
                    hint="remove the control character or replace it with the intended text",
                )
            )
    return text, diags


def split_blocks(text: str) -> list[RawBlock]:
    """Group lines into blocks separated by blank lines."""
    blocks: list[RawBlock] = []
    current: list[Line] = []
    for number, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip():
            if current:
                blocks.append(RawBlock(tuple(current)))
                current = []
            continue
        stripped = raw.lstrip(" \t")
        indent = len(raw) - len(stripped)
        body = stripped.rstrip(" \t")
        hard = raw.endswith("  ")
        current.append(Line(number, body, hard, indent))
    if current:
        blocks.append(RawBlock(tuple(current)))
    return blocks
