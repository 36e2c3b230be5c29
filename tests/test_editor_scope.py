"""The editor path: an edited buffer is judged with only the files that can change its findings
(lint_privacy/lineage/scope.py), and gets exactly the findings a judgement of the whole project
with the buffer gives it — for every file of the examples and of CROSSINGS, under edits that
change nothing, add a flow, add a call into another module, and delete a function.

CROSSINGS has a file for each way a file's findings depend on files it neither imports nor is
imported by; leaving out any one rule of the scope makes some of its files' findings differ.

The same comparison runs over any project as a script (not part of the default test run):

    python tests/test_editor_scope.py PROJECT_DIR [--policy FILE]

e.g. on ``bench/make_corpus.py --lines 10000 --out /tmp/scope-corpus``; it prints every file whose
scoped findings differ, and the scope sizes.
"""

from __future__ import annotations

import ast
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from lint_privacy.engine import facts_of, judge, read_source
from lint_privacy.findings import Finding
from lint_privacy.lineage.scope import files_for
from lint_privacy.session import Session, load_setup

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest import POLICY, REPO, SETUP_CFG, run_flake8, write_project  # noqa: E402

CROSSINGS = {
    "app/__init__.py": "",
    "app/models.py": """
        from django.db import models


        class Contact(models.Model):
            email = models.EmailField()  # privacy: account_user_data retention=12mo
            token = models.CharField(max_length=40)  # privacy: account_user_data retention=12mo
        """,
    # A plain field of the same name: Contact.token is not matched by name alone.
    "app/devices.py": """
        class Device:
            token = ""
        """,
    # Writes request data into Contact.email, which report.py reads: imported by nobody.
    "app/signup.py": """
        from app.models import Contact


        def signup(request):
            return Contact(email=request.POST["email"])


        def register(
            email,  # privacy: event_registration
        ):
            return Contact(email=email)
        """,
    # The only caller of register(), under a consent check: register's data is consented.
    "app/views.py": """
        from app.consent import has_consent
        from app.signup import register


        def view(user):
            if has_consent(user, "webinar_delivery"):
                register("someone@example.com")
        """,
    "app/consent.py": """
        def has_consent(user, purpose):
            return bool(user)
        """,
    "app/helpers.py": """
        def token_of(thing):
            return thing.token
        """,
    "app/settings.py": """
        CRM_URL = "https://api.hubapi.com/contacts/v1/contact"
        """,
    # Every log call of the project is a transfer to Sentry.
    "app/logconf.py": """
        import sentry_sdk

        sentry_sdk.init(dsn="https://key@o1.ingest.sentry.io/1")
        """,
    "app/report.py": """
        import logging

        import requests
        from django.conf import settings

        from app.helpers import token_of

        log = logging.getLogger(__name__)


        def report(contact):
            log.info("contact %s", contact.email)


        def audit(thing):
            log.info("token %s", token_of(thing))


        def push(contact):  # privacy: purpose=webinar_delivery
            requests.post(settings.CRM_URL, json={"email": contact.email})
        """,
    # Contact(...) keeps its arguments in its fields: wrap() returns nothing personal.
    "app/factory.py": """
        from app.models import Contact


        def wrap(email):
            return Contact(email=email)
        """,
    "app/wrapper_use.py": """
        import logging

        from app.factory import wrap


        def make(request):
            logging.getLogger(__name__).info("made %s", wrap(request.POST["email"]))
        """,
}

Edit = Callable[[str, str, dict[str, str]], str | None]  # (path, source, every file's source) -> buffer


def _appended(path: str, source: str, sources: dict[str, str]) -> str:
    return source + "\n# edited\n"


def _logs_a_field(path: str, source: str, sources: dict[str, str]) -> str:
    """A new function logging ``.email`` of something of unknown class (matched by name)."""
    return source + ("\n\ndef _edited_log(record):\n    import logging\n\n"
                     "    logging.getLogger(__name__).info('edited %s', record.email)\n")


def _calls_another_module(path: str, source: str, sources: dict[str, str]) -> str | None:
    """A new import of a function of the next file that has one, called with request data."""
    ordered = sorted(sources)
    for other in ordered[ordered.index(path) + 1:] + ordered[:ordered.index(path)]:
        names = [n.name for n in ast.parse(sources[other]).body if isinstance(n, ast.FunctionDef)]
        if names:
            module = other.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
            return source + (f"\n\nfrom {module} import {names[0]} as _edited_callee\n\n\n"
                             "def _edited_view(request):\n    return _edited_callee(request.POST['email'])\n")
    return None


def _deletes_a_function(path: str, source: str, sources: dict[str, str]) -> str | None:
    """The first top-level function removed (its callers elsewhere now call nothing)."""
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef):
            lines = source.splitlines(keepends=True)
            first = node.decorator_list[0].lineno if node.decorator_list else node.lineno
            return "".join(lines[:first - 1] + lines[node.end_lineno:])  # type: ignore[operator]
    return None


