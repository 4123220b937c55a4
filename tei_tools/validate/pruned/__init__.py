"""A fast route to jing's verdicts on large RELAX NG schemas (tei_all, ODD outputs).

The schema is simplified (one ``define`` per element pattern): in process, for the
elements a batch contains, where it is one file as the TEI's ODD processor writes them
(``simplify``); else by jing once (``jing -s``), the result cached on disk, keyed by the
SHA-256 of the schema and of every file it includes. For a run, the simplified grammar
is pruned to the elements the documents can contain: an element pattern whose local
name occurs nowhere in them becomes ``notAllowed``, which then propagates as in RELAX NG
simplification (spec §4.20). A pattern for an element a document does not contain
matches nothing in it, so for those documents the pruned grammar accepts what the whole
one accepts; libxml2 compiles it in milliseconds where the whole of tei_all takes
seconds (and TEI Simple, forever).

The pruned grammar only ever accepts: a document libxml2 rejects is checked again by
jing, whose verdict and positions stand (``JingSchema.prepare``).

The package, one job a module: ``scan`` reads the documents' bytes; ``simplify``,
``prune`` and ``relax`` rewrite the grammar (pure functions); ``cache`` keeps what lasts
between runs; ``engines`` compiles and runs libxml2 under a budget.
"""

from tei_tools.validate.pruned.cache import (
    CACHE_FORMAT,
    VerdictCache,
    remember_vocabulary,
    schema_key,
    simplified,
    simplify_ahead,
    verified,
    verify_ahead,
    verifying,
    vocabulary,
)
from tei_tools.validate.pruned.engines import (
    COMPILE_BUDGET,
    BatchGrammar,
    batch_grammar,
    compiles,
    covered,
    exit_code_within,
    pruned_validator,
)
from tei_tools.validate.pruned.prune import Unsupported, prune
from tei_tools.validate.pruned.relax import Facet, droppable, without_facets
from tei_tools.validate.pruned.scan import Scanned, sample_names, scan_files
from tei_tools.validate.pruned.simplify import covers, document_elements, simplified_for

__all__ = [
    "CACHE_FORMAT",
    "COMPILE_BUDGET",
    "BatchGrammar",
    "Facet",
    "Scanned",
    "Unsupported",
    "VerdictCache",
    "batch_grammar",
    "compiles",
    "covered",
    "covers",
    "document_elements",
    "droppable",
    "exit_code_within",
    "prune",
    "pruned_validator",
    "remember_vocabulary",
    "sample_names",
    "scan_files",
    "schema_key",
    "simplified",
    "simplified_for",
    "simplify_ahead",
    "verified",
    "verify_ahead",
    "verifying",
    "vocabulary",
    "without_facets",
]
