"""What one Word file or PAGE export may cost to read, in one place.

A zip can hold a part that unpacks to a thousand times its size, and a small part
can hold millions of tiny elements, each costing far more in memory than its bytes.
So both are bounded: what a part unpacks to, what all parts of one source unpack to
together. Input over a budget is refused (C008) naming the part and the budget."""

from __future__ import annotations

MIB = 1024 * 1024

# The largest Word text part in the test sets is 0.3 MiB, a PAGE page 0.4 MiB: a part
# of 64 MiB is a book's text many times over.
MAX_PART = 64 * MIB  # what one part (word/document.xml, a page file, mets.xml) unpacks to
MAX_UNPACKED = 256 * MIB  # what the parts read from one source unpack to together
