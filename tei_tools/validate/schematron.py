"""ISO Schematron with XPath 2/3 queries (``queryBinding`` xslt2, xslt3), run by
elementpath on the lxml tree: standalone ``.sch``/``.isosch`` files, and the rules a
RELAX NG grammar embeds (TEI's ``sch:pattern``s, which jing ignores).

What SchXslt does, without XSLT: in each pattern a node fires the first rule whose
context matches it; each assert that fails and each report that succeeds is a finding
with the rule's message (``value-of`` and ``name`` evaluated), its role as a severity,
and the node's path in SchXslt's form (``/Q{ns}TEI[1]/Q{ns}text[1]/…``). A rule whose
context names elements or attributes the document lacks is skipped without evaluating
it: most of TEI's 117 rules concern elements a given document does not use.

XSLT 1 Schematron (``queryBinding`` absent or xslt) stays with lxml.isoschematron.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from lxml import etree

from tei_tools.diagnostics import Diagnostic, Severity
from tei_tools.validate import prefilter
from tei_tools.validate.loader import Located, line_of
from tei_tools.validate.prefilter import Needs

if TYPE_CHECKING:
    from tei_tools.validate.includes import Expanded

SCH_NS = "http://purl.oclc.org/dsdl/schematron"
S = f"{{{SCH_NS}}}"
XSL = "{http://www.w3.org/1999/XSL/Transform}"
CODEPOINT_COLLATION = "http://www.w3.org/2005/xpath-functions/collation/codepoint"
XPATH2_BINDINGS = ("xslt2", "xslt3", "xpath2", "xpath3", "xpath31")
ROLES = {  # as oXygen reads them: everything else, nonfatal included, is an error
    "warning": Severity.WARNING,
    "warn": Severity.WARNING,
    "info": Severity.INFO,
    "information": Severity.INFO,
}


class SchematronError(Exception):
    """The Schematron cannot be compiled: file, line and column in the message."""


class RuleFailure(Exception):
    """A rule raised an XPath error on a document (a type error, an unknown variable)."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


@dataclass(frozen=True)
class Unit:
    """A piece of one document's evaluation that a budget bounds: the global lets and
    keys (number 0) or one rule (1, 2, … in schema order)."""

    index: int
    label: str
    resume: int | None  # the unit to go on with when this one cannot finish (None: none)


def _failures() -> tuple[type[BaseException], ...]:
    from elementpath.exceptions import ElementPathError

    # what a rule's evaluation may raise on a document: an XPath error, or Python's
    # own for a value or a depth it cannot take
    return (
        ElementPathError,
        etree.XPathError,
        ArithmeticError,
        ValueError,
        TypeError,
        RecursionError,
        MemoryError,
    )


def _said(exc: BaseException) -> str:
    if isinstance(exc, MemoryError):
        from tei_tools.budgets import MEMORY_BYTES

        return f"it needs more than the {MEMORY_BYTES // 2**20} MiB memory budget"
    return str(exc) or type(exc).__name__


@dataclass
class Check:
    kind: str  # "assert" or "report"
    test: str
    compiled: Any
    message: list[Any]  # text, or ("value-of", compiled) / ("name", compiled | None)
    role: str | None
    id: str | None
    fast: etree.XPath | None = None  # the same test in libxml2, where XPath 1 agrees


@dataclass
class Rule:
    context: str
    select: Any  # //(context), compiled
    needs: Needs | None  # what a document must hold for the context to match anything
    lets: list[tuple[str, Any]]
    checks: list[Check]
    steps: list[Step] | None = None  # the context as single steps lxml finds (see _steps)


@dataclass
class Pattern:
    id: str
    rules: list[Rule]
    lets: list[tuple[str, Any]] = field(default_factory=list)


@dataclass
class Finding:
    kind: str
    pattern: str
    context: str
    test: str
    role: str | None
    location: str
    text: str
    element: etree._Element | None
    id: str | None = None

    @property
    def severity(self) -> Severity:
        return severity_of(self.role)


def severity_of(role: str | None) -> Severity:
    """A Schematron role as a severity (ROLES; any other role is an error)."""
    return ROLES.get((role or "").lower(), Severity.ERROR)


def _clark_of(qname: str, namespaces: dict[str, str]) -> str | None:
    prefix, _, local = qname.rpartition(":")
    if not prefix:
        return local
    uri = namespaces.get(prefix)
    return None if uri is None else f"{{{uri}}}{local}"


