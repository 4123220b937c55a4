"""Word files and PAGE exports damaged at random, in their zip bytes and in their
attribute values: ``convert_bytes`` never raises, and a conversion that gives no
TEI says why with an error naming a file. FUZZ_EXAMPLES=2000 searches longer."""

from __future__ import annotations

import io
import os
import re
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tei_tools.convert import convert_bytes
from tei_tools.diagnostics import Severity

from .test_sources import BODY, NESTED, PAGE_ONE, TRACKED, docx, para, run

SYMBOL = '<w:r><w:sym w:font="Symbol" w:char="F0B7"/></w:r>'
WORD = docx(BODY + TRACKED + NESTED + para(run("Item"), SYMBOL, run(" one.")))
with zipfile.ZipFile(io.BytesIO(WORD)) as _archive:
    DOCUMENT = _archive.read("word/document.xml").decode()


def _export(page: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("page/0001.xml", page)
    return buffer.getvalue()


EXPORT = _export(PAGE_ONE)
HOSTILE = st.sampled_from(
    ["", "²", "1e999", "nan", "-1", "zz", "D800", "FFFFFFF", "9" * 5000, "1,2", "x,y 1", "&amp;"]
)
_ATTRIBUTE = re.compile(r'="([^"]*)"')


def _holds(data: bytes, name: str) -> None:
    result = convert_bytes(data, name)  # must not raise
    if not result.ok:
        errors = [d for d in result.diagnostics if d.level is Severity.ERROR]
        assert errors and all(d.file.startswith(name) for d in errors), [
            d.format() for d in result.diagnostics
        ]


@st.composite
def damaged_bytes(draw: st.DrawFn, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(out) - 1))
        out[at] = draw(st.integers(0, 255))
    if draw(st.booleans()):
        out = out[: draw(st.integers(0, len(out)))]
    return bytes(out)


@st.composite
def damaged_values(draw: st.DrawFn, text: str) -> str:
    spans = [m.span(1) for m in _ATTRIBUTE.finditer(text)]
    chosen = sorted(draw(st.sets(st.sampled_from(spans), min_size=1, max_size=4)), reverse=True)
    for start, end in chosen:
        text = text[:start] + draw(HOSTILE) + text[end:]
    return text


FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@FUZZ
@given(damaged_bytes(WORD))
def test_a_word_file_damaged_in_its_bytes_never_raises(data: bytes) -> None:
    _holds(data, "memo.docx")


@FUZZ
@given(damaged_bytes(EXPORT))
def test_a_zipped_export_damaged_in_its_bytes_never_raises(data: bytes) -> None:
    _holds(data, "export.zip")


@FUZZ
@given(damaged_values(DOCUMENT))
def test_a_word_file_with_hostile_values_never_raises(document: str) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", document)
    _holds(buffer.getvalue(), "memo.docx")


@FUZZ
@given(damaged_values(PAGE_ONE.decode()))
def test_a_page_file_with_hostile_values_never_raises(page: str) -> None:
    _holds(page.encode(), "page.xml")
    _holds(_export(page.encode()), "export.zip")
