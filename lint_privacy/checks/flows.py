"""What the flow checks share: the lineage built once per run, each sink's destination and who
it is in the policy's terms (a named recipient, a class, neither), the sources reaching it, and
how a finding names its data ("account_user_data (Contact.email)", from app/models.py:10) and
its route ("through sync() in app/services.py:12").
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from ..catalog.sinks import LOG_LEVELS
from ..findings import Origin, Step
from ..lineage.destinations import Destination, resolve
from ..lineage.graph import Lineage, Reach, Sink, Source
from ..lineage.nodes import field_name, is_field
from ..policy.model import Policy, Recipient
from .base import Context, SinkFlows

if TYPE_CHECKING:
    from ..catalog import Catalog, LogShipper
    from ..facts import FileFacts


def lineage(ctx: Context) -> Lineage:
    if ctx.lineage is None:
        ctx.lineage = Lineage.build(ctx.symbols, ctx.files, ctx.catalog, ctx.config, ctx.policy)
    return ctx.lineage


def sink_flows(ctx: Context) -> list[SinkFlows]:
    """Each sink that personal data reaches, with its destination (computed once per run); only
    the sinks in the files whose findings are wanted (``ctx.focus``)."""
    if ctx.sink_flows is not None:
        return ctx.sink_flows
    lin = lineage(ctx)
    by_sink: dict[str, list[Reach]] = {}
    for r in lin.reaches(ctx.focus):
        by_sink.setdefault(r.sink.node, []).append(r)
    flows = [SinkFlows(lin.sinks[node], resolve(lin, lin.sinks[node]), _strongest(rs))
             for node, rs in sorted(by_sink.items())]
    ctx.sink_flows = flows
    return flows


_LOCAL_RANK = {"attribute": 0, "key": 0, "variable": 1, "parameter": 2, "keyword": 3}


def _strongest(reaches: list[Reach]) -> tuple[Reach, ...]:
    """A local name (a parameter ``email``) is the evidence of last resort: where a field, an
    annotation or request input reaches the same call, it says what the data is. Among local
    names, the value read where it is (``user.email``) speaks before the variable or parameter
    holding it further on, and a keyword it was passed under comes last."""
    known = tuple(r for r in reaches if not r.source.local)
    return known or tuple(sorted(reaches, key=lambda r: evidence_rank(r.source)))


def evidence_rank(source: Source) -> int:
    """How well a source says what its data is, best first: a field, an annotation or request
    input (0), then the local names in the order of :func:`_strongest`."""
    return 1 + _LOCAL_RANK.get(source.local, 1) if source.local else 0


def _what(source: Source, category: str) -> str:
    return category or (f"unannotated {source.data_kind}" if source.data_kind else "personal data")


def origin(s: Source, category: str = "") -> Origin:
    label = f"{_what(s, category)} ({s.label}"
    if s.confidence == "low":
        label += ", found by name: lower confidence"
    label += ")"
    return Origin(label=label, path=s.path, line=s.line, category=category, name=s.label)


def data_name(source: Source, category: str = "", hashed: bool = False) -> str:
    """How a first line names the data: ``account_user_data (Contact.email)``; where it comes
    from and how sure that is are the finding's origin (its details)."""
    return f"{_what(source, category)} ({source.label}{', hashed' if hashed else ''})"


# A message names at most this many functions of a path: a chain of 10,000 calls is said in one line.
_THROUGH_SHOWN = 8


