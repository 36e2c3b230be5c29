"""``lint-privacy lsp``: the language server (stdio, pygls), the third door after flake8 and the CLI.

It keeps the project in memory (:class:`lint_privacy.live.Live`: the engine's judgement, facts
and outline, from the same cache as the CLI) and, for every open Python file of the project:

- publishes its findings as diagnostics (code, message, severity, related information for the
  data's origin and each step of its path), after open, change and save, debounced; a change
  re-extracts that file alone and re-publishes every open file whose findings it changes;
- answers hover on a flagged line (the data, its path, the promise it breaks);
- offers code actions: the annotation stub ``lint-privacy fix`` would write, ``# privacy: none``
  ("not personal data"), and ``# noqa: PRVnnn <reason>``.

It watches the policy, the catalog files and the configuration: a setup that does not load is one
diagnostic on the file at fault, and the last good setup stays in use. docs/editors.md sets it up.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import re
import tokenize
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types as t
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from . import __version__
from .findings import Finding
from .outputs.sarif import level
from .outputs.suppressions import REASON_PLACEHOLDER

if TYPE_CHECKING:
    from .live import Live, SetupProblem

DEBOUNCE = 0.3  # seconds of quiet after the last change before judging (initializationOptions.debounce)
WARM_UP = 1.0  # seconds of quiet after the first judgement before building the lineage edits update
SOURCE = "lint-privacy"
Units = Callable[[str], int]  # the length of a text in the client's position units (UTF-16 unless negotiated)


class PrivacyServer(LanguageServer):
    def __init__(self, root: Path | None = None, policy: str | None = None, no_cache: bool = False) -> None:
        super().__init__("lint-privacy", __version__, text_document_sync_kind=t.TextDocumentSyncKind.Incremental)
        self.root_arg, self.policy, self.no_cache = root, policy, no_cache
        self.root: Path = root or Path.cwd()
        self.debounce = DEBOUNCE
        self.live: Live | None = None
        self.uris: dict[str, str] = {}  # path of each open document -> its uri
        self.shown: dict[str, list[Finding]] = {}  # path -> findings published
        self.edited: set[str] = set()  # open documents changed since the last judgement
        self.saved: set[str] = set()  # of those, the ones saved
        self.shown_problem: SetupProblem | None = None
        self.told: list[str] = []  # the last reason the project could not be loaded, when shown as a message
        self._timer: asyncio.TimerHandle | None = None
        self._warming: asyncio.TimerHandle | None = None

    # ------------------------------------------------------------------ paths
    def path_of(self, uri: str) -> str | None:
        """The project path of a document, or None when it is no Python file of the project."""
        full = to_fs_path(uri)
        if self.live is None or full is None or not full.endswith(".py"):
            return None
        path = self.live.relative(full)
        return path if self.live.in_project(path) else None

    def units(self, text: str) -> int:
        return self.workspace.position_codec.client_num_units(text)

    def uri_of(self, path: str | Path) -> str:
        full = Path(path) if Path(path).is_absolute() else self.root / path
        return from_fs_path(str(full)) or full.as_uri()

    # ------------------------------------------------------------------ the project
    def start(self) -> None:
        """Load the setup and analyse the project (from the results cache when warm)."""
        from .session import project_setup
        from .config import find_root
        from .live import Live, setup_problem
        from .errors import SetupError

        root = self.root_arg or find_root(self.root)
        try:
            setup = project_setup(root, self.policy, self.no_cache)
        except SetupError as e:
            problem = setup_problem(e.problems, root / "pyproject.toml")
            if problem.path.is_file():  # on the file at fault
                self._show_problem(problem)
            elif e.problems != self.told:  # nothing to point at (no policy configured): said once, tried again on each change
                self.told = e.problems
                self.window_show_message(t.ShowMessageParams(t.MessageType.Warning, "lint-privacy: cannot start: "
                                                             + "; ".join(e.problems)))
            return
        self.root = setup.config.root
        self.live = Live.load(setup)
        self._show_problem(None)
        for uri in self.workspace.text_documents:
            path = self.path_of(uri)
            if path is not None:
                self.uris[path] = uri
                self.edited.add(path)

    def schedule(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = asyncio.get_running_loop().call_later(self.debounce, self.judge)

    def judge(self) -> None:
        """Judge what changed, and publish every open file whose findings differ from those shown
        (and every edited file that parses)."""
        self._timer = None
        try:
            self._judge()
        except Exception as e:  # a bug of ours: said in the editor, the server goes on
            from .errors import internal_error

            message = "lint-privacy: " + internal_error(e)
            self.window_show_message(t.ShowMessageParams(t.MessageType.Error, message))

    def _judge(self) -> None:
        if self.live is None:
            self.start()
            if self.live is None:
                return
        live = self.live
        renewed = live.reload_if_changed(self.policy, self.no_cache)
        self._show_problem(live.setup_problem)
        edited, self.edited = self.edited, set()
        parsed = set()
        for path in edited:
            uri = self.uris.get(path)
            if uri is not None and live.update(path, self.workspace.get_text_document(uri).source):
                parsed.add(path)
                if path in self.saved:  # its facts, for the CLI's next run
                    live.saved(path, self.workspace.get_text_document(uri).source)
        self.saved.clear()
        # The edited files first (what the user waits for), then every other open file, from
        # its own judgement: its findings are re-published only when they changed.
        for group in (sorted(parsed & self.uris.keys()), list(self.uris)):
            for path, findings in live.findings(group).items():
                if renewed or path in parsed or findings != self.shown.get(path):
                    self.publish(path, findings)
                parsed.discard(path)
        if live.cold and self._warming is None:
            self._warming = asyncio.get_running_loop().call_later(WARM_UP, self.warm_up)

    def warm_up(self) -> None:
        """Build the lineage of every file while the editor is quiet, so that the first edit
        costs an update of it, not a build (a judgement builds it otherwise)."""
        self._warming = None
        if self.live is not None and self._timer is None:  # else a judgement is due: it builds it
            self.live.warm_up()

    def publish(self, path: str, findings: list[Finding]) -> None:
        self.shown[path] = findings
        uri = self.uris.get(path) or self.uri_of(path)
        lines = self._lines(uri)
        self.text_document_publish_diagnostics(t.PublishDiagnosticsParams(
            uri=uri, diagnostics=[self.diagnostic(f, lines) for f in findings]))

    def clear(self, path: str, uri: str) -> None:
        self.shown.pop(path, None)
        self.text_document_publish_diagnostics(t.PublishDiagnosticsParams(uri=uri, diagnostics=[]))

    def _lines(self, uri: str) -> list[str]:
        doc = self.workspace.text_documents.get(uri)
        return doc.lines if doc is not None else []

    def diagnostic(self, f: Finding, lines: list[str]) -> t.Diagnostic:
        related = [t.DiagnosticRelatedInformation(self._location(o.path, o.line), f"personal data: {o.label}")
                   for o in f.origins if o.path and o.line]
        related += [t.DiagnosticRelatedInformation(self._location(s.path, s.line), s.note or f"{s.path}:{s.line}")
                    for s in f.steps if s.path and s.line]
        return t.Diagnostic(
            range=_line_range(lines, f.line, f.col, self.units), message=f.message, code=f.code, source=SOURCE,
            severity=t.DiagnosticSeverity.Warning if level(f.code) == "warning" else t.DiagnosticSeverity.Error,
            related_information=related or None)

    def _location(self, path: str, line: int) -> t.Location:
        return t.Location(self.uri_of(path), t.Range(t.Position(max(line - 1, 0), 0), t.Position(max(line - 1, 0), 0)))

    def _show_problem(self, problem: SetupProblem | None) -> None:
        if problem == self.shown_problem:
            return
        old = self.shown_problem
        self.shown_problem = problem
        if old is not None and (problem is None or problem.path != old.path):
            self.text_document_publish_diagnostics(t.PublishDiagnosticsParams(uri=self.uri_of(old.path), diagnostics=[]))
        if problem is not None:
            at = t.Position(problem.line - 1, problem.col - 1)
            self.text_document_publish_diagnostics(t.PublishDiagnosticsParams(
                uri=self.uri_of(problem.path), diagnostics=[t.Diagnostic(
                    range=t.Range(at, t.Position(problem.line - 1, problem.col - 1 + 1_000)),
                    message=problem.message, code="PRV001", source=SOURCE, severity=t.DiagnosticSeverity.Error)]))

    # ------------------------------------------------------------------ hover and actions
    def at_line(self, uri: str, line: int) -> list[Finding]:
        path = self.path_of(uri)
        return [f for f in self.shown.get(path or "", []) if f.line == line + 1]

    def hover(self, uri: str, line: int) -> t.Hover | None:
        from .checks import RULES

        found = self.at_line(uri, line)
        if not found:
            return None
        parts = []
        for f in found:
            rule = RULES.get(f.code)
            text = [f"**{f.code}** {rule.name if rule else ''}: {f.message}", ""]
            text += [f"**{label.capitalize()}:** {value}" for label, value in f.details()]
            if f.steps:
                text.append("**Path:** " + " → ".join(f"{s.note} ({s.path}:{s.line})" if s.note else f"{s.path}:{s.line}"
                                                        for s in f.steps))
            judged = ", ".join(x for x in (f.category and f"category `{f.category}`",
                                           f.recipient and f"recipient `{f.recipient}`", f.decided_by) if x)
            if judged:
                text.append(f"**Judged on:** {judged}")
            if rule is not None:
                text.append(f"*{rule.summary}* (`lint-privacy explain {f.code}`)")
            parts.append("\n\n".join(x for x in text if x is not None))
        return t.Hover(t.MarkupContent(t.MarkupKind.Markdown, "\n\n---\n\n".join(parts)))

    def code_actions(self, uri: str, first: int, last: int) -> list[t.CodeAction]:
        doc = self.workspace.text_documents.get(uri)
        path = self.path_of(uri)
        if doc is None or path is None or self.live is None:
            return []
        text = doc.source
        comments = _comments(text)
        actions: list[t.CodeAction] = []
        lines = doc.lines
        stubs = None
        for f in (f for f in self.shown.get(path, []) if first + 1 <= f.line <= last + 1):
            diag = self.diagnostic(f, lines)
            if stubs is None:
                stubs = self._stubs(path)
            for stub in (s for s in stubs if s.line == f.line):
                actions += self._action(f"Annotate {stub.label}: {stub.comment}", uri, diag, _rewrite(path, text, stub, self.units))
            on_line = comments.get(f.line, []) if comments is not None else None
            if on_line is not None and not any("privacy:" in c for _, c in on_line):
                from .fix import Note

                actions += self._action("Mark as not personal data: # privacy: none", uri, diag,
                                        _rewrite(path, text, Note(path, f.line, "# privacy: none"), self.units))
            if on_line is not None:
                actions += self._action(f"Suppress {f.code} on this line: # noqa: {f.code} {REASON_PLACEHOLDER}", uri, diag,
                                        _noqa_edit(lines, f.line, f.code, on_line, self.units))
        return actions

    def _stubs(self, path: str) -> list[Any]:
        from .fix import plan_for

        live = self.live
        assert live is not None
        facts = live.buffers.get(path) or live.base.project.facts({path}).get(path)
        if facts is None:
            return []
        setup = live.setup
        return plan_for(setup.config, setup.policy, setup.catalog, {path: facts})[0]

    def _action(self, title: str, uri: str, diag: t.Diagnostic, edit: t.TextEdit | None) -> list[t.CodeAction]:
        if edit is None:
            return []
        return [t.CodeAction(title=title, kind=t.CodeActionKind.QuickFix, diagnostics=[diag],
                             edit=t.WorkspaceEdit(changes={uri: [edit]}))]

    # ------------------------------------------------------------------ files changed outside the editor
    def files_changed(self, changes: list[t.FileEvent]) -> None:
        live = self.live
        for change in changes:
            full = to_fs_path(change.uri)
            if live is None or full is None or not full.endswith(".py"):
                continue  # the setup's files: judge() reloads them when they changed
            path = live.relative(full)
            if change.type == t.FileChangeType.Deleted:
                live.deleted(path)
                uri = self.uris.pop(path, None)
                if uri is not None:
                    self.clear(path, uri)
            elif path not in self.uris and live.in_project(path, created=change.type == t.FileChangeType.Created):
                live.from_disk(path)
        self.schedule()


def _line_range(lines: list[str], line: int, col: int, units: Units) -> t.Range:
    """The finding's line from its column (a UTF-8 byte offset, as ``ast`` gives) to its end, in
    the client's units."""
    row = max(line - 1, 0)
    text = lines[row].rstrip("\r\n") if row < len(lines) else ""
    start = units(text.encode("utf-8")[:col].decode("utf-8", errors="ignore"))
    return t.Range(t.Position(row, start), t.Position(row, max(units(text), start)))


