"""Reading catalog files into a ``Catalog``: validation with positions, and merging user files
over the shipped ones (lists extend, scalars replace, a user's sink is tried first).
"""

# One format for every file: any section (kinds, exclusions, vendors, sinks, log_shipping,
# pseudonymisers, cleaners, logger_names, regions) may appear in any file, so a user's catalog
# can be a single file. docs/catalog.md describes the format for users.

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

from ..errors import closest
from ._yaml import CatalogError, YList, YMap, from_plain, load_yaml
from .names import ClassFamily, Kind, Names, split_words
from .regions import PROVIDERS, Regions
from .shipped import SHIPPED
from .sinks import (
    LOG_LEVELS,
    SINK_KINDS,
    STORAGE_KINDS,
    VENDOR_KINDS,
    ArgRef,
    Catalog,
    LogShipper,
    SinkSpec,
    Vendor,
)

CONFIG_SOURCE = "lint-privacy config"
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")

_TOP = ("version", "kinds", "exclusions", "vendors", "sinks", "log_shipping",
        "pseudonymisers", "cleaners", "clean_attributes", "logger_names", "settings_containers", "runners",
        "service_locators", "implementers", "regions", "class_families", "models", "model_receivers",
        "callbacks")
_KIND_KEYS = ("label", "personal", "special", "local", "local_patterns", "whole", "within", "patterns",
              "class_patterns", "exclude", "remove_patterns")
_EXCLUSION_KEYS = ("first", "after", "last", "types", "bases")
_VENDOR_KEYS = ("name", "kind", "country", "domains", "modules", "local_calls", "region",
                "host_countries", "log_shipping")
_SINK_KEYS = ("kind", "vendor", "calls", "receivers", "methods", "data", "url", "host",
              "host_setting", "ttl", "retention_required", "binders")
_SHIPPER_KEYS = ("vendor", "call", "handler", "min_level", "pii_keyword", "host")
_LISTS = ("pseudonymisers", "cleaners", "clean_attributes", "logger_names", "settings_containers",
          "implementers")


# -- typed field readers: each error points at the offending value ------------------------
def _check_keys(m: YMap, allowed: Sequence[str], what: str) -> None:
    for key in m:
        if key not in allowed:
            close = closest(key, allowed)
            hint = f"; did you mean {close!r}?" if close else f"; allowed: {', '.join(allowed)}"
            raise m.error(key, f"unknown key {key!r} in {what}{hint}")


def _map(parent: YMap, key: str, what: str) -> YMap:
    value = parent.get(key)
    if not isinstance(value, YMap):
        raise parent.error(key, f"{what} must be a mapping")
    return value


def _str(m: YMap, key: str, default: str = "") -> str:
    value = m.get(key, default)
    if not isinstance(value, str):
        raise m.error(key, f"{key!r} must be text")
    return value


def _bool(m: YMap, key: str, default: bool) -> bool:
    value = m.get(key, default)
    if not isinstance(value, bool):
        raise m.error(key, f"{key!r} must be true or false")
    return value


def _strs(m: YMap, key: str) -> list[str]:
    if key not in m:
        return []
    value = m[key]
    if not isinstance(value, YList):
        raise m.error(key, f"{key!r} must be a list of text items")
    for i, v in enumerate(value):
        if isinstance(v, bool):  # the YAML 1.1 trap: no, on, off, yes are booleans
            raise value.error(i, f"{key!r}: item {i + 1} was read as {str(v).lower()}; quote it")
        if not isinstance(v, str) or not v.strip():
            raise value.error(i, f"{key!r}: item {i + 1} must be non-empty text")
    return [v.strip() for v in value]


def _argref(value: Any, where: CatalogError) -> ArgRef:
    """``1`` (position), ``url`` (keyword) or ``{position: 1, keyword: url}`` (either)."""
    if isinstance(value, bool):
        raise where
    if isinstance(value, int) and value >= 0:
        return ArgRef(position=value)
    if isinstance(value, str) and value.isidentifier():
        return ArgRef(keyword=value)
    if isinstance(value, YMap) and set(value) <= {"position", "keyword"} and value:
        pos, kw = value.get("position"), value.get("keyword")
        pos_ok = pos is None or (isinstance(pos, int) and not isinstance(pos, bool) and pos >= 0)
        if pos_ok and (kw is None or (isinstance(kw, str) and kw.isidentifier())):
            return ArgRef(position=pos, keyword=kw)
    raise where


