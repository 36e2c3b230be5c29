"""Retention (PRV2xx) as a flake8 user sees it: stored personal data needs a retention, and no
longer than the notice's period for its category (and data subject), with the SPEC's boundary
arithmetic (months 30.4375 days, years 365.25 days, exceeding means strictly longer).
"""

from __future__ import annotations

import pytest

from conftest import Run, check, line_of

STORED = {
    "pyproject.toml": '''
        [tool.lint-privacy]
        persistence-bases = ["app.store.Persisted"]
    ''',
    "app/__init__.py": "",
    "app/store.py": '''
        class Persisted:
            """The team's own persistence base."""


        class NotNamed:
            """A base nobody named in persistence-bases."""
    ''',
    "app/plain_base.py": '''
        from app.store import NotNamed


        class Mine(NotNamed):
            email: str  # privacy: account_user_data
    ''',
    "app/bases.py": '''
        from django.db import models


        class Timestamped(models.Model):
            class Meta:
                abstract = True
    ''',
    "app/models.py": '''
        from dataclasses import dataclass

        from django.db import models
        from pydantic import BaseModel
        from sqlalchemy import Column, String
        from sqlalchemy.orm import DeclarativeBase, Mapped, declarative_base, mapped_column
        from sqlmodel import SQLModel

        from app.bases import Timestamped
        from app.store import Persisted

        Base = declarative_base()


        class Modern(DeclarativeBase):
            pass


        class Contact(models.Model):
            email = models.EmailField()  # privacy: account_user_data


        class AbstractContact(models.Model):
            email = models.EmailField()  # privacy: account_user_data

            class Meta:
                abstract = True


        class ProxyContact(Contact):
            phone = models.CharField(max_length=20)  # privacy: account_user_data

            class Meta:
                proxy = True


        class Legacy(Base):
            __tablename__ = "legacy"
            email = Column(String)  # privacy: account_user_data


        class Mapped1(Modern):
            __tablename__ = "mapped1"
            email = mapped_column(String)  # privacy: account_user_data
            phone: Mapped[str]  # privacy: account_user_data


        class PersonTable(SQLModel, table=True):
            email: str  # privacy: account_user_data


        class PersonIn(SQLModel):
            email: str  # privacy: account_user_data


        class Mine(Persisted):
            email: str  # privacy: account_user_data


        class Stamped(Timestamped):
            email = models.EmailField()  # privacy: account_user_data


        @dataclass
        class Form:
            email: str  # privacy: account_user_data


        class Body(BaseModel):
            email: str  # privacy: account_user_data


        class Unannotated(models.Model):
            email = models.EmailField()


        class Kept(models.Model):
            email = models.EmailField()  # privacy: account_user_data retention=12mo
    ''',
}


STORAGE = '''
    import json

    from django.core.cache import cache
    from django.db import connection

    from app.models import Kept


    def store(c: Kept):
        cache.set(f"c:{c.pk}", c.email)  # L:no_ttl
        cache.set(f"c:{c.pk}", c.email, timeout=3600)  # L:ttl_kw
        cache.set(f"c:{c.pk}", c.email, 3600)  # L:ttl_pos
        cache.set(f"c:{c.pk}", c.email, timeout=None)  # L:ttl_none
        cache.set(f"c:{c.pk}", c.email)  # privacy: retention=30d  # L:declared
        cache.set(f"c:{c.pk}", c.email)  # privacy: retention=2y  # L:declared_long
        cache.set("plan", "basic")  # L:not_personal
        with open("/tmp/export.json", "w") as f:
            f.write(json.dumps({"email": c.email}))  # L:file
        with connection.cursor() as cur:
            cur.execute("INSERT INTO t VALUES (%s)", [c.email])  # L:sql
'''
STORED["app/storage.py"] = STORAGE


@pytest.fixture(scope="module")
def stored(tmp_path_factory) -> Run:
    return check(tmp_path_factory.mktemp("stored"), STORED)


