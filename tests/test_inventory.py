"""Inventory (PRV1xx) as a flake8 user sees it: annotations read per the SPEC grammar, malformed
ones reported with what is allowed, personal fields found by name in every kind of class, and
the look-alike names left alone.
"""

from __future__ import annotations

import pytest

from conftest import Run, check, line_of, lint

ANNOTATIONS = {
    "app/__init__.py": "",
    "app/models.py": '''
        from django.db import models


        class Account(models.Model):
            email = models.EmailField()  # privacy: account_user_data retention=12mo
            # privacy: account_user_data retention=12mo
            phone = models.CharField(max_length=32)
            # privacy: account_user_data retention=12mo
            full_name = models.CharField(max_length=80)  # privacy: account_user_data retention=12mo
            job_title = models.CharField(  # privacy: account_user_data?
                max_length=80,
            )
            address = models.TextField()  # privacy: acount_user_data retention=12mo
            company_name = models.TextField()  # privacy: account_user_data retention=12months
            industry = models.TextField()  # privacy: account_user_data retention=12mo retention=7y
            login_details = models.TextField()  # privacy: account_user_data colour=red
            first_name = models.TextField()  # privacy: account_user_data basis=consnt
            last_name = models.TextField()  # privacy: account_user_data recipient=salesforce
            notes = models.TextField()  # privacy: account_user_data customer_individual_data retention=12mo
            surname = models.TextField()  # privacy: account_user_data retention=12mo purpose=world_domination


            # privacy: account_user_data retention=12mo

            mobile = models.CharField(max_length=32)
    ''',
    "app/module_defaults.py": '''
        # privacy-defaults: subject=account_user jurisdiction=IN
        from django.db import models


        class Invoice(models.Model):
            bank_account = models.CharField(max_length=34)  # privacy: billing_data retention=12mo
    ''',
    "app/class_defaults.py": '''
        from django.db import models


        class Invoice(models.Model):  # privacy-defaults: subject=account_user
            bank_account_number = models.CharField(max_length=34)  # privacy: billing_data retention=2y
            bank_account = models.CharField(max_length=34)  # privacy: billing_data retention=12mo


        class Other(models.Model):
            bank_account = models.CharField(max_length=34)  # privacy: billing_data retention=2y
    ''',
    "app/bad_defaults.py": '''
        # privacy-defaults: subject=acount_user colour=red
        x = 1
    ''',
    "app/typed.py": '''
        import logging
        from dataclasses import dataclass
        from typing import Annotated

        from django.db import models
        from lint_privacy.markers import PersonalData

        logger = logging.getLogger(__name__)


        class Typed(models.Model):
            email: Annotated[str, PersonalData("account_user_data", retention="12mo")] = models.EmailField()
            phone: Annotated[str, PersonalData("account_user_data")] = models.CharField(max_length=32)
            city: Annotated[str, PersonalData("acount_user_data", retention="12mo")] = models.TextField()
            street: Annotated[str, PersonalData("account_user_data", retention="12months")] = models.TextField()


        def greet(who: Annotated[str, PersonalData("account_user_data")]) -> None:
            logger.info("hello %s", who)


        def lookup() -> None:
            caller: Annotated[str, PersonalData("traffic_data_enduser")] = input()
            logger.warning(caller)
    ''',
    "app/both.py": '''
        from typing import Annotated

        from django.db import models
        from lint_privacy.markers import PersonalData


        class Both(models.Model):
            email: Annotated[str, PersonalData("account_user_data", retention="12mo")] = models.EmailField()  # privacy: account_user_data retention=12mo
    ''',
    "app/postcode.py": '''
        from django.db import models


        class Postal(models.Model):
            postcode = models.CharField(max_length=10)
    ''',
    "app/calls.py": '''
        import requests

        from app.models import Account


        def send(c: Account):
            requests.post("http://localhost/x", json={"e": c.email})  # privacy: country=UK
            requests.post("http://localhost/x", json={"e": c.email})  # privacy: recipient=salesfroce
            requests.post("http://localhost/x", json={"e": c.email})  # privacy: safeguard=sccs
            requests.post("http://localhost/x", json={"e": c.email})  # privacy: account_user_data
            # privacy-defaults: purpose=customer_contract
            x = 1


        def f():  # privacy: purpose=customer_contract retention=1y
            pass
    ''',
    "app/elements.py": '''
        from django.db import models


        class Person(models.Model):
            date_of_birth = models.DateField()  # privacy: account_user_data retention=12mo
            email = models.EmailField()  # privacy: account_user_data retention=12mo
    ''',
}