_ARG_HELP = "an argument is a position (1), a keyword (url) or {position: 1, keyword: url}"


def _opt_argref(m: YMap, key: str) -> ArgRef | None:
    if key not in m or m[key] is None:
        return None
    return _argref(m[key], m.error(key, f"{key!r}: {_ARG_HELP}"))


def _argrefs(m: YMap, key: str) -> tuple[ArgRef, ...]:
    """One argument or a list of them (redis ``set`` takes its TTL as ``ex`` or ``px``)."""
    value = m[key]
    if not isinstance(value, YList):
        return (_argref(value, m.error(key, f"{key!r}: {_ARG_HELP}")),)
    if not value:
        raise m.error(key, f"{key!r} must name at least one argument")
    return tuple(_argref(v, value.error(i, f"{key!r}: {_ARG_HELP}")) for i, v in enumerate(value))


def _countries(value: Any, err: CatalogError) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise err
    for c in value:
        if c is False:  # the Norway problem: YAML 1.1 reads a bare NO as false
            raise CatalogError(err.path, err.line, err.col, "NO was read as false; write 'NO'")
        if not (isinstance(c, str) and _COUNTRY.match(c)):
            raise err
    return tuple(value)


def _patterns(m: YMap, key: str) -> list[str]:
    items = _strs(m, key)
    for i, text in enumerate(items):
        if not split_words(text):
            raise m[key].error(i, f"pattern {text!r} has no words")
    return items


def _merge_list(old: Sequence[str], new: list[str]) -> list[str]:
    return [*old, *(v for v in new if v not in old)]


