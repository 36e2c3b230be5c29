"""On-disk cache of per-file facts, keyed by tool version, Python version, path and content.

Entries are written atomically (temp file + rename) and carry a checksum: a torn, truncated or
corrupt entry is detected and rebuilt, never trusted. The policy is not part of the key.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from . import __version__
from .config import Config
from .facts import FileFacts

_MAGIC = b"LPF1"


def _extractor_fingerprint() -> bytes:
    """Facts change when the extractor's code changes, even within one version (development
    installs): its source is part of the key."""
    package = Path(__file__).parent
    h = hashlib.sha256(f"{__version__}|{sys.version_info[0]}.{sys.version_info[1]}".encode())
    for name in ("facts.py", "annotations.py", *sorted(f"extract/{p.name}" for p in (package / "extract").glob("*.py"))):
        try:
            h.update((package / name).read_bytes())
        except OSError:
            h.update(name.encode())
    return h.digest()


_SALT = _extractor_fingerprint()
_LOCK_TIMEOUT = 300.0


class FactsCache:
    """Facts by content. ``directory`` None: memory only (``--no-cache``)."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self.memory: dict[str, FileFacts] = {}
        self.hits = 0
        self.misses = 0

    @classmethod
    def for_config(cls, config: Config) -> FactsCache:
        return cls(None if config.no_cache else config.cache_path() / "facts")

    @staticmethod
    def key(path: str, source: str) -> str:
        h = hashlib.sha256(_SALT)
        h.update(path.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
        h.update(source.encode("utf-8", "surrogatepass"))
        return h.hexdigest()

    def get_or_extract(self, path: str, source: str, extract: Callable[[], FileFacts]) -> FileFacts:
        key = self.key(path, source)
        facts = self.memory.get(key) or self._read(key, path)
        if facts is None:
            self.misses += 1
            facts = extract()
            self._write(key, facts)
        else:
            self.hits += 1
        self.memory[key] = facts
        return facts

    def _file(self, key: str) -> Path:
        assert self.directory is not None
        return self.directory / key[:2] / f"{key}.pkl"

    def _read(self, key: str, path: str) -> FileFacts | None:
        if self.directory is None:
            return None
        try:
            data = self._file(key).read_bytes()
        except OSError:
            return None
        if len(data) < 36 or data[:4] != _MAGIC or hashlib.sha256(data[36:]).digest() != data[4:36]:
            return None
        try:
            facts = pickle.loads(data[36:])
        except Exception:  # a corrupt entry of any shape is rebuilt, not trusted
            return None
        return facts if isinstance(facts, FileFacts) and facts.path == path else None

    def _write(self, key: str, facts: FileFacts) -> None:
        if self.directory is None:
            return
        payload = pickle.dumps(facts, protocol=pickle.HIGHEST_PROTOCOL)
        target = self._file(key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as out:
                out.write(_MAGIC + hashlib.sha256(payload).digest() + payload)
            os.replace(tmp, target)
        except OSError:
            # A read-only or full disk costs speed, not correctness.
            with contextlib.suppress(OSError, UnboundLocalError):
                os.unlink(tmp)

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Serialise concurrent runs on one project, so each file is extracted once."""
        if self.directory is None:
            yield
            return
        from filelock import FileLock, Timeout

        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            lock = FileLock(str(self.directory / ".lock"), timeout=_LOCK_TIMEOUT)
            lock.acquire()
        except (OSError, Timeout):
            yield  # no lock to be had: correct, only maybe slower
            return
        try:
            yield
        finally:
            lock.release()
