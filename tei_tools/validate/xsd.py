"""XML Schema: libxml2 gives the verdict (fast); only an invalid document pays for
xmlschema's detailed report, which names the expected elements or values."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from lxml import etree

from tei_tools.diagnostics import Diagnostic
from tei_tools.validate.loader import Located, line_of
from tei_tools.validate.protocol import (
    XSD_NS,
    Checked,
    SchemaError,
    logged,
    parse_schema_file,
)
from tei_tools.xmlparse import safe_parser

if TYPE_CHECKING:  # xmlschema is imported when a detailed report is first needed
    import xmlschema

# Above this size a document is validated while parsed again (see XsdSchema._errors).
TREE_VALIDATION_MAX_BYTES = 256 * 1024
# xmlschema's detailed report costs time that grows with the element it names (it
# renders the element into every message): it is used only where that stays small.
DETAIL_MAX_ELEMENTS = 50_000
DETAIL_MAX_ATTRIBUTES = 64


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


class XsdSchema:
    runs_rules = False

    def __init__(self, path: Path) -> None:
        self.name = path.name
        self.path = path
        try:
            self.fast = etree.XMLSchema(parse_schema_file(path, XSD_NS))
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
        return [logged(doc, entry) for entry in entries], len(log) - len(entries)

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


def _small(doc: Located) -> bool:
    """Small enough for xmlschema's detailed report (see DETAIL_MAX_ELEMENTS)."""
    for count, el in enumerate(doc.tree.iter(), start=1):
        if count > DETAIL_MAX_ELEMENTS or len(el.attrib) > DETAIL_MAX_ATTRIBUTES:
            return False
    return True
