"""One run's view of a project: configuration, policy and catalog loaded once, the project
analysed once, and files whose text differs from disk (an editor's buffer) judged on top.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .catalog import SHIPPED
from .config import CONFIG_FILES, Config, ConfigError, load_config
from .engine import Result, Setup, analyse, facts_of, judge_scoped, recent_result, universal_newlines
from .errors import SetupError, SourceError, not_analysed
from .findings import Finding
from .cache import FactsCache, Loaded
from .project import in_project, relative_path
from .reading import read_regular

if TYPE_CHECKING:  # loaded when first used (Setup)
    from .catalog import Catalog
    from .facts import FileFacts
    from .policy.model import Policy


def load_setup(root: Path, policy: str | Path | None, **overrides: object) -> Setup:
    """Configuration, policy and catalog, or SetupError naming each problem."""
    try:
        config = load_config(root, policy=Path(policy) if policy else None, **overrides)
    except ConfigError as e:
        raise SetupError([str(e)]) from None
    if config.policy is None:
        raise SetupError([
            f"no policy given for the project at {config.root}: pass --privacy-policy (flake8) or --policy "
            "(lint-privacy), or set policy in [tool.lint-privacy] of its pyproject.toml (lint-privacy init writes one)"
        ])
    cache = None if config.no_cache else config.cache_path()
    policy_path = config.policy
    # Both from a pickle in the cache dir when these exact files were loaded by this code before.
    # The policy names vendors of the catalog: it is checked against it, so keyed on it too.
    catalog: Loaded[Catalog] = Loaded(cache and cache / "catalog", [*SHIPPED, *config.catalog],
                                      lambda: _load_catalog(config.catalog), _catalog_class)
    setup = Setup(
        config,
        Loaded(cache and cache / "policy", [policy_path, *SHIPPED, *config.catalog],
               lambda: _load_policy(policy_path, catalog), _policy_class),
        catalog,
    )
    # Only a policy and a catalog without problems are cached: files not loaded before are
    # loaded now, so that their problems stop the run here.
    for loaded in (setup._policy, setup._catalog):
        if not loaded.cached:
            loaded.get()
    return setup


def project_setup(root: Path, policy: str | None, no_cache: bool = False) -> Setup:
    """The setup of the project at ``root`` (the policy: ``policy``, else the configuration's, else
    the flake8 configuration's ``privacy-policy``), or SetupError."""
    try:
        return load_setup(root, policy, no_cache=no_cache or None)
    except SetupError as e:
        fallback = None if policy else _flake8_policy(root)
        if fallback is None or not e.problems[0].startswith("no policy given"):
            raise
        return load_setup(root, fallback, no_cache=no_cache or None)


def _flake8_policy(root: Path) -> Path | None:
    """``privacy-policy`` of the root's flake8 configuration (setup.cfg, tox.ini, .flake8), as
    flake8 reads it: relative to the file's folder. Used when pyproject.toml names no policy."""
    import configparser

    for name in CONFIG_FILES:
        cfg = Path(root) / name
        if not cfg.is_file():
            continue
        parser = configparser.RawConfigParser()
        try:
            parser.read(cfg, encoding="utf-8")
        except (configparser.Error, UnicodeDecodeError, OSError):
            continue
        for key in ("privacy-policy", "privacy_policy"):
            if parser.has_option("flake8", key):
                value = parser.get("flake8", key).strip()
                if value:
                    return (cfg.parent / value).resolve()
    return None


def _policy_class() -> type[Policy]:
    from .policy.model import Policy

    return Policy


def _catalog_class() -> type[Catalog]:
    from .catalog import Catalog

    return Catalog


def _load_policy(path: Path, catalog: Loaded[Catalog]) -> Policy:
    from .policy import PolicyError, load_policy
    from .policy.loader import vendor_problems

    try:
        policy = load_policy(path)
    except PolicyError as e:
        raise SetupError([f"PRV001 {p}" for p in e.problems]) from None
    problems = vendor_problems(policy, catalog.get().vendors)
    if problems:
        raise SetupError([f"PRV001 {p}" for p in problems])
    return policy


def _load_catalog(extra: tuple[Path, ...]) -> Catalog:
    from .catalog import CatalogError, load_catalog

    try:
        return load_catalog(extra)
    except CatalogError as e:
        raise SetupError([str(e)]) from None


@dataclass
class Session:
    setup: Setup
    judge_apart: bool = False  # judge in a forked child, so that this process stays small (flake8)
    one_file: bool = False  # run on one file (an editor): the last judgement serves if only it changed
    _result: Result | None = None
    _overlays: dict[str, list[Finding]] = field(default_factory=dict)  # by the buffer's content key

    @property
    def config(self) -> Config:
        return self.setup.config

    def result(self) -> Result:
        if self._result is None:
            self._result = analyse(self.setup, apart=self.judge_apart)
        return self._result

    def covers(self, filename: str) -> bool:
        """Whether a file is one of the project's (its settings do not exclude it): flake8 may
        hand over files the project leaves out, and judging each against the whole project
        would cost as much as the project itself."""
        return in_project(self.config, relative_path(self.config, filename))

    def findings_for(self, filename: str, source: str, tree: ast.Module | None = None) -> list[Finding]:
        """Findings of one file, judged with the whole project as context.

        When ``source`` differs from the file on disk (stdin, an unsaved buffer), that text
        replaces the file for this judgement, made with only the files that can change the
        file's findings (lineage/scope.py).
        """
        path = relative_path(self.config, filename)
        if self._result is None and self.one_file:
            # A saved file differs from the last whole-project judgement: judged on top of it with
            # its scope (below), as an unsaved buffer is, instead of the whole project again.
            self._result = recent_result(self.setup, path)
        base = self.result()
        key = FactsCache.key(path, source)
        if base.project.keys.get(path) == key:
            return base.for_path(path)
        if key not in self._overlays:
            refused = self._refused(path, source, base)
            if refused is not None:
                return refused
            try:
                facts = facts_of(path, source, tree)
            except SourceError as e:
                # flake8 parsed the file (or reports E999 and never calls us): what failed is ours.
                return self._not_analysed(path, str(e))
            self._overlays[key] = self._judge_buffer(facts)
        return self._overlays[key]

    def _refused(self, path: str, source: str, base: Result) -> list[Finding] | None:
        """What the CLI reports for a file it does not read (PRV002), when flake8 hands it over all
        the same: larger than the limit, or bytes Python refuses that flake8 read as latin-1 (its
        fallback, which turns any file into text). One behaviour for both doors: Python's.
        None: the file is read."""
        limit = self.config.max_file_size
        if len(source) > limit:  # characters: at least as many bytes
            return self._not_analysed(path, f"it is larger than the limit of {limit:,} bytes, so it is not "
                                            "read; raise [tool.lint-privacy] max-file-size if it is code to judge")
        if any(f.path == path for f in base.project.failed):
            try:
                raw = read_regular(self.config.root / path, limit)
            except OSError:
                return None
            text = universal_newlines(raw.decode("latin-1"))
            # flake8's reading of that very file (it drops a UTF-8 BOM read as latin-1, "\xef\xbb\xbf")
            if source in (text, text.removeprefix("\xef\xbb\xbf")):
                return [f for f in base.not_analysed if f.path == path]
        return None

    def _not_analysed(self, path: str, reason: str) -> list[Finding]:
        """PRV002 of a file flake8 hands over that cannot be analysed; none for test code, whose
        findings no production finding depends on (engine.Result)."""
        return [] if self.config.is_test(path) else [not_analysed(path, reason)]

    def _judge_buffer(self, facts: FileFacts) -> list[Finding]:
        """The findings of a buffer, judged with the files its outline scope names (every file
        when the project's outline does not know the file: a new one)."""
        return judge_scoped(self.setup, self.result(), {facts.path: facts}, [facts.path])[facts.path]
