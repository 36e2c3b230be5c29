"""Baseline: ``ast.parse`` of every Python file under a folder, serially, in one process.

    python bench/parse_all.py ROOT
"""

import ast
import os
import sys

SKIP = {".git", ".hg", ".venv", "venv", ".tox", "node_modules", "__pycache__", "build", "dist", ".lint-privacy-cache"}


def main(root: str) -> int:
    n = 0
    failed = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in SKIP]
        for name in files:
            if name.endswith(".py"):
                path = os.path.join(folder, name)
                with open(path, "rb") as f:
                    try:
                        ast.parse(f.read())
                    except (SyntaxError, ValueError):  # a real project may hold a broken fixture
                        failed.append(path)
                n += 1
    sys.stdout.write(f"{n} files parsed" + (f", {len(failed)} with syntax errors: {', '.join(failed[:3])}" if failed else "") + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1] if len(sys.argv) > 1 else "."))
