"""A stored field whose name says nothing (a JSON blob, a free-text column) is inventoried by the
personal data the code writes into it: PRV103 (or PRV106) on its definition, naming the data,
where it was written and through which functions; `lint-privacy fix` writes it a stub as for a
field found by its name. Only sources that say what they are where they are read (a field,
request input, an attribute or key named as personal data) make a field personal this way.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import POLICY, Run, check, line_of, lint, write_project
from lint_privacy.cli import main

MODELS = '''
    from dataclasses import dataclass

    from django.db import models


    class AuditEvent(models.Model):
        action = models.CharField(max_length=40)  # popped from the dict by its key
        details = models.JSONField(default=dict)  # the dict itself
        note = models.TextField()  # an f-string with the actor's e-mail
        tally = models.IntegerField(default=0)  # a number
        label = models.TextField()  # the request's path
        memo = models.TextField()  # privacy: none
        kept = models.TextField()  # privacy: account_user_data retention=12mo
        extra = models.TextField()  # written by test code only
        owner_id = models.TextField()  # an id, whatever is written into it
        domain = models.TextField()  # the domain of an e-mail address
        target = models.TextField()  # a parameter named email

        @classmethod
        def record(cls, data):
            return cls(action=data.pop("action"), details=data)


    class Visit(models.Model):
        summary = models.TextField()  # a diagnosis
        subject = models.TextField()  # a sender's address
        who = models.TextField()  # a name found by its object's name only


    @dataclass
    class Draft:
        body: str  # held in memory, not stored
'''

SQLALCHEMY = '''
    from flask_sqlalchemy import SQLAlchemy


    class AppSQLAlchemy(SQLAlchemy):
        pass


    db = AppSQLAlchemy()


    class Login(db.Model):
        info = db.Column(db.JSON)  # a user agent
'''

VIEWS = '''
    from flask import request

    from app.models import AuditEvent, Draft, Visit
    from app.sa import Login


    def record(action):
        data = {"ip": request.remote_addr, "action": action}
        return AuditEvent.record(data)


    def annotate(user):
        event = AuditEvent.objects.get(pk=1)
        event.note = f"changed by {request.user.email}"  # note
        event.tally = len(request.form["phone"])
        event.label = request.path
        event.memo = request.remote_addr
        event.kept = request.remote_addr
        event.owner_id = request.form["email"]
        for email in user.emails:
            event.domain = email.domain
        event.save()


    def invite(email):
        AuditEvent.objects.create(target=email)


    def visit(member):
        Visit.objects.create(summary=request.form["diagnosis"])  # summary
        Visit.objects.update_or_create(subject=request.form["email"], defaults={"summary": "x"})
        Visit.objects.filter(pk=1).update(who=member.name)
        Draft(body=request.remote_addr)
        Login(info={"agent": request.user_agent})
'''

TESTS = '''
    from flask import request

    from app.models import AuditEvent


    def test_extra():
        AuditEvent(extra=request.remote_addr)
'''

FILES = {"app/__init__.py": "", "app/models.py": MODELS, "app/sa.py": SQLALCHEMY, "app/views.py": VIEWS,
         "tests/test_views.py": TESTS}


def at(marker: str) -> int:
    return line_of(MODELS, marker)


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return check(tmp_path_factory.mktemp("written"), FILES)


def test_a_dict_with_an_ip_address_written_by_cls_is_prv103_saying_what_and_where(written: Run) -> None:
    hit = written.one("app/models.py", at("# the dict itself"), "PRV103")
    # the first line's data is shortened in its middle to fit (FIRST_LINE); the details have it whole
    assert hit.message.startswith("AuditEvent.details receives personal data (IP address from"), hit
    assert hit.message.endswith("remote_addr) but has no privacy annotation"), hit
    read, record = line_of(VIEWS, "action}"), line_of(VIEWS, "def record(action):")
    assert hit.detail("data") == ("unannotated ip_address (request.remote_addr, found by name: lower "
                                  f"confidence) from app/views.py:{read}"), hit.text
    assert hit.detail("route") == (f"written by AuditEvent.record() at app/models.py:{at('details=data)')}, "
                                   f"through record() in app/views.py:{record}"), hit.text
    assert hit.detail("reason").startswith("likely categories: "), hit.text


def test_an_attribute_assigned_an_f_string_of_an_e_mail_is_prv103(written: Run) -> None:
    hit = written.one("app/models.py", at("# an f-string with the actor's e-mail"), "PRV103")
    assert hit.message.startswith("AuditEvent.note receives personal data (e-mail address from "), hit
    assert hit.detail("route") == f"written by annotate() at app/views.py:{line_of(VIEWS, '# note')}", hit


def test_flake8_names_the_field_and_where_its_data_comes_from(tmp_path: Path) -> None:
    hit = lint(tmp_path, FILES).one("app/models.py", at("# the dict itself"), "PRV103")
    assert hit.message.startswith("AuditEvent.details receives personal data (IP address from"), hit
    assert hit.cites == f"from app/views.py:{line_of(VIEWS, 'action}')}", hit


def test_an_orm_create_of_request_input_is_prv103_or_prv106_by_its_kind(written: Run) -> None:
    hit = written.one("app/models.py", at("# a diagnosis"), "PRV106")
    assert hit.message == ("Visit.summary receives health data from request.form['diagnosis'], which no "
                           "category of the notice covers"), hit
    assert hit.detail("route") == f"written by visit() at app/views.py:{line_of(VIEWS, '# summary')}", hit
    hit = written.one("app/models.py", at("# a sender's address"), "PRV103")
    assert hit.message.startswith("Visit.subject receives personal data (e-mail address fro"), hit
    assert hit.detail("data").startswith("unannotated email (request.form['email'], "), hit.text


def test_a_model_of_a_subclass_of_flask_sqlalchemys_extension_is_stored(written: Run) -> None:
    hit = written.one("app/sa.py", line_of(SQLALCHEMY, "# a user agent"), "PRV103")
    assert hit.message.startswith("Login.info receives personal data (user agent from request.user_agent)")


@pytest.mark.parametrize("marker", [
    "# popped from the dict by its key",  # a key of the dict names what it holds: not the IP address
    "# a number",  # an IntegerField holds no text
    "# the request's path",  # nothing personal written
    "# privacy: none",  # annotated as holding nothing personal
    "# privacy: account_user_data retention=12mo",  # annotated
    "# written by test code only",
    "# an id, whatever is written into it",
    "# the domain of an e-mail address",
    "# a parameter named email",  # a local's name: the evidence of last resort
    "# a name found by its object's name only",
    "# held in memory, not stored",
])
def test_fields_given_no_personal_data_or_annotated_or_written_by_tests_are_not_flagged(
        written: Run, marker: str) -> None:
    written.none("app/models.py", at(marker), "PRV10")


def test_fix_writes_a_stub_on_a_field_found_by_what_is_written(tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "proj"
    write_project(root, FILES)
    (root / "pyproject.toml").write_text(f'[tool.lint-privacy]\npolicy = "{POLICY.as_posix()}"\n')
    assert main(["fix", "--no-cache", "--root", str(root)]) == 0
    out = capsys.readouterr().out
    assert f"app/models.py:{at('# the dict itself')}: AuditEvent.details: # privacy: " in out, out
    text = (root / "app" / "models.py").read_text()
    assert "details = models.JSONField(default=dict)  # the dict itself  # privacy: " in text
    assert "action = models.CharField(max_length=40)  # popped from the dict by its key\n" in text
