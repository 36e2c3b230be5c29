"""PRV3xx, recipients: personal data reaching a recipient the notice does not declare, declares
only vaguely, or does not declare for that category; an unknown external host. And PRV003 when
the destination cannot be resolved. Data handled as processor (role=processor) is exempt.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding, Rule
from ..policy.model import Policy
from .base import Context, finding, join, register
from .flows import destinations, flow_fields, match_recipient, per_category, sink_flows, sink_label

# A PRV0 code (the tool could not judge here), found by the recipient checks.
PRV003 = Rule(
    code="PRV003",
    name="unresolved-destination",
    summary="Personal data goes to a destination (URL, host, region) the analysis could not resolve.",
    template="{data} goes to a destination that cannot be resolved",
    reason="{why}; say where it goes: # privacy: recipient=... country=..",
    what="""A call that sends personal data somewhere whose address is only known at run time: a URL
read from the environment, a cloud client whose region comes from configuration, a mail host
from an unknown setting.""",
    why="""Recipient and transfer checks cannot judge a destination they cannot see; saying so is
better than skipping it.""",
    example="""requests.post(os.environ["CRM_URL"], json={"email": user.email})""",
    fix="""Annotate the call with what the destination is: `# privacy: recipient=salesforce country=US
safeguard=scc`, or make the URL/region a constant in code or settings.""",
)
PRV301 = Rule(
    code="PRV301",
    name="undeclared-recipient",
    summary="Personal data reaches a recipient the notice does not declare.",
    template="{data} is sent to {vendor}, a recipient the notice does not declare",
    reason="sent by {call}{via}",
    promise="the notice's recipients are in {sections}",
    what="""Personal data that reaches a vendor (an SDK call, an HTTP host the catalog knows, a log
shipper) that no recipient of the policy names and no class of recipients covers.""",
    why="""The notice lists who receives personal data. A vendor outside that list is a disclosure
the data subjects were never told about (GDPR Art. 13(1)(e)).""",
    example="""# With a policy whose recipient classes do not cover analytics vendors
# (policies/acme-example.yaml; the Infobip notice's "service and technology providers"
# cover every vendor kind, so there this is PRV302):
import mixpanel
mp = mixpanel.Mixpanel(TOKEN)
mp.track(user.id, "signup", {"email": user.email})""",
    fix="""Stop sending personal data there, or have the notice declare the recipient and then add it
to the policy (`recipients:` with its `vendors:`).""",
)
PRV302 = Rule(
    code="PRV302",
    name="vaguely-declared-recipient",
    summary="Personal data reaches a vendor the notice covers only by a class of recipients.",
    template="{data} is sent to {vendor}, a vaguely declared recipient",
    reason="sent by {call}{via}",
    promise="the notice covers it only as '{classes}' (section {section})",
    what="""A vendor the notice does not name but that falls under a class of recipients it describes
(a new SaaS tool under "service and technology providers"). A class that names the vendor as an
example ("analytics providers such as Mixpanel": the class's `vendors:` in the policy) declares
it plainly: no PRV302, and PRV303 where the data is of a category the class is not given.""",
    why="""A vague declaration may be lawful but tells the data subject little; research on privacy
policies calls it a *vague* disclosure. Teams can decide how strict to be with this code.""",
    example="""import segment.analytics as analytics
analytics.track(user.id, "Signed up", {"email": user.email})""",
    fix="""Name the vendor in the notice's list of processors (then in the policy), or select this code
off where vague disclosure is accepted.""",
)
PRV303 = Rule(
    code="PRV303",
    name="recipient-not-declared-for-category",
    summary="A declared recipient receives a category of data the notice does not give it.",
    template="{data} is sent to {recipient_name}, not declared for this category",
    reason="sent by {call}{via}; {as_class}",
    promise="the policy declares {recipient_id} only for: {allowed} (notice {section})",
    what="""Personal data of a category that reaches a named recipient whose policy entry lists the
categories it may receive, without that category.""",
    why="""Declaring a processor for CRM data does not declare it for message traffic records. The
notice's promise is per category.""",
    example="""sf.Contact.create({"Phone": record.msisdn})  # msisdn: traffic_data_enduser""",
    fix="""Send only the categories the notice gives that recipient, or have the notice extend it.""",
)
PRV304 = Rule(
    code="PRV304",
    name="unknown-external-host",
    summary="Personal data is sent to an external host no known recipient owns.",
    template="{data} is sent to {host}, an unknown host",
    reason="sent by {call}; no recipient of the policy and no vendor of the catalog owns {host}",
    promise="the notice's recipients are in {sections}",
    what="""An HTTP or mail call carrying personal data to a host that is not internal (see
`internal-hosts`) and that no catalog vendor's domain covers.""",
    why="""An unknown destination is an undeclared recipient until someone proves otherwise.""",
    example="""requests.post("https://api.example-crm.io/v1/leads", json={"email": email})""",
    fix="""Add the vendor to your catalog (a YAML file, `[tool.lint-privacy] catalog`), declare it in
the policy, or mark the host internal.""",
)
register(PRV003, PRV301, PRV302, PRV303, PRV304)


