"""Safe, positioned YAML reading for catalog files: every mapping and list remembers where it
came from, so a bad entry is reported as ``path:line:col: message``.
"""

# The reading is lint_privacy.safe_yaml's, shared with the policy loader: it rejects what safe_load
# silently accepts (duplicate keys, unknown tags, alias bombs) and keeps every node's position.
# Here its plain data and locations become YMap/YList, and its problems CatalogErrors.

from __future__ import annotations

import os
from typing import Any

from ..safe_yaml import MAX_DEPTH, Loc, YamlError, YamlProblem, parse_yaml

# A catalog is a few thousand nodes and a few hundred KiB; these caps only stop hostile or
# runaway documents (a larger file is refused, not read whole).
MAX_NODES = 200_000
MAX_BYTES = 8 * 1024 * 1024

Pos = tuple[int, int]  # 1-based line and column; (0, 0) when the data came from no file


class CatalogError(ValueError):
    """A catalog file (shipped or the user's) is unreadable or malformed."""

    def __init__(self, path: str, line: int, col: int, message: str) -> None:
        super().__init__(message)
        self.path, self.line, self.col, self.message = path, line, col, message

    def __str__(self) -> str:
        # Data handed over as a mapping (from pyproject) has no position to point at.
        if self.line <= 0:
            return f"{self.path}: {self.message}"
        return f"{self.path}:{self.line}:{self.col}: {self.message}"


class YMap(dict[str, Any]):
    """A mapping that knows its file, its own position and the position of each value."""

    path: str
    pos: Pos
    value_pos: dict[str, Pos]

    def where(self, key: str | None = None) -> tuple[str, int, int]:
        line, col = self.value_pos.get(key, self.pos) if key is not None else self.pos
        return self.path, line, col

    def error(self, key: str | None, message: str) -> CatalogError:
        return CatalogError(*self.where(key), message)


class YList(list[Any]):
    """A list that knows its file, its own position and the position of each item."""

    path: str
    pos: Pos
    item_pos: list[Pos]

    def error(self, index: int | None, message: str) -> CatalogError:
        line, col = self.item_pos[index] if index is not None else self.pos
        return CatalogError(self.path, line, col, message)


def _pos(loc: Loc | None) -> Pos:
    return (loc.line, loc.column) if loc is not None else (0, 0)


def _error(path: str, p: YamlProblem) -> CatalogError:
    """A reading problem as a CatalogError, in the catalog's words."""
    deep = f"nesting deeper than {MAX_DEPTH} levels (a recursive alias?)"
    message = {
        "syntax": f"YAML error: {p.subject}", "alias": "YAML error: found undefined alias",
        "duplicate": f"duplicate key {p.subject!r} (first at line {p.other[0]})",
        "tag": f"tag {p.subject!r} is not allowed here", "depth": deep, "cycle": deep,
        "nodes": f"document expands to more than {MAX_NODES} nodes (an alias bomb?)",
        "key": "keys must be plain text (no merge keys)", "merge": "keys must be plain text (no merge keys)",
        "documents": "only one YAML document per catalog file",
    }.get(p.kind, p.message)
    # A cycle is reported at its anchored node, a second document at its first node.
    line, col = p.other if p.kind in ("cycle", "documents") and p.other[0] else (p.line, p.column)
    return CatalogError(path, line, col, message)


def _wrap(value: Any, path: str, loc: Loc | None, done: dict[int, Any]) -> Any:
    """Dicts and lists as YMap/YList at ``loc``'s positions ((0, 0) throughout without one); an alias
    repeats its anchor's very object, so it gets the same YMap/YList: each is made once."""
    if not isinstance(value, (dict, list, tuple)):
        return value
    if id(value) in done:
        return done[id(value)]
    kids = loc.children if loc is not None else {}
    if isinstance(value, dict):
        m = done[id(value)] = YMap()
        m.path, m.pos, m.value_pos = path, _pos(loc), {}
        for key, item in value.items():
            m[str(key)] = _wrap(item, path, kids.get(key), done)
            m.value_pos[str(key)] = _pos(kids.get(key))
        return m
    lst = done[id(value)] = YList()
    lst.path, lst.pos, lst.item_pos = path, _pos(loc), []
    for i, item in enumerate(value):
        lst.append(_wrap(item, path, kids.get(i), done))
        lst.item_pos.append(_pos(kids.get(i)))
    return lst


def load_yaml(path: str | os.PathLike[str]) -> Any:
    """Read one YAML document safely; an empty file is an empty mapping."""
    name = os.fspath(path)
    from ..reading import read_regular

    try:
        raw = read_regular(name, MAX_BYTES)  # a FIFO or a device is refused, never read
    except OSError as exc:
        raise CatalogError(name, 0, 0, f"cannot read catalog file: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CatalogError(name, line, 1, "file is not valid UTF-8") from None
    try:
        data, loc, problems = parse_yaml(text, max_nodes=MAX_NODES, what="catalog")
    except YamlError as fatal:  # what stopped the reading comes first, as it did when composing
        raise _error(name, fatal.problems[-1]) from None
    if problems:
        raise _error(name, problems[0])
    if loc is None:
        return _wrap({}, name, Loc(1, 1), {})
    return _wrap(data, name, loc, {})


def from_plain(value: Any, source: str) -> Any:
    """Wrap plain data (e.g. a mapping from ``pyproject.toml``) in YMap/YList without positions."""
    return _wrap(value, source, None, {})