def _comments(text: str) -> dict[int, list[tuple[int, str]]] | None:
    """Each line's comments as (column, text), or None when the buffer does not tokenize."""
    found: dict[int, list[tuple[int, str]]] = {}
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.COMMENT:
                found.setdefault(tok.start[0], []).append((tok.start[1], tok.string))
    except (tokenize.TokenError, SyntaxError):
        return None
    return found


def _rewrite(path: str, text: str, stub: Any, units: Units) -> t.TextEdit | None:
    """The edit that inserts ``stub``'s comment as ``lint-privacy fix`` does, or None when it
    cannot be inserted there (libcst cannot parse the buffer, no statement starts on the line)."""
    import libcst

    from .fix import fix_source

    try:
        result = fix_source(path, text, [stub])
    except (libcst.ParserSyntaxError, RecursionError, ValueError):
        return None
    return _line_edit(text, result.after, units) if not result.problems else None


def _line_edit(before: str, after: str, units: Units) -> t.TextEdit | None:
    """One edit replacing the lines that differ between two texts."""
    a, b = before.splitlines(), after.splitlines()
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end_a, end_b = len(a), len(b)
    while end_a > start and end_b > start and a[end_a - 1] == b[end_b - 1]:
        end_a, end_b = end_a - 1, end_b - 1
    if start == end_a:  # only added lines (not what a comment does): none
        return None
    last = a[end_a - 1]
    return t.TextEdit(t.Range(t.Position(start, 0), t.Position(end_a - 1, units(last))), "\n".join(b[start:end_b]))


