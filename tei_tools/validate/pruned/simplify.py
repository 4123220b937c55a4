"""RELAX NG simplification in process, for the one-file grammars the TEI's ODD
processor writes (tei_all, a project's ODD compiled): what ``jing -s`` makes of them,
made only for the elements a batch's documents can contain.

``jing -s`` costs a Java start and simplifies every element of the schema (tei_all:
0.7 s, 8 MB of output) where a batch needs a hundred of them. Here the grammar's
references are followed from ``start``: an element whose local name the documents lack
becomes ``notAllowed`` (the pruner's first step, taken before the work it saves), and
the rest is written as the specification's simplification writes it (§4): annotations
dropped; every element and attribute name, ``name`` and ``nsName`` given its namespace
(§4.8–4.10); every ``data`` and ``value`` its datatype library and type (§4.3–4.4); an
attribute without a pattern given ``text``; and every reference to a define that is not
one element replaced by the define's pattern (§4.19), so that each element pattern
carries its attributes, as ``prune`` reads them.

A grammar this module does not cover (``include``, ``externalRef``, ``div``,
``combine``, a nested ``grammar``, an element reached through a define it is in,
defines nested deeper than Python's stack) gets None, and jing simplifies it.
"""

from __future__ import annotations

import copy
from collections.abc import Collection

from lxml import etree

from tei_tools.validate.pruned.prune import _R

_UNSUPPORTED = {f"{_R}{tag}" for tag in ("include", "externalRef", "div", "grammar", "parentRef")}
# Patterns copied as they are, their children converted in turn.
_STRUCTURE = {
    f"{_R}{tag}"
    for tag in (
        "choice",
        "group",
        "interleave",
        "optional",
        "zeroOrMore",
        "oneOrMore",
        "list",
        "mixed",
        "text",
        "empty",
        "notAllowed",
    )
}


class _NotCovered(Exception):
    """The grammar uses a construct this module leaves to jing."""


def covers(root: etree._Element) -> bool:
    """Whether ``simplified_for`` can read this grammar (else jing simplifies it)."""
    if root.tag != f"{_R}grammar" or root.find(f"{_R}start") is None:
        return False
    names: set[str] = set()
    for child in root:
        if not isinstance(child.tag, str) or not child.tag.startswith(_R):
            continue  # an annotation
        if child.tag == f"{_R}define":
            name = (child.get("name") or "").strip()
            if child.get("combine") is not None or not name or name in names:
                return False
            names.add(name)
        elif child.tag != f"{_R}start":
            return False
    starts = root.findall(f"{_R}start")
    if len(starts) != 1 or starts[0].get("combine") is not None:
        return False
    return not any(True for _ in root.iter(*_UNSUPPORTED) if _ is not root)


def simplified_for(root: etree._Element, names: Collection[str]) -> bytes | None:
    """The simplified grammar of ``root`` with every element define reachable from
    ``start``, those whose element's local name is not in ``names`` as ``notAllowed``;
    None where the grammar is not one this module covers."""
    if not covers(root):
        return None
    try:
        return _Simplifier(root, names).run()
    except (_NotCovered, RecursionError):  # defines nested past Python's stack: jing's
        return None


def _elements_of(define: etree._Element) -> list[etree._Element]:
    return [c for c in define if isinstance(c.tag, str) and c.tag.startswith(_R)]