def route(ctx: Context, reach: Reach) -> str:
    """The functions the data went through. Where it was stored in a field and read back
    elsewhere, that is said (``stored in Contact.email, read in send() in tasks.py:9``): the
    chain is not a call path there."""
    lin = lineage(ctx)
    legs: list[list[str]] = [[]]
    stored: list[str] = []
    for i, node in enumerate(reach.path):
        if is_field(node) and i > 0:
            stored.append(".".join(field_name(node).split(".")[-2:]))
            legs.append([])
        else:
            legs[-1].append(node)
    if not stored:
        steps = lin.functions_along(reach.path)
        inner = [s for s in steps if not s.startswith(reach.sink.function + "()")] if len(steps) > 1 else []
        return f"through {' -> '.join(_shown(steps))}" if inner else ""
    shown = [_shown(lin.functions_along(leg)) for leg in legs]
    parts = [f"through {' -> '.join(shown[0])}"] if shown[0] else []
    parts += [f"stored in {field}, read in {' -> '.join(leg) or 'module code'}"
              for field, leg in zip(stored, shown[1:])]
    return ", ".join(parts)


def _shown(steps: list[str]) -> list[str]:
    """The first and the last functions of a long chain: where it enters and where it leaves."""
    if len(steps) <= _THROUGH_SHOWN:
        return steps
    head = _THROUGH_SHOWN // 2
    return [*steps[:head], f"... {len(steps) - _THROUGH_SHOWN + 1} more functions ...",
            *steps[-(_THROUGH_SHOWN - head - 1):]]


def steps(ctx: Context, reach: Reach) -> tuple[Step, ...]:
    return steps_along(ctx, reach.source, reach.path)


def steps_along(ctx: Context, source: Source, nodes: tuple[str, ...]) -> tuple[Step, ...]:
    """The places a path of the lineage from a source goes through (SARIF's code flows)."""
    lin = lineage(ctx)
    out: list[Step] = [Step(source.path, source.line, f"{source.label}")]
    for node in nodes[1:]:
        loc = lin.node_location(node)
        if loc is None:
            continue
        path, line, function = loc
        step = Step(path, line, f"in {function}()" if function != "<module>" else "at module level")
        if out[-1].path != step.path or out[-1].line != step.line:
            out.append(step)
    return tuple(out)


_PSEUDONYMISED = "hashed or encrypted on the way: pseudonymised data is still personal data"


def flow_fields(ctx: Context, reach: Reach, category: str) -> dict[str, object]:
    """The template fields and Finding fields every flow finding carries."""
    return {
        "data": data_name(reach.source, category, reach.pseudonymised),
        "route": route(ctx, reach),
        "note": _PSEUDONYMISED if reach.pseudonymised else "",
        "origins": (origin(reach.source, category),),
        "steps": steps(ctx, reach),
        "category": category,  # unannotated data of every kind: one finding per statement, "+N more"
    }


def categories_of(reach: Reach) -> tuple[str, ...]:
    return reach.source.categories or ("",)


def per_category(ctx: Context, flows: SinkFlows) -> Iterator[tuple[str, Reach]]:
    for r in flows.reaches:
        for c in categories_of(r):
            yield c, r


def sink_label(sink: Sink) -> str:
    return sink.qualname or sink.call.func


def log_shippers(ctx: Context) -> tuple[tuple[Destination, int], ...]:
    """Vendors that the project's logging configuration ships log records to, each with the
    lowest level it ships (``sentry_sdk.init`` ships INFO and up; a handler named in a
    dictConfig, every level)."""
    if ctx.log_shippers is not None:
        return ctx.log_shippers
    found: dict[str, tuple[Destination, int]] = {}
    for shipper, _, via in shipper_sites(ctx):
        level = LOG_LEVELS.index(shipper.min_level)
        if shipper.vendor not in found or level < found[shipper.vendor][1]:
            found[shipper.vendor] = (_shipped(ctx, shipper.vendor, via), level)
    result = tuple(found.values())
    ctx.log_shippers = result
    return result


def shipper_sites(ctx: Context) -> Iterator[tuple[LogShipper, str, str]]:
    """Every place the project's logging configuration names a log shipper of the catalog, as
    ``(shipper, path, where: "sentry_sdk.init at app/settings.py:40")``: a call (Sentry's, an
    integration) or a handler's dotted name in a logging dictConfig."""
    lin = lineage(ctx)
    shippers = [s for s in ctx.catalog.log_shippers() if s.vendor]
    handlers: _Sites = []
    for path, facts in lin.files.items():
        memo = lin.memo(path)  # kept with the file's part of the lineage (an editor's next judgement)
        if "shipper_sites" not in memo:
            memo["shipper_sites"] = _shipper_sites(lin, shippers, path, facts)
        calls, handled = cast(tuple[_Sites, _Sites], memo["shipper_sites"])
        yield from calls
        handlers.extend(handled)
    yield from handlers


