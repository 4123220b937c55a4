"""Readers for the sources an editor transcribes in, chosen by content, not name:
the raw dialect (``tei_tools.convert.readers.raw``), Word (``docx``) and PAGE-XML
(``page``: a Transkribus or eScriptorium export). Word and PAGE are read into blocks
of lines of styled runs (``styled``), which ``nodes`` builds into the model's blocks
of nodes, the kind the raw reader yields, so every later stage is shared."""

from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path, PurePosixPath

from tei_tools import budgets
from tei_tools.convert.readers.archive import Archive
from tei_tools.convert.readers.kinds import declared_as, is_tei_file, is_word, kind_of
from tei_tools.convert.readers.mets import is_mets_name
from tei_tools.convert.readers.page import PageReader, inside, is_mets, is_page, zip_opener
from tei_tools.convert.readers.runs import StyledSource
from tei_tools.convert.readers.xmlparts import ReadError, Spent, parse_part
from tei_tools.diagnostics import Diagnostic

FORMATS = "raw transcriptions (UTF-8 text), Word (.docx) and PAGE-XML exports"
SOURCE_SUFFIXES = (".txt", ".md", ".docx", ".zip", ".xml")


def is_page_export(folder: Path) -> bool:
    """A folder that is a PAGE export: it holds a mets.xml, or a page/ folder, or
    PAGE files and no other source (an export without METS: one document's pages)."""
    entries = [p for p in folder.iterdir() if not p.name.startswith(".")]
    if any(p.is_file() and is_mets_name(p.name) for p in entries) or (folder / "page").is_dir():
        return True
    xml = [p for p in entries if p.is_file() and p.suffix.lower() == ".xml"]
    others = [
        p
        for p in entries
        if (p.is_file() and p.suffix.lower() in SOURCE_SUFFIXES and p not in xml) or p.is_dir()
    ]
    return bool(xml) and not others and all(_in_export(p) for p in xml)


def _in_export(path: Path) -> bool:
    """Whether a file's first bytes open a PAGE document (``PcGts``), or the document
    metadata a Transkribus export keeps beside its pages (``trpDocMetadata``)."""
    try:
        with path.open("rb") as f:
            head = f.read(4096)
    except OSError:
        return False
    return re.search(rb"<(?:\w+:)?(?:PcGts|trpDocMetadata)[\s>]", head) is not None


