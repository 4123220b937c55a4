"""``tei-tools package``: a built collection as a BagIt bag, and checking one."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from tei_tools.collection.config import ConfigError, load_config
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
@click.option("--force", is_flag=True, help="Replace BAG if it exists.")
def package_command(bag: str, directory: str, verify: bool, force: bool) -> None:
    """Write the built collection as a BagIt bag BAG (TEI, manifest, persons, site),
    or with --verify check BAG and name every file that fails."""
    from tei_tools.collection import bag as bags

    target = Path(bag)
    if verify:
        problems = bags.verify(target)
        for problem in problems:
            click.echo(problem, err=True)
        click.echo(f"{target}: " + (_count(len(problems), "problem") if problems else "valid"))
        sys.exit(EXIT_FINDINGS if problems else EXIT_OK)
    if target.exists() and not force:
        click.echo(f"tei-tools package: {target} exists; give --force to replace it", err=True)
        sys.exit(EXIT_USAGE)
    from tei_tools.collection.engine import plan

    try:
        config = load_config(Path(directory))
        current = plan(config)
    except ConfigError as exc:
        click.echo(f"tei-tools package: {exc}", err=True)
        sys.exit(EXIT_USAGE)
    if current.failed:
        for stem in current.failed:
            click.echo(f"tei-tools package: {stem} failed in the last build", err=True)
        click.echo(
            f"tei-tools package: refusing to package {directory}: {len(current.failed)} "
            "failed documents; fix them and run tei-tools build",
            err=True,
        )
        sys.exit(EXIT_FINDINGS)
    if not current.up_to_date:
        click.echo(
            f"tei-tools package: the collection in {directory} is out of date; "
            "run tei-tools build first",
            err=True,
        )
        sys.exit(EXIT_FINDINGS)
    made = bags.make_package(config, target)
    size, _, files = str(made.info.get("Payload-Oxum", "0.0")).partition(".")
    click.echo(
        f"{target}: bag written: {_count(int(files), 'file')}, {_count(int(size), 'byte')}; "
        "sha256 and sha512 manifests"
    )
    sys.exit(EXIT_OK)


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" + ("" if number == 1 else "s")
