"""PRV1xx, inventory: annotations that are malformed or name what the policy lacks, personal
data with no annotation, elements a category does not include, data the notice never covers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..annotations import Annotation
from ..catalog.names import Kind
from ..facts import AnnotationSite, FieldFact
from ..findings import Finding, Rule, split_problem
from ..lineage.graph import Source, Write, named_kind
from ..lineage.nodes import field_node, function_of
from ..lineage.symbols import ClassInfo
from ..policy.model import Policy
from .base import Context, describe_term, did_you_mean, finding, join, register
from .flows import evidence_rank, lineage, origin, steps_along

PRV101 = Rule(
    code="PRV101",
    name="malformed-annotation",
    summary="A `# privacy:` annotation or PersonalData marker does not follow the grammar.",
    template="malformed privacy annotation: {problem}",
    reason="{detail}",
    what="""A `# privacy:` comment, a `# privacy-defaults:` comment or a `PersonalData(...)` marker
that breaks the grammar: a repeated or unknown key, a key used where it does not belong (a
`recipient` on a field), a value outside its set (`basis=consnt`, `country=UK`), a duration that
does not parse (`retention=12months`), category ids not separated by commas.""",
    why="""An annotation that cannot be read is an annotation that is silently ignored: the field
looks documented, but nothing is checked. The message says what is allowed.""",
    example="""class Contact(models.Model):
    email = models.EmailField()  # privacy: account_user_data retention=12months""",
    fix="""Write the annotation as the message says, e.g. `# privacy: account_user_data retention=12mo`.
Keys per place: definitions take retention, purpose, basis, subject, jurisdiction, role; calls take
recipient, country, safeguard, retention; a `def` takes purpose, basis; defaults take purpose,
subject, jurisdiction, role.""",
)
PRV102 = Rule(
    code="PRV102",
    name="unknown-policy-id",
    summary="An annotation names a category, purpose, subject, recipient, safeguard or retention rule the policy does not have.",
    template="{problem}{hint}",
    reason="{detail}",
    what="""An id in an annotation that the policy does not define: a category, a purpose, a data
subject, a recipient, a safeguard, a jurisdiction, or a retention rule that the category does not
name. A retention rule the policy has but for other categories is said to be so, with the rules
(or the period) the annotated category does have.""",
    why="""Ids are the contract between code and notice. A misspelt category is personal data that
no rule of the notice applies to; an unknown recipient is a transfer the notice never declared.""",
    example="""email = models.EmailField()  # privacy: acount_user_data retention=12mo""",
    fix="""Use the id the message suggests, or the one `lint-privacy policy show POLICY` lists. If the
notice really lacks it, the notice (and then the policy) must change first.""",
)
PRV103 = Rule(
    code="PRV103",
    name="unannotated-personal-data",
    summary="A field holds personal data (by its name or by what is written into it) but has no annotation.",
    template="{owner}.{field} {holds} personal data ({what}) but has no privacy annotation",
    reason="likely categories: {suggest}",
    what="""A field of a model, dataclass, attrs class, pydantic model, TypedDict or plain class whose
name says it holds personal data (e-mail, phone, name, address, date of birth, IP address, ids,
bank and card numbers, ...) and that has neither a `# privacy:` comment nor a `PersonalData`
marker. Names that only look alike are excluded (`email_verified`, `phone_count`,
`password_hash`, `created_at`).

A field of a stored model (Django, SQLAlchemy, SQLModel, a configured persistence base, a mixin
declaring SQLAlchemy columns) whose name says nothing is flagged too when the code writes personal
data into it: a JSON blob or a free-text column (`Event.details receives personal data (IP address
from request.remote_addr)`). A write is a keyword of the model's constructor (`Event(details=data)`,
`cls(details=data)` in a classmethod, `self.Event(...)` where `cls.Event = type(name, (Event,
Base), {...})` made the class at run time), of a Django manager's `create`, `get_or_create`,
`update_or_create` or a queryset's `update` (not `defaults=`), or an attribute assigned
(`event.details = data`), with the data followed through variables, containers (a dict literal,
`d.update(...)`, `d["k"] = v`) and the project's calls; the details say what was written, where, and through which functions. The data
must say what it is where it is read: a field, request input, an annotation, or an attribute or
key named as personal data (`request.remote_addr`, `payload["email"]`); not a local's name (a
parameter `email`), nor a whole object (a user stored as a reference), nor a part read out of it
on the way (`data.pop("action")`, `email.domain`). Fields that cannot hold it are left out: a
number, a flag, a reference to a row, an id, a status, a time (`*_id`, `*_at`).

A field that is a view of another field (its value is a call naming that field by a string:
`avatar_url = json_cast_property(Text(), "details", "profile_image_url")`, a synonym) holds
nothing of its own: the data is in the field it views, which is what is reported (`User.details
holds personal data (...)`, route `held as User.avatar_url`) and what an annotation covers. One
finding per such field, by its first view whose name says personal data; none when that field is
annotated or its own name already says what it holds.""",
    why="""Unmarked personal data escapes every other check: nobody decided its category, its
retention or who may receive it.""",
    example="""class Subscriber(models.Model):
    email = models.EmailField()


class Event(models.Model):
    details = models.JSONField()


def record(request):
    Event.objects.create(details={"ip": request.remote_addr})""",
    fix="""Annotate it with the category the notice gives it, and its retention if it is stored:
`email = models.EmailField()  # privacy: marketing_contact retention=until_unsubscribe`.
`lint-privacy fix` writes suggestions (`marketing_contact?`) for a person to confirm.""",
)
PRV104 = Rule(
    code="PRV104",
    name="unconfirmed-suggestion",
    summary="An annotation holds a suggested category (`id?`) that nobody confirmed.",
    template="unconfirmed privacy category '{value}?': confirm it by removing the '?'",
    reason="or write the right category",
    what="""A category id written with a trailing `?`, as `lint-privacy fix` writes them.""",
    why="""A suggestion is a guess from a field's name. Until a person confirms it, the data's
category, and so its retention and recipients, is unknown.""",
    example="""email = models.EmailField()  # privacy: account_user_data?""",
    fix="""Check the notice section of the suggested category; remove the `?` if it is right, or write
the right category.""",
)
PRV105 = Rule(
    code="PRV105",
    name="element-not-in-category",
    summary="An annotated field names a kind of data its category does not include.",
    template="{owner}.{field} holds {kind}, which {category} does not include",
    promise="notice {section} lists for {category}: {elements}",
    what="""A field whose name clearly names a kind of data (a `date_of_birth`) annotated with a
category whose elements, as the notice lists them, do not include that kind.""",
    why="""The notice promises which data each category holds. Data of another kind under that
category is collection the notice does not describe.""",
    example="""class AccountUser(models.Model):
    date_of_birth = models.DateField()  # privacy: account_user_data retention=12mo""",
    fix="""Annotate the field with the category that does include it (for visa letters:
`visa_documents`), or stop collecting it; if the notice is wrong, change the notice first.""",
)
PRV106 = Rule(
    code="PRV106",
    name="not-covered-by-notice",
    summary="Personal data of a kind that no category of the notice covers.",
    template="{owner}.{field} {holds} {what}, which no category of the notice covers",
    reason="the notice never says it is collected",
    what="""A field whose name says it holds a kind of personal data (health, religion, biometrics,
...), or a stored field the code writes such data into (as PRV103 finds them), of a kind that
appears in the elements of no category of the policy.""",
    why="""Collecting data the notice never mentions breaks transparency outright, and special
categories (GDPR Art. 9) need an explicit legal basis the notice does not give.""",
    example="""class Candidate(models.Model):
    religion = models.CharField(max_length=40)""",
    fix="""Stop collecting it, or have the notice (and then the policy) cover it before the code
ships.""",
)
PRV107 = Rule(
    code="PRV107",
    name="misplaced-annotation",
    summary="An annotation is attached to nothing, or a definition is annotated twice.",
    template="{problem}",
    reason="{detail}",
    what="""A `# privacy:` comment that belongs to no statement (a blank line follows it), a
`# privacy-defaults:` comment that is neither at the top of a module nor on a class line, or a
definition annotated both inline and on the line above (or by comment and marker).""",
    why="""An annotation that attaches to nothing is silently ignored; two annotations on one
definition leave it unclear which one is meant.""",
    example="""# privacy: account_user_data retention=12mo

email = models.EmailField()""",
    fix="""Put the comment on the statement, or alone on the line directly above it; keep one
annotation per definition.""",
)
register(PRV101, PRV102, PRV103, PRV104, PRV105, PRV106, PRV107)