# elementpath reads attribute(to) after an axis as the range operator: the same test
# written with local-name() (an attribute in no namespace, as the name test means)
_KEYWORD_TEST = re.compile(
    r"::(attribute|element)\(\s*(to|div|mod|and|or|eq|ne|lt|le|gt|ge|is|union|intersect|"
    r"except|instance|treat|castable|cast|return|satisfies|in|then|else)\s*\)"
)


def _keyword_test(found: re.Match[str]) -> str:
    kind, name = found.group(1), found.group(2)
    return f"::{kind}()[local-name() = '{name}'][namespace-uri() = '']"


KEY_NODES = "tei-tools-key-"
# Functions that would read a file or the network: a rule gets nothing (as lxml's XSLT
# runs with access denied), and says so through the function's empty answer.
_DENIED = {
    "unparsed-text-available": "(false() and exists(({0})))",
    "doc-available": "(false() and exists(({0})))",
    "unparsed-text": "(({0})[false()])",
    "unparsed-text-lines": "(({0})[false()])",
    "doc": "(({0})[false()])",
    "document": "(({0})[false()])",
    "collection": "(({0})[false()])",
}


def _calls(expression: str, name: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, arguments) of each call of ``name`` (a function name not part of a
    longer name), last first so that replacing keeps the earlier offsets."""
    found = []
    for call in re.finditer(rf"(?<![\w.:$-]){re.escape(name)}\(", expression):
        depth, end = 1, call.end()
        while end < len(expression) and depth:
            depth += {"(": 1, ")": -1}.get(expression[end], 0)
            end += 1
        found.append((call.start(), end, expression[call.end() : end - 1]))
    return reversed(found)


def _with_keys(expression: str, keys: dict[str, tuple[Any, str]]) -> str:
    """``key('k', X)`` as plain XPath: the nodes the key matches whose ``use`` values
    meet X's, in document order; the file and network functions denied."""
    for name, template in _DENIED.items():
        for start, end, arguments in _calls(expression, name):
            expression = expression[:start] + template.format(arguments) + expression[end:]
    for start, end, arguments in _calls(expression, "key"):
        key, _, argument = arguments.partition(",")
        key = key.strip().strip("'\"")
        if key not in keys:
            continue  # the parser refuses it
        replacement = (
            f"(for $tei-tools-key-value in ({argument}) return "
            f"${KEY_NODES}{key}[some $v in ({keys[key][1]}) satisfies $v = $tei-tools-key-value])/."
        )
        expression = expression[:start] + replacement + expression[end:]
    return expression


def _top_level(text: str, separator: str) -> list[str]:
    """``text`` split on ``separator`` outside brackets and parentheses."""
    parts, depth, start = [], 0, 0
    for i, char in enumerate(text):
        if char in "[(":
            depth += 1
        elif char in "])":
            depth -= 1
        elif char == separator and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


# Alternatives (any), each a list of name sets (all), each met by any of its names:
# element names in Clark notation, attribute names as "@name".
# One single-step alternative of a context: the element tag ("{uri}*": any in that
# namespace; None: any), an attribute a predicate requires (None: none), and the step
# as a self:: test (None: the tag decides alone).
Step = tuple[str | None, str | None, Any, "etree.XPath | None"]
_NAME = r"[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?"
_CURRENT = re.compile(r"(?<![\w.:-])current\(\s*\)")
CURRENT = "tei-tools-current"
_STEP = re.compile(rf"^(?:(?P<attr>@)?(?P<name>{_NAME}|(?:{_NAME}:)?\*))(?P<preds>(?:\[.*\])*)$")
_PREDICATE = re.compile(r"\[((?:[^\[\]]|\[[^\[\]]*\])*)\]")


def _strip_parens(text: str) -> str:
    """``text`` without parentheses that enclose all of it."""
    text = text.strip()
    while text.startswith("(") and text.endswith(")"):
        depth = 0
        for char in text[1:-1]:
            depth += {"(": 1, ")": -1}.get(char, 0)
            if depth < 0:
                return text
        text = text[1:-1].strip()
    return text


