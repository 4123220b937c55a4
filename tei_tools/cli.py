"""Command line: the ``tei-tools`` group; each command lives in tei_tools/commands/.

Exit codes: 0 success; 1 findings (conversion errors, validation findings at or
above --fail-level, warnings under --strict, outputs out of date under --check);
2 usage error or unreadable input; 123 internal error.
"""

from __future__ import annotations

import sys

import click

from tei_tools import __version__
from tei_tools.commands.build import build_command
from tei_tools.commands.common import EXIT_INTERNAL
from tei_tools.commands.convert import PEOPLE_FILE, convert
from tei_tools.commands.export import export_command
from tei_tools.commands.package import package_command
from tei_tools.commands.validate import validate

__all__ = ["PEOPLE_FILE", "cli", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tei-tools")
def cli() -> None:
    """Convert raw typescript transcriptions to TEI P5, validate TEI, export it."""


cli.add_command(convert)
cli.add_command(validate)
cli.add_command(export_command)
cli.add_command(build_command)
cli.add_command(package_command)


def main() -> None:
    try:
        cli.main(standalone_mode=True)
    except SystemExit:
        raise
    except Exception as exc:  # an internal error must never pass for a finding
        click.echo(f"tei-tools: internal error: {exc!r}", err=True)
        sys.exit(EXIT_INTERNAL)
