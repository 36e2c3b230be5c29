"""PRV2xx, retention: stored personal data needs a retention, and no longer than the notice's.

Judged per category against the terms the policy quotes from the notice (period + trigger, or a
named rule where the notice gives no number).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..annotations import Annotation
from ..durations import Duration, DurationError, parse_duration
from ..catalog import SinkSpec
from ..facts import CallFact, FieldFact
from ..findings import Finding, Rule
from ..lineage.symbols import ClassInfo
from ..policy.model import Category, Policy, RetentionTerm
from .base import Context, finding, register

PRV201 = Rule(
    code="PRV201",
    name="stored-without-retention",
    summary="Stored personal data has no retention.",
    template="{owner}.{field} stores {category} ({kind}) with no retention; the notice's retention is {notice_says}: add retention={suggest}",
    what="""A field of a persistence model — a Django model (abstract and proxy models included), a
SQLAlchemy declarative class, a SQLModel table, or a subclass of a base named in
`persistence-bases` — annotated as personal data but with no `retention=`.""",
    why="""The notice promises how long each category is kept. Stored data with no retention in code
is kept forever by default, and nobody can show that the promise holds.""",
    example="""class Contact(models.Model):
    email = models.EmailField()  # privacy: account_user_data""",
    fix="""State the retention the deletion job implements, no longer than the notice's:
`email = models.EmailField()  # privacy: account_user_data retention=12mo`. Where the notice
gives no number, name its rule: `retention=customer_instructions`.""",
)
PRV202 = Rule(
    code="PRV202",
    name="retention-exceeds-notice",
    summary="A retention in code is longer than the notice allows for the category.",
    template="{subject} keeps {category} for {code_says}, longer than the notice's {notice_says} (policy {term}, notice {section})",
    what="""A `retention=` on a stored field (or a storage call) that is strictly longer than the longest
period the policy gives for that category and data subject. Months count as 30.4375 days, years
as 365.25 days: `1y` equals `12mo`, `2y` is within `25mo`, `61d` exceeds `60d`. The code's
period is read as counted from the same event the notice names.""",
    why="""Keeping data longer than the notice says breaks a promise made to every data subject and
the storage-limitation principle (GDPR Art. 5(1)(e)).""",
    example="""class Contact(models.Model):
    email = models.EmailField()  # privacy: account_user_data retention=2y""",
    fix="""Shorten the retention (and the deletion job) to the notice's period, or change the notice
first.""",
)
PRV203 = Rule(
    code="PRV203",
    name="storage-call-without-retention",
    summary="Personal data is written to a file, cache, database or object store with no retention.",
    template="{data} is stored by {call} with no retention (no TTL, no retention= on the call); {notice_says}{through}",
    what="""A call that stores personal data outside the models — a file write, a cache `set`, raw
SQL, an object-store upload — with neither a time-to-live argument (a cache TTL counts) nor a
`# privacy: retention=...` on the call.""",
    why="""Copies in caches, exports and buckets outlive the deletion job of the model they came from;
the notice's retention applies to them too.""",
    example="""cache.set(f"profile:{user.id}", {"email": user.email})""",
    fix="""Give the copy a lifetime: `cache.set(key, value, timeout=3600)`, or say how long it is kept
and make sure it is deleted: `# privacy: retention=30d` on the call.""",
)
register(PRV201, PRV202, PRV203)


@dataclass(frozen=True)
class Verdict:
    """How a retention in code compares with a category's terms."""

    ok: bool
    limit: RetentionTerm | None = None  # the longest applicable numeric term, when exceeded


def applicable_terms(category: Category, subject: str | None) -> tuple[RetentionTerm, ...]:
    if subject:
        chosen = tuple(t for t in category.retention if not t.subjects or subject in t.subjects)
        if chosen:
            return chosen
    return category.retention


def judge(category: Category, retention: Duration, subject: str | None) -> Verdict:
    """Exceeds only when longer than every applicable period and no applicable term is a rule
    without a number (the notice then sets no maximum to compare with)."""
    terms = applicable_terms(category, subject)
    numeric = [t for t in terms if t.period is not None]
    if not numeric or len(numeric) < len(terms):
        return Verdict(True)
    longest = max(numeric, key=lambda t: t.period.days)  # type: ignore[union-attr]
    if retention.exceeds(longest.period):  # type: ignore[arg-type]
        return Verdict(False, longest)
    return Verdict(True)


def describe_term(policy: Policy, term: RetentionTerm) -> str:
    """``12 months after the end of the business relationship (§5.1.1)``."""
    return f"{policy.describe_term(term)} (§{term.section})"