_ID_KEYS = {
    "purpose": "purposes",
    "subject": "subjects",
    "recipient": "recipients",
    "safeguard": "safeguards",
}


def check(ctx: Context) -> Iterator[Finding]:
    for path, facts in ctx.files.items():
        if not ctx.wanted(path):
            continue
        for line, col, problem in facts.problems:
            head, detail = split_problem(problem, 0)
            yield finding(PRV107, path, line, col, problem=head, detail=detail)
        for site in facts.annotations:
            yield from _annotation(ctx, path, site)
    covering: dict[str, list[str]] = {}  # name kind -> the categories covering it (asked per field)
    for info in _judged_classes(ctx):
        for field in info.fact.fields:
            yield from _field(ctx, info, field, covering)
    for found in _written(ctx, covering):
        yield found.finding(ctx)


def _judged_classes(ctx: Context) -> Iterator[ClassInfo]:
    for info in ctx.symbols.all_classes():
        if info.fact.qualname.endswith(".Meta") or info.fact.qualname == "Meta" or not ctx.wanted(info.path):
            continue
        if ctx.catalog.names.describes_elsewhere(ctx.symbols.hierarchy(info.qualname)):
            continue
        yield info


@dataclass(frozen=True)
class Unannotated:
    """A field that holds personal data and has no annotation: PRV103, or PRV106 when no
    category of the notice covers its kind (``covering`` empty). Found by its name, or (with
    ``writes``) by the personal data the code writes into it."""

    info: ClassInfo
    field: FieldFact
    kind: Kind
    covering: tuple[str, ...]
    writes: tuple[Write, ...] = ()
    via: str = ""  # the view of ``field`` whose name says what it holds (``_profile_image_url``)

    def finding(self, ctx: Context) -> Finding:
        owner, name, span = self.info.fact.qualname, self.field.name, self.field.span
        more = _written_fields(ctx, self.writes) or ({"route": f"held as {owner}.{self.via}"} if self.via else {})
        holds = "receives" if self.writes else "holds" if self.via else "looks like"
        source = f" from {self.writes[0].source.label}" if self.writes else ""
        if not self.covering:
            return finding(PRV106, self.info.path, span.line, span.col, owner=owner, field=name, holds=holds,
                           what=f"{self.kind.label.removesuffix(' data')} data{source}", **more)
        return finding(PRV103, self.info.path, span.line, span.col, owner=owner, field=name, holds=holds,
                       what=f"{self.kind.label}{source}", suggest=join(self.covering, 4), **more)


