"""The pipeline: project files -> per-file facts (cached) -> symbols and lineage -> findings.

The flake8 plugin and the CLI both call :func:`analyse`; neither judges anything itself.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import io
import multiprocessing
import os
import pickle
import re
import sys
import time
import tokenize
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .cache import FactsCache, Loaded, ResultCache, StatKey, gc_paused, result_key, stat_key, stats_wanted
from .config import DEFAULT_MAX_FILE_SIZE, Config
from .errors import Refused, SourceError, internal_error, not_analysed
from .findings import Finding, shown_path as _shown
from .project import project_files
from .reading import read_regular

if TYPE_CHECKING:  # the checks (every family, the lineage), facts, policy and catalog only when needed
    from .catalog import Catalog
    from .checks import Context
    from .facts import FileFacts
    from .lineage.scope import Outline
    from .policy.model import Policy

Progress = Callable[[int, int], None]


@dataclass
class Project:
    """Every analysed file's content key, and its facts, loaded only when a judgement needs them:
    a warm run whose findings are in the results cache never unpickles a file's facts."""

    config: Config
    keys: dict[str, str]  # path -> content key (FactsCache.key), every file that could be analysed
    failed: list[Finding]  # PRV002 of the files that could not
    store: FactsCache
    loaded: dict[str, FileFacts] = field(default_factory=dict)
    changed: bool = False  # a file changed on disk between its stat and its load: do not keep results

    def facts(self, only: Collection[str] | None = None) -> dict[str, FileFacts]:
        """Every analysed file's facts (``only``: those of these paths), in path order (those
        known only by key are read now)."""
        wanted = self.keys if only is None else [p for p in self.keys if p in only]
        missing = [p for p in wanted if p not in self.loaded]
        if missing:
            with gc_paused():
                for path in missing:
                    facts = self.store.fetch(path, self.keys[path])  # counted as a hit when keyed
                    if facts is None:  # the entry went missing or is corrupt: extract again
                        facts = self._reload(path)
                    if facts is not None:
                        self.loaded[path] = facts
        return {p: self.loaded[p] for p in wanted if p in self.loaded}

    def _reload(self, path: str) -> FileFacts | None:
        got = _attempt(self.store, self.config, _Job(path), blocking=True)
        if got is None or got.facts is None or got.key != self.keys[path]:
            self.changed = True  # judged as it is now, but the results cache must not keep it
        return got.facts if got is not None else None

    def report_stats(self) -> None:
        """``LINT_PRIVACY_STATS=1``: what the cache did in this process, on stderr."""
        if stats_wanted():
            sys.stderr.write(self.store.stats.line())


@dataclass
class Judgement:
    """What the results cache keeps for a project: each file's findings, pickled apart so that
    one file's are read without the others' (an editor asks for one file), every noqa comment,
    and the outline of how the files depend on each other (read only to judge an edited buffer)."""

    pickled: dict[str, bytes]  # path -> its findings, pickled; in the findings' order
    noqa: list[tuple[str, int, str]]  # (path, line, comment)
    pickled_outline: bytes | None = None  # lineage.scope.Outline; None when not recorded (graph, report)

    @classmethod
    def of(cls, findings: list[Finding], noqa: list[tuple[str, int, str]], outline: Outline | None = None) -> Judgement:
        by_path: dict[str, list[Finding]] = {}
        for f in findings:
            by_path.setdefault(f.path, []).append(f)
        return cls({p: pickle.dumps(fs, protocol=pickle.HIGHEST_PROTOCOL) for p, fs in by_path.items()}, noqa,
                   pickle.dumps(outline, protocol=pickle.HIGHEST_PROTOCOL) if outline is not None else None)

    def outline(self) -> Outline | None:
        return pickle.loads(self.pickled_outline) if self.pickled_outline is not None else None

    def for_path(self, path: str) -> list[Finding]:
        data = self.pickled.get(path)
        return pickle.loads(data) if data is not None else []

    def findings(self) -> list[Finding]:
        return [f for path in self.pickled for f in self.for_path(path)]