@pytest.fixture(scope="module")
def annotated(tmp_path_factory) -> Run:
    return check(tmp_path_factory.mktemp("annotations"), ANNOTATIONS)


def test_inline_and_line_above_annotations_both_mark_a_field(annotated: Run) -> None:
    annotated.none("app/models.py", 5)
    annotated.none("app/models.py", 7)


def test_inline_and_line_above_on_one_field_is_prv107_on_the_statement(annotated: Run) -> None:
    hit = annotated.one("app/models.py", 9, "PRV107")
    assert "inline" in hit.text or "twice" in hit.text or "both" in hit.text, hit
    annotated.none("app/models.py", 8)  # never on the comment line


def test_suggestion_with_question_mark_is_unconfirmed_prv104_on_first_line_of_statement(annotated: Run) -> None:
    hit = annotated.one("app/models.py", 10, "PRV104")
    assert "account_user_data" in hit.text
    annotated.none("app/models.py", 11)


def test_misspelt_category_is_prv102_with_did_you_mean(annotated: Run) -> None:
    hit = annotated.one("app/models.py", 13, "PRV102")
    assert "'acount_user_data'" in hit.text
    assert "did you mean account_user_data?" in hit.text


def test_unparseable_duration_is_prv101_saying_what_is_allowed(annotated: Run) -> None:
    hit = annotated.one("app/models.py", 14, "PRV101")
    assert hit.message.startswith("malformed privacy annotation:")
    assert "12months" in hit.text
    assert "mo" in hit.text.split("12months", 1)[1]  # names an accepted unit


def test_repeated_key_is_prv101(annotated: Run) -> None:
    hit = annotated.one("app/models.py", 15, "PRV101")
    assert "retention is given twice; keep one" in hit.text


def test_unknown_key_is_prv101_listing_the_keys_of_a_definition(annotated: Run) -> None:
    hit = annotated.one("app/models.py", 16, "PRV101")
    assert "unknown key 'colour'" in hit.text
    assert "retention, purpose, basis, subject, jurisdiction, role" in hit.text


def test_value_outside_its_set_is_prv101_with_the_allowed_values(annotated: Run) -> None:
    hit = annotated.one("app/models.py", 17, "PRV101")
    assert "consnt" in hit.text and "consent" in hit.text
    assert "legitimate_interest" in hit.text


def test_call_key_on_a_definition_is_prv101(annotated: Run) -> None:
    hit = annotated.one("app/models.py", 18, "PRV101")
    assert "'recipient'" in hit.text
    assert "retention, purpose, basis, subject, jurisdiction, role" in hit.text


def test_category_ids_without_comma_is_prv101(annotated: Run) -> None:
    hit = annotated.one("app/models.py", 19, "PRV101")
    assert "separate category ids with commas" in hit.text


def test_unknown_purpose_is_prv102(annotated: Run) -> None:
    hit = annotated.one("app/models.py", 20, "PRV102")
    assert "unknown purpose 'world_domination'" in hit.text


def test_comment_followed_by_blank_line_attaches_to_nothing(annotated: Run) -> None:
    assert annotated.at("app/models.py", 23, "PRV107"), annotated.dump()
    # ... so the field below is unannotated
    annotated.one("app/models.py", 25, "PRV103")


def test_malformed_annotation_is_reported_on_its_statement_and_nowhere_else(annotated: Run) -> None:
    lines = {h.line for h in annotated.hits if h.path == "app/models.py"}
    assert lines == {9, 10, 13, 14, 15, 16, 17, 18, 19, 20, 23, 25}, annotated.dump()


# --- defaults and typed markers ------------------------------------------------------------


def test_privacy_defaults_on_module_and_class_apply_to_fields(annotated: Run) -> None:
    run = annotated
    run.none("app/module_defaults.py")
    # subject=account_user from the class line: 12 months, so 2y exceeds ...
    hit = run.one("app/class_defaults.py", 5, "PRV202")
    assert "12 months" in hit.text
    run.none("app/class_defaults.py", 6)
    # ... while a class without defaults gets the longest billing period (7 years)
    run.none("app/class_defaults.py", 10)
    assert run.at("app/bad_defaults.py", 1, "PRV101"), run.dump()
    hit = run.one("app/bad_defaults.py", 1, "PRV102")
    assert "did you mean account_user?" in hit.text