def unannotated(ctx: Context) -> Iterator[Unannotated]:
    """Every field PRV103 or PRV106 flags (what `lint-privacy fix` writes stubs for)."""
    covering: dict[str, list[str]] = {}
    for info in _judged_classes(ctx):
        for field in info.fact.fields:
            if field.annotation is None and (found := _unannotated(ctx, info, field, covering)) is not None:
                yield found
    yield from _written(ctx, covering)


def _unannotated(ctx: Context, info: ClassInfo, field: FieldFact, covering_of: dict[str, list[str]]) -> Unannotated | None:
    """The finding on a field its name makes personal. A view of another field (a descriptor
    into a JSON column) is reported on that field, which holds the data and is where the
    annotation goes: once per field, by its first personal view, and not when the field is
    annotated or its own name already makes it personal."""
    kind = _named(ctx, info, field)
    if kind is None:
        return None
    via = ""
    if field.view_of:
        column = next(f for f in info.fact.fields if f.name == field.view_of)
        first = next(f for f in info.fact.fields if f.view_of == column.name and _named(ctx, info, f))
        if column.annotation is not None or first is not field or _named(ctx, info, column):
            return None
        field, via = column, field.name
    return Unannotated(info, field, kind, tuple(_covering(ctx, kind.id, covering_of)), via=via)


