"""Where tei-tools keeps what it derives once and reuses: compiled grammars, verdicts,
the name lexicon. Everything there can be deleted; it is made again when needed."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """``TEI_TOOLS_CACHE_DIR``, else the platform's user cache folder."""
    configured = os.environ.get("TEI_TOOLS_CACHE_DIR")
    if configured:
        return Path(configured)
    import platformdirs

    return platformdirs.user_cache_path("tei-tools")


def tool_version() -> str:
    """tei-tools' version, part of every cache key: a new release never trusts what an
    older one derived."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("tei-tools")
    except PackageNotFoundError:
        return "unknown"