# Predicates false on an element without the attribute: [@x], [starts-with(@x, …)],
# [@x = …] (a comparison or string test of an empty sequence is false), [@x and …].
_NEEDS_ATTRIBUTE = (
    re.compile(rf"\s*@({_NAME})\s*"),
    # a string test an absent attribute ("") fails: against a non-empty literal only
    re.compile(
        rf"\s*(?:starts-with|ends-with|contains)\(\s*@({_NAME})\s*,\s*(?:'[^']+'|\"[^\"]+\")\s*\)\s*"
    ),
    re.compile(rf"\s*@({_NAME})\s*(?:=|!=|<|>|\seq\s|\sne\s|\slt\s|\sgt\s).*", re.S),
    re.compile(rf"\s*@({_NAME})\s+and\s.*", re.S),
)


def _required_attribute(predicates: str) -> str | None:
    """An attribute (no namespace) a step's predicates cannot be true without (a
    predicate with an ``or`` anywhere is not read: it may be true without it)."""
    for predicate in _PREDICATE.findall(predicates):
        if re.search(r"\bor\b", predicate):
            continue
        for form in _NEEDS_ATTRIBUTE:
            found = form.fullmatch(predicate)
            if found and ":" not in found.group(1):
                return found.group(1)
    return None


_NCNAME = re.compile(r"[A-Za-z_][\w.-]*")


@functools.lru_cache(maxsize=256)
def _carrying(attr: str) -> etree.XPath | None:
    """The elements that carry the attribute ``attr`` (no namespace), in document
    order; None for a name that is no NCName here."""
    return etree.XPath(f"//*[@{attr}]") if _NCNAME.fullmatch(attr) else None


def _parser(namespaces: dict[str, str], binding: str) -> Any:
    """XPath 3.0 (a superset of 2.0, with XSLT's generate-id()) for xslt2 and xslt3.
    Not elementpath's 3.1 parser: it reads ``tei:head`` as its head() function."""
    from elementpath.xpath30 import XPath30Parser

    # The codepoint collation, as XSLT and Saxon default to; elementpath would take the
    # process's locale (which SaxonC, once loaded, changes) and then need it installed
    return XPath30Parser(namespaces=namespaces, default_collation=CODEPOINT_COLLATION)


