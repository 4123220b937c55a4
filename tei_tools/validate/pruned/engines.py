"""libxml2 on the pruned and relaxed grammar, compiled once per process, in a child
process under a time budget (libxml2 cannot be interrupted, and never finishes some
schemas)."""

from __future__ import annotations

import functools
import hashlib
import multiprocessing
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lxml import etree

from tei_tools.cache import cache_dir
from tei_tools.validate.pruned.cache import _load, _store, simplified
from tei_tools.validate.pruned.known import accepted_by_jing
from tei_tools.validate.pruned.prune import Unsupported, prune
from tei_tools.validate.pruned.relax import Facet, droppable, facets_of, meeting, without_facets
from tei_tools.validate.pruned.scan import Scanned
from tei_tools.validate.pruned.simplify import covers, simplified_for
from tei_tools.xmlparse import parse_bytes

COMPILE_BUDGET = 20.0  # seconds libxml2 may take to compile a pruned grammar


def _compile_child(grammar: bytes) -> None:
    try:
        etree.RelaxNG(parse_bytes(grammar, huge=True))
    except (etree.RelaxNGParseError, etree.XMLSyntaxError):
        os._exit(1)  # the parent hears "does not compile" from the exit code, quietly


def exit_code_within(
    target: Callable[..., object], args: tuple[Any, ...], seconds: float
) -> int | None:
    """Run ``target(*args)`` in a forked child: its exit code, or None (after killing
    it) when it does not finish within ``seconds``. libxml2 cannot be interrupted in
    process, and never finishes compiling some schemas."""
    child = multiprocessing.get_context("fork").Process(target=target, args=args)
    child.start()
    child.join(seconds)
    if child.is_alive():
        child.kill()
        child.join()
        return None
    return child.exitcode


def compiles(grammar: bytes) -> bool:
    """Whether libxml2 compiles ``grammar`` within COMPILE_BUDGET: tried once in a
    child process, and a grammar that did is remembered in the cache."""
    marker = cache_dir() / "rng" / f"{hashlib.sha256(grammar).hexdigest()}.compiles"
    if _load(marker) is not None:
        return True
    if exit_code_within(_compile_child, (grammar,), COMPILE_BUDGET) != 0:
        return False
    _store(marker, b"")
    return True


def covered(key: str, root: etree._Element, path: Path | None = None) -> bool:
    """``simplify.covers`` for the schema of ``key`` (at ``path``), known for the TEI's
    published schemas, else remembered in the cache: its check reads every define (a
    fifth of a second for tei_all)."""
    if path is not None and accepted_by_jing(path):
        return True
    marker = cache_dir() / "rng" / f"{key}.covered"
    kept = _load(marker)
    if kept is not None:
        return kept == b"1"
    answer = covers(root)
    _store(marker, b"1" if answer else b"0")
    return answer


def pruned_validator(
    key: str,
    path: Path,
    command: list[str],
    scanned: Scanned,
    schema: etree._Element | None = None,
) -> etree.RelaxNG | None:
    """libxml2 validator of ``path`` pruned to the names in ``scanned`` and relaxed to
    its values, or None (then jing alone). ``schema``: see ``pruned_grammar``."""
    grammar = pruned_grammar(key, path, command, scanned, schema)
    if grammar is None:
        return None
    try:  # relaxing only drops facets: it compiles where the pruned grammar does
        return _compiled(grammar, droppable(grammar, scanned))
    except (etree.RelaxNGParseError, etree.XMLSyntaxError):
        return None


def pruned_grammar(
    key: str,
    path: Path,
    command: list[str],
    scanned: Scanned,
    schema: etree._Element | None = None,
) -> bytes | None:
    """The grammar of ``path`` pruned to the names in ``scanned``, where libxml2
    compiles it; else None (then jing alone). A pruned grammar is cached: a run that
    meets the same names as an earlier one neither reads nor prunes the whole grammar.
    ``schema``: the schema's parsed root where ``covered`` says ``simplify`` covers it
    (else None): it is simplified here, for the batch's elements, and jing's
    simplification of the whole (a Java start, seconds of work) is not waited for."""
    wanted = hashlib.sha256((key + scanned.key).encode()).hexdigest()
    cached = cache_dir() / "rng" / f"{wanted}.pruned.rng"
    grammar = _load(cached)
    if grammar is None:
        whole = (
            simplified_for(schema, scanned.attributes_of, covered=True)
            if schema is not None
            else None
        )
        if whole is None and command:  # without jing (no command): no fast route
            whole = simplified(key, path, command)
        if whole is None:
            return None
        try:
            grammar = prune(whole, scanned.attributes_of)
        except (Unsupported, etree.XMLSyntaxError):
            return None
        _store(cached, grammar)
    return grammar if compiles(grammar) else None


class BatchGrammar:
    """libxml2 on a grammar pruned to a vocabulary (the names a batch, or earlier
    batches, hold), for documents nobody read before the pass: it accepts only what
    the whole grammar accepts. A pattern facet is dropped for a document whose values
    all meet it, as checked on its own tree (``relax``): a document is checked with the
    last compiled grammar whose dropped facets it meets, or one compiled for it."""

    VARIANTS = 8  # compiled grammars kept, each for a set of dropped facets

    def __init__(self, grammar: bytes) -> None:
        self.grammar = grammar
        self.facets = facets_of(grammar)
        self.facet_names = frozenset(name for name, _, _ in self.facets)
        self.variants: list[tuple[frozenset[Facet], etree.RelaxNG]] = []

    def accepts(self, tree: etree._ElementTree, values: dict[str, set[str]]) -> bool:
        """``values``: every value the document gives the attributes in
        ``facet_names`` (local names), as parsed."""
        return bool(self.for_values(values).validate(tree))

    def for_values(self, values: dict[str, set[str]]) -> etree.RelaxNG:
        met = meeting(self.facets, values)
        for dropped, compiled in self.variants:
            if dropped <= met:
                return compiled
        compiled = _compiled(self.grammar, met)
        self.variants = [(met, compiled), *self.variants][: self.VARIANTS]
        return compiled


def batch_grammar(
    key: str,
    path: Path,
    command: list[str],
    names: dict[str, set[str]],
    schema: etree._Element | None = None,
) -> BatchGrammar | None:
    """``BatchGrammar`` for the element names (and the attributes each carries) in
    ``names``, or None where the pruner cannot read the grammar."""
    vocabulary = Scanned()
    vocabulary.attributes_of = names
    grammar = pruned_grammar(key, path, command, vocabulary, schema)
    return None if grammar is None else BatchGrammar(grammar)


@functools.lru_cache(maxsize=32)
def _compiled(grammar: bytes, dropped: frozenset[Facet]) -> etree.RelaxNG:
    """One compile per pruned grammar and set of dropped facets, in each process: the
    same names with other values may drop other facets, so both make the key."""
    return etree.RelaxNG(parse_bytes(without_facets(grammar, dropped), huge=True))
