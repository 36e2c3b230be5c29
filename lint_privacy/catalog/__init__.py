"""Knowledge as data: personal-data names, sinks and vendors, cloud regions (the YAML files in
this package), loaded and merged with the user's catalog files by :func:`load_catalog`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .shipped import SHIPPED

if TYPE_CHECKING:
    from ._build import load_catalog
    from ._yaml import CatalogError
    from .names import Kind, NameMatch, Names, split_words
    from .regions import Regions
    from .sinks import (EXPOSURE_KINDS, SINK_KINDS, STORAGE_KINDS, ArgRef, Catalog, LogShipper, SinkSpec,
                        Vendor)

__all__ = [
    "EXPOSURE_KINDS",
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


# Each name from the module that defines it, imported on first use: a warm run that needs no
# catalog (its findings cached) imports none of them, and building one (YAML) only when one is built.
_HOME = {
    **dict.fromkeys(("Kind", "NameMatch", "Names", "split_words"), "names"),
    "Regions": "regions",
    **dict.fromkeys(("EXPOSURE_KINDS", "SINK_KINDS", "STORAGE_KINDS", "ArgRef", "Catalog", "LogShipper",
                     "SinkSpec", "Vendor"), "sinks"),
    "load_catalog": "_build",
    "CatalogError": "_yaml",
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{home}", __name__), name)
