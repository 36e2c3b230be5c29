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
    from ..errors import internal_error, not_analysed
    from ..lineage.symbols import Symbols

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
            found.append(not_analysed(path, internal_error(e, f"its {name} checks")))
    if not failed:
        reason = internal_error(error, f"the {name} checks on the whole project")
        found.extend(not_analysed(path, reason + "; they fail on no file alone: this file's findings "
                                  "through other files are unknown")
                     for path in ctx.files if ctx.wanted(path))
    return found
