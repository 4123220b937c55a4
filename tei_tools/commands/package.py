"""``tei-tools package``: a built collection as a BagIt bag, and checking one."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tei_tools.build.config import ConfigError, load_config
from tei_tools.commands.common import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE


@click.command("package")
@click.argument("bag", type=click.Path(file_okay=False))
@click.option(
    "--collection",
    "directory",
    default=".",
    show_default=True,
    type=click.Path(file_okay=False, exists=True),
    help="The collection to package (its configuration names the folders).",
)
@click.option("--verify", is_flag=True, help="Check BAG's completeness and fixity instead.")
def package_command(bag: str, directory: str, verify: bool) -> None:
    """Write the built collection as a BagIt bag BAG (TEI, manifest, persons, site),
    or with --verify check BAG and name every file that fails."""
    from tei_tools.build import bag as bags

    target = Path(bag)
    if verify:
        problems = bags.verify(target)
        for problem in problems:
            click.echo(problem, err=True)
        click.echo(f"{target}: " + (f"{len(problems)} problems" if problems else "valid"))
        sys.exit(EXIT_FINDINGS if problems else EXIT_OK)
    from tei_tools.build.engine import plan

    try:
        config = load_config(Path(directory))
        current = plan(config)
    except ConfigError as exc:
        click.echo(f"tei-tools package: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    if not current.up_to_date:
        click.echo(
            f"tei-tools package: the collection in {directory} is out of date; "
            "run tei-tools build first",
            err=True,
        )
        sys.exit(EXIT_FINDINGS)
    made = bags.make_package(config, target)
    oxum = made.info.get("Payload-Oxum", "")
    click.echo(f"{target}: bag written ({oxum} bytes.files), sha256 and sha512 manifests")
    sys.exit(EXIT_OK)
