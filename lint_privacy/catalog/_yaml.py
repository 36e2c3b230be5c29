"""Safe, positioned YAML reading for catalog files: every mapping and list remembers where it
came from, so a bad entry is reported as ``path:line:col: message``.
"""

# We compose the node tree (CSafeLoader when libyaml is present) instead of safe_load: composing
# keeps line and column for every node and lets us reject what safe_load silently accepts:
# duplicate keys (it keeps the last), unknown tags, and alias bombs (they build in a millisecond
# and explode only when walked).

from __future__ import annotations

import os
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

try:  # libyaml's composer is several times faster; the pure-Python one gives the same nodes
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

# A catalog is a few thousand nodes; these caps only stop hostile or runaway documents.
MAX_NODES = 200_000
MAX_DEPTH = 40

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {f"{_TAG}{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")}
_CONSTRUCT = SafeConstructor()

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


def _pos(node: yaml.Node) -> Pos:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _new_map(path: str, pos: Pos) -> YMap:
    m = YMap()
    m.path, m.pos, m.value_pos = path, pos, {}
    return m


def _new_list(path: str, pos: Pos) -> YList:
    lst = YList()
    lst.path, lst.pos, lst.item_pos = path, pos, []
    return lst


def _scalar(path: str, node: yaml.ScalarNode) -> Any:
    if node.tag not in _SCALAR_TAGS:
        raise CatalogError(path, *_pos(node), f"tag {node.tag!r} is not allowed here")
    if node.tag == f"{_TAG}str" or node.tag == f"{_TAG}timestamp":
        return node.value  # dates stay text: the catalog has no use for datetime objects
    kind = node.tag[len(_TAG):]
    return getattr(_CONSTRUCT, f"construct_yaml_{kind}")(node)


def _convert(path: str, root: yaml.Node) -> Any:
    """Turn a composed node tree into YMap/YList/scalars, counting nodes as aliases expand."""
    budget = [MAX_NODES]

    def walk(node: yaml.Node, depth: int) -> Any:
        budget[0] -= 1
        if budget[0] < 0:
            message = f"document expands to more than {MAX_NODES} nodes (an alias bomb?)"
            raise CatalogError(path, *_pos(node), message)
        if depth > MAX_DEPTH:
            message = f"nesting deeper than {MAX_DEPTH} levels (a recursive alias?)"
            raise CatalogError(path, *_pos(node), message)
        if isinstance(node, yaml.ScalarNode):
            return _scalar(path, node)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != f"{_TAG}seq":
                raise CatalogError(path, *_pos(node), f"tag {node.tag!r} is not allowed here")
            out = _new_list(path, _pos(node))
            for item in node.value:
                out.append(walk(item, depth + 1))
                out.item_pos.append(_pos(item))
            return out
        if isinstance(node, yaml.MappingNode):
            if node.tag != f"{_TAG}map":
                raise CatalogError(path, *_pos(node), f"tag {node.tag!r} is not allowed here")
            m = _new_map(path, _pos(node))
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == f"{_TAG}merge":
                    message = "keys must be plain text (no merge keys)"
                    raise CatalogError(path, *_pos(key_node), message)
                key = str(_scalar(path, key_node))
                if key in m:
                    line, col = m.value_pos[key]
                    raise CatalogError(
                        path, *_pos(key_node), f"duplicate key {key!r} (first at line {line})"
                    )
                m[key] = walk(value_node, depth + 1)
                m.value_pos[key] = _pos(value_node)
            return m
        raise CatalogError(path, *_pos(node), "unsupported YAML node")  # pragma: no cover

    return walk(root, 0)


def load_yaml(path: str | os.PathLike[str]) -> Any:
    """Read one YAML document safely; an empty file is an empty mapping."""
    name = os.fspath(path)
    try:
        with open(name, "rb") as fh:
            raw = fh.read()
    except OSError as exc:
        raise CatalogError(name, 0, 0, f"cannot read catalog file: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CatalogError(name, line, 1, "file is not valid UTF-8") from None
    try:
        nodes = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        raise CatalogError(name, line, col, f"YAML error: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise CatalogError(name, 0, 0, f"YAML error: {exc}") from None
    if len(nodes) > 1:
        raise CatalogError(name, *_pos(nodes[1]), "only one YAML document per catalog file")
    if not nodes or nodes[0] is None:
        return _new_map(name, (1, 1))
    return _convert(name, nodes[0])


def from_plain(value: Any, source: str) -> Any:
    """Wrap plain data (e.g. a mapping from ``pyproject.toml``) in YMap/YList without positions."""
    if isinstance(value, dict):
        m = _new_map(source, (0, 0))
        for k, v in value.items():
            m[str(k)] = from_plain(v, source)
            m.value_pos[str(k)] = (0, 0)
        return m
    if isinstance(value, (list, tuple)):
        lst = _new_list(source, (0, 0))
        for v in value:
            lst.append(from_plain(v, source))
            lst.item_pos.append((0, 0))
        return lst
    return value
