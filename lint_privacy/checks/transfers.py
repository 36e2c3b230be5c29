"""PRV4xx, cross-border transfers: data leaving the home region (or the data subjects' declared
jurisdiction) to a country that no adequacy decision covers, with no safeguard the policy accepts.

Each finding says what decided it: the notice (its section) or the law part (source, as-of).
An undeclared recipient gets PRV3 only; processor-role data is exempt.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..facts import CallFact
from ..findings import Finding, Rule
from ..lineage.destinations import Destination
from ..lineage.graph import Reach
from ..policy.model import Policy, Recipient, TransferRule
from .base import Context, SinkFlows, finding, register
from .flows import (RecipientMatch, destinations, flow_fields, match_recipient, per_category, sink_flows,
                    sink_label)
from .scopes import or_default, reach_jurisdiction

PRV401 = Rule(
    code="PRV401",
    name="transfer-without-safeguard",
    summary="Personal data leaves the home region for a country with no adequacy decision and no accepted safeguard.",
    template="{data} goes to {recipient_name} in {countries} without a safeguard",
    reason="outside {home}: {adequacy}; sent by {call}{via}; {countries} from {country_from}",
    promise=("transfers outside {home} need a safeguard the notice relies on: {accepted} (notice {section})"
             "{law}"),
    what="""A call that sends personal data to a country outside the home region the policy's
`notice.transfer.inside` states (the EEA for Infobip, GB for a UK company), where the adequacy
list the rule names (`notice.transfer.adequacy`: the EU's, the UK's...) does not cover that
country (the United States only for certified recipients), and neither the call
(`# privacy: safeguard=...`) nor the recipient's policy entry declares a safeguard the rule
accepts (standard contractual clauses, the IDTA, an intra-group agreement, ...).

Where the data goes is read from the code first: a cloud region (`region_name=`, `location=`,
also through the resource, table, bucket or session the client made), a host, or the call's
`# privacy: country=`. The locations the notice declares for the recipient count only where the
code says nothing: a bucket created in `us-east-1` for a provider the notice places in GB is a
transfer to the US. Every finding speaks the policy's own terms: its home region, and in its
details the name of its adequacy list with source and as-of date, and its safeguard ids.""",
    why="""The notice promises that transfers outside its home region happen only with the
safeguards it names (Infobip: section 7, GDPR Chapter V; a UK notice: UK GDPR Chapter V). A
bucket in another region or a US SaaS SDK added without the contract in place breaks it.""",
    example="""s3 = boto3.client("s3", region_name="us-east-1")
s3.put_object(Bucket="exports", Key=key, Body=json.dumps({"email": user.email}))""",
    fix="""Keep the data in the home region (`region_name="eu-central-1"`), or declare the safeguard
that is in place: `# privacy: safeguard=scc` on the call.""",
)
PRV402 = Rule(
    code="PRV402",
    name="jurisdiction-transfer-rule",
    summary="A transfer breaks the transfer rule of the data subjects' jurisdiction (a country supplement).",
    template="{data} goes to {recipient_name} in {countries}, against the {jurisdiction} rule",
    reason=("data of {jurisdiction} data subjects; {adequacy_note}; sent by {call}{via}; {countries} from "
            "{country_from}"),
    promise=("the {jurisdiction} supplement allows transfers outside {inside} only {accepted_phrase} "
             "(notice: {section}){law}"),
    what="""Data whose subjects' jurisdiction is declared (`jurisdiction=NG` on the field, in
`# privacy-defaults:`, or per package in config) that leaves that jurisdiction contrary to the
notice's country supplement: Nigeria (consent, adequacy judged by Nigerian law), South Africa
(counted from South Africa; a binding transfer agreement), Japan (equivalent action), Canada
(contractual safeguards), Korea (only to the affiliates of the overseas-transfer table),
Philippines (the section 6 entities).""",
    why="""Country supplements add their own transfer rules; the adequacy list of the notice's main
body does not answer them.""",
    example="""# privacy-defaults: jurisdiction=NG
...
requests.post("https://api.hubapi.com/contacts/v1/contact", json={"email": user.email})""",
    fix="""Declare the safeguard the supplement requires on the call (`# privacy: safeguard=consent`)
