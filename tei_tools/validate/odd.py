"""A TEI project's ODD compiled into the schemas it means: RELAX NG and ISO Schematron.

The compiler is the TEI's own: the TEI Stylesheets' ``odd2odd.xsl`` (the ODD resolved
against the TEI source, ``p5subset.xml``), ``odd2relax.xsl`` and ``extract-isosch.xsl``,
run by SaxonC-HE from PyPI (``saxonche``: no Java), so the verdicts are the TEI's.
The result is cached under the checksums of the ODD, every local file it refers to
(transitively), the TEI source, the Stylesheets and the tools' versions: CI compiles
once, and an edit to any input compiles again.

Where the inputs come from, first found first:

- the TEI source: ``--tei-source FILE`` (or ``TEI_TOOLS_TEI_SOURCE``); the cache (by
  the version the ODD's ``schemaSpec/@source`` names, "tei:4.9.0", default "current"); else, with
  ``--allow-network``, the TEI's published release (``TEI_TOOLS_TEI_RELEASES``,
  default https://www.tei-c.org/Vault/P5), downloaded once;
- the Stylesheets: ``--stylesheets DIR`` (or a release's ``.zip``); ``TEI_TOOLS_STYLESHEETS``;
  the cache; else, with ``--allow-network``, the TEI Stylesheets release zip
  (``TEI_TOOLS_STYLESHEETS_URL``), downloaded once.

A download is kept with its HMAC (``tei_tools.cache``), checked each time the cached
copy is used (a changed file is refused, never used); so is each compile.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import time
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from tei_tools.cache import cache_dir, seal, sealed, versions
from tei_tools.namespaces import TEI_NS
from tei_tools.validate.loader import Located, line_of
from tei_tools.validate.protocol import SchemaError
from tei_tools.xmlparse import safe_parser

T = f"{{{TEI_NS}}}"
RELEASES = "https://www.tei-c.org/Vault/P5"
CURRENT = "https://www.tei-c.org/release/xml/tei/odd/p5subset.xml"
STYLESHEETS_VERSION = "7.56.0"
STYLESHEETS_URL = (
    "https://github.com/TEIC/Stylesheets/releases/download/"
    f"v{STYLESHEETS_VERSION}/tei-xsl-{STYLESHEETS_VERSION}.zip"
)
MAX_DOWNLOAD = 200 * 1024 * 1024
_VERSION = re.compile(r"^tei:(?P<version>current|\d+\.\d+\.\d+[a-z]?)$")


@dataclass(frozen=True)
class Compiled:
    rng: Path
    isosch: Path
    seconds: float  # 0 when it came from the cache


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _error(odd: Located, element: etree._Element, message: str) -> SchemaError:
    return SchemaError(f"{odd.name}:{line_of(element)}:{odd.column(element)}: {message}")


def read_odd(path: Path) -> tuple[Located, etree._Element]:
    """The ODD and its ``schemaSpec``; refused by line and column when it is not one."""
    try:
        data = path.read_bytes()
        tree = etree.ElementTree(etree.fromstring(data, safe_parser()))
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (1, 1)
        raise SchemaError(f"{path}:{line}:{column}: the ODD is not well-formed: {exc.msg}") from exc
    except OSError as exc:
        raise SchemaError(f"{path}: cannot read the ODD: {exc.strerror or exc}") from exc
    odd = Located(str(path), data, tree)
    root = tree.getroot()
    if etree.QName(root).namespace != TEI_NS:
        raise _error(odd, root, f"an ODD is a TEI document; the root element is {root.tag}")
    spec = next(root.iter(f"{T}schemaSpec"), None)
    if spec is None:
        raise _error(odd, root, "no schemaSpec: this TEI document is not an ODD customization")
    return odd, spec


_REMOTE = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)


# What an ODD processor dereferences: a module or spec from elsewhere, the TEI source,
# a specGrp in another file, an XInclude. (Examples in egXML are not processed.)
_REFERENCES = {
    f"{T}moduleRef": ("url", "source"),
    f"{T}elementRef": ("source",),
    f"{T}classRef": ("source",),
    f"{T}macroRef": ("source",),
    f"{T}dataRef": ("source",),
    f"{T}schemaSpec": ("source",),
    f"{T}specGrpRef": ("target",),
    "{http://www.w3.org/2001/XInclude}include": ("href",),
}


def check_local(odd: Located, allow_network: bool) -> None:
    """An ODD that points the compiler at a remote resource would make it fetch it:
    refused unless --allow-network."""
    if allow_network:
        return
    for el in odd.tree.iter(*_REFERENCES):
        for attr in _REFERENCES[str(el.tag)]:
            value = el.get(attr) or ""
            if _REMOTE.match(value) and not value.lower().startswith("file:"):
                raise _error(
                    odd,
                    el,
                    f"@{attr}={value!r} is remote; tei-tools fetches nothing unless "
                    "--allow-network is given (or refer to a local copy)",
                )


def localized(odd: Located, subset: Path) -> bytes:
    """The ODD with every TEI release it names (``@source="tei:4.9.0"``) pointing at
    the local TEI source: odd2odd would otherwise fetch the release itself."""
    tree = etree.ElementTree(etree.fromstring(odd.data, safe_parser()))
    for el in tree.iter():
        if isinstance(el.tag, str) and _VERSION.match(el.get("source") or ""):
            el.set("source", subset.resolve().as_uri())
    return etree.tostring(tree, xml_declaration=True, encoding="UTF-8")


def check_modules(odd: Located, spec: etree._Element, source: Path) -> None:
    """Every moduleRef names a module of the TEI source (odd2odd skips one that does
    not exist in silence)."""
    modules = {
        el.get("ident")
        for _, el in etree.iterparse(str(source), tag=f"{T}moduleSpec", resolve_entities=False)
    }
    for ref in spec.iter(f"{T}moduleRef"):
        key = ref.get("key")
        if key and key not in modules:
            known = ", ".join(sorted(m for m in modules if m))
            raise _error(odd, ref, f"moduleRef key={key!r}: the TEI has no such module ({known})")


def _download(url: str, allow_network: bool, what: str) -> bytes:
    if not allow_network:
        raise SchemaError(
            f"{what} is not in the cache and tei-tools fetches nothing unless --allow-network "
            f"is given ({url}); or name a local copy"
        )
    try:
        with urllib.request.urlopen(url, timeout=120) as answer:
            data: bytes = answer.read(MAX_DOWNLOAD + 1)
    except OSError as exc:
        raise SchemaError(f"{url}: cannot download {what}: {exc}") from exc
    if len(data) > MAX_DOWNLOAD:
        raise SchemaError(f"{url}: {what} is larger than {MAX_DOWNLOAD} bytes")
    return data


def _kept(folder: Path, name: str, url: str, allow_network: bool, what: str) -> Path:
    """A downloaded file in the cache, verified against the SHA-256 kept beside it."""
    path, digest = folder / name, folder / f"{name}.mac"
    if path.is_file() and digest.is_file():
        if not sealed(url, path.read_bytes(), digest.read_text().strip()):
            raise SchemaError(
                f"{path}: the cached {what} does not match the checksum (an HMAC) recorded "
                "when it was downloaded; delete the folder to download it again"
            )
        return path
    data = _download(url, allow_network, what)
    folder.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".part")
    partial.write_bytes(data)
    partial.replace(path)
    digest.write_text(seal(url, data) + "\n")
    return path


def tei_source(spec: etree._Element, given: Path | None, allow_network: bool) -> Path:
    if given is None and os.environ.get("TEI_TOOLS_TEI_SOURCE"):
        given = Path(os.environ["TEI_TOOLS_TEI_SOURCE"])
    if given is not None:
        if not given.is_file():
            raise SchemaError(f"{given}: no such TEI source (p5subset.xml)")
        return given
    source = spec.get("source") or "tei:current"
    found = _VERSION.match(source)
    if found is None:
        local = Path(source.removeprefix("file:"))
        if local.is_file():
            return local
        raise SchemaError(
            f"schemaSpec/@source={source!r}: give the TEI source with --tei-source FILE "
            "(tei-tools downloads only the TEI's releases, named tei:VERSION)"
        )
    version = found["version"]
    base = os.environ.get("TEI_TOOLS_TEI_RELEASES", RELEASES).rstrip("/")
    url = (
        f"{base}/{version}/xml/tei/odd/p5subset.xml"
        if version != "current" or "TEI_TOOLS_TEI_RELEASES" in os.environ
        else CURRENT
    )
    folder = cache_dir() / "tei-source" / version
    return _kept(folder, "p5subset.xml", url, allow_network, f"the TEI source {source}")


def stylesheets(given: Path | None, allow_network: bool) -> Path:
    """The root of a TEI Stylesheets tree (the folder holding ``odds/``)."""
    if given is None and os.environ.get("TEI_TOOLS_STYLESHEETS"):
        given = Path(os.environ["TEI_TOOLS_STYLESHEETS"])
    if given is not None and given.is_dir():
        if not (given / "odds" / "odd2odd.xsl").is_file():
            raise SchemaError(f"{given}: not the TEI Stylesheets (no odds/odd2odd.xsl)")
        return given
    if given is not None and given.is_file():
        return _unzipped(given.read_bytes(), str(given))
    if given is not None:
        raise SchemaError(f"{given}: no such folder or zip of the TEI Stylesheets")
    url = os.environ.get("TEI_TOOLS_STYLESHEETS_URL", STYLESHEETS_URL)
    folder = cache_dir() / "stylesheets" / _sha256(url.encode())[:16]
    archive = _kept(folder, "stylesheets.zip", url, allow_network, "the TEI Stylesheets")
    return _unzipped(archive.read_bytes(), url)


def _unzipped(data: bytes, where: str) -> Path:
    """A Stylesheets release zip, unpacked once into the cache (by its checksum)."""
    target = cache_dir() / "stylesheets" / "unpacked" / _sha256(data)[:16]
    marker = target / ".complete"
    if not marker.is_file():
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile as exc:
            raise SchemaError(f"{where}: not a zip of the TEI Stylesheets: {exc}") from exc
        shutil.rmtree(target, ignore_errors=True)
        for info in archive.infolist():
            name = Path(info.filename)
            if name.is_absolute() or ".." in name.parts:
                raise SchemaError(f"{where}: the zip holds an unsafe path {info.filename!r}")
        archive.extractall(target)
        marker.write_text("")
    roots = [p.parent.parent for p in target.rglob("odds/odd2odd.xsl")]
    if not roots:
        raise SchemaError(f"{where}: the zip holds no odds/odd2odd.xsl")
    return min(roots, key=lambda p: len(p.parts))


def _version_of(root: Path) -> str:
    version = root / "VERSION"
    return (
        version.read_text().strip()
        if version.is_file()
        else _sha256((root / "odds" / "odd2odd.xsl").read_bytes())
    )


def referred_files(odd: Located) -> dict[Path, bytes | None]:
    """Every local file the ODD refers to, transitively, with its bytes (None: absent
    or unreadable, which a later file there must also change): what odd2odd reads
    besides the ODD and the TEI source. A reference in a referred file is taken
    relative to that file and, for a specGrpRef, to the ODD too (odd2odd resolves it
    against the ODD, wherever it stands)."""
    found: dict[Path, bytes | None] = {}
    todo = [(odd, Path(odd.name).resolve().parent)]
    top = todo[0][1]
    while todo:
        document, base = todo.pop()
        for el in document.tree.iter(*_REFERENCES):
            for attr in _REFERENCES[str(el.tag)]:
                value = (el.get(attr) or "").partition("#")[0]
                if (
                    not value
                    or _VERSION.match(value)
                    or (_REMOTE.match(value) and not value.lower().startswith("file:"))
                ):
                    continue
                relative = value.removeprefix("file://").removeprefix("file:")
                bases = {base, top} if el.tag == f"{T}specGrpRef" else {base}
                for folder in bases:
                    path = (folder / relative).resolve()
                    if path in found:
                        continue
                    try:
                        data: bytes | None = path.read_bytes()
                    except OSError:
                        data = None
                    found[path] = data
                    if data is not None and path.suffix.lower() != ".rnc":
                        try:
                            tree = etree.ElementTree(etree.fromstring(data, safe_parser()))
                        except etree.XMLSyntaxError:
                            continue  # not XML (a compact grammar): its bytes are keyed
                        todo.append((Located(str(path), data, tree), path.parent))
    return found


def _key(odd: Located, subset: Path, root: Path) -> str:
    """The compiled ODD's cache key: every input (the ODD, each file it refers to, the
    TEI source, the Stylesheets) and the tools that compile it."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        saxon = version("saxonche")
    except PackageNotFoundError:
        saxon = "none"
    digest = hashlib.sha256(b"odd2odd+relax+isosch\0")
    digest.update(f"{versions()}\0{saxon}\0{_version_of(root)}\0".encode())
    digest.update(_sha256(odd.data).encode() + _sha256(subset.read_bytes()).encode())
    for path, data in sorted(referred_files(odd).items()):
        digest.update(f"\0{path}\0{'-' if data is None else _sha256(data)}".encode())
    return digest.hexdigest()


