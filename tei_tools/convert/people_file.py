"""The people file (``people.toml``): read, and checked against its own rules before
any conversion, each problem named by file, line and key (C304).

tomllib gives values without positions, so the lines are found in the text: the
n-th ``[[person]]`` header starts the n-th table, and a key's line is the first
``key =`` inside it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tei_tools.convert.model import Person
from tei_tools.diagnostics import Diagnostic

# xml:id is an NCName: a letter or '_' first, then letters, digits, '.', '-', '_'.
_NCNAME = re.compile(r"[^\W\d][\w.\-]*")
_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*person[ \t]*\]\]", re.M)
_KEYS: dict[str, str] = {
    "id": "a string that is an XML name (a letter or _ first, no spaces)",
    "name": "a non-empty string",
    "side": "a string",
    "role": "a string",
    "aliases": "a list of strings",
}


_EXAMPLES = {
    "id": 'for example id = "kuznetsov" (it becomes the xml:id that @who and @ref point at)',
    "name": 'for example name = "Vasily V. Kuznetsov"',
    "side": 'for example side = "USSR"',
    "role": 'for example role = "First Deputy Minister"',
    "aliases": 'for example aliases = ["Kusnetsov"]',
}


class _Positions:
    """Where things are in the file's text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.headers = [m.start() for m in _HEADER.finditer(text)]

    def line(self, offset: int) -> int:
        return self.text.count("\n", 0, offset) + 1

    def of_table(self, n: int) -> int:
        """Line of the n-th (1-based) [[person]] header, 1 when it cannot be found."""
        return self.line(self.headers[n - 1]) if n <= len(self.headers) else 1

    def of_key(self, n: int, key: str) -> int:
        if n > len(self.headers):
            return 1
        start = self.headers[n - 1]
        end = self.headers[n] if n < len(self.headers) else len(self.text)
        found = re.compile(rf"^[ \t]*\"?{re.escape(key)}\"?[ \t]*=", re.M).search(
            self.text, start, end
        )
        return self.line(found.start()) if found else self.of_table(n)


def load_people(path: Path) -> tuple[list[Person], list[Diagnostic]]:
    """Read a people file of ``[[person]]`` tables (id, name, side, role, aliases)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return [], [Diagnostic("C304", f"cannot read people file: {exc}", str(path), 1, 1)]
    return parse_people(data, str(path))


def parse_people(raw: bytes, name: str) -> tuple[list[Person], list[Diagnostic]]:
    """The people of a people file's bytes (``name`` is where diagnostics point); any
    C304 error means the file must be fixed before a document is converted with it."""
    import tomllib  # only where a file is read: 3 ms of every start

    try:
        text = raw.decode("utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError as exc:
        return [], [Diagnostic("C304", f"the people file is not UTF-8: {exc}", name, 1, 1)]
    except tomllib.TOMLDecodeError as exc:
        line = int(m.group(1)) if (m := re.search(r"line (\d+)", str(exc))) else 1
        return [], [Diagnostic("C304", f"the people file is not TOML: {exc}", name, line, 1)]
    where = _Positions(text)
    diags: list[Diagnostic] = []

    def problem(line: int, message: str, hint: str = "") -> None:
        diags.append(Diagnostic("C304", message, name, line, 1, hint=hint))

    for key in data:
        if key != "person":
            problem(1, f"unknown top-level key {key!r}", "a people file holds [[person]] tables")
    tables = data.get("person", [])
    if not isinstance(tables, list):
        problem(1, "'person' must be an array of tables", "write each person as [[person]]")
        return [], diags
    people: list[Person] = []
    seen: dict[str, int] = {}
    for n, entry in enumerate(tables, start=1):
        if not isinstance(entry, dict):
            problem(where.of_table(n), f"[[person]] number {n} is not a table")
            continue
        ok = _check_entry(n, entry, where, problem)
        ident = entry.get("id")
        if isinstance(ident, str) and ident in seen:
            problem(
                where.of_key(n, "id"),
                f'id "{ident}" is also the id of [[person]] number {seen[ident]}',
                "each person needs an id of their own",
            )
            ok = False
        if isinstance(ident, str):
            seen.setdefault(ident, n)
        if ok:
            people.append(
                Person(
                    id=entry["id"],
                    name=entry["name"],
                    side=entry.get("side"),
                    role=entry.get("role"),
                    aliases=list(entry.get("aliases", [])),
                )
            )
    return people, diags


def _check_entry(n: int, entry: dict[str, Any], where: _Positions, problem: Any) -> bool:
    ok = True
    for key in ("id", "name"):
        if key not in entry:
            problem(
                where.of_table(n),
                f"[[person]] number {n} lacks '{key}'",
                f'expected {key} = "…": {_KEYS[key]}',
            )
            ok = False
    for key, value in entry.items():
        expected = _KEYS.get(key)
        line = where.of_key(n, key)
        if expected is None:
            problem(
                line,
                f"unknown key {key!r} in [[person]] number {n}",
                f"known keys: {', '.join(_KEYS)}",
            )
            ok = False
        elif not _fits(key, value):
            problem(
                line,
                f"{key} = {value!r} in [[person]] number {n} is not {expected}",
                f"expected {key}: {expected}",
            )
            ok = False
    return ok


def _fits(key: str, value: Any) -> bool:
    if key == "aliases":
        return isinstance(value, list) and all(isinstance(a, str) and a.strip() for a in value)
    if not isinstance(value, str):
        return False
    if key == "id":
        return _NCNAME.fullmatch(value) is not None
    return bool(value.strip()) if key == "name" else True
