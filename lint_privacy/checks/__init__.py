"""Checks: the project's facts and lineage judged against the policy, one module per family.

Each module declares its rules (``findings.Rule``) and a ``check(ctx)`` generator.
"""

from __future__ import annotations

from ..findings import Finding, merge
from . import exposure, inventory, jurisdiction, purposes, recipients, retention, tool, transfers  # noqa: F401  (tool: PRV0xx rules)
from .base import RULES, Context

FAMILIES = (inventory, retention, recipients, transfers, purposes, exposure, jurisdiction, tool)

__all__ = ["RULES", "Context", "run_checks"]


def run_checks(ctx: Context) -> list[Finding]:
    found: list[Finding] = []
    for family in FAMILIES:
        found.extend(f for f in family.check(ctx) if f.code.startswith("PRV0") or not ctx.config.is_test(f.path))
    return merge(found)
