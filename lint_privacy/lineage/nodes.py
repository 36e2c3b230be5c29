"""The ids of the lineage graph's nodes, made and read here only.

A node is ``<function id>|<local>``: the function's id is ``<path>::<qualname>`` (``<module>``
for module code) and the local says what in it: ``p:NAME`` a parameter, ``v:NAME...`` a version
of a variable, ``a:N``, ``s:N``, ``c:N``, ``k:N`` the function's N-th attribute read, source, call
result and sink. A stored field is ``field|<class qualname>.<attribute>``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

_SEP = "|"
_FIELD = "field"


def node_id(function: str, local: str) -> str:
    return f"{function}{_SEP}{local}"


def field_node(qualified: str) -> str:
    """The node of a class's stored field (``app.models.User.email``)."""
    return node_id(_FIELD, qualified)


def callees(data: Mapping[str, Any]) -> tuple[str, ...]:
    """The project functions a call's node (its attributes ``data``) calls: its ``callee``, then
    the others of ``more`` (several implementations of one method); () for any other node."""
    if "callee" not in data:
        return ()
    return (data["callee"], *(fid for fid, _ in data.get("more", ())))


def is_field(node: str) -> bool:
    return node.startswith(_FIELD + _SEP)


def field_name(node: str) -> str:
    """The qualified name of a field's node: ``app.models.User.email``."""
    return node.removeprefix(_FIELD + _SEP)


@dataclass(frozen=True)
class NodeId:
    """A node id taken apart: the function it belongs to and its local."""

    function: str
    local: str

    @classmethod
    def of(cls, node: str) -> NodeId:
        function, _, local = node.partition(_SEP)
        return cls(function, local)

    @property
    def kind(self) -> str:
        """``p``, ``v``, ``a``, ``s``, ``c`` or ``k``."""
        return self.local.partition(":")[0]

    def index(self, kind: str) -> int | None:
        """The N of a ``kind:N`` local (``c:3`` -> 3); None for a local of another kind."""
        head, _, rest = self.local.partition(":")
        return int(rest) if head == kind and rest.isdigit() else None


def function_of(node: str) -> str:
    """The id of the function a node belongs to (``field`` for a stored field)."""
    return node.partition(_SEP)[0]  # no NodeId made: graph walks call this per edge