@pytest.mark.parametrize(
    ("line", "owner_field", "kind"),
    [
        (20, "Contact.email", "Django model"),
        (24, "AbstractContact.email", "Django"),
        (31, "ProxyContact.phone", "Django"),
        (39, "Legacy.email", ""),
        (44, "Mapped1.email", ""),
        (45, "Mapped1.phone", ""),
        (49, "PersonTable.email", "SQLModel table"),
        (57, "Mine.email", ""),
        (61, "Stamped.email", "Django"),
    ],
)
def test_stored_personal_field_without_retention_is_prv201(stored: Run, line: int, owner_field: str, kind: str) -> None:
    hit = stored.one("app/models.py", line, "PRV201")
    assert hit.message == f"{owner_field} stores account_user_data with no retention: add retention=12mo"
    assert hit.detail("reason").startswith(f"{owner_field.split('.')[0]} is a {kind}"), hit
    assert hit.detail("promise") == ("the notice's retention for account_user_data is 12 months after the "
                                     "end of the "
                                     "business relationship (§5.1.1)")


@pytest.mark.parametrize(
    ("line", "what"),
    [(53, "SQLModel without table=True"), (66, "dataclass"), (70, "pydantic model"), (79, "retention given")],
)
def test_non_persistent_or_retained_fields_need_no_retention(stored: Run, line: int, what: str) -> None:
    stored.none("app/models.py", line)


def test_unannotated_stored_personal_field_gets_prv103_only(stored: Run) -> None:
    assert [h.code for h in stored.at("app/models.py", 74)] == ["PRV103"]


def test_nothing_is_reported_on_the_persistence_base_files(stored: Run) -> None:
    stored.none("app/store.py")
    stored.none("app/bases.py")


def test_a_base_not_named_in_config_is_not_persistent(stored: Run) -> None:
    stored.none("app/plain_base.py", 5)


KEPT = "account_user_data (Kept.email)"
KEPT_ORIGIN = f"{KEPT} from app/models.py:{line_of(STORED['app/models.py'], 'retention=12mo')}"


@pytest.mark.parametrize(("marker", "call"), [("no_ttl", "django.core.cache.cache.set"), ("file", "open().write"),
                                              ("sql", "django.db.connection.cursor().execute")])
def test_storage_call_without_ttl_or_retention_is_prv203(stored: Run, marker: str, call: str) -> None:
    hit = stored.one("app/storage.py", line_of(STORAGE, f"# L:{marker}"), "PRV203")
    assert hit.message == f"{KEPT} is stored by {call} with no TTL or retention"
    assert hit.details == (
        ("data", KEPT_ORIGIN), ("reason", "neither a time-to-live nor a retention= on the call"),
        ("promise", "the notice's retention for account_user_data is 12 months after the end of the business "
                    "relationship (§5.1.1)"))


@pytest.mark.parametrize("marker", ["ttl_kw", "ttl_pos", "declared", "not_personal"])
def test_a_cache_ttl_or_a_declared_retention_counts(stored: Run, marker: str) -> None:
    stored.none("app/storage.py", line_of(STORAGE, f"# L:{marker}"))


def test_cache_timeout_none_keeps_forever_and_is_prv203(stored: Run) -> None:
    stored.one("app/storage.py", line_of(STORAGE, "# L:ttl_none"), "PRV203")


def test_declared_retention_on_a_storage_call_longer_than_the_notice_is_prv202(stored: Run) -> None:
    hit = stored.one("app/storage.py", line_of(STORAGE, "# L:declared_long"), "PRV202")
    assert hit.message.endswith("keeps account_user_data for 2 years, longer than the notice's 12 months"), \
        hit
    assert hit.detail("promise") == ("12 months after the end of the business relationship (§5.1.1) "
                                     "(policy account_user_data.after_relationship, notice 5.1.1)")


# --- the notice's maximum ------------------------------------------------------------------