class Schematron:
    """Compiled Schematron rules: ``root`` is a ``sch:schema`` or any element holding
    ``sch:ns`` and ``sch:pattern``s (a RELAX NG grammar)."""

    def __init__(
        self,
        root: etree._Element,
        source: Located,
        expanded: Expanded | None = None,
        known_needs: list[Needs | None] | None = None,
    ) -> None:
        """``expanded``: ``root`` came from ``includes.expand`` (it tells where each
        included element stands in its own file). ``known_needs``: these rules are known
        to compile (they did before, with the same versions), and each rule's pre-filter
        (``prefilter.needs``) as it was read then: each expression is compiled when a
        document first needs it, and elementpath is loaded only then."""
        self.source = source
        self.expanded = expanded
        self.lazy = known_needs is not None
        self._known_needs = iter(known_needs or [])
        self.needs: list[Needs | None] = []  # each rule's pre-filter, in order (to keep)
        self._wanted_for: dict[frozenset[str], frozenset[int]] = {}  # see _wanted
        self.namespaces = {
            ns.get("prefix", ""): ns.get("uri", "")
            for ns in root.iter(f"{S}ns")
            if ns.get("prefix")
        }
        self.binding = (root.get("queryBinding") or "xslt2").lower()
        # xsl:key: key('name', values) is rewritten to filter the key's nodes, bound
        # per document (see _keys)
        self.keys: dict[str, tuple[Any, str]] = {}
        for key in root.iter(f"{XSL}key"):
            name, match, use = key.get("name"), key.get("match"), key.get("use")
            if not (name and match and use):
                raise self._error(key, "an xsl:key needs @name, @match and @use")
            self.keys[name] = (self._compile(key, f"//({match})", "the key's match"), use)
        # The schema's and the patterns' lets are global variables, as in SchXslt
        self.lets = [
            self._let(let)
            for let in root.iter(f"{S}let")
            if getattr(let.getparent(), "tag", None) != f"{S}rule"
        ]
        self.patterns: list[Pattern] = []
        seen: set[tuple[tuple[str, tuple[str, ...]], ...]] = set()
        for n, element in enumerate(root.iter(f"{S}pattern")):
            if element.get("abstract") == "true" or element.get("is-a"):
                raise self._error(element, "abstract patterns are not supported")
            rules = [self._rule(rule) for rule in element.findall(f"{S}rule")]
            # A grammar embeds a constraint once per language it is written in (TEI's
            # spanTo rules in English and French): the same rules, run once
            same = tuple((r.context, tuple(c.test for c in r.checks)) for r in rules)
            if same in seen:
                continue
            seen.add(same)
            self.patterns.append(Pattern(element.get("id") or f"pattern-{n + 1}", rules))

    # --- compiling ------------------------------------------------------------------

    def _error(self, element: etree._Element, message: str) -> SchematronError:
        if self.expanded is not None:
            name, line, column = self.expanded.where(element, self.source)
        else:
            name, line, column = self.source.name, line_of(element), self.source.column(element)
        return SchematronError(f"{name}:{line}:{column}: {message}")

    @functools.cached_property
    def parser(self) -> Any:
        return _parser(self.namespaces, self.binding)

    def _compile(self, element: etree._Element, expression: str, what: str) -> Any:
        # XSLT's current() is the rule's context node: a variable bound to it
        rewritten = _with_keys(_CURRENT.sub(f"${CURRENT}", expression), self.keys)
        rewritten = _KEYWORD_TEST.sub(_keyword_test, rewritten)
        if self.lazy:
            return _Deferred(self, rewritten)
        from elementpath.exceptions import ElementPathError

        try:
            return self.parser.parse(rewritten)
        except (ElementPathError, SyntaxError, TypeError, ValueError) as exc:
            raise self._error(element, f"{what} {expression!r} is not XPath: {exc}") from None

    def _let(self, element: etree._Element) -> tuple[str, Any]:
        name, value = element.get("name"), element.get("value")
        if not name or value is None:
            raise self._error(element, "a let needs @name and @value")
        return name, self._compile(element, value, "the let's value")

    def _rule(self, element: etree._Element) -> Rule:
        context = element.get("context")
        if not context:
            raise self._error(element, "a rule needs @context (abstract rules are not supported)")
        select = context if context.lstrip().startswith("/") else f"//({context})"
        extends = element.find(f"{S}extends")
        if extends is not None:  # extends @href is resolved before (includes.expand)
            raise self._error(extends, "extends @rule (abstract rules) is not supported")
        checks = []
        for check in element:
            if check.tag not in (f"{S}assert", f"{S}report"):
                continue
            test = check.get("test")
            if test is None:
                raise self._error(check, f"an {etree.QName(check).localname} needs @test")
            checks.append(
                Check(
                    etree.QName(check).localname,
                    test,
                    self._compile(check, test, "the test"),
                    self._message(check),
                    check.get("role"),
                    check.get("id"),
                    _xpath1(test, self.namespaces),
                )
            )
        compiled = self._compile(element, select, "the context")
        found = (
            next(self._known_needs, None)
            if self.lazy
            else prefilter.needs(compiled, self.namespaces)
        )
        self.needs.append(found)
        return Rule(
            context,
            compiled,
            found,
            [self._let(let) for let in element.findall(f"{S}let")],
            checks,
            self._steps(element, context),
        )

    def _steps(self, element: etree._Element, context: str) -> list[Step] | None:
        """The context as single steps (``tei:p``, ``tei:list[@type='gloss']``,
        ``tei:*[@when]``): lxml finds their candidates, elementpath only tests a
        candidate's predicates. None for a context with paths (elementpath selects)."""
        steps: list[Step] = []
        for alternative in _top_level(_strip_parens(context), "|"):
            alternative = alternative.strip()
            found = _STEP.match(alternative)
            if found is None or found["attr"] or "/" in _top_level(alternative, "[")[0]:
                return None
            name, predicates = found["name"], found["preds"] or ""
            if name == "*":
                tag = None
            else:
                tag = _clark_of(name, self.namespaces)  # "{uri}*" for prefix:*
                if tag is None:
                    return None
            attr = _required_attribute(predicates)
            test, fast = None, None
            if predicates:
                test = self._compile(element, f"self::{alternative}", "the context")
                fast = _xpath1(f"self::{alternative}", self.namespaces)
            steps.append((tag, attr, test, fast))
        return steps

    def _message(self, check: etree._Element) -> list[Any]:
        parts: list[Any] = [check.text or ""]
        for child in check:
            if child.tag == f"{S}value-of":
                parts.append(
                    ("value-of", self._compile(child, child.get("select", ""), "value-of"))
                )
            elif child.tag == f"{S}name":
                path = child.get("path")
                parts.append(("name", self._compile(child, path, "name") if path else None))
            elif isinstance(child.tag, str):
                parts.append("".join(str(t) for t in child.itertext()))
            parts.append(child.tail or "")
        return parts

    # --- running --------------------------------------------------------------------

    def run(self, tree: etree._ElementTree) -> list[Finding]:
        """Every finding on ``tree``; the first rule that fails raises RuleFailure."""
        found = []
        for item in self.evaluate(tree):
            if isinstance(item, RuleFailure):
                raise item
            if isinstance(item, Finding):
                found.append(item)
        return found

    @property
    def units(self) -> int:
        """How many units an evaluation numbers: the global lets and keys, and each rule."""
        return 1 + sum(len(pattern.rules) for pattern in self.patterns)

    def evaluate(
        self,
        tree: etree._ElementTree,
        skips: Callable[[int], bool] = lambda _: False,
        outline: tuple[list[etree._Element], set[str]] | None = None,
    ) -> Iterator[Unit | Finding | RuleFailure]:
        """The findings on ``tree``, each unit of work announced before it runs (the
        global lets and keys, then each rule whose context may match, but the units
        ``skips`` names), so that a budget can name what ran past it and go on after
        it. A rule that raises is a RuleFailure, and the other rules still run."""
        # ``outline``: the document's elements and attribute names, where the caller
        # read them already (``Located``: one pass for the rules too)
        named: set[str]
        if outline is None:
            elements = list(tree.iter(etree.Element))  # lxml leaves comments and PIs out
            named = {str(name) for el in elements for name in el.keys()}  # noqa: SIM118
        else:
            elements, named = outline
        present: set[str] = {el.tag for el in elements}
        # each attribute name once, then its local name: a document repeats a few names
        present |= {f"@{_local_name(str(name))}" for name in named}
        order = _Order(elements)
        # elementpath's node tree is built only when a rule needs it (libxml2 answers
        # the XPath 1 tests on the lxml tree itself)
        nodes = _LazyTree(tree)
        scope: dict[str, Any] = {}
        if (self.keys or self.lets) and skips(0):
            return  # they could not be bound before: no rule can run
        if self.keys or self.lets:
            from elementpath import XPathContext

            yield Unit(0, "the schema's global lets and keys", None)
            failures: tuple[type[BaseException], ...] = (*_failures(), SchematronError)
            try:
                variables: dict[str, Any] = {
                    f"{KEY_NODES}{name}": list(match.select(XPathContext(nodes.get())))
                    for name, (match, _) in self.keys.items()
                }
                scope = self._globals(XPathContext(nodes.get(), variables=variables), variables)
            except failures as exc:
                yield RuleFailure(
                    f"the Schematron's global lets and keys failed: {_said(exc)}",
                    f"{self.source.name}: no rule can run without them",
                )
                return
        wanted = self._wanted(frozenset(present))
        index = 0
        for pattern in self.patterns:
            fired: set[Any] = set()
            following = index + len(pattern.rules) + 1  # the next pattern's first rule
            for rule in pattern.rules:
                index += 1
                if index not in wanted or skips(index):
                    continue
                yield Unit(index, f"the rule on {rule.context!r} ({pattern.id})", following)
                # the tests libxml2 answers, asked here (a node or two a rule fails, a
                # hundred pass): no finding's work for a node that passes them all
                quick = _quick_checks(rule)
                # no earlier rule of the pattern took a node, and lxml's steps give each
                # once (an XPath 2 context may name one twice: ``/a, /a``)
                alone = len(pattern.rules) == 1 and rule.steps is not None
                try:
                    for node in self._matches(rule, tree, nodes, scope, order):
                        if not alone:
                            key = _identity(node)
                            if key in fired:
                                continue
                            fired.add(key)
                        if quick is not None and isinstance(node, etree._Element):
                            for fast, report in quick:
                                if _true(fast(node)) == report:
                                    break
                            else:
                                continue  # every test passed
                        yield from self._fire(pattern, rule, node, nodes, scope)
                except _failures() as exc:
                    yield RuleFailure(
                        f"the Schematron rule on {rule.context!r} ({pattern.id}) failed: "
                        f"{_said(exc)}",
                        f"{self.source.name}: the rule's context or tests raise this error "
                        "on this document",
                    )

    def _wanted(self, present: frozenset[str]) -> frozenset[int]:
        """The rules (numbered as ``evaluate`` numbers them) whose pre-filter a document
        with these element and attribute names meets: documents of a batch share a few
        such sets, so each is worked out once (the rules are many)."""
        wanted = self._wanted_for.get(present)
        if wanted is None:
            rules = (rule for pattern in self.patterns for rule in pattern.rules)
            wanted = frozenset(
                n
                for n, rule in enumerate(rules, start=1)
                if rule.needs is None or prefilter.met(rule.needs, present)
            )
            if len(self._wanted_for) >= 256:  # a batch of very varied documents
                self._wanted_for.clear()
            self._wanted_for[present] = wanted
        return wanted

    def _matches(
        self,
        rule: Rule,
        tree: etree._ElementTree,
        nodes: _LazyTree,
        scope: dict[str, Any],
        order: _Order,
    ) -> Iterator[Any]:
        """The nodes ``rule``'s context matches, in document order: lxml elements for a
        context of single steps, elementpath's nodes otherwise."""
        if rule.steps is None:
            from elementpath import XPathContext

            yield from rule.select.select(XPathContext(nodes.get(), variables=scope))
            return
        chosen: set[etree._Element] = set()
        listed: list[etree._Element] = []  # in the order found: document order for one step
        for tag, attr, test, fast in rule.steps:
            namespace = tag[:-1] if tag is not None and tag.endswith("*") else None
            exact = tag if namespace is None else None
            candidates: Iterable[etree._Element] = order.elements
            if exact:
                candidates = tree.iter(exact)
            elif attr is not None and (carrying := _carrying(attr)) is not None:
                # ``tei:*[@when]``: the few carrying it, found by libxml2, not a look
                # at every element of the document (in document order either way)
                candidates = cast("list[etree._Element]", carrying(tree))
            for element in candidates:
                if element in chosen or (attr is not None and attr not in element.attrib):
                    continue
                if namespace is not None and not str(element.tag).startswith(namespace):
                    continue
                if fast is not None:
                    if not _true(fast(element)):
                        continue
                elif test is not None:
                    from elementpath import XPathContext

                    node = nodes.get().get_element_node(element)
                    context = XPathContext(nodes.get(), item=node, variables=scope)
                    if not test.boolean_value(test.evaluate(context)):
                        continue
                chosen.add(element)
                listed.append(element)
        yield from listed if len(rule.steps) == 1 else sorted(listed, key=order.rank)

    def _globals(self, context: Any, bound: dict[str, Any]) -> dict[str, Any]:
        """The global lets, each bound once its variables are (they may name each other
        in any order, as XSLT's global variables do)."""
        from elementpath.exceptions import ElementPathNameError

        waiting = list(self.lets)
        bound = dict(bound)
        while waiting:
            still = []
            for name, compiled in waiting:
                context.variables = bound
                try:
                    bound[name] = compiled.evaluate(context)
                except ElementPathNameError:
                    still.append((name, compiled))
            if len(still) == len(waiting):
                name = still[0][0]
                raise SchematronError(
                    f"{self.source.name}: the let ${name} names an unknown variable"
                )
            waiting = still
        return bound

    def _bind(
        self, lets: list[tuple[str, Any]], context: Any, outer: dict[str, Any]
    ) -> dict[str, Any]:
        if not lets:
            return outer
        bound = dict(outer)
        for name, compiled in lets:
            context.variables = bound
            bound[name] = compiled.evaluate(context)
        return bound

    def _fire(
        self, pattern: Pattern, rule: Rule, item: Any, nodes: _LazyTree, scope: dict[str, Any]
    ) -> Iterator[Finding]:
        # (``evaluate`` asked libxml2's tests first: some test fails on ``item``)
        node = nodes.get().get_element_node(item) if isinstance(item, etree._Element) else item
        from elementpath import XPathContext

        tree = nodes.get()
        variables = scope
        if rule.lets:
            variables = self._bind(rule.lets, XPathContext(tree, item=node, variables=scope), scope)
        variables = {**variables, CURRENT: node}
        for check in rule.checks:
            context = XPathContext(tree, item=node, variables=variables)
            outcome = check.compiled.boolean_value(check.compiled.evaluate(context))
            if outcome == (check.kind == "report"):
                yield Finding(
                    check.kind,
                    pattern.id,
                    rule.context,
                    check.test,
                    check.role,
                    location(node),
                    self._text(check, tree, node, variables),
                    _element(node),
                    check.id,
                )

    def _text(self, check: Check, nodes: Any, node: Any, variables: dict[str, Any]) -> str:
        from elementpath import XPathContext

        pieces = []
        for part in check.message:
            if isinstance(part, str):
                pieces.append(part)
                continue
            kind, compiled = part
            context = XPathContext(nodes, item=node, variables=variables)
            if kind == "name":
                target = compiled.evaluate(context) if compiled is not None else node
                if isinstance(target, list):
                    target = target[0] if target else None
                pieces.append(_name(target))
            else:
                value = compiled.evaluate(context)
                values = value if isinstance(value, list) else [value]
                pieces.append(" ".join(_string(v) for v in values if v is not None))
        return " ".join("".join(pieces).split())


