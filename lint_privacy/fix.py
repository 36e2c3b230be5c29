"""``lint-privacy fix``: a libcst codemod that writes annotation stubs on unannotated personal
fields, for a person to confirm.

For every field that PRV103 would flag (a class attribute whose name the catalog classifies as
personal data, with no ``# privacy:`` comment, no ``PersonalData`` marker and no ``noqa`` for
PRV103 on its line), it writes ``# privacy: <category>?[, <category>?]`` with the policy
categories whose ``elements`` include the field's kind, each marked ``?`` (SPEC: a suggestion,
reported as PRV104 until someone removes the ``?``):

* categories already used by annotated fields of the same class come first, and when some of
  them fit, only they are suggested;
* otherwise at most ``MAX_SUGGESTIONS`` categories, in the policy's order.

The comment goes at the end of the statement (its last line); when a comment is already there
(``# type: ignore``, ``# noqa: E501``) the stub follows it in the same comment, which both tools
still read. Everything else in
the file is kept byte for byte (libcst round-trips the source). A file libcst cannot parse is
reported and skipped; the other files are still fixed.

Exit codes: 0 done (or nothing to do), 1 with ``--dry-run`` when stubs would be written, 2 when a
file was skipped or the setup is unusable.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TextIO

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from .catalog import Catalog
from .config import Config
from .policy.model import Policy

MAX_SUGGESTIONS = 3


@dataclass(frozen=True)
class Stub:
    path: str
    line: int  # first line of the field's statement
    owner: str
    name: str
    kind: str
    categories: tuple[str, ...]

    @property
    def comment(self) -> str:
        return "# privacy: " + ", ".join(f"{c}?" for c in self.categories)

    @property
    def label(self) -> str:
        return f"{self.owner}.{self.name}"


@dataclass(frozen=True)
class Note:
    """Any other comment for a statement (the language server's ``# privacy: none``)."""

    path: str
    line: int  # first line of the statement
    comment: str
    label: str = "this statement"


def plan(config: Config, policy: Policy, catalog: Catalog, files: dict, symbols) -> list[Stub]:
    """The stubs to write: one per unannotated personal field that some category covers."""
    from .outputs.suppressions import collect, comments_of

    suppressed = {(s.path, s.line) for s in collect(comments_of(files)) if s.covers("PRV103")}
    stubs: list[Stub] = []
    for info in symbols.all_classes():
        qual = info.fact.qualname
        if qual == "Meta" or qual.endswith(".Meta"):
            continue
        siblings: list[str] = []
        for f in info.fact.fields:
            if f.annotation is not None:
                siblings += [c for c in f.annotation.categories if c not in siblings]
        for f in info.fact.fields:
            name = f.name
            kind = catalog.names.field_kind(f, qual) if f.annotation is None else None
            if kind is None or (info.path, f.span.line) in suppressed:
                continue
            covering = [c.id for c in policy.categories.values() if kind.id in c.elements]
            if not covering:
                continue  # PRV106: the notice covers it nowhere; no category to suggest
            near = [c for c in siblings if c in covering]
            chosen = tuple(near) if near else tuple(covering[:MAX_SUGGESTIONS])
            stubs.append(Stub(info.path, f.span.line, qual, name, kind.id, chosen))
    return sorted(stubs, key=lambda s: (s.path, s.line))


class _Inserter(cst.CSTTransformer):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, wanted: dict[int, Stub | Note]) -> None:
        super().__init__()
        self.wanted = wanted
        self.done: list[Stub | Note] = []
        self.problems: list[str] = []
        self._indent: list[str] = []

    def leave_SimpleStatementLine(self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine) -> cst.BaseStatement:
        line = self.get_metadata(PositionProvider, original).start.line
        stub = self.wanted.get(line)
        if stub is None:
            return updated
        if len(original.body) > 1:
            self.problems.append(f"{stub.path}:{line}: {stub.label} shares its line with other statements; annotate it by hand")
            return updated
        self.done.append(stub)
        if updated.trailing_whitespace.comment is None:
            ws = updated.trailing_whitespace
            return updated.with_changes(trailing_whitespace=ws.with_changes(
                whitespace=cst.SimpleWhitespace("  "), comment=cst.Comment(stub.comment)))
        # A comment is already there (a noqa, a type: ignore): the stub follows it on the same
        # line, where it cannot be mistaken for a comment on the enclosing class.
        ws = updated.trailing_whitespace
        old = ws.comment
        assert old is not None
        return updated.with_changes(trailing_whitespace=ws.with_changes(
            comment=cst.Comment(f"{old.value.rstrip()}  {stub.comment}")))


