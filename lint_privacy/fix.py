"""``lint-privacy fix``: a libcst codemod that writes annotation stubs on unannotated personal
fields, for a person to confirm.

For every field that PRV103 flags (a class attribute whose name the catalog classifies as
personal data, with no ``# privacy:`` comment, no ``PersonalData`` marker and no ``noqa`` for
PRV103 on its line), it writes one suggestion, ``# privacy: <category>?``, for a person to
confirm (SPEC: reported as PRV104 until someone removes the ``?``; one category, so one PRV104
and each flow judged once): of the policy categories that cover the field's kind, one already
used by an annotated field of the same class, else the first in the policy's order. The others
are printed next to the stub. A flagged field that gets no stub (PRV106: no category covers it)
is named, with why.

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
from typing import TYPE_CHECKING, TextIO

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from .catalog import Catalog
from .config import Config
from .policy.model import Policy
from .reading import read_regular

if TYPE_CHECKING:
    from .checks import Context
    from .engine import Progress

@dataclass(frozen=True)
class Stub:
    path: str
    line: int  # first line of the field's statement
    owner: str
    name: str
    kind: str
    category: str  # the one suggestion to confirm
    others: tuple[str, ...] = ()  # the other categories that cover the kind, said to the user

    @property
    def comment(self) -> str:
        return f"# privacy: {self.category}?"

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


@dataclass(frozen=True)
class NoStub:
    """A field PRV103/PRV106 flags that gets no stub, and why."""

    path: str
    line: int
    owner: str
    name: str
    why: str


def plan(ctx: Context) -> tuple[list[Stub], list[NoStub]]:
    """One stub per field PRV103 flags (one category: the annotated fields of the same class
    decide among those that fit, else the policy's order), and the flagged fields that get none."""
    from .checks.inventory import unannotated
    from .outputs.suppressions import collect, comments_of

    suppressed = {(s.path, s.line) for s in collect(comments_of(ctx.files)) if s.covers("PRV103")}
    stubs: list[Stub] = []
    none: list[NoStub] = []
    for found in unannotated(ctx):
        info, field = found.info, found.field
        qual, line = info.fact.qualname, field.span.line
        if (info.path, line) in suppressed:
            continue
        if not found.covering:  # PRV106
            none.append(NoStub(info.path, line, qual, field.name,
                               f"no category of the notice covers {found.kind.label} (PRV106): add it to a category's "
                               "elements in the policy, or annotate the field by hand"))
            continue
        siblings = [c for f in info.fact.fields if f.annotation is not None for c in f.annotation.categories]
        ranked = sorted(found.covering, key=lambda c: (c not in siblings, found.covering.index(c)))
        stubs.append(Stub(info.path, line, qual, field.name, found.kind.id, ranked[0], tuple(ranked[1:])))
    return sorted(stubs, key=lambda s: (s.path, s.line)), sorted(none, key=lambda s: (s.path, s.line))


def plan_for(config: Config, policy: Policy, catalog: Catalog, files: dict) -> tuple[list[Stub], list[NoStub]]:
    """:func:`plan` for a set of files' facts (the project's, or one buffer's)."""
    from .checks import Context
    from .lineage.symbols import Symbols

    return plan(Context(config=config, policy=policy, catalog=catalog, symbols=Symbols(files.values(), config), files=files))


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
        out: TextIO, err: TextIO, progress: Progress | None = None) -> int:
    from .checks.base import join
    from .engine import load_project
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
    stubs, none = plan_for(config, policy, catalog, files)
    by_file: dict[str, list[Stub]] = defaultdict(list)
    for stub in stubs:
        if _selected(stub.path, wanted):
            by_file[stub.path].append(stub)
    for n in none:
        if _selected(n.path, wanted):
            err.write(f"lint-privacy fix: {n.path}:{n.line}: {n.owner}.{n.name}: no stub: {n.why}\n")
    written = 0
    changed_files = 0
    for path in sorted(by_file):
        full = config.root / path
        try:
            raw = read_regular(full, config.max_file_size)
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
                also = f"  (also covered by: {join(s.others, 3)})" if isinstance(s, Stub) and s.others else ""
                out.write(f"{path}:{s.line}: {s.label}: {s.comment}{also}\n")
    verb = "would write" if dry_run else "wrote"
    err.write(f"lint-privacy fix: {verb} {written} stub{'s' if written != 1 else ''} in {changed_files} "
              f"file{'s' if changed_files != 1 else ''}" + (f"; {skipped} file{'s' if skipped != 1 else ''} skipped" if skipped else "")
              + ("; confirm each category by removing its '?'" if written and not dry_run else "") + "\n")
    if skipped:
        return 2
    return 1 if dry_run and written else 0
