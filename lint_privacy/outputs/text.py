"""Text output: findings grouped by file, ``path:line:col: CODE message`` with the finding's
details indented under it (``data:``, ``route:``, ``reason:``, ``promise:``), then a summary.

Colour only when asked (the CLI asks when stdout is a terminal and ``NO_COLOR`` is unset), so
pipes, files and CI logs get plain text.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable, Sequence
from itertools import groupby

from ..findings import Finding, printable, shown_path

_BOLD, _RED, _YELLOW, _DIM, _RESET = "\033[1m", "\033[31m", "\033[33m", "\033[2m", "\033[0m"


def want_colour(stream: object) -> bool:
    """Colour for a terminal, unless NO_COLOR is set (https://no-color.org); FORCE_COLOR forces it."""
    if os.environ.get("FORCE_COLOR"):
        return True
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def _wrapped(message: str, used: int, width: int | None) -> str:
    """A message broken into lines that fit ``width`` (the first after ``used`` columns of
    location and code), continued with an indent; unchanged without a width."""
    if width is None or used + len(message) <= width:
        return message
    room = max(40, width - 6)
    lines = textwrap.wrap(message, room, initial_indent=" " * (used - 6 if used > 6 else 0), break_on_hyphens=False)
    if not lines:
        return message
    lines[0] = lines[0].lstrip()
    return "\n      ".join(lines)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def render_text(
    findings: Sequence[Finding],
    colour: bool = False,
    notes: Sequence[str] = (),
    shown: Callable[[str], str] = str,
    empty: str = "no findings",
    width: int | None = None,
) -> str:
    """Findings grouped by file; ``notes`` are extra summary lines (suppressions, baseline);
    ``shown``: how a project path is printed (relative to the working directory); ``width``:
    a terminal's, to wrap long messages to (a pipe or a file keeps one line per finding)."""
    out: list[str] = []

    def paint(text: str, style: str) -> str:
        return f"{style}{text}{_RESET}" if colour else text

    ordered = sorted(findings, key=Finding.sort_key)
    for project_path, group in groupby(ordered, key=lambda f: f.path):
        items = list(group)
        path = shown_path(shown(project_path))  # a name holding a newline or ESC is quoted
        out.append(paint(path, _BOLD) + paint(f"  ({_plural(len(items), 'finding')})", _DIM))
        for f in items:
            code = paint(f.code, _YELLOW if f.code == "PRV104" else _RED)
            where = paint(f"{path}:{f.line}:{f.col + 1}:", _DIM)
            out.append(f"  {where} {code} {_wrapped(printable(f.message), len(where) + len(f.code) + 4, width)}")
            out.extend(f"      {paint(label + ':', _DIM)} {_wrapped(printable(text), len(label) + 8, width)}"
                       for label, text in f.details())
        out.append("")
    files = len({f.path for f in findings})
    if findings:
        out.append(paint(f"{_plural(len(findings), 'finding')} in {_plural(files, 'file')}", _BOLD))
    else:
        out.append(empty)
    out.extend(n for n in notes if n)
    return "\n".join(out) + "\n"