_CODES = re.compile(r"#\s*noqa\s*:\s*[A-Za-z]+[0-9]+(?:[\s,]+[A-Za-z]+[0-9]+)*", re.IGNORECASE)
_BARE = re.compile(r"#\s*noqa\b(?!\s*:)", re.IGNORECASE)


def _noqa_edit(lines: list[str], line: int, code: str, comments: list[tuple[int, str]], units: Units) -> t.TextEdit | None:
    """``# noqa: CODE <reason>`` on the finding's line: added to a noqa comment naming codes, else
    a new comment before any other comment of the line (a ``# privacy:`` comment after it is still
    read). None when a bare ``# noqa`` already silences the line."""
    row = line - 1
    if row >= len(lines):
        return None
    text = lines[row].rstrip("\r\n")
    for col, comment in comments:
        if _BARE.search(comment):
            return None
        m = _CODES.search(comment)
        if m is not None:
            at = col + m.end()
            return t.TextEdit(t.Range(t.Position(row, units(text[:at])), t.Position(row, units(text[:at]))), f", {code}")
    if comments:  # before the first comment
        start = t.Position(row, units(text[:comments[0][0]]))
        return t.TextEdit(t.Range(start, start), f"# noqa: {code} {REASON_PLACEHOLDER}  ")
    end = len(text.rstrip())
    return t.TextEdit(t.Range(t.Position(row, units(text[:end])), t.Position(row, units(text))),
                      f"  # noqa: {code} {REASON_PLACEHOLDER}")


