"""Where a sink sends data: vendor, host, countries — from the catalog (hosts, SDK modules,
cloud regions), constants and settings in code, and the call's own ``# privacy:`` pairs.
"""

from __future__ import annotations

import fnmatch
import ipaddress
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from ..catalog import EXPOSURE_KINDS, ArgRef, Vendor
from ..facts import ArgFact, CallFact
from .graph import Lineage, Sink

_ENV = ("os.environ", "os.getenv", "os.environ.get", "environ", "getenv", "decouple.config", "environs")


@dataclass(frozen=True)
class Destination:
    vendor: str = ""  # catalog vendor id
    host: str = ""
    countries: tuple[str, ...] = ()  # () when unknown
    country_from: str = ""  # how the countries were found, for messages
    # The countries come from the code (a region, a host, the call's annotation), not from the
    # catalog's default for the vendor: they outrank the locations the notice declares.
    located_by_code: bool = False
    unresolved: str = ""  # why the destination is unknown ("" when resolved)
    internal: bool = False  # a host of the organisation itself: no recipient, no transfer
    recipient: str = ""  # from `# privacy: recipient=`
    safeguards: tuple[str, ...] = ()  # from `# privacy: safeguard=`
    leaves: bool = False  # data leaves the application for a third party
    via: str = ""  # how, when not the call itself ("Sentry's logging integration, settings.py:40")


def _arg(call: CallFact, ref: ArgRef | None) -> ArgFact | None:
    if ref is None:
        return None
    for a in call.args:
        if ref.matches(a):
            return a
    return None


def _constant(lin: Lineage, path: str, name: str) -> str | None:
    """The string a name stands for: a module constant, an imported one, or a settings value."""
    if not name:
        return None
    if name.startswith("settings."):
        key = name.split(".", 1)[1]
        for qualified, value in lin.symbols.constants.items():
            module, _, const = qualified.rpartition(".")
            if const == key and "settings" in module.split("."):
                return value
        for qualified, value in lin.symbols.constants.items():
            if qualified.endswith("." + key) and "settings" in qualified:
                return value
        return None
    qualified = lin.symbols.resolve(path, name)
    return lin.symbols.constants.get(qualified)


def _from_env(lin: Lineage, path: str, arg: ArgFact | None) -> bool:
    if arg is None:
        return False
    qualified = lin.symbols.resolve(path, arg.name) if arg.name else ""
    return any(qualified.startswith(e) for e in _ENV) or arg.name.startswith(("os.environ", "environ"))


def _string(lin: Lineage, sink: Sink, arg: ArgFact | None) -> str | None:
    if arg is None:
        return None
    if arg.const is not None and not arg.name:
        return arg.const
    value = _constant(lin, sink.path, arg.name)
    if value is not None:
        return value
    return arg.const


def host_of(url: str) -> str:
    if "://" not in url:
        url = "//" + url if not url.startswith("/") else url
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def is_internal(host: str, patterns: tuple[str, ...]) -> bool:
    if not host:
        return False
    try:
        ip = ipaddress.ip_address(host)
        return ip.is_private or ip.is_loopback or ip.is_link_local
    except ValueError:
        pass
    return any(fnmatch.fnmatchcase(host, p) for p in patterns)


def resolve(lin: Lineage, sink: Sink) -> Destination:
    spec = sink.spec
    ann = sink.call.annotation
    recipient = (ann.get("recipient") if ann else None) or ""
    country = (ann.get("country") if ann else None) or ""
    safeguards = tuple(v for k, v in (ann.pairs if ann else ()) if k == "safeguard")
    declared = Destination(recipient=recipient, safeguards=safeguards)
    if spec.kind in EXPOSURE_KINDS:
        return declared
    catalog = lin.catalog
    found = _Found(catalog.vendors.get(spec.vendor) if spec.vendor else None)
    calls = (sink.call, *sink.constructors)
    if spec.url is not None or spec.host is not None or spec.host_setting:
        found.host, found.unresolved = _address(lin, sink, calls)
        if found.host:
            if is_internal(found.host, lin.config.internal_hosts):
                return replace(declared, host=found.host, internal=True)
            found.vendor = catalog.vendor_for_host(found.host) or found.vendor
            hc = catalog.countries_for_host(found.host)
            if hc:
                found.countries, found.country_from = tuple(hc), f"host {found.host}"
    if found.vendor is not None and found.vendor.region_provider:
        _region(lin, sink, calls, found.vendor, found)
    vendor, host, unresolved = found.vendor, found.host, found.unresolved
    countries, country_from = found.countries, found.country_from
    located_by_code = bool(countries)
    if vendor is not None and not countries and vendor.country and not vendor.region_provider:
        countries, country_from = (vendor.country,), f"{vendor.name}'s processing location (catalog)"
    if spec.kind == "mail" and not host and not unresolved and vendor is None:
        unresolved = "the mail server is chosen by configuration at run time"
    if country:
        countries, country_from, unresolved, located_by_code = (country,), "the call's annotation", "", True
    leaves = vendor is not None or bool(host) or bool(recipient)
    if not leaves and not unresolved:
        return declared
    return replace(
        declared,
        vendor=vendor.id if vendor else "",
        host=host,
        countries=countries,
        country_from=country_from,
        located_by_code=located_by_code,
        unresolved=unresolved,
        leaves=leaves or bool(unresolved),
    )


@dataclass
class _Found:
    """What :func:`resolve` has found so far of where a sink sends data."""

    vendor: Vendor | None
    host: str = ""
    countries: tuple[str, ...] = ()
    country_from: str = ""
    unresolved: str = ""


def _address(lin: Lineage, sink: Sink, calls: tuple[CallFact, ...]) -> tuple[str, str]:
    """The host a sink's call (or its receiver's constructor) sends to, from its URL or host
    argument or the vendor's host setting; or "" and why it is unknown."""
    spec = sink.spec
    arg = None
    for c in calls:
        # host: from the receiver's constructor only
        arg = _arg(c, spec.url) or (_arg(c, spec.host) if c is not sink.call else None)
        if arg is not None:
            break
    text = _string(lin, sink, arg) if arg is not None else None
    unresolved = ""
    if text is None and spec.host_setting:
        text = _constant(lin, sink.path, f"settings.{spec.host_setting}")
        if text is None:
            unresolved = f"the {spec.host_setting} setting is not a constant in the project"
    if text is not None:
        host = host_of(text)
        return host, "" if host else f"no host in '{text[:60]}'"
    if not unresolved:
        if _from_env(lin, sink.path, arg):
            unresolved = "the address is read from the environment at run time"
        else:
            unresolved = "the address is computed at run time"
    return "", unresolved


def _region(lin: Lineage, sink: Sink, calls: tuple[CallFact, ...], vendor: Vendor, found: _Found) -> None:
    """The countries of the cloud region a region provider's client is given, or why they are unknown."""
    provider = vendor.region_provider
    region_arg = next((a for c in calls for kw in vendor.region_keywords
                       if (a := _arg(c, ArgRef(keyword=kw))) is not None), None)
    region = _string(lin, sink, region_arg) if region_arg is not None else None
    if region:
        countries = lin.catalog.regions.countries(provider, region)
        if countries:
            found.countries, found.country_from = tuple(countries), f"{provider} region {region}"
        else:
            found.unresolved = f"unknown {provider} region '{region}'"
    elif not found.countries:
        found.unresolved = (
            f"the {provider} region is read from the environment at run time"
            if region_arg is not None
            else f"no region given: the {provider} client takes it from its configuration at run time"
        )
