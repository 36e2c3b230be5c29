"""Where data leaves: sink specs, vendors, log shippers and the ``Catalog`` that matches the
engine's qualified call names (``requests.Session().post``: ``()`` marks a call result).
"""

# Catalog patterns are fnmatch globs over qualified names, ``*`` spanning dots.

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

from .names import Names
from .regions import Regions

# ``vendor`` is what match_call gives a call into a vendor's modules; a catalog may also use
# it explicitly to send a call to another vendor than its module's (openai.AzureOpenAI).
SINK_KINDS = (
    "log", "output", "exception", "warning", "http", "mail", "queue", "storage", "cache", "file",
    "sql", "object_store", "orm", "vendor",
)
# Kinds that show data to whoever reads logs, output and error reports: PRV6xx judges them; they
# send it to no recipient, so no destination, purpose or consent is asked of them.
EXPOSURE_KINDS = frozenset({"log", "output", "exception", "warning"})
# Kinds that keep data: a call of one of these needs a retention (SPEC "stored").
STORAGE_KINDS = frozenset({"storage", "cache", "file", "sql", "object_store", "orm"})
VENDOR_KINDS = (
    "telecom", "messaging", "email", "sms", "crm", "support", "analytics",
    "product_analytics", "marketing", "advertising", "cloud", "storage", "payments",
    "monitoring", "errors", "ai", "collaboration", "documents", "hr", "social",
)
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
_MEMO_LIMIT = 100_000
_T = TypeVar("_T")
Effect = Literal["pseudonymise", "clean"]


@dataclass(frozen=True)
class ArgRef:
    """One argument of a call: by position, by keyword, or either (the same parameter)."""

    position: int | None = None
    keyword: str | None = None

    def matches(self, arg: Any) -> bool:
        """Whether a call's argument (an ``ArgFact``: ``position``, ``keyword``) is this one."""
        return (self.keyword is not None and arg.keyword == self.keyword) or (
            self.position is not None and arg.position == self.position)


@dataclass(frozen=True)
class Vendor:
    """A third party that receives data through its SDK (``modules``) or over HTTP (``domains``).

    ``local_calls`` are globs of calls into its modules that send nothing (constructors,
    configuration, helpers). ``region_provider``/``region_keywords`` say which keyword
    arguments of its calls name a cloud region and in whose region table to look it up.
    ``host_countries`` maps a host suffix to the countries behind it, for vendors whose
    regional endpoints differ from their default ``country`` (api.eu.mailgun.net).
    """

    id: str
    name: str
    kind: str
    country: str = ""
    domains: tuple[str, ...] = ()
    modules: tuple[str, ...] = ()
    local_calls: tuple[str, ...] = ()
    region_provider: str = ""
    region_keywords: tuple[str, ...] = ()
    host_countries: Mapping[str, tuple[str, ...]] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class SinkSpec:
    """What a matched call does with its arguments.

    ``data`` None means every argument carries data. ``url``/``ttl`` point into the call's own
    arguments (``ttls`` lists every argument that can carry a TTL, e.g. redis ``ex`` and
    ``px``; ``ttl`` is its first); ``host`` points into the arguments of the constructor the
    receiver came from (the last ``()`` of the qualified name, e.g. ``smtplib.SMTP(host)``);
    ``host_setting`` is a Django setting naming the host (``EMAIL_HOST``). ``binders`` are the
    methods of a receiver that make a new one writing their arguments with every call (structlog's
    ``log.bind(user=...)``): a receiver made by one carries what it was given to the sink.
    """

    id: str
    kind: str
    vendor: str = ""
    data: tuple[ArgRef, ...] | None = None
    url: ArgRef | None = None
    host: ArgRef | None = None
    host_setting: str = ""
    ttl: ArgRef | None = None
    retention_required: bool = False
    ttls: tuple[ArgRef, ...] = ()
    binders: tuple[str, ...] = ()  # methods making a receiver that writes their arguments in every call


