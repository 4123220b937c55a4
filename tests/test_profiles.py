"""The profile decision: a memorandum is read as one on its evidence, any other
document with the document profile, which keeps what the source states and invents
nothing. Real files are read in place from ../shared and skipped when absent."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from tei_tools.convert import convert_bytes
from tei_tools.convert.pipeline import convert_folder

from .conftest import NS, ROOT, SEEDS

SHARED = ROOT.parent / "shared"
DEVSET_RAW = sorted((SHARED / "devset" / "raw").glob("*.txt")) + sorted(
    (SHARED / "devset" / "eras" / "raw").glob("*.txt")
)
REALWORLD = sorted(
    p
    for kind in ("docx", "page")
    for p in (SHARED / "realworld" / kind).glob("*")
    if p.suffix in (".docx", ".xml", ".zip") or p.is_dir()
)
# A persName in the standOff is the record of a person a tag describes, asked for by it
INVENTED = (
    "//t:said | //t:fw[@type='classification'] | //t:stamp | //t:add"
    " | //t:persName[not(ancestor::t:standOff)]"
)


def profile_of(result) -> str:  # type: ignore[no-untyped-def]
    [message] = [d.message for d in result.diagnostics if d.code == "C020"]
    return message.split(":")[0]


@pytest.mark.parametrize("path", SEEDS + DEVSET_RAW, ids=lambda p: p.stem)
def test_every_memorandum_we_have_is_read_as_one(path: Path) -> None:
    result = convert_bytes(path.read_bytes(), path.name)
    assert profile_of(result) == "read as a memorandum"


@pytest.mark.skipif(not REALWORLD, reason="../shared/realworld is not beside the project")
@pytest.mark.parametrize("path", REALWORLD, ids=lambda p: p.name)
def test_no_real_document_of_another_kind_gets_memorandum_markup(path: Path) -> None:
    """Letters, prints, minutes, test files: no said, classification, stamp, persName
    (no people file) or superscript read as an addition."""
    if path.is_dir():
        mets = path / "mets.xml"
        result = convert_bytes(mets.read_bytes(), str(mets)) if mets.exists() else None
        result = result or convert_folder(path)
    else:
        result = convert_bytes(path.read_bytes(), str(path), base=path.parent)
    if result.tree is None:  # refused: its own tests say why
        return
    assert profile_of(result) == "read as a document"
    root = result.tree.getroot()
    invented = root.xpath(INVENTED, namespaces=NS)
    tracked = [e for e in invented if etree.QName(e).localname == "add" and e.get("change")]
    tagged = _person_tags(path)  # a Transkribus person tag asks for a persName
    names = [e for e in invented if etree.QName(e).localname == "persName"]
    assert len(names) <= tagged
    asked = tracked + names
    assert [etree.QName(e).localname for e in invented if e not in asked] == []


def _person_tags(path: Path) -> int:
    files = [path] if path.is_file() else sorted(path.rglob("*.xml"))
    return sum(f.read_bytes().count(b"person {") for f in files if path.suffix != ".docx")


LETTER = """Dear Sir,

I write to you from ~~Paris~~ <sup>Lyon</sup> about the
matters of the Secretary.

SECRET

Mr. Allen said that he would come. The meeting was
not

- 2 -

to be held in May.

Yours,
"""


def test_a_typed_letter_keeps_its_notation_and_gets_nothing_invented() -> None:
    result = convert_bytes(LETTER.encode(), "letter.txt")
    assert profile_of(result) == "read as a document"
    assert result.tree is not None
    root = result.tree.getroot()
    assert root.find(".//t:subst/t:del", NS).text == "Paris"  # type: ignore[union-attr]
    assert root.find(".//t:subst/t:add", NS).text == "Lyon"  # type: ignore[union-attr]
    assert (
        root.xpath("//t:said | //t:persName | //t:front | //t:fw[@type!='pageNum']", namespaces=NS)
        == []
    )
    paragraphs = ["".join(p.itertext()).split()[:2] for p in root.iterfind(".//t:body/t:p", NS)]
    # blocks stay apart; the sentence a page break cuts goes on over it
    assert paragraphs == [
        ["Dear", "Sir,"],
        ["I", "write"],
        ["SECRET"],
        ["Mr.", "Allen"],
        ["Yours,"],
    ]
    assert root.find(".//t:body/t:p/t:pb[@n='2']", NS) is not None