class _Simplifier:
    def __init__(self, root: etree._Element, names: Collection[str]) -> None:
        self.root = root
        self.names = names
        self.defines = {(d.get("name") or "").strip(): d for d in root.iterchildren(f"{_R}define")}
        self.inlined: dict[str, etree._Element] = {}  # a define's pattern, converted once
        self.inlining: list[str] = []  # the defines being inlined, to refuse a cycle
        self.wanted: list[str] = []  # element defines referred to, in the order met
        self.seen: set[str] = set()

    def run(self) -> bytes:
        out = etree.fromstring(f'<grammar xmlns="{_R[1:-1]}"/>')  # RELAX NG as the default
        start = etree.SubElement(out, f"{_R}start")
        start_node = self.root.find(f"{_R}start")
        assert start_node is not None
        start.append(self._group(start_node))
        done = 0
        while done < len(self.wanted):  # grows as element defines refer to others
            name = self.wanted[done]
            done += 1
            define = etree.SubElement(out, f"{_R}define", name=name)
            element = _elements_of(self.defines[name])[0]
            if element.get("name") is not None and self._local(element) not in self.names:
                etree.SubElement(define, f"{_R}notAllowed")
            else:
                define.append(self._convert(element))
        return etree.tostring(out)

    def _local(self, element: etree._Element) -> str:
        name = (element.get("name") or "").strip()
        return name.split(":", 1)[1] if ":" in name else name

    def _group(self, node: etree._Element) -> etree._Element:
        """``node``'s patterns as one: itself if one, else their group (§4.12)."""
        patterns = [self._convert(c) for c in _elements_of(node)]
        if not patterns:
            raise _NotCovered(f"{node.tag} without a pattern")
        return _normal(f"{_R}group", patterns)

    def _convert(self, node: etree._Element) -> etree._Element:
        tag = node.tag
        if tag == f"{_R}ref":
            return self._ref((node.get("name") or "").strip())
        if tag == f"{_R}element":
            return self._named(node, f"{_R}element", inherit=True)
        if tag == f"{_R}attribute":
            return self._named(node, f"{_R}attribute", inherit=False)
        if tag == f"{_R}data":
            data = etree.Element(
                tag, type=(node.get("type") or "").strip(), datatypeLibrary=_library(node)
            )
            for child in _elements_of(node):
                if child.tag == f"{_R}param":
                    param = etree.SubElement(data, child.tag)
                    param.set("name", (child.get("name") or "").strip())
                    param.text = child.text or ""
                elif child.tag == f"{_R}except":
                    data.append(self._except(child))
                else:
                    raise _NotCovered(f"{child.tag} in data")
            return data
        if tag == f"{_R}value":
            if node.get("type") is None:
                value = etree.Element(tag, type="token", datatypeLibrary="", ns=_ns(node))
            else:
                value = etree.Element(
                    tag,
                    type=(node.get("type") or "").strip(),
                    datatypeLibrary=_library(node),
                    ns=_ns(node),
                )
            value.text = node.text or ""
            return value
        if tag in _STRUCTURE:
            return _normal(tag, [self._convert(c) for c in _elements_of(node)])
        raise _NotCovered(f"{tag} as a pattern")

    def _except(self, node: etree._Element) -> etree._Element:
        out = etree.Element(node.tag)
        out.extend(self._convert(c) for c in _elements_of(node))
        return out

    def _ref(self, name: str) -> etree._Element:
        define = self.defines.get(name)
        if define is None:
            raise _NotCovered(f"a reference to an undefined pattern {name}")
        patterns = _elements_of(define)
        if len(patterns) == 1 and patterns[0].tag == f"{_R}element":
            if name not in self.seen:
                self.seen.add(name)
                self.wanted.append(name)
            return etree.Element(f"{_R}ref", name=name)
        if name not in self.inlined:
            if name in self.inlining:  # a cycle through no element define
                raise _NotCovered(f"the define {name} refers to itself")
            self.inlining.append(name)
            self.inlined[name] = self._group(define)
            self.inlining.pop()
        return copy.deepcopy(self.inlined[name])

    def _named(self, node: etree._Element, tag: str, *, inherit: bool) -> etree._Element:
        """An element or attribute pattern with its name class resolved (§4.8–4.10)."""
        patterns = _elements_of(node)
        out = etree.Element(tag)
        qname = node.get("name")
        if qname is not None:
            qname = qname.strip()
            if ":" in qname:
                local, ns = _resolved(node, qname)
            else:
                local = qname
                ns = _ns(node) if inherit else (node.get("ns") or "")
            out.set("name", local)
            out.set("ns", ns)
        else:
            if not patterns:
                raise _NotCovered(f"{tag} without a name class")
            out.append(self._name_class(patterns[0]))
            patterns = patterns[1:]
        if not patterns:
            if tag == f"{_R}element":
                raise _NotCovered("an element without a pattern")
            etree.SubElement(out, f"{_R}text")  # an attribute's default pattern
            return out
        out.append(_normal(f"{_R}group", [self._convert(c) for c in patterns]))
        return out

    def _name_class(self, node: etree._Element) -> etree._Element:
        tag = node.tag
        if tag == f"{_R}name":
            qname = (node.text or "").strip()
            out = etree.Element(tag)
            if ":" in qname:
                local, ns = _resolved(node, qname)
            else:
                local, ns = qname, _ns(node)
            out.set("ns", ns)
            out.text = local
            return out
        if tag in (f"{_R}anyName", f"{_R}nsName", f"{_R}choice", f"{_R}except"):
            out = etree.Element(tag)
            if tag == f"{_R}nsName":
                out.set("ns", _ns(node))
            out.extend(self._name_class(c) for c in _elements_of(node))
            return out
        raise _NotCovered(f"{tag} as a name class")


