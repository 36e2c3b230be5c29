"""The project: which files belong to it, the module name of each (from the source roots), and
how any file is read: only regular files, never more than a bound (:func:`read_regular`).

Symlinked folders are not followed (no loops); excluded folders are not entered.
"""

from __future__ import annotations

import fnmatch
import functools
import os
import re
import stat
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


class Refused(OSError):
    """A file that is not read at all: not a regular file, or (``too_large``) larger than the
    bound. ``str()`` says why, for a person."""

    def __init__(self, reason: str, too_large: bool = False) -> None:
        super().__init__(reason)
        self.too_large = too_large


def read_regular(path: str | os.PathLike[str], limit: int, follow_links: bool = True) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes. A FIFO, a socket, a device or a
    folder is never opened for reading (a FIFO would block, ``/dev/zero`` never ends), a larger
    file is never read: :class:`Refused` says which. ``follow_links`` False: a symbolic link is
    refused too (the cache's own entries are never links). Other failures: the ``OSError``."""
    st = os.stat(path) if follow_links else os.lstat(path)
    _check_regular(st, limit)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0)
    if not follow_links:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags)  # non-blocking: swapped for a FIFO since the stat, it still returns
    try:
        _check_regular(os.fstat(fd), limit)  # what was opened, not what was there a moment ago
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    if size > limit:  # grew while it was read
        raise Refused(f"it is larger than the limit of {limit:,} bytes", too_large=True)
    return b"".join(chunks)


def _check_regular(st: os.stat_result, limit: int) -> None:
    if not stat.S_ISREG(st.st_mode):
        raise Refused(f"it is {_kind(st.st_mode)}, not a regular file")
    if st.st_size > limit:
        raise Refused(f"it is {st.st_size:,} bytes, larger than the limit of {limit:,}", too_large=True)


def _kind(mode: int) -> str:
    for test, words in ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"),
                        (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                        (stat.S_ISDIR, "a folder"), (stat.S_ISLNK, "a symbolic link")):
        if test(mode):
            return words
    return "a special file"