def test_typed_personal_data_markers_on_fields_params_and_variables(annotated: Run) -> None:
    run = annotated
    run.none("app/typed.py", 12)
    hit = run.one("app/typed.py", 13, "PRV201")
    assert "Typed.phone stores account_user_data" in hit.text
    assert "did you mean account_user_data?" in run.one("app/typed.py", 14, "PRV102").text
    assert "12months" in run.one("app/typed.py", 15, "PRV101").text
    hit = run.one("app/typed.py", 19, "PRV601")
    assert hit.message.startswith("account_user_data (")
    hit = run.one("app/typed.py", 24, "PRV601")
    assert hit.message.startswith("traffic_data_enduser (")


def test_marker_and_comment_on_one_field_is_prv107(annotated: Run) -> None:
    annotated.one("app/both.py", 8, "PRV107")


def test_malformed_call_annotations_are_prv101_or_prv102_with_the_fix(annotated: Run) -> None:
    run = annotated
    assert ("country 'UK' is not an ISO 3166-1 alpha-2 code: did you mean GB?"
            in run.one("app/calls.py", 7, "PRV101").text)
    assert "unknown recipient 'salesfroce'" in run.one("app/calls.py", 8, "PRV102").text
    assert "did you mean salesforce?" in run.one("app/calls.py", 8, "PRV102").text
    assert "unknown safeguard 'sccs'" in run.one("app/calls.py", 9, "PRV102").text
    hit = run.one("app/calls.py", 15, "PRV101")
    assert "'retention' describes" in hit.text and "on a def write: purpose, basis" in hit.text


def test_category_id_on_a_call_is_prv101(annotated: Run) -> None:
    annotated.one("app/calls.py", 10, "PRV101")


def test_privacy_defaults_inside_a_function_is_prv107(annotated: Run) -> None:
    hit = annotated.one("app/calls.py", 11, "PRV107")
    assert "at the top of a module" in hit.text and "class line" in hit.text


# --- inventory by name ---------------------------------------------------------------------

FRAMEWORKS = {
    "app/__init__.py": "",
    "app/django_models.py": '''
        from django.db import models


        class Contact(models.Model):
            email = models.EmailField()
            religion = models.CharField(max_length=40)
            health_condition = models.TextField()
            email_verified = models.BooleanField(default=False)
            phone_count = models.IntegerField()
            password_hash = models.CharField(max_length=128)
            is_email_public = models.BooleanField()
            created_at = models.DateTimeField()
            id = models.AutoField(primary_key=True)
            contact_id = models.IntegerField()
            MAX_EMAIL = 3
    ''',
    "app/sa_models.py": '''
        from sqlalchemy import Column, String
        from sqlalchemy.orm import DeclarativeBase, Mapped, declarative_base, mapped_column

        Base = declarative_base()


        class Modern(DeclarativeBase):
            pass


        class Legacy(Base):
            __tablename__ = "legacy"
            phone_number = Column(String)


        class Mapped1(Modern):
            __tablename__ = "mapped1"
            ip_address = mapped_column(String)
            iban: Mapped[str]
            email_id: Mapped[UUID]
    ''',
    "app/sqlmodel_models.py": '''
        from sqlmodel import Field, SQLModel


        class Person(SQLModel, table=True):
            first_name: str
            id: int = Field(primary_key=True)


        class PersonIn(SQLModel):
            last_name: str
    ''',
    "app/plain.py": '''
        from dataclasses import dataclass
        from typing import TypedDict

        import attr
        import attrs
        from pydantic import BaseModel


        @dataclass
        class Signup:
            date_of_birth: str


        @attr.s
        class LoginAttempt:
            ip_address = attr.ib()


        @attrs.define
        class Visit:
            email: str


        class Payload(BaseModel):
            passport_number: str


        class Row(TypedDict):
            home_address: str


        class Plain:
            mobile = None
    ''',
}


@pytest.fixture(scope="module")
def frameworks(tmp_path_factory) -> Run:
    return check(tmp_path_factory.mktemp("frameworks"), FRAMEWORKS)


@pytest.mark.parametrize(
    ("path", "line", "owner_field", "suggested"),
    [
        ("app/django_models.py", 5, "Contact.email", "account_user_data"),
        ("app/sa_models.py", 13, "Legacy.phone_number", "account_user_data"),
        ("app/sa_models.py", 18, "Mapped1.ip_address", ""),
        ("app/sa_models.py", 19, "Mapped1.iban", "billing_data"),
        ("app/sqlmodel_models.py", 5, "Person.first_name", "account_user_data"),
        ("app/sqlmodel_models.py", 10, "PersonIn.last_name", "account_user_data"),
        ("app/plain.py", 11, "Signup.date_of_birth", ""),
        ("app/plain.py", 16, "LoginAttempt.ip_address", "usage_data"),
        ("app/plain.py", 21, "Visit.email", "account_user_data"),
        ("app/plain.py", 25, "Payload.passport_number", ""),
        ("app/plain.py", 29, "Row.home_address", ""),
        ("app/plain.py", 33, "Plain.mobile", ""),
    ],
)
def test_unannotated_personal_field_is_prv103_with_suggested_categories(
    frameworks: Run, path: str, line: int, owner_field: str, suggested: str
) -> None:
    hit = frameworks.one(path, line, "PRV103")
    assert hit.message.startswith(f"{owner_field} looks like personal data (")
    assert hit.message.endswith("but has no privacy annotation"), hit
    assert hit.detail("reason").startswith("likely categories: ") and suggested in hit.detail("reason"), hit


