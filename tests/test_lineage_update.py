"""The language server's lineage, kept between edits and updated in place (``Lineage.update``),
is the lineage a build over the edited files makes: the same nodes, edges, attributes and edge
order (which path a finding names depends on it), the same sources, sinks and calls, and so the
same findings, for every file, after each of a series of edits of many shapes. The language
server (``live.Live``) then judges an edited buffer as ``lint-privacy check`` judges the text.

The same comparison runs over any project as a script (not part of the default test run):

    python tests/test_lineage_update.py PROJECT_DIR [--policy FILE] [--files N]

e.g. on ``bench/make_corpus.py --lines 100000 --out /tmp/corpus-100k``: it edits N files in
turn (the edits of tests/test_editor_scope.py, and deleting the file), compares the updated
lineage with a new build after each edit, and prints every difference.
"""

from __future__ import annotations

import random
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from lint_privacy.checks import Context, run_checks
from lint_privacy.engine import SourceError, facts_of, judge, read_source
from lint_privacy.facts import FileFacts
from lint_privacy.findings import Finding
from lint_privacy.lineage.graph import Lineage
from lint_privacy.lineage.symbols import Symbols
from lint_privacy.live import Live
from lint_privacy.project import project_files
from lint_privacy.session import Setup, load_setup

sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest import POLICY, write_project  # noqa: E402

PROJECT = {
    "app/__init__.py": "",
    "app/settings.py": """
        ADMIN_EMAIL = "admin@example.com"
        """,
    "app/models.py": """
        from django.db import models


        class Contact(models.Model):
            email = models.EmailField()  # privacy: account_user_data retention=12mo
            phone = models.CharField(max_length=20)


        class Note(models.Model):
            body = models.TextField()
        """,
    # A package re-exporting a subclass under a name of its own; the subclass's property returns
    # a library's client.
    "app/people/__init__.py": """
        from .records import Person as Member
        """,
    "app/people/records.py": """
        import requests
        from django.db import models

        from app.models import Contact


        class Person(Contact):
            nickname = ""
            mobile_phone = models.CharField(max_length=20)

            @property
            def client(self):
                return self._connect()

            def _connect(self):
                return requests.Session()
        """,
    "app/clients.py": """
        import logging

        import requests

        trail = logging.getLogger(__name__)


        def push(payload):
            requests.post("https://api.example.com/contacts", json=payload)


        def audit(value):
            trail.info("audit %s", value)
        """,
    "app/services.py": """
        from app import clients
        from app.models import Contact
        from app.people.records import Person


        def export(contact_id):
            contact = Contact.objects.get(pk=contact_id)
            return contact.email


        def sync(contact_id):
            clients.audit(export(contact_id))


        def ping(person: Person):
            person.client.post("https://crm.example.com", data=person.phone)
        """,
    "app/views.py": """
        import logging

        from app.services import export, sync


        def signup(request):
            email = request.POST["email"]
            sync(email)
            logging.getLogger(__name__).info("exported %s", export(email))
        """,
    "app/crm.py": """
        from app.people import Member


        def sync_member(member: Member):
            member.client.post("https://crm.example.com/members", data=member.email)


        def greet(request):
            print(request.user.email)
        """,
    # A framework model's field read here too: its source is made where it is first read (crm.py).
    # A module variable of another file, made by a call (a logger).
    "app/profile.py": """
        from app.clients import trail


        def show(request):
            trail.info("profile of %s", request.user.email)
            return {"email": request.user.email}
        """,
    # A service locator's interface, its implementations in a file of their own, and a caller that
    # binds only the interface: an implementation declared or dropped changes the caller's lineage.
    "app/desks.py": """
        from zope.interface import Interface


        class IDesk(Interface):
            def open_ticket(payload):
                \"\"\"Open a ticket.\"\"\"
        """,
    "app/desk_impl.py": """
        import requests
        from zope.interface import implementer

        from app.desks import IDesk


        @implementer(IDesk)
        class ConsoleDesk:
            def open_ticket(self, payload):
                print(payload)


        class WebDesk:
            def open_ticket(self, payload):
                requests.post("https://desk.example.com/tickets", json=payload)
        """,
    "app/support.py": """
        from app.desks import IDesk


        def report(request, contact_id):
            contact = request.db.get(contact_id)
            request.find_service(IDesk).open_ticket({"email": contact.email})
        """,
}

