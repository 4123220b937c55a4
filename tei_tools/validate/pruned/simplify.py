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
    """Whether ``simplified_for`` can read this grammar (else jing simplifies it): one
    file, no ``combine``, nothing an entity or a comment hides, and well formed as RELAX
    NG (``_checked``) in every define, used or not, as jing and libxml2 would check it
    before simplifying (a grammar that is not is theirs to refuse)."""
    if root.tag != f"{_R}grammar" or root.find(f"{_R}start") is None:
        return False
    if root.getroottree().docinfo.internalDTD is not None:
        return False  # entities: what the parser left unexpanded is not read here
    defines: dict[str, etree._Element] = {}
    for child in root:
        if not isinstance(child.tag, str) or not child.tag.startswith(_R):
            continue  # an annotation
        if child.tag == f"{_R}define":
            name = (child.get("name") or "").strip()
            if child.get("combine") is not None or not name or name in defines:
                return False
            defines[name] = child
        elif child.tag != f"{_R}start":
            return False
    starts = root.findall(f"{_R}start")
    if len(starts) != 1 or starts[0].get("combine") is not None:
        return False
    if any(True for _ in root.iter(*_UNSUPPORTED) if _ is not root):
        return False
    try:
        _checked(root, defines)
    except (_NotCovered, RecursionError):
        return False
    return True


def simplified_for(
    root: etree._Element, names: Collection[str], covered: bool = False
) -> bytes | None:
    """The simplified grammar of ``root`` with every element define reachable from
    ``start``, those whose element's local name is not in ``names`` as ``notAllowed``;
    None where the grammar is not one this module covers. ``covered``: the caller
    knows ``covers(root)`` (it reads every define: as long as the simplification)."""
    if not covered and not covers(root):
        return None
    try:
        return _Simplifier(root, names).run()
    except (_NotCovered, RecursionError):  # defines nested past Python's stack: jing's
        return None


def document_elements(root: etree._Element) -> frozenset[str] | None:
    """The local names of the elements a covered grammar allows as a document's root
    (None: any, where a name class allows it)."""
    defines = {(d.get("name") or "").strip(): d for d in root.iterchildren(f"{_R}define")}
    names: set[str] = set()
    seen: set[str] = set()
    start = root.find(f"{_R}start")
    todo = _elements_of(start) if start is not None else []
    while todo:
        node = todo.pop()
        if node.tag == f"{_R}element":
            name = node.get("name")
            if name is None:
                return None
            names.add(name.strip().rpartition(":")[2])
        elif node.tag == f"{_R}ref":
            name = (node.get("name") or "").strip()
            if name not in seen and name in defines:
                seen.add(name)
                todo.extend(_elements_of(defines[name]))
        else:
            todo.extend(_elements_of(node))
    return frozenset(names)


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
    """The ``ns`` of ``node`` or of its nearest ancestor that has one (§4.9; §4.8 gives
    a named attribute's name, not the attribute, its empty ``ns``)."""
    current: etree._Element | None = node
    while current is not None:
        ns = current.get("ns")
        if ns is not None:
            return ns
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


# What RELAX NG allows on each of its elements (besides ``ns`` and ``datatypeLibrary``,
# allowed on all, and attributes in another namespace: annotations).
_ALLOWED = (
    {
        "grammar": set(),
        "start": {"combine"},
        "define": {"name", "combine"},
        "element": {"name"},
        "attribute": {"name"},
        "ref": {"name"},
        "data": {"type"},
        "value": {"type"},
        "param": {"name"},
        "except": set(),
        "name": set(),
        "nsName": set(),
        "anyName": set(),
    }
    | {local: set() for local in ("choice", "group", "interleave", "optional", "zeroOrMore")}
    | {local: set() for local in ("oneOrMore", "list", "mixed", "text", "empty", "notAllowed")}
)
_TEXTUAL = {"value", "param", "name"}  # their text is read: nothing may split it
_LEAF = {"ref", "text", "empty", "notAllowed", "value", "name", "param"}  # no child element
_CONTAINERS = {"define", "start", "choice", "group", "interleave", "optional", "zeroOrMore"}
_CONTAINERS |= {"oneOrMore", "list", "mixed", "except"}


