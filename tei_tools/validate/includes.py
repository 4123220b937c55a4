"""ISO Schematron inclusion, one step for every query binding: each ``sch:include``
is replaced by the element its ``href`` names (a file's root element, or the Schematron
element with that ``id`` / ``xml:id``), each ``sch:extends[@href]`` by that element's
children, transitively, each href relative to the file that holds it.

Inclusion reads local files only, as the schema itself is read (no network, no DTD,
no entities); a cycle, a missing file or id, a whole ``sch:schema`` included, and an
expansion past INCLUDE_MAX_ELEMENTS (includes that multiply) are refused with the
file, line and column of the include.
"""

from __future__ import annotations

import re
import urllib.parse
from copy import deepcopy
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from tei_tools.validate.loader import DEFAULT_MAX_BYTES, Located, line_of
from tei_tools.xmlparse import parse_bytes

SCH_NS = "http://purl.oclc.org/dsdl/schematron"
_INCLUDE, _EXTENDS, _SCHEMA = f"{{{SCH_NS}}}include", f"{{{SCH_NS}}}extends", f"{{{SCH_NS}}}schema"
_XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
_REMOTE = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)
INCLUDE_MAX_ELEMENTS = 50_000  # elements all includes may bring into one schema


class IncludeError(Exception):
    """An include cannot be resolved: file, line and column in the message."""


@dataclass
class Expanded:
    """A schema with its includes resolved: every file it was made of (the schema
    first), and where each included element came from (its file and original)."""

    root: etree._Element
    files: list[Path]
    origin: dict[etree._Element, tuple[Located, etree._Element]] = field(default_factory=dict)

    def where(self, element: etree._Element, default: Located) -> tuple[str, int, int]:
        """File, line and column of ``element`` (an included one in its own file)."""
        if element not in self.origin:
            return default.name, line_of(element), default.column(element)
        source, original = self.origin[element]
        return source.name, line_of(original), source.column(original)


def expand(tree: etree._ElementTree, path: Path) -> Expanded:
    """``tree`` (the schema read from ``path``) with every include resolved; the tree
    given is left as it is when it has none."""
    root = tree.getroot()
    if next(root.iter(_INCLUDE, _EXTENDS), None) is None:
        return Expanded(root, [path])
    document = Located(str(path), path.read_bytes(), tree)
    resolver = _Resolver(path.resolve(), document)
    copy = deepcopy(root)
    resolver.origin.update(
        (c, (document, o)) for c, o in zip(copy.iter(), root.iter(), strict=True)
    )
    resolver.resolve(copy, root, document, ((str(path.resolve()), _identity(root)),))
    return Expanded(copy, list(resolver.documents), resolver.origin)


class _Resolver:
    def __init__(self, path: Path, document: Located) -> None:
        self.documents: dict[Path, Located] = {path: document}
        self.origin: dict[etree._Element, tuple[Located, etree._Element]] = {}
        self.paths: dict[tuple[str, str], Path] = {}  # (file, href) → the file it names
        self.size = 0

    def resolve(
        self,
        copy: etree._Element,
        original: etree._Element,
        source: Located,
        chain: tuple[tuple[str, str], ...],
    ) -> None:
        """Replace the includes in ``copy`` (a copy of ``original``, from ``source``)."""
        pairs = dict(
            zip(copy.iter(_INCLUDE, _EXTENDS), original.iter(_INCLUDE, _EXTENDS), strict=True)
        )
        for include, at in pairs.items():
            if include.tag == _EXTENDS and include.get("href") is None:
                continue  # extends @rule: an abstract rule, the compiler's business
            target_source, target = self._target(at, source, chain)
            here = (self.key(target_source), _identity(target))
            if here in chain:
                raise self._error(source, at, f"the include of {at.get('href')!r} forms a cycle")
            if include.tag == _INCLUDE and target.tag == _SCHEMA:
                raise self._error(
                    source, at, "include a fragment (a pattern, a rule…), not a whole schema"
                )
            pieces = (
                [target]
                if include.tag == _INCLUDE
                else [c for c in target if isinstance(c.tag, str)]
            )
            parent = include.getparent()
            assert parent is not None  # an include is never the root: the schema is
            position = parent.index(include)
            for offset, piece in enumerate(pieces):
                self.size += sum(1 for _ in piece.iter())
                if self.size > INCLUDE_MAX_ELEMENTS:
                    raise self._error(
                        source,
                        at,
                        f"the includes bring more than {INCLUDE_MAX_ELEMENTS} elements into "
                        "the schema (do they multiply?)",
                    )
                made = deepcopy(piece)
                made.tail = None
                for copied, first in zip(made.iter(), piece.iter(), strict=True):
                    self.origin[copied] = (target_source, first)
                parent.insert(position + offset, made)
                self.resolve(made, piece, target_source, (*chain, here))
            parent.remove(include)

    def _target(
        self, include: etree._Element, source: Located, chain: tuple[tuple[str, str], ...]
    ) -> tuple[Located, etree._Element]:
        href = include.get("href") or ""
        location, _, fragment = href.partition("#")
        if not location and not fragment:
            raise self._error(source, include, "an include needs @href")
        if _REMOTE.match(location) and not location.lower().startswith("file:"):
            raise self._error(
                source,
                include,
                f"the include names {href}; validation never uses the network: store that "
                "file locally and refer to it by path",
            )
        document = self._document(source, include, location) if location else source
        root = document.tree.getroot()
        if not fragment:
            if etree.QName(root).namespace != SCH_NS:
                raise self._error(source, include, f"{href} is not a Schematron element")
            return document, root
        for element in root.iter(f"{{{SCH_NS}}}*"):
            if fragment in (element.get("id"), element.get(_XML_ID)):
                return document, element
        raise self._error(source, include, f"{href}: no Schematron element with id {fragment!r}")

    def _document(self, source: Located, include: etree._Element, location: str) -> Located:
        known = self.paths.get((source.name, location))
        if known is not None:
            return self.documents[known]
        relative = urllib.parse.unquote(location.removeprefix("file://").removeprefix("file:"))
        path = (Path(source.name).parent / relative).resolve()
        if path in self.documents:
            self.paths[source.name, location] = path
            return self.documents[path]
        try:
            if path.stat().st_size > DEFAULT_MAX_BYTES:
                raise self._error(source, include, f"{location} is larger than the size limit")
            data = path.read_bytes()
            tree = etree.ElementTree(parse_bytes(data, base_url=str(path)))
        except OSError as exc:
            raise self._error(
                source, include, f"cannot read {location}: {exc.strerror or exc}"
            ) from None
        except etree.XMLSyntaxError as exc:
            raise self._error(source, include, f"cannot read {location}: {exc.msg}") from None
        self.documents[path] = Located(str(path), data, tree)
        self.paths[source.name, location] = path
        return self.documents[path]

    def key(self, document: Located) -> str:
        """The file a document was read from, resolved (the schema's may be relative)."""
        return next(str(p) for p, d in self.documents.items() if d is document)

    @staticmethod
    def _error(source: Located, element: etree._Element, message: str) -> IncludeError:
        return IncludeError(f"{source.name}:{line_of(element)}:{source.column(element)}: {message}")


def _identity(element: etree._Element) -> str:
    """The element's place in its file, for telling a cycle."""
    return element.getroottree().getpath(element)
