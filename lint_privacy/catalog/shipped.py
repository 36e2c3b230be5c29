"""The catalog files shipped with the tool: read first by ``load_catalog``, and keyed on by the
caches of the loaded catalog and policy (session.load_setup) without importing the loader."""

from __future__ import annotations

from pathlib import Path

SHIPPED = tuple(Path(__file__).parent / n for n in ("names.yaml", "sinks.yaml", "regions.yaml"))
