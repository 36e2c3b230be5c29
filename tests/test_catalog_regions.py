"""The cloud-region table: complete for the AWS partitions the pinned botocore knows, right on
the known traps, multi-regions as sets of countries, ids matched case-insensitively.
"""

from __future__ import annotations

import pytest

from lint_privacy.catalog import load_catalog

botocore_loaders = pytest.importorskip("botocore.loaders")


@pytest.fixture(scope="module")
def regions():
    return load_catalog().regions


def _botocore_regions() -> list[tuple[str, str]]:
    endpoints = botocore_loaders.Loader().load_data("endpoints")
    wanted = {"aws", "aws-cn", "aws-us-gov"}
    found = [
        (p["partition"], region)
        for p in endpoints["partitions"]
        if p["partition"] in wanted
        for region in p["regions"]
    ]
    assert {p for p, _ in found} == wanted  # the pinned botocore still has these partitions
    return sorted(found)


@pytest.mark.parametrize(("partition", "region"), _botocore_regions())
def test_every_botocore_region_is_known(regions, partition, region):
    countries = regions.countries("aws", region)
    assert countries, f"{partition} region {region} is missing from regions.yaml"
    if partition == "aws-cn":
        assert countries == ("CN",)
    if partition == "aws-us-gov":
        assert countries == ("US",)


@pytest.mark.parametrize(
    ("provider", "region", "countries"),
    [
        # the traps
        ("aws", "eu-west-2", ("GB",)),
        ("aws", "ap-east-1", ("HK",)),
        ("aws", "ap-east-2", ("TW",)),
        ("aws", "il-central-1", ("IL",)),
        ("aws", "eu-central-2", ("CH",)),
        ("aws", "me-central-1", ("AE",)),
        ("gcp", "asia-east1", ("TW",)),
        ("gcp", "asia-east2", ("HK",)),
        ("gcp", "me-west1", ("IL",)),
        ("gcp", "europe-west6", ("CH",)),
        ("gcp", "europe-west2", ("GB",)),
        ("azure", "switzerlandnorth", ("CH",)),
        ("azure", "eastasia", ("HK",)),
        ("azure", "uksouth", ("GB",)),
        ("azure", "norwayeast", ("NO",)),
        # newer regions
        ("aws", "ap-southeast-5", ("MY",)),
        ("aws", "ap-southeast-7", ("TH",)),
        ("aws", "mx-central-1", ("MX",)),
        ("aws", "ca-west-1", ("CA",)),
        ("azure", "uaenorth", ("AE",)),
        ("azure", "qatarcentral", ("QA",)),
        ("azure", "israelcentral", ("IL",)),
        ("azure", "polandcentral", ("PL",)),
        ("azure", "italynorth", ("IT",)),
        ("azure", "mexicocentral", ("MX",)),
        ("azure", "spaincentral", ("ES",)),
        ("azure", "newzealandnorth", ("NZ",)),
        # the home region of the Infobip notice's affiliates and a plain EU one
        ("aws", "ap-southeast-3", ("ID",)),
        ("gcp", "asia-southeast2", ("ID",)),
        ("aws", "eu-central-1", ("DE",)),
        # case-insensitive; Azure display names
        ("aws", "EU-WEST-2", ("GB",)),
        ("gcp", "EUROPE-WEST6", ("CH",)),
        ("azure", "West Europe", ("NL",)),
        ("AWS", " us-east-1 ", ("US",)),
    ],
)
def test_region_countries(regions, provider, region, countries):
    assert regions.countries(provider, region) == countries


def test_multi_regions_are_sets(regions):
    eu = regions.countries("gcp", "EU")
    assert eu is not None and len(eu) > 1 and {"BE", "NL", "DE", "FI"} <= set(eu)
    assert "GB" not in eu and "CH" not in eu  # the EU multi-region stays in the EU
    assert regions.countries("gcp", "us") == ("US",)
    assert {"TW", "HK", "JP"} <= set(regions.countries("gcp", "asia") or ())
    assert regions.countries("gcp", "nam4") == ("US",)
    assert set(regions.countries("gcp", "eur4") or ()) == {"FI", "NL"}
    assert regions.countries("gcp", "asia1") == ("JP",)


@pytest.mark.parametrize(
    ("provider", "region"),
    [("aws", "eu-west-9"), ("aws", "eu-isoe-west-1"), ("gcp", "mars1"), ("oracle", "us-east-1"),
     ("aws", "")],
)
def test_unknown_is_none(regions, provider, region):
    assert regions.countries(provider, region) is None


def test_user_file_adds_a_region(tmp_path):
    path = tmp_path / "catalog.yaml"
    text = "regions:\n  aws:\n    eu-isoe-west-1: [DE]\n  gcp:\n    eu: [BE]\n"
    path.write_text(text, encoding="utf-8")
    regions = load_catalog([path]).regions
    assert regions.countries("aws", "eu-isoe-west-1") == ("DE",)
    assert regions.countries("gcp", "eu") == ("BE",)  # a user entry replaces the shipped one
    assert regions.countries("aws", "eu-west-2") == ("GB",)