class _Builder:
    """Collects sections from the shipped files, then the user's, and builds the Catalog."""

    def __init__(self) -> None:
        self.kinds: dict[str, dict[str, Any]] = {}
        self.exclusions: dict[str, list[str]] = {k: [] for k in _EXCLUSION_KEYS}
        self.vendors: dict[str, dict[str, Any]] = {}
        self.sinks: dict[str, tuple[SinkSpec, list[str], YMap]] = {}
        self.user_sinks: list[str] = []
        self.shippers: list[tuple[LogShipper, YMap]] = []
        self.lists: dict[str, list[str]] = {key: [] for key in _LISTS}
        self.families: dict[str, ClassFamily] = {}
        self.runners: dict[str, ArgRef] = {}
        self.locators: dict[str, ArgRef] = {}
        self.models: dict[str, dict[str, str]] = {}
        self.model_receivers: dict[str, str] = {}
        self.callbacks: dict[str, dict[str, str]] = {}
        self.regions: dict[str, dict[str, tuple[str, ...]]] = {p: {} for p in PROVIDERS}
        self.user = False

    def add(self, doc: Any, path: str, user: bool) -> None:
        if not isinstance(doc, YMap):
            raise CatalogError(path, 1, 1, "a catalog file must be a mapping of sections")
        self.user = user
        _check_keys(doc, _TOP, "a catalog file")
        if "version" in doc and doc["version"] != 1:
            raise doc.error("version", "only catalog format version 1 is supported")
        for section, read in _SECTIONS:
            if section in doc:
                read(self, doc, section)

    # -- sections: one reader per section of a file, run in the order of _SECTIONS ----------
    def _class_families(self, doc: YMap, section: str) -> None:
        families = _map(doc, section, f"'{section}'")
        for family in families:
            m = _map(families, family, f"class family {family!r}")
            _check_keys(m, ("words", "not", "first", "not_kinds", "unless"), f"class family {family!r}")
            old = self.families.get(family, ClassFamily())
            self.families[family] = ClassFamily(
                words=tuple(_merge_list(old.words, _strs(m, "words"))),
                nots=tuple(_merge_list(old.nots, _strs(m, "not"))),
                first=_bool(m, "first", old.first),
                not_kinds=tuple(_merge_list(old.not_kinds, _strs(m, "not_kinds"))),
                unless=tuple(_merge_list(old.unless, _strs(m, "unless"))))

    def _kinds(self, doc: YMap, section: str) -> None:
        _each(doc, section, "kind", self._kind)

    def _models(self, doc: YMap, section: str) -> None:
        models = _map(doc, section, f"'{section}'")
        for model in models:
            fields = _map(models, model, f"model {model!r}")
            self.models.setdefault(model, {}).update({f: _str(fields, f) for f in fields})

    def _callbacks(self, doc: YMap, section: str) -> None:
        settings = _map(doc, section, f"'{section}'")
        for setting in settings:
            params = _map(settings, setting, f"callback setting {setting!r}")
            for name in params:
                kind = _str(params, name)
                if kind not in self.kinds:
                    raise params.error(name, f"callbacks: {setting}: parameter {name!r} has unknown "
                                             f"kind {kind!r}")
                self.callbacks.setdefault(setting, {})[name] = kind

    def _model_receivers(self, doc: YMap, section: str) -> None:
        receivers = _map(doc, section, f"'{section}'")
        self.model_receivers.update({r: _str(receivers, r) for r in receivers})

    def _exclusions(self, doc: YMap, section: str) -> None:
        ex = _map(doc, section, f"'{section}'")
        _check_keys(ex, _EXCLUSION_KEYS, f"'{section}'")
        for key in _EXCLUSION_KEYS:
            self.exclusions[key] = _merge_list(self.exclusions[key], _strs(ex, key))

    def _vendors(self, doc: YMap, section: str) -> None:
        _each(doc, section, "vendor", self._vendor)

    def _sinks(self, doc: YMap, section: str) -> None:
        _each(doc, section, "sink", self._sink)

    def _log_shipping(self, doc: YMap, section: str) -> None:
        self._shippers(doc, section, vendor="")

    def _runners(self, doc: YMap, section: str) -> None:
        runners = _map(doc, section, f"'{section}'")
        for call in runners:
            self.runners[call] = _argref(runners[call], runners.error(call, f"runner {call!r}: {_ARG_HELP}"))

    def _service_locators(self, doc: YMap, section: str) -> None:
        locators = _map(doc, section, f"'{section}'")
        for call in locators:
            self.locators[call] = _argref(locators[call],
                                          locators.error(call, f"service locator {call!r}: {_ARG_HELP}"))

    def _list(self, doc: YMap, section: str) -> None:
        self.lists[section] = _merge_list(self.lists[section], _strs(doc, section))

    def _regions(self, doc: YMap, section: str) -> None:
        regions = _map(doc, section, f"'{section}'")
        _check_keys(regions, PROVIDERS, f"'{section}'")
        for provider in regions:
            table = _map(regions, provider, f"regions of {provider!r}")
            for region, countries in table.items():
                err = table.error(region, "a region maps to a list of ISO 3166-1 alpha-2 "
                                  "country codes, e.g. [DE]")
                self.regions[provider][region] = _countries(countries, err)

    # -- names -------------------------------------------------------------------------
    def _kind(self, m: YMap, kid: str) -> None:
        _check_keys(m, _KIND_KEYS, f"kind {kid!r}")
        if not _ID.match(kid):
            raise m.error(None, f"kind id {kid!r} must be lower_snake_case")
        entry = self.kinds.get(kid)
        if entry is None:
            if "label" not in m or "personal" not in m:
                raise m.error(None, f"new kind {kid!r} needs 'label' and 'personal'")
            entry = self.kinds[kid] = {
                "patterns": [], "exclude": [], "local_patterns": [], "class_patterns": {}}
        if "label" in m:
            entry["label"] = _str(m, "label")
        if "within" in m:
            entry["within"] = _str(m, "within")
        for key, default in (("personal", False), ("special", False), ("local", True), ("whole", False)):
            if key in m or key not in entry:
                entry[key] = _bool(m, key, default)
        for key in ("patterns", "exclude", "local_patterns"):
            entry[key] = _merge_list(entry[key], _patterns(m, key))
        if "class_patterns" in m:
            by_family = _map(m, "class_patterns", f"'class_patterns' of kind {kid!r} (family: [patterns])")
            for family in by_family:
                if family not in self.families:
                    known = ", ".join(self.families) or "(none: define them under class_families)"
                    raise by_family.error(
                        family, f"unknown class family {family!r}; the families are: {known}")
                old = entry["class_patterns"].get(family, [])
                entry["class_patterns"][family] = _merge_list(old, _patterns(by_family, family))
        drop = set(_strs(m, "remove_patterns"))
        entry["patterns"] = [p for p in entry["patterns"] if p not in drop]
        for i, text in enumerate(_strs(m, "local_patterns")):
            if text not in entry["patterns"]:
                raise m["local_patterns"].error(
                    i, f"local pattern {text!r} is not one of kind {kid!r}'s patterns")

    def _checked_models(self) -> dict[str, dict[str, str]]:
        for model, fields in self.models.items():
            for name, kind in fields.items():
                if kind not in self.kinds:
                    raise CatalogError("names", 0, 0,
                                       f"model {model!r}: field {name!r} has unknown kind {kind!r}")
        for spelling, model in self.model_receivers.items():
            if model not in self.models:
                raise CatalogError("names", 0, 0,
                                   f"model_receivers: {spelling!r} names unknown model {model!r}")
        return {m: dict(f) for m, f in self.models.items()}

    # -- vendors -----------------------------------------------------------------------
    def _vendor(self, m: YMap, vid: str) -> None:
        _check_keys(m, _VENDOR_KEYS, f"vendor {vid!r}")
        if not _ID.match(vid):
            raise m.error(None, f"vendor id {vid!r} must be lower_snake_case")
        entry = self.vendors.get(vid)
        if entry is None:
            if "name" not in m or "kind" not in m:
                raise m.error(None, f"new vendor {vid!r} needs 'name' and 'kind'")
            entry = self.vendors[vid] = {
                "country": "", "domains": [], "modules": [], "local_calls": [],
                "region_provider": "", "region_keywords": [], "host_countries": {},
            }
        for key in ("name", "kind", "country"):
            if key in m:
                entry[key] = _str(m, key)
        if entry["kind"] not in VENDOR_KINDS:
            allowed = ", ".join(VENDOR_KINDS)
            raise m.error("kind", f"vendor kind {entry['kind']!r} is not one of: {allowed}")
        if entry["country"] and not _COUNTRY.match(entry["country"]):
            raise m.error("country", "'country' must be an ISO 3166-1 alpha-2 code (US) or empty")
        for key in ("domains", "modules", "local_calls"):
            values = _strs(m, key)
            if key == "domains":
                values = [d.lower().lstrip(".") for d in values]
            entry[key] = _merge_list(entry[key], values)
        if "region" in m:
            region = _map(m, "region", "'region'")
            _check_keys(region, ("provider", "keywords"), "'region'")
            provider = _str(region, "provider")
            if provider not in PROVIDERS:
                allowed = ", ".join(PROVIDERS)
                raise region.error("provider", f"region provider must be one of: {allowed}")
            entry["region_provider"] = provider
            keywords = _strs(region, "keywords")
            entry["region_keywords"] = _merge_list(entry["region_keywords"], keywords)
        if "host_countries" in m:
            hc = _map(m, "host_countries", "'host_countries'")
            for suffix, countries in hc.items():
                err = hc.error(suffix, "a host suffix maps to a list of country codes, e.g. [DE]")
                entry["host_countries"][suffix.lower()] = _countries(countries, err)
        if "log_shipping" in m:
            self._shippers(m, "log_shipping", vendor=vid)

    def _shippers(self, parent: YMap, key: str, vendor: str) -> None:
        items = parent[key]
        if not isinstance(items, YList):
            raise parent.error(key, "'log_shipping' must be a list")
        for i, item in enumerate(items):
            if not isinstance(item, YMap):
                raise items.error(i, "a log_shipping entry must be a mapping")
            _check_keys(item, _SHIPPER_KEYS, "a log_shipping entry")
            if ("call" in item) == ("handler" in item):
                raise items.error(i, "a log_shipping entry needs one of 'call' or 'handler'")
            how: Literal["call", "handler"] = "call" if "call" in item else "handler"
            level = _str(item, "min_level", "DEBUG").upper()
            if level not in LOG_LEVELS:
                allowed = ", ".join(LOG_LEVELS)
                raise item.error("min_level", f"'min_level' must be one of: {allowed}")
            shipper = LogShipper(
                vendor=_str(item, "vendor", vendor) or vendor,
                target=_str(item, how),
                how=how,
                min_level=level,
                pii_keyword=_str(item, "pii_keyword"),
                host=_opt_argref(item, "host"),
            )
            self.shippers.append((shipper, item))

    # -- sinks -------------------------------------------------------------------------
    def _sink(self, m: YMap, sid: str) -> None:
        _check_keys(m, _SINK_KEYS, f"sink {sid!r}")
        kind = _str(m, "kind")
        if kind not in SINK_KINDS:
            raise m.error("kind" if "kind" in m else None,
                          f"sink kind {kind!r} is not one of: {', '.join(SINK_KINDS)}")
        calls = _strs(m, "calls")
        receivers, methods = _strs(m, "receivers"), _strs(m, "methods")
        if bool(receivers) != bool(methods):
            raise m.error(None, "'receivers' and 'methods' go together")
        calls += [f"{r}.{meth}" for r in receivers for meth in methods]
        data = None if m.get("data", "all") == "all" else _argrefs(m, "data")
        ttls = _argrefs(m, "ttl") if m.get("ttl") is not None else ()
        spec = SinkSpec(
            id=sid,
            kind=kind,
            vendor=_str(m, "vendor"),
            data=data,
            url=_opt_argref(m, "url"),
            host=_opt_argref(m, "host"),
            host_setting=_str(m, "host_setting"),
            ttl=ttls[0] if ttls else None,
            ttls=ttls,
            retention_required=_bool(m, "retention_required", kind in STORAGE_KINDS),
            binders=tuple(_strs(m, "binders")),
        )
        self.sinks[sid] = (spec, calls, m)
        if self.user:  # a user's sink is tried before the shipped ones, so it can override
            if sid in self.user_sinks:
                self.user_sinks.remove(sid)
            self.user_sinks.append(sid)

    # -- result ------------------------------------------------------------------------
    def build(self) -> Catalog:
        for sid, (spec, _, where) in self.sinks.items():
            if spec.vendor and spec.vendor not in self.vendors:
                raise where.error("vendor", f"sink {sid!r} names unknown vendor {spec.vendor!r}")
        for shipper, where in self.shippers:
            if shipper.vendor and shipper.vendor not in self.vendors:
                raise where.error("vendor", f"log_shipping names unknown vendor {shipper.vendor!r}")
        kinds = {
            kid: Kind(kid, e["label"], e["personal"], e["special"], e.get("within", ""), e["local"],
                      tuple(e.get("local_patterns", ())), e["whole"])
            for kid, e in self.kinds.items()
        }
        for kid, kind in kinds.items():
            if kind.within and kind.within not in kinds:
                raise CatalogError("names", 0, 0, f"kind {kid!r} is within unknown kind {kind.within!r}")
        for family, c in self.families.items():
            for kid in c.not_kinds:
                if kid not in kinds:
                    raise CatalogError("names", 0, 0, f"class family {family!r}: 'not_kinds' names unknown kind {kid!r}")
            for other in c.unless:
                if other not in self.families:
                    raise CatalogError("names", 0, 0, f"class family {family!r}: 'unless' names unknown family "
                                                      f"{other!r}; the families are: {', '.join(self.families)}")
        names = Names(
            kinds,
            patterns={kid: e["patterns"] for kid, e in self.kinds.items()},
            excludes={kid: e["exclude"] for kid, e in self.kinds.items()},
            first=self.exclusions["first"],
            after=self.exclusions["after"],
            last=self.exclusions["last"],
            types=self.exclusions["types"],
            bases=self.exclusions["bases"],
            class_patterns={kid: e["class_patterns"] for kid, e in self.kinds.items()},
            class_families=self.families,
            models=self._checked_models(),
            model_receivers=self.model_receivers,
            callbacks=self.callbacks,
        )
        vendors = {
            vid: Vendor(
                id=vid, name=e["name"], kind=e["kind"], country=e["country"],
                domains=tuple(e["domains"]), modules=tuple(e["modules"]),
                local_calls=tuple(e["local_calls"]), region_provider=e["region_provider"],
                region_keywords=tuple(e["region_keywords"]),
                host_countries=dict(e["host_countries"]),  # a plain dict: the catalog is pickled (cache)
            )
            for vid, e in self.vendors.items()
        }
        order = self.user_sinks + [s for s in self.sinks if s not in self.user_sinks]
        return Catalog(
            names=names,
            vendors=vendors,
            sinks=[(self.sinks[s][0], self.sinks[s][1]) for s in order],
            regions=Regions(self.regions),
            logger_names=self.lists["logger_names"],
            settings_containers=self.lists["settings_containers"],
            clean_attributes=self.lists["clean_attributes"],
            runners=self.runners,
            service_locators=self.locators,
            implementers=self.lists["implementers"],
            pseudonymisers=self.lists["pseudonymisers"],
            cleaners=self.lists["cleaners"],
            log_shippers=[s for s, _ in self.shippers],
        )


