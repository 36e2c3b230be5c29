"""`lint-privacy lsp` end to end: a real LSP client (pytest-lsp) talks to the real server over
stdio, on a small project in tmp_path; what it publishes is compared with `lint-privacy check`
(and `lint-privacy fix`) on the same text."""

from __future__ import annotations

import asyncio
import json
import shutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types as t
from pytest_lsp import ClientServerConfig, LanguageClient

from conftest import POLICY, run_cli, write_project

MODELS = '''
    from django.db import models


    class Device(models.Model):
        owner_email = models.CharField(max_length=80)
        contact_email = models.EmailField()  # privacy: account_user_data retention=12mo
'''
VIEWS = '''
    import logging

    from app.models import Device

    log = logging.getLogger(__name__)


    def show(d: Device):
        log.info("contact %s", d.contact_email)
'''
DEBOUNCE = 0.05


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    shutil.copy(POLICY, tmp_path / "policy.yaml")
    return write_project(root, {"app/__init__.py": "", "app/models.py": MODELS, "app/views.py": VIEWS},
                         setup_cfg=f"[flake8]\nprivacy-policy = {tmp_path / 'policy.yaml'}\n")


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "lint_privacy.cli", "lsp"]))
async def client(lsp_client: LanguageClient, project: Path):
    lsp_client.registrations = []  # type: ignore[attr-defined]

    @lsp_client.feature(t.CLIENT_REGISTER_CAPABILITY)
    def register(ls: LanguageClient, params: t.RegistrationParams) -> None:
        ls.registrations.append(params)  # type: ignore[attr-defined]

    capabilities = t.ClientCapabilities(workspace=t.WorkspaceClientCapabilities(
        did_change_watched_files=t.DidChangeWatchedFilesClientCapabilities(dynamic_registration=True)))
    await lsp_client.initialize_session(t.InitializeParams(
        capabilities=capabilities, root_uri=project.as_uri(), initialization_options={"debounce": DEBOUNCE}))
    lsp_client.root = project  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


# ---------------------------------------------------------------------- helpers


def uri(client: LanguageClient, rel: str) -> str:
    return (client.root / rel).as_uri()  # type: ignore[attr-defined]


def open_file(client: LanguageClient, rel: str) -> str:
    u = uri(client, rel)
    text = (client.root / rel).read_text(encoding="utf-8")  # type: ignore[attr-defined]
    client.text_document_did_open(t.DidOpenTextDocumentParams(t.TextDocumentItem(u, "python", 1, text)))
    return u


def replace_text(client: LanguageClient, u: str, text: str, version: int) -> None:
    """A whole-buffer change, as a client sends it."""
    client.text_document_did_change(t.DidChangeTextDocumentParams(
        t.VersionedTextDocumentIdentifier(version=version, uri=u), [t.TextDocumentContentChangeWholeDocument(text)]))


async def published(client: LanguageClient, u: str, check: Callable[[Sequence[t.Diagnostic]], bool],
                    timeout: float = 30.0) -> Sequence[t.Diagnostic]:
    """The diagnostics of ``u`` once they pass ``check`` (waiting for each publication)."""

    async def wait() -> Sequence[t.Diagnostic]:
        while True:
            diags = client.diagnostics.get(u)
            if diags is not None and check(diags):
                return diags
            await client.wait_for_notification(t.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)

    return await asyncio.wait_for(wait(), timeout)


def shown(diags: Sequence[t.Diagnostic]) -> list[tuple[str, int, str]]:
    return sorted((str(d.code), d.range.start.line + 1, d.message) for d in diags)


def cli_findings(root: Path, rel: str) -> list[tuple[str, int, str]]:
    """What `lint-privacy check` reports for ``rel`` on the files as they are on disk."""
    run = run_cli(root, "check", "--format", "json", "--no-cache", ".")
    doc = json.loads(run.stdout)
    return sorted((f["code"], f["line"], f["message"]) for f in doc["findings"] if f["path"] == rel)


