"""PRV6xx, exposure: personal data written to logs, printed, or put in exception messages.

Applies to every role: data handled on a customer's instructions must not leak into logs either.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..findings import Finding, Rule
from .base import Context, finding, register
from .flows import flow_fields, per_category, sink_flows, sink_label

PRV601 = Rule(
    code="PRV601",
    name="personal-data-in-log",
    summary="Personal data reaches a log call.",
    template="{data} is logged by {call}",
    what="""Personal data (annotated, or found by name at lower confidence) that reaches a `logging`
call — module functions or logger objects — directly or through variables, containers,
f-strings and calls across modules.""",
    why="""Logs are copied, shipped to vendors, kept for months and read by many; the notice promises
none of that. Personal data in logs is among the most common privacy incidents.""",
    example="""logger.info("signup from %s", user.email)""",
    fix="""Log an identifier that is not personal (a user id), or mask the value:
`logger.info("signup user_id=%s", user.id)`.""",
)
PRV602 = Rule(
    code="PRV602",
    name="personal-data-in-output",
    summary="Personal data is printed or written to stdout/stderr.",
    template="{data} is written to the console by {call}",
    what="""Personal data that reaches `print`, `sys.stdout`/`sys.stderr` writes, or a Django
command's `self.stdout`/`self.stderr`.""",
    why="""Console output ends up in container logs, CI logs and terminals, with no retention the
notice covers.""",
    example="""print(f"sent to {contact.phone}")""",
    fix="""Print a count or an id instead, or remove the debug output.""",
)
PRV603 = Rule(
    code="PRV603",
    name="personal-data-in-exception",
    summary="Personal data is put into an exception or warning message.",
    template="{data} goes into {what} raised by {raised}",
    reason="{raised_by}",
    what="""Personal data that reaches the message of a raised exception or `warnings.warn`.""",
    why="""Exception messages travel to error trackers, logs and HTTP error pages.""",
    example="""raise ValueError(f"no account for {email}")""",
    fix="""Say what went wrong without the value: `raise ValueError("no account for this e-mail")`.""",
)
register(PRV601, PRV602, PRV603)

_RULE_BY_KIND = {"log": PRV601, "output": PRV602, "exception": PRV603, "warning": PRV603}


def check(ctx: Context) -> Iterator[Finding]:
    for flows in sink_flows(ctx):
        rule = _RULE_BY_KIND.get(flows.sink.spec.kind)
        if rule is None:
            continue
        call = flows.sink.call
        for category, reach in per_category(ctx, flows):
            label = sink_label(flows.sink)
            # An exception is named by its class (ValidationError); its module is a detail.
            raised = label if flows.sink.spec.kind == "warning" else label.rpartition(".")[2]
            what = "a warning" if flows.sink.spec.kind == "warning" else "an exception message"
            yield finding(rule, flows.sink.path, call.span.line, call.span.col, call=label, what=what,
                          raised=raised, raised_by=f"raised by {label}" if raised != label else "",
                          **flow_fields(ctx, reach, category))
