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
from .base import Context, describe_term, finding, register

PRV201 = Rule(
    code="PRV201",
    name="stored-without-retention",
    summary="Stored personal data has no retention.",
    template="{owner}.{field} stores {category} with no retention: add retention={suggest}",
    reason="{owner} is a {kind}, so its fields are stored",
    promise="the notice's retention for {category} is {notice_says}",
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
    template="{subject} keeps {category} for {code_says}, longer than the notice's {limit}",
    reason="{others}",
    promise="{notice_says} (policy {term}, notice {section})",
    what="""A `retention=` duration in code that is strictly longer than the longest the policy allows
for that category and data subject: on a stored field, on a storage call, and on any other
definition where it is written (a dataclass field, a variable, a parameter; a retention written
down is a promise whether or not the store is seen). Months count as 30.4375 days, years as
365.25 days: `1y` equals `12mo`, `2y` is within `25mo`, `61d` exceeds `60d`. The code's period
is read as counted from the same event the notice names.

The longest allowed is the longest period among the terms of the data's subject, or the cap of
a rule ("as long as needed for your request, and at the latest one year after it": `cap:` in the
policy). A rule with no number beside a period is another case ("as long as the law requires for
audit and tax"): a duration is compared with the period, and code that keeps data under the rule
names it (`retention=<rule>`). Where the data's subject has only rules without a number, or the
subject is unknown and one of the category's subjects has, the duration cannot be judged.""",
    why="""Keeping data longer than the notice says breaks a promise made to every data subject and
the storage-limitation principle (GDPR Art. 5(1)(e)).""",
    example="""class Contact(models.Model):
    email = models.EmailField()  # privacy: account_user_data retention=2y""",
    fix="""Shorten the retention (and the deletion job) to the notice's period, or change the notice
first. If the data is kept under a rule of the notice that gives no number, name that rule:
`retention=period_required_by_law`.""",
)
PRV203 = Rule(
    code="PRV203",
    name="storage-call-without-retention",
    summary="Personal data is written to a file, cache, database or object store with no retention.",
    template="{data} is stored by {call} with no TTL or retention",
    reason="neither a time-to-live nor a retention= on the call",
    promise="{notice_says}",
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
    others: tuple[str, ...] = ()  # rules without a number the data might be kept under instead


def applicable_terms(category: Category, subject: str | None) -> tuple[RetentionTerm, ...]:
    if subject:
        chosen = tuple(t for t in category.retention if not t.subjects or subject in t.subjects)
        if chosen:
            return chosen
    return category.retention


def judge(category: Category, retention: Duration, subject: str | None) -> Verdict:
    """A duration in code against the longest the notice allows the data's subject: the longest
    period, or cap of a rule ("as long as needed, and at the latest 1 year after"), among the
    subject's terms. A rule with no number beside them is for another case ("as long as the law
    requires for audit and tax"): code keeping data under it names the rule (retention=<rule>),
    so a plain duration is compared with the numbers. A subject whose terms give no number at
    all cannot be judged; when the subject is unknown, every subject of the category must have
    a number for the duration to be judged (against the longest)."""
    limits: list[RetentionTerm] = []
    others: list[str] = []
    for who in (subject,) if subject else category.subjects:
        terms = applicable_terms(category, who)
        numeric = [t for t in terms if t.limit is not None]
        if not numeric:
            return Verdict(True)
        limits.append(max(numeric, key=lambda t: t.limit.days))  # type: ignore[union-attr]
        others.extend(t.rule for t in terms if t.limit is None and t.rule and t.rule not in others)
    longest = max(limits, key=lambda t: t.limit.days)  # type: ignore[union-attr]
    if retention.exceeds(longest.limit):  # type: ignore[arg-type]
        return Verdict(False, longest, tuple(others))
    return Verdict(True)


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
    judged: set[tuple[str, int]] = set()
    for info in ctx.symbols.all_classes():
        if not ctx.wanted(info.path):
            continue
        module_defaults = ctx.files[info.path].module_defaults
        for field in info.fact.fields:
            ann = field.annotation
            if ann is None:
                continue
            judged.add((info.path, field.span.line))
            yield from _field(ctx, info, field, ann, subject_of(ann, info.fact.defaults, module_defaults))
    for path, facts in ctx.files.items():
        if not ctx.wanted(path):
            continue
        for site in facts.annotations:  # variables, parameters: a written retention is judged too
            if site.place == "definition" and (path, site.line) not in judged:
                subject = subject_of(site.annotation, facts.module_defaults)
                for cid in _confirmed(ctx, site.annotation):
                    yield from _exceeds(ctx, path, site.line, site.col, "the data defined here", cid,
                                        site.annotation.get("retention"), subject)


def _confirmed(ctx: Context, ann: Annotation) -> list[str]:
    return [c for c in ann.categories if c not in ann.suggested and c in ctx.policy.categories]


def _field(ctx: Context, info: ClassInfo, field: FieldFact, ann: Annotation, subject: str | None) -> Iterator[Finding]:
    retention = ann.get("retention")
    owner, line, col = info.fact.qualname, field.span.line, field.span.col
    for cid in _confirmed(ctx, ann):
        if retention is None and info.storage and not any("retention" in p.message for p in ann.problems):
            # (a malformed retention: PRV101 says what is wrong with it)
            says, suggest = notice_says(ctx.policy, ctx.policy.categories[cid], subject)
            yield finding(PRV201, info.path, line, col, owner=owner, field=field.name, category=cid,
                          kind=info.kind, notice_says=says, suggest=suggest)
        yield from _exceeds(ctx, info.path, line, col, f"{owner}.{field.name}", cid, retention, subject)


def _exceeds(ctx: Context, path: str, line: int, col: int, label: str, cid: str, retention: str | Duration | None,
             subject: str | None, **fields: object) -> Iterator[Finding]:
    """PRV202 where a written retention is longer than the category allows the subject."""
    if retention is None:
        return
    if isinstance(retention, str):
        try:
            retention = parse_duration(retention)
        except DurationError:
            return  # a rule id (PRV102 checks it exists) or malformed (PRV101 says so)
    verdict = judge(ctx.policy.categories[cid], retention, subject)
    if verdict.ok or verdict.limit is None:
        return
    limit = verdict.limit
    others = (f"if it is kept under another rule of the notice, name it: "
              f"{' or '.join(f'retention={r}' for r in verdict.others)}" if verdict.others else "")
    longest = limit.limit.describe() if limit.limit is not None else describe_term(ctx.policy, limit)
    yield finding(PRV202, path, line, col, subject=label, category=cid, code_says=retention.describe(),
                  limit=longest,
                  notice_says=describe_term(ctx.policy, limit), term=f"{cid}.{limit.id}",
                  section=(limit.cap.section if limit.cap and limit.cap.section else limit.section), others=others,
                  **fields)


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


_ANNOTATE_THE_SOURCE = "annotate where the data comes from so its category's retention applies"


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
                if policy_category is not None:
                    says = notice_says(ctx.policy, policy_category, reach.source.subject or None)[0]
                    fields["notice_says"] = f"the notice's retention for {category} is {says}"
                else:
                    fields["notice_says"] = ""
                    fields["note"] = "; ".join(filter(None, (str(fields["note"]), _ANNOTATE_THE_SOURCE)))
                yield finding(PRV203, flows.sink.path, call.span.line, call.span.col, call=sink_label(flows.sink),
                              **fields)
            elif policy_category is not None:
                fields.pop("category", None)
                yield from _exceeds(ctx, flows.sink.path, call.span.line, call.span.col,
                                    sink_label(flows.sink), category, length,
                                    reach.source.subject or None, **fields)