_Sites = list[tuple["LogShipper", str, str]]


def _shipper_sites(lin: Lineage, shippers: list[LogShipper], path: str,
                   facts: FileFacts) -> tuple[_Sites, _Sites]:
    """One file's calls of log shippers, and its log handlers naming one."""
    calls: _Sites = []
    for fn in lin.functions_of(path):
        for call in fn.fact.calls:
            qualified = lin.resolve_call(fn, call.func)
            calls.extend((s, path, f"{qualified} at {path}:{call.line}")
                         for s in shippers if s.target == qualified)
    handlers = [(s, path, f"log handler {text} at {path}:{line}") for text, line in facts.dotted_strings
                for s in shippers if s.how == "handler" and s.target == text]
    return calls, handlers


def _shipped(ctx: Context, vendor_id: str, via: str) -> Destination:
    vendor = ctx.catalog.vendors.get(vendor_id)
    country: tuple[str, ...] = ()
    country_from = ""
    if vendor is not None and vendor.country:
        country, country_from = (vendor.country,), f"{vendor.name}'s processing location (catalog)"
    return Destination(vendor=vendor_id, countries=country, country_from=country_from, leaves=True, via=via)


@dataclass(frozen=True)
class RecipientMatch:
    status: str  # "named", "class", "undeclared", "unknown_host"
    recipient: Recipient | None
    classes: tuple[Recipient, ...]
    vendor_name: str


def match_recipient(policy: Policy, catalog: Catalog, dest: Destination) -> RecipientMatch:
    """Who a destination is in the policy's terms: named, covered by a class, or neither."""
    vendor = catalog.vendors.get(dest.vendor) if dest.vendor else None
    name = vendor.name if vendor else (dest.host or dest.recipient)
    if dest.recipient and dest.recipient in policy.recipients:
        r = policy.recipients[dest.recipient]
        is_class = r.kind == "class"
        return RecipientMatch("class" if is_class else "named", r, (r,) if is_class else (), r.name)
    if vendor is not None:
        named = policy.recipient_for_vendor(vendor.id)
        if named is not None:
            return RecipientMatch("named", named, (), vendor.name)
        classes = policy.classes_covering(vendor.kind, vendor.id)
        if classes and vendor.id in classes[0].vendors:
            # "Analytics providers (such as Mixpanel)": a class that names the vendor declares it
            # plainly, for the class's categories.
            return RecipientMatch("named", classes[0], (), vendor.name)
        if classes:
            return RecipientMatch("class", None, classes, vendor.name)
        return RecipientMatch("undeclared", None, (), vendor.name)
    return RecipientMatch("unknown_host", None, (), name)


def destinations(ctx: Context, flows: SinkFlows) -> tuple[Destination, ...]:
    """Where a sink's data goes to a third party: the call's own destination, and for log calls
    every vendor the logging configuration ships records to."""
    found = [flows.destination] if flows.destination.leaves else []
    if flows.sink.spec.kind == "log":
        # logger.debug(...) is not shipped by a vendor that takes INFO and up; log(level, ...)
        # and unknown methods are taken as shipped.
        method = flows.sink.qualname.rpartition(".")[2]
        name = _LEVEL_OF_METHOD.get(method, method.upper())
        level = LOG_LEVELS.index(name) if name in LOG_LEVELS else len(LOG_LEVELS)
        found.extend(dest for dest, lowest in log_shippers(ctx) if level >= lowest)
    return tuple(found)


_LEVEL_OF_METHOD = {"warn": "WARNING", "exception": "ERROR", "fatal": "CRITICAL"}  # the others are their level
