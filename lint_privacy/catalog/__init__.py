"""Knowledge as data: personal-data names, sinks and vendors, cloud regions (the YAML files in
this package), loaded and merged with the user's catalog files by :func:`load_catalog`.
"""

from __future__ import annotations

from ._build import load_catalog
from ._yaml import CatalogError
from .names import Kind, NameMatch, Names, split_words
from .regions import Regions
from .sinks import SINK_KINDS, STORAGE_KINDS, ArgRef, Catalog, LogShipper, SinkSpec, Vendor

__all__ = [
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
