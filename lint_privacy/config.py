"""Project configuration: ``[tool.lint-privacy]`` in the project's ``pyproject.toml``, with
flake8 options and CLI flags layered over it. Everything here is about judging, not extracting.
"""

from __future__ import annotations

import fnmatch
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_EXCLUDE = (
    ".git", ".hg", ".svn", ".tox", ".nox", ".venv", "venv", "env", ".env", "node_modules",
    "__pycache__", "build", "dist", ".eggs", "*.egg-info", ".mypy_cache", ".pytest_cache",
    ".lint-privacy-cache", "site-packages",
)
CONFIG_FILES = ("setup.cfg", "tox.ini", ".flake8")
# A Python file larger than this is not read ([tool.lint-privacy] max-file-size): a module of
# 50,000 lines is ~2 MB; beyond that a file is data or generated, and reading it whole is a risk.
DEFAULT_MAX_FILE_SIZE = 4 * 1024 * 1024
_MAX_PYPROJECT = 8 * 1024 * 1024
# Test code is not production: no finding of its own, no source, no path through it (SPEC).
DEFAULT_TESTS = ("tests/*", "*/tests/*", "test/*", "*/test/*", "test_*.py", "*/test_*.py", "*_test.py",
                 "*_tests.py", "conftest.py", "*/conftest.py")
# Example, demo and documentation code shipped inside a project (a sample plugin, a docs snippet)
# is not production either. Matched on the path under its source root: a project whose source
# root is examples/ (source-roots = ["examples"]) is still judged.
DEFAULT_EXAMPLES = ("examples/*", "*/examples/*", "example/*", "*/example/*", "demo/*", "*/demo/*",
                    "docs/*", "*/docs/*")


class ConfigError(Exception):
    """The configuration cannot be used; ``str()`` names the file and what is wrong."""


@dataclass(frozen=True)
class Config:
    root: Path
    policy: Path | None = None
    source_roots: tuple[str, ...] = (".",)
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    persistence_bases: tuple[str, ...] = ()  # qualified names of user base classes
    anonymisers: tuple[str, ...] = ()  # qualified names (globs) of functions that end a flow
    consent_checks: tuple[str, ...] = ()  # qualified names of consent checks (function or decorator)
    catalog: tuple[Path, ...] = ()  # extra catalog YAML files
    jurisdictions: tuple[tuple[str, str], ...] = ()  # (package prefix, jurisdiction)
    internal_hosts: tuple[str, ...] = ("localhost", "*.local", "*.internal", "*.svc.cluster.local")
    tests: tuple[str, ...] = DEFAULT_TESTS  # globs over project-relative paths
    report_tests: bool = False  # judge test code as production
    examples: tuple[str, ...] = DEFAULT_EXAMPLES  # globs over paths under their source root
    # [tool.lint-privacy.models]: fields of models the project does not own, annotated
    # ("django.contrib.auth.models.User.email", "account_user_data retention=12mo")
    models: tuple[tuple[str, str], ...] = ()
    max_file_size: int = DEFAULT_MAX_FILE_SIZE  # bytes; a larger file is reported (PRV002), not read
    cache_dir: Path | None = None
    no_cache: bool = False
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def is_test(self, path: str) -> bool:
        """Whether a project-relative path is code left out of the judgement as not production:
        test code (unless report-tests), or example code (the ``examples`` globs)."""
        if not self.report_tests and _matches_any(self.tests, path):
            return True
        under = _under_source_root(self.source_roots, path)
        return bool(self.examples) and _matches_any(self.examples, under)

    def cache_path(self) -> Path:
        return self.cache_dir or (self.root / ".lint-privacy-cache")

    def fingerprint(self) -> str:
        """What of the configuration changes findings (the cache of results is keyed on it)."""
        parts = [
            str(self.policy), repr(self.source_roots), repr(self.exclude), repr(self.persistence_bases),
            repr(self.anonymisers), repr(self.consent_checks), repr(self.jurisdictions),
            repr(self.internal_hosts), repr(self.tests), repr(self.report_tests), repr(self.examples),
            repr(self.models),
            str(self.max_file_size),
        ]
        for p in self.catalog:
            try:
                parts.append(f"{p}:{p.stat().st_mtime_ns}:{p.stat().st_size}")
            except OSError:
                parts.append(f"{p}:missing")
        return "|".join(parts)


@functools.lru_cache(maxsize=1 << 16)
def _matches_any(globs: tuple[str, ...], path: str) -> bool:
    return any(fnmatch.fnmatchcase(path, glob) for glob in globs)


@functools.lru_cache(maxsize=1 << 16)
def _under_source_root(source_roots: tuple[str, ...], path: str) -> str:
    """A project-relative path under the longest source root it is in (``examples/app/x.py`` ->
    ``app/x.py`` for the source root ``examples``)."""
    roots = (Path(root).as_posix().strip("/") for root in source_roots)
    prefixes = [root + "/" for root in roots if root not in ("", ".") and path.startswith(root + "/")]
    return path[len(max(prefixes, key=len, default="")):]


_LIST_KEYS = {
    "source-roots": "source_roots",
    "exclude": "exclude",
    "persistence-bases": "persistence_bases",
    "anonymisers": "anonymisers",
    "consent-checks": "consent_checks",
    "internal-hosts": "internal_hosts",
    "tests": "tests",
    "examples": "examples",
}


ROOT_MARKERS = ("pyproject.toml", "setup.cfg", ".git")