def test_unannotated_personal_field_gets_prv103_only_not_prv201(frameworks: Run) -> None:
    assert frameworks.codes("app/django_models.py").count("PRV201") == 0
    assert [h.code for h in frameworks.at("app/sa_models.py", 13)] == ["PRV103"]


@pytest.mark.parametrize(("line", "word"), [(6, "religio"), (7, "health")])
def test_kind_of_data_no_category_covers_is_prv106(frameworks: Run, line: int, word: str) -> None:
    hit = frameworks.one("app/django_models.py", line, "PRV106")
    assert word in hit.text
    assert "data data" not in hit.text
    assert hit.message.endswith("data, which no category of the notice covers"), hit
    assert hit.detail("reason") == "the notice never says it is collected", hit
    frameworks.none("app/django_models.py", line, "PRV103")


@pytest.mark.parametrize("line", [8, 9, 10, 11, 12, 13, 14, 15])
def test_look_alike_names_ids_and_constants_are_not_flagged(frameworks: Run, line: int) -> None:
    frameworks.none("app/django_models.py", line)


def test_postcode_is_covered_by_the_categories_that_hold_postal_addresses(annotated: Run) -> None:
    hit = annotated.one("app/postcode.py", 5, "PRV103")
    assert "account_user_data" in hit.text


def test_a_uuid_column_refers_to_a_row_whatever_its_name(frameworks: Run) -> None:
    frameworks.none("app/sa_models.py", 20)  # email_id: Mapped[UUID], a key of an e-mail's row


def test_non_model_key_id_in_sqlmodel_is_not_flagged(frameworks: Run) -> None:
    frameworks.none("app/sqlmodel_models.py", 6)


def test_element_the_category_does_not_include_is_prv105(annotated: Run) -> None:
    run = annotated
    hit = run.one("app/elements.py", 5, "PRV105")
    assert "Person.date_of_birth holds date of birth, which account_user_data does not include" in hit.text
    assert "notice 5.1.1" in hit.text and "email" in hit.text
    run.none("app/elements.py", 6)


def test_well_annotated_project_is_clean(project) -> None:
    run = project({
        "app/models.py": '''
            from dataclasses import dataclass

            from django.db import models


            class Account(models.Model):
                email = models.EmailField()  # privacy: account_user_data retention=12mo
                # privacy: account_user_data, customer_individual_data retention=12mo
                phone = models.CharField(max_length=32)
                email_verified = models.BooleanField()


            @dataclass
            class SignupForm:
                email: str  # privacy: account_user_data
        ''',
    })
    assert run.hits == [], run.dump()
    assert run.returncode == 0


DESCRIBERS = {
    "app/__init__.py": "",
    "app/models.py": """
        from django.db import models


        class Member(models.Model):
            email = models.EmailField()  # L:model
    """,
    "app/filters.py": """
        import typing

        import django_filters
        import factory
        import django_tables2 as tables
        from nautobot.extras.jobs import IPAddressVar
        from pydantic_settings import BaseSettings

        from app.models import Member


        class BaseFilterSet(django_filters.FilterSet):
            pass


        class MemberFilterSet(BaseFilterSet):
            email = django_filters.CharFilter()  # L:filter


        class MemberTable(tables.Table):
            email = tables.Column()  # L:table


        class MemberFactory(factory.django.DjangoModelFactory):
            first_name = factory.Faker("first_name")  # L:factory


        class ReparentJob:
            ip_address = IPAddressVar(default="10.0.0.1")  # L:job-var


        class Parser(typing.Protocol):
            author: str  # L:protocol


        class EmailOptions:
            username: str  # L:options
            from_email: str


        class AppSettings(BaseSettings):
            smtp_from_email: str | None = None  # L:settings-class
    """,
}


@pytest.fixture(scope="module")
def describers(tmp_path_factory) -> Run:
    return lint(tmp_path_factory.mktemp("describers"), DESCRIBERS)


