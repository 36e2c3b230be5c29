"""PRV7xx, jurisdiction rules of the country supplements: age gates below a jurisdiction's
minimum customer age, and categories a jurisdiction forbids.

The jurisdiction of code is the ``jurisdiction=`` of its class's or module's
``# privacy-defaults:``, else the package mapping of ``[tool.lint-privacy.jurisdictions]``, else
the policy's default (the notice's main body: minimum age 16, section 12). The jurisdiction of
data is the one its definition declares (the same way), else that of the code using it.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..extract.ages import is_age_constant
from ..facts import AgeCheck, FileFacts
from ..findings import Finding, Rule
from ..policy.model import Jurisdiction, Policy
from .base import Context, finding, register
from .flows import data_name, flow_fields, lineage, origin, per_category, sink_flows, sink_label
from .scopes import code_jurisdiction, or_default, reach_jurisdiction, source_jurisdiction

PRV701 = Rule(
    code="PRV701",
    name="age-gate-below-minimum",
    summary="An age gate admits people younger than the jurisdiction's minimum customer age.",
    template="{gate} admits customers from age {threshold}, below {whose} minimum of {minimum}",
    reason="{place}; judged for {jurisdiction_name} ({jurisdiction_from}); {exception}",
    promise="minimum customer age {minimum} (policy {key}, notice {section})",
    what="""Age gates in code: a comparison of an age or date-of-birth value with a whole number
(`user.age < 13`, `age >= 16`, `age_in_years(dob) < 18`; not a cache's `max_age` or an age in
days) and module constants named like `MIN_AGE`, `MINIMUM_AGE`, `AGE_LIMIT`,
`PARENTAL_CONSENT_AGE` (an `AGE` word with `MIN`, `MINIMUM`, `LIMIT`, `GATE`, `THRESHOLD`,
`CUTOFF`, `LEGAL`, `ADULT`, `REQUIRED`, `PARENTAL` or `GUARDIAN`), where the youngest age the
gate admits is below the minimum customer age of the code's jurisdiction: the main body's 16
(section 12) by default, 18 for India, Malaysia and Pakistan, 20 for Thailand, 21 for Indonesia
and Singapore.

The exceptions the policy encodes are honoured when the code shows them: parental consent
(India from 16, Malaysia) when the function holding the gate also calls or reads something
named like `parental_consent`, `parent_consent` or `guardian` (a constant named so is the
parental-consent floor itself and is compared with the exception's age); marriage (Thailand)
when it calls or reads something named like `married`, `marriage` or `sui_juris`.""",
    why="""The notice says who may be a customer; a sign-up that admits 13-year-olds in India collects
children's data the notice says it does not collect.""",
    example="""# privacy-defaults: jurisdiction=IN
def can_sign_up(user):
    return user.age >= 16""",
    fix="""Raise the gate to the jurisdiction's minimum (`user.age >= 18`), or, where the supplement
allows an exception, make the gate show it:
`return user.age >= 18 or (user.age >= 16 and has_parental_consent(user))`.""",
)
PRV702 = Rule(
    code="PRV702",
    name="forbidden-category",
    summary="A category the jurisdiction's supplement says is not used is defined or used for its data subjects.",
    template="{data} {action}, forbidden in {jurisdiction_name}",
    reason=("the {jurisdiction_name} supplement says this data is not used; judged for {jurisdiction_name} "
            "data subjects ({jurisdiction_from})"),
    promise="policy notice.jurisdictions.{jurisdiction}.forbidden_categories, notice {section}",
    what="""Personal data of a category the jurisdiction lists in `forbidden_categories` (Malaysia:
billing and financial details, `billing_data`) defined for that jurisdiction's data subjects (a
field, variable or parameter in a module, class or package of that jurisdiction, or with
`jurisdiction=MY` on it) or reaching any call — storage, logs, HTTP, SDKs — where the data's or
the calling code's jurisdiction is that one.""",
    why="""The Malaysia supplement promises that Infobip refrains from using customers' billing and
financial details there; any use breaks the promise.""",
    example="""# privacy-defaults: jurisdiction=MY
class Invoice(models.Model):
    iban = models.CharField(max_length=34)  # privacy: billing_data retention=12mo""",
    fix="""Do not collect or use that category for the jurisdiction's data subjects (route Malaysian
customers to a flow without billing details), or have the notice change first.""",
)
register(PRV701, PRV702)

