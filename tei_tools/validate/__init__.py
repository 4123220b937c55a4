"""TEI validation: schema plus rule checks, as one generator and two conveniences
(``iter_errors``, ``is_valid``, ``validate``), after xmlschema's API."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from tei_tools.diagnostics import Diagnostic, Severity
from tei_tools.validate.loader import DEFAULT_MAX_BYTES, load
from tei_tools.validate.rules import RULES, run_rules
from tei_tools.validate.schemas import Schema, SchemaError, load_schema

__all__ = ["SchemaError", "ValidationFailed", "Validator"]


class ValidationFailed(Exception):
    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("\n".join(d.format() for d in diagnostics))
        self.diagnostics = diagnostics


class Validator:
    """Compile the schema once; check any number of documents."""

    def __init__(
        self,
        schema: Path | None = None,
        select: Iterable[str] | None = None,
        ignore: Iterable[str] = (),
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> None:
        self.schema: Schema = load_schema(schema)
        self.select = set(select) if select is not None else None
        self.ignore = set(ignore)
        self.max_bytes = max_bytes

    def wanted(self, code: str) -> bool:
        if code in self.ignore or any(code.startswith(p) for p in self.ignore if len(p) < 4):
            return False
        if self.select is None:
            return True
        return code in self.select or any(code.startswith(p) for p in self.select if len(p) < 4)

    def iter_errors(self, name: str, data: bytes, size: int | None = None) -> Iterator[Diagnostic]:
        """Findings for one document; ``size`` stands in for ``len(data)`` when the
        caller did not read a file because it is too large."""
        doc, problems = load(name, data, self.max_bytes, size)
        yield from (d for d in problems if self.wanted(d.code))
        if doc is None:
            return
        if self.wanted("S001") or self.wanted("S002"):
            yield from (d for d in self.schema.check(doc) if self.wanted(d.code))
        yield from run_rules(doc, {code for code in RULES if self.wanted(code)})

    def is_valid(self, name: str, data: bytes) -> bool:
        return not any(d.level >= Severity.ERROR for d in self.iter_errors(name, data))

    def validate(self, name: str, data: bytes) -> None:
        errors = [d for d in self.iter_errors(name, data) if d.level >= Severity.ERROR]
        if errors:
            raise ValidationFailed(errors)