def _named(ctx: Context, info: ClassInfo, field: FieldFact) -> Kind | None:
    if _unjudged_name(field.name):
        return None
    return named_kind(ctx.catalog, ctx.files[info.path], info.fact, field)


def _written(ctx: Context, covering_of: dict[str, list[str]]) -> Iterator[Unannotated]:
    """The unannotated fields of stored models that no name makes personal but that personal
    data is written into (``Event(details={"ip": request.remote_addr})``,
    ``Mail.objects.create(subject=...)``, ``event.details = ...``): each as the kind of the
    best source written into it (a field, request input, an attribute read before a local name).
    A value pseudonymised on the way (hashed, encrypted) is left out: the field does not hold
    the data as it was read, which the finding would name."""
    names = ctx.catalog.names
    fields: dict[str, tuple[ClassInfo, FieldFact]] = {}
    for info in _judged_classes(ctx):
        if not info.storage or ctx.config.is_test(info.path):
            continue
        for field in info.fact.fields:
            if field.annotation is None and not _unjudged_name(field.name) and names.may_hold(field) \
                    and not ctx.catalog.is_clean_attribute(field.name) \
                    and names.field_kind(field, info.fact.qualname, info.fact.fields) is None:
                fields[field_node(f"{info.qualname}.{field.name}")] = (info, field)
    if not fields:
        return
    lin = lineage(ctx)
    fields = {node: f for node, f in fields.items() if node in lin.full}
    upstream = lin.upstream(fields)
    writes: dict[str, list[Write]] = {}
    for source in lin.sources:
        if source.node in upstream and _written_evidence(ctx, source):
            for write in lin.writes(source, fields):
                if not write.pseudonymised:
                    writes.setdefault(write.field, []).append(write)
    for node, (info, field) in fields.items():
        if node in writes:
            found = tuple(sorted(writes[node], key=lambda w: evidence_rank(w.source)))
            kind = names.kinds[found[0].source.data_kind]
            yield Unannotated(info, field, kind, tuple(_covering(ctx, kind.id, covering_of)), found)


def _written_evidence(ctx: Context, source: Source) -> bool:
    """Whether a source says well enough what its data is for a field it is written into to be
    inventoried as that: a field, request input or an annotation, or a key or an attribute named
    as personal data where it is read (``request.remote_addr``, ``payload["email"]``). Not the
    name of a local (a parameter's value comes from its callers, whose sources are followed
    through the call), not an attribute named only by its object (``member.name``), not a
    whole object (a user stored is a reference to its row, no copy of its data)."""
    kind = ctx.catalog.names.kinds.get(source.data_kind)
    return kind is not None and kind.personal and not source.whole and not source.by_object \
        and source.local in ("", "attribute", "key")


def _written_fields(ctx: Context, writes: tuple[Write, ...]) -> dict[str, object]:
    """What a finding on a field found by what is written into it says of the writes: the data
    of the first (``IP address from request.remote_addr``), where it was written and through
    which functions, every source's origin."""
    if not writes:
        return {}
    lin = lineage(ctx)
    first = writes[0]
    route = ""
    fn = lin.functions.get(function_of(first.path[-1]))
    if fn is not None:
        module = fn.fact.qualname == "<module>"
        route = f"written by {'module code' if module else fn.fact.qualname + '()'} at {fn.path}:{first.line}"
        before = lin.functions_along(first.path)[:None if module else -1]
        route += f", through {' -> '.join(before)}" if before else ""
    origins = tuple(dict.fromkeys(origin(w.source) for w in writes))
    return {"route": route, "origins": origins,
            "steps": steps_along(ctx, first.source, first.path)}


def _unjudged_name(name: str) -> bool:
    return name.startswith("__") or (name.isupper() and len(name) > 1)