_PARENTAL = ("parental_consent", "parent_consent", "parentalconsent", "guardian")
_MARRIAGE = ("married", "marriage", "sui_juris")
_OPS = {"Lt": "<", "LtE": "<=", "Gt": ">", "GtE": ">=", "Eq": "==", "NotEq": "!="}


def admitted_from(check: AgeCheck) -> int | None:
    """The youngest age a gate admits: ``age < 13`` (reject) and ``age >= 13`` (admit) -> 13."""
    if not 0 < check.value < 120:
        return None  # a year, a day count: not an age
    if check.op in ("Lt", "GtE"):
        return check.value
    if check.op in ("LtE", "Gt"):
        return check.value + 1
    return None


def _minimum(policy: Policy, jid: str) -> tuple[int | None, str, str, str]:
    """(minimum age, policy key, notice section, name)."""
    j = policy.jurisdictions.get(jid)
    if j is not None and j.min_customer_age is not None:
        return j.min_customer_age, f"notice.jurisdictions.{jid}.min_customer_age", j.section, j.name
    name = j.name if j is not None else (jid or "the notice's main body")
    return policy.min_customer_age, "notice.min_customer_age", policy.min_customer_age_section or "12", name


def _shows(facts: FileFacts, function: str, words: tuple[str, ...]) -> bool:
    """The function holding a gate calls, reads or takes something named like one of ``words``."""
    for fn in facts.functions:
        if fn.qualname != function:
            continue
        names = [c.func for c in fn.calls] + [g for c in fn.calls for g in c.guards]
        names += [a.attr for a in fn.attrs] + [p.name for p in fn.params] + [s.key for s in fn.sources]
        for v in fn.edges:
            names.extend(x[2:] for x in v if x[:2] in ("v:", "g:"))
        return any(w in n.lower() for n in names for w in words)
    return False


def _exception_note(j: Jurisdiction | None, threshold: int, shown: dict[str, bool]) -> tuple[bool, str]:
    """Whether an exception of the policy covers the gate, and what to say when none does."""
    if j is None or not j.age_exceptions:
        return False, ""
    notes: list[str] = []
    for e in j.age_exceptions:
        floor_ok = e.from_age is None or threshold >= e.from_age
        if e.kind == "parental_consent":
            if floor_ok and shown.get("parental_consent"):
                return True, ""
            if floor_ok:
                notes.append(f"the parental-consent exception ({e.description}) is not shown: the gate's function "
                             "calls nothing named like has_parental_consent/guardian")
            else:
                notes.append(f"even the parental-consent exception starts at {e.from_age}")
        elif e.kind == "marriage":
            if shown.get("marriage"):
                return True, ""
            notes.append(f"the marriage exception ({e.description}) is not shown: the gate's function calls "
                         "nothing named like is_married/marriage")
    return False, "; ".join(notes)


def _whose(key: str, name: str) -> str:
    """Whose minimum a gate is below: the notice's main body, or a supplement's."""
    return "the notice's" if key == "notice.min_customer_age" else f"{name}'s"


def check(ctx: Context) -> Iterator[Finding]:
    yield from _age_gates(ctx)
    yield from _forbidden(ctx)