def codes(diags: Sequence[t.Diagnostic]) -> list[str]:
    return sorted(str(d.code) for d in diags)


def apply_edit(text: str, edit: t.TextEdit) -> str:
    lines = text.splitlines(keepends=True)
    start = sum(len(x) for x in lines[:edit.range.start.line]) + edit.range.start.character
    end = sum(len(x) for x in lines[:edit.range.end.line]) + edit.range.end.character
    return text[:start] + edit.new_text + text[end:]


# ---------------------------------------------------------------------- tests


@pytest.mark.asyncio
async def test_open_files_get_the_findings_check_reports_with_origin_and_path(client: LanguageClient):
    views, models = open_file(client, "app/views.py"), open_file(client, "app/models.py")
    got = await published(client, views, lambda d: len(d) > 0)
    assert shown(got) == cli_findings(client.root, "app/views.py")  # type: ignore[attr-defined]
    (prv601,) = got
    assert prv601.code == "PRV601" and prv601.source == "lint-privacy"
    assert prv601.severity == t.DiagnosticSeverity.Error
    assert prv601.range.start.line == 8 and prv601.range.start.character == 4
    origin = prv601.related_information[0]
    assert origin.location.uri == uri(client, "app/models.py") and origin.location.range.start.line == 5
    assert "Device.contact_email" in origin.message
    got = await published(client, models, lambda d: len(d) > 0)
    assert shown(got) == cli_findings(client.root, "app/models.py") and codes(got) == ["PRV103"]  # type: ignore[attr-defined]
    # the server asked to be told of changes to the project's files, the policy among them
    globs = [w["globPattern"] for r in client.registrations for reg in r.registrations  # type: ignore[attr-defined]
             for w in reg.register_options["watchers"]]
    assert "**/*.py" in globs and any("yaml" in g for g in globs)


@pytest.mark.asyncio
async def test_an_edit_is_judged_as_check_judges_the_same_text(client: LanguageClient):
    root: Path = client.root  # type: ignore[attr-defined]
    views = open_file(client, "app/views.py")
    await published(client, views, lambda d: len(d) == 1)
    edited = (root / "app/views.py").read_text() + '\n\ndef again(d: Device):\n    print("mail", d.contact_email)\n'
    replace_text(client, views, edited, 2)
    got = await published(client, views, lambda d: len(d) == 2)
    assert [(c, line) for c, line, _ in shown(got)] == [("PRV601", 9), ("PRV602", 13)]
    (root / "app/views.py").write_text(edited)
    assert shown(got) == cli_findings(root, "app/views.py")


@pytest.mark.asyncio
async def test_a_change_in_one_file_republishes_the_findings_it_changes_in_another(client: LanguageClient):
    root: Path = client.root  # type: ignore[attr-defined]
    views, models = open_file(client, "app/views.py"), open_file(client, "app/models.py")
    await published(client, views, lambda d: codes(d) == ["PRV601"])
    text = (root / "app/models.py").read_text()
    replace_text(client, models, text.replace("# privacy: account_user_data retention=12mo", "# privacy: none"), 2)
    got = await published(client, views, lambda d: codes(d) != ["PRV601"])
    (root / "app/models.py").write_text(text.replace("# privacy: account_user_data retention=12mo", "# privacy: none"))
    assert shown(got) == cli_findings(root, "app/views.py") == []


@pytest.mark.asyncio
async def test_hover_on_a_flagged_line_names_the_data_its_path_and_the_promise(client: LanguageClient):
    views = open_file(client, "app/views.py")
    await published(client, views, lambda d: len(d) == 1)
    hover = await client.text_document_hover_async(t.HoverParams(t.TextDocumentIdentifier(views), t.Position(8, 10)))
    text = hover.contents.value
    assert "**PRV601**" in text and "account_user_data (Device.contact_email) from app/models.py:6" in text
    assert "category `account_user_data`" in text and "lint-privacy explain PRV601" in text
    assert "**Data:** account_user_data (Device.contact_email) from app/models.py:6" in text
    nothing = await client.text_document_hover_async(t.HoverParams(t.TextDocumentIdentifier(views), t.Position(7, 0)))
    assert nothing is None


