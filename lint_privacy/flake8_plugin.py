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
        global _noted
        _noted = _shared_flag()  # before flake8 forks its workers
        fork = multiprocessing.get_context().get_start_method() == "fork"
        # One file, from stdin or by path, is an editor's run: judged when flake8 hands it over,
        # on top of the last whole-project judgement if only that file changed since.
        named = list(getattr(options, "filenames", None) or [])
        one_file = len(named) == 1 and (named[0] == "-" or os.path.isfile(named[0]))
        cls._session = Session(setup, judge_apart=fork, one_file=one_file)
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
            _note_once(f"lint-privacy: {self.filename} and any other file flake8 checks that the project's "
                       f"settings leave out (exclude, extend-exclude, source-roots of {session.config.root}) "
                       "are not judged. To spare flake8 reading them, exclude them in its configuration too "
                       "(e.g. extend-exclude = migrations under [flake8])\n")
            return
        try:
            found = session.findings_for(self.filename, "".join(self.lines), self.tree)
        except Exception as e:  # never a flake8 traceback: say what happened, on the file, and go on
            from .errors import NOT_ANALYSED, internal_error

            yield 1, 0, "PRV002 " + NOT_ANALYSED.format(reason=internal_error(e)), type(self)
            return
        from .findings import printable

        for f in found:  # a message naming another file holds its name escaped: one line each
            yield f.line, f.col, f"{f.code} {printable(f.message)}", type(self)


_noted: Any = None  # shared by flake8's forked workers: a note is written once per run


def _note_once(text: str) -> None:
    """Write a note to stderr once per flake8 run (not once per worker)."""
    global _noted
    if _noted is None:
        _noted = _shared_flag()
    if _noted.value:
        return
    _noted.value = 1
    sys.stderr.write(text)


def _shared_flag() -> Any:
    """A flag the worker processes flake8 forks next share (a private one when shared memory
    cannot be had)."""
    try:
        return multiprocessing.RawValue("b", 0)
    except OSError:
        import types

        return types.SimpleNamespace(value=0)


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
