"""The pipeline: project files -> per-file facts (cached) -> symbols and lineage -> findings.

The flake8 plugin and the CLI both call :func:`analyse`; neither judges anything itself.
"""

from __future__ import annotations

import ast
import io
import tokenize
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .cache import FactsCache
from .catalog import Catalog
from .checks import Context, run_checks
from .checks.tool import PRV002
from .checks.base import finding
from .config import Config
from .extract import extract
from .facts import FileFacts
from .findings import Finding
from .lineage.symbols import Symbols
from .policy.model import Policy
from .project import project_files

Progress = Callable[[int, int], None]


@dataclass
class Result:
    findings: list[Finding]
    not_analysed: list[Finding]
    files: dict[str, FileFacts]
    context: Context | None = None
    by_path: dict[str, list[Finding]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for f in self.findings:
            self.by_path.setdefault(f.path, []).append(f)

    def for_path(self, path: str) -> list[Finding]:
        return self.by_path.get(path, [])


class SourceError(Exception):
    """A file could not be read or parsed; the message is for a person."""


def read_source(path: Path) -> str:
    """Decode a Python file as Python does (PEP 263 coding line, UTF-8 BOM)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SourceError("the file disappeared during the run") from None
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
        raise SourceError(f"byte {e.start} is not valid {e.encoding}; save the file as UTF-8") from None
    return text[1:] if text.startswith("\ufeff") else text


def facts_of(path: str, source: str, tree: ast.Module | None = None) -> FileFacts:
    """Extract one file, turning every failure into a SourceError that says what went wrong."""
    try:
        return extract(path, source, tree)
    except SyntaxError as e:
        raise SourceError(f"syntax error at line {e.lineno}: {e.msg}") from None
    except (RecursionError, MemoryError):
        raise SourceError("it is nested too deeply for Python's parser") from None
    except ValueError as e:  # null bytes and the like
        raise SourceError(str(e)) from None


def load_files(
    config: Config,
    overrides: Mapping[str, tuple[str, ast.Module | None]] | None = None,
    progress: Progress | None = None,
) -> tuple[dict[str, FileFacts], list[Finding]]:
    """Facts of every project file (``overrides``: path -> unsaved source, e.g. stdin).

    Under the cache's lock, so that concurrent runs (flake8 workers) extract each file once.
    """
    store = FactsCache.for_config(config)
    overrides = dict(overrides or {})
    paths = sorted(set(project_files(config)) | set(overrides))
    files: dict[str, FileFacts] = {}
    failed: list[Finding] = []
    with store.locked():
        for i, path in enumerate(paths):
            try:
                if path in overrides:
                    source, tree = overrides[path]
                else:
                    source, tree = read_source(config.root / path), None
                files[path] = store.get_or_extract(path, source, lambda: facts_of(path, source, tree))
            except SourceError as e:
                failed.append(finding(PRV002, path, 1, 0, reason=str(e)))
            if progress is not None:
                progress(i + 1, len(paths))
    return files, failed


def judge(config: Config, policy: Policy, catalog: Catalog, files: dict[str, FileFacts]) -> tuple[list[Finding], Context]:
    """Findings for a set of facts: symbols and lineage joined, every check run."""
    ctx = Context(config=config, policy=policy, catalog=catalog, symbols=Symbols(files.values(), config), files=files)
    return run_checks(ctx), ctx


def analyse(
    config: Config,
    policy: Policy,
    catalog: Catalog,
    overrides: Mapping[str, tuple[str, ast.Module | None]] | None = None,
    progress: Progress | None = None,
) -> Result:
    files, failed = load_files(config, overrides, progress)
    findings, ctx = judge(config, policy, catalog, files)
    return Result(findings=findings + failed, not_analysed=failed, files=files, context=ctx)