@dataclass
class Result:
    """A judged run. ``not_analysed`` (PRV002) holds the production files that could not be
    analysed; a test or example file that could not be (a fixture broken on purpose) changes no
    production finding, so it is no finding unless that code is judged (Config.is_test):
    ``tests_not_analysed`` names it, for the run's notes."""

    judged: Judgement
    not_analysed: list[Finding]
    project: Project
    context: Context | None = None
    tests_not_analysed: list[Finding] = field(init=False)

    def __post_init__(self) -> None:
        failed, is_test = self.not_analysed, self.project.config.is_test
        self.not_analysed = [f for f in failed if not is_test(f.path)]
        self.tests_not_analysed = [f for f in failed if is_test(f.path)]

    @functools.cached_property
    def findings(self) -> list[Finding]:
        """Every finding, the files not analysed (PRV002) last."""
        return self.judged.findings() + self.not_analysed

    @property
    def noqa(self) -> list[tuple[str, int, str]]:
        return self.judged.noqa

    @property
    def files(self) -> dict[str, FileFacts]:
        return self.project.facts()

    def for_path(self, path: str) -> list[Finding]:
        return self.judged.for_path(path) + [f for f in self.not_analysed if f.path == path]


@dataclass
class Setup:
    """A run's configuration, policy and catalog (``session.load_setup`` makes it). The policy and
    the catalog come from their cached pickles, unpickled when first used: a warm run answered
    from the results cache never reads them nor imports their classes (~40 ms of an editor's run)."""

    config: Config
    _policy: Loaded[Policy]
    _catalog: Loaded[Catalog]

    @property
    def policy(self) -> Policy:
        return self._policy.get()

    @property
    def catalog(self) -> Catalog:
        return self._catalog.get()


def read_source(path: Path, limit: int = DEFAULT_MAX_FILE_SIZE, root: Path | None = None) -> str:
    """Decode a Python file as Python does (PEP 263 coding line, UTF-8 BOM). Only a regular file
    of at most ``limit`` bytes is read; with ``root``, a symbolic link must lead inside it."""
    try:
        if root is not None and path.is_symlink():
            target = Path(os.path.realpath(path))  # a loop stays where it is: reading it says so
            if target != root and root not in target.parents:
                raise SourceError(f"it is a symbolic link out of the project, so it is not read; it leads to "
                                  f"{_shown(str(target))}")
        raw = read_regular(path, limit)
    except FileNotFoundError:
        if path.is_symlink():
            raise SourceError("it is a symbolic link to a file that does not exist") from None
        raise SourceError("the file disappeared during the run") from None
    except Refused as e:
        hint = "; raise [tool.lint-privacy] max-file-size if it is code to judge" if e.too_large else ""
        raise SourceError(f"{e}, so it is not read{hint}") from None
    except OSError as e:
        raise SourceError(f"it cannot be read ({e.strerror or e})") from None
    return decode_source(raw)


def decode_source(raw: bytes) -> str:
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
        text = raw.decode(encoding)
    except (SyntaxError, LookupError) as e:
        raise SourceError(f"its encoding cannot be read ({e})") from None
    except UnicodeDecodeError as e:
        line = raw.count(b"\n", 0, e.start) + 1
        raise SourceError(f"byte {e.start} (line {line}) is not valid {e.encoding}; save the file as UTF-8") from None
    return universal_newlines(text[1:] if text.startswith("\ufeff") else text)