class _Deferred:
    """An expression known to compile, compiled on first use (see ``lazy``)."""

    __slots__ = ("_owner", "_text", "_token")

    def __init__(self, owner: Schematron, text: str) -> None:
        self._owner, self._text, self._token = owner, text, None

    def __getattr__(self, name: str) -> Any:
        if self._token is None:
            self._token = self._owner.parser.parse(self._text)
        return getattr(self._token, name)


def _local_name(clark: str) -> str:
    return clark[clark.rfind("}") + 1 :]


class _Order:
    """The document's elements, and each one's rank in document order (made on first
    need: most rules' matches come in order already)."""

    def __init__(self, elements: list[etree._Element]) -> None:
        self.elements = elements
        self._ranks: dict[etree._Element, int] | None = None

    def rank(self, element: etree._Element) -> int:
        if self._ranks is None:
            self._ranks = {el: n for n, el in enumerate(self.elements)}
        return self._ranks[element]


class _LazyTree:
    """elementpath's node tree of a document, built on first use (and elementpath
    loaded then: most documents' rules run in libxml2 alone)."""

    def __init__(self, tree: etree._ElementTree) -> None:
        self.tree = tree
        self.nodes: Any = None

    def get(self) -> Any:
        if self.nodes is None:
            from elementpath import build_lxml_node_tree

            self.nodes = build_lxml_node_tree(self.tree)
        return self.nodes