LEAK = """

def leak(contact_id):
    clients.push({"email": export(contact_id)})
"""

Change = Callable[[str], str]


def appended(text: str) -> Change:
    return lambda old: old + text


def prepended(text: str) -> Change:
    return lambda old: text + old


def written(text: str) -> Change:
    return lambda old: text


def replaced(what: str, by: str) -> Change:
    def change(old: str) -> str:
        assert what in old, what
        return old.replace(what, by)
    return change


# Each edit: (what it is, the file, how its text changes; None: the file is deleted), made in turn
# on the text the edits before it left.
EDITS: list[tuple[str, str, Change | None]] = [
    ("a comment appended (nothing other files read changes)", "app/services.py", appended("\n# edited\n")),
    ("a function added: a cross-file flow appears", "app/services.py", appended(LEAK)),
    ("the function removed: the flow disappears", "app/services.py", replaced(LEAK, "")),
    ("what a function returns changed (its callers' summary edges)", "app/services.py",
     replaced("    return contact.email", "    return contact_id")),
    ("back", "app/services.py", replaced("    return contact_id", "    return contact.email")),
    ("a function removed (its callers call nothing)", "app/services.py",
     replaced("def export(contact_id):", "def exported(contact_id):")),
    ("it comes back", "app/services.py", replaced("def exported(contact_id):", "def export(contact_id):")),
    ("an import changed", "app/views.py",
     replaced("from app.services import export, sync", "from app.services import sync\n"
                                                       "from app.clients import push as export")),
    ("a class renamed", "app/models.py", replaced("class Contact(models", "class Customer(models")),
    ("a subclass's base renamed with it", "app/people/records.py", replaced("Contact", "Customer")),
    ("the class renamed back", "app/models.py", replaced("class Customer(models", "class Contact(models")),
    ("the first reader of a framework model's field gone (its source moves)", "app/crm.py",
     replaced("    print(request.user.email)", "    print(request)")),
    ("it reads it again", "app/crm.py", replaced("    print(request)", "    print(request.user.email)")),
    ("a field annotated", "app/models.py",
     replaced("(max_length=20)\n", "(max_length=20)  # privacy: account_user_data\n")),
    ("what a property returns changed", "app/people/records.py",
     replaced("return requests.Session()", "import boto3\n        return boto3.client('s3')")),
    ("a re-export dropped", "app/people/__init__.py", replaced("import Person as Member", "import Person")),
    ("the re-export back", "app/people/__init__.py", replaced("import Person", "import Person as Member")),
    ("a parameter renamed (a module's function, called through the module)", "app/clients.py",
     replaced('(value):\n    trail.info("audit %s", value)', '(entry):\n    trail.info("audit %s", entry)')),
    ("a module variable made by another call", "app/clients.py",
     replaced("trail = logging.getLogger(__name__)", "trail = print")),
    ("a file deleted", "app/clients.py", None),
    ("a new file calling into others", "app/extra.py", written(
        "from app.services import export\nfrom app.clients import push\n\n\ndef forward(contact_id):\n"
        "    push(export(contact_id))\n")),
    ("the deleted file back", "app/clients.py", written(textwrap.dedent(PROJECT["app/clients.py"]).lstrip())),
    ("lines inserted at the top (every position moves)", "app/models.py", prepended("# one\n# two\n")),
    ("a class declares it implements an interface (a locator's caller reaches it)", "app/desk_impl.py",
     replaced("class WebDesk:", "@implementer(IDesk)\nclass WebDesk:")),
    ("another class no longer does", "app/desk_impl.py", replaced("@implementer(IDesk)\nclass ConsoleDesk:",
                                                                 "class ConsoleDesk:")),
    ("a new package's module (a new top-level package)", "tools/__init__.py", written("X = 1\n")),
]


