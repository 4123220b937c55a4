"""Schematron rule sets as schemas: XSLT 1 bindings run by lxml's ISO Schematron,
XPath 2/3 bindings by ``schematron`` (elementpath), and a grammar checked together
with the rules it embeds. Each rule begins its unit on the document's unit log, so a
supervisor bounds it (``budget``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lxml import etree

from tei_tools.diagnostics import Diagnostic
from tei_tools.validate.loader import DEFAULT_MAX_BYTES, Located, line_of
from tei_tools.validate.prefilter import Needs
from tei_tools.validate.protocol import (
    SCHEMATRON_NS,
    BatchSchema,
    Checked,
    Pending,
    Schema,
    SchemaError,
    element_at,
    parse_schema_file,
)

if TYPE_CHECKING:
    from tei_tools.validate.includes import Expanded

_NO_ACCESS = etree.XSLTAccessControl.DENY_ALL  # type: ignore[attr-defined]  # lxml-stubs lag


def _expanded(tree: etree._ElementTree, path: Path) -> Expanded:
    """The Schematron with its includes resolved (one step for every binding)."""
    from tei_tools.validate.includes import IncludeError, expand

    try:
        return expand(tree, path)
    except IncludeError as exc:
        raise SchemaError(str(exc)) from None


class Xslt1Schematron:
    runs_rules = True

    def __init__(self, path: Path) -> None:
        self.name = path.name
        expanded = _expanded(parse_schema_file(path, SCHEMATRON_NS), path)
        self.files = expanded.files
        try:
            # includes resolved above, as for every binding (lxml's own step would
            # read any file or URL through XSLT's document())
            import lxml.isoschematron as isoschematron  # compiles its XSLT as it loads

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
        doc.units.rest()
        return found, 0  # all of them: the capper keeps each one's severity

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
            element = element_at(doc, fired.get("location"))
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


class XPath2Schematron:
    """ISO Schematron with XPath 2/3 (``tei_tools.validate.schematron``): a standalone
    ``.sch``/``.isosch``, or the rules a RELAX NG grammar embeds."""

    runs_rules = True

    def __init__(
        self, path: Path, tree: etree._ElementTree, cache: bool = False, shipped: bool = True
    ) -> None:
        """``shipped``: a published schema's rules are not parsed to learn what each
        needs of a document (``pruned.known``); False parses them."""
        import hashlib

        from tei_tools.validate.schematron import Schematron, SchematronError

        self.name = path.name
        data = path.read_bytes()
        source = Located(str(path), data, tree)
        expanded = _expanded(tree, path)
        self.files = expanded.files
        # Documents these rules found nothing in, by SHA-256 (as the grammar's verdicts),
        # and, where these rules compiled before, each rule's pre-filter as read then
        # (then each rule compiles when first run, and elementpath loads only then)
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
            compiled_before = cache_dir() / "schematron" / f"{key.hexdigest()}.json"
        known = _known_needs(compiled_before) if compiled_before is not None else None
        if known is None and shipped:  # a schema the TEI publishes: what its rules need ships
            from tei_tools.validate.pruned.known import rule_needs

            known = _as_needs(rule_needs(self.files))
        try:
            self.rules = Schematron(expanded.root, source, expanded, known_needs=known)
        except SchematronError as exc:
            raise SchemaError(str(exc)) from exc
        if compiled_before is not None and known is None:
            from tei_tools.validate.pruned.cache import _store

            needs = [
                None if n is None else [[sorted(s) for s in a] for a in n] for n in self.rules.needs
            ]
            _store(compiled_before, json.dumps(needs).encode("utf-8"))

    def check(self, doc: Located, limit: int | None = None, defer: bool = False) -> Checked:
        from tei_tools.validate.schematron import run_units

        digest = doc.digest if self.clean is not None else ""
        if self.clean is not None and digest in self.clean:
            doc.units.reserve(self.rules.units)  # numbered alike, whether cached or run
            return [], 0
        base = doc.units.next
        found = run_units(self.rules, doc)
        units = doc.units
        whole = not units.skipped or not any(units.skips(n) for n in range(base, units.next))
        if self.clean is not None and not found and whole:
            self.clean.add([digest])
        return found, 0  # all of them: the capper keeps each one's severity


class LayeredSchema:
    """A grammar and the Schematron rules it embeds, checked as one schema: the
    grammar's findings (S001), then the rules' (S002). A batch grammar (jing) stays
    one: ``prepare`` and ``settle`` go to it."""

    runs_rules = True

    def __init__(self, grammar: Schema, rules: XPath2Schematron) -> None:
        self.name = grammar.name
        self.grammar, self.rules = grammar, rules

    def check(
        self, doc: Located, limit: int | None = None, defer: bool = False
    ) -> Checked | Pending:
        doc.wants_outline = True  # the rules read it: the grammar's pass reads it too
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


def _known_needs(entry: Path) -> list[Needs | None] | None:
    """The pre-filters a compile of these rules stored (sealed: an entry anyone else
    wrote is not read), or None."""
    from tei_tools.validate.pruned.cache import _load

    data = _load(entry)
    if data is None:
        return None
    try:
        return _as_needs(json.loads(data))
    except ValueError:
        return None


def _as_needs(stored: Any) -> list[Needs | None] | None:
    """Pre-filters as JSON keeps them (lists of lists of names), or None."""
    if not isinstance(stored, list):
        return None
    try:
        return [
            None if n is None else [[frozenset(names) for names in a] for a in n] for n in stored
        ]
    except TypeError:
        return None