# Functions XPath 1 and XPath 2 define alike on the values TEI's tests give them.
_XPATH1_FUNCTIONS = frozenset(
    {
        "not",
        "count",
        "starts-with",
        "contains",
        "string-length",
        "normalize-space",
        "string",
        "boolean",
        "true",
        "false",
        "local-name",
        "name",
        "namespace-uri",
        "substring-before",
        "substring-after",
        "concat",
        "translate",
        "position",
        "last",
    }
)
_CALL = re.compile(r"([A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?)\s*\(")
_KIND_TESTS = frozenset({"node", "text", "comment", "processing-instruction"})
# Operators a parenthesis may follow: ``a and (b or c)`` calls no function
_OPERATORS = frozenset({"and", "or", "div", "mod"})


def _quick_checks(rule: Rule) -> list[tuple[Any, bool]] | None:
    """(libxml2's compiled test, whether a true value fails it) of each check of a rule
    without lets whose every test libxml2 answers; else None."""
    if rule.lets or any(c.fast is None for c in rule.checks):
        return None
    return [(c.fast, c.kind == "report") for c in rule.checks]


def _xpath1(expression: str, namespaces: dict[str, str]) -> etree.XPath | None:
    """``expression`` for libxml2 when XPath 1 gives it the same meaning as XPath 2: no
    variables, no ordering comparisons (XPath 1 compares as numbers, 2 as strings), no
    string literal with a quote inside, only the functions both define alike."""
    if "$" in expression or re.search(r"[<>]", expression) or "current(" in expression:
        return None
    for name in _CALL.findall(expression):
        if name not in _XPATH1_FUNCTIONS and name not in _KIND_TESTS | _OPERATORS:
            return None
    try:
        return etree.XPath(expression, namespaces=namespaces)
    except etree.XPathError:
        return None


