"""tei-tools: raw transcriptions of typescripts → TEI P5; validation; export."""

__version__ = "0.1.0"
