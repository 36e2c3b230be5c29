"""Network equipment is no data subject: a router interface's MAC address, a circuit's id, an IPAM
record's address or a device's primary IP are a machine's (the catalog's `equipment` family and
its `not_kinds`), while a device or an IP address tied to a person (a `user` field, a relation to
a user's class, a class named after a person) keeps its finding."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Run, check, line_of
from lint_privacy.catalog import CatalogError, load_catalog

MODELS = '''
    from django.db import models
    from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


    class Base(DeclarativeBase):
        pass


    class Interface(models.Model):
        name = models.CharField(max_length=64)
        mac_address = models.CharField(max_length=17)  # L:interface mac


    class Circuit(models.Model):
        cid = models.CharField(max_length=100)  # L:circuit id


    class IPAddressSerializer:
        address: str  # L:ipam address


    class DeviceType:
        primary_ip: str  # L:device ip
        admin_email: str  # L:device admin


    class Device(models.Model):
        user = models.ForeignKey("auth.User", on_delete=models.CASCADE)
        ip_address = models.GenericIPAddressField()  # L:user's device


    class UserDevice(models.Model):
        mac_address = models.CharField(max_length=17)  # L:named for a person


    class IpAddress(Base):
        __tablename__ = "ip_addresses"
        ip_address: Mapped[str] = mapped_column()  # L:login ip
        logins: Mapped[list["UserUniqueLogin"]] = relationship()


    class Router:
        ip_address: str  # L:contact's device
        contact_email: str


    class Visit(models.Model):
        ip_address = models.GenericIPAddressField()  # L:visit ip
'''


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return check(tmp_path_factory.mktemp("equipment"), {"app/__init__.py": "", "app/models.py": MODELS})


@pytest.mark.parametrize("marker", ["# L:interface mac", "# L:circuit id", "# L:ipam address", "# L:device ip"])
def test_a_machines_address_is_not_inventoried(run: Run, marker: str) -> None:
    run.none("app/models.py", line_of(MODELS, marker), "PRV10")


def test_other_kinds_of_an_equipment_class_stay(run: Run) -> None:
    hit = run.one("app/models.py", line_of(MODELS, "# L:device admin"), "PRV103")
    assert hit.message.startswith("DeviceType.admin_email looks like personal data (e-mail address)"), hit


@pytest.mark.parametrize(("marker", "field", "kind"), [
    ("# L:user's device", "Device.ip_address", "IP address"),  # a sibling field names a user
    ("# L:named for a person", "UserDevice.mac_address", "MAC address"),  # the class's own name does
    ("# L:login ip", "IpAddress.ip_address", "IP address"),  # a relation's type does
    ("# L:contact's device", "Router.ip_address", "IP address"),  # a sibling names a contact
    ("# L:visit ip", "Visit.ip_address", "IP address"),  # no equipment at all
])
def test_a_person_tied_class_keeps_its_finding(run: Run, marker: str, field: str, kind: str) -> None:
    [hit] = [h for h in run.at("app/models.py", line_of(MODELS, marker)) if h.code in ("PRV103", "PRV106")]
    assert hit.message.startswith(f"{field} looks like") and kind in hit.message, hit


@pytest.mark.parametrize(("family", "error"), [
    ("    not_kinds: [ip_adress]\n", "class family 'printer': 'not_kinds' names unknown kind 'ip_adress'"),
    ("    not_kinds: [ip_address]\n    unless: [persons]\n",
     "class family 'printer': 'unless' names unknown family 'persons'; the families are: person, mail, writing, "
     "equipment, organisation, holder, printer"),
])
def test_a_family_naming_an_unknown_kind_or_family_is_an_error(tmp_path: Path, family: str, error: str) -> None:
    path = tmp_path / "catalog.yaml"
    path.write_text("class_families:\n  printer:\n    words: [printer]\n" + family, encoding="utf-8")
    with pytest.raises(CatalogError) as err:
        load_catalog([path])
    assert error in str(err.value)
