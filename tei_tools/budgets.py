"""What input from anywhere may cost, in one place (README: "Budgets").

Reading.
A zip can hold a part that unpacks to a thousand times its size; a small part can
hold millions of tiny elements, each costing far more memory than its bytes; and
every character and line the readers make costs the later stages their time. So
each is bounded, per part and per source (a Word file, a PAGE file, an export with
all its pages). Input over a budget is refused (C008) naming the part and the
budget, never read in part.

The test sets' largest Word text part is 0.3 MiB, their largest PAGE export 71,000
elements; the budgets leave room for a transcription hundreds of pages long, and keep
any input under 1 MB below 1 GB of memory and a minute of converting
(benchmarks/bench_budgets.py measures the costliest inputs each budget lets in).

Schematron rules run in a worker under a time and memory budget (validate/budget.py);
page images are copied into a site up to a size. What exceeds a budget is reported,
named, never a hang."""

from __future__ import annotations

MIB = 1024 * 1024

MAX_PART = 16 * MIB  # bytes one part (word/document.xml, a page file, mets.xml) unpacks to
MAX_UNPACKED = 64 * MIB  # bytes all parts read from one source unpack to together
MAX_PART_ELEMENTS = 1_000_000  # elements, comments and PIs in one part (its tree's memory)
MAX_ELEMENTS = 5_000_000  # the same in all parts of one source together (parsing time)
# What the readers make of one source, which the later stages read as they read
# a raw transcription: a text of 1 MiB (some 500 pages) in at most 50,000 lines.
MAX_TEXT = 1 * MIB  # characters of text
MAX_LINES = 50_000  # lines (a Word paragraph or line break, a PAGE text line)
MAX_RUNS = 100_000  # stretches of one formatting (each may become an element of the TEI)

# Schematron (validate/budget.py): a rule is a program the schema's author chose
RULE_SECONDS = 10.0  # one rule (or the global lets and keys) on one document
DOCUMENT_SECONDS = 30.0  # every rule of every Schematron on one document
MEMORY_BYTES = 512 * MIB  # what the rules' worker may allocate beyond what it inherits
MESSAGE_MAX_CHARS = 4_000  # one finding's message (value-of may render a whole document)

# A page image copied into the site (site/images.py): a 600 dpi colour scan of a folio
# as an uncompressed TIFF is about 200 MB; a zip member may claim any size.
MAX_IMAGE_BYTES = 256 * MIB
