"""An attribute of an object a library's class made, read under the name of one of the
construction's keywords, holds that keyword's argument only: ``message = Message(recipients=to,
subject=s)`` then ``log.exception("%s", message.subject)`` logs ``s``, not the recipients. Any
other attribute, or an object made otherwise, still carries everything it was made from."""

from __future__ import annotations

import pytest

from conftest import Run, check, line_of

MAIL = '''
    import logging

    from flask_mail import Message

    from app.factory import make_message

    log = logging.getLogger(__name__)


    def send_mail(to, subject):
        message = Message(recipients=to, subject=subject)
        log.error("failed: %s", message.subject)  # L:subject


    def send_plain(to, subject):
        message = Message(subject, to)
        log.error("failed: %s", message.recipients)  # L:positional


    def send_other(to, subject):
        message = Message(recipients=to, subject=subject)
        log.error("failed: %s", message.sender)  # L:other attribute


    def send_made(to, subject):
        message = make_message(recipients=to, subject=subject)
        log.error("failed: %s", message.subject)  # L:factory


    def invite(user, member):
        subject = f"{member.name} invited you"
        send_mail([user.email], subject)
        send_plain([user.email], "Welcome")
        send_other([user.email], "Welcome")
        send_made([user.email], "Welcome")
'''


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    files = {"app/__init__.py": "", "app/mail.py": MAIL, "app/factory.py": "def make_message(**kw):\n    return kw\n"}
    return check(tmp_path_factory.mktemp("constructed"), files)


def test_the_keyword_named_by_the_attribute_is_what_it_holds(run: Run) -> None:
    hit = run.one("app/mail.py", line_of(MAIL, "# L:subject"), "PRV601")
    assert hit.message.startswith("unannotated person_name (member.name) is logged"), hit
    assert "email" not in hit.detail("data"), hit.text


@pytest.mark.parametrize("marker", ["# L:positional", "# L:other attribute", "# L:factory"])
def test_any_other_read_carries_what_the_object_was_made_from(run: Run, marker: str) -> None:
    hit = run.one("app/mail.py", line_of(MAIL, marker), "PRV601")
    assert "unannotated email (user.email, found by name" in hit.detail("data"), hit.text
