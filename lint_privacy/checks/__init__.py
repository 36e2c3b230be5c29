"""Checks: the project's facts and lineage judged against the policy, one module per family.

Each module declares its rules (``findings.Rule``) and a ``check(ctx)`` generator.
"""

from __future__ import annotations

from typing import Any

from ..findings import Finding, merge
from . import exposure, inventory, jurisdiction, purposes, recipients, retention, tool, transfers  # noqa: F401  (tool: PRV0xx rules)
from .base import RULES, Context

FAMILIES = (inventory, retention, recipients, transfers, purposes, exposure, jurisdiction, tool)

__all__ = ["RULES", "Context", "run_checks"]


def run_checks(ctx: Context) -> list[Finding]:
    found: list[Finding] = []
    for family in FAMILIES:
        try:
            found.extend(_run(family, ctx))
        except Exception as e:  # a bug of ours, or a shape we cannot judge: contained to the files it touches
            found.extend(_file_by_file(family, ctx, e))
    return merge(found)


def _run(family: Any, ctx: Context) -> list[Finding]:
    return [f for f in family.check(ctx) if f.code.startswith("PRV0") or not ctx.config.is_test(f.path)]


def _file_by_file(family: Any, ctx: Context, error: Exception) -> list[Finding]:
    """A family that failed on the whole project, run again on each file alone: a file that fails
    alone too is reported (PRV002: its findings are unknown), the others keep what they find on
    their own. When no file fails alone, the failure came from files together: every file is
    reported, as its findings through other files are unknown. Either way the run exits 2."""
    from ..errors import internal_error
    from ..lineage.symbols import Symbols
    from .base import finding
    from .tool import PRV002

    name = family.__name__.rpartition(".")[2]
    found: list[Finding] = []
    failed: list[str] = []
    for path, facts in ctx.files.items():
        if not ctx.wanted(path):
            continue
        alone = Context(config=ctx.config, policy=ctx.policy, catalog=ctx.catalog,
                        symbols=Symbols([facts], ctx.config), files={path: facts}, focus=frozenset({path}))
        try:
            found.extend(_run(family, alone))
        except Exception as e:
            failed.append(path)
            found.append(finding(PRV002, path, 1, 0, reason=f"its {name} checks failed: "
                                 + internal_error(e)))
    if not failed:
        reason = (f"the {name} checks failed on the project as a whole, not on any file alone: this file's "
                  f"findings through other files are unknown; " + internal_error(error))
        found.extend(finding(PRV002, path, 1, 0, reason=reason) for path in ctx.files if ctx.wanted(path))
    return found