once it is in place, or keep the data in the jurisdiction.""",
)
register(PRV401, PRV402)


@dataclass(frozen=True)
class Verdict:
    uncovered: tuple[str, ...]  # countries the transfer reaches without cover
    adequacy: str  # what the law part said of them ("US is covered for ... only and no safeguard=dpf ...")
    law: str  # the law entry that said it: "EU adequacy decisions (GDPR Art. 45), commission.europa.eu, ..."
    decided_by: str


def judge(policy: Policy, rule: TransferRule, countries: tuple[str, ...], recipient: Recipient | None,
          declared: tuple[str, ...]) -> Verdict:
    """Which countries of a transfer no rule covers: inside, adequacy (law), covered recipient or
    accepted safeguard (notice)."""
    safeguards = set(declared) | set(recipient.safeguards if recipient else ())
    uncovered: list[str] = []
    notes: list[str] = []
    adequacy_list = policy.law.adequacy.get(rule.adequacy) if rule.adequacy else None
    for country in countries:
        if country in rule.inside:
            continue
        if recipient is not None and recipient.id in rule.covered_recipients:
            continue
        if safeguards & set(rule.accepted_safeguards):
            continue
        if adequacy_list is not None:
            decision = adequacy_list.decision_for(country)
            if decision is not None and (not decision.requires_safeguard or decision.requires_safeguard in safeguards):
                continue
            if decision is not None:
                notes.append(f"{country} is covered for {decision.scope or 'some recipients only'} "
                             f"and no safeguard={decision.requires_safeguard} is declared")
            else:
                notes.append(f"{country} is not covered")
        uncovered.append(country)
    source = law = adequacy = ""
    if adequacy_list is not None:
        host = adequacy_list.source.split('//')[-1].split('/')[0]
        source = f"law: {host or adequacy_list.title}, as of {adequacy_list.as_of}"
        if notes:  # only an adequacy list writes notes
            adequacy = f"under {adequacy_list.title}, " + "; ".join(dict.fromkeys(notes))
            law = f"{adequacy_list.title}, {host or 'its source'}, as of {adequacy_list.as_of}"
    decided = f"notice {rule.section}" + (f" + {source}" if source and notes else "")
    return Verdict(tuple(uncovered), adequacy or "no adequacy list applies", law, decided)


def check(ctx: Context) -> Iterator[Finding]:
    policy: Policy = ctx.policy
    for flows in sink_flows(ctx):
        call = flows.sink.call
        for dest in destinations(ctx, flows):
            if not dest.countries:
                continue
            match = match_recipient(policy, ctx.catalog, dest)
            if match.status not in ("named", "class"):
                continue  # undeclared recipients: PRV3 only (SPEC)
            recipient = match.recipient
            countries = _countries(policy, dest, recipient)
            for category, reach in per_category(ctx, flows):
                if reach.source.role == "processor":
                    continue
                # the data's own, else the sending code's, else the policy's default
                jurisdiction = or_default(ctx, reach_jurisdiction(ctx, reach)).value
                rule = policy.transfer_rule(jurisdiction)
                verdict = judge(policy, rule, countries, recipient, dest.safeguards)
                if not verdict.uncovered:
                    continue
                yield from _finding(ctx, flows, dest, match, recipient, rule, verdict, jurisdiction, category, reach, call)


def _countries(policy: Policy, dest: Destination, recipient: Recipient | None) -> tuple[str, ...]:
    """Where the data goes: what the code says (a region, a host, the call's annotation) first, for
    the notice's declared locations are a promise the code may break; else the locations the
    notice declares for the recipient; else the catalog's default for the vendor."""
    if dest.located_by_code or not (recipient and recipient.locations):
        return dest.countries
    # The notice says where this recipient processes (Workday: data centres in the EU).
    expanded: list[str] = []
    for loc in recipient.locations:
        expanded.extend(policy.law.regions.get(loc, (loc,)))
    return tuple(expanded)


_OWN_ADEQUACY = "adequacy is judged by that country's law, which the policy does not list"


def _finding(ctx: Context, flows: SinkFlows, dest: Destination, match: RecipientMatch,
             recipient: Recipient | None, rule: TransferRule, verdict: Verdict, jurisdiction: str,
             category: str, reach: Reach, call: CallFact) -> Iterator[Finding]:
    fields = flow_fields(ctx, reach, category)
    common = dict(
        recipient_name=recipient.name if recipient else match.vendor_name,
        countries=", ".join(verdict.uncovered),
        country_from=dest.country_from or "destination",
        call=sink_label(flows.sink),
        via=f" via {dest.via}" if dest.via else "",
        law=f"; law: {verdict.law}" if verdict.law else "",
        recipient=recipient.id if recipient else dest.vendor,
        decided_by=verdict.decided_by,
        section=rule.section,
    )
    accepted = ", ".join(f"safeguard={s}" for s in rule.accepted_safeguards) or "none"
    if rule.jurisdiction == "default":
        home = " / ".join(f"the {p}" if p in ctx.policy.law.regions else p for p in rule.inside_as_written) \
            or "the home region"
        yield finding(PRV401, flows.sink.path, call.span.line, call.span.col, home=home,
                      adequacy=verdict.adequacy, accepted=accepted, **common, **fields)
    else:
        phrase = f"with {accepted}" if rule.accepted_safeguards else "to the recipients it lists"
        note = verdict.adequacy if rule.adequacy else _OWN_ADEQUACY
        yield finding(PRV402, flows.sink.path, call.span.line, call.span.col, jurisdiction=jurisdiction,
                      inside=", ".join(rule.inside_as_written or rule.inside), accepted_phrase=phrase,
                      adequacy_note=note, **common, **fields)
