"""Mail and HTTP clients the engine cannot type (handed in by a framework: `self.mailer`,
`request.http`), and addresses named as a mail's recipient: where the mail server is
configuration, the finding says the destination is unresolved (PRV003) instead of saying
nothing; an HTTP client's reply carries nothing of what was sent."""

from __future__ import annotations

import pytest

from conftest import Run, check, line_of

SENDERS = '''
    from pyramid_mailer.message import Message


    class SMTPSender:
        def __init__(self, mailer):
            self.mailer = mailer

        def send(self, recipient, body):
            self.mailer.send_immediately(Message(recipients=[recipient], body=body))  # L:mailer


    class SESSender:
        def __init__(self, client):
            self._client = client

        def send(self, recipient, raw):
            self._client.send_raw_email(Destinations=[recipient], RawMessage={"Data": raw})  # L:ses


    def announce(mailer, body):
        mailer.send_immediately(Message(recipients=["team@example.org"], body=body))  # L:no-personal-data


    class Breaches:
        def __init__(self, http):
            self._http = http

        def count(self, email):
            resp = self._http.get(f"https://haveibeenpwned.com/api/v3/breachedaccount/{email}")  # L:http
            raise ValueError(f"lookup failed: {resp.text}")  # L:reply


    def notify(to_address, subject):
        from django.core.mail import EmailMessage

        message = EmailMessage(subject=subject, body="hello", to=[to_address])
        return message.send()  # L:django-message


    def console(recipient_count, recipient):
        print(f"sent {recipient_count} mails, last to {recipient}")  # L:console
'''


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Run:
    return check(tmp_path_factory.mktemp("mailers"), {"app/__init__.py": "", "app/senders.py": SENDERS})


def test_a_mailer_by_name_sends_mail_to_a_server_of_the_configuration(run: Run) -> None:
    hit = run.one("app/senders.py", line_of(SENDERS, "# L:mailer"), "PRV003")
    assert "recipient (parameter of SMTPSender.send)" in hit.message, hit
    assert "mail server is chosen by configuration at run time" in hit.detail("reason"), hit


def test_an_ses_only_method_is_a_call_to_aws(run: Run) -> None:
    hits = run.at("app/senders.py", line_of(SENDERS, "# L:ses"))
    assert hits and all("recipient (parameter of SESSender.send)" in h.message for h in hits), run.dump()
    assert any("the aws client takes it from its configuration" in h.detail("reason") for h in hits), hits


def test_a_mail_with_no_personal_data_is_quiet(run: Run) -> None:
    run.none("app/senders.py", line_of(SENDERS, "# L:no-personal-data"))


def test_a_recipient_is_an_address_and_a_recipient_count_is_not(run: Run) -> None:
    hit = run.one("app/senders.py", line_of(SENDERS, "# L:console"), "PRV602")
    assert hit.message.startswith("unannotated email (recipient (parameter of console)"), hit
    assert "recipient_count" not in hit.message, hit


def test_an_http_client_by_name_sends_to_its_url_and_its_reply_is_not_the_request(run: Run) -> None:
    hit = run.one("app/senders.py", line_of(SENDERS, "# L:http"), "PRV003")
    assert "email (parameter of Breaches.count)" in hit.message, hit
    assert "Have I Been Pwned" in hit.detail("reason"), hit
    run.none("app/senders.py", line_of(SENDERS, "# L:reply"))


def test_a_message_object_made_with_an_address_sends_it(run: Run) -> None:
    hit = run.one("app/senders.py", line_of(SENDERS, "# L:django-message"), "PRV003")
    assert "to_address (parameter of notify)" in hit.message, hit
