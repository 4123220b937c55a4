"""BagIt (RFC 8493) packages of a built collection, with the ``bagit`` library.

The payload is the encoded TEI (with manifest.json and persons.xml) and the site; the
tag file ``bag-info.txt`` carries Source-Organization and External-Description from the
configuration, and bagit's Bagging-Date and Payload-Oxum. SHA-256 and SHA-512
manifests. The bag is made in a temporary folder beside the target and renamed into
place, so an interrupted run never leaves a half-made bag under the target's name.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import bagit

from tei_tools.collection.config import BuildConfig
from tei_tools.collection.engine import relative
from tei_tools.io import make_temporary_folder

ALGORITHMS = ["sha256", "sha512"]


def make_package(config: BuildConfig, target: Path) -> bagit.Bag:
    target = target.resolve()
    work = make_temporary_folder(target.parent, f".{target.name}.")
    try:
        for folder in (config.encoded, config.site):
            if folder.is_dir():
                # links are refused before (engine.plan); never followed here either
                shutil.copytree(folder, work / relative(config, folder), symlinks=True)
        info = {
            "External-Description": config.description
            or f"{config.title}: TEI P5 documents, their manifest and personography, and "
            "their HTML and text site, built by tei-tools.",
        }
        if config.source_organization:
            info["Source-Organization"] = config.source_organization
        bag = bagit.make_bag(str(work), info, checksums=ALGORITHMS)
        if target.exists():
            old = target.with_name(f".{target.name}.old")
            target.rename(old)
            work.rename(target)
            shutil.rmtree(old)
        else:
            work.rename(target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    bag.path = str(target)
    return bag


def verify(target: Path) -> list[str]:
    """Every problem of the bag at ``target``, one line each naming the file; [] if the
    bag is complete and every checksum matches. bagit's validator decides; when it
    stops at a summary (a Payload-Oxum mismatch), every file is checked to name them."""
    try:
        bag = bagit.Bag(str(target))
    except bagit.BagError as exc:
        return [f"{target}: not a readable BagIt bag: {exc}"]
    try:
        bag.validate()
    except bagit.BagValidationError as exc:
        return [*_details(target, exc.details or []), *_per_file(target, bag)] or [
            f"{target}: {exc.message}"
        ]
    except bagit.BagError as exc:
        return [f"{target}: {exc}"]
    return []


def _details(target: Path, details: list[object]) -> list[str]:
    problems = []
    for detail in details:
        where = target / str(getattr(detail, "path", ""))
        if isinstance(detail, bagit.ChecksumMismatch):
            problems.append(
                f"{where}: {detail.algorithm} checksum mismatch "
                f"(manifest {detail.expected}, file {detail.found})"
            )
        elif isinstance(detail, bagit.FileMissing):
            problems.append(f"{where}: listed in the manifest but missing")
        elif isinstance(detail, bagit.UnexpectedFile):
            problems.append(f"{where}: present but in no manifest")
        else:
            problems.append(f"{where}: {detail}")
    return problems


def _per_file(target: Path, bag: bagit.Bag) -> list[str]:
    """Each payload file against the manifests (what bagit skips after an Oxum failure)."""
    import hashlib

    if not bag.algorithms:
        return []
    missing, unexpected = bag.compare_manifests_with_fs()
    problems = [f"{target / p}: listed in the manifest but missing" for p in sorted(missing)]
    problems += [f"{target / p}: present but in no manifest" for p in sorted(unexpected)]
    for path, hashes in sorted(bag.payload_entries().items()):
        if path in missing:
            continue
        for algorithm, expected in sorted(hashes.items()):
            found = hashlib.new(algorithm, (target / path).read_bytes()).hexdigest()
            if found != expected:
                problems.append(
                    f"{target / path}: {algorithm} checksum mismatch "
                    f"(manifest {expected}, file {found})"
                )
    return problems
