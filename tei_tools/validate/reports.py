"""Report formats for validation results: text, json, junit, github, sarif.

Each formatter takes the per-file results and returns the whole report as text.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable

from lxml import etree

from tei_tools import __version__
from tei_tools.diagnostics import CODES, Diagnostic, Severity
from tei_tools.validate.runner import FileResult


def all_codes() -> dict[str, tuple[Severity, str]]:
    """Every code a validation can report, with its default severity and rationale."""
    return {c.name: (c.severity, c.rationale) for c in CODES.values() if c.name[0] in "VSR"}


def summary(results: list[FileResult]) -> str:
    counts = Counter(str(d.level) for r in results for d in r.diagnostics)
    failed = sum(1 for r in results if r.worst() == Severity.ERROR)
    return (
        f"{len(results)} file{'s' if len(results) != 1 else ''} checked: "
        f"{len(results) - failed} without errors, {failed} with errors; "
        f"{counts['error']} errors, {counts['warning']} warnings, {counts['info']} infos"
    )


def _ordered(results: list[FileResult]) -> list[Diagnostic]:
    return [d for r in results for d in sorted(r.diagnostics, key=lambda d: (d.line, d.column))]


def text_report(results: list[FileResult]) -> str:
    lines = [d.format() for d in _ordered(results)]
    lines.append(summary(results))
    return "\n".join(lines) + "\n"


def json_report(results: list[FileResult]) -> str:
    """One JSON document: each file's object over a few lines, each finding on one line
    (written by json's C encoder: an indented dump runs in Python, and a batch can hold
    100,000 findings)."""
    compact = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode
    tool = compact({"name": "tei-tools", "version": __version__})
    files = []
    for r in results:
        findings = ",\n".join(f"        {compact(d.to_json())}" for d in r.diagnostics)
        findings = f"[\n{findings}\n      ]" if findings else "[]"
        files.append(
            f'    {{\n      "file": {compact(r.name)},\n      "valid": '
            f'{compact(r.worst() != Severity.ERROR)},\n      "diagnostics": {findings}\n    }}'
        )
    body = "[\n" + ",\n".join(files) + "\n  ]" if files else "[]"
    summary_json = json.dumps(summary(results), indent=2, ensure_ascii=False)
    summary_json = summary_json.replace("\n", "\n  ")
    return f'{{\n  "tool": {tool},\n  "files": {body},\n  "summary": {summary_json}\n}}\n'


def junit_report(results: list[FileResult]) -> str:
    """One testcase per file; an error-level finding makes it a failure."""
    failures = sum(1 for r in results if r.worst() == Severity.ERROR)
    total = sum(r.seconds for r in results)
    suites = etree.Element(
        "testsuites",
        name="tei-tools validate",
        tests=str(len(results)),
        failures=str(failures),
        errors="0",
        time=f"{total:.3f}",
    )
    suite = etree.SubElement(
        suites,
        "testsuite",
        name="tei-tools validate",
        tests=str(len(results)),
        failures=str(failures),
        errors="0",
        skipped="0",
        time=f"{total:.3f}",
    )
    for r in results:
        case = etree.SubElement(
            suite,
            "testcase",
            classname="tei-tools.validate",
            name=r.name,
            file=r.name,
            time=f"{r.seconds:.3f}",
        )
        errors = [d for d in r.diagnostics if d.level == Severity.ERROR]
        if errors:
            failure = etree.SubElement(
                case,
                "failure",
                type=errors[0].code,
                message=f"{len(errors)} error(s); first: {errors[0].code} {errors[0].message}",
            )
            failure.text = "\n".join(d.format() for d in errors)
        others = [d for d in r.diagnostics if d.level < Severity.ERROR]
        if others:
            etree.SubElement(case, "system-out").text = "\n".join(d.format() for d in others)
    return etree.tostring(
        suites, encoding="UTF-8", xml_declaration=True, pretty_print=True
    ).decode()


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


_GITHUB_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def github_report(results: list[FileResult]) -> str:
    """GitHub Actions workflow commands: one annotation per finding."""
    lines = []
    for d in _ordered(results):
        props = [f"file={_escape_property(d.file)}"]
        if d.line:
            props += [f"line={d.line}", f"col={max(d.column, 1)}"]
        props.append(f"title={_escape_property(d.code)}")
        message = d.message + (f" (hint: {d.hint})" if d.hint else "")
        lines.append(f"::{_GITHUB_LEVEL[d.level]} {','.join(props)}::{_escape_data(message)}")
    lines.append(summary(results))
    return "\n".join(lines) + "\n"


_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def sarif_report(results: list[FileResult]) -> str:
    codes = all_codes()
    index = {code: i for i, code in enumerate(codes)}
    rules = [
        {
            "id": code,
            "shortDescription": {"text": rationale},
            "defaultConfiguration": {"level": _SARIF_LEVEL[severity]},
        }
        for code, (severity, rationale) in codes.items()
    ]
    sarif_results = []
    for d in _ordered(results):
        location: dict[str, object] = {"artifactLocation": {"uri": d.file}}
        if d.line > 0:
            location["region"] = {"startLine": d.line, "startColumn": max(d.column, 1)}
        result: dict[str, object] = {
            "ruleId": d.code,
            "level": _SARIF_LEVEL[d.level],
            "message": {"text": d.message + (f" (hint: {d.hint})" if d.hint else "")},
            "locations": [{"physicalLocation": location}],
        }
        if d.code in index:
            result["ruleIndex"] = index[d.code]
        sarif_results.append(result)
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "tei-tools", "version": __version__, "rules": rules}},
                "results": sarif_results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


FORMATS: dict[str, Callable[[list[FileResult]], str]] = {
    "text": text_report,
    "json": json_report,
    "junit": junit_report,
    "github": github_report,
    "sarif": sarif_report,
}