@pytest.mark.asyncio
async def test_code_actions_write_the_fix_stub_the_none_marker_and_a_noqa_with_a_reason(client: LanguageClient, tmp_path: Path):
    root: Path = client.root  # type: ignore[attr-defined]
    models = open_file(client, "app/models.py")
    (diag,) = await published(client, models, lambda d: len(d) == 1)
    actions = await client.text_document_code_action_async(t.CodeActionParams(
        t.TextDocumentIdentifier(models), diag.range, t.CodeActionContext([diag])))
    by_title = {a.title.split(":")[0]: a for a in actions}
    assert sorted(by_title) == ["Annotate Device.owner_email", "Mark as not personal data", "Suppress PRV103 on this line"]
    text = (root / "app/models.py").read_text()

    def after(title: str) -> str:
        (edit,) = by_title[title].edit.changes[models]
        return apply_edit(text, edit)

    # the stub is what `lint-privacy fix` writes
    copy = tmp_path / "fixed"
    shutil.copytree(root, copy)
    assert run_cli(copy, "fix", "-q").returncode == 0
    assert after("Annotate Device.owner_email") == (copy / "app/models.py").read_text()
    assert after("Suppress PRV103 on this line").splitlines()[4] == \
        "    owner_email = models.CharField(max_length=80)  # noqa: PRV103 <reason>"
    marked = after("Mark as not personal data")
    assert marked.splitlines()[4].endswith("models.CharField(max_length=80)  # privacy: none")
    replace_text(client, models, marked, 2)
    await published(client, models, lambda d: len(d) == 0)
    # a noqa added with its placeholder hides the finding, and counts as a suppression without a reason
    (root / "app/models.py").write_text(after("Suppress PRV103 on this line"))
    report = json.loads(run_cli(root, "check", "--format", "json", "--no-cache", ".").stdout)
    assert [s["justification"] for s in report["suppressions"]] == [None]


@pytest.mark.asyncio
async def test_a_broken_policy_is_one_diagnostic_on_it_and_the_last_good_one_serves(client: LanguageClient, tmp_path: Path):
    views = open_file(client, "app/views.py")
    await published(client, views, lambda d: codes(d) == ["PRV601"])
    policy = tmp_path / "policy.yaml"
    good = policy.read_text()
    lines = good.splitlines(keepends=True)
    policy.write_text("".join(lines[:3]) + "  : [unclosed\n" + "".join(lines[3:]))
    client.workspace_did_change_watched_files(t.DidChangeWatchedFilesParams(
        [t.FileEvent(policy.as_uri(), t.FileChangeType.Changed)]))
    (problem,) = await published(client, policy.as_uri(), lambda d: len(d) == 1)
    assert problem.code == "PRV001" and problem.range.start.line >= 3
    assert "keeps judging with the last policy" in problem.message
    # still judged with the last good policy
    replace_text(client, views, (client.root / "app/views.py").read_text() + "\n# edited\n", 2)  # type: ignore[attr-defined]
    await asyncio.sleep(DEBOUNCE * 4)
    assert codes(client.diagnostics[views]) == ["PRV601"]
    policy.write_text(good)
    client.workspace_did_change_watched_files(t.DidChangeWatchedFilesParams(
        [t.FileEvent(policy.as_uri(), t.FileChangeType.Changed)]))
    await published(client, policy.as_uri(), lambda d: len(d) == 0)
    assert codes(await published(client, views, lambda d: True)) == ["PRV601"]


