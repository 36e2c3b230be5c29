"""What each file put into the lineage graph (``lineage/graph.py``), so that a file's part can
be taken out and made again when the file changes (:meth:`Lineage.update`) and the graph be the
one a build over the new files makes: the same nodes, edges and attributes, and each node's
edges in the same order (a breadth-first search meets them in that order, and which of two
equally short paths a finding names depends on it).

That order is the build's. The edges a function adds come in the order of the files (by path),
of the functions in a file and of the additions in the function: the key of such an edge is
``(0, path, function index, count)``. Summary edges (an argument reaching what a call returns)
come after every function's own, by their call: ``(1, path, function index, call index)``. An
edge that more than one function adds has the place of the first and the attributes of the last,
as networkx's ``add_edge`` leaves them.

Nothing here knows what the nodes mean: :class:`Part` is filled by the lineage while it records.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .nodes import callees

if TYPE_CHECKING:
    import networkx as nx

Key = tuple[int, str, int, int]


@dataclass
class Part:
    """One file's part of the graph."""

    path: str
    # Its functions (lineage.graph._Fn), in order; the objects below are lineage.graph's too (this
    # module imports no other of the lineage's).
    functions: list[Any] = field(default_factory=list)
    nodes: list[str] = field(default_factory=list)  # every node it made or joined, once, as it first did
    edges: list[tuple[str, str, Key]] = field(default_factory=list)
    marks: list[tuple[str, dict[str, object]]] = field(default_factory=list)  # node attributes it set
    fields: list[tuple[str, list[Any]]] = field(default_factory=list)  # (class, its fields' sources)
    # Sources in the order they were found: ("", source), or (field node, source or None) for a
    # field of a framework's model, whose source is made by the first function that reads it.
    sources: list[tuple[str, Any]] = field(default_factory=list)
    plain: list[Any] | None = None  # the sources, when no framework model's field is among them
    sinks: list[Any] = field(default_factory=list)
    sites: list[tuple[str, str]] = field(default_factory=list)  # (callee, call node), as the nodes were made
    seen: set[str] | None = field(default_factory=set)  # while recording: the nodes listed


class Ledger:
    """The parts of every file, and what the graph is made of: each edge's contributions, each
    node's references and attributes, and the summary edges of each function's calls."""

    def __init__(self, graph: nx.DiGraph) -> None:
        self.graph = graph
        self.parts: dict[str, Part] = {}
        self._edges: dict[tuple[str, str], list[tuple[Key, dict[str, object]]]] = {}
        self._refs: dict[str, int] = {}
        self._marks: dict[str, list[dict[str, object]]] = {}
        self._summaries: dict[str, list[tuple[str, str]]] = {}  # calling function -> its summary edges
        self._summary_keys: dict[tuple[str, str], Key] = {}
        self.unordered: set[str] = set()  # nodes with an edge added out of the build's order
        self.updating = False  # True once built: every edge added may be out of order

    # ---------------------------------------------------------------- recording

    def node(self, part: Part, node: str, attrs: dict[str, object] | None = None) -> None:
        seen = part.seen
        if seen is not None and node not in seen:
            seen.add(node)
            part.nodes.append(node)
            self._refs[node] = self._refs.get(node, 0) + 1
        data = self.graph._node.get(node)
        if data is None:
            self.graph.add_node(node)
            data = self.graph._node[node]
        if attrs:
            part.marks.append((node, attrs))
            self._marks.setdefault(node, []).append(attrs)
            data.update(attrs)

    def edge(self, part: Part, a: str, b: str, key: Key, attrs: dict[str, object]) -> None:
        self.node(part, a)
        self.node(part, b)
        part.edges.append((a, b, key))
        made = self._edges.get((a, b))
        if made is None:
            self._edges[(a, b)] = [(key, attrs)]
            if self._summary_keys.pop((a, b), None) is not None:  # a summary edge no more
                self._merge(a, b, [(key, attrs)])
            else:
                self.graph.add_edge(a, b, **attrs)
        else:
            bisect.insort(made, (key, attrs), key=lambda c: c[0])
            self._merge(a, b, made)
        if self.updating:
            self.unordered.add(a)

    def summary(self, owner: str, a: str, b: str, key: Key, attrs: dict[str, object]) -> None:
        """A summary edge of a call of ``owner`` (made only where no edge is)."""
        self.graph.add_edge(a, b, **attrs)
        self._summaries.setdefault(owner, []).append((a, b))
        self._summary_keys[(a, b)] = key
        self.unordered.add(a)

    def finish(self, part: Part) -> None:
        """The part is recorded: its calls into project functions, in the order their nodes were made."""
        nodes = self.graph._node
        part.sites = [(str(callee), n) for n in part.nodes for callee in callees(nodes[n])]
        part.seen = None
        if not any(fnode for fnode, _ in part.sources):
            part.plain = [source for _, source in part.sources if source is not None]

    # ---------------------------------------------------------------- taking out

    def drop_summaries(self, owner: str) -> None:
        for a, b in self._summaries.pop(owner, ()):
            if self._summary_keys.pop((a, b), None) is not None:
                self.graph.remove_edge(a, b)

    def remove(self, part: Part) -> None:
        """Take a part out of the graph: its edges, and the nodes no other part holds."""
        graph = self.graph
        for a, b, key in part.edges:
            made = self._edges[(a, b)]
            at = next(i for i, c in enumerate(made) if c[0] == key)
            del made[at]
            if not made:
                del self._edges[(a, b)]
                graph.remove_edge(a, b)
            else:
                self._merge(a, b, made)
                if at == 0:
                    self.unordered.add(a)
        marked = set()
        for node, attrs in part.marks:
            left = self._marks[node]
            del left[next(i for i, m in enumerate(left) if m is attrs)]
            if not left:
                del self._marks[node]
            marked.add(node)
        for node in part.nodes:
            refs = self._refs[node] - 1
            if refs:
                self._refs[node] = refs
                if node in marked:
                    data = graph._node[node]
                    data.clear()
                    for attrs in self._marks.get(node, ()):
                        data.update(attrs)
            else:
                del self._refs[node]
                graph.remove_node(node)

    # ---------------------------------------------------------------- order

    def order(self) -> None:
        """Put the edges of every node given one out of order back in the build's order."""
        succ = self.graph._succ
        for a in self.unordered:
            out = succ.get(a)
            if out is not None and len(out) > 1:
                items = sorted(out.items(), key=lambda kv: self.key(a, kv[0]))
                out.clear()
                out.update(items)
        self.unordered.clear()

    def key(self, a: str, b: str) -> Key:
        made = self._edges.get((a, b))
        return made[0][0] if made else self._summary_keys[(a, b)]

    def _merge(self, a: str, b: str, made: list[tuple[Key, dict[str, object]]]) -> None:
        data = self.graph._succ[a][b]
        data.clear()
        for _, attrs in made:
            data.update(attrs)
