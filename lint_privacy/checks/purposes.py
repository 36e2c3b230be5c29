"""PRV5xx, purpose and legal basis: personal data used under a purpose the notice does not give
its category, and consent-based processing (or processing a jurisdiction puts under express
consent) that does not depend on a consent check.

Where code says what it is for: ``# privacy: purpose=...`` on a ``def`` (also ``basis=...``),
``# privacy-defaults: purpose=...`` on a class or as the module's first comment, or
``purpose=``/``basis=`` on the definition of the data. The consent checks are the functions and
decorators named in ``[tool.lint-privacy] consent-checks`` (docs/purposes-and-jurisdictions.md).

Data handled as processor (``role=processor``) is judged against the customer's instructions and
is exempt. Exposure sinks (logs, prints, exception messages) are PRV6xx's business: PRV502-504
do not judge them, PRV501 does (data read in marketing code is used there, logged or not).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ..catalog import EXPOSURE_KINDS
from ..facts import CallFact
from ..findings import Finding, Rule
from ..lineage.graph import Edge, Lineage, Reach, _Fn
from ..lineage.nodes import NodeId, function_of
from ..policy.model import Category, Jurisdiction, Policy
from .base import Context, Declared, SinkFlows, finding, join, register
from .flows import data_name, flow_fields, lineage, origin, per_category, sink_flows, sink_label
from .scopes import definition_annotation, reach_jurisdiction, scope_value, source_value

PRV501 = Rule(
    code="PRV501",
    name="undeclared-purpose",
    summary="Personal data is used under a purpose the notice does not give its category.",
    template="{data} used for {purpose}, not among its purposes",
    reason="used in {place} under purpose {purpose} ({declared})",
    promise=("the notice gives {category} the purposes {allowed} "
             "(policy notice.categories.{category}.purposes, notice {section})"),
    what="""Annotated personal data of a category read, passed or sent inside a function, class or
module whose declared purpose (`# privacy: purpose=...` on the `def`, `# privacy-defaults:
purpose=...` on the class or module) is not one of the purposes the policy lists for that
category; and a definition whose own purpose (on the definition, or the class's or module's
default) is not one of them. Reported on the first statement of that function that touches the
data (the definition, for a definition).""",
    why="""Purpose limitation (GDPR Art. 5(1)(b)): the notice tells people what each kind of data is
used for. End users' traffic records used for marketing break that promise even when no data
leaves the company.""",
    example="""# privacy-defaults: purpose=marketing_communications
