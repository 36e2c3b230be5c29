"""A project kept in memory between edits: the language server's engine.

The project is analysed once (:func:`engine.analyse`, from the results cache when it is warm);
its judgement, its outline and the files' facts (loaded when a judgement first needs them) stay
in memory. Text that differs from that judgement (an open buffer, a file changed on disk) is
extracted alone and kept as a *buffer*; a file's findings are then judged again, with the
buffers in place of their files, only when its scope (``lineage/scope.py``) holds a buffer —
its own text, or a file its findings depend on. That is how a change in one file updates the
findings of another. A buffer that does not parse keeps the last facts that did.

The judgement is made over the lineage of every file, built once (:meth:`Live.lineage`) and
then updated in place for what the buffers change (:meth:`Lineage.update`): an edit remakes the
part of the graph of the edited file (and of the files that read its names when those changed),
not the graph. The checks judge it with a focus on the files asked about.

The policy, the catalog and the configuration are reloaded when their files change; a setup that
cannot be loaded is reported (:attr:`Live.setup_problem`) and the last good one kept.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .cache import FactsCache, gc_paused
from .engine import Result, analyse, facts_of, judge_scoped, read_source
from .errors import SetupError, SourceError
from .findings import Finding
from .outputs import suppressions

if TYPE_CHECKING:
    from .checks import Context
    from .engine import Setup
    from .facts import FileFacts
    from .lineage.graph import Lineage
    from .lineage.scope import Outline
    from .lineage.surface import Modules


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
        self._lineage: Lineage | None = None  # every file's lineage, the buffers in place
        self._outline: tuple[Outline | None, Modules | None] | None = None  # the base's, and its modules
        # with the buffers: (their keys, that outline, its imports the other way)
        self._current: tuple[object, Outline, dict[str, set[str]]] | None = None
        self._applied: dict[str, FileFacts | None] = {}  # what it has for the base's facts (None: gone)
        self._failed = False  # it could not be built or updated (a bug): judged over the scope alone

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
        if path in self.base.project.keys or any(f.path == path for f in self.base.project.failed):
            self.gone.add(path)

    # ------------------------------------------------------------------ findings out
    def findings(self, targets: Collection[str]) -> dict[str, list[Finding]]:
        """The findings (noqa applied, as ``lint-privacy check`` reports them) of each target,
        judged again only when its own text or a file in its scope differs from the base."""
        out: dict[str, list[Finding]] = {}
        changed = set(self.buffers) | self.gone
        depends_on = self._scoping()
        again: dict[str, tuple[tuple[str, str], ...]] = {}
        for path in targets:
            if path in self.gone:
                out[path] = []
                continue
            depends = depends_on(path) & changed
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
            judged = self._judge(list(again))
            for path, over in again.items():
                found = self._unsuppressed(path, judged[path])
                self._judged[path] = (over, found)
                out[path] = found
        return out

    def _scoping(self) -> Callable[[str], set[str]]:
        """The scope of a file with the buffers as they are (every file that changed, for a new
        file or without an outline); what it is made of is kept while the buffers stay."""
        from .lineage.scope import scope, with_buffers
        from .lineage.surface import Modules, inverse
        from .project import module_name

        if self._outline is None:
            outline = self.base.judged.outline()
            config = self.setup.config
            modules = Modules({p: module_name(config, p) for p in outline.imports}) if outline else None
            self._outline = (outline, modules)
        outline, modules = self._outline
        state = tuple(self.keys.items())
        if outline is None:
            return lambda path: set(self.buffers) | self.gone
        if self._current is None or self._current[0] != state:
            current = with_buffers(outline, self.setup.config, self.buffers.values(), modules)
            self._current = (state, current, inverse(current.imports))
        _, current, importers = self._current
        return lambda path: (scope(current, {path}, importers) if path in outline.imports
                             else set(self.buffers) | self.gone)

    def _judge(self, targets: list[str]) -> dict[str, list[Finding]]:
        """The findings of ``targets`` (not yet filtered by noqa), judged over the lineage of every
        file with the buffers in place, as ``lint-privacy check`` would judge them. Should the
        lineage fail, they are judged over their scope alone, where the failure is reported as
        the CLI reports it."""
        from .checks import run_checks

        lin = self._kept_lineage()
        if lin is None:
            return judge_scoped(self.setup, self.base, self.buffers, targets, self.gone)
        with gc_paused():
            findings = run_checks(self._context(lin, frozenset(targets)))
        found: dict[str, list[Finding]] = {t: [] for t in targets}
        for f in findings:
            if f.path in found:
                found[f.path].append(f)
        return found

    def _kept_lineage(self) -> Lineage | None:
        """:meth:`lineage`, or None once it failed (a bug: not tried again, every edit would pay
        for it)."""
        if not self._failed:
            try:
                return self.lineage()
            except Exception:
                self._lineage, self._failed = None, True
        return None

    def _context(self, lin: Lineage, focus: frozenset[str]) -> Context:
        from .checks import Context

        setup = self.setup
        return Context(config=setup.config, policy=setup.policy, catalog=setup.catalog, symbols=lin.symbols,
                       files=lin.files, lineage=lin, focus=focus)

    @property
    def cold(self) -> bool:
        """Whether the lineage of every file is still to be built (:meth:`warm_up`)."""
        return self._lineage is None and not self._failed

    def warm_up(self) -> None:
        """Build the lineage now, with what a judgement of any log call reads of every file (where
        the project configures log shippers, kept with each file's part)."""
        from .checks.flows import shipper_sites

        lin = self._kept_lineage()
        if lin is None:
            return
        with gc_paused(), contextlib.suppress(Exception):  # a judgement meets it again, and reports it
            for _ in shipper_sites(self._context(lin, frozenset())):
                pass

    def lineage(self) -> Lineage:
        """The lineage of every file with the buffers in place of their files and without the
        files gone: built the first time (every file's facts are loaded then), then updated for
        what changed since."""
        want: dict[str, FileFacts | None] = {**self.buffers, **dict.fromkeys(self.gone)}
        lin = self._lineage
        if lin is not None:
            changed: dict[str, FileFacts] = {}
            gone: set[str] = set()
            for path in want.keys() | self._applied.keys():
                facts = want[path] if path in want else self._base_facts(path)
                if path in want and path in self._applied and self._applied[path] is facts:
                    continue
                if facts is None:
                    gone.add(path)
                else:
                    changed[path] = facts
            with gc_paused():
                updated = lin.update(changed, gone)
            if not updated:
                lin = None
        if lin is None:
            lin = self._build(want)
        self._lineage, self._applied = lin, want
        return lin

    def _base_facts(self, path: str) -> FileFacts | None:
        return self.base.project.facts({path}).get(path) if path in self.base.project.keys else None

    def _build(self, want: Mapping[str, FileFacts | None]) -> Lineage:
        from .lineage.graph import Lineage
        from .lineage.symbols import Symbols

        files = {p: f for p, f in self.base.project.facts().items() if p not in want}
        files.update((p, f) for p, f in want.items() if f is not None)
        files = dict(sorted(files.items()))
        setup = self.setup
        with gc_paused():
            symbols = Symbols(files.values(), setup.config)
            lin = Lineage.build(symbols, files, setup.catalog, setup.config, setup.policy)
            lin.prepare_updates()
        return lin

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
        self._lineage, self._failed = None, False
        self._outline = self._current = None
        for path in [p for p, key in self.keys.items() if self.base.project.keys.get(p) == key]:
            del self.buffers[path], self.keys[path]
        self.gone &= set(self.base.project.keys)
        self._inputs = self._stamps()  # the new setup may read other files (a catalog added)
        return True
