"""The ``lint-privacy`` command: whole-project checks, policy tools and rule docs.

Exit codes (SPEC): 0 clean, 1 findings, 2 the run cannot be trusted (2 wins over 1).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__

EXIT_CLEAN, EXIT_FINDINGS, EXIT_UNTRUSTED = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return EXIT_UNTRUSTED
    try:
        return int(args.run(args))
    except KeyboardInterrupt:
        sys.stderr.write("lint-privacy: interrupted\n")
        return EXIT_UNTRUSTED
    except BrokenPipeError:
        return EXIT_UNTRUSTED


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lint-privacy", description=__doc__.split("\n")[0])
    parser.add_argument("--version", action="version", version=f"lint-privacy {__version__}")
    sub = parser.add_subparsers(dest="command")

    check = sub.add_parser("check", help="check a project against a policy")
    _project_args(check)
    check.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    check.add_argument("paths", nargs="*", help="files or folders to report on (default: the whole project)")
    check.set_defaults(run=_check)

    explain = sub.add_parser("explain", help="print the documentation of a code")
    explain.add_argument("code", nargs="?", help="PRVnnn; without it, list every code")
    explain.set_defaults(run=_explain)

    policy = sub.add_parser("policy", help="validate or show a policy file")
    policy_sub = policy.add_subparsers(dest="policy_command", required=True)
    for name, helptext in (("validate", "check a policy file"), ("show", "print a policy as a table")):
        p = policy_sub.add_parser(name, help=helptext)
        p.add_argument("file")
        p.set_defaults(run=_policy)
    return parser


def _project_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--policy", help="policy file (default: [tool.lint-privacy] policy)")
    p.add_argument("--root", help="project root (default: the folder of the nearest configuration)")
    p.add_argument("--no-cache", action="store_true", help="neither read nor write the facts cache")


def _check(args: argparse.Namespace) -> int:
    from .config import find_root
    from .outputs import render
    from .project import relative_path
    from .session import SetupError, load_setup
    from .engine import analyse

    start = Path(args.paths[0]) if args.paths else Path.cwd()
    root = Path(args.root) if args.root else find_root(start)
    try:
        config, policy, catalog = load_setup(root, args.policy, no_cache=args.no_cache or None)
    except SetupError as e:
        sys.stderr.write("lint-privacy: cannot run:\n" + "".join(f"  {p}\n" for p in e.problems))
        return EXIT_UNTRUSTED
    result = analyse(config, policy, catalog)
    wanted = [relative_path(config, p) for p in args.paths]
    findings = [f for f in result.findings if not wanted or any(_under(f.path, w) for w in wanted)]
    sys.stdout.write(render(args.format, findings, config, tty=sys.stdout.isatty()))
    if any(f.code == "PRV002" for f in findings):
        return EXIT_UNTRUSTED
    return EXIT_FINDINGS if findings else EXIT_CLEAN


def _under(path: str, wanted: str) -> bool:
    return wanted in ("", ".") or path == wanted or path.startswith(wanted.rstrip("/") + "/")


def _explain(args: argparse.Namespace) -> int:
    from .checks import RULES

    if not args.code:
        for code in sorted(RULES):
            sys.stdout.write(f"{code}  {RULES[code].name:32} {RULES[code].summary}\n")
        return EXIT_CLEAN
    rule = RULES.get(args.code.upper())
    if rule is None:
        sys.stderr.write(f"lint-privacy: unknown code {args.code}; `lint-privacy explain` lists them\n")
        return EXIT_UNTRUSTED
    sys.stdout.write(rule.markdown())
    return EXIT_CLEAN


def _policy(args: argparse.Namespace) -> int:
    from .policy import commands

    return commands.validate(args.file) if args.policy_command == "validate" else commands.show(args.file)


if __name__ == "__main__":
    raise SystemExit(main())
