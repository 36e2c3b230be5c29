"""The package runs one way: doors -> live -> session -> engine -> outputs -> checks -> lineage ->
extract -> the modules every stage shares (facts, findings, errors, config, project, cache, policy,
catalog, ...). No module imports one of a later layer, not even inside a function or for a type
checker, and no modules import each other. ``python scripts/import_graph.py --cycles`` prints the
cycles; the graph is read from the source by that script."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("import_graph", REPO / "scripts" / "import_graph.py")
graph = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("import_graph", graph)
_spec.loader.exec_module(graph)

# From the first stage after the shared modules to the doors; a module named in no layer is shared.
LAYERS = [
    ("extract",),
    ("lineage",),
    ("checks",),
    ("outputs",),
    ("engine",),
    ("session",),
    ("live",),
    ("cli", "flake8_plugin", "lsp", "init", "fix"),
]


def layer(module: str) -> int:
    """0 for a shared module, else the rank of the layer of ``lint_privacy.x[.y]``."""
    parts = module.split(".")
    return next((rank for rank, names in enumerate(LAYERS, 1) if len(parts) > 1 and parts[1] in names), 0)


def test_no_module_imports_a_later_layer() -> None:
    wrong = [f"{e.source} imports {e.target} (line {e.line}, {e.kind})" for e in graph.import_graph()
             if layer(e.target) > layer(e.source)]
    assert not wrong, "\n".join(wrong)


def test_no_modules_import_each_other() -> None:
    cycles = graph.cycles(graph.import_graph())
    assert not cycles, "\n".join(" -> ".join(c) for c in cycles)


def test_the_scan_sees_every_kind_of_import() -> None:
    """The checker itself: relative imports (checks/flows.py imports the lineage so), imports inside
    a function (engine imports the checks when it judges) and for type checkers only."""
    edges = {(e.source, e.target, e.kind) for e in graph.import_graph()}
    assert ("lint_privacy.checks.flows", "lint_privacy.lineage.graph", "top") in edges
    assert ("lint_privacy.engine", "lint_privacy.checks", "deferred") in edges
    assert ("lint_privacy.engine", "lint_privacy.lineage.scope", "typing") in edges


@pytest.mark.parametrize(("edges", "found"), [
    ([("a", "b"), ("b", "c")], []),
    ([("a", "b"), ("b", "a")], [["a", "b", "a"]]),
    ([("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")], [["a", "b", "c", "a"]]),
    ([("a", "b"), ("b", "a"), ("x", "y"), ("y", "x")], [["a", "b", "a"], ["x", "y", "x"]]),
])
def test_cycles_are_found(edges: list[tuple[str, str]], found: list[list[str]]) -> None:
    assert graph.cycles([graph.Import(s, t, 1, "top") for s, t in edges]) == found


def test_no_check_family_imports_another() -> None:
    """What more than one family needs lives in a module that is no family (checks/base.py,
    checks/flows.py, checks/scopes.py): a family can change without reaching into another."""
    from lint_privacy.checks import FAMILIES

    families = {family.__name__ for family in FAMILIES}
    wrong = [f"{e.source} imports {e.target} (line {e.line})" for e in graph.import_graph()
             if e.source in families and e.target in families]
    assert len(families) == 8 and not wrong, "\n".join(wrong)
