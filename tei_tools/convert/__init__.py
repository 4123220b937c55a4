"""Raw transcription → TEI P5. ``convert_bytes`` is the library entry point."""

from tei_tools.convert.pipeline import Conversion, convert_bytes, convert_text

__all__ = ["Conversion", "convert_bytes", "convert_text"]