def compile_odd(
    path: Path,
    source: Path | None = None,
    xsl: Path | None = None,
    allow_network: bool = False,
    cache: bool = True,
) -> Compiled:
    """``path``'s grammar and Schematron, from the cache or compiled now (always now
    without ``cache``; the result then replaces the cached one)."""
    odd, spec = read_odd(path)
    check_local(odd, allow_network)
    subset = tei_source(spec, source, allow_network)
    check_modules(odd, spec, subset)
    root = stylesheets(xsl, allow_network)
    key = _key(odd, subset, root)
    folder = cache_dir() / "odd" / key
    name = "schema"  # the key names the ODD, whatever its file is called
    rng, isosch = folder / f"{name}.rng", folder / f"{name}.isosch"
    if cache and _intact(folder, key, rng, isosch):
        return Compiled(rng, isosch, 0.0)
    start = time.perf_counter()
    stale = cache and folder.exists()  # a compile whose HMAC does not hold is replaced
    _run_pipeline(
        path, localized(odd, subset), subset, root, folder, name, replace=not cache or stale
    )
    (folder / "schema.mac").write_text(seal(key, _pair(rng, isosch)))
    return Compiled(rng, isosch, time.perf_counter() - start)


def _pair(rng: Path, isosch: Path) -> bytes:
    return _sha256(rng.read_bytes()).encode() + b" " + _sha256(isosch.read_bytes()).encode()


