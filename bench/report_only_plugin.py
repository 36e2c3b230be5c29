"""A flake8 plugin that analyses nothing and reports the findings lint-privacy reported: the cost
flake8 itself pays to report that many findings (for each file with one, flake8 tokenizes the
file again to map ``# noqa`` comments to lines), measured apart from the plugin's own work.

Used by bench/run.py as a local plugin (``[flake8:local-plugins]`` in an appended config), with
``LINT_PRIVACY_BENCH_FINDINGS`` naming a JSON file ``{path: [[line, col, text], ...]}``.
"""

from __future__ import annotations

import ast
import json
import os
from collections.abc import Iterator
from typing import Any

FINDINGS_ENV = "LINT_PRIVACY_BENCH_FINDINGS"
_found: dict[str, list[list[Any]]] | None = None


class ReportOnly:
    name = "report-only"
    version = "0"

    def __init__(self, tree: ast.Module, filename: str) -> None:
        self.filename = filename

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        global _found
        if _found is None:
            with open(os.environ[FINDINGS_ENV], encoding="utf-8") as f:
                _found = json.load(f)
        path = os.path.relpath(self.filename).replace(os.sep, "/")
        for line, col, text in _found.get(path, ()):
            yield line, col, text, type(self)