def state(lin: Lineage) -> dict[str, object]:
    """Everything the checks read of a lineage, in the order they read it."""
    g = lin.full
    return {
        "nodes": {n: dict(data) for n, data in g.nodes(data=True)},
        "edges": {a: [(b, dict(data)) for b, data in out.items()] for a, out in g._succ.items()},
        "sources": list(lin.sources),
        "model fields": dict(lin.model_fields),
        # Looked up by id: their order means nothing.
        "sinks": dict(lin.sinks),
        "functions": {fid: (fn.fact, fn.index) for fid, fn in lin.functions.items()},
        "methods": {c: [fn.fid for fn in fns] for c, fns in lin.methods_of.items()},
        "calls": lin.call_sites(),
    }


def differences(updated: Lineage, built: Lineage) -> list[str]:
    """What differs, one line per part of :func:`state` (its first differing item)."""
    found = []
    mine, theirs = state(updated), state(built)
    for key, a in mine.items():
        b = theirs[key]
        if a == b:
            continue
        if isinstance(a, dict) and isinstance(b, dict):
            differ = sorted(k for k in a.keys() | b.keys() if a.get(k) != b.get(k))
            first = differ[0] if differ else None
            found.append(f"{key}: {len(differ)} differ, e.g. {first}: {a.get(first)} != {b.get(first)}"
                         if differ else f"{key}: the same, in another order")
        else:
            found.append(f"{key}: {a} != {b}")
    return found


def checked(setup: Setup, lin: Lineage, focus: frozenset[str] | None = None) -> list[Finding]:
    return run_checks(Context(config=setup.config, policy=setup.policy, catalog=setup.catalog,
                              symbols=lin.symbols, files=lin.files, lineage=lin, focus=focus))


def build(setup: Setup, files: dict[str, FileFacts]) -> Lineage:
    files = dict(sorted(files.items()))
    symbols = Symbols(files.values(), setup.config)
    return Lineage.build(symbols, files, setup.catalog, setup.config, setup.policy)


def every_facts(setup: Setup) -> dict[str, FileFacts]:
    """The facts of every file of the project that parses."""
    found = {}
    for path in project_files(setup.config):
        try:
            found[path] = facts_of(path, read_source(setup.config.root / path))
        except SourceError:
            continue
    return found


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path / "project", PROJECT)


def test_each_edit_updates_the_lineage_into_the_one_a_build_makes(project: Path) -> None:
    setup = load_setup(project, POLICY)
    files = every_facts(setup)
    texts = {p: (project / p).read_text() for p in files}
    lin = build(setup, files)
    lin.prepare_updates()
    remade = []
    for what, path, change in EDITS:
        if change is None:
            del files[path], texts[path]
            updated = lin.update({}, {path})
        else:
            texts[path] = change(texts.get(path, ""))
            files[path] = facts_of(path, texts[path])
            updated = lin.update({path: files[path]})
        fresh = build(setup, files)
        if not updated:  # only when a top-level package comes or goes: a new build, then
            assert path.startswith("tools/"), what
            lin = fresh
            continue
        remade.append(what)
        assert not differences(lin, fresh), (what, differences(lin, fresh))
        whole = checked(setup, fresh)
        assert checked(setup, lin) == whole, what
        for target in {path, *(f.path for f in whole)} & lin.files.keys():
            alone = [f for f in whole if f.path == target]
            assert checked(setup, lin, frozenset({target})) == alone, (what, target)
    assert len(remade) == len(EDITS) - 1


def test_the_edits_change_findings_in_other_files(project: Path) -> None:
    """The edits above are worth comparing: the findings they change are not only in the edited file."""
    setup = load_setup(project, POLICY)
    files = every_facts(setup)
    before = {(f.path, f.code, f.line) for f in checked(setup, build(setup, files))}
    files["app/services.py"] = facts_of("app/services.py", textwrap.dedent(PROJECT["app/services.py"]) + LEAK)
    after = {(f.path, f.code, f.line) for f in checked(setup, build(setup, files))}
    assert any(p == "app/clients.py" for p, _, _ in after - before), sorted(after - before)


def remade(lin: Lineage, path: str, text: str) -> set[str]:
    """The files whose part of the lineage an update with this text of ``path`` makes again."""
    parts = dict(lin.ledger.parts)
    assert lin.update({path: facts_of(path, text)})
    return {p for p, part in lin.ledger.parts.items() if part is not parts[p]}


