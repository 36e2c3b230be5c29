"""On-disk caches: per-file facts keyed by tool version, Python version, path and content; a stat
index that finds a file's key without reading it; the loaded policy, keyed by the file's bytes.

Entries are written atomically (temp file + rename) and carry a checksum: a torn, truncated or
corrupt entry is detected and rebuilt, never trusted. The policy is not part of the facts' key.
Concurrent runs (flake8 workers, two terminals) share the work through per-entry claims, so
each file is extracted once. See docs/performance.md.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import pickle
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from . import __version__
from .config import Config
from .reading import read_regular

if TYPE_CHECKING:  # the facts' classes are imported only by a run that reads or writes facts
    from .facts import FileFacts

T = TypeVar("T")
_MAGIC = b"LPF1"
_LOCK_TIMEOUT = 300.0
# The largest entry read back (a big project's judgement is tens of MB): anything larger, and
# anything that is not a regular file (a FIFO, a link to /dev/zero), is a miss, never read.
MAX_ENTRY = 256 * 1024 * 1024
# The largest policy or catalog file hashed for the key; a larger one is loaded (and refused) afresh.
_MAX_INPUT = 16 * 1024 * 1024
# A file modified less than this long ago is not put in the stat index: a second write inside
# the same timestamp tick would leave its stat unchanged (git's "racily clean" problem).
_RACY_NS = 2_000_000_000
STATS_ENV = "LINT_PRIVACY_STATS"

_PACKAGE = Path(__file__).resolve().parent


def _package_files(root: Path = _PACKAGE) -> list[tuple[str, int, int]]:
    """(path, size, mtime) of every file of the package: its modules and its data (the shipped
    catalog's YAML, the policy schema, the law files, the templates), bytecode left out."""
    found = []
    folders = [root]
    while folders:
        with os.scandir(folders.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != "__pycache__":
                        folders.append(Path(entry.path))
                elif not entry.name.endswith((".pyc", ".pyo")):
                    try:
                        st = entry.stat()
                    except OSError:
                        continue
                    found.append((Path(entry.path).relative_to(root).as_posix(), st.st_size, st.st_mtime_ns))
    return sorted(found)


# What each cached value is computed by. The pipeline runs one way (tests/test_pipeline_direction.py:
# a stage never imports a later one), so a value is computed by the package less the stages after
# it: the facts by extract/ and the modules every stage shares but the policy and the catalog (facts
# are policy- and catalog-free), the policy and the catalog by the shared modules, a judgement by
# the whole package. A module added anywhere else is stamped by default; tests/test_cache.py fails
# when a module a cached value imports (at any depth) is left out.
_LATER_STAGES = ("lineage/", "checks/", "outputs/")
FACTS_LEAVE_OUT = (*_LATER_STAGES, "catalog/", "policy/")
SETUP_LEAVE_OUT = ("extract/", *_LATER_STAGES)


_FILES = _package_files()  # one walk per process


def code_stamp(leave_out: tuple[str, ...] = (), files: list[tuple[str, int, int]] = _FILES) -> str:
    """Size and mtime of the package's files (``files``) but those under the folders ``leave_out``,
    so that a changed checkout (or an editable install being worked on) never reads values the old
    code or data computed."""
    return ",".join(f"{path}:{size}:{mtime}" for path, size, mtime in files if not path.startswith(leave_out))


_PY = f"{sys.version_info[0]}.{sys.version_info[1]}"
_SALT = f"{__version__}|{_PY}|{code_stamp(FACTS_LEAVE_OUT)}".encode()


def stats_wanted() -> bool:
    return os.environ.get(STATS_ENV, "").strip().lower() in ("1", "true", "yes")


@dataclass
class Stats:
    """What one run's cache did: ``hits`` served from the cache (``index_hits`` of them without
    reading the source), ``misses`` extracted by this process or its pool, ``unpickled`` facts
    unpickled here, from disk or from a pool worker (0 when the findings came from the results
    cache, or were judged in a child process)."""

    files: int = 0
    hits: int = 0
    index_hits: int = 0
    misses: int = 0
    unpickled: int = 0
    failed: int = 0
    workers: int = 0
    load_ms: int = 0  # wall time of loading every file's facts

    def line(self) -> str:
        return (f"lint-privacy stats: pid={os.getpid()} files={self.files} hits={self.hits} "
                f"index_hits={self.index_hits} misses={self.misses} unpickled={self.unpickled} failed={self.failed} "
                f"workers={self.workers} load_ms={self.load_ms}\n")


def _seal(payload: bytes) -> bytes:
    return _MAGIC + hashlib.sha256(payload).digest() + payload


def _unseal(data: bytes) -> memoryview | None:
    """The payload of a sealed entry, or None if it is torn or corrupt (a view: a judgement's
    results are megabytes, not worth copying twice)."""
    payload = memoryview(data)[36:]
    if len(data) < 36 or data[:4] != _MAGIC or hashlib.sha256(payload).digest() != data[4:36]:
        return None
    return payload


def _write_atomic(target: Path, data: bytes) -> None:
    """temp file + rename; a read-only or full disk costs speed, not correctness."""
    tmp = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, target)
    except OSError:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _read_entry(entry: Path) -> bytes:
    """An entry's bytes: a regular file, not a link, of at most MAX_ENTRY bytes, else OSError."""
    return read_regular(entry, MAX_ENTRY, follow_links=False)


def _read_sealed(entry: Path) -> object:
    """The value pickled and sealed in ``entry``, or None when it is missing, torn or corrupt."""
    try:
        payload = _unseal(_read_entry(entry))
        return pickle.loads(payload) if payload is not None else None
    except Exception:  # missing, or corrupt in any shape: rebuilt, never trusted
        return None


def _write_sealed(entry: Path, value: object) -> None:
    """``value`` pickled, sealed and written whole to ``entry``; a value that cannot be pickled
    is not kept (it is computed again next time, never read wrong)."""
    try:
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:
        return
    _write_atomic(entry, _seal(payload))


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic collection while many long-lived objects are built (unpickling 1,000 files'
    facts is ~4x faster); they are then frozen, so later collections do not walk them again."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.freeze()
            gc.enable()


StatKey = tuple[int, int, int, int, int]


def stat_key(st: os.stat_result) -> StatKey:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


class FactsCache:
    """Facts by content, on disk; ``directory`` None: in memory only (``--no-cache``)."""

    def __init__(self, directory: Path | None, root: Path | None = None) -> None:
        self.directory = directory
        self.memory: dict[str, FileFacts] = {}  # the store itself when there is no directory
        self.stats = Stats()
        self._index: dict[str, tuple[StatKey, str]] | None = None
        self._index_dirty = False
        self._index_file: Path | None = None
        self._claims: _Claims | None = None
        if directory is not None:
            h = hashlib.sha256(_SALT + b"|" + str(root or "").encode("utf-8", "surrogatepass")).hexdigest()
            self._index_file = directory / f"index-{h[:24]}.pkl"

    @property
    def hits(self) -> int:
        return self.stats.hits

    @property
    def misses(self) -> int:
        return self.stats.misses

    @classmethod
    def for_config(cls, config: Config) -> FactsCache:
        return cls(None if config.no_cache else config.cache_path() / "facts", config.root)

    @staticmethod
    def key(path: str, source: str) -> str:
        h = hashlib.sha256(_SALT)
        h.update(path.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
        h.update(source.encode("utf-8", "surrogatepass"))
        return h.hexdigest()

    # ------------------------------------------------------------------ entries
    def lookup(self, path: str, key: str) -> FileFacts | None:
        """The facts stored under ``key`` (counted as a hit), or None."""
        facts = self.fetch(path, key)
        if facts is not None:
            self.stats.hits += 1
        return facts

    def fetch(self, path: str, key: str) -> FileFacts | None:
        """The facts stored under ``key``, or None (not counted: the caller counted it already)."""
        return self.memory.get(key) if self.directory is None else self._read(key, path)

    def store(self, key: str, facts: FileFacts) -> bytes:
        """Remember freshly extracted facts (counted as a miss); returns the pickled payload."""
        self.stats.misses += 1
        payload = pickle.dumps(facts, protocol=pickle.HIGHEST_PROTOCOL)
        if self.directory is None:
            self.memory[key] = facts
        else:
            _write_atomic(self._file(key), _seal(payload))
        return payload

    def adopt(self, path: str, key: str, payload: bytes) -> FileFacts | None:
        """Facts another process extracted and stored (a pool worker's payload)."""
        try:
            facts = self._facts_of(pickle.loads(payload), path)
        except Exception:
            return None
        if facts is not None and self.directory is None:
            self.memory[key] = facts
        return facts

    def _file(self, key: str) -> Path:
        assert self.directory is not None
        return self.directory / key[:2] / f"{key}.pkl"

    def _read(self, key: str, path: str) -> FileFacts | None:
        return self._facts_of(_read_sealed(self._file(key)), path) if self.directory is not None else None

    def _facts_of(self, value: object, path: str) -> FileFacts | None:
        """``value`` when it is the facts of ``path`` (counted as unpickled), else None."""
        from .facts import FileFacts

        if not isinstance(value, FileFacts) or value.path != path:
            return None
        self.stats.unpickled += 1
        return value

    # ------------------------------------------------------------------ stat index
    def _load_index(self) -> dict[str, tuple[StatKey, str]]:
        if self._index is None:
            self._index = {}
            if self._index_file is not None:
                loaded = _read_sealed(self._index_file)  # unreadable or corrupt: start afresh
                if isinstance(loaded, dict):
                    self._index = loaded
        return self._index

    def key_by_stat(self, path: str, st: os.stat_result) -> str | None:
        """The content key recorded for ``path`` if its stat has not changed since, else None."""
        if self.directory is None:
            return None
        entry = self._load_index().get(path)
        if entry is None or not isinstance(entry, tuple) or len(entry) != 2:
            return None
        recorded, key = entry
        return key if recorded == stat_key(st) and isinstance(key, str) else None

    def note_stat(self, path: str, sk: StatKey | None, key: str) -> None:
        """Record ``path``'s stat key (taken before it was read) and content key, if it is not racy."""
        if self.directory is None or sk is None:
            return
        if time.time_ns() - sk[3] < _RACY_NS:
            return
        index = self._load_index()
        if index.get(path) != (sk, key):
            index[path] = (sk, key)
            self._index_dirty = True

    def save_index(self, keep: set[str] | None = None) -> None:
        """Write the stat index (only the paths in ``keep``, when given)."""
        if self._index is None or self._index_file is None:
            return
        if keep is not None:
            for path in [p for p in self._index if p not in keep]:
                del self._index[path]
                self._index_dirty = True
        if self._index_dirty:
            _write_sealed(self._index_file, self._index)
            self._index_dirty = False

    # ------------------------------------------------------------------ concurrency
    @contextlib.contextmanager
    def claim(self, key: str, blocking: bool) -> Iterator[bool]:
        """Hold the right to extract the file of ``key``: yields False when another process holds
        it (non-blocking) — the caller comes back later. When no lock can be had at all (read-only
        cache, no lock support) it yields True: extracting twice is slower, never wrong."""
        if self.directory is None:
            yield True
            return
        if self._claims is None:
            self._claims = _Claims(self.directory / "claims.lock")
        held = self._claims.acquire(key, blocking)
        try:
            yield held is not False
        finally:
            if held:
                self._claims.release(key)


class _Claims:
    """Claims as POSIX byte-range locks on one file, one byte per key (at an offset taken from
    the key): one open per process and one ``fcntl`` call per claim, where a lock file per entry
    cost ~1.7 ms each (filelock) on the build machine. The kernel drops a dead process's locks, so
    no claim outlives its holder. Where record locks are missing (Windows), a ``filelock`` per key.

    ``acquire`` answers True (held), False (another process holds it) or None (no lock to be had)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None
        self._pid = -1
        self._fallback: dict[str, Any] = {}

    def acquire(self, key: str, blocking: bool) -> bool | None:
        try:
            import fcntl
        except ImportError:
            return self._acquire_filelock(key, blocking)
        try:
            fd = self._open()
        except OSError:
            return None
        deadline = time.monotonic() + _LOCK_TIMEOUT
        while True:
            try:
                fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, _offset(key))
                return True
            except (BlockingIOError, PermissionError):  # held by another process
                if not blocking:
                    return False
                if time.monotonic() > deadline:
                    return None
                time.sleep(0.005)
            except OSError:
                return None

    def release(self, key: str) -> None:
        lock = self._fallback.pop(key, None)
        if lock is not None:
            with contextlib.suppress(OSError):
                lock.release()
            return
        import fcntl

        with contextlib.suppress(OSError):
            fcntl.lockf(self._open(), fcntl.LOCK_UN, 1, _offset(key))

    def _open(self) -> int:
        # Record locks belong to a process and are not inherited by a fork: each process opens its own.
        if self._fd is None or self._pid != os.getpid():
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fd, self._pid = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666), os.getpid()
        return self._fd

    def _acquire_filelock(self, key: str, blocking: bool) -> bool | None:
        from filelock import FileLock, Timeout

        lock = FileLock(str(self.path.parent / key[:2] / f"{key}.lock"), timeout=_LOCK_TIMEOUT if blocking else 0)
        try:
            Path(lock.lock_file).parent.mkdir(parents=True, exist_ok=True)
            lock.acquire()
        except Timeout:
            return None if blocking else False
        except OSError:
            return None
        self._fallback[key] = lock
        return True


def _offset(key: str) -> int:
    return int(key[:15], 16)  # 60 bits of the (hex sha256) key: collisions only make a process wait


# ---------------------------------------------------------------------- policy and catalog
_LOADED_SALT = f"{__version__}|{_PY}|{code_stamp(SETUP_LEAVE_OUT)}".encode()


class Loaded(Generic[T]):
    """``load()``, or its pickle from ``cache_dir`` keyed by the ``inputs``' paths and bytes, the
    tool version and the code that loads them (the package's shared modules, :data:`SETUP_LEAVE_OUT`).

    The inputs are read and the pickle is found (and its checksum verified) when this is made;
    it is unpickled, and its classes imported, only when :meth:`get` is first called: a warm run
    answered from the results cache needs neither the policy nor the catalog. ``cached`` says
    whether a pickle was found. A load that raises (a policy with problems) is never cached:
    loading again reports them again. ``kind`` returns the class the value must be."""

    def __init__(self, cache_dir: Path | None, inputs: Iterable[str | os.PathLike[str]],
                 load: Callable[[], T], kind: Callable[[], type[T]]) -> None:
        self._load, self._kind = load, kind
        self._entry: Path | None = None
        self._payload: memoryview | None = None
        self._value: T | None = None
        if cache_dir is None:
            return
        h = hashlib.sha256(_LOADED_SALT)
        for path in inputs:
            try:
                raw = read_regular(path, _MAX_INPUT)
            except OSError:
                return  # loading says what is wrong with the path
            h.update(b"\0" + os.fspath(path).encode("utf-8", "surrogatepass") + b"\0" + hashlib.sha256(raw).digest())
        self._entry = cache_dir / f"{h.hexdigest()}.pkl"
        with contextlib.suppress(OSError):
            self._payload = _unseal(_read_entry(self._entry))

    @property
    def cached(self) -> bool:
        return self._payload is not None

    def get(self) -> T:
        if self._value is None:
            self._value = self._unpickled() or self._loaded()
        return self._value

    def _unpickled(self) -> T | None:
        try:
            value = pickle.loads(self._payload) if self._payload is not None else None
        except Exception:  # written by other code: load it afresh
            return None
        return value if isinstance(value, self._kind()) else None

    def _loaded(self) -> T:
        value = self._load()
        if self._entry is not None:
            _write_sealed(self._entry, value)
        return value


# ---------------------------------------------------------------------- whole-project results
# Findings change with the judging code, the policy, the catalog and the configuration, and with
# any file's facts: all of them are in the key. flake8's workers each need the whole project's
# findings; the first computes them, the others wait for it and read them.
_RESULT_SALT = f"{__version__}|{_PY}|{code_stamp()}".encode()


def result_key(config: Config, keys: Mapping[str, str], failed: Iterable[Any]) -> str:
    """``keys``: every analysed file's content key (:meth:`FactsCache.key`), by path."""
    h = hashlib.sha256(_RESULT_SALT)
    h.update(config.fingerprint().encode("utf-8", "surrogatepass"))
    for p in (config.policy, *config.catalog):
        digest = b"missing"
        if p is not None:
            with contextlib.suppress(OSError):
                digest = hashlib.sha256(read_regular(p, _MAX_INPUT)).digest()
        h.update(b"\0" + digest)
    for path in sorted(keys):
        h.update(f"\0{path}\0{keys[path]}".encode("utf-8", "surrogatepass"))
    for f in failed:
        h.update(f"\0!{f.path}\0{f.message}".encode("utf-8", "surrogatepass"))
    return h.hexdigest()


_RESULTS_KEPT = 16


class ResultCache:
    """Findings of a whole project by :func:`result_key`. ``directory`` None: nothing kept."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory

    @classmethod
    def for_config(cls, config: Config) -> ResultCache:
        return cls(None if config.no_cache else config.cache_path() / "results")

    def get_or_compute(self, key: str, compute: Callable[[], tuple[T, bool]], kind: type[T]) -> T:
        """The value stored under ``key``, else ``compute()``'s value, stored when it says so
        (False: it was computed from files that changed during the run)."""
        if self.directory is None:
            return compute()[0]
        cached = self.get(key, kind)
        if cached is not None:
            return cached
        from filelock import FileLock, Timeout

        entry = self.directory / f"{key}.pkl"
        lock = FileLock(str(self.directory / f"{key}.lock"), timeout=_LOCK_TIMEOUT)
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            lock.acquire()
        except (OSError, Timeout):
            return compute()[0]  # no lock to be had: correct, only slower
        try:
            cached = self.get(key, kind)  # computed by another process while we waited for the lock
            if cached is not None:
                return cached
            value, keep = compute()
            if keep:
                _write_sealed(entry, value)
                self._prune(keep=entry)
            return value
        finally:
            with contextlib.suppress(OSError):
                lock.release()

    def note_latest(self, keys: Mapping[str, str], failed: list[Any]) -> None:
        """Remember the files' keys (and the files that failed) of the whole-project judgement
        just made: see :meth:`latest`."""
        if self.directory is not None:
            _write_sealed(self.directory / "latest", (dict(keys), list(failed)))

    def latest(self) -> tuple[dict[str, str], list[Any]] | None:
        """(keys, failed) of the last whole-project judgement made with this cache, or None: an
        editor's file, just saved, is judged on top of it (engine.recent_result)."""
        if self.directory is None:
            return None
        value = _read_sealed(self.directory / "latest")  # not *.pkl: never pruned
        if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], dict) and isinstance(value[1], list):
            return value
        return None

    def get(self, key: str, kind: type[T]) -> T | None:
        """The value stored under ``key``, or None. Entries are written whole (temp file and
        rename): no lock is needed to read one."""
        if self.directory is None:
            return None
        cached = _read_sealed(self.directory / f"{key}.pkl")
        return cached if isinstance(cached, kind) else None

    def _prune(self, keep: Path) -> None:
        """Only the newest results are worth keeping: older ones describe code that has changed."""
        assert self.directory is not None
        with contextlib.suppress(OSError):
            entries = sorted(self.directory.glob("*.pkl"), key=lambda p: p.stat().st_mtime_ns, reverse=True)
            for old in entries[_RESULTS_KEPT:]:
                if old != keep:
                    old.unlink(missing_ok=True)
                    old.with_suffix(".lock").unlink(missing_ok=True)
