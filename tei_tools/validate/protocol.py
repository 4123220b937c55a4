"""What every schema shares: the ``Schema`` protocol a validator checks documents
with, its results (findings, or a verdict pending a batch engine), the error of a
schema that cannot be used, and reading a schema file (its language checked, never a
remote reference)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from lxml import etree

from tei_tools.diagnostics import Diagnostic
from tei_tools.validate.loader import DEFAULT_MAX_BYTES, Located
from tei_tools.xmlparse import parse_file


class SchemaError(Exception):
    """The schema itself cannot be read or compiled (a usage error)."""


@dataclass(frozen=True)
class Pending:
    """A verdict a batch engine gives after the pass (``check(..., defer=True)`` on a
    prepared file): the runner collects such documents and calls ``settle``."""

    key: str


Checked = tuple[list[Diagnostic], int]  # findings shown, and how many more were found


class Schema(Protocol):
    name: str
    runs_rules: bool  # Schematron: a check runs under the budgets (validate.budget)

    def check(
        self, doc: Located, limit: int | None = None, defer: bool = False
    ) -> Checked | Pending:
        """At most ``limit`` findings (all when None), and how many more it found; with
        ``defer``, a batch engine may answer Pending instead (never without it)."""
        ...


@runtime_checkable
class BatchSchema(Schema, Protocol):
    """A schema whose engine checks a whole batch at once (jing): ``prepare`` before
    the pass, ``settle`` after it for the documents ``check`` deferred."""

    def prepare(
        self, files: list[str], jobs: int = 1, max_bytes: int = DEFAULT_MAX_BYTES
    ) -> None: ...

    def settle(self, deferred: list[str], accepted: list[str]) -> None: ...


# Above this size a document is validated while parsed again (see XsdSchema._errors).
_REMOTE = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)
_XS = "{http://www.w3.org/2001/XMLSchema}"
_RNG = "{http://relaxng.org/ns/structure/1.0}"
_SCH = "{http://purl.oclc.org/dsdl/schematron}"
# Elements by which a schema pulls in another resource.
_REFERENCES = (
    f"{_XS}import",
    f"{_XS}include",
    f"{_XS}redefine",
    f"{_XS}override",
    f"{_RNG}include",
    f"{_RNG}externalRef",
    f"{_SCH}include",
)


# The namespace of each schema language's root element, and its name.
RELAXNG_NS = "http://relaxng.org/ns/structure/1.0"
XSD_NS = "http://www.w3.org/2001/XMLSchema"
SCHEMATRON_NS = "http://purl.oclc.org/dsdl/schematron"
_LANGUAGES = {RELAXNG_NS: "RELAX NG", XSD_NS: "XML Schema", SCHEMATRON_NS: "ISO Schematron"}


def parse_schema_file(path: Path, namespace: str) -> etree._ElementTree:
    """Parse a schema, refusing a file of another language (a TEI document given as
    ``x.rng``) and any reference to a remote resource (never fetched)."""
    try:
        tree = parse_file(path)
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (1, 1)
        raise SchemaError(f"{path}:{line}:{column}: cannot read schema: {exc.msg}") from exc
    except OSError as exc:
        raise SchemaError(f"{path}: cannot read schema: {exc}") from exc
    root = tree.getroot()
    if etree.QName(root).namespace != namespace:
        raise SchemaError(
            f"{path}:{root.sourceline}:1: the root element is {root.tag}, not a "
            f"{_LANGUAGES[namespace]} schema (expected an element in {namespace})"
        )
    for el in tree.iter(*_REFERENCES):
        for attr in ("schemaLocation", "href"):
            target = el.get(attr) or ""
            if _REMOTE.match(target) and not target.lower().startswith("file:"):
                raise SchemaError(
                    f"{path}:{el.sourceline}: the schema refers to {target}; validation never "
                    "uses the network: store that file locally and refer to it by path"
                )
    return tree


def logged(doc: Located, entry: Any) -> Diagnostic:
    """A libxml2 error-log entry as a finding, at the element it names when it can."""
    element = element_at(doc, entry.path) if len(entry.path or "") < 512 else None
    column = doc.column(element) if element is not None else max(entry.column, 1)
    return Diagnostic("S001", entry.message, doc.name, entry.line, column)


def element_at(doc: Located, path: str | None) -> etree._Element | None:
    """The element libxml2 names by an XPath such as ``/*/*[2]/*``, if any."""
    if not path:
        return None
    try:
        hits = doc.tree.xpath(path)
    except etree.XPathError:
        return None
    first = hits[0] if isinstance(hits, list) and hits else None
    return first if isinstance(first, etree._Element) else None


@dataclass(frozen=True)
class OddSources:
    """Where an ODD's compiler finds its inputs (see ``validate.odd``)."""

    tei_source: Path | None = None
    stylesheets: Path | None = None
    allow_network: bool = False