@dataclass(frozen=True)
class LogShipper:
    """Something that turns ordinary log calls into a transfer to a vendor.

    ``how`` is ``"call"`` when calling ``target`` ships the records of the root logger from
    then on (``sentry_sdk.init``), or ``"handler"`` when ``target`` is a ``logging.Handler``
    class path that ships what reaches the logger it is attached to (by ``addHandler`` or by
    name in a ``dictConfig``). Records below ``min_level`` are not shipped. ``pii_keyword``
    is a keyword of the call that, when true, makes the vendor also collect request
    personal data (``send_default_pii``). ``vendor`` is empty when the destination is read
    from ``host`` (the stdlib ``HTTPHandler``/``SysLogHandler``), to be matched by domain.
    """

    vendor: str
    target: str
    how: Literal["call", "handler"]
    min_level: str = "DEBUG"
    pii_keyword: str = ""
    host: ArgRef | None = None


def has_glob(pattern: str) -> bool:
    return any(ch in pattern for ch in "*?[")


class Glob:
    """An fnmatch glob whose ``*`` spans dots.

    The catalog holds hundreds of globs and is loaded on every flake8 run; compiling each to
    a regex cost more than all the YAML parsing, so ``*``-only globs (nearly all of them) are
    matched by plain string tests and only ``?``/``[...]`` fall back to a regex.
    """

    __slots__ = ("_parts", "_regex", "_min")

    def __init__(self, pattern: str) -> None:
        self._regex = (
            re.compile(fnmatch.translate(pattern)) if "?" in pattern or "[" in pattern else None
        )
        self._parts = pattern.split("*")
        self._min = sum(len(p) for p in self._parts)

    def match(self, name: str) -> bool:
        if self._regex is not None:
            return self._regex.match(name) is not None
        parts = self._parts
        if len(parts) == 1:
            return name == parts[0]
        if len(name) < self._min or not name.startswith(parts[0]) or not name.endswith(parts[-1]):
            return False
        pos, stop = len(parts[0]), len(name) - len(parts[-1])
        for middle in parts[1:-1]:
            found = name.find(middle, pos, stop)
            if found < 0:
                return False
            pos = found + len(middle)
        return True


def _last_segment(pattern: str) -> str | None:
    """The literal last segment every match must end with (``boto3.*().put_object`` ->
    ``put_object``), or None when a wildcard can reach into it (``hashlib.*``)."""
    tail = pattern.rsplit("*", 1)[-1]
    if "." not in tail or "?" in tail or "[" in tail:
        return None
    return tail.rsplit(".", 1)[1] or None


class _GlobSet(Generic[_T]):
    """Exact names first (a dict lookup), then globs in order: the first that matches wins.

    A project has tens of thousands of distinct call names and most match nothing, so globs
    are bucketed by their literal last segment: a name is only tried against the globs that
    end like it, plus the few whose end is a wildcard.
    """

    def __init__(self, entries: Sequence[tuple[str, _T]]) -> None:
        self._exact: dict[str, _T] = {}
        self._by_last: dict[str, list[tuple[int, Glob, _T]]] = {}
        self._open_ended: list[tuple[int, Glob, _T]] = []
        for order, (pattern, value) in enumerate(entries):
            if not has_glob(pattern):
                self._exact.setdefault(pattern, value)
                continue
            entry = (order, Glob(pattern), value)
            last = _last_segment(pattern)
            if last is None:
                self._open_ended.append(entry)
            else:
                self._by_last.setdefault(last, []).append(entry)

    def get(self, name: str) -> _T | None:
        if name in self._exact:
            return self._exact[name]
        best: tuple[int, _T] | None = None
        bucket = self._by_last.get(name.rsplit(".", 1)[-1], ())
        for candidates in (bucket, self._open_ended):
            for order, glob, value in candidates:  # each list is in catalog order
                if best is not None and order > best[0]:
                    break
                if glob.match(name):
                    best = (order, value)
                    break
        return best[1] if best else None


def _strip_builtins(qualname: str) -> str:
    # The engine writes builtins bare (``open().write``); accept the explicit spelling too.
    return qualname[len("builtins."):] if qualname.startswith("builtins.") else qualname


