"""Attributes read by name (``getattr(o, "email")``, and over a loop of names) are read like
``o.email``."""

from __future__ import annotations

import pytest

from conftest import Run, check, line_of

CONTACTS = '''
    def print_contact_fields(contact):
        for field_name in ["phone", "email"]:
            if getattr(contact, field_name):
                print(getattr(contact, field_name))  # L:loop


    def label(contact):
        print(getattr(contact, "email", ""))  # L:constant


    def flags(contact):
        for field_name in ("is_active", "is_staff"):
            print(getattr(contact, field_name))  # L:not-personal


    def named(contact, field_name):
        print(getattr(contact, field_name))  # L:unknown-name
'''

@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Run:
    return check(tmp_path_factory.mktemp("getattr"), {
        "app/__init__.py": "", "app/contacts.py": CONTACTS,
    })


def test_getattr_over_a_loop_of_names_reads_each_attribute(run: Run) -> None:
    hit = run.one("app/contacts.py", line_of(CONTACTS, "# L:loop"), "PRV602")
    assert hit.message.startswith("unannotated phone (contact.phone)"), hit
    assert "(+1 more)" in hit.message, hit  # contact.email


def test_getattr_with_a_constant_name_reads_that_attribute(run: Run) -> None:
    hit = run.one("app/contacts.py", line_of(CONTACTS, "# L:constant"), "PRV602")
    assert hit.message.startswith("unannotated email (contact.email)"), hit


def test_getattr_of_names_that_say_nothing_personal_is_quiet(run: Run) -> None:
    run.none("app/contacts.py", line_of(CONTACTS, "# L:not-personal"))
    run.none("app/contacts.py", line_of(CONTACTS, "# L:unknown-name"))