def test_an_update_remakes_only_the_files_that_read_what_changed(project: Path) -> None:
    setup = load_setup(project, POLICY)
    lin = build(setup, every_facts(setup))
    services = textwrap.dedent(PROJECT["app/services.py"]).lstrip()
    models = textwrap.dedent(PROJECT["app/models.py"]).lstrip()
    # A body changed: only the file's part.
    body = services.replace("pk=contact_id", "id=contact_id")
    assert remade(lin, "app/services.py", body) == {"app/services.py"}
    # A function renamed: the views too, which import it; not the models, the clients or the people.
    assert remade(lin, "app/services.py", services.replace("def sync(", "def synced(")) == {
        "app/services.py", "app/views.py"}
    # A model's field renamed: what reads the class (a subclass, a query), and what reads the
    # subclass (under the name a package re-exports it by).
    assert remade(lin, "app/models.py", models.replace("phone =", "mobile =")) == {
        "app/models.py", "app/people/records.py", "app/people/__init__.py", "app/services.py", "app/crm.py"}


def test_the_server_judges_an_edit_as_check_does_and_keeps_the_last_good_facts(project: Path) -> None:
    setup = load_setup(project, POLICY)
    live = Live.load(setup)
    targets = ["app/services.py", "app/clients.py", "app/views.py"]
    services = (project / "app/services.py").read_text()

    def whole(files: dict[str, FileFacts]) -> dict[str, list[Finding]]:
        found = judge(setup.config, setup.policy, setup.catalog, dict(sorted(files.items())))[0]
        return {t: [f for f in found if f.path == t] for t in targets}

    files = every_facts(setup)
    assert live.findings(targets) == whole(files)
    assert live.update("app/services.py", services + LEAK)
    files["app/services.py"] = facts_of("app/services.py", services + LEAK)
    leaked = whole(files)
    assert leaked["app/clients.py"] != whole(every_facts(setup))["app/clients.py"]
    assert live.findings(targets) == leaked
    # Mid-typing: the buffer does not parse; the last facts that did stay, and so do the findings.
    assert not live.update("app/services.py", services + LEAK + "\ndef broken(:\n")
    assert live.findings(targets) == leaked
    assert live.update("app/services.py", services)
    assert live.findings(targets) == whole(every_facts(setup))
    live.deleted("app/clients.py")
    del files["app/clients.py"]
    files["app/services.py"] = facts_of("app/services.py", services)
    gone = whole(files)
    assert live.findings(targets) == {**gone, "app/clients.py": []}


def _facts_or_none(path: str, text: str) -> FileFacts | None:
    try:
        return facts_of(path, text)
    except SourceError:
        return None


def compare(root: Path, policy: Path, count: int, seed: int = 0) -> Iterator[str]:
    """Edit ``count`` files of a project in turn, and say how the updated lineage differs from a
    new build after each edit (nothing, when it does not)."""
    from test_editor_scope import EDITS as SCOPE_EDITS

    setup = load_setup(root, policy, no_cache=True)
    files = every_facts(setup)
    sources = {p: read_source(root / p) for p in files}
    lin = build(setup, files)
    lin.prepare_updates()
    for path in random.Random(seed).sample(sorted(files), min(count, len(files))):
        kinds = [(name, edit(path, sources[path], sources)) for name, edit in SCOPE_EDITS.items()]
        for name, text in [*kinds, ("deletes the file", None)]:
            facts = _facts_or_none(path, text) if text is not None else None
            if text is not None and facts is None:
                continue
            now = dict(files)
            if facts is None:
                del now[path]
            else:
                now[path] = facts
            if not lin.update({path: facts} if facts else {}, () if facts else {path}):
                yield f"{path} ({name}): a new build was needed"
                lin = build(setup, now)
            fresh = build(setup, now)
            differ = differences(lin, fresh)
            if not differ and checked(setup, lin) != checked(setup, fresh):
                differ = ["findings"]
            yield f"{path} ({name}): " + ("; ".join(differ) if differ else "the same")
            if not lin.update({path: files[path]}):
                lin = build(setup, files)


def main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--policy", type=Path, default=POLICY)
    parser.add_argument("--files", type=int, default=20, help="how many files to edit")
    args = parser.parse_args(argv)
    differing = 0
    for line in compare(args.project.resolve(), args.policy, args.files):
        print(line)
        differing += not line.endswith("the same")
    print(f"{differing} edits differ")
    return 1 if differing else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
