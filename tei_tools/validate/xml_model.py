"""The schemas a document names in ``<?xml-model?>`` processing instructions, read when
no ``--schema`` is given: a RELAX NG grammar (with the Schematron it embeds), an XML
Schema, a Schematron file. They are checked in addition to the project schema, never
instead: a document cannot opt out of the checks a project runs on it. Local files only, relative to
the document; a remote one is fetched (once, into the cache) only with
``--allow-network``, else the document gets a V008 error naming it."""

from __future__ import annotations

import hashlib
import re
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from tei_tools.cache import seal, sealed
from tei_tools.diagnostics import Diagnostic
from tei_tools.validate.loader import DEFAULT_MAX_BYTES, Located
from tei_tools.validate.protocol import (
    RELAXNG_NS,
    BatchSchema,
    Checked,
    Pending,
    Schema,
    SchemaError,
    parse_schema_file,
)
from tei_tools.validate.schemas import load_schema

RELAXNG = "http://relaxng.org/ns/structure/1.0"
SCHEMATRON = "http://purl.oclc.org/dsdl/schematron"
XSD = "http://www.w3.org/2001/XMLSchema"
_PI = re.compile(rb"<\?xml-model\s(?P<body>.*?)\?>", re.S)
_PSEUDO = re.compile(r'(\w+)\s*=\s*(?:"([^"]*)"|\'([^\']*)\')')
_PROLOG_BYTES = 65536  # xml-model instructions stand before the root element


@dataclass(frozen=True)
class Model:
    href: str  # as written
    kind: str  # "rng", "sch" (the Schematron a file holds or a grammar embeds), "xsd"
    location: str  # a resolved local path, or the URL


def models_in(name: str, data: bytes) -> tuple[Model, ...]:
    """The schemas ``data``'s prolog names (file ``name`` resolves relative hrefs)."""
    head = data[:_PROLOG_BYTES]
    root_start = re.search(rb"<[A-Za-z_]", head)
    prolog = head[: root_start.start()] if root_start else head
    found = []
    for match in _PI.finditer(prolog):
        body = match["body"].decode("utf-8", "replace")
        attrs = {k: a or b for k, a, b in _PSEUDO.findall(body)}
        href = attrs.get("href", "")
        if not href:
            continue
        ns = attrs.get("schematypens", "")
        suffix = Path(urllib.parse.urlsplit(href).path).suffix.lower()
        if ns == SCHEMATRON or (not ns and suffix in (".sch", ".isosch")):
            kind = "sch"
        elif ns == XSD or (not ns and suffix == ".xsd"):
            kind = "xsd"
        elif ns == RELAXNG or (not ns and suffix == ".rng"):
            kind = "rng"
        else:
            continue  # a DTD or a compact grammar: not a schema tei-tools reads
        if urllib.parse.urlsplit(href).scheme in ("http", "https"):
            location = href
        else:
            base = Path(name).parent if name not in ("-", "<stdin>") else Path.cwd()
            location = str((base / urllib.parse.unquote(href.removeprefix("file:"))).resolve())
        found.append(Model(href, kind, location))
    return tuple(found)


def fetch(url: str, cache: Path) -> Path:
    """A remote schema, downloaded once into ``cache`` (--allow-network only)."""
    suffix = Path(urllib.parse.urlsplit(url).path).suffix or ".xml"
    target = cache / f"{hashlib.sha256(url.encode()).hexdigest()}{suffix}"
    mac = target.with_name(target.name + ".mac")
    try:  # a copy this user's tei-tools fetched from this URL, unchanged since
        kept = sealed(url, target.read_bytes(), mac.read_text().strip())
    except OSError:
        kept = False
    if not kept:
        cache.mkdir(parents=True, exist_ok=True)
        from urllib.request import urlopen  # only to fetch, with --allow-network

        with urlopen(url, timeout=60) as answer:
            data = answer.read(DEFAULT_MAX_BYTES + 1)
        if len(data) > DEFAULT_MAX_BYTES:
            raise SchemaError(f"{url}: larger than {DEFAULT_MAX_BYTES} bytes")
        partial = target.with_suffix(".part")
        partial.write_bytes(data)
        partial.replace(target)
        mac.write_text(seal(url, data) + "\n")
    return target


class ModelSchema:
    """The schemas of one set of xml-model instructions, checked together."""

    def __init__(
        self,
        models: tuple[Model, ...],
        cache: bool,
        schematron: bool,
        network: Path | None,
        base: Schema | None = None,
    ) -> None:
        """``base``: the schema every document is checked against (the project's);
        the models' schemas are checked after it, in addition, never instead."""
        self.name = ", ".join(Path(m.href).name for m in models)
        self.parts: list[Schema] = [] if base is None else [base]
        self.runs_rules = base is not None and base.runs_rules
        grammars = {m.location for m in models if m.kind == "rng"}
        for model in models:
            path = self._local(model, network)
            if model.kind == "sch" and model.location in grammars:
                continue  # the grammar's own rules run with it already
            if model.kind == "sch" and path.suffix.lower() == ".rng":
                from tei_tools.validate.rulesets import XPath2Schematron

                self.parts.append(XPath2Schematron(path, parse_schema_file(path, RELAXNG_NS)))
            else:
                self.parts.append(load_schema(path, cache, schematron))
            self.runs_rules = self.runs_rules or self.parts[-1].runs_rules

    @staticmethod
    def _local(model: Model, network: Path | None) -> Path:
        if model.location.startswith(("http://", "https://")):
            if network is None:
                raise SchemaError(
                    f"the xml-model names the remote schema {model.href}; tei-tools fetches "
                    "nothing unless --allow-network is given (or store it locally)"
                )
            return fetch(model.location, network)
        path = Path(model.location)
        if not path.is_file():
            raise SchemaError(f"the xml-model names {model.href}, which is not at {path}")
        return path

    def check(
        self, doc: Located, limit: int | None = None, defer: bool = False
    ) -> Checked | Pending:
        found: list[Diagnostic] = []
        more = 0
        for part in self.parts:
            left = None if limit is None else max(limit - len(found), 0)
            checked = part.check(doc, left, defer)
            if isinstance(checked, Pending):
                return checked
            found += checked[0]
            more += checked[1]
        return found, more

    def prepare(self, files: list[str], jobs: int = 1, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        for part in self.parts:
            if isinstance(part, BatchSchema):
                part.prepare(files, jobs, max_bytes)

    def settle(self, deferred: list[str], accepted: list[str]) -> None:
        for part in self.parts:
            if isinstance(part, BatchSchema):
                part.settle(deferred, accepted)


def read_prolog(path: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read(_PROLOG_BYTES)
    except OSError:
        return b""


def by_models(files: list[str]) -> dict[tuple[Model, ...] | None, list[str]]:
    """Files grouped by the schemas their xml-model instructions name (None: none)."""
    groups: dict[tuple[Model, ...] | None, list[str]] = {}
    for name in files:
        models = models_in(name, read_prolog(name)) if name != "-" else ()
        groups.setdefault(models or None, []).append(name)
    return groups
