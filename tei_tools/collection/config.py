"""Where a collection keeps its files: ``[tool.tei-tools]`` in its ``pyproject.toml``,
or ``tei-tools.toml`` (top-level keys), with command-line overrides on top."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tei_tools.convert.profiles import AUTO, PROFILES
from tei_tools.publication import DEFAULT_TITLE, Publication

CONFIG_FILE = "tei-tools.toml"
EXPORTS = ("html", "text")
# A BCP 47 language tag as an editor gives one ("en", "de-AT", "la"), for --lang and lang =
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*")


class ConfigError(Exception):
    """The configuration cannot be read or names something impossible (a usage error)."""


@dataclass(frozen=True)
class BuildConfig:
    root: Path
    raw: Path
    encoded: Path
    site: Path
    people: Path | None  # None: no people file
    schema: Path | None  # None: the project schema
    exports: tuple[str, ...] = EXPORTS
    title: str = DEFAULT_TITLE
    source_organization: str = ""
    description: str = ""
    strict: bool = False  # a document with warnings fails (for CI)
    profile: str = AUTO  # how documents are read (tei_tools.convert.profiles)
    publication: Publication = field(default_factory=Publication)
    search: bool = True  # index the site with Pagefind
    tei_source: Path | None = None  # the p5subset.xml an ODD schema customizes
    stylesheets: Path | None = None  # the TEI Stylesheets that compile an ODD schema
    lang: str | None = None  # the texts' language, over what each source states
    source: str = field(default="defaults", compare=False)  # where the settings came from


_KEYS = {
    "raw": str,
    "encoded": str,
    "site": str,
    "people": str,
    "schema": str,
    "exports": list,
    "title": str,
    "source-organization": str,
    "description": str,
    "strict": bool,
    "profile": str,
    "editors": list,
    "publisher": str,
    "licence": str,
    "licence-url": str,
    "base-url": str,
    "search": bool,
    "tei-source": str,
    "stylesheets": str,
    "lang": str,
}


# Files the configuration makes a build read: they must be inside the collection when
# the configuration names them (the command line may name any file).
_READ_INSIDE = ("people", "schema", "tei_source")  # and the folders, checked below


def _read(root: Path) -> tuple[dict[str, Any], str]:
    own = root / CONFIG_FILE
    pyproject = root / "pyproject.toml"
    for path, table in ((own, None), (pyproject, ("tool", "tei-tools"))):
        if not path.is_file():
            continue
        import tomllib  # only where a file is read: 3 ms of every start

        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read the configuration: {exc}") from exc
        for key in table or ():
            data = data.get(key, {})
        if table is None or data:
            where = f"{path}" + ("" if table is None else " [tool.tei-tools]")
            return data, where
    return {}, "defaults"


def load_config(root: Path, **overrides: Any) -> BuildConfig:
    """The collection at ``root``; ``overrides`` (None: not given) win over the file."""
    settings, where = _read(root)
    for key, value in settings.items():
        expected = _KEYS.get(key)
        if expected is None:
            known = ", ".join(sorted(_KEYS))
            raise ConfigError(f"{where}: unknown setting {key!r} (known: {known})")
        if not isinstance(value, expected):
            raise ConfigError(f"{where}: {key} must be a {expected.__name__}")
    given = {k.replace("-", "_"): v for k, v in settings.items()}
    given.update({k: v for k, v in overrides.items() if v is not None})
    from_file = {k.replace("-", "_") for k in settings} - {
        k for k, v in overrides.items() if v is not None
    }

    def path(key: str, default: str) -> Path:
        found = root / str(given.get(key, default))
        # the configuration is the collection's: what it makes a build read stays in it
        named = key in from_file and key in _READ_INSIDE and given.get(key)
        if named and not found.resolve().is_relative_to(root.resolve()):
            raise ConfigError(
                f"{where}: {key.replace('_', '-')} {found} is outside the collection "
                f"{root.resolve()}; a collection's configuration names files inside it "
                "(give the file on the command line if you mean it)"
            )
        return found

    raw = path("raw", "raw")
    people: Path | None
    if given.get("people") == "":
        people = None  # explicitly none
    elif given.get("people") is None:
        people = raw / "people.toml" if (raw / "people.toml").is_file() else None
    else:
        people = path("people", "")
        if not people.is_file():
            raise ConfigError(f"{where}: people file {people} does not exist")
    schema = path("schema", "") if given.get("schema") else None
    if schema is not None and not schema.is_file():
        raise ConfigError(f"{where}: schema {schema} does not exist")
    exports = tuple(str(e) for e in given.get("exports", EXPORTS))
    unknown = sorted(set(exports) - set(EXPORTS))
    if unknown:
        raise ConfigError(f"{where}: unknown export {unknown[0]!r} (known: html, text)")
    encoded, site = path("encoded", "encoded"), path("site", "site")
    for key, folder in (("raw", raw), ("encoded", encoded), ("site", site)):
        if not folder.resolve().is_relative_to(root.resolve()):
            raise ConfigError(
                f"{where}: {key} folder {folder} is outside the collection {root.resolve()}; "
                "a collection's folders must be inside it (they are what is built and packaged)"
            )
    if encoded.resolve() == site.resolve():
        raise ConfigError(f"{where}: encoded and site must be different folders")
    odd_inputs = {}
    for key in ("tei_source", "stylesheets"):
        if given.get(key):
            odd_inputs[key] = path(key, "")
            if not odd_inputs[key].exists():
                raise ConfigError(
                    f"{where}: {key.replace('_', '-')} {odd_inputs[key]} does not exist"
                )
    lang = str(given["lang"]) if given.get("lang") else None
    if lang is not None and not LANGUAGE_TAG.fullmatch(lang):
        raise ConfigError(f"{where}: lang {lang!r} is not a BCP 47 language tag (en, de-AT, la)")
    title = str(given.get("title", DEFAULT_TITLE))
    editors = given.get("editors", [])
    if not all(isinstance(e, str) and e.strip() for e in editors):
        raise ConfigError(f"{where}: editors must be a list of names")
    base_url, licence_url = (str(given.get(key, "")) for key in ("base_url", "licence_url"))
    for key, url in (("base-url", base_url), ("licence-url", licence_url)):
        # every page links to them: a javascript: or data: address would run there
        if url and not url.startswith(("http://", "https://")):
            raise ConfigError(f"{where}: {key} must start with http:// or https:// ({url!r})")
    profile = str(given.get("profile", AUTO))
    if profile not in PROFILES:
        raise ConfigError(f"{where}: profile must be one of {', '.join(PROFILES)} ({profile!r})")
    publication = Publication(
        title=title,
        editors=tuple(editors),
        publisher=str(given.get("publisher", "")),
        licence=str(given.get("licence", "")),
        licence_url=licence_url,
        base_url=base_url,
    )
    return BuildConfig(
        root=root,
        raw=raw,
        encoded=encoded,
        site=site,
        people=people,
        schema=schema,
        exports=exports,
        title=title,
        source_organization=str(given.get("source_organization", "")),
        description=str(given.get("description", "")),
        strict=bool(given.get("strict", False)),
        profile=profile,
        publication=publication,
        search=bool(given.get("search", True)),
        tei_source=odd_inputs.get("tei_source"),
        stylesheets=odd_inputs.get("stylesheets"),
        lang=lang,
        source=where,
    )


def collection_config(source: str, cache: dict[Path, BuildConfig | None]) -> BuildConfig | None:
    """The configuration of the collection whose raw folder holds ``source``, so that
    ``convert`` writes what ``build`` writes (publication facts, profile, language);
    None outside a collection. The folders above the source are tried nearest first
    (the raw folder, its parent, the one above), each read once per ``cache``."""
    if source == "-":
        return None
    path = Path(source).resolve()
    for root in list(path.parents)[:3]:
        if root not in cache:
            config = load_config(root)
            cache[root] = None if config.source == "defaults" else config
        found = cache[root]
        if found is not None and path.is_relative_to(found.raw.resolve()):
            return found
    return None
