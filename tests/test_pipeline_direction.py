"""The pipeline runs one way: files -> per-file facts (extract) -> lineage -> checks (findings)
-> outputs. No stage imports a later one, not even inside a function."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "lint_privacy"
STAGES = ["extract", "lineage", "checks", "outputs"]


def _stage(module: str) -> int | None:
    """The rank of a ``lint_privacy.x.y`` module's stage, None for shared modules (facts, catalog...)."""
    parts = module.split(".")
    return STAGES.index(parts[1]) if len(parts) > 1 and parts[1] in STAGES else None


def _imports(path: Path) -> list[tuple[int, str]]:
    module = "lint_privacy." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts).removesuffix(".__init__")
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            target = ".".join([*base, node.module] if node.module else base)
            names = [f"{target}.{a.name}" for a in node.names] if not node.module else [target]
            found.extend((node.lineno, n) for n in names)
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, a.name) for a in node.names)
    return [(line, n) for line, n in found if n.startswith("lint_privacy.")]


@pytest.mark.parametrize("stage", STAGES)
def test_no_stage_imports_a_later_one(stage: str) -> None:
    rank = STAGES.index(stage)
    wrong = []
    for path in sorted((PACKAGE / stage).rglob("*.py")):
        for line, target in _imports(path):
            other = _stage(target)
            if other is not None and other > rank:
                wrong.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {target}")
    assert not wrong, "\n".join(wrong)


def test_the_scan_sees_relative_imports() -> None:
    """The checker itself: checks/flows.py imports the lineage with a relative import."""
    targets = [t for _, t in _imports(PACKAGE / "checks" / "flows.py")]
    assert "lint_privacy.lineage.graph" in targets