BOUNDARIES = {
    "app/models.py": '''
        from django.db import models


        class Row(models.Model):
            a = models.EmailField()  # privacy: account_user_data retention=1y
            b = models.EmailField()  # privacy: account_user_data retention=12mo
            c = models.EmailField()  # privacy: account_user_data retention=13mo
            d = models.TextField()  # privacy: behavioral_analytics retention=2y
            e = models.TextField()  # privacy: behavioral_analytics retention=26mo
            f = models.TextField()  # privacy: event_logistics retention=60d
            g = models.TextField()  # privacy: event_logistics retention=61d
            h = models.TextField()  # privacy: account_user_data retention=P12M
            i = models.TextField()  # privacy: account_user_data retention=P1Y1D
            j = models.TextField()  # privacy: account_user_data retention=52w
            k = models.TextField()  # privacy: account_user_data retention=53w
            bank_account = models.TextField()  # privacy: billing_data retention=2y subject=account_user
            bank_account_ok = models.TextField()  # privacy: billing_data retention=7y subject=individual_customer
            bank_account_long = models.TextField()  # privacy: billing_data retention=8y subject=individual_customer
            l = models.TextField()  # privacy: billing_data retention=12mo subject=account_user
            m = models.TextField()  # privacy: communication_content retention=30y role=processor
    ''',
}


@pytest.fixture(scope="module")
def boundaries(tmp_path_factory) -> Run:
    return check(tmp_path_factory.mktemp("boundaries"), BOUNDARIES)


@pytest.mark.parametrize(
    ("line", "why"),
    [
        (5, "1y equals 12mo"),
        (6, "12mo equals 12mo"),
        (8, "2y is within 25mo"),
        (10, "60d equals 60d"),
        (12, "P12M equals 12mo"),
        (14, "52 weeks is within 12mo"),
        (17, "7y for individual customers"),
        (19, "12mo for account users"),
        (20, "a rule without a number sets no maximum"),
    ],
)
def test_retention_within_the_notice_is_accepted(boundaries: Run, line: int, why: str) -> None:
    boundaries.none("app/models.py", line)


@pytest.mark.parametrize(
    ("line", "field", "category", "code_says", "notice_says", "term", "section"),
    [
        (7, "c", "account_user_data", "13 months", "12 months after the end of the business relationship",
         "account_user_data.after_relationship", "5.1.1"),
        (9, "e", "behavioral_analytics", "26 months", "25 months after the moment the data was created",
         "behavioral_analytics.", "5.1.3"),
        (11, "g", "event_logistics", "61 days", "60 days after the day of the event", "event_logistics.", "5.5"),
        (13, "i", "account_user_data", "", "12 months after the end of the business relationship",
         "account_user_data.after_relationship", "5.1.1"),
        (15, "k", "account_user_data", "53 weeks", "12 months", "account_user_data.", "5.1.1"),
        (16, "bank_account", "billing_data", "2 years", "12 months after the end of the business relationship",
         "billing_data.", "5.1.1"),
        (18, "bank_account_long", "billing_data", "8 years", "7 years after the end of the business relationship",
         "billing_data.", "5.1.1"),
    ],
)
def test_retention_longer_than_the_notice_is_prv202_quoting_period_trigger_and_section(
    boundaries: Run, line: int, field: str, category: str, code_says: str, notice_says: str, term: str, section: str
) -> None:
    hit = boundaries.one("app/models.py", line, "PRV202")
    assert hit.message.startswith(f"Row.{field} keeps {category} for {code_says}")
    assert f"longer than the notice's {notice_says.split(' after ')[0]}" in hit.message
    assert hit.detail("promise").startswith(notice_says), hit
    assert f"(policy {term}" in hit.detail("promise")
    assert hit.detail("promise").endswith(f"notice {section})")


def test_exactly_the_expected_boundary_findings(boundaries: Run) -> None:
    assert sorted(h.line for h in boundaries.hits) == [7, 9, 11, 13, 15, 16, 18], boundaries.dump()
