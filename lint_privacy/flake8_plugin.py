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
from typing import Any

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
        from .session import Session, SetupError, load_setup

        root = Path(options.privacy_root) if options.privacy_root else _config_dir(options)
        try:
            setup = load_setup(
                root,
                options.privacy_policy,
                cache_dir=Path(options.privacy_cache_dir) if options.privacy_cache_dir else None,
                no_cache=bool(options.privacy_no_cache) or None,
            )
        except SetupError as e:
            if options.privacy_policy is None and e.problems and e.problems[0].startswith("no policy given"):
                # Installed but not configured for this project: stay silent rather than break flake8.
                cls._session = None
                return
            sys.stderr.write("lint-privacy: cannot run:\n" + "".join(f"  {p}\n" for p in e.problems))
            raise SystemExit(2) from None
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
        try:
            found = session.findings_for(self.filename, "".join(self.lines), self.tree)
        except Exception as e:  # never a flake8 traceback: say what happened, on the file, and go on
            yield 1, 0, f"PRV002 {internal_error(e)}", type(self)
            return
        from .findings import printable

        for f in found:  # a message naming another file holds its name escaped: one line each
            yield f.line, f.col, f"{f.code} {printable(f.message)}", type(self)


def internal_error(e: BaseException) -> str:
    """The message for a bug of ours met on a file: what happened, and that it is to be reported."""
    detail = str(e).splitlines()[0][:200] if str(e) else ""
    return (f"this file was not analysed: lint-privacy failed with an internal error "
            f"({type(e).__name__}{': ' + detail if detail else ''}); its findings are unknown. "
            f"This is a bug in lint-privacy {__version__}: please report it with the file that triggers it")


def _config_dir(options: Any) -> Path:
    """The folder flake8 took its configuration from: the project root."""
    try:
        from flake8.options.config import load_config

        _, cfg_dir = load_config(options.config, [], isolated=bool(options.isolated))
        return Path(cfg_dir)
    except Exception:  # flake8 internals moved: the working directory is the next best root
        return Path(os.getcwd())
