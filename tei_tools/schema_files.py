"""Where the project schema lives: installed as package data, or in a source checkout."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

SCHEMA_PACKAGE = "tei_tools.schema_data"
PROJECT_XSD = "tei_tools.xsd"


def project_schema_path() -> Path:
    """schema/tei_tools.xsd of the source checkout the package is imported from, else
    the installed copy. The checkout's comes first: a second work tree put on the path
    while the package is installed editable from another checks against its own
    schema, not the other's package data."""
    checkout = Path(__file__).resolve().parents[1] / "schema" / PROJECT_XSD
    if checkout.is_file():
        return checkout
    try:
        return Path(str(resources.files(SCHEMA_PACKAGE).joinpath(PROJECT_XSD)))
    except ModuleNotFoundError:
        return checkout
