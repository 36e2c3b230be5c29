"""An organisation, a team or one of their places is no data subject: its address is not a
person's (the catalog's `organisation` family), while its point of contact keeps its findings,
and a place tied to the person it belongs to (a `user` or `owner` field) keeps its address."""

from __future__ import annotations

import pytest

from conftest import Run, check, line_of

MODELS = '''
    from django.db import models


    class Location(models.Model):
        physical_address = models.CharField(max_length=200)  # L:site address
        shipping_address = models.CharField(max_length=200)  # L:site shipping
        contact_name = models.CharField(max_length=100)  # L:site contact
        contact_email = models.EmailField()  # L:site contact email


    class TeamForm:
        address: str  # L:team address
        email: str  # L:team email


    class ContactTeamBase(models.Model):
        address = models.TextField()  # L:contact address


    class DeliveryLocation(models.Model):
        owner = models.ForeignKey("auth.User", on_delete=models.CASCADE)
        address = models.CharField(max_length=200)  # L:owned place


    class UserLocation(models.Model):
        address = models.CharField(max_length=200)  # L:user's place


    class Order(models.Model):
        shipping_address = models.CharField(max_length=200)  # L:order
'''


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return check(tmp_path_factory.mktemp("organisation"), {"app/__init__.py": "", "app/models.py": MODELS})


@pytest.mark.parametrize("marker", ["# L:site address", "# L:site shipping", "# L:team address"])
def test_an_organisations_address_is_not_inventoried(run: Run, marker: str) -> None:
    run.none("app/models.py", line_of(MODELS, marker), "PRV10")


@pytest.mark.parametrize(("marker", "field", "kind"), [
    ("# L:site contact", "Location.contact_name", "personal name"),  # its point of contact
    ("# L:site contact email", "Location.contact_email", "e-mail address"),
    ("# L:team email", "TeamForm.email", "e-mail address"),  # other kinds stay
    ("# L:contact address", "ContactTeamBase.address", "postal address"),  # the class names a contact
    ("# L:owned place", "DeliveryLocation.address", "postal address"),  # a field names its owner
    ("# L:user's place", "UserLocation.address", "postal address"),  # the class names its user
    ("# L:order", "Order.shipping_address", "postal address"),  # no organisation at all
])
def test_a_persons_data_or_place_keeps_its_finding(run: Run, marker: str, field: str, kind: str) -> None:
    hit = run.one("app/models.py", line_of(MODELS, marker), "PRV103")
    assert hit.message.startswith(f"{field} looks like personal data ({kind})"), hit
