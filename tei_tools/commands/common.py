"""What the commands share: exit codes and diagnostic printing."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from tei_tools.diagnostics import Diagnostic, Severity

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_WRITE, EXIT_INTERNAL = 0, 1, 2, 3, 123
EXIT_BUSY = 75  # sysexits' EX_TEMPFAIL: another build of the collection is running


def jobs_option(help: str) -> Callable[[F], F]:
    """``--jobs/-j N``: worker processes, all cores by default."""
    return click.option(
        "--jobs",
        "-j",
        type=click.IntRange(min=1),
        default=os.cpu_count() or 1,
        show_default="all cores",
        help=help,
    )


def report(diagnostics: list[Diagnostic], quiet: bool) -> None:
    for diag in sorted(diagnostics, key=lambda d: (d.file, d.line, d.column)):
        if quiet and diag.level < Severity.WARNING:
            continue
        click.echo(diag.format(), err=True)


def read_input(name: str, code: str) -> bytes | None:
    """The bytes of a path, or of standard input for '-'; None after printing a
    ``code`` diagnostic when it cannot be read."""
    try:
        return sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
    except OSError as exc:
        click.echo(f"{name}:0:0: error {code} cannot read input: {exc.strerror or exc}", err=True)
        return None
