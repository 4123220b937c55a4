"""TEI validation: schema plus rule checks, as one generator and two conveniences
(``iter_errors``, ``is_valid``, ``validate``), after xmlschema's API."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from tei_tools.diagnostics import Diagnostic, Severity, capped
from tei_tools.validate.budget import UnitLog
from tei_tools.validate.loader import DEFAULT_MAX_BYTES, load

if TYPE_CHECKING:
    from tei_tools.validate.budget import Supervised
    from tei_tools.validate.loader import Located
    from tei_tools.validate.protocol import OddSources, Pending, Schema, SchemaError


def __getattr__(name: str) -> Any:
    """``SchemaError`` on first use: the schemas and rules (Schematron, RE2, xmlschema)
    are imported only by what validates, not by every reader of TEI (the exporters)."""
    if name == "SchemaError":
        from tei_tools.validate.protocol import SchemaError

        return SchemaError
    raise AttributeError(name)


__all__ = ["DEFAULT_MAX_FINDINGS", "Options", "SchemaError", "ValidationFailed", "Validator"]

DEFAULT_MAX_FINDINGS = 100


@dataclass(frozen=True)
class Options:
    """What one run of the validator is asked for (the command's options): the codes
    to report, the limits, and the schema's settings."""

    select: tuple[str, ...] | None = None  # codes or prefixes; None: all
    ignore: tuple[str, ...] = ()
    max_bytes: int = DEFAULT_MAX_BYTES
    max_findings: int = DEFAULT_MAX_FINDINGS
    cache: bool = True  # reuse verdicts of unchanged files, and compiled schemas
    schematron: bool = True  # a grammar's embedded rules run with it
    odd: OddSources | None = None


def _is_project(schema: str | os.PathLike[str] | Schema | None) -> bool:
    """The project schema: None, or its file named."""
    if schema is None:
        return True
    if not isinstance(schema, str | os.PathLike):
        return False
    from tei_tools.schema_files import project_schema_path

    return Path(schema).resolve() == project_schema_path().resolve()


class ValidationFailed(Exception):
    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        super().__init__("\n".join(d.format() for d in diagnostics))
        self.diagnostics = diagnostics


class Validator:
    """Compile the schema once; check any number of documents."""

    def __init__(
        self,
        schema: str | os.PathLike[str] | Schema | None = None,
        select: Iterable[str] | None = None,
        ignore: Iterable[str] = (),
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_findings: int = DEFAULT_MAX_FINDINGS,
        cache: bool = True,
        schematron: bool = True,
        odd: OddSources | None = None,
        profile: bool | None = None,
    ) -> None:
        """``schema``: a path (XSD, RELAX NG with its embedded Schematron unless
        ``schematron`` is off, Schematron), a schema already loaded, or None for the
        project schema. ``profile``: whether the rules of tei-tools' own encoding
        (``rules.PROFILE_RULES``) hold, as they do with the project schema (None) and
        not with another, unless ``select`` names one."""
        from tei_tools.validate.schemas import load_schema

        self.profile = _is_project(schema) if profile is None else profile
        if schema is None or isinstance(schema, str | os.PathLike):
            path = None if schema is None else Path(schema)
            self.schema: Schema = load_schema(path, cache, schematron, odd)
        else:
            self.schema = schema
        self.select = set(select) if select is not None else None
        self.ignore = set(ignore)
        self.max_bytes = max_bytes
        self.max_findings = max_findings  # per file; 0 for all
        self._supervised: Supervised | None = None  # the worker, forked on first need

    @classmethod
    def of(
        cls, schema: Path | Schema | None, options: Options, profile: bool | None = None
    ) -> Validator:
        return cls(
            schema,
            options.select,
            options.ignore,
            options.max_bytes,
            options.max_findings,
            options.cache,
            options.schematron,
            options.odd,
            profile,
        )

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
        checked = self._checked(name, data, size, defer, stop_at_error=False)
        if not isinstance(checked, tuple):
            return checked
        found, more = checked
        return capped(found, self.max_findings, name, more)

    def _checked(
        self, name: str, data: bytes, size: int | None, defer: bool, stop_at_error: bool
    ) -> tuple[list[Diagnostic], int] | Pending:
        """Every finding (uncapped) and how many more the schema counted. A schema with
        Schematron rules is checked in a supervised worker (``validate.budget``) that
        parses the document once for every layer; any other, here."""
        request = (name, data, size, defer, stop_at_error)
        if not self.schema.runs_rules:
            return self._check_here(request, UnitLog())
        if self._supervised is None:
            from tei_tools.validate.budget import Supervised

            self._supervised = Supervised(self._check_here, self.schema.name)
        result, stopped = self._supervised.run(request, name)
        if result is None:  # the worker died before any rule, or failed: said in stopped
            return [d for d in stopped if self.wanted(d.code)], 0
        if not isinstance(result, tuple):
            return cast("Pending", result)
        found, more = result
        return found + [d for d in stopped if self.wanted(d.code)], more

    def check_here(
        self, name: str, data: bytes, size: int | None, units: UnitLog
    ) -> tuple[list[Diagnostic], int] | Pending:
        """A batch worker's check (``runner``): every finding, uncapped, and how many
        more the schema counted; Pending when a batch engine gives the verdict after
        the pass. Rules begin their units on ``units``."""
        return self._check_here((name, data, size, True, False), units)

    def _check_here(
        self, request: tuple[str, bytes, int | None, bool, bool], units: UnitLog
    ) -> tuple[list[Diagnostic], int] | Pending:
        """One document through every layer, on one parse: reading, the schema (and its
        rules, each begun on ``units``), then the rules a schema cannot express."""
        name, data, size, defer, stop_at_error = request
        doc, problems = load(name, data, self.max_bytes, size)
        found = [d for d in problems if self.wanted(d.code)]
        more = 0  # schema errors past the cap, found and counted by the schema
        if doc is None:
            return found, more
        doc.units = units
        if self.wanted("S001") or self.wanted("S002") or self.wanted("S003"):
            # is_valid asks for one grammar error; rules' findings come whole either way
            limit = 1 if stop_at_error else self.max_findings or None
            checked = self.schema.check(doc, limit, defer)
            if not isinstance(checked, tuple):
                return checked
            found += [d for d in checked[0] if self.wanted(d.code)]
            more = checked[1]
        if stop_at_error and (more or any(d.level >= Severity.ERROR for d in found)):
            return found, more
        for finding in self._rules(doc):
            found.append(finding)
            if stop_at_error and finding.level >= Severity.ERROR:
                break
        return found, more

    def _rules(self, doc: Located) -> Iterator[Diagnostic]:
        from tei_tools.validate.rules import PROFILE_RULES, RULES, iter_rules

        named = self.select or set()
        codes = {
            code
            for code in RULES
            if self.wanted(code) and (self.profile or code not in PROFILE_RULES or code in named)
        }
        return iter_rules(doc, codes)

    def restart(self) -> None:
        """Check the next document in a worker forked from the state now (after a batch
        engine settled verdicts the old worker does not hold)."""
        if self._supervised is not None:
            self._supervised.close()

    def iter_errors(self, name: str, data: bytes, size: int | None = None) -> Iterator[Diagnostic]:
        """Findings for one document, at most ``max_findings`` (0: all) and one that
        counts the rest; ``size`` stands in for ``len(data)`` when the caller did not
        read a file because it is too large. A generator: the document is checked when
        it is first consumed."""
        checked = self.check(name, data, size)
        assert isinstance(checked, list)  # without defer nothing is pending
        yield from checked

    def is_valid(self, name: str, data: bytes) -> bool:
        """No error: stops at the first (the rules after it are not run)."""
        checked = self._checked(name, data, None, defer=False, stop_at_error=True)
        assert isinstance(checked, tuple)
        return not any(d.level >= Severity.ERROR for d in checked[0]) and not checked[1]

    def validate(self, name: str, data: bytes) -> None:
        errors = [d for d in self.iter_errors(name, data) if d.level >= Severity.ERROR]
        if errors:
            raise ValidationFailed(errors)
