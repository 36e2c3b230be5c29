"""A project kept in memory between edits: the language server's engine.

The project is analysed once (:func:`engine.analyse`, from the results cache when it is warm);
its judgement, its outline and the files' facts (loaded when a judgement first needs them) stay
in memory. Text that differs from that judgement (an open buffer, a file changed on disk) is
extracted alone and kept as a *buffer*; a file's findings are then judged again, with the
buffers in place of their files, only when its scope (``lineage/scope.py``) holds a buffer —
its own text, or a file its findings depend on. That is how a change in one file updates the
findings of another. A buffer that does not parse keeps the last facts that did.

The policy, the catalog and the configuration are reloaded when their files change; a setup that
cannot be loaded is reported (:attr:`Live.setup_problem`) and the last good one kept.
"""

from __future__ import annotations

import os
import re
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .cache import FactsCache
from .engine import Result, analyse, facts_of, judge_scoped, read_source
from .errors import SetupError, SourceError
from .findings import Finding
from .outputs import suppressions

if TYPE_CHECKING:
    from .engine import Setup
    from .facts import FileFacts


@dataclass(frozen=True)
class SetupProblem:
    """Why the policy, the catalog or the configuration cannot be loaded, on the file at fault."""

    path: Path
    line: int  # 1-based; 1 when the problem has no position
    col: int  # 1-based
    message: str


_POSITION = re.compile(r"^(?:PRV\d{3} )?(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<msg>.*)$")
_FILE = re.compile(r"^(?:PRV\d{3} )?(?P<path>[^:]+): (?P<msg>.*)$")


def setup_problem(problems: list[str], fallback: Path) -> SetupProblem:
    """One problem for a setup that cannot be loaded: on the file and line of the first problem
    (``fallback`` when it names no file), every problem in the message."""
    first = problems[0] if problems else "it cannot be loaded"
    m = _POSITION.match(first)
    path, line, col = fallback, 1, 1
    if m is not None:
        path, line, col = Path(m["path"]), int(m["line"]), int(m["col"])
    else:
        named = _FILE.match(first)
        if named is not None and Path(named["path"]).is_file():
            path = Path(named["path"])
    more = f" (+{len(problems) - 1} more: `lint-privacy policy validate` lists them)" if len(problems) > 1 else ""
    text = (first.removeprefix("PRV001 ") + more + "; the language server keeps judging with the last "
            "policy, catalog and configuration that loaded")
    return SetupProblem(path if path.is_absolute() else Path.cwd() / path, max(line, 1), max(col, 1), text)


