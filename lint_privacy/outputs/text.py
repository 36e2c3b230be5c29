"""Text output: findings grouped by file, ``path:line:col: CODE message``, then a summary.

Colour only when asked (the CLI asks when stdout is a terminal and ``NO_COLOR`` is unset), so
pipes, files and CI logs get plain text.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from itertools import groupby

from ..findings import Finding

_BOLD, _RED, _YELLOW, _DIM, _RESET = "\033[1m", "\033[31m", "\033[33m", "\033[2m", "\033[0m"


def want_colour(stream: object) -> bool:
    """Colour for a terminal, unless NO_COLOR is set (https://no-color.org); FORCE_COLOR forces it."""
    if os.environ.get("FORCE_COLOR"):
        return True
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def render_text(
    findings: Sequence[Finding],
    colour: bool = False,
    notes: Sequence[str] = (),
    shown: Callable[[str], str] = str,
    empty: str = "no findings",
) -> str:
    """Findings grouped by file; ``notes`` are extra summary lines (suppressions, baseline);
    ``shown``: how a project path is printed (relative to the working directory)."""
    out: list[str] = []

    def paint(text: str, style: str) -> str:
        return f"{style}{text}{_RESET}" if colour else text

    ordered = sorted(findings, key=Finding.sort_key)
    for project_path, group in groupby(ordered, key=lambda f: f.path):
        items = list(group)
        path = shown(project_path)
        out.append(paint(path, _BOLD) + paint(f"  ({_plural(len(items), 'finding')})", _DIM))
        for f in items:
            code = paint(f.code, _YELLOW if f.code == "PRV104" else _RED)
            where = paint(f"{path}:{f.line}:{f.col + 1}:", _DIM)
            out.append(f"  {where} {code} {f.message}")
        out.append("")
    files = len({f.path for f in findings})
    if findings:
        out.append(paint(f"{_plural(len(findings), 'finding')} in {_plural(files, 'file')}", _BOLD))
    else:
        out.append(empty)
    out.extend(n for n in notes if n)
    return "\n".join(out) + "\n"
