"""Where the project schema lives: installed as package data, or in a source checkout."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

SCHEMA_PACKAGE = "tei_tools.schema_data"
PROJECT_XSD = "tei_tools.xsd"


def project_schema_path() -> Path:
    """The schema of the code that runs: schema/tei_tools.xsd beside the package in a
    source checkout (also when another checkout is installed editable, whose package
    data would be that checkout's schema), else the installed copy."""
    beside = Path(__file__).resolve().parents[1] / "schema" / PROJECT_XSD
    if beside.is_file():
        return beside
    try:
        return Path(str(resources.files(SCHEMA_PACKAGE).joinpath(PROJECT_XSD)))
    except ModuleNotFoundError:
        return Path(__file__).resolve().parents[1] / "schema" / PROJECT_XSD
