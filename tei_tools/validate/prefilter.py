"""Which Schematron rules can match a document at all, read from elementpath's parse
tree of each rule's context.

A context names what a node it matches must be (``tei:p``, ``tei:*[@when]``,
``tei:l//tei:p``, ``tei:rt/@target``): a document without such an element or
attribute anywhere cannot match it, and the rule need not run. ``needs`` says what a
document must hold, as alternatives (one per branch of a union), each a list of
requirements that must all be met, each requirement a set of names one of which
must occur: ``{"{tei}p"}`` for an element, ``{"@rend"}`` for an attribute in no
namespace. Where the tree holds anything this reader does not know, it answers None
and the rule always runs: it only ever skips a rule that cannot match.
"""

from __future__ import annotations

from typing import Any

Needs = list[list[frozenset[str]]]

_PATHS = frozenset({"/", "//"})
_COMPARISONS = frozenset({"=", "!=", "<", ">", "<=", ">=", "eq", "ne", "lt", "gt", "le", "ge"})
# String tests an absent attribute fails only against a non-empty literal: it is read
# as "", and starts-with("", "") is true (matches() is left out: a pattern may match "")
_STRING_TESTS = frozenset({"starts-with", "ends-with", "contains"})


def needs(token: Any, namespaces: dict[str, str]) -> Needs | None:
    """What a document must hold for the expression ``token`` (a rule's context,
    compiled) to select anything; None when that cannot be told."""
    symbol = token.symbol
    if symbol == "(" and len(token) == 1:
        return needs(token[0], namespaces)
    if symbol in ("|", "union"):
        left, right = needs(token[0], namespaces), needs(token[1], namespaces)
        return None if left is None or right is None else left + right
    if symbol in _PATHS:
        if len(token) == 1:  # rooted: /x, //x
            return needs(token[0], namespaces)
        left, right = needs(token[0], namespaces), needs(token[1], namespaces)
        if left is None or right is None:
            return None
        return [a + b for a in left for b in right]  # every step of a path is there
    if symbol == "[":
        base = needs(token[0], namespaces)
        if base is None:
            return None
        wanted = _predicate(token[1], namespaces)
        return [alternative + wanted for alternative in base]
    if symbol == "child" and len(token) == 1:
        return needs(token[0], namespaces)
    if symbol in ("attribute", "@") and len(token) == 1:
        name = _attribute(token)
        return None if name is None else [[frozenset({name})]]
    element = _element(token, namespaces)
    if element is None:
        return None
    return [[frozenset({element})]] if element else [[]]


def met(required: Needs, present: set[str] | frozenset[str]) -> bool:
    return any(all(names & present for names in alternative) for alternative in required)


def _element(token: Any, namespaces: dict[str, str]) -> str | None:
    """The element name a name test names (Clark notation), "" for a wildcard (any
    element: no requirement), None for anything else."""
    if token.symbol == "*" and len(token) == 0:
        return ""
    if token.symbol == "(name)":
        return str(token.value)  # no prefix: no namespace (Schematron has no default)
    if token.symbol == ":" and len(token) == 2:
        prefix, local = token[0], token[1]
        uri = namespaces.get(str(prefix.value)) if prefix.symbol == "(name)" else None
        if uri is None:
            return None
        if local.symbol == "*":
            return ""
        return f"{{{uri}}}{local.value}" if local.symbol == "(name)" else None
    return None


def _attribute(token: Any) -> str | None:
    """``@name`` (or ``attribute::name``) of an attribute in no namespace."""
    named = token[0]
    return f"@{named.value}" if named.symbol == "(name)" else None


def _predicate(token: Any, namespaces: dict[str, str]) -> list[frozenset[str]]:
    """What a predicate cannot be true without: ``[@x]``, ``[@x = …]``,
    ``[starts-with(@x, 'a')]``, ``[count(//tei:x) gt N]``, and both sides of ``and``.
    Nothing is required of what this reader does not know (``not(@x)``, ``or``)."""
    symbol = token.symbol
    if symbol == "and":
        return _predicate(token[0], namespaces) + _predicate(token[1], namespaces)
    if symbol in ("@", "attribute") and len(token) == 1:
        name = _attribute(token)
        return [] if name is None else [frozenset({name})]
    if symbol in _STRING_TESTS and len(token) == 2 and token[0].symbol == "@":
        literal = token[1]
        if literal.symbol != "(string)" or not literal.value:
            return []
        name = _attribute(token[0])
        return [] if name is None else [frozenset({name})]
    if symbol in _COMPARISONS and len(token) == 2:
        left, right = token[0], token[1]
        if left.symbol == "@" and right.symbol != "@":
            name = _attribute(left)
            return [] if name is None else [frozenset({name})]
        counted = _counted(left, right, symbol, namespaces)
        return [] if counted is None else [frozenset({counted})]
    return []


def _counted(left: Any, right: Any, symbol: str, namespaces: dict[str, str]) -> str | None:
    """``count(//tei:x) gt N`` (N ≥ 0): true only where some tei:x is."""
    if symbol not in ("gt", ">") or left.symbol != "count" or len(left) != 1:
        return None
    if right.symbol != "(integer)" or int(right.value) < 0:
        return None
    path = left[0]
    if path.symbol != "//" or len(path) != 1:
        return None
    return _element(path[0], namespaces) or None