def _sections(policy: Policy) -> str:
    """Where the notice lists its recipients: "sections 6, 7"."""
    listed = sorted({r.section for r in policy.recipients.values()})
    return f"section{'s' if len(listed) > 1 else ''} {join(listed, 6)}" if listed else "no section"


def check(ctx: Context) -> Iterator[Finding]:
    for flows in sink_flows(ctx):
        call = flows.sink.call
        line, col = call.span.line, call.span.col
        for dest in destinations(ctx, flows):
            if dest.unresolved and not dest.recipient:
                for category, reach in per_category(ctx, flows):
                    if reach.source.role == "processor":
                        continue
                    yield finding(PRV003, flows.sink.path, line, col, why=dest.unresolved,
                                  **flow_fields(ctx, reach, category))
                continue
            match = match_recipient(ctx.policy, ctx.catalog, dest)
            via = f" via {dest.via}" if dest.via else ""
            located = dest.countries or (match.recipient is not None and match.recipient.locations)
            if match.status in ("named", "class") and not located:
                # The recipient is known, where it processes the data is not: transfers cannot be judged.
                for category, reach in per_category(ctx, flows):
                    if reach.source.role != "processor":
                        yield finding(PRV003, flows.sink.path, line, col,
                                      why=f"where {match.vendor_name} processes it is stated neither in the notice nor in the catalog",
                                      **flow_fields(ctx, reach, category))
            for category, reach in per_category(ctx, flows):
                if reach.source.role == "processor":
                    continue
                fields = flow_fields(ctx, reach, category)
                common = dict(call=sink_label(flows.sink), via=via, recipient=match.recipient.id if match.recipient else dest.vendor or dest.host)
                if match.status == "unknown_host":
                    yield finding(PRV304, flows.sink.path, line, col, host=dest.host,
                                  sections=_sections(ctx.policy), **common, **fields)
                elif match.status == "undeclared":
                    yield finding(PRV301, flows.sink.path, line, col, vendor=match.vendor_name,
                                  sections=_sections(ctx.policy), **common, **fields)
                elif match.status == "class":
                    fitting = [c for c in match.classes if c.categories is None or not category or category in c.categories]
                    if fitting:
                        yield finding(PRV302, flows.sink.path, line, col, vendor=match.vendor_name,
                                      classes=", ".join(c.name for c in fitting),
                                      section=", ".join(sorted({c.section for c in fitting})), **common, **fields)
                    else:  # covered only by classes the policy declares for other categories
                        first = match.classes[0]
                        yield finding(PRV303, flows.sink.path, line, col, recipient_id=first.id,
                                      allowed=join(first.categories or (), 6) or "(none)", section=first.section,
                                      recipient_name=match.vendor_name,
                                      as_class=f"{match.vendor_name} comes under the class '{first.name}'",
                                      **common, **fields)
                elif match.recipient is not None and category and match.recipient.categories is not None \
                        and category not in match.recipient.categories:
                    r = match.recipient
                    yield finding(PRV303, flows.sink.path, line, col, recipient_id=r.id, recipient_name=r.name,
                                  allowed=join(r.categories or (), 6) or "(none)", section=r.section,
                                  as_class="",
                                  **common, **fields)
