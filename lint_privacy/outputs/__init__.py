"""Outputs: findings rendered for people (text), programs (JSON) and code scanning (SARIF)."""

from __future__ import annotations

from collections.abc import Sequence

from ..config import Config
from ..findings import Finding


def render(fmt: str, findings: Sequence[Finding], config: Config, tty: bool = False) -> str:
    if fmt == "json":
        from .json_out import render_json

        return render_json(findings)
    if fmt == "sarif":
        from .sarif import render_sarif

        return render_sarif(findings, config)
    from .text import render_text

    return render_text(findings, colour=tty)