def _true(value: Any) -> bool:
    """XPath's effective boolean value of what libxml2 returned."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return value == value and value != 0.0  # NaN is false
    if isinstance(value, str):
        return bool(value)
    return bool(value)  # a node-set


def _identity(node: Any) -> tuple[int, str]:
    """The same node, however it comes: an lxml element, elementpath's wrapper of one,
    or an attribute of one."""
    if isinstance(node, etree._Element):
        return id(node), ""
    elem = getattr(node, "elem", None)
    if isinstance(elem, etree._Element):
        return id(elem), ""
    return id(_element(node)), str(getattr(node, "name", ""))


def _element(node: Any) -> etree._Element | None:
    elem = getattr(node, "elem", None)
    if isinstance(elem, etree._Element):
        return elem
    parent = getattr(node, "parent", None)
    elem = getattr(parent, "elem", None)
    return elem if isinstance(elem, etree._Element) else None


def _name(node: Any) -> str:
    if node is None:
        return ""
    if isinstance(node, etree._Element):
        return (
            etree.QName(node).localname
            if node.prefix is None
            else f"{node.prefix}:{etree.QName(node).localname}"
        )
    name = getattr(node, "name", None)
    if isinstance(name, str):
        return name.rpartition("}")[2]
    return _name(getattr(node, "elem", None))


def _string(value: Any) -> str:
    if isinstance(value, etree._Element):
        return "".join(str(t) for t in value.itertext())
    text = getattr(value, "string_value", None)
    if isinstance(text, str):
        return text
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def location(node: Any) -> str:
    """The node's path as SchXslt writes it: ``/Q{ns}name[n]/…/@attr``."""
    element = _element(node)
    tail = ""
    if not isinstance(getattr(node, "elem", None), etree._Element):
        name = getattr(node, "name", "") or ""
        if name.startswith("{"):
            uri, _, local = name[1:].partition("}")
            tail = f"/@Q{{{uri}}}{local}"
        else:
            tail = f"/@Q{{}}{name}"
    steps = []
    while element is not None:
        qname = etree.QName(element)
        same = [s for s in element.itersiblings(preceding=True) if s.tag == element.tag]
        steps.append(f"Q{{{qname.namespace or ''}}}{qname.localname}[{len(same) + 1}]")
        element = element.getparent()
    return "/" + "/".join(reversed(steps)) + tail


