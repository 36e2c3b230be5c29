"""The flake8 door: options in, one file's findings out. The project is analysed once per run
(per worker process) by :class:`lint_privacy.session.Session`; every file is judged in it.
"""

from __future__ import annotations

import ast
import contextlib
import multiprocessing
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NoReturn

from . import __version__


class Plugin:
    name = "lint-privacy"
    version = __version__
    _session: Any = None  # Session, or None when no policy is configured
    _disabled_reason = ""

    def __init__(self, tree: ast.Module, filename: str, lines: list[str]) -> None:
        self.tree = tree
        self.filename = filename
        self.lines = lines

    @classmethod
    def add_options(cls, manager: Any) -> None:
        manager.add_option(
            "--privacy-policy", parse_from_config=True, normalize_paths=True, default=None,
            help="Policy file (YAML) the code is judged against, e.g. policies/infobip.yaml.",
        )
        manager.add_option(
            "--privacy-root", parse_from_config=True, normalize_paths=True, default=None,
            help="Project root (default: the folder of the flake8 configuration file).",
        )
        manager.add_option(
            "--privacy-cache-dir", parse_from_config=True, normalize_paths=True, default=None,
            help="Where per-file facts are cached (default: ROOT/.lint-privacy-cache).",
        )
        manager.add_option(
            "--privacy-no-cache", parse_from_config=True, action="store_true", default=False,
            help="Do not read or write the facts cache.",
        )

    @classmethod
    def parse_options(cls, options: Any) -> None:
        from .config import ConfigError, has_settings
        from .errors import SetupError
        from .session import Session, load_setup

        try:
            root = Path(options.privacy_root) if options.privacy_root else _config_dir(options)
            setup = load_setup(
                root,
                options.privacy_policy,
                cache_dir=Path(options.privacy_cache_dir) if options.privacy_cache_dir else None,
                no_cache=bool(options.privacy_no_cache) or None,
            )
        except ConfigError as e:
            _cannot_run([str(e)])
        except SetupError as e:
            if e.problems[0].startswith("no policy given") and not (has_settings(root) or _selected(options)):
                # Installed, neither configured for this project nor asked for: off, and said so
                # (a flake8 run of another project must not fail because this plugin is installed).
                sys.stderr.write(f"lint-privacy: PRV checks are off: {e.problems[0]}\n")
                cls._session = None
                return
            _cannot_run(e.problems)
        except Exception as e:  # a bug of ours while setting up: a message, not a flake8 traceback
            sys.stderr.write(f"lint-privacy: cannot run: internal error ({type(e).__name__}: {e}). This is a bug "
                             f"in lint-privacy {__version__}: please report it with the command that triggers it\n")
            raise SystemExit(2) from None
        fork = multiprocessing.get_context().get_start_method() == "fork"
        # One file, from stdin or by path, is an editor's run: judged when flake8 hands it over,
        # on top of the last whole-project judgement if only that file changed since.
        named = list(getattr(options, "filenames", None) or [])
        one_file = len(named) == 1 and (named[0] == "-" or os.path.isfile(named[0]))
        cls._session = Session(setup, judge_apart=fork, one_file=one_file)
        if multiprocessing.parent_process() is None:  # flake8's own process, not a worker that re-parses
            _note_left_out(cls._session, options)
        if fork and not one_file:
            # Analysed once here, before flake8 forks its workers: they inherit the findings instead
            # of each loading every file's facts again. A run that must extract or judge does so in
            # a child process, so that the workers do not inherit its memory. A failure is met
            # again, and reported, in run().
            with contextlib.suppress(Exception):
                cls._session.result()

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        session = type(self)._session
        if session is None:
            return
        if not session.covers(self.filename):
            return  # left out by the project's settings: said once by parse_options
        try:
            found = session.findings_for(self.filename, "".join(self.lines), self.tree)
        except Exception as e:  # never a flake8 traceback: say what happened, on the file, and go on
            from .errors import internal_error, not_analysed

            yield 1, 0, f"PRV002 {not_analysed(self.filename, internal_error(e)).message}", type(self)
            return
        from .findings import printable

        for f in found:  # a message naming another file holds its name escaped: one line each
            text = " ".join(t for t in (f.message, f.cites()) if t)
            yield f.line, f.col, f"{f.code} {printable(text)}", type(self)


def _note_left_out(session: Any, options: Any) -> None:
    """Say once per run, from flake8's main process, which files flake8 will hand over that the
    project's settings leave out: they are not judged. (Said from the workers, the note came
    once per worker: with spawn or forkserver each worker has its own memory.)"""
    try:
        from flake8.discover_files import expand_paths

        paths = expand_paths(paths=options.filenames, stdin_display_name=options.stdin_display_name,
                             filename_patterns=options.filename,
                             exclude=(*options.exclude, *options.extend_exclude))
        named = (options.stdin_display_name if p == "-" else p for p in paths)
        left_out = [p for p in named if p != "stdin" and not session.covers(p)]
    except Exception:  # flake8's internals moved: the files are still left out, without the note
        return
    if left_out:
        n = len(left_out)
        shown = ", ".join(sorted(left_out)[:3]) + (f" and {n - 3} more" if n > 3 else "")
        sys.stderr.write(f"lint-privacy: {n} file{'' if n == 1 else 's'} that flake8 checks ({shown}) are "
                         f"left out by the project's settings (exclude, extend-exclude, source-roots of "
                         f"{session.config.root}) and are not judged. To spare flake8 reading them, exclude "
                         "them in its configuration too (e.g. extend-exclude = migrations under [flake8])\n")


def _cannot_run(problems: list[str]) -> NoReturn:
    sys.stderr.write("lint-privacy: cannot run:\n" + "".join(f"  {p}\n" for p in problems))
    raise SystemExit(2) from None


def _selected(options: Any) -> bool:
    """Whether the PRV codes were asked for by name (--select, --extend-select)."""
    asked = [*(getattr(options, "select", None) or ()), *(getattr(options, "extend_select", None) or ())]
    return any(str(code).upper().startswith("PR") for code in asked)


def _config_dir(options: Any) -> Path:
    """The project root: the folder flake8 took its configuration from, else the nearest folder
    above the working directory with lint-privacy's settings (pyproject.toml) or a project's
    marks (config.find_root)."""
    from .config import find_root

    try:
        from flake8.options.config import load_config

        _, cfg_dir = load_config(options.config, [], isolated=bool(options.isolated))
    except Exception:  # flake8 internals moved: from the working directory
        return find_root()
    return find_root(Path(cfg_dir))