# Each section of a catalog file with its reader, in the order they are read: a kind's class
# patterns name families, so families come first.
def _each(doc: YMap, section: str, what: str, read: Callable[[YMap, str], None]) -> None:
    """``read`` each entry of a section of named mappings (kinds, vendors, sinks) with its id."""
    entries = _map(doc, section, f"'{section}'")
    for key in entries:
        read(_map(entries, key, f"{what} {key!r}"), key)


_SECTIONS: tuple[tuple[str, Callable[[_Builder, YMap, str], None]], ...] = (
    ("class_families", _Builder._class_families),
    ("kinds", _Builder._kinds),
    ("models", _Builder._models),
    ("model_receivers", _Builder._model_receivers),
    ("callbacks", _Builder._callbacks),
    ("exclusions", _Builder._exclusions),
    ("vendors", _Builder._vendors),
    ("sinks", _Builder._sinks),
    ("log_shipping", _Builder._log_shipping),
    ("runners", _Builder._runners),
    ("service_locators", _Builder._service_locators),
    *((key, _Builder._list) for key in _LISTS),
    ("regions", _Builder._regions),
)


def _names_config(extra_names: Mapping[str, Any]) -> YMap:
    """Config names: sections ``kinds``/``exclusions``, or the shorthand ``kind: [patterns]``."""
    doc = from_plain(dict(extra_names), CONFIG_SOURCE)
    kinds = doc.pop("kinds", None) or from_plain({}, CONFIG_SOURCE)
    if not isinstance(kinds, YMap):
        raise CatalogError(CONFIG_SOURCE, 0, 0, "names: 'kinds' must be a mapping")
    out = from_plain({}, CONFIG_SOURCE)
    if "exclusions" in doc:
        out["exclusions"] = doc.pop("exclusions")
    for kid, value in doc.items():
        if isinstance(value, list):
            value = from_plain({"patterns": list(value)}, CONFIG_SOURCE)
        kinds[kid] = value
    out["kinds"] = kinds
    return out


