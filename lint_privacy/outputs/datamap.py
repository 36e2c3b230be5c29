"""The data map: categories -> where data is defined in code -> the calls where it leaves or is
stored -> recipients -> countries. The lineage condensed and judged against the policy, for
the ``graph`` and ``report`` outputs (node and edge shapes: docs/design.md).
"""

from __future__ import annotations

import networkx as nx

from ..checks.base import Context
from ..checks.flows import destinations, lineage, match_recipient, sink_flows, steps
from ..iso3166 import COUNTRIES
from ..lineage.graph import Source

_DECLARED = {"named": "named", "class": "class", "undeclared": "undeclared", "unknown_host": "unknown_host"}


def build_datamap(ctx: Context) -> nx.DiGraph:
    lin = lineage(ctx)
    g = nx.DiGraph()
    source_ids: dict[str, str] = {}
    # '# privacy: none' on a statement: what is read there is not personal data (docs/annotations.md),
    # so it is not a place personal data is defined: not in the map nor in the report's counts.
    not_personal = {(path, site.line) for path, facts in ctx.files.items() for site in facts.annotations
                    if site.annotation.none}

    def add_source(s: Source) -> str:
        sid = source_ids[s.node] = f"source:{s.path}:{s.line}:{s.label}"
        g.add_node(sid, kind="source", label=s.label, path=s.path, line=s.line,
                   category=",".join(s.categories), data_kind=s.data_kind, confidence=s.confidence)
        for c in s.categories:
            cat = ctx.policy.categories.get(c)
            cid = f"category:{c}"
            if cid not in g:
                g.add_node(cid, kind="category", label=cat.title if cat else c, section=cat.section if cat else "")
            g.add_edge(cid, sid, kind="defines")
        return sid

    for s in lin.sources:
        if (s.path, s.line) not in not_personal:
            add_source(s)
    for flows in sink_flows(ctx):
        sink, call = flows.sink, flows.sink.call
        kid = f"sink:{sink.path}:{call.span.line}:{sink.node.rsplit(':', 1)[-1]}"
        g.add_node(kid, kind="sink", label=sink.qualname, call=call.func, path=sink.path, line=call.span.line,
                   sink_kind=sink.spec.kind, vendor=sink.spec.vendor, stored=sink.spec.retention_required)
        for reach in flows.reaches:
            through = [f"{st.path}:{st.line} {st.note}" for st in steps(ctx, reach)]
            sid = source_ids.get(reach.source.node) or add_source(reach.source)  # a flow: on the map all the same
            g.add_edge(sid, kid, kind="flow", through=through)
        for dest in destinations(ctx, flows):
            if dest.internal or not dest.leaves:
                continue
            match = match_recipient(ctx.policy, ctx.catalog, dest)
            rid_value = match.recipient.id if match.recipient else (dest.vendor or dest.host or "unresolved")
            rid = f"recipient:{rid_value}"
            if rid not in g:
                g.add_node(rid, kind="recipient", label=match.recipient.name if match.recipient else match.vendor_name or rid_value,
                           declared="unresolved" if dest.unresolved and not match.recipient and not dest.vendor else _DECLARED[match.status])
            g.add_edge(kid, rid, kind="sends_to")
            for country in dest.countries:
                if country in COUNTRIES:
                    g.add_node(f"country:{country}", kind="country", label=country)
                    g.add_edge(rid, f"country:{country}", kind="in_country")
    return g
