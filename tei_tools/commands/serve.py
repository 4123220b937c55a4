"""``tei-tools serve``: preview a built site over HTTP on this machine."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tei_tools.commands.common import EXIT_OK, EXIT_USAGE


@click.command("serve")
@click.argument("directory", required=False, type=click.Path(file_okay=False))
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="The port on 127.0.0.1 (0: any free port).",
)
@click.option("-v", "--verbose", is_flag=True, help="Log every request.")
def serve_command(directory: str | None, port: int, verbose: bool) -> None:
    """Serve the built site in DIRECTORY (default: ./site) on http://127.0.0.1:PORT/
    until interrupted. Only this machine can reach it. Search needs it: browsers do
    not let Pagefind load its index from file://."""
    from tei_tools.site.serve import make_server

    folder = Path(directory) if directory else Path("site")
    if not folder.is_dir():
        click.echo(
            f"tei-tools serve: {folder}: no such folder (run tei-tools build, or name the "
            "site's folder)",
            err=True,
        )
        sys.exit(EXIT_USAGE)
    if not (folder / "index.html").is_file():
        # never a folder that is not a site: it would publish whatever is in it
        click.echo(f"tei-tools serve: {folder}: no index.html; not a built site", err=True)
        sys.exit(EXIT_USAGE)
    try:
        server = make_server(folder, port, verbose)
    except OSError as exc:
        click.echo(f"tei-tools serve: 127.0.0.1:{port}: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_USAGE)
    host, bound = server.server_address[:2]
    click.echo(f"Serving {folder.resolve()} at http://{host!s}:{bound}/ (Ctrl-C stops)", err=False)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    sys.exit(EXIT_OK)