# The shipped files never change under a running process; user files are re-read when their
# size or mtime changes (a long-lived editor process must never use a stale catalog).
_CACHE: dict[str, Catalog] = {}


def _stamp(path: str) -> tuple[str, int, int]:
    try:
        st = os.stat(path)
    except OSError:
        return (path, -1, -1)  # load_yaml reports the missing file
    return (path, st.st_mtime_ns, st.st_size)


def load_catalog(
    extra: Sequence[str | os.PathLike[str]] = (),
    extra_names: Mapping[str, Any] | None = None,
) -> Catalog:
    """The shipped catalog with the user's YAML files (in order) and config names over it."""
    paths = [os.fspath(p) for p in extra]
    key = json.dumps([[_stamp(p) for p in paths], extra_names or {}], sort_keys=True, default=str)
    cached = _CACHE.get(key)
    if cached is not None:
        return cached
    builder = _Builder()
    for shipped in SHIPPED:
        builder.add(load_yaml(shipped), str(shipped), user=False)
    for path in paths:
        builder.add(load_yaml(path), path, user=True)
    if extra_names:
        if not isinstance(extra_names, Mapping):
            raise CatalogError(CONFIG_SOURCE, 0, 0, "names must be a mapping")
        builder.add(_names_config(extra_names), CONFIG_SOURCE, user=True)
    catalog = builder.build()
    if len(_CACHE) > 16:
        _CACHE.clear()
    _CACHE[key] = catalog
    return catalog
