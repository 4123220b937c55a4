"""What the commands share: exit codes and diagnostic printing."""

from __future__ import annotations

import click

from tei_tools.diagnostics import Diagnostic, Severity

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 123


def report(diagnostics: list[Diagnostic], quiet: bool) -> None:
    for diag in sorted(diagnostics, key=lambda d: (d.file, d.line, d.column)):
        if quiet and diag.level < Severity.WARNING:
            continue
        click.echo(diag.format(), err=True)