EDITS: dict[str, Edit] = {
    "appended comment": _appended,
    "logs a field": _logs_a_field,
    "calls another module": _calls_another_module,
    "deletes a function": _deletes_a_function,
}


def mismatches(root: Path, policy: Path = POLICY) -> Iterator[tuple[str, str, list[Finding], list[Finding], int]]:
    """For every file and edit: (path, edit, scoped findings, whole-project findings, scope size),
    the findings when they differ, else empty lists."""
    setup = load_setup(root, policy)
    config, pol, catalog = setup.config, setup.policy, setup.catalog
    session = Session(setup)
    result = session.result()
    outline = result.judged.outline()
    assert outline is not None
    everything = result.project.facts()
    sources = {p: read_source(root / p) for p in everything}
    for path in everything:
        for name, edit in EDITS.items():
            buffer = edit(path, sources[path], sources)
            if buffer is None:
                continue
            scoped = session.findings_for(str(root / path), buffer)
            facts = dict(everything)
            facts[path] = facts_of(path, buffer)
            whole = [f for f in judge(config, pol, catalog, facts)[0] if f.path == path]
            size = len(files_for(outline, config, facts[path]) or everything)
            yield (path, name, scoped, whole, size) if scoped != whole else (path, name, [], [], size)


@pytest.fixture(scope="module", params=["messaging", "messaging_clean", "crossings"])
def example(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("scope") / request.param
    if request.param == "crossings":
        return write_project(root, CROSSINGS)
    shutil.copytree(REPO / "examples" / request.param, root, ignore=shutil.ignore_patterns(".lint-privacy-cache"))
    return root


def test_every_edited_file_gets_the_findings_of_the_whole_project(example: Path) -> None:
    compared = differing = 0
    report = []
    for path, edit, scoped, whole, _ in mismatches(example):
        compared += 1
        if scoped != whole:
            differing += 1
            report.append(f"{path} ({edit}):\n  scoped: {scoped}\n  whole:  {whole}")
    assert compared >= 40
    assert not differing, "\n".join(report)


@pytest.mark.parametrize(("source", "path", "unrelated"), [
    ("examples/messaging", "app/age_gates.py", {"app/views.py", "app/services.py", "app/regions/quebec.py"}),
    ("crossings", "app/wrapper_use.py", {"app/report.py", "app/helpers.py"}),
])
def test_a_leaf_file_is_judged_without_the_files_it_cannot_reach(
        tmp_path: Path, source: str, path: str, unrelated: set[str]) -> None:
    root = tmp_path / "project"
    if source == "crossings":
        write_project(root, CROSSINGS)
    else:
        shutil.copytree(REPO / source, root, ignore=shutil.ignore_patterns(".lint-privacy-cache"))
    setup = load_setup(root, POLICY)
    config = setup.config
    result = Session(setup).result()
    outline = result.judged.outline()
    assert outline is not None
    facts = result.project.facts()
    scope = files_for(outline, config, facts[path])
    assert scope is not None and path in scope and len(scope) < len(facts), sorted(scope or ())
    assert unrelated <= facts.keys() and not scope & unrelated, sorted(scope)


def test_flake8_on_stdin_reports_an_edited_buffer_as_the_whole_project_would(tmp_path: Path) -> None:
    root = tmp_path / "messaging"
    shutil.copytree(REPO / "examples" / "messaging", root, ignore=shutil.ignore_patterns(".lint-privacy-cache"))
    (root / "setup.cfg").write_text(SETUP_CFG)  # the example's names the policy by a path relative to it
    buffer = _logs_a_field("app/services.py", (root / "app/services.py").read_text(), {})
    setup = load_setup(root, POLICY)
    facts = dict(Session(setup).result().project.facts())
    facts["app/services.py"] = facts_of("app/services.py", buffer)
    whole = [f for f in judge(setup.config, setup.policy, setup.catalog, facts)[0] if f.path == "app/services.py"]
    run = run_flake8(root, "--select", "PRV", "--stdin-display-name", "app/services.py", "-", stdin=buffer)
    assert whole and [(h.line, h.code, h.message) for h in run.hits] == [(f.line, f.code, f.message) for f in whole], run.dump()


def main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--policy", type=Path, default=POLICY)
    args = parser.parse_args(argv)
    compared = differing = 0
    sizes: list[tuple[int, str]] = []
    for path, edit, scoped, whole, size in mismatches(args.project.resolve(), args.policy):
        compared += 1
        sizes.append((size, path))
        if scoped != whole:
            differing += 1
            print(f"MISMATCH {path} ({edit})\n  scoped: {scoped}\n  whole:  {whole}", flush=True)
    sizes = sorted(set(sizes))
    print(f"{compared} edited buffers compared, {differing} differ; scope sizes: min {sizes[0][0]} "
          f"median {sizes[len(sizes) // 2][0]} max {sizes[-1][0]} files")
    return 1 if differing else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
