"""Attributes read by name (``getattr(o, "email")``, and over a loop of names) are read like
``o.email``; a project class built on a library's class (a Django form) keeps what it hands the
library's constructor, and the attributes it inherits from it (``form.errors``) carry that."""

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

FORMS = '''
    from enum import Enum

    from django import forms


    class UserForm(forms.Form):
        user = forms.CharField()

        def __init__(self, *args, **kwargs):
            request = kwargs.pop("request", None)
            super().__init__(*args, **kwargs)
            self.request = request


    class PlainForm(forms.Form):
        user = forms.CharField()


    def add_cc(username, request=None):
        form = UserForm({"user": username}, request=request)
        if not form.is_valid():
            raise ValueError(list(form.errors.items()))  # L:errors


    def check_user(username):
        form = PlainForm({"user": username})
        if not form.is_valid():
            raise ValueError(form.errors)  # L:plain


    class Relation(Enum):
        EQ = "="
        IN = "IN"


    def relation(username):
        relationship = Relation(username)
        raise ValueError(f"{relationship.value} takes a list")  # L:enum


    def declared(username):
        form = PlainForm({"user": username})
        raise ValueError(form.user.label)  # L:declared
'''


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Run:
    return check(tmp_path_factory.mktemp("getattr"), {
        "app/__init__.py": "", "app/contacts.py": CONTACTS, "app/forms.py": FORMS,
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


def test_a_forms_errors_carry_what_it_was_given(run: Run) -> None:
    hit = run.one("app/forms.py", line_of(FORMS, "# L:errors"), "PRV603")
    assert hit.message.startswith("unannotated username (username (parameter of add_cc))"), hit
    plain = run.one("app/forms.py", line_of(FORMS, "# L:plain"), "PRV603")  # the library's own __init__
    assert "username (parameter of check_user)" in plain.detail("data"), plain.text


def test_a_field_the_form_declares_is_not_what_the_library_keeps(run: Run) -> None:
    run.none("app/forms.py", line_of(FORMS, "# L:declared"))


def test_an_enumeration_called_with_a_value_gives_a_constant_member(run: Run) -> None:
    run.none("app/forms.py", line_of(FORMS, "# L:enum"))
