"""The per-document task: pure, so local processes and Dask workers share it.

Raw bytes, the people file's bytes and the schema in; TEI bytes, site pages,
diagnostics, the validation verdict and a summary (for the index, the personography
and the manifest) out. Nothing is read from or written to disk here but the schema,
which is compiled once per process.
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree

from tei_tools.convert import convert_bytes
from tei_tools.convert.model import Person
from tei_tools.convert.people_file import parse_people
from tei_tools.convert.profiles import AUTO
from tei_tools.diagnostics import Diagnostic, Severity
from tei_tools.export import export_text
from tei_tools.export.visitor import text_of
from tei_tools.namespaces import XML_ID, T
from tei_tools.publication import Publication
from tei_tools.site.document import site_page
from tei_tools.site.facsimile import surfaces_of
from tei_tools.site.iiif import manifest, manifest_bytes
from tei_tools.site.pages import entry_for
from tei_tools.validate import Validator
from tei_tools.xmlparse import parse_bytes

# The names the site lists beside persons, by the element that tags them.
NAMED_KINDS = {"placeName": "place", "orgName": "organisation"}


@dataclass(frozen=True)
class Job:
    stem: str
    raw_name: str  # where diagnostics point, relative to the collection
    raw: bytes
    people: bytes | None
    people_name: str
    schema: str | None  # path of the schema; None: the project schema
    exports: tuple[str, ...]
    tei_name: str  # where validation findings point
    publication: Publication = field(default_factory=Publication)
    search: bool = True  # the page carries the search's filters
    error: str = ""  # the source could not be read: the document fails with it
    profile: str = AUTO  # how the document is read (tei_tools.convert.profiles)
    lang: str | None = None  # the collection's language for its texts (lang =)


@dataclass
class Outcome:
    stem: str
    raw_sha256: str
    tei: bytes | None  # None: the conversion failed (see diagnostics)
    pages: dict[str, bytes] = field(default_factory=dict)  # suffix → bytes (".html", ".txt")
    diagnostics: list[Diagnostic] = field(default_factory=list)
    validation: dict[str, int] = field(default_factory=dict)  # severity → count
    summary: dict[str, Any] = field(default_factory=dict)
    images: list[str] = field(default_factory=list)  # local page images the site shows
    media: dict[str, bytes] = field(default_factory=dict)  # a Word file's images, by path

    @property
    def failed(self) -> bool:
        return self.tei is None or self.validation.get("error", 0) > 0


@functools.lru_cache(maxsize=4)
def _people(data: bytes | None, name: str) -> tuple[tuple[Person, ...], tuple[Diagnostic, ...]]:
    if data is None:
        return (), ()
    people, diags = parse_people(data, name)
    return tuple(people), tuple(diags)


@functools.lru_cache(maxsize=4)
def validator_for(schema: str | None) -> Validator:
    """The validator of ``schema`` (None: the project schema), compiled once a process."""
    return Validator(Path(schema) if schema else None, max_findings=0, cache=False)


def counts(diagnostics: list[Diagnostic]) -> dict[str, int]:
    found = {str(s): 0 for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)}
    for d in diagnostics:
        found[str(d.level)] += 1
    return found


def run_job(job: Job) -> Outcome:
    """The document's outcome. Whatever goes wrong in it fails this document alone: a
    build of a collection is never stopped by one source (C901 names the error)."""
    try:
        return _run(job)
    except Exception as exc:  # the failure boundary: one document, never the build
        return failed_outcome(job.stem, job.raw, job.raw_name, exc)


def failed_outcome(stem: str, raw: bytes, raw_name: str, exc: BaseException) -> Outcome:
    """A document that could not be built: no outputs (its previous ones stay) and a
    C901 naming the error; it is tried again by the next build."""
    message = f"building it failed: {type(exc).__name__}: {exc}"
    return Outcome(
        stem,
        hashlib.sha256(raw).hexdigest(),
        None,
        diagnostics=[
            Diagnostic(
                "C901",
                message,
                raw_name,
                1,
                1,
                hint="the other documents were built; please report this error with the file",
            )
        ],
    )


def _run(job: Job) -> Outcome:
    outcome = Outcome(job.stem, hashlib.sha256(job.raw).hexdigest(), None)
    if job.error:
        outcome.diagnostics = [Diagnostic("C006", job.error, job.raw_name, 1, 1)]
        return outcome
    people, people_diags = _people(job.people, job.people_name)
    if any(d.level is Severity.ERROR for d in people_diags):
        outcome.diagnostics = list(people_diags)
        return outcome
    result = convert_bytes(
        job.raw,
        job.raw_name,
        list(people),
        profile=job.profile,
        lang=job.lang,
        publication=job.publication,
    )
    outcome.diagnostics = list(result.diagnostics)
    if not result.ok:
        return outcome
    assert result.tree is not None
    tei = result.xml()
    outcome.tei = tei
    outcome.media = result.media
    tei_name = job.tei_name
    found = list(validator_for(job.schema).iter_errors(tei_name, tei))
    outcome.validation = counts(found)
    outcome.diagnostics += found
    root = parse_bytes(tei)
    if "html" in job.exports:
        _site_pages(job, root, tei, outcome)
    if "text" in job.exports:
        text, diags = export_text(root, "reading", source=tei_name)
        outcome.pages[".txt"] = text.encode("utf-8")
        outcome.diagnostics += diags
    outcome.summary = summarize(job.stem, root)
    return outcome


def _site_pages(job: Job, root: etree._Element, tei: bytes, outcome: Outcome) -> None:
    """The document's page, its TEI for download and, with page images of known size,
    its IIIF manifest."""
    surfaces = surfaces_of(root)
    title = text_of(root.find(f"{T}teiHeader//{T}titleStmt/{T}title"))
    folder = f"facsimile/{job.stem}"
    pub = job.publication
    date = root.find(f"{T}teiHeader//{T}sourceDesc//{T}date")
    iiif = manifest(
        job.stem,
        title,
        surfaces,
        pub.base_url,
        folder,
        metadata=[("Date", text_of(date)), ("Collection", pub.title)],
        licence=pub.licence,
        licence_url=pub.licence_url,
    )
    downloads = [".xml"] + ([".txt"] if "text" in job.exports else [])
    if iiif is not None:
        outcome.pages[".iiif.json"] = manifest_bytes(iiif)
        downloads.append(".iiif.json")
    html, diags = site_page(
        root, job.stem, pub, search=job.search, downloads=tuple(downloads), source=job.tei_name
    )
    outcome.pages[".html"] = html.encode("utf-8")
    outcome.pages[".xml"] = tei
    outcome.diagnostics += diags
    outcome.images = sorted({s.image for s in surfaces if s.local and not s.service})


def summarize(stem: str, root: etree._Element) -> dict[str, Any]:
    """What the index and the personography need of a document."""
    entry = entry_for(stem, root)
    speakers = {
        token.lstrip("#") for said in root.iter(f"{T}said") for token in said.get("who", "").split()
    }
    text = root.find(f"{T}text")
    named = (
        set()
        if text is None
        else {
            token.lstrip("#")
            for name in text.iter(f"{T}persName")
            for token in (name.get("ref") or "").split()
        }
    )
    persons = []
    declared = [*root.iterfind(f".//{T}particDesc//{T}person")]
    declared += root.iterfind(f"{T}standOff/{T}listPerson//{T}person")  # tagged in the source
    for person in declared:
        ident = person.get(XML_ID, "")
        lists = [el.get("type") for el in person.iterancestors(f"{T}listPerson")]
        persons.append(
            {
                "id": ident,
                "name": text_of(person.find(f"{T}persName")),
                "occupation": text_of(person.find(f"{T}occupation")),
                "affiliation": text_of(person.find(f"{T}affiliation")),
                "participant": "participants" in lists,
                "speaks": ident in speakers,
                "named": ident in named,
            }
        )
    unidentified = sorted(
        {
            text_of(said[0])
            for said in root.iter(f"{T}said")
            if len(said)
            and said[0].tag == f"{T}persName"
            and not said[0].get("ref")
            and not (said.text or "").strip()
        }
    )
    places = sorted(
        {
            (NAMED_KINDS[etree.QName(el).localname], text_of(el), el.get("ref") or "")
            for kind in NAMED_KINDS
            for el in (text.iter(f"{T}{kind}") if text is not None else ())
            if text_of(el)
        }
    )
    return {
        "names": [list(place) for place in places],
        "unidentified": unidentified,
        "title": entry.title,
        "date": entry.date,
        "when": entry.when,
        "deletions": entry.deletions,
        "additions": entry.additions,
        "redactions": entry.redactions,
        "persons": persons,
    }