def find_root(*starts: Path) -> Path:
    """The project root of these paths (default: the working directory), as tools find it.

    Walking up from their common folder: the nearest folder with lint-privacy's settings (a
    ``[tool.lint-privacy]`` pyproject, or a flake8 configuration), else the nearest with a
    ``pyproject.toml``, ``setup.cfg`` or ``.git``; the walk stops at the top of a repository
    (``.git``). Without any: the working directory when the paths are inside it, else their
    common folder.
    """
    import os

    cwd = Path.cwd().resolve()
    folders = [p.resolve() if p.resolve().is_dir() else p.resolve().parent for p in starts] or [cwd]
    here = Path(os.path.commonpath(folders))
    marked = None
    for folder in (here, *here.parents):
        if has_settings(folder):
            return folder
        if any((folder / name).is_file() and _has_flake8_section(folder / name) for name in CONFIG_FILES):
            return folder
        if marked is None and any((folder / name).exists() for name in ROOT_MARKERS):
            marked = folder
        if (folder / ".git").exists():
            break
    if marked is not None:
        return marked
    return cwd if here == cwd or cwd in here.parents else here


def has_settings(root: Path) -> bool:
    """Whether the project at ``root`` has a ``[tool.lint-privacy]`` section."""
    return (root / "pyproject.toml").is_file() and _pyproject_section(root / "pyproject.toml") is not None


def _has_flake8_section(path: Path) -> bool:
    import configparser

    parser = configparser.RawConfigParser()
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError, OSError):
        return False
    return parser.has_section("flake8")


def _pyproject_section(path: Path) -> dict[str, Any] | None:
    import tomllib  # only projects with a pyproject.toml pay for it

    from .reading import read_regular

    try:
        data = tomllib.loads(read_regular(path, _MAX_PYPROJECT).decode("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise ConfigError(f"{path}: cannot read it as TOML: {e}") from None
    section = data.get("tool", {}).get("lint-privacy")
    return section if isinstance(section, dict) else None


def load_config(root: Path, **overrides: Any) -> Config:
    """The configuration of the project at ``root``; ``overrides`` (not None) win."""
    root = root.resolve()
    values: dict[str, Any] = {}
    pyproject = root / "pyproject.toml"
    section = _pyproject_section(pyproject) if pyproject.is_file() else None
    if section:
        values = _from_section(section, pyproject, root)
    for key, value in overrides.items():
        if value is not None:
            values[key] = value
    if values.get("policy") is not None:
        values["policy"] = Path(values["policy"])
    config = Config(root=root, **values)
    for source_root in config.source_roots:
        # A missing folder, or a link out of the project, would be a silently empty project.
        folder = (root / source_root).resolve()
        if not folder.is_dir():
            raise ConfigError(f"{pyproject}: source root '{source_root}' is not a folder of the project at {root}")
        if folder != root and root not in folder.parents:
            raise ConfigError(f"{pyproject}: source root '{source_root}' leads outside the project ({folder}); "
                              "name a folder inside it, or set the project root")
    return config


def _from_section(section: dict[str, Any], path: Path, root: Path) -> dict[str, Any]:
    values: dict[str, Any] = {}
    exclude = list(DEFAULT_EXCLUDE)
    for key, value in section.items():
        if key == "policy":
            if not isinstance(value, str):
                raise ConfigError(f"{path}: [tool.lint-privacy] policy must be a path string")
            values["policy"] = (root / value)
        elif key == "cache-dir":
            values["cache_dir"] = root / str(value)
        elif key == "catalog":
            values["catalog"] = tuple(root / str(v) for v in _strings(value, key, path))
        elif key == "jurisdictions":
            if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
                raise ConfigError(f"{path}: [tool.lint-privacy.jurisdictions] maps package names to jurisdiction ids")
            values["jurisdictions"] = tuple(sorted(value.items(), key=lambda kv: -len(kv[0])))
        elif key == "models":
            if not isinstance(value, dict) or not all(isinstance(v, str) and "." in k for k, v in value.items()):
                raise ConfigError(f"{path}: [tool.lint-privacy.models] maps a model's qualified field name to its "
                                  'annotation: "django.contrib.auth.models.User.email" = "account_user_data retention=12mo"')
            values["models"] = tuple(sorted(value.items()))
        elif key == "report-tests":
            if not isinstance(value, bool):
                raise ConfigError(f"{path}: [tool.lint-privacy] report-tests must be true or false")
            values["report_tests"] = value
        elif key == "max-file-size":
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1 << 30:
                raise ConfigError(f"{path}: [tool.lint-privacy] max-file-size is a number of bytes from 1 to "
                                  f"{1 << 30:,} (1 GiB), e.g. {DEFAULT_MAX_FILE_SIZE} (the default)")
            values["max_file_size"] = value
        elif key == "extend-exclude":
            exclude.extend(_strings(value, key, path))
        elif key in _LIST_KEYS:
            values[_LIST_KEYS[key]] = tuple(_strings(value, key, path))
        else:
            known = ", ".join(sorted(["policy", "cache-dir", "catalog", "jurisdictions", "models", "report-tests",
                                      "max-file-size", "extend-exclude", *_LIST_KEYS]))
            raise ConfigError(f"{path}: unknown key '{key}' in [tool.lint-privacy]; known keys: {known}")
    values.setdefault("exclude", tuple(exclude))
    if "extend-exclude" in section and "exclude" in section:
        values["exclude"] = tuple(values["exclude"]) + tuple(_strings(section["extend-exclude"], "extend-exclude", path))
    return values


def _strings(value: Any, key: str, path: Path) -> list[str]:
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise ConfigError(f"{path}: [tool.lint-privacy] {key} must be a list of strings")
