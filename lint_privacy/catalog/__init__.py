"""Knowledge as data: personal-data names, sinks and vendors, cloud regions (the YAML files in
this package), loaded and merged with the user's catalog files by :func:`load_catalog`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from .names import Kind, NameMatch, Names, split_words
from .regions import Regions
from .sinks import SINK_KINDS, STORAGE_KINDS, ArgRef, Catalog, LogShipper, SinkSpec, Vendor

if TYPE_CHECKING:
    from ._build import load_catalog
    from ._yaml import CatalogError

SHIPPED = tuple(Path(__file__).parent / n for n in ("names.yaml", "sinks.yaml", "regions.yaml"))

__all__ = [
    "SHIPPED",
    "SINK_KINDS",
    "STORAGE_KINDS",
    "ArgRef",
    "Catalog",
    "CatalogError",
    "Kind",
    "LogShipper",
    "NameMatch",
    "Names",
    "Regions",
    "SinkSpec",
    "Vendor",
    "load_catalog",
    "split_words",
]


def __getattr__(name: str) -> Any:
    # Building the catalog (YAML) is imported only when one is built: a warm run unpickles it.
    if name == "load_catalog":
        from ._build import load_catalog

        return load_catalog
    if name == "CatalogError":
        from ._yaml import CatalogError

        return CatalogError
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