def test_a_model_field_is_still_found(describers: Run) -> None:
    describers.one("app/models.py", line_of(DESCRIBERS["app/models.py"], "# L:model"), "PRV103")


@pytest.mark.parametrize("marker", ["# L:filter", "# L:table", "# L:factory", "# L:job-var", "# L:protocol",
                                    "# L:options", "# L:settings-class"])
def test_filters_tables_factories_protocols_settings_and_network_inputs_are_no_personal_fields(describers: Run, marker: str) -> None:
    describers.none("app/filters.py", line_of(DESCRIBERS["app/filters.py"], marker))


PEOPLE = {
    "app/__init__.py": "",
    "app/models.py": """
        from django.db import models


        class User(models.Model):
            name = models.CharField(max_length=80)  # L:user-name


        class ContactBase(models.Model):
            display_name = models.CharField(max_length=80)  # L:contact-name


        class UserGroup(models.Model):
            name = models.CharField(max_length=80)  # L:group-name


        class Project(models.Model):
            name = models.CharField(max_length=80)  # L:project-name


        class ProhibitedUserName(models.Model):
            name = models.CharField(max_length=80)  # L:prohibited-name


        class Member(models.Model):
            location = models.CharField(max_length=80)  # L:member-location


        class Store(models.Model):
            location = models.CharField(max_length=80)  # L:store-location


        class WorkflowActionEmail(models.Model):
            to = models.TextField()  # L:mail-to
            subject = models.CharField(max_length=200)  # L:mail-subject


        class MailRule(models.Model):
            filter_from = models.CharField(max_length=200)  # L:rule-from


        class EmailTemplate(models.Model):
            to = models.TextField()  # L:template-to


        class Route(models.Model):
            to = models.CharField(max_length=80)  # L:route-to


        class Provider(models.Model):
            noc_contact = models.TextField()  # L:noc-contact
            author = models.CharField(max_length=80)  # L:author


        class Plugin:
            author: str = "ACME Contributors"  # L:fixed-author


        class RecipeComment(models.Model):
            text = models.TextField()  # L:comment-text


        class ForumPost(models.Model):
            content = models.TextField()  # L:post-content


        class Subscriber(models.Model):
            notes = models.TextField()  # L:member-notes


        class CommentType(models.Model):
            text = models.TextField()  # L:comment-type-text


        class Page(models.Model):
            content = models.TextField()  # L:page-content
    """,
}


@pytest.fixture(scope="module")
def people(tmp_path_factory) -> Run:
    return lint(tmp_path_factory.mktemp("people"), PEOPLE)


@pytest.mark.parametrize("marker, owner", [("# L:user-name", "User.name"), ("# L:contact-name", "ContactBase.display_name")])
def test_a_name_of_a_class_of_people_is_a_personal_name(people: Run, marker: str, owner: str) -> None:
    hit = people.one("app/models.py", line_of(PEOPLE["app/models.py"], marker), "PRV103")
    assert hit.message.startswith(f"{owner} looks like personal data (personal name)"), hit


@pytest.mark.parametrize("marker", ["# L:group-name", "# L:project-name", "# L:prohibited-name"])
def test_a_name_of_anything_else_is_not(people: Run, marker: str) -> None:
    people.none("app/models.py", line_of(PEOPLE["app/models.py"], marker))


@pytest.mark.parametrize("marker, owner, kind", [
    ("# L:member-location", "Member.location", "postal address"),
    ("# L:mail-to", "WorkflowActionEmail.to", "e-mail address"),
    ("# L:rule-from", "MailRule.filter_from", "e-mail address"),
    ("# L:noc-contact", "Provider.noc_contact", "contact details"),
    ("# L:author", "Provider.author", "author's name"),
    ("# L:comment-text", "RecipeComment.text", "text a person wrote"),
    ("# L:post-content", "ForumPost.content", "text a person wrote"),
    ("# L:member-notes", "Subscriber.notes", "text a person wrote"),
])
def test_a_field_named_for_its_class_family_or_a_contact_is_personal(people: Run, marker: str, owner: str,
                                                                     kind: str) -> None:
    hit = people.one("app/models.py", line_of(PEOPLE["app/models.py"], marker), "PRV103")
    assert hit.message.startswith(f"{owner} looks like personal data ({kind})"), hit


@pytest.mark.parametrize("marker", ["# L:store-location", "# L:mail-subject", "# L:template-to", "# L:route-to",
                                    "# L:fixed-author", "# L:comment-type-text", "# L:page-content"])
def test_the_same_names_elsewhere_or_given_one_text_are_not(people: Run, marker: str) -> None:
    people.none("app/models.py", line_of(PEOPLE["app/models.py"], marker))
