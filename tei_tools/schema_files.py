"""Where the project schema lives: installed as package data, or in a source checkout."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

SCHEMA_PACKAGE = "tei_tools.schema_data"
PROJECT_XSD = "tei_tools.xsd"


def project_schema_path() -> Path:
    """The installed copy of schema/tei_tools.xsd, or the one in a source checkout
    (where the package is imported from the work tree, without package data)."""
    try:
        return Path(str(resources.files(SCHEMA_PACKAGE).joinpath(PROJECT_XSD)))
    except ModuleNotFoundError:
        return Path(__file__).resolve().parents[1] / "schema" / PROJECT_XSD