def build_audience():
    return [r.msisdn for r in TrafficRecord.objects.all()]  # msisdn: traffic_data_enduser""",
    fix="""Use data of a category the notice gives the purpose (marketing_contact for marketing), or
have the notice extend the category's purposes and then the policy. If the purpose annotation is
wrong, correct it.""",
)
PRV502 = Rule(
    code="PRV502",
    name="consent-not-checked",
    summary="Processing the notice bases only on consent does not depend on a consent check.",
    template="{data} reaches {call} with no consent check",
    reason=("under purpose {purpose} ({declared}), {basis_reason}; "
            "the call does not depend on a consent check ({checks})"),
    promise="policy notice.categories.{category}.purposes, notice {section}",
    what="""A call (storage, an HTTP request, an SDK) that personal data reaches, where the policy's only
legal basis for the category under the purpose of the processing is consent — or the code
declares `basis=consent` and the notice allows it — and the call depends on none of the
consent checks named in `[tool.lint-privacy] consent-checks`: it is not inside
`if has_consent(...):`, not after `if not has_consent(...): return`, no call on the data's path is,
and no function on the path (nor every caller of one) carries the consent decorator.
Where no purpose is declared, it fires only when every purpose of the category rests on consent
alone (otherwise PRV504 asks for the purpose).""",
    why="""Consent is the only thing that makes this processing lawful (GDPR Art. 6(1)(a)); without a
check the code processes people who never agreed or who withdrew.""",
    example="""# privacy: purpose=job_alerts
def send_job_alert(sub: JobAlertSubscriber):
    requests.post(ALERTS_URL, json={"email": sub.email})""",
    fix="""Make the call depend on the check:
`if not has_consent(sub, "job_alerts"): return` before it, or decorate the function with the
consent decorator, and name both in `consent-checks`.""",
)
PRV503 = Rule(
    code="PRV503",
    name="express-consent-not-checked",
    summary="Processing of a jurisdiction that requires express consent does not depend on a consent check.",
    template="{data} reaches {call} with no consent check ({jurisdiction})",
    reason=("{why}; data of {jurisdiction_name} data subjects ({jurisdiction_from}){purpose_phrase}; "
            "the call does not depend on a consent check ({checks})"),
    promise="policy notice.jurisdictions.{jurisdiction}.{key}, notice {section}",
    what="""Personal data whose data subjects' jurisdiction (declared with `jurisdiction=` on the data, in
`# privacy-defaults:` of its module or class, or per package in config; failing that, the
jurisdiction of the code that sends it) requires express consent for this processing, reaching a
call that depends on no consent check:

- Quebec (`CA-QC`): always;
- Saudi Arabia (`SA`) and the UAE (`AE`): where the notice relies on legitimate interest for the
  category and purpose and gives no other basis;
- India (`IN`): financial data (billing and financial details, `consent_categories`).

Not reported where PRV502 already asks for the check on the same call and data.""",
    why="""The country supplements promise express consent in these cases; the main body's legitimate
interest does not carry over.""",
    example="""# privacy-defaults: jurisdiction=SA purpose=network_security
def report_incident(u: UsageEvent):
    requests.post(SIEM_URL, json={"ip": u.ip_address})  # usage_data: legitimate interest only""",
    fix="""Gate the call on the consent check (`if has_consent(user, "..."):`), or, where the notice
gives another basis, declare the purpose that uses it.""",
)
PRV504 = Rule(
    code="PRV504",
    name="purpose-not-declared",
    summary="The legal basis of a flow depends on its purpose, and no purpose is declared.",
    template="{data} reaches {call} with no declared purpose",
    reason=("the purpose decides whether consent is needed: for {category} {consent_purposes} rest{s} "
            "only on {basis_word} ({why}) while {other_purposes} do{es} not; "
            "the call does not depend on a consent check ({checks})"),
    promise="policy notice.categories.{category}.purposes, notice {section}",
    what="""Personal data reaching a call (not a log or exception) where neither any function on the
data's path, nor its class or module, nor the data's definition declares a purpose, and the
answer matters: some purposes the policy lists for the category rest only on consent (or, for a
jurisdiction with express-consent rules, only on legitimate interest) and others do not, and the
call does not depend on a consent check anyway. Undeclared purposes are not reported elsewhere.""",
    why="""Without the purpose the linter cannot tell consent-based processing from processing on
another basis, so it would have to guess; a declared purpose keeps PRV501-503 exact.""",
    example="""def notify(reg: EventRegistration):  # webinar_delivery (consent) or event_invitations (legitimate interest)?
    requests.post(MAILER_URL, json={"to": reg.email})""",
    fix="""Declare the purpose on the function: `def notify(reg):  # privacy: purpose=event_invitations`,
or gate the call on a consent check.""",
)
register(PRV501, PRV502, PRV503, PRV504)

# What counts as a consent check when [tool.lint-privacy] consent-checks names none.
DEFAULT_CONSENT_CHECKS = ("*consent*",)


# ------------------------------------------------------------------ consent evidence


def _matches(qualified: str, spelling: str, checks: tuple[str, ...]) -> str:
    """The configured check a call or decorator is, or ""."""
    last = spelling.rsplit(".", 1)[-1]
    for check in checks:
        if "." in check:
            if qualified == check or fnmatch.fnmatchcase(qualified, check):
                return check
        elif last == check or fnmatch.fnmatchcase(last.lower(), check):
            return check
    return ""


