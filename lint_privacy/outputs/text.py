"""Text output: findings grouped by file, ``path:line:col: CODE message``, colour on a terminal."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby

from ..findings import Finding

_BOLD, _RED, _DIM, _RESET = "\033[1m", "\033[31m", "\033[2m", "\033[0m"


def render_text(findings: Sequence[Finding], colour: bool = False) -> str:
    out: list[str] = []
    ordered = sorted(findings, key=Finding.sort_key)
    for path, group in groupby(ordered, key=lambda f: f.path):
        out.append(f"{_BOLD}{path}{_RESET}" if colour else path)
        for f in group:
            code = f"{_RED}{f.code}{_RESET}" if colour else f.code
            where = f"{path}:{f.line}:{f.col + 1}:"
            out.append(f"  {_DIM + where + _RESET if colour else where} {code} {f.message}")
        out.append("")
    files = len({f.path for f in findings})
    out.append(f"{len(findings)} finding{'s' if len(findings) != 1 else ''} in {files} file{'s' if files != 1 else ''}")
    return "\n".join(out) + "\n"
