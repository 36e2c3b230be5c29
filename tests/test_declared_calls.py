"""What the user says wins: a `# privacy: recipient=... country=...` annotation on a call the
catalog does not know (a project's own wrapper) makes that call where the data leaves, with the
recipient and country the annotation gives."""

from __future__ import annotations

import pytest

from conftest import Run, check, line_of, lint

SMS = '''
    import pycurl


    def post(url, data):
        c = pycurl.Curl()
        c.setopt(pycurl.URL, url)
        c.setopt(pycurl.POSTFIELDS, data)  # L:inside
        c.perform()


    def send(phone, text):
        post("https://api.example-sms.com/send", f"to={phone}&text={text}")
'''
VIEWS = '''
    from app import sms
    from app.models import Contact


    def notify(c: Contact):
        sms.send(c.phone, "hello")  # privacy: recipient=zendesk country=US safeguard=scc  # L:declared


    def notify_undeclared(c: Contact):
        sms.send(c.email, "hello")  # privacy: recipient=telecom_operators country=US  # L:undeclared


    def notify_plain(c: Contact):
        sms.send(c.email, "hello")  # L:plain
'''
MODELS = '''
    from django.db import models


    class Contact(models.Model):
        email = models.EmailField()  # privacy: account_user_data retention=12mo
        phone = models.CharField(max_length=20)  # privacy: account_user_data retention=12mo
'''


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Run:
    return check(tmp_path_factory.mktemp("declared"), {
        "app/__init__.py": "", "app/models.py": MODELS, "app/sms.py": SMS, "app/views.py": VIEWS})


def test_an_annotated_wrapper_call_with_a_declared_recipient_is_quiet(run: Run) -> None:
    run.none("app/views.py", line_of(VIEWS, "# L:declared"))


def test_an_annotated_wrapper_call_is_judged_against_the_policy_at_its_line(run: Run) -> None:
    hit = run.one("app/views.py", line_of(VIEWS, "# L:undeclared"), "PRV303")
    assert hit.message.startswith("account_user_data (Contact.email) is sent to"), hit
    assert "by app.sms.send" in hit.detail("reason"), hit


def test_the_data_of_annotated_calls_stops_there_and_plain_calls_go_on_into_the_wrapper(run: Run) -> None:
    run.none("app/views.py", line_of(VIEWS, "# L:plain"))
    hits = run.at("app/sms.py", line_of(SMS, "# L:inside"))
    assert hits and all(h.code == "PRV003" for h in hits), run.dump()
    assert any("Contact.email" in h.message for h in hits) and not any("Contact.phone" in h.message for h in hits), run.dump()


CATALOG = '''
    sinks:
      our-sms:
        kind: vendor
        vendor: twilio
        calls: [app.sms.send]
'''


def test_a_project_function_named_in_the_projects_catalog_is_a_sink(tmp_path) -> None:
    run = lint(tmp_path, {"app/__init__.py": "", "app/models.py": MODELS, "app/sms.py": SMS, "app/views.py": VIEWS,
                          "privacy/catalog.yaml": CATALOG,
                          "pyproject.toml": '[tool.lint-privacy]\ncatalog = ["privacy/catalog.yaml"]\n'})
    hits = run.at("app/views.py", line_of(VIEWS, "# L:plain"))
    assert hits and all("Twilio" in h.message for h in hits), run.dump()
    inside = run.at("app/sms.py", line_of(SMS, "# L:inside"))  # the callers' data stops at the sink
    assert not any("Contact." in h.message for h in inside), run.dump()


def test_a_project_whose_data_leaves_through_its_own_wrapper_shows_the_recipients_in_the_data_map(tmp_path) -> None:
    import json

    from conftest import run_cli

    lint(tmp_path, {"app/__init__.py": "", "app/models.py": MODELS, "app/sms.py": SMS, "app/views.py": VIEWS})
    cli = run_cli(tmp_path, "graph", "--format", "json", "--no-cache")
    nodes = json.loads(cli.stdout)["nodes"]
    recipients = {n["label"] for n in nodes if n.get("kind") == "recipient"}
    assert "Zendesk, Inc." in recipients, recipients
    assert any(label.startswith("Telecom operators") for label in recipients), recipients
    assert {n["label"] for n in nodes if n.get("kind") == "sink"} >= {"app.sms.send"}, nodes