def is_xpath2(root: etree._Element) -> bool:
    return (root.get("queryBinding") or "xslt").lower() in XPATH2_BINDINGS


def embedded(grammar: etree._Element) -> bool:
    """True when a RELAX NG grammar carries Schematron patterns."""
    return next(grammar.iter(f"{S}pattern"), None) is not None


def findings_as_diagnostics(findings: list[Finding], doc: Located) -> list[Diagnostic]:
    from tei_tools.budgets import MESSAGE_MAX_CHARS

    found = []
    for finding in findings:
        element = finding.element
        line, column = (line_of(element), doc.column(element)) if element is not None else (1, 1)
        text = finding.text or f"{finding.kind} failed: {finding.test}"
        if len(text) > MESSAGE_MAX_CHARS:
            text = f"{text[:MESSAGE_MAX_CHARS]}… ({len(text) - MESSAGE_MAX_CHARS} more characters)"
        found.append(
            Diagnostic(
                "S002",
                text,
                doc.name,
                line,
                column,
                hint=f"Schematron {finding.kind} of pattern {finding.pattern} on "
                f"{finding.location}; test: {' '.join(finding.test.split())}",
                severity=finding.severity,
            )
        )
    return found


def _never(_: int) -> bool:
    return False


def run_units(rules: Schematron, doc: Located) -> list[Diagnostic]:
    """``rules.evaluate`` on a document as findings (S002, or S003 for a rule that
    raised), each unit begun on the document's unit log (a budget's supervisor)."""
    units = doc.units
    base = units.reserve(rules.units)
    end = base + rules.units
    found: list[Diagnostic] = []
    skips = (lambda index: units.skips(base + index)) if units.skipped else _never
    for item in rules.evaluate(doc.tree, skips, (doc.elements, doc.attribute_names)):
        if isinstance(item, Unit):
            resume = None if item.resume is None else base + item.resume
            units.begin(base + item.index, item.label, resume, end)
        elif isinstance(item, RuleFailure):
            found.append(Diagnostic("S003", str(item), doc.name, 1, 1, hint=item.hint))
        else:
            found += findings_as_diagnostics([item], doc)
    units.rest()
    return found