class ConsentEvidence:
    """Whether a flow depends on one of the configured consent checks."""

    def __init__(self, ctx: Context, lin: Lineage) -> None:
        self.ctx = ctx
        self.lin = lin
        # Unconfigured, any call or decorator named like *consent* counts (has_consent,
        # consent_required); naming the checks in config makes this exact.
        self.configured = bool(ctx.config.consent_checks)
        self.checks = tuple(ctx.config.consent_checks) or DEFAULT_CONSENT_CHECKS
        self._fn_guarded: dict[str, bool] = {}
        self._callers: dict[str, list[tuple[_Fn, CallFact]]] | None = None

    def describe(self) -> str:
        if not self.configured:
            return ("no consent-checks are configured in [tool.lint-privacy], so any call or decorator named "
                    "like *consent* counts and none guards it")
        return "configured: " + join(list(self.checks), 4)

    def _call_guarded(self, fn: _Fn, call: CallFact) -> bool:
        return any(_matches(self.lin.symbols.resolve(fn.path, g), g, self.checks) for g in call.guards)

    def _decorated(self, fn: _Fn) -> bool:
        return any(_matches(self.lin.symbols.resolve(fn.path, d), d, self.checks) for d in fn.fact.decorators)

    def callers(self) -> dict[str, list[tuple[_Fn, CallFact]]]:
        if self._callers is None:
            found: dict[str, list[tuple[_Fn, CallFact]]] = {}
            sites = self.lin.call_sites()
            for callee, node in ((callee, node) for callee, nodes in sites.items() for node in nodes):
                site = self._call_of(node)
                if site is not None:
                    found.setdefault(callee, []).append(site)
            self._callers = found
        return self._callers

    def function_guarded(self, fid: str, depth: int = 0) -> bool:
        """The function carries the consent decorator, or every call of it in the project depends
        on a consent check (directly or through its own callers)."""
        if fid in self._fn_guarded:
            return self._fn_guarded[fid]
        self._fn_guarded[fid] = False  # cycles: not guarded
        fn = self.lin.functions.get(fid)
        result = False
        if fn is not None and self._decorated(fn):
            result = True
        elif fn is not None and depth < 6:
            sites = self.callers().get(fid, [])
            result = bool(sites) and all(
                self._call_guarded(caller, call) or self.function_guarded(caller.fid, depth + 1)
                for caller, call in sites)
        self._fn_guarded[fid] = result
        return result

    def guarded(self, reach: Reach) -> bool:
        if not self.checks:
            return False
        lin = self.lin
        sink_fn = lin.functions.get(function_of(reach.sink.node))
        if sink_fn is not None and self._call_guarded(sink_fn, reach.sink.call):
            return True
        path = reach.path
        fids: list[str] = []
        for i, node in enumerate(path):
            fid = function_of(node)
            if fid not in fids and fid in lin.functions:
                fids.append(fid)
            if self._call_node_guarded(node):
                return True
            if i + 1 < len(path):
                attrs = lin.full.get_edge_data(node, path[i + 1]) or {}
                site = attrs.get("site")
                if attrs.get("kind") == Edge.CALL and site and self._call_node_guarded(str(site)):
                    return True
        return any(self.function_guarded(fid) for fid in fids)

    def _call_node_guarded(self, node: str) -> bool:
        """Whether ``node`` is a call's node (``function|c:N``) and that call is consent-gated."""
        site = self._call_of(node)
        return site is not None and self._call_guarded(*site)

    def _call_of(self, node: str) -> tuple[_Fn, CallFact] | None:
        """The function and the call a call's node (``function|c:N``) stands for, or None."""
        nid = NodeId.of(node)
        fn = self.lin.functions.get(nid.function)
        index = nid.index("c")
        if fn is None or index is None or index >= len(fn.fact.calls):
            return None
        return fn, fn.fact.calls[index]


# ------------------------------------------------------------------ policy questions


def purpose_bases(cat: Category) -> dict[str, set[str]]:
    """Each purpose the policy lists for a category, with every legal basis it gives for it."""
    out: dict[str, set[str]] = {}
    for use in cat.purposes:
        out.setdefault(use.purpose, set()).update(use.bases)
    return out


def consent_only(bases: set[str], declared_bases: set[str]) -> bool:
    """Consent is the basis: the notice gives no other, or the code declares consent and the
    notice allows it."""
    if not bases:
        return False
    return bases == {"consent"} or ("consent" in bases and "consent" in declared_bases)