def _intact(folder: Path, key: str, rng: Path, isosch: Path) -> bool:
    """A compile this user's tei-tools made for ``key``, unchanged since."""
    try:
        return sealed(key, _pair(rng, isosch), (folder / "schema.mac").read_text().strip())
    except OSError:
        return False


def _run_pipeline(
    odd: Path, text: bytes, subset: Path, root: Path, folder: Path, name: str, replace: bool
) -> None:
    try:
        from saxonche import PySaxonProcessor
    except ImportError as exc:
        raise SchemaError(
            "compiling an ODD needs SaxonC-HE: pip install 'tei-tools[odd]' (saxonche)"
        ) from exc
    scratch = folder.with_name(folder.name + f".{os.getpid()}.tmp")
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    resolved = scratch / f"{name}.compiled"
    localized_odd = scratch / f"{name}.odd"
    localized_odd.write_bytes(text)
    with PySaxonProcessor(license=False) as saxon:
        steps: tuple[tuple[str, Path, Path, dict[str, str]], ...] = (
            ("odd2odd.xsl", localized_odd, resolved, {"defaultSource": subset.resolve().as_uri()}),
            ("odd2relax.xsl", resolved, scratch / f"{name}.rng", {}),
            ("extract-isosch.xsl", resolved, scratch / f"{name}.isosch", {}),
        )
        for stylesheet, source, output, params in steps:
            compiler = saxon.new_xslt30_processor()
            try:
                executable = compiler.compile_stylesheet(
                    stylesheet_file=str(root / "odds" / stylesheet)
                )
                for key, value in params.items():
                    executable.set_parameter(key, saxon.make_string_value(value))
                if source == localized_odd:  # read with the ODD's own base URI, so
                    builder = saxon.new_document_builder()  # its relative links hold
                    builder.set_base_uri(odd.resolve().as_uri())
                    node = builder.parse_xml(xml_text=text.decode("utf-8"))
                    executable.transform_to_file(xdm_node=node, output_file=str(output))
                else:
                    executable.transform_to_file(
                        source_file=str(source.resolve()), output_file=str(output)
                    )
            except Exception as exc:  # saxonche raises PySaxonApiError, a bare Exception
                shutil.rmtree(scratch, ignore_errors=True)
                raise SchemaError(f"{odd}: {stylesheet} failed: {exc}") from exc
            if not output.is_file() or not output.stat().st_size:
                shutil.rmtree(scratch, ignore_errors=True)
                raise SchemaError(f"{odd}: {stylesheet} wrote nothing")
    resolved.unlink()
    localized_odd.unlink()
    folder.parent.mkdir(parents=True, exist_ok=True)
    if folder.exists() and replace:  # --no-cache: this compile replaces the cached one
        stale = folder.with_name(folder.name + f".{os.getpid()}.stale")
        folder.replace(stale)
        shutil.rmtree(stale, ignore_errors=True)
    if folder.exists():  # another process compiled it meanwhile: theirs stands
        shutil.rmtree(scratch, ignore_errors=True)
        return
    scratch.replace(folder)