def universal_newlines(text: str) -> str:
    """Python (and flake8) read source with universal newlines: the same text, the same hash."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def check_coding(source: str) -> None:
    """SourceError when the text's PEP 263 coding line names an encoding Python does not know
    (``# coding: bogus``): Python refuses to run such a file, so it is not analysed, whichever door
    the text came through (flake8 reads it as latin-1 and hands it over)."""
    end = source.find("\n", source.find("\n") + 1)  # the first two lines: where PEP 263 looks
    head = source[:end + 1] if end != -1 else source + "\n"
    if "coding" not in head:
        return
    try:
        tokenize.detect_encoding(io.BytesIO(head.encode("utf-8", "surrogatepass")).readline)
    except (SyntaxError, LookupError) as e:
        raise SourceError(f"its encoding cannot be read ({e})") from None


# Syntax of a newer Python than some that run lint-privacy, by the version that brought it: a file
# holding it is not broken, it is written for a newer interpreter (PEP 695 type parameters and
# aliases; PEP 696 defaults of type parameters; PEP 758 except without parentheses).
_NEWER_SYNTAX = (
    ((3, 12), re.compile(r"\s*(?:type\s+\w+\s*(?:\[.*\])?\s*=|(?:async\s+)?def\s+\w+\s*\[|class\s+\w+\s*\[)"),
     "type parameters or a type alias"),
    ((3, 13), re.compile(r"\s*(?:type|(?:async\s+)?def|class)\s+\w+\s*\[[^\]]*=\s*[^\]=]"),
     "a default of a type parameter"),
    ((3, 14), re.compile(r"\s*except\*?\s+[\w.]+\s*,[^:]+:"), "an except clause without parentheses"),
)


def newer_syntax(source: str, lineno: int | None) -> str:
    """What to add to a syntax error at ``lineno`` when that line looks like the syntax of a Python
    newer than the running one: which, and to run lint-privacy with it ("" otherwise)."""
    lines = source.splitlines()
    if not lineno or lineno > len(lines):
        return ""
    running = sys.version_info[:2]
    for version, pattern, what in _NEWER_SYNTAX:
        if running < version and pattern.match(lines[lineno - 1]):
            return (f"; the line looks like Python {version[0]}.{version[1]} syntax ({what}), which Python "
                    f"{running[0]}.{running[1]}, running lint-privacy, cannot parse: if the project runs on "
                    f"Python {version[0]}.{version[1]} or later, run lint-privacy with it")
    return ""


def facts_of(path: str, source: str, tree: ast.Module | None = None) -> FileFacts:
    """Extract one file, turning every failure into a SourceError that says what went wrong."""
    from .extract import extract  # not needed by a run that finds every file in the cache

    check_coding(source)
    try:
        return extract(path, source, tree)
    except (SyntaxError, ValueError) as e:  # ValueError: null bytes and the like
        if "\0" in source:  # Python's own message has no line for it
            line = source.count("\n", 0, source.index("\0")) + 1
            raise SourceError(f"line {line} holds a NUL byte, which Python does not accept in source") from None
        if isinstance(e, SyntaxError):
            where = f"syntax error at line {e.lineno}: {e.msg}" if e.lineno else f"syntax error: {e.msg}"
            raise SourceError(where + newer_syntax(source, e.lineno)) from None
        raise SourceError(str(e)) from None
    except (RecursionError, MemoryError):
        raise SourceError("it is nested too deeply for Python's parser") from None
    except Exception as e:  # a bug of ours: this file is reported (PRV002), the others still analysed
        raise SourceError(internal_error(e)) from None


def load_project(config: Config, progress: Progress | None = None, lazy: bool = False) -> Project:
    """Every project file's content key and facts.

    Files the cache knows are not read at all (stat index; with ``lazy`` their facts are not even
    unpickled until :meth:`Project.facts`) or only hashed; the others are extracted in a process
    pool when there are many (the same facts as one by one), each under a claim, so that
    concurrent runs (flake8 workers) extract each file once.
    ``LINT_PRIVACY_STATS=1`` prints what the cache did to stderr.
    """
    started = time.perf_counter()
    store = FactsCache.for_config(config)
    paths = project_files(config)
    keys: dict[str, str] = {}
    found: dict[str, FileFacts] = {}
    errors: dict[str, str] = {}
    done = 0

    def finished(path: str, key: str, facts: FileFacts | None, error: str | None) -> None:
        nonlocal done
        if error is None:
            keys[path] = key
            if facts is not None:
                found[path] = facts
        else:
            errors[path] = error
        done += 1
        if progress is not None:
            progress(done, len(paths))

    with gc_paused():
        todo: list[_Job] = []
        for path in paths:
            job = _Job(path)
            key = _known_key(store, config.root, job)
            if key is not None and lazy:  # its facts are read only if a judgement needs them
                store.stats.hits += 1
                store.stats.index_hits += 1
                finished(path, key, None, None)
                continue
            if key is not None and (facts := store.lookup(path, key)) is not None:
                store.stats.index_hits += 1
                finished(path, key, facts, None)
                continue
            todo.append(job)
        pooled = _parallel_jobs(len(todo)) > 1
        for path, got in _extract_in_pool(store, config, todo) if pooled else _extract_all(store, config, todo):
            finished(path, got.key, got.facts, got.error)
        store.save_index(keep=set(paths))
    store.stats.files = len(paths)
    store.stats.failed = len(errors)
    store.stats.load_ms = round((time.perf_counter() - started) * 1000)
    return Project(
        config=config,
        keys={p: keys[p] for p in paths if p in keys},
        failed=[not_analysed(path, errors[path]) for path in paths if path in errors],
        store=store,
        loaded=found,
    )


def indexed_project(config: Config, unknown: str | None = None) -> Project | None:
    """The project's files and content keys when the stat index knows every one of them (no file
    is read, no facts loaded); None when any file is new, changed or not analysable.
    ``unknown``: a file that may be new or changed all the same (an editor's file, just saved),
    left out of the keys."""
    store = FactsCache.for_config(config)
    if store.directory is None:
        return None
    keys: dict[str, str] = {}
    root = str(config.root)  # no pathlib object per file: the editor stats every file of the project
    for path in project_files(config):
        if path == unknown:
            continue
        try:
            key = store.key_by_stat(path, os.stat(os.path.join(root, path)))
        except OSError:
            return None
        if key is None:
            return None
        keys[path] = key
    store.stats.files = store.stats.hits = store.stats.index_hits = len(keys)
    return Project(config, keys, [], store)


def recent_result(setup: Setup, path: str) -> Result | None:
    """The last whole-project judgement made with this cache, when every file but ``path`` is as
    it was then (by the stat index) and the policy, catalog, configuration and code are too (its
    results key): the editor's file, just saved, is judged on top of it with the files that can
    change its findings (session.Session), instead of the whole project again. None otherwise."""
    config = setup.config
    cache = ResultCache.for_config(config)
    latest = cache.latest()
    known = indexed_project(config, unknown=path) if latest is not None else None
    if latest is None or known is None:
        return None
    keys, failed = latest
    if any(f.path != path for f in failed) or {p: k for p, k in keys.items() if p != path} != known.keys:
        return None
    judged = cache.get(result_key(config, keys, failed), Judgement)
    if judged is None:
        return None
    known.report_stats()
    return Result(judged, failed, Project(config, keys, failed, known.store))


# Fewer files than this to extract: a pool costs more than it saves.
_PARALLEL_MIN_FILES = 48
JOBS_ENV = "LINT_PRIVACY_JOBS"


@dataclass
class _Job:
    path: str
    source: str | None = None  # None: not read yet
    stat: StatKey | None = None


def _known_key(store: FactsCache, root: Path, job: _Job) -> str | None:
    """The content key of an unchanged file, found by its stat alone, or None (``job`` then
    remembers the stat, taken before any read, for the index)."""
    if store.directory is None:
        return None
    try:
        st = os.stat(root / job.path)
    except OSError:
        return None  # reading it will say why
    job.stat = stat_key(st)
    return store.key_by_stat(job.path, st)


@dataclass
class _Got:
    facts: FileFacts | None = None
    payload: bytes | None = None  # the pickled facts, when extracted here
    error: str | None = None
    key: str = ""
    hit: bool = False


def _attempt(store: FactsCache, config: Config, job: _Job, blocking: bool) -> _Got | None:
    """Facts of one file, from the cache or extracted here, or an error message; None when
    another process is extracting it right now (``blocking`` False)."""
    try:
        if job.source is None:
            if job.stat is None and store.directory is not None:
                with contextlib.suppress(OSError):
                    job.stat = stat_key(os.stat(config.root / job.path))
            job.source = read_source(config.root / job.path, config.max_file_size, config.root)
    except SourceError as e:
        return _Got(error=str(e))
    key = store.key(job.path, job.source)
    facts = store.lookup(job.path, key)
    if facts is None:
        with store.claim(key, blocking) as mine:
            if not mine:
                return None
            facts = store.lookup(job.path, key)  # written while we waited for the claim
            if facts is None:
                try:
                    facts = facts_of(job.path, job.source)
                except SourceError as e:
                    return _Got(error=str(e), key=key)
                payload = store.store(key, facts)
                store.note_stat(job.path, job.stat, key)
                return _Got(facts, payload, key=key)
    store.note_stat(job.path, job.stat, key)
    return _Got(facts, key=key, hit=True)


def _extract_all(store: FactsCache, config: Config, jobs: list[_Job]) -> Iterator[tuple[str, _Got]]:
    """Facts of each job in this process: files another process is busy with are left for last."""
    later: list[_Job] = []
    for job in jobs:
        got = _attempt(store, config, job, blocking=False)
        if got is None:
            later.append(job)
            continue
        yield job.path, got
    for job in later:
        yield job.path, _attempt(store, config, job, blocking=True) or _Got(error="it could not be analysed")


def _parallel_jobs(count: int) -> int:
    """How many processes to extract ``count`` files with (1: in this process)."""
    wanted = os.environ.get(JOBS_ENV, "").strip()
    try:
        jobs = int(wanted) if wanted else len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    except ValueError:
        jobs = 1
    if count < _PARALLEL_MIN_FILES or jobs < 2 or multiprocessing.current_process().daemon:
        return 1  # a flake8 worker (daemonic) cannot have children: it shares work by claims instead
    return min(jobs, count // 8 or 1)


def _extract_in_pool(store: FactsCache, config: Config, jobs: list[_Job]) -> Iterator[tuple[str, _Got]]:
    """Extract in a process pool; whatever the pool could not do is done here, one by one."""
    count = _parallel_jobs(len(jobs))
    size = max(4, min(32, len(jobs) // (count * 8) or 1))
    batches = [[(j.path, j.stat) for j in jobs[i:i + size]] for i in range(0, len(jobs), size)]
    directory = str(store.directory) if store.directory is not None else None
    left = {job.path: job for job in jobs}
    try:
        with multiprocessing.get_context().Pool(count) as pool:
            for batch in pool.imap_unordered(_pool_batch, [(config, directory, b) for b in batches]):
                for path, stat, got in batch:
                    left.pop(path)
                    if got.error is None and not got.hit:  # extracted by the pool
                        store.stats.misses += 1
                        payload = got.payload  # set by the worker that extracted it
                        got.facts = store.adopt(path, got.key, payload) if payload is not None else None
                        got.error = None if got.facts is not None else "it could not be analysed"
                    elif got.hit:
                        store.stats.hits += 1
                    if got.error is None:
                        store.note_stat(path, stat, got.key)
                    got.payload = None
                    yield path, got
        store.stats.workers = count
    except Exception:  # no pool here (no /dev/shm, a sandbox) or a worker died: carry on alone
        pass
    yield from _extract_all(store, config, list(left.values()))


def _pool_batch(
    args: tuple[Config, str | None, list[tuple[str, StatKey | None]]],
) -> list[tuple[str, StatKey | None, _Got]]:
    """In a pool worker: each file's stat and what :func:`_attempt` got (payload, not facts,
    when extracted: the parent unpickles it once)."""
    config, directory, batch = args
    store = FactsCache(Path(directory) if directory else None)
    out = []
    for path, stat in batch:
        job = _Job(path, stat=stat)
        got = _attempt(store, config, job, blocking=True) or _Got(error="it could not be analysed")
        if got.payload is not None:
            got.facts = None
        out.append((path, job.stat, got))
    return out


def judge(config: Config, policy: Policy, catalog: Catalog, files: dict[str, FileFacts],
          focus: frozenset[str] | None = None) -> tuple[list[Finding], Context]:
    """Findings for a set of facts: symbols and lineage joined, every check run; with ``focus``,
    only the findings in those files (the others may be missing)."""
    from .checks import Context, run_checks
    from .lineage.symbols import Symbols

    with gc_paused():  # the graph is many small long-lived objects: cyclic collection only slows it
        ctx = Context(config=config, policy=policy, catalog=catalog, symbols=Symbols(files.values(), config), files=files,
                      focus=focus)
        return run_checks(ctx), ctx


def judge_scoped(setup: Setup, base: Result, buffers: Mapping[str, FileFacts], targets: Collection[str],
                 gone: Collection[str] = ()) -> dict[str, list[Finding]]:
    """The findings of each of ``targets``, judged with ``buffers`` in place of their files and
    without the files ``gone``, with only the files those findings depend on (every file when
    the judgement has no outline, or a target is new to it). Not yet filtered by noqa."""
    from .lineage.scope import scope, with_buffers

    config = setup.config
    outline = base.judged.outline()
    wanted = None
    if outline is not None and all(t in outline.imports for t in targets):
        wanted = scope(with_buffers(outline, config, buffers.values()), set(targets))
    files = base.project.facts(wanted - buffers.keys() if wanted is not None else None)
    files.update((p, f) for p, f in buffers.items() if wanted is None or p in wanted)
    for path in gone:
        files.pop(path, None)
    findings, _ = judge(config, setup.policy, setup.catalog, dict(sorted(files.items())), focus=frozenset(targets))
    found: dict[str, list[Finding]] = {t: [] for t in targets}
    for f in findings:
        if f.path in found:
            found[f.path].append(f)
    return found


def analyse(setup: Setup, progress: Progress | None = None, need_context: bool = False, apart: bool = False) -> Result:
    """The project's findings. Unless the caller needs the judged context (graph, report), they
    come from the results cache when nothing they depend on changed (and then no file's facts are
    loaded, nor the policy and the catalog). An unsaved buffer is judged by
    :class:`lint_privacy.session.Session`.

    ``apart``: the analysis is made in a forked child process, so that this one never holds the
    facts or the graph (flake8 forks its workers from it next); this one gets the findings and
    the files' keys. Without ``fork`` or a cache directory, or if the child fails, it is made here."""
    config = setup.config
    cache = ResultCache.for_config(config)
    if apart and not (need_context or config.no_cache) and "fork" in multiprocessing.get_all_start_methods():
        known = indexed_project(config)  # warm: answered here, no child needed
        judged = cache.get(result_key(config, known.keys, []), Judgement) if known is not None else None
        if known is not None and judged is not None:
            known.report_stats()
            cache.note_latest(known.keys, [])
            return Result(judged, [], known)
        result = _analyse_apart(setup)
        if result is not None:
            return result
    project = load_project(config, progress, lazy=not need_context)
    if need_context:
        findings, ctx = judge(config, setup.policy, setup.catalog, project.facts())
        project.report_stats()
        return Result(_judgement(findings, ctx, project), project.failed, project, context=ctx)

    def compute() -> tuple[Judgement, bool]:
        judged = _judgement(*judge(config, setup.policy, setup.catalog, project.facts()), project, outlined=True)
        return judged, not project.changed

    judged = cache.get_or_compute(result_key(config, project.keys, project.failed), compute, Judgement)
    if not project.changed:  # the state an editor's saved file is judged on top of (recent_result)
        cache.note_latest(project.keys, project.failed)
    project.report_stats()
    return Result(judged, project.failed, project)


