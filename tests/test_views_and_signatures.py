"""Where real code keeps personal data one step away from where a name says it:

- a field read and written through a view of another column (``avatar_url =
  json_cast_property(Text(), "details", "profile_image_url")``, a synonym): the column holds
  the data, so the column is what PRV103 reports and what an annotation covers;
- a Celery signature (``task.s(...)``, ``task.si(...)`` as a chord's body or its error callback)
  carries its arguments into the task when it runs, as ``task.delay(...)`` does;
- a mail fetched over IMAP (imap_tools ``MailMessage``): its subject and body are what its sender
  wrote.
"""

from __future__ import annotations

import pytest

from conftest import Run, check, line_of

MODELS = '''
    from django.db import models
    from sqlalchemy import Boolean, Column, Text
    from sqlalchemy.dialects.postgresql import JSONB
    from sqlalchemy.orm import DeclarativeBase

    from app.db import json_cast_property


    class Base(DeclarativeBase):
        pass


    class User(Base):
        __tablename__ = "users"
        details = Column(JSONB, default={})  # L:details
        is_verified = json_cast_property(Boolean(), "details", "is_verified")
        avatar_url = json_cast_property(Text(), "details", "profile_image_url")  # L:avatar
        profile_photo = json_cast_property(Text(), "details", "photo")  # L:second view


    class Group(Base):
        __tablename__ = "groups"
        settings = Column(JSONB)  # privacy: none
        owner_email = json_cast_property(Text(), "settings", "owner_email")  # L:annotated column


    class Member(Base):
        __tablename__ = "members"
        email = Column(Text)  # L:named column
        email_address = json_cast_property(Text(), "email", "address")  # L:view of a named column


    class Tag(Base):
        __tablename__ = "tags"
        email = json_cast_property(Text(), "label", "email")  # L:names no field


    class ProcessedMail(models.Model):
        uid = models.CharField(max_length=64)
        subject = models.CharField(max_length=256)  # L:subject
        status = models.CharField(max_length=16)  # L:status
'''

MAIL = '''
    import logging

    from celery import chord, shared_task
    from imap_tools import MailMessage

    from app.models import ProcessedMail

    log = logging.getLogger(__name__)


    @shared_task
    def apply_action(result, uid: str, message_subject: str):
        ProcessedMail.objects.create(uid=uid, subject=message_subject, status="SUCCESS")


    @shared_task
    def on_error(request, exc, uid: str, message_subject: str):
        log.error("mail %s failed: %s", uid, message_subject)  # L:error callback


    @shared_task
    def note(uid: str, status: str):
        log.info("mail %s: %s", uid, status)  # L:other task


    def queue(consume_tasks, message: MailMessage):
        log.info("queued %s", message.subject)  # L:subject logged
        chord(header=consume_tasks, body=apply_action.s(uid=message.uid, message_subject=message.subject)).on_error(
            on_error.si(uid=message.uid, message_subject=message.subject)).delay()
        note.s(uid=message.uid, status="queued").delay()
'''

FILES = {"app/__init__.py": "", "app/db.py": "def json_cast_property(kind, column, key):\n    return None\n",
         "app/models.py": MODELS, "app/mail.py": MAIL}


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return check(tmp_path_factory.mktemp("views"), FILES)


def test_a_view_into_a_json_column_is_reported_on_the_column(run: Run) -> None:
    hit = run.one("app/models.py", line_of(MODELS, "# L:details"), "PRV103")
    assert hit.message.startswith("User.details holds personal data (photo of a person)"), hit
    assert hit.detail("route") == "held as User.avatar_url", hit.text


@pytest.mark.parametrize("marker", [
    "# L:avatar",  # reported on the column it is a view of
    "# L:second view",  # one finding per column
    "# L:annotated column",  # the column says what it holds
    "# L:view of a named column",  # the column's own finding says it
])
def test_views_themselves_stay_quiet(run: Run, marker: str) -> None:
    run.none("app/models.py", line_of(MODELS, marker), "PRV10")


@pytest.mark.parametrize(("marker", "start"), [
    ("# L:named column", "Member.email looks like personal data (e-mail address)"),  # keeps its own finding
    ("# L:names no field", "Tag.email looks like personal data"),  # a text naming no field makes no view
])
def test_a_field_that_is_no_view_keeps_its_own_finding(run: Run, marker: str, start: str) -> None:
    hit = run.one("app/models.py", line_of(MODELS, marker), "PRV103")
    assert hit.message.startswith(start), hit


def test_a_signature_in_a_chord_carries_its_arguments_into_the_task(run: Run) -> None:
    hit = run.one("app/models.py", line_of(MODELS, "# L:subject"), "PRV103")
    assert hit.message.startswith("ProcessedMail.subject receives personal data (text a person"), hit
    assert "apply_action()" in hit.detail("route") and "queue()" in hit.detail("route"), hit.text
    run.none("app/models.py", line_of(MODELS, "# L:status"), "PRV10")


def test_an_immutable_signature_as_error_callback_carries_them_too(run: Run) -> None:
    hit = run.one("app/mail.py", line_of(MAIL, "# L:error callback"), "PRV601")
    assert "MailMessage.subject" in hit.detail("data") and "queue()" in hit.detail("route"), hit.text


def test_a_signature_with_no_personal_argument_carries_none(run: Run) -> None:
    run.none("app/mail.py", line_of(MAIL, "# L:other task"), "PRV6")


def test_a_fetched_mails_subject_is_text_its_sender_wrote(run: Run) -> None:
    hit = run.one("app/mail.py", line_of(MAIL, "# L:subject logged"), "PRV601")
    assert hit.message.startswith("unannotated written_text (MailMessage.subject) is logged"), hit
