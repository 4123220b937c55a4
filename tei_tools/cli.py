"""Command line: the ``tei-tools`` group; each command lives in tei_tools/commands/.

Exit codes: 0 success; 1 findings (conversion errors, validation findings at or
above --fail-level, warnings under --strict, outputs out of date under --check);
2 usage error or unreadable input; 3 an output could not be written (a missing
folder, no permission, a full disk), named; 123 internal error.
"""

from __future__ import annotations

import atexit
import importlib
import os
import sys
import threading

import click

from tei_tools import __version__
from tei_tools.commands.common import EXIT_INTERNAL, EXIT_WRITE

__all__ = ["cli", "main"]

# name -> "module:attribute"; a command's module (and what it needs: the converter,
# the build engine, Dask) is imported only when that command runs or lists its help.
COMMANDS = {
    "convert": "tei_tools.commands.convert:convert",
    "validate": "tei_tools.commands.validate:validate",
    "export": "tei_tools.commands.export:export_command",
    "build": "tei_tools.commands.build:build_command",
    "package": "tei_tools.commands.package:package_command",
    "serve": "tei_tools.commands.serve:serve_command",
}


class LazyGroup(click.Group):
    """click's lazily loading group (its documentation's pattern): start-up costs
    what the one command run needs, not what every command imports."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*super().list_commands(ctx), *COMMANDS]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in COMMANDS:
            return super().get_command(ctx, cmd_name)
        module, attribute = COMMANDS[cmd_name].split(":")
        command = getattr(importlib.import_module(module), attribute)
        assert isinstance(command, click.Command)
        return command

    def invoke(self, ctx: click.Context) -> object:
        """An operating-system error that reaches here (a full disk, a folder that
        vanished) is reported with the path it concerns, not as an internal error."""
        try:
            return super().invoke(ctx)
        except OSError as exc:
            where = " -> ".join(str(f) for f in (exc.filename, exc.filename2) if f)
            reason = exc.strerror or str(exc)
            click.echo(f"tei-tools: {where or 'input/output'}: {reason}", err=True)
            ctx.exit(EXIT_WRITE)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tei-tools")
def cli() -> None:
    """Convert raw typescript transcriptions to TEI P5, validate TEI, export it."""


def main() -> None:
    """The console command: runs ``cli``, then ends the process without tearing the
    interpreter down (freeing every object and module one by one takes longer than a
    small conversion): output is flushed and exit handlers run first, so nothing
    written is lost."""
    _exit_now(run())


def run() -> int:
    """``cli`` as a command, its exit status returned; an internal error is reported
    as one, never passed off as a finding."""
    try:
        cli.main(standalone_mode=True)
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            return exc.code or 0
        click.echo(exc.code, err=True)
        return 1
    except Exception as exc:
        click.echo(f"tei-tools: internal error: {exc!r}", err=True)
        return EXIT_INTERNAL
    return 0


def _exit_now(status: int) -> None:
    if sys.getprofile() is not None or sys.gettrace() is not None or _threads_running():
        sys.exit(status)  # a profiler reports, a pool's threads join, after this returns
    atexit._run_exitfuncs()  # multiprocessing's clean-up, temporary folders' removal
    for stream in (sys.stdout, sys.stderr):
        if stream is None:  # closed by the caller (``>&-``): nothing to flush
            continue
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (``| head``): the output ends there
            status = status or _EXIT_FLUSH_FAILED
    os._exit(status)


# What Python itself exits with when flushing its output at the end fails.
_EXIT_FLUSH_FAILED = 120


def _threads_running() -> bool:
    """A thread the interpreter would wait for at exit (a pool's manager thread, say):
    then the process ends the usual way, since exit handlers may wait for it too."""
    main = threading.main_thread()
    return any(t is not main and not t.daemon and t.is_alive() for t in threading.enumerate())
