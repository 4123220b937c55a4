"""Resource budgets for input from anywhere, in one place (README: "Building a
collection you did not make"). What exceeds one is reported, named, never a hang."""

from __future__ import annotations

# A page image copied into the site: a 600 dpi colour scan of a folio as an
# uncompressed TIFF is about 200 MB; a zip member may claim any size.
MAX_IMAGE_BYTES = 256 * 1024 * 1024
