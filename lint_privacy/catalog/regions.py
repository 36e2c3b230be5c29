"""Cloud regions to the countries that store their data (``regions.yaml``), for cross-border
checks: ``Regions.countries("aws", "eu-west-2") == ("GB",)``.
"""

from __future__ import annotations

from collections.abc import Mapping

PROVIDERS = ("aws", "gcp", "azure")


def normalise_region(provider: str, region: str) -> str:
    """Region ids compare case-insensitively; Azure display names ("West Europe") lose spaces."""
    key = region.strip().lower()
    if provider == "azure":
        key = key.replace(" ", "")
    return key


class Regions:
    """The region table: provider id -> region id -> ISO 3166-1 alpha-2 countries."""

    def __init__(self, table: Mapping[str, Mapping[str, tuple[str, ...]]]) -> None:
        self._table = {
            provider: {normalise_region(provider, r): tuple(c) for r, c in regions.items()}
            for provider, regions in table.items()
        }

    def countries(self, provider: str, region: str) -> tuple[str, ...] | None:
        """The countries of ``region`` (several for a multi-region); None for an unknown one."""
        provider = provider.strip().lower()
        return self._table.get(provider, {}).get(normalise_region(provider, region))

    def regions(self, provider: str) -> frozenset[str]:
        """Every region id known for a provider (normalised, lower case)."""
        return frozenset(self._table.get(provider, {}))