class Live:
    """The project as the editor has it. ``load`` is the only way in: it takes what ``project_setup``
    (cli) gives, so that the CLI and the server read the same configuration."""

    def __init__(self, setup: Setup, base: Result) -> None:
        self.setup = setup
        self.base = base
        self.buffers: dict[str, FileFacts] = {}  # path -> the last facts that parsed, of text differing from base
        self.keys: dict[str, str] = {}  # path -> content key of the buffer's text
        self.gone: set[str] = set()  # files of the base judgement deleted since
        self.setup_problem: SetupProblem | None = None
        self._inputs = self._stamps()
        self._judged: dict[str, tuple[object, list[Finding]]] = {}  # path -> (what it was judged over, findings)
        self._paths: set[str] | None = None  # the project's files, as last walked
        self._outside: set[str] = set()  # paths asked about that were not in the project then

    @classmethod
    def load(cls, setup: Setup) -> Live:
        return cls(setup, analyse(setup))

    @property
    def root(self) -> Path:
        return self.setup.config.root

    def relative(self, full: str | os.PathLike[str]) -> str:
        from .project import relative_path

        return relative_path(self.setup.config, full)

    def in_project(self, path: str, created: bool = False) -> bool:
        """Whether ``path`` is a file of the project (walked again for a path not seen before,
        and after a file was ``created``)."""
        from .project import project_files

        if self._paths is None or created or (path not in self._paths and path not in self._outside):
            self._paths = set(project_files(self.setup.config))
            self._outside.clear()
        if path not in self._paths:
            self._outside.add(path)
            return False
        return True

    # ------------------------------------------------------------------ text in
    def update(self, path: str, text: str) -> bool:
        """The file's text is now ``text`` (a buffer, or what is on disk). False when it does not
        parse: the last facts that did are kept, and nothing changes."""
        key = FactsCache.key(path, text)
        self.gone.discard(path)
        if self.base.project.keys.get(path) == key:
            self.buffers.pop(path, None)
            self.keys.pop(path, None)
            return True
        if self.keys.get(path) == key:
            return True
        try:
            facts = facts_of(path, text)
        except SourceError:
            return False
        self.buffers[path] = facts
        self.keys[path] = key
        return True

    def saved(self, path: str, text: str) -> None:
        """The buffer was written to disk: its facts go to the shared cache, for the CLI's next run."""
        facts = self.buffers.get(path)
        if facts is not None and self.keys.get(path) == FactsCache.key(path, text):
            self.base.project.store.store(self.keys[path], facts)

    def from_disk(self, path: str) -> bool:
        """Read the file again from disk (closed, or changed by another program); a file no
        longer there is gone. False when it does not parse (the last good facts are kept)."""
        try:
            text = read_source(self.root / path)
        except SourceError:
            if not (self.root / path).exists():
                self.deleted(path)
                return True
            return False
        return self.update(path, text)

    def deleted(self, path: str) -> None:
        self.buffers.pop(path, None)
        self.keys.pop(path, None)
        if path in self.base.project.keys or any(f.path == path for f in self.base.not_analysed):
            self.gone.add(path)

    # ------------------------------------------------------------------ findings out
    def findings(self, targets: Collection[str]) -> dict[str, list[Finding]]:
        """The findings (noqa applied, as ``lint-privacy check`` reports them) of each target,
        judged again only when its own text or a file in its scope differs from the base."""
        from .lineage.scope import scope, with_buffers

        out: dict[str, list[Finding]] = {}
        outline = self.base.judged.outline()
        changed = set(self.buffers) | self.gone
        again: dict[str, tuple[tuple[str, str], ...]] = {}
        current = with_buffers(outline, self.setup.config, self.buffers.values()) if outline is not None else None
        for path in targets:
            if path in self.gone:
                out[path] = []
                continue
            if outline is None or current is None or path not in outline.imports:
                depends = changed  # every file: a new one, or no outline
            else:
                depends = scope(current, {path}) & changed
            if not depends:
                out[path] = self._unsuppressed(path, self.base.for_path(path))
                continue
            over = tuple(sorted((p, self.keys.get(p, "gone")) for p in depends))
            known = self._judged.get(path)
            if known is not None and known[0] == over:
                out[path] = known[1]
            else:
                again[path] = over
        if again:
            judged = judge_scoped(self.setup, self.base, self.buffers, list(again), self.gone)
            for path, over in again.items():
                found = self._unsuppressed(path, judged[path])
                self._judged[path] = (over, found)
                out[path] = found
        return out

    def _unsuppressed(self, path: str, found: list[Finding]) -> list[Finding]:
        facts = self.buffers.get(path)
        comments = ([(path, line, text) for line, text in facts.noqa] if facts is not None
                    else [c for c in self.base.noqa if c[0] == path])
        return suppressions.apply(found, suppressions.collect(comments))

    # ------------------------------------------------------------------ the policy, catalog, configuration
    def inputs(self) -> list[Path]:
        """The files the setup is read from: the policy, the project's catalog files, pyproject.toml
        and the flake8 configuration files."""
        from .config import CONFIG_FILES

        config = self.setup.config
        return [p for p in (config.policy, *config.catalog, config.root / "pyproject.toml",
                            *(config.root / n for n in CONFIG_FILES)) if p is not None]

    def _stamps(self) -> dict[Path, tuple[int, int] | None]:
        stamps: dict[Path, tuple[int, int] | None] = {}
        for p in self.inputs():
            try:
                st = p.stat()
                stamps[p] = (st.st_mtime_ns, st.st_size)
            except OSError:
                stamps[p] = None
        return stamps

    def reload_if_changed(self, policy: str | None = None, no_cache: bool = False) -> bool:
        """Reload the setup when one of its files changed since it was loaded (or last tried).
        True when a new setup is in use (every finding may have changed); a setup that cannot be
        loaded sets :attr:`setup_problem` and keeps the last good one."""
        from .session import project_setup

        stamps = self._stamps()
        if stamps == self._inputs:
            return False
        self._inputs = stamps
        try:
            setup = project_setup(self.root, policy, no_cache)
        except SetupError as e:
            fallback = self.setup.config.policy or self.root / "pyproject.toml"
            self.setup_problem = setup_problem(e.problems, fallback)
            return False
        self.setup_problem = None
        self.setup = setup
        self._paths = None  # the configuration may name other source roots or exclusions
        self.base = analyse(setup)
        self._judged.clear()
        for path in [p for p, key in self.keys.items() if self.base.project.keys.get(p) == key]:
            del self.buffers[path], self.keys[path]
        self.gone &= set(self.base.project.keys)
        self._inputs = self._stamps()  # the new setup may read other files (a catalog added)
        return True
