"""Pruning a simplified RELAX NG grammar to what a batch of documents contains: an
element pattern whose local name occurs nowhere becomes ``notAllowed``, which then
propagates as in RELAX NG simplification (spec §4.20). Pure functions on bytes."""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree

from tei_tools.xmlparse import parse_bytes

_R = "{http://relaxng.org/ns/structure/1.0}"
_NAME_CLASSES = {f"{_R}name", f"{_R}anyName", f"{_R}nsName", f"{_R}choice"}
# A pattern with one of these is notAllowed as soon as one of its patterns is.
_ALL_OF = {
    f"{_R}{tag}"
    for tag in ("group", "interleave", "oneOrMore", "list", "attribute", "element", "mixed")
}
_OPTIONAL = {f"{_R}optional", f"{_R}zeroOrMore"}
_LEAVES = {f"{_R}{tag}" for tag in ("empty", "text", "value", "data")}


class Unsupported(Exception):
    """The simplified grammar has a construct the pruner does not know."""


def prune(grammar: bytes, attributes_of: dict[str, set[str]]) -> bytes:
    """The simplified ``grammar`` without the elements whose local names are not keys
    of ``attributes_of``, and without the attributes an element of that name never
    carries there (an element pattern without a name carries any of them)."""
    root = parse_bytes(grammar, huge=True)  # jing's output, trusted
    start = root.find(f"{_R}start")
    if root.tag != f"{_R}grammar" or start is None:
        raise Unsupported("not a simplified grammar")
    defines = {d.get("name", ""): d for d in root.iterchildren(f"{_R}define")}
    dead: set[str] = set()
    for name, define in defines.items():
        element = define[0] if len(define) else None
        if element is not None and element.tag == f"{_R}element":
            local = element.get("name")
            if local is not None and local not in attributes_of:
                dead.add(name)
    live = _reachable(start, defines, dead)  # only these are worth pruning further
    anywhere = set().union(*attributes_of.values())
    for name in live:
        for attribute in list(defines[name].iter(f"{_R}attribute")):
            local = attribute.get("name")
            owner = next(attribute.iterancestors(f"{_R}element"), None)
            owner_name = owner.get("name") if owner is not None else None
            carried = anywhere if owner_name is None else attributes_of.get(owner_name, set())
            if local is not None and local not in carried:
                attribute.clear()
                attribute.tag = f"{_R}notAllowed"
    changed = True
    while changed:  # deadness only grows, so this reaches its fixed point
        changed = False
        for name in live - dead:
            if _not_allowed(defines[name], dead):
                dead.add(name)
                changed = True
    if _not_allowed(start, dead):
        raise Unsupported("no document element the schema allows occurs in the documents")
    live = _reachable(start, defines, dead)
    # a fresh tree (cheaper than cutting this one), RELAX NG as its default namespace
    pruned = etree.fromstring(f'<grammar xmlns="{_R[1:-1]}"/>')
    pruned.append(start)
    pruned.extend(defines[name] for name in sorted(live))
    _drop_empty(pruned)
    _for_libxml2(pruned)
    return etree.tostring(pruned)


def _drop_empty(root: etree._Element) -> None:
    """``empty`` is the identity of group and interleave: pruned optional attributes
    leave many, each a step for libxml2 on every element. A group (or interleave) left
    with one pattern is that pattern: libxml2 2.14 misreads such a group after others,
    dropping them (it accepts ``<r/>`` for ``y, group(c?)``)."""
    for group in list(root.iter(f"{_R}group", f"{_R}interleave")):
        for child in list(group):
            if child.tag == f"{_R}empty" and len(group) > 1:
                group.remove(child)
    for group in reversed(list(root.iter(f"{_R}group", f"{_R}interleave"))):
        parent = group.getparent()
        if len(group) == 1 and parent is not None:  # innermost first: nested ones fold too
            parent.replace(group, group[0])


def _for_libxml2(root: etree._Element) -> None:
    """Each element pattern in the shape libxml2 checks fastest. libxml2 moves an
    element's attribute-only patterns out of its content, but only those written
    directly in the element (not in the one ``group`` a simplified grammar wraps them
    in); content left without attributes, ``data``, ``value``, ``list`` or
    ``interleave`` is compiled to an automaton, checked four times as fast as by its
    pattern interpreter. Content that cannot be compiled is written as ``mixed``
    where that is its equal (``_as_mixed``), the interpreter's faster form."""
    defines = {d.get("name", ""): d for d in root.iterchildren(f"{_R}define")}
    for define in defines.values():
        element = define[0] if len(define) else None
        if element is None or element.tag != f"{_R}element" or element.get("name") is None:
            continue
        if len(element) == 1 and element[0].tag == f"{_R}group":
            group = element[0]
            element.remove(group)
            element.extend(list(group))  # its patterns, the element's: a group's equal
        content = [p for p in element if not _attribute_only(p)]
        if not all(_compilable(p, defines) for p in content):
            _as_mixed(element)


