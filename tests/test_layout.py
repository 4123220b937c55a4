"""The README's layout is the map a newcomer reads first: every path it names exists,
and it names every module of the package."""

from __future__ import annotations

import re

from .conftest import ROOT

_ENTRY = re.compile(r"^(?P<indent> *)(?P<name>[^ ]+)(?: {2,}.*)?$")


def layout_paths() -> set[str]:
    """The paths the layout block names, folders ending in "/", built from indents."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("## Layout", 1)[1].split("```", 2)[1]
    paths: set[str] = set()
    stack: list[tuple[int, str]] = []  # (indent, folder path)
    for line in block.splitlines():
        found = _ENTRY.match(line)
        if not line.strip() or found is None:
            continue
        indent, name = len(found["indent"]), found["name"]
        while stack and stack[-1][0] >= indent:
            stack.pop()
        path = (stack[-1][1] if stack else "") + name
        paths.add(path)
        if name.endswith("/"):
            stack.append((indent, path))
    return paths


def test_every_path_the_layout_names_exists() -> None:
    missing = sorted(p for p in layout_paths() if not (ROOT / p).exists())
    assert missing == []


def test_the_layout_names_every_module() -> None:
    named = layout_paths()
    package = ROOT / "tei_tools"
    modules = {
        p.relative_to(ROOT).as_posix()
        for p in package.rglob("*.py")
        if p.name not in ("__init__.py", "__main__.py") and "__pycache__" not in p.parts
    }
    folders = {
        p.relative_to(ROOT).as_posix() + "/"
        for p in package.rglob("*")
        if p.is_dir() and (p / "__init__.py").exists() and p != package
    }
    assert sorted((modules | folders) - named) == []


def test_every_package_is_installed() -> None:
    """``pip install .`` installs the packages pyproject.toml lists: a package left
    out works in a checkout and is missing on every machine that installs it."""
    import tomllib

    listed = set(
        tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]
    )
    found = {
        ".".join(p.relative_to(ROOT).parts)
        for p in (ROOT / "tei_tools").rglob("*")
        if p.is_dir() and (p / "__init__.py").exists()
    } | {"tei_tools"}
    assert sorted(found - listed) == []


def test_every_parser_is_made_by_the_one_factory():
    """One XML parser configuration (``tei_tools/xmlparse.py``): no other module makes
    a parser, or parses a file with lxml's defaults (which resolve entities)."""
    made_elsewhere = []
    for module in sorted((ROOT / "tei_tools").rglob("*.py")):
        if module.name == "xmlparse.py":
            continue
        text = module.read_text(encoding="utf-8")
        for pattern in (r"XMLParser\(", r"etree\.parse\("):
            if re.search(pattern, text):
                made_elsewhere.append(f"{module.relative_to(ROOT)}: {pattern}")
    assert made_elsewhere == []