def _age_gates(ctx: Context) -> Iterator[Finding]:
    policy: Policy = ctx.policy
    for path, facts in sorted(ctx.files.items()):
        if not ctx.wanted(path):
            continue
        classes = {f.qualname: f.class_name for f in facts.functions}
        for chk in facts.age_checks:
            threshold = admitted_from(chk)
            if threshold is None:
                continue
            declared = or_default(ctx, code_jurisdiction(ctx, path, classes.get(chk.function, "")))
            jid, where = declared.value, declared.where
            minimum, key, section, name = _minimum(policy, jid)
            if minimum is None or threshold >= minimum:
                continue
            j = policy.jurisdictions.get(jid)
            shown = {"parental_consent": _shows(facts, chk.function, _PARENTAL),
                     "marriage": _shows(facts, chk.function, _MARRIAGE)}
            covered, note = _exception_note(j, threshold, shown)
            if covered:
                continue
            place = f"in {chk.function}()" if chk.function != "<module>" else "at module level"
            gate = f"the age gate `{chk.subject} {_OPS.get(chk.op, chk.op)} {chk.value}`"
            yield finding(PRV701, path, chk.span.line, chk.span.col, gate=gate, threshold=threshold,
                          minimum=minimum, jurisdiction_name=name, jurisdiction_from=where, key=key,
                          section=section, exception=note, decided_by=f"notice {section}", place=place,
                          whose=_whose(key, name))
        for cname, value, line in facts.constants:
            if not is_age_constant(cname) or not value.isdigit():
                continue
            threshold = int(value)
            if not 0 < threshold < 120:
                continue
            declared = or_default(ctx, code_jurisdiction(ctx, path))
            jid, where = declared.value, declared.where
            minimum, key, section, name = _minimum(policy, jid)
            j = policy.jurisdictions.get(jid)
            upper = cname.upper()
            if "PARENT" in upper or "GUARDIAN" in upper:
                floors = [e for e in (j.age_exceptions if j else ()) if e.kind == "parental_consent"]
                if floors and all(e.from_age is None or threshold >= e.from_age for e in floors[:1]):
                    continue
                if floors and floors[0].from_age is not None:
                    minimum, key = floors[0].from_age, f"notice.jurisdictions.{jid}.age_exceptions (parental_consent from_age)"
                note = "" if floors else "the policy encodes no parental-consent exception here"
            elif "MARRI" in upper and j is not None and any(e.kind == "marriage" for e in j.age_exceptions):
                continue
            else:
                note = ""
            if minimum is None or threshold >= minimum:
                continue
            gate = f"the age constant `{cname} = {threshold}`"
            yield finding(PRV701, path, line, 0, gate=gate, threshold=threshold, minimum=minimum,
                          jurisdiction_name=name, jurisdiction_from=where, key=key, section=section,
                          exception=note, decided_by=f"notice {section}", place="",
                          whose=_whose(key, name))


def _forbidden(ctx: Context) -> Iterator[Finding]:
    policy: Policy = ctx.policy
    if not any(j.forbidden_categories for j in policy.jurisdictions.values()):
        return
    lin = lineage(ctx)
    for source in lin.sources:
        declared = source_jurisdiction(ctx, source)
        j = policy.jurisdictions.get(declared.value) if declared is not None else None
        if declared is None or j is None or not ctx.wanted(source.path):
            continue
        for cid in source.categories:
            if cid in j.forbidden_categories:
                o = origin(source, cid)
                yield finding(PRV702, source.path, source.line, 0, data=data_name(source, cid), origins=(o,),
                              category=cid, action="is defined here", jurisdiction=j.id,
                              jurisdiction_name=j.name, jurisdiction_from=declared.where, section=j.section,
                              decided_by=f"notice {j.section}")
    for flows in sink_flows(ctx):
        call = flows.sink.call
        for cid, reach in per_category(ctx, flows):
            if not cid:
                continue
            jd = reach_jurisdiction(ctx, reach)
            j = policy.jurisdictions.get(jd.value) if jd is not None else None
            if jd is None or j is None or cid not in j.forbidden_categories:
                continue
            yield finding(PRV702, flows.sink.path, call.span.line, call.span.col,
                          action=f"reaches {sink_label(flows.sink)}", jurisdiction=j.id, jurisdiction_name=j.name,
                          jurisdiction_from=jd.where, section=j.section, decided_by=f"notice {j.section}",
                          **flow_fields(ctx, reach, cid))