def _plural(items: list[str]) -> str:
    return ", ".join(items)


@dataclass
class _Flow:
    """What PRV502-504 need to know about one (sink, category, reach)."""

    purposes: list[Declared]  # declared on the path (functions, classes, modules), else on the data
    bases: set[str]  # declared bases (def annotations on the path, the definition)
    basis_where: str = ""  # where basis=consent was declared


def flow_declarations(ctx: Context, lin: Lineage, reach: Reach) -> _Flow:
    purposes: list[Declared] = []
    bases: set[str] = set()
    basis_where = ""
    seen: set[str] = set()
    for node in (*reach.path, reach.sink.node):
        fid = function_of(node)
        if fid in seen:
            continue
        seen.add(fid)
        fn = lin.functions.get(fid)
        if fn is None:
            continue
        p = scope_value(ctx, fn, "purpose")
        if p is not None and p.value in ctx.policy.purposes and all(p.value != q.value for q in purposes):
            purposes.append(p)
        if fn.fact.annotation is not None and fn.fact.annotation.get("basis"):
            bases.add(fn.fact.annotation.get("basis") or "")
            if fn.fact.annotation.get("basis") == "consent" and not basis_where:
                basis_where = f"def {fn.fact.qualname}() at {fn.path}:{fn.fact.span.line}"
    own_purpose = source_value(ctx, reach.source, "purpose")
    if not purposes and own_purpose is not None and own_purpose.value in ctx.policy.purposes:
        purposes.append(own_purpose)
    ann = definition_annotation(ctx, reach.source)
    if ann is not None and ann.get("basis"):
        bases.add(ann.get("basis") or "")
        if ann.get("basis") == "consent" and not basis_where:
            basis_where = f"the definition at {reach.source.path}:{reach.source.line}"
    return _Flow(purposes, bases, basis_where)


# ------------------------------------------------------------------ the checks


def check(ctx: Context) -> Iterator[Finding]:
    lin = lineage(ctx)
    yield from _purpose_uses(ctx, lin)
    yield from _consent(ctx, lin)


def _allowed(cat: Category) -> str:
    return ", ".join(dict.fromkeys(u.purpose for u in cat.purposes)) or "none"


def _statement_of(fn: _Fn, line: int) -> tuple[int, int]:
    """The first line and column of the statement of ``fn`` holding ``line``."""
    best: tuple[int, int] | None = None
    for c in fn.fact.calls:
        if c.span.line <= line <= c.span.end_line and (best is None or c.span.line >= best[0]):
            best = (c.span.line, c.span.col)
    return best or (line, fn.fact.span.col + 4 if fn.fact.qualname != "<module>" else 0)


def _use_line(lin: Lineage, fn: _Fn, nodes: list[str]) -> tuple[int, int] | None:
    """Where ``fn`` first touches the data: the earliest read, call or sink among ``nodes``; the
    parameter (the def line) when it only passes through."""
    best: tuple[int, int] | None = None
    param: tuple[int, int] | None = None
    f = fn.fact
    for node in nodes:
        nid = NodeId.of(node)
        kind, rest = nid.kind, nid.local.partition(":")[2]
        try:
            if kind in ("c", "k"):
                span = f.calls[int(rest)].span
                here = (span.line, span.col)
            elif kind == "a":
                here = _statement_of(fn, f.attrs[int(rest)].line)
            elif kind == "s":
                here = _statement_of(fn, f.sources[int(rest)].line)
            elif kind == "p":
                param = (f.span.line, f.span.col)
                continue
            else:
                continue
        except (ValueError, IndexError):
            continue
        if best is None or here < best:
            best = here
    return best or param