def notice_says(policy: Policy, category: Category, subject: str | None) -> tuple[str, str]:
    """What the notice says for a category, and the retention value to suggest."""
    terms = applicable_terms(category, subject)
    if not terms:
        return "for a period the notice does not state", "<period>"
    text = "; or ".join(describe_term(policy, t) for t in terms[:3])
    first = terms[0]
    suggest = first.period.text if first.period is not None else (first.rule or "<period>")
    return text, suggest


def subject_of(ann: Annotation, *defaults: Annotation | None) -> str | None:
    for a in (ann, *defaults):
        if a is not None and a.get("subject"):
            return a.get("subject")
    return None


def check(ctx: Context) -> Iterator[Finding]:
    yield from _storage_calls(ctx)
    for info in ctx.symbols.all_classes():
        if not info.storage or not ctx.wanted(info.path):
            continue
        module_defaults = ctx.files[info.path].module_defaults
        for field in info.fact.fields:
            ann = field.annotation
            if ann is None:
                continue
            yield from _field(ctx, info, field, ann, subject_of(ann, info.fact.defaults, module_defaults))


def _field(ctx: Context, info: ClassInfo, field: FieldFact, ann: Annotation, subject: str | None) -> Iterator[Finding]:
    confirmed = [c for c in ann.categories if c not in ann.suggested and c in ctx.policy.categories]
    retention = ann.get("retention")
    owner, line, col = info.fact.qualname, field.span.line, field.span.col
    for cid in confirmed:
        category = ctx.policy.categories[cid]
        if retention is None and any("retention" in p.message for p in ann.problems):
            continue  # a malformed retention: PRV101 says what is wrong with it
        if retention is None:
            says, suggest = notice_says(ctx.policy, category, subject)
            yield finding(PRV201, info.path, line, col, owner=owner, field=field.name, category=cid,
                          kind=info.kind, notice_says=says, suggest=suggest)
            continue
        try:
            duration = parse_duration(retention)
        except DurationError:
            continue  # a rule id (PRV102 checks it exists) or malformed (PRV101 says so)
        verdict = judge(category, duration, subject)
        if not verdict.ok and verdict.limit is not None:
            yield finding(PRV202, info.path, line, col, subject=f"{owner}.{field.name}", category=cid,
                          code_says=duration.describe(), notice_says=describe_term(ctx.policy, verdict.limit),
                          term=f"{cid}.{verdict.limit.id}", section=verdict.limit.section)


def _ttl(call: CallFact, spec: SinkSpec) -> tuple[bool, Duration | None]:
    """(a TTL is given, its length when it is a literal) for caches and the like."""
    for ref in (spec.ttl, *spec.ttls):
        if ref is None:
            continue
        for a in call.args:
            if ref.matches(a):
                if a.const is None:
                    return True, None  # computed: cannot be judged, but a lifetime is set
                if not a.const.isdigit():
                    return False, None  # None / 0: kept until evicted
                seconds = int(a.const) / (1000 if a.keyword == "px" else 1)
                return True, Duration(f"{a.const}s", seconds / 86400) if seconds > 0 else None
    return False, None


def _storage_calls(ctx: Context) -> Iterator[Finding]:
    from .flows import flow_fields, per_category, sink_flows, sink_label

    for flows in sink_flows(ctx):
        spec = flows.sink.spec
        if not spec.retention_required or spec.kind == "orm":
            continue  # ORM writes land in model fields, whose own retention PRV201/PRV202 judge
        call = flows.sink.call
        written = call.annotation.get("retention") if call.annotation else None
        has_ttl, ttl = _ttl(call, spec)
        length: Duration | None = ttl
        if written:
            try:
                length = parse_duration(written)
            except DurationError:
                length = None
        for category, reach in per_category(ctx, flows):
            fields = flow_fields(ctx, reach, category)
            policy_category = ctx.policy.categories.get(category)
            if not written and not has_ttl:
                says = (f"the notice's retention is {notice_says(ctx.policy, policy_category, reach.source.subject or None)[0]}"
                        if policy_category else "annotate where the data comes from so its category's retention applies")
                yield finding(PRV203, flows.sink.path, call.span.line, call.span.col, call=sink_label(flows.sink),
                              notice_says=says, **fields)
            elif length is not None and policy_category is not None:
                verdict = judge(policy_category, length, reach.source.subject or None)
                if not verdict.ok and verdict.limit is not None:
                    yield finding(PRV202, flows.sink.path, call.span.line, call.span.col,
                                  subject=f"the copy stored by {sink_label(flows.sink)}",
                                  code_says=length.describe(), notice_says=describe_term(ctx.policy, verdict.limit),
                                  term=f"{category}.{verdict.limit.id}", section=verdict.limit.section, **fields)
