"""A function that returns its annotated parameter (as given, or what a loop of preprocessors made
of it) returns an object of that parameter's type: ``message = self._preprocess(message)`` with
``_preprocess(self, message: MailMessage)`` is an imap_tools ``MailMessage``, whose sender
(``from_``, catalog ``models``) is an e-mail address and its ``subject`` what the sender wrote. A method returning something else made from
its parameter gives no type.
"""

from __future__ import annotations

import pytest

from conftest import Run, check, line_of

MAIL = '''
    import logging

    from imap_tools import MailMessage

    log = logging.getLogger(__name__)


    class Handler:
        def __init__(self, preprocessors):
            self._preprocessors = preprocessors

        def _preprocess(self, message: MailMessage):
            for preprocessor in self._preprocessors:
                message = preprocessor.run(message)
            return message

        def _headline(self, message: MailMessage):
            return message.headers.get("x-headline", "")

        def handle(self, message, rule):
            message = self._preprocess(message)
            log.debug(f"Rule {rule}: mail {message.subject} from {message.from_}")  # L:preprocessed

        def headline(self, message, rule):
            line = self._headline(message)
            log.debug(f"Rule {rule}: {line.from_}")  # L:other_value
'''


@pytest.fixture(scope="module")
def mail(tmp_path_factory) -> Run:
    return check(tmp_path_factory.mktemp("returned"), {"app/__init__.py": "", "app/mail.py": MAIL})


def test_the_result_of_a_method_returning_its_typed_parameter_has_that_type(mail: Run) -> None:
    line = line_of(MAIL, "# L:preprocessed")
    hit = mail.one("app/mail.py", line, "PRV601")
    assert hit.message == "unannotated email (MailMessage.from_) is logged by logging.getLogger().debug (+1 more)"
    assert hit.detail("data") == ("unannotated email (MailMessage.from_, found by name: lower confidence) "
                                  f"from app/mail.py:{line}; unannotated written_text (MailMessage.subject, "
                                  f"found by name: lower confidence) from app/mail.py:{line}")


def test_a_value_made_from_the_parameter_is_not_of_its_type(mail: Run) -> None:
    mail.none("app/mail.py", line_of(MAIL, "# L:other_value"))
