"""The ``lint-privacy`` command: whole-project checks, exports, reports, fixes, policy tools and
rule docs.

Exit codes (SPEC): 0 clean, 1 findings, 2 the run cannot be trusted (2 wins over 1).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from . import __version__

if TYPE_CHECKING:
    from .engine import Result
    from .findings import Finding
    from .policy.model import Policy
    from .engine import Setup

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
    except Exception as e:  # never a traceback: a bug of ours, said as such (exit 2: nothing to trust)
        detail = str(e).splitlines()[0][:300] if str(e) else ""
        sys.stderr.write(
            f"lint-privacy: internal error ({type(e).__name__}{': ' + detail if detail else ''}); "
            f"the run cannot be trusted. This is a bug in lint-privacy {__version__}: please report it "
            "with the command and the file that triggers it (LINT_PRIVACY_DEBUG=1 shows the traceback)\n"
        )
        if os.environ.get("LINT_PRIVACY_DEBUG"):
            import traceback

            traceback.print_exc()
        return EXIT_UNTRUSTED


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lint-privacy",
        description="Keep Python code true to a published privacy notice: whole-project checks, exports, "
                    "reports, fixes, policy tools and rule docs.",
        epilog="Start with `lint-privacy init` in a project, then `lint-privacy check`. Exit codes: 0 clean, "
               "1 findings, 2 the run cannot be trusted. Docs: docs/adopting.md.")
    parser.add_argument("--version", action="version", version=f"lint-privacy {__version__}")
    sub = parser.add_subparsers(dest="command")

    init = sub.add_parser("init", help="set a project up: settings, a starting policy, a baseline of today's findings")
    init.add_argument("--root", help="project root (default: the nearest folder with pyproject.toml, setup.cfg or .git)")
    init.set_defaults(run=_init)

    check = sub.add_parser("check", help="check a project against a policy")
    _project_args(check)
    check.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    check.add_argument("-o", "--output", default="-", help="write the report to this file (default: stdout)")
    check.add_argument("--baseline", metavar="FILE",
                       help="report only findings that this baseline (from --write-baseline) does not list")
    check.add_argument("--write-baseline", metavar="FILE",
                       help="record every current finding in FILE and exit 0 (a file not analysed still exits 2)")
    check.add_argument("paths", nargs="*", help="files or folders to report on (default: the whole project)")
    check.set_defaults(run=_check)

    graph = sub.add_parser("graph", help="export the lineage data map (node-link JSON, GraphML, DOT, HTML)")
    _project_args(graph)
    graph.add_argument("--format", choices=("json", "graphml", "dot", "html"), default="json")
    graph.add_argument("-o", "--output", default="-", help="output file (default: stdout)")
    graph.set_defaults(run=_graph)

    report = sub.add_parser("report", help="data map, GDPR Art. 30 record and drift, from code and policy")
    _project_args(report)
    report.add_argument("--format", choices=("md", "html", "csv"), default="md")
    report.add_argument("--view", choices=("datamap", "art30", "drift", "suppressions", "all"), default="all",
                        help="which part (default: all; CSV takes one view, datamap for 'all')")
    report.add_argument("-o", "--output", default="-", help="output file (default: stdout)")
    report.set_defaults(run=_report)

    fix = sub.add_parser("fix", help="insert '# privacy: <category>?' stubs on unannotated personal fields")
    _project_args(fix)
    fix.add_argument("--dry-run", action="store_true", help="print a unified diff, change nothing")
    fix.add_argument("paths", nargs="*", help="files or folders to fix (default: the whole project)")
    fix.set_defaults(run=_fix)

    lsp = sub.add_parser("lsp", help="run the language server on stdio: findings inline in an editor (docs/editors.md)")
    lsp.add_argument("--policy", help="policy file (default: [tool.lint-privacy] policy, or the flake8 configuration's)")
    lsp.add_argument("--root", help="project root (default: the folder of the configuration nearest the workspace)")
    lsp.add_argument("--no-cache", action="store_true", help="neither read nor write the facts cache")
    lsp.set_defaults(run=_lsp)

    explain = sub.add_parser("explain", help="print the documentation of a code")
    explain.add_argument("code", nargs="?", help="PRVnnn or the rule's name (personal-data-in-log); without it, list every code")
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
    p.add_argument("-q", "--quiet", action="store_true", help="no progress display on stderr")


# ------------------------------------------------------------------ progress


class Progress:
    """``analysing 120/480 files`` on stderr, only on a terminal, only once a run has taken a
    second, and never in CI; cleared when the run ends."""

    DELAY = 1.0

    def __init__(self, stream: TextIO | None = None, enabled: bool | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        if enabled is None:
            isatty = getattr(self.stream, "isatty", None)
            enabled = bool(isatty and isatty()) and not os.environ.get("CI") and os.environ.get("TERM") != "dumb"
        self.enabled = enabled
        self.start = time.monotonic()
        self._last = 0.0
        self._shown = False

    def __call__(self, done: int, total: int) -> None:
        if done >= total:
            self.show(f"read {total} files; judging the project", final=True)
        else:
            self.show(f"analysing {done}/{total} files")

    def show(self, text: str, final: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.start < self.DELAY or (now - self._last < 0.1 and not final):
            return
        self._last = now
        self._shown = True
        self.stream.write(f"\r\033[Klint-privacy: {text}")
        self.stream.flush()

    def done(self) -> None:
        if self._shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self._shown = False


# ------------------------------------------------------------------ shared steps


def _setup(args: argparse.Namespace, paths: Sequence[str] = ()) -> Setup | None:
    from .config import find_root
    from .errors import SetupError
    from .session import project_setup

    # A mistyped path would otherwise make its nearest existing folder (often /) the project.
    missing = [p for p in (*paths, *([args.root] if getattr(args, "root", None) else [])) if not Path(p).exists()]
    if missing:
        sys.stderr.write("lint-privacy: cannot run:\n" + "".join(f"  {p}: no such file or folder\n" for p in missing))
        return None
    if not _root_is_a_folder(args):
        return None
    root = Path(args.root) if args.root else find_root(*map(Path, paths))
    try:
        return project_setup(root, args.policy, args.no_cache)
    except SetupError as e:
        sys.stderr.write("lint-privacy: cannot run:\n" + "".join(f"  {p}\n" for p in e.problems))
        return None


def _analyse(args: argparse.Namespace, setup: Setup, need_context: bool = False) -> Result:
    from .engine import analyse

    progress = Progress(enabled=False if args.quiet else None)
    try:
        return analyse(setup, progress=progress, need_context=need_context)
    finally:
        progress.done()


def _open_output(target: str) -> TextIO:
    if target in ("-", ""):
        return sys.stdout
    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.open("w", encoding="utf-8", newline="")


def _write(target: str, text: str) -> None:
    out = _open_output(target)
    try:
        out.write(text)
    finally:
        if out is not sys.stdout:
            out.close()


def _shown(root: Path, path: str) -> str:
    """A project path as a terminal or an editor opens it from the working directory: relative
    to it when the file is inside it, else as the project names it (``--root`` elsewhere)."""
    cwd = Path.cwd().resolve()
    full = root / path
    return full.relative_to(cwd).as_posix() if cwd == root or cwd in full.parents else path


def _under(path: str, wanted: str) -> bool:
    return wanted in ("", ".") or path == wanted or path.startswith(wanted.rstrip("/") + "/")


def _exit_code(findings: Sequence[Finding]) -> int:
    from .outputs.suppressions import UNTRUSTED_CODES

    if any(f.code in UNTRUSTED_CODES for f in findings):
        return EXIT_UNTRUSTED
    return EXIT_FINDINGS if findings else EXIT_CLEAN


# ------------------------------------------------------------------ commands


def _check(args: argparse.Namespace) -> int:
    from .outputs import suppressions as noqa
    from .outputs.baseline import BaselineError, is_legacy, new_findings, read_baseline, write_baseline
    from .project import relative_path

    setup = _setup(args, args.paths)
    if setup is None:
        return EXIT_UNTRUSTED
    config = setup.config
    known = None
    if args.baseline:
        try:
            known = read_baseline(Path(args.baseline))
        except BaselineError as e:
            sys.stderr.write(f"lint-privacy: cannot run: {e}\n")
            return EXIT_UNTRUSTED
        if is_legacy(known):
            sys.stderr.write(f"lint-privacy: {args.baseline} is a baseline of version 1: its findings are "
                             f"matched by code, file and line, so a finding that moved is reported again. "
                             f"Write it again (--write-baseline {args.baseline}) to match them whatever "
                             f"their line\n")
    result = _analyse(args, setup)
    wanted = [relative_path(config, p) for p in args.paths]

    def selected(path: str) -> bool:
        return not wanted or any(_under(path, w) for w in wanted)

    sups = [s for s in noqa.collect(result.noqa) if selected(s.path)]
    findings = noqa.apply((f for f in result.findings if selected(f.path)), sups)

    empty = "no findings"
    if args.write_baseline:
        n = write_baseline(Path(args.write_baseline), findings, config.root)
        recorded = f"{n} finding{'s' if n != 1 else ''}"
        sys.stderr.write(f"lint-privacy: wrote {recorded} to {args.write_baseline}\n")
        findings = [f for f in findings if f.code in noqa.UNTRUSTED_CODES]  # never baselined
        empty = f"{recorded} recorded in the baseline {args.write_baseline}, none reported"
    hidden = 0
    if known is not None:
        findings, hidden = new_findings(findings, known, config.root)

    notes = []
    if args.baseline:
        notes.append(f"{hidden} known finding{'s' if hidden != 1 else ''} hidden by the baseline {args.baseline}")
    tests_failed = [f for f in result.tests_not_analysed if selected(f.path)]
    notes.append(_tests_not_analysed(tests_failed, lambda path: _shown(config.root, path)))
    if args.format == "json":
        text = _check_json(findings, sups, args.baseline, hidden, tests_failed)
    elif args.format == "sarif":
        from .outputs.sarif import render_sarif

        text = render_sarif(findings, config)
    else:
        from .outputs.text import render_text, want_colour

        notes.append(noqa.summary_line(sups))
        to_terminal = args.output in ("-", "") and sys.stdout.isatty()
        colour = args.output in ("-", "") and want_colour(sys.stdout)
        width = shutil.get_terminal_size().columns if to_terminal else None
        text = render_text(findings, colour=colour, notes=notes, shown=lambda path: _shown(config.root, path), empty=empty,
                           width=width)
    _write(args.output, text)
    return _exit_code(findings)


def _tests_not_analysed(failed: Sequence[Finding], shown: Callable[[str], str]) -> str:
    """The note naming the test and example files that could not be analysed (no finding: no
    production finding depends on them), or "" when there are none."""
    if not failed:
        return ""
    from .errors import not_analysed_cause
    from .findings import printable, shown_path

    named = [f"{shown_path(shown(f.path))} ({printable(not_analysed_cause(f))})" for f in failed[:3]]
    more = f" and {len(failed) - 3} more" if len(failed) > 3 else ""
    files = f"{len(failed)} test or example file{'s' if len(failed) != 1 else ''}"
    return (f"{files} not analysed: {', '.join(named)}{more}; no production finding depends on "
            f"{'them' if len(failed) != 1 else 'it'} (report-tests, examples: docs/adopting.md)")


def _check_json(findings: Sequence[Finding], sups: Sequence[object], baseline: str | None, hidden: int,
                tests_failed: Sequence[Finding]) -> str:
    import json

    from .findings import Finding as _F
    from .outputs.json_out import finding_dict

    doc: dict[str, object] = {
        "findings": [finding_dict(f) for f in sorted(findings, key=_F.sort_key)],
        "suppressions": [s.as_dict() for s in sups],  # type: ignore[attr-defined]
    }
    if baseline:
        doc["baseline"] = {"file": baseline, "hidden": hidden}
    if tests_failed:
        doc["tests_not_analysed"] = [{"path": f.path, "message": f.message} for f in tests_failed]
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _data_map(args: argparse.Namespace) -> tuple[Result, Any, Policy] | None:
    """The judged run and its data map, for graph and report (None: the run cannot start)."""
    from .outputs import graph_export

    setup = _setup(args)
    if setup is None:
        return None
    result = _analyse(args, setup, need_context=True)
    return result, graph_export.condensed_graph(result), setup.policy


def _graph(args: argparse.Namespace) -> int:
    from .outputs import graph_export

    judged = _data_map(args)
    if judged is None:
        return EXIT_UNTRUSTED
    result, graph, policy = judged
    _write(args.output, graph_export.export(graph, args.format, policy=policy))
    if args.output not in ("-", ""):
        sys.stderr.write(f"lint-privacy: wrote {graph.number_of_nodes()} nodes, "
                         f"{graph.number_of_edges()} edges to {args.output}\n")
    return EXIT_UNTRUSTED if result.not_analysed else EXIT_CLEAN


def _report(args: argparse.Namespace) -> int:
    from .outputs import report
    from .outputs import suppressions as noqa

    judged = _data_map(args)
    if judged is None:
        return EXIT_UNTRUSTED
    result, graph, policy = judged
    sups = noqa.collect(result.noqa)
    findings = noqa.apply(result.findings, sups)
    model = report.build(graph, policy, result.files, findings, sups, getattr(result.context, "symbols", None))
    _write(args.output, report.render(model, args.format, args.view))
    return EXIT_UNTRUSTED if result.not_analysed else EXIT_CLEAN


def _fix(args: argparse.Namespace) -> int:
    from . import fix

    setup = _setup(args, args.paths)
    if setup is None:
        return EXIT_UNTRUSTED
    return fix.run(setup.config, setup.policy, setup.catalog, args.paths, dry_run=args.dry_run, out=sys.stdout, err=sys.stderr,
                   progress=Progress(enabled=False if args.quiet else None))


def _root_is_a_folder(args: argparse.Namespace) -> bool:
    """Whether ``--root`` is absent or a folder; if not, says so."""
    if getattr(args, "root", None) and not Path(args.root).is_dir():
        sys.stderr.write(f"lint-privacy: cannot run:\n  {args.root}: the root must be a folder\n")
        return False
    return True


def _init(args: argparse.Namespace) -> int:
    from . import init
    from .config import find_root

    if not _root_is_a_folder(args):
        return EXIT_UNTRUSTED
    return init.run(Path(args.root).resolve() if args.root else find_root(), sys.stdout, sys.stderr)


def _lsp(args: argparse.Namespace) -> int:
    from .lsp import serve

    if not _root_is_a_folder(args):
        return EXIT_UNTRUSTED
    return serve(Path(args.root).resolve() if args.root else None, args.policy, args.no_cache)


def _explain(args: argparse.Namespace) -> int:
    from .checks import RULES

    if not args.code:
        for code in sorted(RULES):
            sys.stdout.write(f"{code}  {RULES[code].name:32} {RULES[code].summary}\n")
        return EXIT_CLEAN
    wanted = args.code.strip()
    by_name = {r.name: r for r in RULES.values()}
    rule = RULES.get(wanted.upper()) or by_name.get(wanted.lower())
    if rule is None:
        from .errors import closest

        close = closest(wanted.lower(), by_name)
        hint = f"; did you mean {by_name[close].code} {close}?" if close else ""
        sys.stderr.write(f"lint-privacy: unknown code or rule name {args.code}{hint}; `lint-privacy explain` lists them\n")
        return EXIT_UNTRUSTED
    sys.stdout.write(rule.markdown())
    return EXIT_CLEAN


def _policy(args: argparse.Namespace) -> int:
    from .policy import commands

    return commands.validate(args.file) if args.policy_command == "validate" else commands.show(args.file)


if __name__ == "__main__":
    raise SystemExit(main())
