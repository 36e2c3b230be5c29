"""Locals are flow-sensitive: an assignment replaces what a name held, each loop binds its
variable afresh, branches join where they meet. Each flow ends in a log call marked
``# F:name``; a flagged line must log personal data on some path a reader can follow, a quiet
one on none.
"""

from __future__ import annotations

import pytest

from conftest import Run, line_of, lint

MODELS = '''
    from django.db import models


    class Contact(models.Model):
        email = models.EmailField()  # privacy: account_user_data retention=12mo
        plan = models.CharField(max_length=10)
'''

FLOWS = '''
    import logging

    from app.models import Contact

    logger = logging.getLogger(__name__)


    def overwritten_then_restored(c: Contact):
        x = "hidden"
        logger.info(x)  # F:quiet_before
        x = c.email
        logger.info(x)  # F:flagged_after


    def two_loops(products, contacts: list[Contact]):
        for line in products:
            logger.info(line)  # F:quiet_products_loop
        for line in [c.email for c in contacts]:
            logger.info(line)  # F:flagged_contacts_loop


    def one_branch(c: Contact, flag):
        x = "none"
        if flag:
            x = c.email
        logger.info(x)  # F:flagged_after_if


    def both_branches_clean(c: Contact, flag):
        x = c.email
        if flag:
            x = "a"
        else:
            x = "b"
        logger.info(x)  # F:quiet_after_if_else


    def branch_that_returns(c: Contact, flag):
        x = "none"
        if flag:
            x = c.email
            return x
        logger.info(x)  # F:quiet_after_returning_branch


    def carried_by_the_loop(c: Contact, items):
        last = ""
        for item in items:
            logger.info(last)  # F:flagged_next_iteration
            last = c.email


    def while_loop(c: Contact):
        x = ""
        while not x:
            x = c.email
        logger.info(x)  # F:flagged_after_while


    def in_handler(c: Contact):
        x = "none"
        try:
            x = c.email
            x = "cleared"
        except ValueError:
            logger.info(x)  # F:flagged_in_handler


    def after_try(c: Contact):
        try:
            x = c.email
        except ValueError:
            x = "failed"
        logger.info(x)  # F:flagged_after_try
        x = "done"
        logger.info(x)  # F:quiet_after_reset


    def comprehension_scope(c: Contact, plans):
        item = "plan"
        emails = [item for item in [c.email]]
        logger.info(item)  # F:quiet_outside_comprehension
        logger.info(emails)  # F:flagged_comprehension_result


    def item_store(c: Contact):
        payload = {"kind": "signup"}
        payload["to"] = c.email
        logger.info(payload)  # F:flagged_item_store


    def closure(c: Contact):
        x = "none"

        def show():
            logger.info(x)  # F:flagged_closure

        x = c.email
        show()


    def walrus(c: Contact):
        if (x := c.email):
            logger.info(x)  # F:flagged_walrus


    def match_case(c: Contact, command):
        match command:
            case "show":
                x = c.email
            case _:
                x = "nothing"
        logger.info(x)  # F:flagged_after_match


    def dict_keys(c: Contact, model_name):
        context = {"to": c.email, "model": model_name}
        logger.info(context["model"])  # F:quiet_other_key
        logger.info(context.get("model"))  # F:quiet_other_key_get
        logger.info(context["to"])  # F:flagged_same_key
        context["copy"] = c.email
        logger.info(context["copy"])  # F:flagged_stored_key
        context[model_name] = c.email
        logger.info(context["model"])  # F:flagged_after_unknown_key


    def stored_later(c: Contact, environ, keys):
        token = environ.get("token")
        logger.info(token)  # F:quiet_read_before_a_store
        environ["contact"] = c.email
        logger.info(environ.get("token"))  # F:flagged_read_after_a_store
        record = {}
        for key in keys:
            logger.info(record.get("x"))  # F:flagged_store_in_a_later_iteration
            record[key] = c.email
        seen = []
        for key in keys:
            logger.info(seen)  # F:flagged_appended_in_a_later_iteration
            seen.append(c.email)


    def parameter_reassigned(email):
        email = "redacted"
        logger.info(email)  # F:quiet_parameter_reassigned
'''


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Run:
    return lint(tmp_path_factory.mktemp("flow_sensitive"), {
        "app/__init__.py": "",
        "app/models.py": MODELS,
        "app/flows.py": FLOWS,
    })


MARKERS = [line.split("# F:")[1].strip() for line in FLOWS.splitlines() if "# F:" in line]


@pytest.mark.parametrize("marker", [m for m in MARKERS if m.startswith("flagged")])
def test_personal_data_on_some_path_is_flagged(run: Run, marker: str) -> None:
    hit = run.one("app/flows.py", line_of(FLOWS, f"# F:{marker}"), "PRV601")
    assert "Contact.email" in hit.message, hit


@pytest.mark.parametrize("marker", [m for m in MARKERS if m.startswith("quiet")])
def test_a_value_replaced_on_every_path_is_not_flagged(run: Run, marker: str) -> None:
    run.none("app/flows.py", line_of(FLOWS, f"# F:{marker}"))


def test_every_marker_is_tested() -> None:
    assert len(MARKERS) == 28
    assert all(m.startswith(("flagged", "quiet")) for m in MARKERS)
