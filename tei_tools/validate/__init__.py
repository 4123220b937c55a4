"""TEI validation: schema plus rule checks, as one generator and two conveniences
(``iter_errors``, ``is_valid``, ``validate``), after xmlschema's API."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tei_tools.diagnostics import Diagnostic, Severity
from tei_tools.validate.loader import DEFAULT_MAX_BYTES, load

if TYPE_CHECKING:
    from tei_tools.validate.loader import Located
    from tei_tools.validate.schemas import OddSources, Pending, Schema, SchemaError


def __getattr__(name: str) -> Any:
    """``SchemaError`` on first use: the schemas and rules (Schematron, RE2, xmlschema)
    are imported only by what validates, not by every reader of TEI (the exporters)."""
    if name == "SchemaError":
        from tei_tools.validate.schemas import SchemaError

        return SchemaError
    raise AttributeError(name)


__all__ = ["DEFAULT_MAX_FINDINGS", "SchemaError", "ValidationFailed", "Validator"]

DEFAULT_MAX_FINDINGS = 100


def capped(found: list[Diagnostic], limit: int, name: str, more: int = 0) -> list[Diagnostic]:
    """The first ``limit`` findings, the most severe first, in document order; one more
    counts the rest (and ``more`` schema errors counted but not rendered) and carries
    the worst severity among them, so the exit status and ``--fail-level`` see what the
    cap hides."""
    if not more and (not limit or len(found) <= limit):
        return found
    ranked = sorted(range(len(found)), key=lambda i: (-found[i].level, i))
    kept = sorted(ranked[:limit]) if limit else list(range(len(found)))
    counts = Counter(found[i].level for i in ranked[len(kept) :])
    counts[Severity.ERROR] += more
    hidden = sum(counts.values())
    parts = ", ".join(f"{counts[s]} {s}s" for s in sorted(counts, reverse=True) if counts[s])
    summary = Diagnostic(
        "V007",
        f"{hidden} more findings in this file are not shown ({parts})",
        name,
        1,
        1,
        hint="raise --max-findings (0 shows every finding), or --select the codes you need",
        severity=max(s for s in counts if counts[s]),
    )
    return [found[i] for i in kept] + [summary]


class ValidationFailed(Exception):
    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("\n".join(d.format() for d in diagnostics))
        self.diagnostics = diagnostics


class Validator:
    """Compile the schema once; check any number of documents."""

    def __init__(
        self,
        schema: Path | Schema | None = None,
        select: Iterable[str] | None = None,
        ignore: Iterable[str] = (),
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_findings: int = DEFAULT_MAX_FINDINGS,
        cache: bool = True,
        schematron: bool = True,
        odd: OddSources | None = None,
    ) -> None:
        """``schema``: a path (XSD, RELAX NG with its embedded Schematron unless
        ``schematron`` is off, Schematron), a schema already loaded, or None for the
        project schema."""
        from tei_tools.validate.schemas import load_schema

        if schema is None or isinstance(schema, Path):
            self.schema: Schema = load_schema(schema, cache, schematron, odd)
        else:
            self.schema = schema
        self.select = set(select) if select is not None else None
        self.ignore = set(ignore)
        self.max_bytes = max_bytes
        self.max_findings = max_findings  # per file; 0 for all

    def wanted(self, code: str) -> bool:
        if code in self.ignore or any(code.startswith(p) for p in self.ignore if len(p) < 4):
            return False
        if self.select is None:
            return True
        return code in self.select or any(code.startswith(p) for p in self.select if len(p) < 4)

    def check(
        self, name: str, data: bytes, size: int | None = None, defer: bool = False
    ) -> list[Diagnostic] | Pending:
        """The batch API: every finding for one document, capped at ``max_findings``
        (one more counts the rest); with ``defer``, Pending when a batch engine (jing)
        gives this document's verdict after the pass (the runner settles it)."""
        doc, problems = load(name, data, self.max_bytes, size)
        found = [d for d in problems if self.wanted(d.code)]
        more = 0  # schema errors past the cap, found and counted by the schema
        if doc is not None:
            if self.wanted("S001") or self.wanted("S002") or self.wanted("S003"):
                checked = self.schema.check(doc, self.max_findings or None, defer)
                if not isinstance(checked, tuple):
                    return checked
                found += [d for d in checked[0] if self.wanted(d.code)]
                more = checked[1]
            found += self._rules(doc)
        return capped(found, self.max_findings, name, more)

    def _rules(self, doc: Located) -> Iterator[Diagnostic]:
        from tei_tools.validate.rules import RULES, iter_rules

        return iter_rules(doc, {code for code in RULES if self.wanted(code)})

    def iter_errors(self, name: str, data: bytes, size: int | None = None) -> Iterator[Diagnostic]:
        """Findings for one document, at most ``max_findings`` and one that counts the
        rest; ``size`` stands in for ``len(data)`` when the caller did not read a file
        because it is too large. A generator: the checks run as it is consumed (with
        ``max_findings=0``, stage by stage: reading, schema, rules)."""
        if self.max_findings:
            checked = self.check(name, data, size)
            assert isinstance(checked, list)  # without defer nothing is pending
            yield from checked
            return
        yield from self._stages(name, data, size)

    def _stages(self, name: str, data: bytes, size: int | None) -> Iterator[Diagnostic]:
        doc, problems = load(name, data, self.max_bytes, size)
        yield from (d for d in problems if self.wanted(d.code))
        if doc is None:
            return
        if self.wanted("S001") or self.wanted("S002") or self.wanted("S003"):
            checked = self.schema.check(doc)
            assert isinstance(checked, tuple)
            yield from (d for d in checked[0] if self.wanted(d.code))
        yield from self._rules(doc)

    def is_valid(self, name: str, data: bytes) -> bool:
        """No error: stops at the first (the rules after it are not run)."""
        return not any(d.level >= Severity.ERROR for d in self._stages(name, data, None))

    def validate(self, name: str, data: bytes) -> None:
        errors = [d for d in self.iter_errors(name, data) if d.level >= Severity.ERROR]
        if errors:
            raise ValidationFailed(errors)