def project_outline(ctx: Context) -> Outline:
    """The outline an edited buffer is judged with (lineage/scope.py): the checks' lineage, and
    the files that configure log shippers."""
    from .checks.flows import lineage, shipper_sites
    from .lineage.scope import outline

    return outline(lineage(ctx), (path for _, path, _ in shipper_sites(ctx)))


def _judgement(findings: list[Finding], ctx: Context, project: Project, outlined: bool = False) -> Judgement:
    """``outlined``: with the outline an edited buffer is judged with."""
    from .outputs.suppressions import comments_of

    outline = None
    if outlined:
        try:
            outline = project_outline(ctx)
        except Exception:  # the lineage failed (reported by the checks, PRV002): buffers are judged with every file
            outline = None
    return Judgement.of(findings, comments_of(project.facts()), outline)


def _analyse_apart(setup: Setup) -> Result | None:
    """:func:`analyse`, made in a forked child that extracts (with its pool), loads the facts and
    builds the graph, sends back the judgement and the files' keys, and exits, taking that memory
    with it. None if the child could not make it (the caller analyses here, meeting and reporting
    whatever went wrong)."""
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)

    def work() -> None:
        try:
            result = analyse(setup)
            answer = (result.project.keys, result.project.failed, result.judged)
            send.send_bytes(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))
        except BaseException:
            os._exit(1)  # no traceback here: the parent analyses again and reports what goes wrong

    try:
        child = context.Process(target=work, name="lint-privacy analysis")
        child.start()
    except OSError:
        return None
    send.close()
    try:
        keys, failed, judged = pickle.loads(receive.recv_bytes())
    except Exception:  # the child died or sent nothing usable
        judged = None
    finally:
        receive.close()
        child.join()
    if judged is None or child.exitcode != 0:
        return None
    return Result(judged, failed, Project(setup.config, keys, failed, FactsCache.for_config(setup.config)))