def _checked(root: etree._Element, defines: dict[str, etree._Element]) -> None:
    """The grammar's syntax, as RELAX NG defines it, checked in every define: known
    elements and attributes, no stray text, the children each element needs, every
    reference and prefix resolved, and no element or attribute inside an attribute
    (§7.1), through references too. _NotCovered where it fails."""
    for node in root.iter():
        if not isinstance(node.tag, str):
            continue  # a comment or processing instruction: only text around it counts
        if not node.tag.startswith(_R):
            parent = node.getparent()
            if parent is not None and parent.tag in _TEXTUAL_TAGS:
                raise _NotCovered("markup inside a value, param or name")
            continue  # an annotation, dropped
        local = node.tag[len(_R) :]
        allowed = _ALLOWED.get(local)
        if allowed is None:
            raise _NotCovered(f"{local} is no RELAX NG element")
        for key in map(str, node.keys()):
            if "}" not in key and key not in allowed and key not in ("ns", "datatypeLibrary"):
                raise _NotCovered(f"{key} is no attribute of {local}")
        children = _elements_of(node)
        if local in _TEXTUAL:
            if len(node):  # a comment, a processing instruction: the text is split
                raise _NotCovered(f"{local} holds more than text")
        elif (node.text or "").strip() or any((c.tail or "").strip() for c in node):
            raise _NotCovered(f"text inside {local}")
        if local in _LEAF and children:
            raise _NotCovered(f"{local} with children")
        if local in _CONTAINERS and not children:
            raise _NotCovered(f"{local} without a pattern")
        if local in ("element", "attribute"):
            named = node.get("name") is not None
            if named:
                _prefix_declared(node, node.get("name") or "")
            elif not children or children[0].tag[len(_R) :] not in _NAME_CLASSES:
                raise _NotCovered(f"{local} without a name")
            if local == "element" and len(children) <= (0 if named else 1):
                raise _NotCovered("an element without a pattern")
        if local == "name":
            _prefix_declared(node, node.text or "")
        if local == "ref" and (node.get("name") or "").strip() not in defines:
            raise _NotCovered(f"a reference to an undefined pattern {node.get('name')}")
        if local == "data" and not (node.get("type") or "").strip():
            raise _NotCovered("data without a type")
        if local == "attribute":
            _no_markup_inside(node, defines)
    attributes = _Attributes(defines)
    for node in root.iter(f"{_R}element"):
        attributes.of(node, top=True)  # §7.3: _NotCovered where two attributes may meet


_NAME_CLASSES = {"name", "nsName", "anyName", "choice"}
_TEXTUAL_TAGS = {f"{_R}{local}" for local in _TEXTUAL}


def _prefix_declared(node: etree._Element, qname: str) -> None:
    if ":" in qname.strip():
        _resolved(node, qname.strip())


def _no_markup_inside(attribute: etree._Element, defines: dict[str, etree._Element]) -> None:
    """No element or attribute within an attribute's pattern, references followed."""
    seen: set[str] = set()
    todo = [c for c in _elements_of(attribute)]
    while todo:
        node = todo.pop()
        if node.tag in (f"{_R}element", f"{_R}attribute"):
            raise _NotCovered("an element or attribute inside an attribute")
        if node.tag == f"{_R}ref":
            name = (node.get("name") or "").strip()
            if name not in defines:
                raise _NotCovered(f"a reference to an undefined pattern {name}")
            if name not in seen:
                seen.add(name)
                todo.extend(_elements_of(defines[name]))
            continue
        todo.extend(_elements_of(node))


_WILD = "*"  # an attribute named by a name class: it may be any


class _Attributes:
    """The attribute names a pattern may give one element (§7.3: no two attributes of a
    group or interleave may match the same name), references followed and each
    define's answer kept: _NotCovered where two may meet."""

    def __init__(self, defines: dict[str, etree._Element]) -> None:
        self.defines = defines
        self.known: dict[str, frozenset[str]] = {}
        self.visiting: set[str] = set()

    def of(self, node: etree._Element, top: bool = False) -> frozenset[str]:
        tag = node.tag
        if tag == f"{_R}element":
            if top:  # the element's own content; an element inside gives its parent none
                named = node.get("name") is not None
                self._sequence(_elements_of(node)[0 if named else 1 :])
            return frozenset()
        if tag == f"{_R}attribute":
            name = node.get("name")
            return frozenset([name.strip() if name else _WILD])  # "xml:id" is not "id"
        if tag == f"{_R}ref":
            return self._define((node.get("name") or "").strip())
        children = _elements_of(node)
        if tag == f"{_R}choice":
            return frozenset().union(*(self.of(c) for c in children))
        if tag in (f"{_R}data", f"{_R}value", f"{_R}list", f"{_R}except"):
            return frozenset()
        return self._sequence(children)  # group, interleave, mixed, repeats, define

    def _sequence(self, children: list[etree._Element]) -> frozenset[str]:
        found: set[str] = set()
        for child in children:
            names = self.of(child)
            if names & found or (names and _WILD in found) or (found and _WILD in names):
                raise _NotCovered("two attributes of a group may match one name")
            found |= names
        return frozenset(found)

    def _define(self, name: str) -> frozenset[str]:
        if name not in self.known:
            define = self.defines.get(name)
            if define is None:
                raise _NotCovered(f"a reference to an undefined pattern {name}")
            patterns = _elements_of(define)
            if len(patterns) == 1 and patterns[0].tag == f"{_R}element":
                self.known[name] = frozenset()  # an element gives its parent no attribute
            elif name in self.visiting:
                raise _NotCovered(f"the define {name} refers to itself")
            else:
                self.visiting.add(name)
                self.known[name] = self._sequence(patterns)
                self.visiting.discard(name)
        return self.known[name]
