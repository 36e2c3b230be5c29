"""Where a cold analysis's CPU goes, stage by stage: serially, in one process, with no cache, no
pool and nothing pickled, so what it prints is the least any cold run pays for these stages.

    python bench/phases.py ROOT [--policy FILE]

Stages: reading the files, ``ast.parse``, extraction from the tree, the judgement (symbols, the
lineage graph, every check) and the outline the editor path is judged with. Each is CPU seconds
of this process (``time.process_time``), and a ratio to ``ast.parse``.
"""

from __future__ import annotations

import argparse
import ast
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from lint_privacy.engine import facts_of, gc_paused, judge, project_outline, read_source  # noqa: E402
from lint_privacy.errors import SetupError, SourceError  # noqa: E402
from lint_privacy.project import project_files  # noqa: E402
from lint_privacy.session import load_setup  # noqa: E402


def phases(root: Path, policy: Path) -> tuple[dict[str, float], int, int]:
    """CPU seconds per stage, the number of project files and of files analysed."""
    spent: dict[str, float] = {}

    def timed(stage: str, work):
        start = time.process_time()
        value = work()
        spent[stage] = spent.get(stage, 0.0) + time.process_time() - start
        return value

    setup = timed("setup (configuration, policy, catalog)", lambda: load_setup(root, policy, no_cache=True))
    config = setup.config
    with gc_paused():
        paths = project_files(config)
        files = {}
        for path in paths:
            try:
                source = timed("reading", lambda: read_source(root / path))
                tree = timed("ast.parse", lambda: ast.parse(source, filename=path))
                files[path] = timed("extraction", lambda: facts_of(path, source, tree))
            except (SourceError, SyntaxError, ValueError, RecursionError) as e:
                print(f"{path}: not analysed ({e})", file=sys.stderr)  # PRV002 in a real run
        ctx = timed("judgement (graph and checks)", lambda: judge(config, setup.policy, setup.catalog, files)[1])
        timed("editor outline", lambda: project_outline(ctx))
    return spent, len(paths), len(files)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("root", type=Path)
    p.add_argument("--policy", type=Path, default=HERE.parent / "policies" / "infobip.yaml")
    args = p.parse_args(argv)
    try:
        spent, files, analysed = phases(args.root.resolve(), args.policy.resolve())
    except SetupError as e:
        print(f"phases.py: {e}", file=sys.stderr)
        return 2
    parse = spent.get("ast.parse") or 1e-9
    print(f"{files} files, {analysed} analysed, Python {sys.version.split()[0]}")
    print(f"{'stage':40s} {'CPU s':>7s} {'x ast.parse':>12s}")
    for stage, cpu in spent.items():
        print(f"{stage:40s} {cpu:7.2f} {cpu / parse:12.2f}")
    total = sum(spent.values())
    print(f"{'total':40s} {total:7.2f} {total / parse:12.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
