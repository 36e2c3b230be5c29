"""The project: which files belong to it and the module name of each (from the source roots).

Symlinked folders are not followed (no loops); excluded folders are not entered.
"""

from __future__ import annotations

import fnmatch
import functools
import os
import re
from collections.abc import Callable
from pathlib import Path

from .config import Config


def project_files(config: Config) -> list[str]:
    """Paths of every Python file of the project, relative to the root, sorted."""
    found: set[str] = set()
    root = config.root
    excluded = _matcher(config.exclude)
    for source_root in config.source_roots:
        base = (root / source_root).resolve()
        if not base.is_dir():
            continue
        for folder, dirs, files in os.walk(base, followlinks=False):
            dirs[:] = sorted(d for d in dirs if not excluded(d))
            try:
                prefix = Path(folder).relative_to(root).as_posix()
            except ValueError:
                continue
            prefix = "" if prefix == "." else prefix + "/"
            found.update(prefix + name for name in files if name.endswith(".py") and not excluded(name))
    return sorted(found)


def in_project(config: Config, path: str) -> bool:
    """Whether a project-relative path (:func:`relative_path`) is one of :func:`project_files`:
    a Python file under a source root, in no excluded folder, not excluded itself. Tells a file
    flake8 hands over that the project's settings leave out, without walking the project."""
    if not path.endswith(".py") or os.path.isabs(path) or path.startswith("../"):
        return False
    excluded = _matcher(config.exclude)
    for source_root in config.source_roots:
        prefix = Path(source_root).as_posix().strip("/")
        prefix = "" if prefix == "." else prefix + "/"
        if path.startswith(prefix) and not any(excluded(part) for part in path[len(prefix):].split("/")):
            return True
    return False


@functools.lru_cache(maxsize=8)
def _matcher(patterns: tuple[str, ...]) -> Callable[[str], bool]:
    """Whether a file or folder name matches one of the fnmatch ``patterns`` (one regex for all:
    a project walk tests every name against every pattern)."""
    if not patterns:
        return lambda name: False
    regex = re.compile("|".join(f"(?:{fnmatch.translate(os.path.normcase(p))})" for p in patterns))
    return lambda name: regex.match(os.path.normcase(name)) is not None


def relative_path(config: Config, path: str | os.PathLike[str]) -> str:
    """A path as the project names it (relative to the root, forward slashes)."""
    full = os.path.abspath(path)
    folder, name = os.path.split(full)
    # flake8 asks for every file: resolving each folder once (not each file's every component)
    resolved = Path(full).resolve() if os.path.islink(full) else _resolved(folder) / name
    try:
        return resolved.relative_to(config.root).as_posix()
    except ValueError:
        return resolved.as_posix()


@functools.lru_cache(maxsize=1024)
def _resolved(folder: str) -> Path:
    return Path(folder).resolve()


def module_name(config: Config, path: str) -> str:
    """``src/app/models.py`` -> ``app.models`` under source root ``src``; ``__init__`` -> package."""
    prefixes = ["" if r in (".", "") else r.strip("/") + "/" for r in config.source_roots]
    prefix = max((p for p in prefixes if path.startswith(p)), key=len, default="")
    rel = path[len(prefix):]
    parts = rel[:-3].split("/") if rel.endswith(".py") else rel.split("/")
    if parts and parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)