@pytest.mark.asyncio
async def test_a_buffer_that_does_not_parse_keeps_its_last_findings(client: LanguageClient):
    root: Path = client.root  # type: ignore[attr-defined]
    views, models = open_file(client, "app/views.py"), open_file(client, "app/models.py")
    await published(client, views, lambda d: len(d) == 1)
    before = await published(client, models, lambda d: len(d) == 1)
    text = (root / "app/models.py").read_text()
    replace_text(client, models, text.replace("class Device(models.Model):", "class Device(models.Model:"), 2)
    # in the same debounce window, views.py gains a line: its publication shows the judgement ran
    replace_text(client, views, (root / "app/views.py").read_text() + '    print(d.contact_email)\n', 2)
    got = await published(client, views, lambda d: len(d) == 2)
    assert codes(got) == ["PRV601", "PRV602"]  # still judged with the last good models.py
    assert client.diagnostics[models] is before  # nothing new published for the broken buffer
    replace_text(client, models, text.replace("owner_email", "backup_email"), 3)
    got = await published(client, models, lambda d: d is not before)
    assert [d.range.start.line for d in got] == [4] and "backup_email" in got[0].message


@pytest.mark.asyncio
async def test_a_deleted_file_leaves_the_project(client: LanguageClient):
    root: Path = client.root  # type: ignore[attr-defined]
    views, models = open_file(client, "app/views.py"), open_file(client, "app/models.py")
    await published(client, views, lambda d: codes(d) == ["PRV601"])
    await published(client, models, lambda d: len(d) == 1)
    (root / "app/models.py").unlink()
    client.workspace_did_change_watched_files(t.DidChangeWatchedFilesParams(
        [t.FileEvent(models, t.FileChangeType.Deleted)]))
    got = await published(client, views, lambda d: shown(d) != [] and "Device.contact_email" not in d[0].message)
    assert shown(got) == cli_findings(root, "app/views.py")
    assert list(client.diagnostics[models]) == []


@pytest.mark.asyncio
async def test_a_file_changed_on_disk_by_another_program_is_read_again(client: LanguageClient):
    root: Path = client.root  # type: ignore[attr-defined]
    views = open_file(client, "app/views.py")
    await published(client, views, lambda d: codes(d) == ["PRV601"])
    models = root / "app/models.py"
    models.write_text(models.read_text().replace("# privacy: account_user_data retention=12mo", "# privacy: none"))
    client.workspace_did_change_watched_files(t.DidChangeWatchedFilesParams(
        [t.FileEvent(models.as_uri(), t.FileChangeType.Changed)]))
    got = await published(client, views, lambda d: codes(d) != ["PRV601"])
    assert shown(got) == cli_findings(root, "app/views.py") == []


@pytest.fixture
def unconfigured(tmp_path: Path) -> Path:
    return write_project(tmp_path / "bare", {"app/__init__.py": "", "app/views.py": VIEWS}, setup_cfg=None)


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "lint_privacy.cli", "lsp"]))
async def bare_client(lsp_client: LanguageClient, unconfigured: Path):
    await lsp_client.initialize_session(t.InitializeParams(
        capabilities=t.ClientCapabilities(), root_uri=unconfigured.as_uri(), initialization_options={"debounce": DEBOUNCE}))
    lsp_client.root = unconfigured  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


@pytest.mark.asyncio
async def test_without_a_policy_the_server_says_so_once_and_publishes_nothing(bare_client: LanguageClient):
    views = open_file(bare_client, "app/views.py")
    for version in (2, 3):
        replace_text(bare_client, views, VIEWS + f"\n# {version}\n", version)
        await asyncio.sleep(DEBOUNCE * 4)
    await bare_client.text_document_hover_async(t.HoverParams(t.TextDocumentIdentifier(views), t.Position(0, 0)))
    assert len(bare_client.messages) == 1, bare_client.messages
    said = bare_client.messages[0].message
    assert said.startswith("lint-privacy: cannot start: no policy given for the project at "), said
    assert said.endswith("or set policy in [tool.lint-privacy] of its pyproject.toml (lint-privacy init writes one)")
    assert bare_client.diagnostics == {}
