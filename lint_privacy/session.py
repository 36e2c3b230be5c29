"""One run's view of a project: configuration, policy and catalog loaded once, the project
analysed once, and files whose text differs from disk (an editor's buffer) judged on top.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

from .catalog import Catalog, CatalogError, load_catalog
from .config import Config, ConfigError, load_config
from .engine import Result, SourceError, analyse, facts_of, judge, not_analysed
from .extract import content_hash
from .findings import Finding
from .cache import load_policy_cached
from .policy import PolicyError
from .policy.model import Policy
from .project import relative_path


class SetupError(Exception):
    """The run cannot start: no usable configuration, policy or catalog. One message per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def load_setup(root: Path, policy: str | Path | None, **overrides: object) -> tuple[Config, Policy, Catalog]:
    """Configuration, policy and catalog, or SetupError naming each problem."""
    try:
        config = load_config(root, policy=Path(policy) if policy else None, **overrides)
    except ConfigError as e:
        raise SetupError([str(e)]) from None
    if config.policy is None:
        raise SetupError([
            "no policy given: pass --privacy-policy (flake8) or --policy (lint-privacy), "
            "or set policy in [tool.lint-privacy] of pyproject.toml"
        ])
    try:
        # From the cache dir when this exact policy (bytes, tool version) was loaded before.
        policy_obj = load_policy_cached(config.policy, None if config.no_cache else config.cache_path())
    except PolicyError as e:
        raise SetupError([f"PRV001 {p}" for p in e.problems]) from None
    try:
        catalog = load_catalog(config.catalog)
    except CatalogError as e:
        raise SetupError([str(e)]) from None
    return config, policy_obj, catalog


@dataclass
class Session:
    config: Config
    policy: Policy
    catalog: Catalog
    _result: Result | None = None
    _overlays: dict[tuple[str, str], list[Finding]] = field(default_factory=dict)

    def result(self) -> Result:
        if self._result is None:
            self._result = analyse(self.config, self.policy, self.catalog)
        return self._result

    def findings_for(self, filename: str, source: str, tree: ast.Module | None = None) -> list[Finding]:
        """Findings of one file, judged with the whole project as context.

        When ``source`` differs from the file on disk (stdin, an unsaved buffer), that text
        replaces the file for this judgement.
        """
        path = relative_path(self.config, filename)
        base = self.result()
        known = base.files.get(path)
        if known is not None and known.content_hash == content_hash(source):
            return base.for_path(path)
        key = (path, content_hash(source))
        if key not in self._overlays:
            try:
                facts = facts_of(path, source, tree)
            except SourceError as e:
                # flake8 parsed the file (or reports E999 and never calls us): what failed is ours.
                return [not_analysed(path, str(e))]
            files = dict(base.files)
            files[path] = facts
            findings, _ = judge(self.config, self.policy, self.catalog, files)
            self._overlays[key] = [f for f in findings if f.path == path]
        return self._overlays[key]