def _purpose_uses(ctx: Context, lin: Lineage) -> Iterator[Finding]:
    """PRV501: categories used in code (or defined) under a purpose the policy does not give them."""
    policy: Policy = ctx.policy
    purposed: dict[str, Declared | None] = {}

    def purpose_of(fid: str) -> Declared | None:
        if fid not in purposed:
            fn = lin.functions.get(fid)
            d = scope_value(ctx, fn, "purpose") if fn is not None else None
            purposed[fid] = d if d is not None and d.value in policy.purposes else None
        return purposed[fid]

    # Only sources that some declared purpose does not fit need following through the graph.
    fids = lin.functions if ctx.focus is None else [fn.fid for p in ctx.focus for fn in lin.functions_of(p)]
    declared_purposes = {d.value for d in map(purpose_of, fids) if d is not None}
    for source in lin.sources_into(ctx.focus):
        cats = [(c, cat) for c in source.categories
                if (cat := ctx.category(c)) is not None and cat.role != "processor"]
        if not cats or source.role == "processor":
            continue
        own = source_value(ctx, source, "purpose")
        if own is not None and own.value in policy.purposes and ctx.wanted(source.path):
            for cid, cat in cats:
                if own.value not in purpose_bases(cat):
                    o = origin(source, cid)
                    yield finding(PRV501, source.path, source.line, 0, data=data_name(source, cid),
                                  origins=(o,), category=cid, place="its definition", purpose=own.value,
                                  declared=own.where, allowed=_allowed(cat), section=cat.section,
                                  decided_by=f"notice {cat.section}")
        if all(p in purpose_bases(cat) for p in declared_purposes for _, cat in cats):
            continue
        by_fn: dict[str, list[str]] = {}
        for node in dict.fromkeys(node for node, _ in lin.realizable(source.node)):
            fid = function_of(node)
            if fid in lin.functions and ctx.wanted(lin.functions[fid].path):
                by_fn.setdefault(fid, []).append(node)
        for fid, nodes in by_fn.items():
            declared = purpose_of(fid)
            if declared is None:
                continue
            bad = [(cid, cat) for cid, cat in cats if declared.value not in purpose_bases(cat)]
            if not bad:
                continue
            fn = lin.functions[fid]
            at = _use_line(lin, fn, nodes)
            if at is None:
                continue
            place = f"{fn.fact.qualname}()" if fn.fact.qualname != "<module>" else "module-level code"
            place += f" in {fn.path}"
            for cid, cat in bad:
                o = origin(source, cid)
                yield finding(PRV501, fn.path, at[0], at[1], data=data_name(source, cid), origins=(o,),
                              category=cid, place=place, purpose=declared.value, declared=declared.where,
                              allowed=_allowed(cat), section=cat.section, decided_by=f"notice {cat.section}")


def _consent(ctx: Context, lin: Lineage) -> Iterator[Finding]:
    """PRV502-504 at each call personal data reaches."""
    policy: Policy = ctx.policy
    evidence = ConsentEvidence(ctx, lin)
    for flows in sink_flows(ctx):
        if flows.sink.spec.kind in EXPOSURE_KINDS:
            continue
        call = flows.sink.call
        for cid, reach in per_category(ctx, flows):
            cat = ctx.category(cid) if cid else None
            if cat is None or cat.role == "processor" or reach.source.role == "processor":
                continue
            table = purpose_bases(cat)
            if not any(table.values()):
                continue
            decl = flow_declarations(ctx, lin, reach)
            listed = [d for d in decl.purposes if d.value in table]
            if decl.purposes and not listed:
                continue  # every declared purpose is foreign to the category: PRV501
            guarded: bool | None = None

            def is_guarded() -> bool:
                nonlocal guarded
                if guarded is None:
                    guarded = evidence.guarded(reach)
                return guarded

            def common(reach: Reach = reach, cid: str = cid, cat: Category = cat) -> dict[str, object]:
                return dict(call=sink_label(flows.sink), checks=evidence.describe(), section=cat.section,
                            **flow_fields(ctx, reach, cid))
            needed = _consent_purposes(table, listed, decl.bases)
            fired = False
            if needed is not None:
                purposes, declared = needed
                if purposes and not is_guarded():
                    fired = True
                    if all(table[p] == {"consent"} for p in purposes):
                        basis_reason = f"for which the notice's only legal basis for {cid} is consent"
                    else:
                        basis_reason = (f"on the basis of consent, which the code declares (basis=consent on "
                                        f"{decl.basis_where or 'the definition'}) and the notice allows for {cid}")
                    yield finding(PRV502, flows.sink.path, call.span.line, call.span.col,
                                  purpose=" / ".join(purposes), declared=declared, basis_reason=basis_reason,
                                  decided_by=f"notice {cat.section}", **common())
            elif not is_guarded():
                consent_ps = [p for p, b in table.items() if consent_only(b, decl.bases)]
                others = [p for p in table if p not in consent_ps]
                fired = True
                yield finding(PRV504, flows.sink.path, call.span.line, call.span.col,
                              consent_purposes=_plural(consent_ps), other_purposes=_plural(others),
                              s="s" if len(consent_ps) == 1 else "", es="es" if len(others) == 1 else "",
                              basis_word="consent", why="consent: the notice gives no other basis",
                              decided_by=f"notice {cat.section}", **common())
            if fired:
                continue
            yield from _express(ctx, policy, flows, reach, cid, cat, table, listed, decl, is_guarded, common)