def natural_key(name: str) -> list[object]:
    """Names as people number pages: ``2`` before ``10``."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]


def transcriptions_in(folder: Path) -> list[Path]:
    """The sources in a folder, by name: raw text, Word files, zips, PAGE files,
    PAGE exports (sub-folders). TEI files (*.xml) beside them are outputs, not inputs;
    any other XML file is taken, so that it is refused by name, not passed over."""
    found = [
        p
        for p in folder.iterdir()
        if (
            p.is_file()
            and p.suffix in SOURCE_SUFFIXES
            and not (p.suffix == ".xml" and is_tei_file(p))
        )
        or (p.is_dir() and is_page_export(p))
    ]
    return sorted(found)


def read_source(
    data: bytes,
    name: str,
    base: Path | None,
    diags: list[Diagnostic],
    tracked: str = "keep",
    file_grp: str | None = None,
) -> StyledSource | None:
    """What a Word file or PAGE export in ``data`` holds; None when ``data`` is
    neither (a raw transcription, or something the raw reader refuses by name).
    ``base`` is the folder a METS file's page files are found in; ``file_grp`` the
    METS file group to read (see ``readers.mets``)."""
    kind = kind_of(data)
    spent = Spent()  # what this source's parts cost, against the budgets
    try:
        if kind == "zip":
            with Archive(data, "the input", spent) as archive:
                if is_word(archive.names):
                    # imported for a Word file only: a PAGE or raw run starts without it
                    from tei_tools.convert.readers.docx import DocxReader

                    reader = DocxReader(name, diags, tracked, spent)
                    blocks = reader.read_archive(archive)
                    changes = list(reader.changes.values())
                    return StyledSource(
                        blocks, changes=changes, meta=reader.meta, media=reader.media
                    )
                return _read_zip(archive, name, diags, f"{name}/", spent, file_grp)
        if kind == "xml":
            declared = declared_as(data)
            try:
                root = parse_part(data, name, spent, declared)
            except ReadError:
                if declared:
                    raise
                return None  # XML of another kind: the raw reader refuses it as XML
            if is_page(root):
                page = PageReader(diags, spent=spent)
                page.read_page(root, name)
                return _styled(page, "one PAGE file")
            if is_mets(root):
                if base is None:
                    raise ReadError(
                        "a METS file given without its folder cannot reach its page files; "
                        "give its path or its folder"
                    )
                folder = Path(name).parent.as_posix()
                page = PageReader(diags, "" if folder == "." else f"{folder}/", spent, file_grp)
                page.read_mets(root, Path(name).name, _folder_opener(base, spent))
                return _styled(page, "an export (a METS file and its page files)")
    except ReadError as exc:
        diags.append(
            Diagnostic(
                "C008",
                str(exc),
                _where(exc, name, kind),
                exc.line,
                exc.col,
                hint=f"tei-tools reads {FORMATS}",
            )
        )
        return StyledSource()
    return None


def _where(exc: ReadError, name: str, kind: str) -> str:
    """The file an error is in: a part of the Word file or zip (``memo.docx/word/…``),
    a page file beside the METS file, or the input itself."""
    if not exc.file or exc.file == name:
        return name
    if kind == "zip":
        return f"{name}/{exc.file}"
    return (Path(name).parent / exc.file).as_posix()


def source_bytes(path: Path) -> bytes:
    """A source's bytes: a file's own, or for a PAGE export's folder a zip of its XML
    files (the METS file and the pages: all the converter reads; images are found
    beside the source when the site is made) made the same way every time (names in
    order, fixed times), so that a worker can read it whole. A file larger than a
    part may be is a ``ReadError`` naming it (it is never read into memory)."""
    if not path.is_dir():
        return path.read_bytes()
    buffer = io.BytesIO()
    root = os.path.realpath(path)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, entry in _xml_entries(path):
            # only a link can lead out: the walk enters no linked folder
            if entry.is_symlink() and not _within(os.path.realpath(entry.path), root):
                raise ReadError(f"{name} is a link out of the export's folder", file=name)
            data = _read_bounded(entry.path, budgets.MAX_PART, follow=entry.is_symlink())
            if data is None:
                raise ReadError(f"{name} is larger than {budgets.MAX_PART:,} bytes", file=name)
            archive.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data)
    return buffer.getvalue()


def export_size(folder: Path) -> int:
    """The bytes ``source_bytes`` reads of an export's folder: its XML files' sizes."""
    return sum(entry.stat().st_size for _, entry in _xml_entries(folder))


def _xml_entries(folder: Path) -> list[tuple[str, os.DirEntry[str]]]:
    """(name relative to ``folder``, entry) of each XML file in it and in its folders,
    in natural name order; linked folders are not entered (as ``Path.rglob``), and
    names starting with a dot are files like any other."""
    found: list[tuple[str, os.DirEntry[str]]] = []
    pending = [("", os.fspath(folder))]
    while pending:
        prefix, where = pending.pop()
        with os.scandir(where) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    pending.append((f"{prefix}{entry.name}/", entry.path))
                elif os.path.splitext(entry.name)[1].lower() == ".xml" and entry.is_file():
                    found.append((prefix + entry.name, entry))  # (".xml" alone is no XML name)
    found.sort(key=lambda item: (natural_key(item[0]), item[0]))  # "a1" and "a01": by name
    return found


def _read_bounded(path: str, limit: int, *, follow: bool) -> bytes | None:
    """The file's bytes, or None when it holds more than ``limit``; read by its size
    (asking for ``limit`` bytes at once allocates them all), which a file still
    growing may pass: what follows is read too, within the limit. Unless ``follow``
    (a link already checked), a link put in the file's place since the folder was
    read is refused (ELOOP), not followed."""
    flags = os.O_RDONLY | (0 if follow else getattr(os, "O_NOFOLLOW", 0))
    with open(os.open(path, flags), "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > limit:
            return None
        data = handle.read(size + 1)
        if len(data) > size:
            data += handle.read(limit + 1 - len(data))
    return data if len(data) <= limit else None


def _within(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _styled(page: PageReader, form: str) -> StyledSource:
    page.finish()
    return StyledSource(
        page.blocks,
        page.surfaces,
        meta=page.facts(form),
        people=page.people.listed(),
        features=page.features.listed(),
    )


def _read_zip(
    archive: Archive,
    name: str,
    diags: list[Diagnostic],
    prefix: str,
    spent: Spent,
    file_grp: str | None = None,
) -> StyledSource | None:
    """A zipped PAGE export: its METS file (there must be one at most), else its PAGE
    files in the order of their names; None for a zip that holds neither."""
    opener = zip_opener(archive)
    page = PageReader(diags, prefix, spent, file_grp)
    mets = sorted(n for n in archive.names if is_mets_name(n))
    if len(mets) > 1:
        raise ReadError(
            f"the zip holds {len(mets)} METS files ({', '.join(mets)}), so which export "
            "to read cannot be told; zip one export at a time"
        )
    if mets:
        page.read_mets(parse_part(opener(mets[0]), mets[0], spent), mets[0], opener)
        return _styled(page, "an export (a METS file and its page files)")
    for path in sorted((n for n in archive.names if n.endswith(".xml")), key=natural_key):
        root = parse_part(opener(path), path, spent)  # one tree at a time in memory
        if is_page(root):
            page.read_page(root, path)
        elif root.tag == "trpDocMetadata":  # Transkribus's metadata.xml: title, language
            page.transkribus_facts(root)
    if not page.surfaces:
        return None  # an unknown zip: the raw reader refuses it by name
    return _styled(page, "a zip or folder of page files")


def _folder_opener(folder: Path, spent: Spent):  # type: ignore[no-untyped-def]
    root = folder.resolve()

    def open_file(path: str) -> bytes:
        relative = inside(PurePosixPath("."), path, "mets.xml")
        target = (root / relative).resolve()
        if root not in target.parents:
            raise ReadError(f"{path!r} leaves the export's folder", file=path)
        if not target.is_file():
            raise ReadError(f"the page file {relative} named in the export is missing")
        size = target.stat().st_size
        if size > budgets.MAX_PART:
            raise ReadError(
                f"{relative} is {size} bytes, past the {budgets.MAX_PART} bytes one part may be",
                file=relative,
            )
        if spent.unpacked + size > budgets.MAX_UNPACKED:
            raise ReadError(
                f"{relative} brings the export's files past the {budgets.MAX_UNPACKED} bytes "
                "all parts of one source may be",
                file=relative,
            )
        spent.unpacked += size
        return target.read_bytes()

    return open_file
