"""Exposure (PRV6xx) as a user sees it (``lint-privacy check``: flake8's first line, and the
details under it): personal data in log calls (module functions and logger objects), console
output (print, sys.stdout/stderr, a Django command's self.stdout) and exception or warning
messages; the same calls with non-personal data stay quiet.
"""

from __future__ import annotations

import pytest

from conftest import Run, check, line_of

MODELS = '''
    from django.db import models


    class Contact(models.Model):
        email = models.EmailField()  # privacy: account_user_data retention=12mo
        body = models.TextField()  # privacy: communication_content role=processor retention=customer_instructions
        plan = models.CharField(max_length=10)
'''

EXPOSE = '''
    import logging
    import sys
    import warnings

    from django.core.management.base import BaseCommand

    from app.models import Contact

    log = logging.getLogger("app")


    def logs(c: Contact):
        logging.info("user %s", c.email)  # L:logging_info
        logging.getLogger().error(f"failed for {c.email}")  # L:root_error
        log.exception("boom %s", c.email)  # L:exception
        log.info("plan %s", c.plan)  # L:log_plan
        log.debug("processor %s", c.body)  # L:processor


    def console(c: Contact):
        print("sent to", c.email)  # L:print
        sys.stdout.write(c.email + "\\n")  # L:stdout
        sys.stderr.write(f"{c.email}\\n")  # L:stderr
        print("plan", c.plan)  # L:print_plan


    class Command(BaseCommand):
        def handle(self, *args, **options):
            for c in Contact.objects.all():
                self.stdout.write(f"contact {c.email}")  # L:django_stdout
                self.stdout.write("done")  # L:django_done


    def errors(c: Contact):
        if not c.plan:
            raise ValueError(f"no plan for {c.email}")  # L:raise
        if c.plan == "x":
            raise ValueError("no plan for this contact")  # L:raise_plain
        warnings.warn(f"legacy contact {c.email}")  # L:warn
        warnings.warn("legacy contact")  # L:warn_plain
'''


@pytest.fixture(scope="module")
def exposed(tmp_path_factory) -> Run:
    return check(tmp_path_factory.mktemp("exposure"), {
        "app/__init__.py": "",
        "app/models.py": MODELS,
        "app/expose.py": EXPOSE,
    })


EMAIL = "account_user_data (Contact.email)"
ORIGIN = f"{EMAIL} from app/models.py:5"


@pytest.mark.parametrize(
    ("marker", "call"),
    [
        ("logging_info", "logging.info"),
        ("root_error", "logging.getLogger().error"),
        ("exception", "logging.getLogger().exception"),
    ],
)
def test_personal_data_in_log_calls_is_prv601(exposed: Run, marker: str, call: str) -> None:
    hit = exposed.one("app/expose.py", line_of(EXPOSE, f"# L:{marker}"), "PRV601")
    assert hit.message == f"{EMAIL} is logged by {call}"
    assert hit.details == (("data", ORIGIN),), hit


def test_processor_role_data_in_logs_is_still_prv601(exposed: Run) -> None:
    hit = exposed.one("app/expose.py", line_of(EXPOSE, "# L:processor"), "PRV601")
    assert hit.message.startswith("communication_content (Contact.body) is logged by")
    assert hit.detail("data") == "communication_content (Contact.body) from app/models.py:6"


@pytest.mark.parametrize(
    ("marker", "call"),
    [("print", "print"), ("stdout", "sys.stdout.write"), ("stderr", "sys.stderr.write"),
     ("django_stdout", "self.stdout.write")],
)
def test_personal_data_written_to_the_console_is_prv602(exposed: Run, marker: str, call: str) -> None:
    hit = exposed.one("app/expose.py", line_of(EXPOSE, f"# L:{marker}"), "PRV602")
    assert hit.message.startswith(f"{EMAIL} is written to the console by ")
    assert call.rsplit(".", 1)[-1] in hit.message.rsplit(" by ", 1)[1], hit
    assert hit.detail("data") == ORIGIN, hit


def test_personal_data_in_an_exception_message_is_prv603(exposed: Run) -> None:
    hit = exposed.one("app/expose.py", line_of(EXPOSE, "# L:raise"), "PRV603")
    assert hit.message == f"{EMAIL} goes into an exception message raised by ValueError"
    assert hit.detail("data") == ORIGIN, hit


def test_personal_data_in_a_warning_is_prv603(exposed: Run) -> None:
    hit = exposed.one("app/expose.py", line_of(EXPOSE, "# L:warn"), "PRV603")
    assert hit.message.startswith(f"{EMAIL} goes into a warning raised by ")
    assert "warnings.warn" in hit.message
    assert hit.detail("data") == ORIGIN, hit


@pytest.mark.parametrize("marker", ["log_plan", "print_plan", "django_done", "raise_plain", "warn_plain"])
def test_the_same_calls_without_personal_data_are_quiet(exposed: Run, marker: str) -> None:
    exposed.none("app/expose.py", line_of(EXPOSE, f"# L:{marker}"))


def test_exposure_findings_are_the_only_findings(exposed: Run) -> None:
    expected = {line_of(EXPOSE, f"# L:{m}") for m in (
        "logging_info", "root_error", "exception", "processor", "print", "stdout", "stderr", "django_stdout",
        "raise", "warn")}
    assert {h.line for h in exposed.hits if h.path == "app/expose.py"} == expected, exposed.dump()
    assert all(h.code.startswith("PRV6") for h in exposed.hits if h.path == "app/expose.py"), exposed.dump()
    exposed.none("app/models.py")