@dataclass
class FileResult:
    path: str
    before: str
    after: str
    stubs: list[Stub | Note]
    problems: list[str]
    data: bytes = b""  # the new file, in the file's own encoding


def fix_source(path: str, source: str | bytes, stubs: Sequence[Stub | Note]) -> FileResult:
    """Insert the stubs (or notes) into one file's source (bytes keep the file's own encoding). Raises
    ``cst.ParserSyntaxError`` (and whatever libcst raises) when libcst cannot parse it."""
    module = cst.parse_module(source)
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    inserter = _Inserter({s.line: s for s in stubs})
    new = wrapper.visit(inserter)
    missed = [f"{path}:{s.line}: {s.label}: no statement starts on this line; annotate it by hand"
              for s in stubs if s not in inserter.done and not any(p.startswith(f"{path}:{s.line}:") for p in inserter.problems)]
    result = FileResult(path, module.code, new.code, inserter.done, inserter.problems + missed)
    result.data = new.bytes
    return result


def _selected(path: str, wanted: Sequence[str]) -> bool:
    return not wanted or any(w in ("", ".") or path == w or path.startswith(w.rstrip("/") + "/") for w in wanted)


def run(config: Config, policy: Policy, catalog: Catalog, paths: Sequence[str], dry_run: bool,
        out: TextIO, err: TextIO, progress=None) -> int:
    from .engine import load_project
    from .lineage.symbols import Symbols
    from .project import relative_path

    try:
        project = load_project(config, progress=progress)
        files, failed = project.facts(), project.failed
        project.report_stats()
    finally:
        if progress is not None and hasattr(progress, "done"):
            progress.done()
    wanted = [relative_path(config, p) for p in paths]
    skipped = 0
    for f in failed:
        if _selected(f.path, wanted):
            err.write(f"lint-privacy fix: {f.path}: skipped: {f.message}\n")
            skipped += 1
    symbols = Symbols(files.values(), config)
    by_file: dict[str, list[Stub]] = defaultdict(list)
    for stub in plan(config, policy, catalog, files, symbols):
        if _selected(stub.path, wanted):
            by_file[stub.path].append(stub)
    written = 0
    changed_files = 0
    for path in sorted(by_file):
        full = config.root / path
        try:
            raw = full.read_bytes()
        except OSError as e:
            err.write(f"lint-privacy fix: {path}: skipped: cannot read it ({e.strerror or e})\n")
            skipped += 1
            continue
        try:
            result = fix_source(path, raw, by_file[path])
        except cst.ParserSyntaxError as e:
            err.write(f"lint-privacy fix: {path}: skipped: libcst cannot parse it (line {e.raw_line}: {e.message})\n")
            skipped += 1
            continue
        except (RecursionError, MemoryError, Exception) as e:  # libcst's native parser: never fatal to the run
            err.write(f"lint-privacy fix: {path}: skipped: libcst failed on it ({type(e).__name__}: {str(e)[:200]})\n")
            skipped += 1
            continue
        for p in result.problems:
            err.write(f"lint-privacy fix: {p}\n")
        if result.after == result.before:
            continue
        changed_files += 1
        written += len(result.stubs)
        if dry_run:
            out.writelines(difflib.unified_diff(
                result.before.splitlines(keepends=True), result.after.splitlines(keepends=True),
                fromfile=f"a/{path}", tofile=f"b/{path}"))
        else:
            full.write_bytes(result.data)
            for s in result.stubs:
                out.write(f"{path}:{s.line}: {s.label}: {s.comment}\n")
    verb = "would write" if dry_run else "wrote"
    err.write(f"lint-privacy fix: {verb} {written} stub{'s' if written != 1 else ''} in {changed_files} "
              f"file{'s' if changed_files != 1 else ''}" + (f"; {skipped} file{'s' if skipped != 1 else ''} skipped" if skipped else "")
              + ("; confirm each category by removing its '?'" if written and not dry_run else "") + "\n")
    if skipped:
        return 2
    return 1 if dry_run and written else 0