def _annotation(ctx: Context, path: str, site: AnnotationSite) -> Iterator[Finding]:
    ann = site.annotation
    for problem in ann.problems:
        head, detail = split_problem(problem.message, len("malformed privacy annotation: "))
        yield finding(PRV101, path, site.line, site.col, problem=head, detail=detail)
    policy = ctx.policy
    where = ctx.config.policy.name if ctx.config.policy else "file"
    for cid in ann.categories:
        if cid not in policy.categories:
            yield finding(PRV102, path, site.line, site.col, problem=_unknown("category", cid, where),
                          hint=did_you_mean(cid, policy.categories), category=cid, detail="")
    for cid in ann.suggested:
        if cid in policy.categories:
            yield finding(PRV104, path, site.line, site.col, value=cid, category=cid)
    for key, value in ann.pairs:
        table_name = _ID_KEYS.get(key)
        if table_name is not None:
            table = getattr(policy, table_name)
            if value not in table:
                yield finding(PRV102, path, site.line, site.col, problem=_unknown(key, value, where),
                              hint=did_you_mean(value, table), detail="")
        elif key == "jurisdiction" and not (len(value) == 2 and value.isupper()) and value not in policy.jurisdictions:
            upper = value.upper()
            hint = (f"; write country codes in upper case: {upper}" if upper in policy.jurisdictions or len(value) == 2
                    else did_you_mean(value, policy.jurisdictions))
            yield finding(PRV102, path, site.line, site.col, problem=_unknown(key, value, where), hint=hint,
                          detail="")
        elif key == "retention" and value[:1].isalpha() and not value.startswith("P"):
            yield from _retention_rule(policy, path, site, ann, value, where)


def _unknown(what: str, value: str, policy: str) -> str:
    return f"unknown {what} '{value}' (not in the policy {policy})"


def _retention_rule(policy: Policy, path: str, site: AnnotationSite, ann: Annotation, value: str,
                    where: str) -> Iterator[Finding]:
    """``retention=<rule>``: a rule of the annotated categories, else what they do have."""
    categories = [c for cid in ann.categories if (c := policy.categories.get(cid))]
    rules = {t.rule for c in categories for t in c.retention if t.rule}
    if not categories or value in rules:
        return
    if value in policy.retention_rules:
        problem = (f"retention rule '{value}' is in the policy {where}, but not one of "
                   f"{', '.join(c.id for c in categories)}'s")
    else:
        problem = _unknown("retention rule", value, where)
    has = [f"{c.id} has " + "; ".join(
        f"retention={t.rule} ({describe_term(policy, t)})" if t.rule else describe_term(policy, t) for t in c.retention)
        for c in categories]
    hint = did_you_mean(value, rules) if value not in policy.retention_rules else ""
    yield finding(PRV102, path, site.line, site.col, problem=problem, hint=hint, detail="; ".join(has))


def _field(ctx: Context, info: ClassInfo, field: FieldFact, covering_of: dict[str, list[str]]) -> Iterator[Finding]:
    ann = field.annotation
    if ann is None:
        found = _unannotated(ctx, info, field, covering_of)
        if found is not None:
            yield found.finding(ctx)
        return
    name = field.name
    if _unjudged_name(name):
        return
    match = ctx.catalog.names.classify(name)
    kind = ctx.catalog.names.kinds.get(match.kind) if match else None
    owner = info.fact.qualname
    line, col = field.span.line, field.span.col
    covering = _covering(ctx, match.kind, covering_of) if match else []
    if kind is None or not kind.personal:
        return
    for cid in _confirmed(ann):
        category = ctx.category(cid)
        if category is None or match is None or cid in covering:
            continue
        yield finding(PRV105, info.path, line, col, owner=owner, field=name, kind=kind.label, category=cid,
                      section=category.section, elements=join(category.elements, 8))


def _covering(ctx: Context, kind: str, known: dict[str, list[str]]) -> list[str]:
    """The policy categories whose elements cover a name kind (or a broader kind it is within)."""
    if kind not in known:
        kinds = ctx.catalog.names.covered_by(kind)
        known[kind] = [c.id for c in ctx.policy.categories.values() if any(k in c.elements for k in kinds)]
    return known[kind]


def _confirmed(ann: Annotation) -> tuple[str, ...]:
    return tuple(c for c in ann.categories if c not in ann.suggested)