def make_server(root: Path | None = None, policy: str | None = None, no_cache: bool = False) -> PrivacyServer:
    server = PrivacyServer(root, policy, no_cache)

    @server.feature(t.INITIALIZE)
    def initialize(ls: PrivacyServer, params: t.InitializeParams) -> None:
        options = params.initialization_options if isinstance(params.initialization_options, dict) else {}
        if params.root_uri and ls.root_arg is None:
            ls.root = Path(to_fs_path(params.root_uri) or os.getcwd())
        elif params.workspace_folders and ls.root_arg is None:
            ls.root = Path(to_fs_path(params.workspace_folders[0].uri) or os.getcwd())
        if options.get("policy") and ls.policy is None:
            ls.policy = str(options["policy"])
        with contextlib.suppress(TypeError, ValueError):
            ls.debounce = max(float(options.get("debounce", ls.debounce)), 0.0)

    @server.feature(t.INITIALIZED)
    def initialized(ls: PrivacyServer, params: t.InitializedParams) -> None:
        ls.start()
        watched = ls.client_capabilities.workspace and ls.client_capabilities.workspace.did_change_watched_files
        if watched and watched.dynamic_registration:
            ls.client_register_capability(t.RegistrationParams([t.Registration(
                "lint-privacy-watch", t.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                t.DidChangeWatchedFilesRegistrationOptions([
                    t.FileSystemWatcher(g) for g in ("**/*.py", "**/*.{yaml,yml,toml,cfg,ini}", "**/.flake8")]))]))
        if ls.uris:
            ls.judge()

    @server.feature(t.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: PrivacyServer, params: t.DidOpenTextDocumentParams) -> None:
        _edited(ls, params.text_document.uri)

    @server.feature(t.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: PrivacyServer, params: t.DidChangeTextDocumentParams) -> None:
        _edited(ls, params.text_document.uri)

    @server.feature(t.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: PrivacyServer, params: t.DidSaveTextDocumentParams) -> None:
        path = ls.path_of(params.text_document.uri)
        if path is not None:
            ls.saved.add(path)
        _edited(ls, params.text_document.uri)

    @server.feature(t.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: PrivacyServer, params: t.DidCloseTextDocumentParams) -> None:
        path = ls.path_of(params.text_document.uri)
        if path is None or ls.live is None:
            return
        ls.uris.pop(path, None)
        ls.clear(path, params.text_document.uri)
        ls.live.from_disk(path)  # unsaved changes are gone with the buffer
        ls.schedule()

    @server.feature(t.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def watched(ls: PrivacyServer, params: t.DidChangeWatchedFilesParams) -> None:
        ls.files_changed(list(params.changes))

    @server.feature(t.TEXT_DOCUMENT_HOVER)
    def hover(ls: PrivacyServer, params: t.HoverParams) -> t.Hover | None:
        return ls.hover(params.text_document.uri, params.position.line)

    @server.feature(t.TEXT_DOCUMENT_CODE_ACTION,
                    t.CodeActionOptions(code_action_kinds=[t.CodeActionKind.QuickFix]))
    def code_action(ls: PrivacyServer, params: t.CodeActionParams) -> list[t.CodeAction]:
        return ls.code_actions(params.text_document.uri, params.range.start.line, params.range.end.line)

    return server


def _edited(ls: PrivacyServer, uri: str) -> None:
    """A document was opened, changed or saved: judged after the debounce (a document of no
    project is left alone; the setup's own files are reloaded then, when they changed)."""
    path = ls.path_of(uri)
    if path is not None:
        ls.uris[path] = uri
        ls.edited.add(path)
    ls.schedule()  # without a project yet: another try at loading the setup


def serve(root: Path | None, policy: str | None, no_cache: bool) -> int:
    make_server(root, policy, no_cache).start_io()
    return 0