_ATTRIBUTE_BRANCHES = {
    f"{_R}{tag}" for tag in ("choice", "group", "interleave", "oneOrMore", "zeroOrMore", "optional")
}
_COMPILABLE_BRANCHES = {
    f"{_R}{tag}" for tag in ("choice", "group", "oneOrMore", "zeroOrMore", "optional")
}


def _attribute_only(pattern: etree._Element) -> bool:
    """Whether ``pattern`` generates attributes only (libxml2's
    ``xmlRelaxNGGenerateAttributes``: an ``empty`` anywhere in it says no)."""
    if pattern.tag == f"{_R}attribute":
        return True
    return pattern.tag in _ATTRIBUTE_BRANCHES and all(_attribute_only(p) for p in pattern)


def _compilable(pattern: etree._Element, defines: dict[str, etree._Element]) -> bool:
    """Whether libxml2 compiles ``pattern`` into its element's automaton
    (``xmlRelaxNGIsCompilable``): named elements, text, empty and the regular
    operators over them."""
    tag = pattern.tag
    if tag == f"{_R}ref":
        define = defines.get(pattern.get("name", ""))
        target = define[0] if define is not None and len(define) else None
        return target is not None and target.tag == f"{_R}element" and bool(target.get("name"))
    if tag in (f"{_R}text", f"{_R}empty"):
        return True
    return tag in _COMPILABLE_BRANCHES and all(_compilable(p, defines) for p in pattern)


def _as_mixed(element: etree._Element) -> None:
    """``(text | a | b …)*`` (or ``+``: ``text`` matches nothing too) as ``mixed {(a | b
    …)*}``, its equal when every other branch is one element, which libxml2's pattern
    interpreter checks about twice as fast (it sorts a mixed model's children by name)."""
    for repeat in list(element.iter(f"{_R}oneOrMore", f"{_R}zeroOrMore")):
        if len(repeat) != 1 or repeat[0].tag != f"{_R}choice":
            continue
        choice = repeat[0]
        texts = [c for c in choice if c.tag == f"{_R}text"]
        others = [c for c in choice if c.tag != f"{_R}text"]
        if not texts or not others or any(c.tag != f"{_R}ref" for c in others):
            continue
        for text in texts:
            choice.remove(text)
        mixed = etree.Element(f"{_R}interleave")
        etree.SubElement(mixed, f"{_R}text")
        etree.SubElement(mixed, f"{_R}zeroOrMore").append(choice if len(others) > 1 else others[0])
        parent = repeat.getparent()
        assert parent is not None
        parent.replace(repeat, mixed)


def _patterns(node: etree._Element) -> Iterable[etree._Element]:
    """The child patterns of ``node``, without its name class."""
    children = list(node)
    if node.tag in (f"{_R}element", f"{_R}attribute") and node.get("name") is None:
        if not children or children[0].tag not in _NAME_CLASSES:
            raise Unsupported(f"{node.tag} without a name class")
        children = children[1:]
    return children


def _not_allowed(node: etree._Element, dead: set[str]) -> bool:
    """Whether ``node`` can match nothing; dead branches are cut out of it on the way."""
    tag = node.tag
    if tag == f"{_R}ref":
        return node.get("name") in dead
    if tag == f"{_R}notAllowed":
        return True
    if tag in _LEAVES:
        return False
    if tag == f"{_R}choice":
        for child in list(node):
            if _not_allowed(child, dead):
                node.remove(child)
        return len(node) == 0
    if tag in _OPTIONAL:
        if any([_not_allowed(child, dead) for child in node]):
            for child in list(node):
                node.remove(child)
            node.tag = f"{_R}empty"
        return False
    if tag in _ALL_OF or tag in (f"{_R}define", f"{_R}start"):
        # every child is visited (no short cut), so each has its dead branches cut
        return any([_not_allowed(child, dead) for child in _patterns(node)])
    raise Unsupported(f"unexpected {tag} in a simplified grammar")


def _reachable(
    start: etree._Element, defines: dict[str, etree._Element], dead: set[str]
) -> set[str]:
    """The defines ``start`` reaches through references to defines not ``dead``."""
    reached: set[str] = set()
    todo = [start]
    while todo:
        for ref in todo.pop().iter(f"{_R}ref"):
            name = ref.get("name", "")
            if name not in defines:
                raise Unsupported(f"reference to an undefined pattern {name}")
            if name not in reached and name not in dead:
                reached.add(name)
                todo.append(defines[name])
    return reached
