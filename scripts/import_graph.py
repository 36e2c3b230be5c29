"""The package's own import graph, read from the source (nothing is imported or run).

    python scripts/import_graph.py             # every module and what it imports
    python scripts/import_graph.py --cycles    # the import cycles, one line per cycle
    python scripts/import_graph.py --summary   # counts: modules, imports, cycles
    options: --runtime (leave out imports made only for type checkers, under ``if TYPE_CHECKING``)

Each import is one of three kinds: ``top`` (run when the module is imported), ``deferred`` (inside
a function, run when it is called) and ``typing`` (under ``if TYPE_CHECKING:``, never run). A cycle
counts every kind unless ``--runtime`` is given: a deferred import only hides a cycle, it does not
break it. ``tests/test_pipeline_direction.py`` reads the same graph.
"""

from __future__ import annotations

import argparse
import ast
import sys
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "lint_privacy"
ROOT = PACKAGE.name


@dataclass(frozen=True)
class Import:
    source: str  # the importing module, e.g. lint_privacy.checks.flows
    target: str  # the imported module of the package
    line: int
    kind: str  # top, deferred or typing


def module_of(path: Path, package: Path = PACKAGE) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(package: Path = PACKAGE) -> dict[str, Path]:
    return {module_of(p, package): p for p in sorted(package.rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _statements(tree: ast.Module) -> list[tuple[ast.stmt, str]]:
    """Every import statement of a module with its kind."""
    found: list[tuple[ast.stmt, str]] = []
    stack: list[tuple[ast.AST, str]] = [(tree, "top")]
    while stack:
        node, kind = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append((node, kind))
            continue
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend((child, "typing") for child in node.body)
            stack.extend((child, kind) for child in node.orelse)
            continue
        inner = "deferred" if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)) else kind
        stack.extend((child, inner) for child in ast.iter_child_nodes(node))
    return found


def _resolve(name: str, known: dict[str, Path]) -> str | None:
    """The package's module that importing ``name`` runs: a module, else the package holding a name."""
    while name:
        if name in known:
            return name
        name = name.rpartition(".")[0]
    return None


def imports_of(module: str, path: Path, known: dict[str, Path]) -> list[Import]:
    here = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found = []
    for node, kind in _statements(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            base = ".".join(here[: len(here) - node.level + 1]) if node.level else ""
            stem = ".".join(p for p in (base, node.module or "") if p)
            names = [f"{stem}.{a.name}" for a in node.names]
        targets = {t for t in (_resolve(n, known) for n in names if n.split(".")[0] == ROOT) if t}
        found.extend(Import(module, t, node.lineno, kind) for t in sorted(targets) if t != module)
    return found


def import_graph(package: Path = PACKAGE, runtime: bool = False) -> list[Import]:
    known = modules(package)
    edges = [e for m, p in known.items() for e in imports_of(m, p, known)]
    return [e for e in edges if not (runtime and e.kind == "typing")]


def _adjacency(edges: list[Import]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for e in edges:
        graph.setdefault(e.source, set()).add(e.target)
    return graph


def tangles(edges: list[Import]) -> list[set[str]]:
    """The groups of modules that import each other (strongly connected, more than one module)."""
    return sorted((c for c in _components(_adjacency(edges)) if len(c) > 1), key=min)


def cycles(edges: list[Import]) -> list[list[str]]:
    """One cycle per group of modules that import each other: the shortest through its first module."""
    graph = _adjacency(edges)
    return [_one_cycle(min(group), graph, group) for group in tangles(edges)]


def _components(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's strongly connected components, iteratively."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    result: list[set[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                result.append(component)
    return result


def _one_cycle(start: str, graph: dict[str, set[str]], within: set[str]) -> list[str]:
    """The shortest cycle from ``start`` back to itself inside one component (breadth first)."""
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for child in sorted(graph.get(node, ()) & within):
                if child == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [*reversed(path), start]
                if child not in came_from:
                    came_from[child] = node
                    following.append(child)
        frontier = following
    return [start]


def _short(module: str) -> str:
    return module.removeprefix(ROOT + ".")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", action="store_true", help="print the import cycles")
    parser.add_argument("--summary", action="store_true", help="print counts only")
    parser.add_argument("--runtime", action="store_true", help="leave out imports under TYPE_CHECKING")
    args = parser.parse_args(argv)
    edges = import_graph(runtime=args.runtime)
    found = cycles(edges)
    if args.summary:
        members = sum(len(group) for group in tangles(edges))
        print(f"modules: {len(modules())}  imports: {len({(e.source, e.target) for e in edges})}  "
              f"groups of modules importing each other: {len(found)}  modules in them: {members}")
    elif args.cycles:
        for cycle, group in zip(found, tangles(edges)):
            print(" -> ".join(_short(m) for m in cycle))
            rest = sorted(group - set(cycle))
            if rest:
                print("   and in the same tangle: " + ", ".join(_short(m) for m in rest))
        if not found:
            print("no import cycles")
    else:
        for e in sorted(edges, key=lambda e: (e.source, e.target, e.line)):
            print(f"{_short(e.source)} -> {_short(e.target)}  ({e.kind}, line {e.line})")
    return 1 if args.cycles and found else 0


if __name__ == "__main__":
    sys.exit(main())
