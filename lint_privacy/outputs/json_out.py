"""JSON output: one object per finding, stable keys, for scripts and dashboards."""

from __future__ import annotations

import json
from collections.abc import Sequence

from ..findings import Finding


def finding_dict(f: Finding) -> dict[str, object]:
    return {
        "code": f.code,
        "path": f.path,
        "line": f.line,
        "column": f.col + 1,
        "message": f.message,
        "category": f.category or None,
        "recipient": f.recipient or None,
        "decided_by": f.decided_by or None,
        "reason": f.reason or None,
        "route": f.route or None,
        "promise": f.promise or None,
        "origins": [{"label": o.label, "path": o.path, "line": o.line, "category": o.category or None} for o in f.origins],
        "path_steps": [{"path": s.path, "line": s.line, "note": s.note} for s in f.steps],
    }


def render_json(findings: Sequence[Finding]) -> str:
    return json.dumps({"findings": [finding_dict(f) for f in findings]}, indent=2, sort_keys=False) + "\n"