_EMPTY = f"{_R}empty"
_LEAVES = {_EMPTY, f"{_R}text", f"{_R}notAllowed"}
_SEQUENCES = {f"{_R}group", f"{_R}interleave"}  # empty is their identity
_REPEATS = {f"{_R}optional", f"{_R}zeroOrMore", f"{_R}oneOrMore"}  # of empty: empty


def _normal(tag: str, children: list[etree._Element]) -> etree._Element:
    """A pattern of ``tag`` over ``children`` written as jing writes it: a choice or
    group within one of its kind spliced into it, ``empty`` dropped from a group, a
    choice or group of one pattern that pattern. Inlined attribute classes leave many
    such nestings, each a step for libxml2 on every element."""
    if tag == f"{_R}choice" or tag in _SEQUENCES:
        flat: list[etree._Element] = []
        for child in children:
            if child.tag == tag:
                flat.extend(child)
            elif not (tag in _SEQUENCES and child.tag == _EMPTY):
                flat.append(child)
        if tag in _SEQUENCES and not flat:
            return etree.Element(_EMPTY)
        if len(flat) == 1:
            return flat[0]
        children = flat
    elif tag in _REPEATS and all(c.tag == _EMPTY for c in children):
        return etree.Element(_EMPTY)
    elif len(children) > 1 and tag not in _LEAVES:  # several patterns: their group
        children = [_normal(f"{_R}group", children)]
    out = etree.Element(tag)
    out.extend(children)
    return out


_XML_NS = "http://www.w3.org/XML/1998/namespace"


def _resolved(node: etree._Element, qname: str) -> tuple[str, str]:
    """A prefixed name's local part and namespace, as declared where it is (§4.10)."""
    prefix, local = qname.split(":", 1)
    ns = _XML_NS if prefix == "xml" else node.nsmap.get(prefix)
    if ns is None:
        raise _NotCovered(f"the prefix {prefix} is not declared")
    return local, ns


def _ns(node: etree._Element) -> str:
    """The ``ns`` of ``node`` or of its nearest ancestor that has one (§4.9), a named
    attribute having one, empty, when it states none (§4.8)."""
    current: etree._Element | None = node
    while current is not None:
        ns = current.get("ns")
        if ns is not None:
            return ns
        if current.tag == f"{_R}attribute" and current.get("name") is not None:
            return ""
        current = current.getparent()
    return ""


def _library(node: etree._Element) -> str:
    """The ``datatypeLibrary`` of ``node`` or of its nearest ancestor (§4.3)."""
    current: etree._Element | None = node
    while current is not None:
        library = current.get("datatypeLibrary")
        if library is not None:
            return library.strip()
        current = current.getparent()
    return ""