def _consent_purposes(table: dict[str, set[str]], listed: list[Declared],
                      declared_bases: set[str]) -> tuple[list[str], str] | None:
    """The purposes of a flow that rest on consent alone, with where they were declared; None
    when no purpose is declared and the answer depends on it."""
    if listed:
        hits = [d for d in listed if consent_only(table[d.value], declared_bases)]
        return [d.value for d in hits], "; ".join(d.where for d in hits)
    consent_ps = [p for p, b in table.items() if consent_only(b, declared_bases)]
    if not consent_ps:
        return [], ""
    if len(consent_ps) == len(table):
        return consent_ps, "no purpose declared; every purpose the notice gives this category rests on consent"
    return None


def _express(ctx: Context, policy: Policy, flows: SinkFlows, reach: Reach, cid: str, cat: Category,
             table: dict[str, set[str]], listed: list[Declared], decl: _Flow, is_guarded: Callable[[], bool],
             common: Callable[[], dict[str, object]]) -> Iterator[Finding]:
    jd = reach_jurisdiction(ctx, reach)
    if jd is None:
        return
    j: Jurisdiction | None = policy.jurisdictions.get(jd.value)
    if j is None:
        return
    call = flows.sink.call
    purposes = [d.value for d in listed] or list(table)
    purpose_phrase = f" under purpose {' / '.join(d.value for d in listed)}" if listed else ""
    reason = key = ""
    if j.express_consent == "always":
        # "except when specifically allowed by applicable law": a purpose resting on a legal obligation.
        if listed and all("legal_obligation" in table[d.value] for d in listed):
            return
        reason, key = f"the {j.name} supplement requires express consent to any collection, use or communication", "express_consent"
    elif cid in j.consent_categories:
        reason, key = f"the {j.name} supplement relies on consent for {cid}", "consent_categories"
    elif j.express_consent == "legitimate_interest_only":
        li_only = [p for p in purposes if table.get(p) == {"legitimate_interest"}]
        if not li_only:
            return
        if not listed and len(li_only) < len(purposes):
            if is_guarded():
                return
            others = [p for p in purposes if p not in li_only]
            yield finding(PRV504, flows.sink.path, call.span.line, call.span.col,
                          consent_purposes=_plural(li_only), other_purposes=_plural(others),
                          s="s" if len(li_only) == 1 else "", es="es" if len(others) == 1 else "",
                          basis_word="legitimate interest",
                          why=f"{j.name} data subjects ({jd.where}) must then give express consent, {j.section}",
                          decided_by=f"notice {j.section}", **common())
            return
        reason = (f"the {j.name} supplement requires express consent where the notice relies on legitimate "
                  f"interest with no other basis, as it does for {cid} under {', '.join(li_only)}")
        key = "express_consent"
    else:
        return
    if is_guarded():
        return
    fields = common()
    fields["section"] = j.section
    yield finding(PRV503, flows.sink.path, call.span.line, call.span.col, jurisdiction=j.id,
                  jurisdiction_name=j.name, jurisdiction_from=jd.where, purpose_phrase=purpose_phrase,
                  why=reason, key=key, decided_by=f"notice {j.section}", **fields)


__all__ = [
    "PRV501", "PRV502", "PRV503", "PRV504", "ConsentEvidence",
]