def normalise_host(host: str) -> str:
    """Lower case, no trailing dot, no port; an IPv6 literal becomes empty (no vendor owns it)."""
    h = host.strip().lower().rstrip(".")
    if h.startswith("["):
        return ""
    return h.rsplit(":", 1)[0] if h.count(":") == 1 else h


def _by_suffix(table: Mapping[str, _T], host: str) -> _T | None:
    """Look a host up by itself, then by each parent domain (dot boundaries only)."""
    h = normalise_host(host)
    while h:
        if h in table:
            return table[h]
        dot = h.find(".")
        if dot < 0:
            return None
        h = h[dot + 1 :]
    return None


class Catalog:
    """Everything the engine looks up: names, sinks, vendors, regions, effects of calls."""

    def __init__(
        self,
        names: Names,
        vendors: Mapping[str, Vendor],
        sinks: Sequence[tuple[SinkSpec, Sequence[str]]],
        regions: Regions,
        logger_names: Iterable[str],
        pseudonymisers: Iterable[str],
        cleaners: Iterable[str],
        log_shippers: Iterable[LogShipper],
        settings_containers: Iterable[str] = (),
        clean_attributes: Iterable[str] = (),
        runners: Mapping[str, ArgRef] | None = None,
        service_locators: Mapping[str, ArgRef] | None = None,
        implementers: Iterable[str] = (),
    ) -> None:
        self.names = names
        self.vendors: dict[str, Vendor] = dict(vendors)
        self.regions = regions
        self.logger_names: frozenset[str] = frozenset(logger_names)
        self._settings = _GlobSet([(g, True) for g in settings_containers])
        self._clean_attributes = _GlobSet([(g, True) for g in clean_attributes])
        self._runners = _GlobSet(list((runners or {}).items()))
        self._locators = _GlobSet(list((service_locators or {}).items()))
        self.implementers: frozenset[str] = frozenset(implementers)
        self.sinks: tuple[SinkSpec, ...] = tuple(spec for spec, _ in sinks)
        self._by_id = {spec.id: spec for spec in self.sinks}
        self._sinks = _GlobSet([(_strip_builtins(c), spec) for spec, calls in sinks for c in calls])
        # Cleaners first: hmac.compare_digest is clean although hmac.new* pseudonymises.
        effects: list[tuple[str, Effect]] = [(c, "clean") for c in cleaners]
        effects += [(p, "pseudonymise") for p in pseudonymisers]
        self._effects = _GlobSet(effects)
        self._log_shippers = tuple(log_shippers)
        # Shipping calls that send request personal data when their pii_keyword is true.
        self._pii_switches = {s.target: s for s in self._log_shippers if s.how == "call" and s.pii_keyword
                              and s.vendor}
        self._modules = {m: v for v in self.vendors.values() for m in v.modules}
        self._domains = {d.lower(): v for v in self.vendors.values() for d in v.domains}
        self._host_countries = {
            suffix.lower(): countries
            for v in self.vendors.values()
            for suffix, countries in v.host_countries.items()
        }
        self._local = {
            v.id: _GlobSet([(g, True) for g in v.local_calls]) for v in self.vendors.values()
        }
        self._vendor_specs = {
            v.id: SinkSpec(id=f"vendor:{v.id}", kind="vendor", vendor=v.id)
            for v in self.vendors.values()
        }
        self._memo: dict[str, SinkSpec | None] = {}

    # -- calls -------------------------------------------------------------------------
    def runner(self, qualname: str) -> ArgRef | None:
        """The argument naming the function a call runs with its other arguments
        (``threading.Thread(target=send_mail, args=(...))``), or None."""
        return self._runners.get(_strip_builtins(qualname))

    def service_locator(self, qualname: str) -> ArgRef | None:
        """The argument naming the interface whose implementation a call returns
        (``request.find_service(IMailer)``), or None."""
        return self._locators.get(qualname)

    def is_clean_attribute(self, name: str) -> bool:
        """Whether reading this attribute of an object leaves the object's personal data behind."""
        return self._clean_attributes.get(name) is not None

    def is_settings(self, container: str) -> bool:
        """Whether a mapping holds configuration, not a person's data: a listed spelling
        (``os.environ``, ``app.config``) or an upper-case constant (``HEADERS["User-Agent"]``)."""
        return container.rpartition(".")[2].isupper() or self._settings.get(container) is not None

    def match_call(self, qualname: str) -> SinkSpec | None:
        """The sink a call is: an explicit sink first, else a call into a vendor's modules
        (a spec of kind ``"vendor"``) unless it is one of that vendor's ``local_calls``."""
        try:
            return self._memo[qualname]
        except KeyError:
            pass
        name = _strip_builtins(qualname)
        spec = self._sinks.get(name)
        if spec is None:
            vendor = self.vendor_for_module(name)
            local = self._local.get(vendor.id) if vendor else None
            if vendor and not (local and local.get(name)):
                spec = self._vendor_specs[vendor.id]
        if len(self._memo) >= _MEMO_LIMIT:
            self._memo.clear()
        self._memo[qualname] = spec
        return spec

    def sink(self, sink_id: str) -> SinkSpec | None:
        """A sink by id, e.g. ``"exception"`` for the ``raise`` statements the engine finds."""
        return self._by_id.get(sink_id)

    def vendor_for_module(self, qualname: str) -> Vendor | None:
        """The vendor whose module the name lies in (longest module wins), local calls included."""
        name = _strip_builtins(qualname)
        end = len(name)
        while end > 0:
            vendor = self._modules.get(name[:end])
            if vendor is not None:
                return vendor
            end = name.rfind(".", 0, end)
        return None

    def effect(self, qualname: str) -> Effect | None:
        """``"clean"``: the result carries no personal data (``len``); ``"pseudonymise"``: it
        is still personal but pseudonymised (``hashlib.sha256``); None: data passes through."""
        return self._effects.get(_strip_builtins(qualname))

    # -- destinations ------------------------------------------------------------------
    def vendor_for_host(self, host: str) -> Vendor | None:
        """The vendor owning a host, by domain suffix on dot boundaries
        (``api.hubapi.com`` -> hubspot; ``evilhubapi.com`` -> None)."""
        return _by_suffix(self._domains, host)

    def countries_for_host(self, host: str) -> tuple[str, ...] | None:
        """Countries behind a host when the host itself says so: a regional endpoint the
        catalog lists (``o1.ingest.de.sentry.io`` -> DE) or a cloud region named in the host
        (``s3.eu-west-2.amazonaws.com`` -> GB). None otherwise: then the call's region
        argument or the vendor's ``country`` applies."""
        listed = _by_suffix(self._host_countries, host)
        if listed is not None:
            return listed
        vendor = self.vendor_for_host(host)
        if vendor is None or not vendor.region_provider:
            return None
        return self._region_in_host(vendor.region_provider, normalise_host(host))

    def _region_in_host(self, provider: str, host: str) -> tuple[str, ...] | None:
        # Regions hide inside labels (s3-eu-west-1, europe-west4-aiplatform): try every run of
        # dash-separated parts and keep the longest known region, so us-central1 beats us.
        best: tuple[str, ...] | None = None
        best_len = 0
        for label in host.split("."):
            parts = label.split("-")
            for i in range(len(parts)):
                for j in range(len(parts), i + best_len, -1):
                    found = self.regions.countries(provider, "-".join(parts[i:j]))
                    if found:
                        best, best_len = found, j - i
                        break
        return best

    def pii_switch(self, qualname: str) -> tuple[LogShipper, SinkSpec] | None:
        """The log shipper a call is whose ``pii_keyword`` makes its vendor collect request
        personal data (``sentry_sdk.init``), with that vendor's sink spec; None for any other."""
        shipper = self._pii_switches.get(qualname)
        spec = self._vendor_specs.get(shipper.vendor) if shipper is not None else None
        return (shipper, spec) if shipper is not None and spec is not None else None

    def log_shippers(self) -> tuple[LogShipper, ...]:
        """Every way a log call becomes a transfer (see :class:`LogShipper`)."""
        return self._log_shippers
