"""``lint-privacy report``: the code held next to the notice, for a privacy engineer.

Views (``--view``):

* ``datamap``: per category of the policy, where the code defines it, where it is stored,
  which recipients and countries it reaches, and its retention in code against the notice;
* ``art30``: a GDPR Art. 30(1) record of processing activities, from the policy and the code:
  controller and contacts, then per category its purposes and legal bases, data subjects,
  recipients, transfers to third countries with their safeguards, and retention;
* ``drift``: both directions — what the code does that the notice does not declare (PRV1xx,
  PRV202, PRV3xx and PRV4xx findings, with file:line), and what the notice declares that the code
  never does (categories never annotated, recipients never reached, with the policy section and
  line);
* ``suppressions``: every ``# noqa: PRV...`` with its justification and what it hides;
* ``all`` (default): all of them, one document.

Formats: Markdown, one self-contained HTML page, and CSV (one view per file; ``all`` gives the
data map).
"""

from __future__ import annotations

import csv
import html
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from ..durations import DurationError, parse_duration
from ..findings import Finding
from .suppressions import Suppression

VIEWS = ("datamap", "art30", "drift", "suppressions")
DRIFT_CODES = ("PRV1", "PRV202", "PRV3", "PRV4")


@dataclass
class Table:
    view: str
    title: str
    columns: list[str]
    rows: list[list[str]]
    intro: str = ""
    empty: str = "nothing to list"


@dataclass
class Report:
    title: str
    preamble: list[str] = field(default_factory=list)  # lines about the notice and the run
    tables: list[Table] = field(default_factory=list)

    def view(self, name: str) -> list[Table]:
        return [t for t in self.tables if name == "all" or t.view == name]


# ------------------------------------------------------------------ building


def _loc(attrs: dict[str, Any]) -> str:
    return f"{attrs.get('path', '')}:{attrs.get('line', '')}"


def _policy_where(policy: Any, obj: Any) -> str:
    name = str(policy.path).replace("\\", "/").rsplit("/", 1)[-1] if getattr(policy, "path", "") else "policy"
    line = getattr(getattr(obj, "where", None), "line", 0)
    section = getattr(obj, "section", "")
    text = f"{name}:{line}" if line else name
    return text + (f" (notice §{section})" if section else "")


def _annotations_by_line(files: dict[str, Any]) -> dict[tuple[str, int], Any]:
    found: dict[tuple[str, int], Any] = {}
    for path, facts in files.items():
        for site in facts.annotations:
            found[(path, site.line)] = site.annotation
    return found


def _stored_fields(symbols: Any) -> dict[tuple[str, int], str]:
    """(path, line) of every field of a persistence model -> what stores it ("Django model")."""
    out: dict[tuple[str, int], str] = {}
    if symbols is None:
        return out
    for info in symbols.all_classes():
        if info.storage:
            for f in info.fact.fields:
                out[(info.path, f.span.line)] = info.kind
    return out


def build(
    graph: nx.DiGraph,
    policy: Any,
    files: dict[str, Any],
    findings: Sequence[Finding],
    suppressions: Sequence[Suppression],
    symbols: Any = None,
) -> Report:
    nodes = dict(graph.nodes(data=True))
    kind_of = {n: a.get("kind", "") for n, a in nodes.items()}
    annotations = _annotations_by_line(files)
    stored_fields = _stored_fields(symbols)

    # What the code says about each category.
    sources_of: dict[str, list[str]] = defaultdict(list)
    for n, a in nodes.items():
        if kind_of[n] == "source":
            cats = {p.split(":", 1)[1] for p in graph.predecessors(n) if kind_of.get(p) == "category"}
            cats.update(c.strip() for c in str(a.get("category") or "").split(",") if c.strip())
            for c in cats:
                sources_of[c].append(n)
    annotated_categories: set[str] = set(sources_of)
    for ann in annotations.values():
        annotated_categories.update(c for c in ann.categories if c not in ann.suggested)
    reached_recipients: set[str] = {n.split(":", 1)[1] for n in nodes if kind_of[n] == "recipient" and any(True for _ in graph.predecessors(n))}
    for facts in files.values():
        for fn in facts.functions:
            for call in fn.calls:
                if call.annotation is not None and call.annotation.get("recipient"):
                    reached_recipients.add(call.annotation.get("recipient") or "")

    home = set(policy.transfer.inside)
    rows_map: list[list[str]] = []
    rows_art30: list[list[str]] = []
    for cid, cat in policy.categories.items():
        srcs = sorted(sources_of.get(cid, []), key=lambda n: (nodes[n].get("path", ""), nodes[n].get("line", 0)))
        defined = [f"{nodes[n].get('label', n)} ({_loc(nodes[n])})" for n in srcs]
        sinks = {s for n in srcs for s in graph.successors(n) if kind_of.get(s) == "sink"}
        stored = [f"{nodes[n].get('label', n)} ({_loc(nodes[n])}, {stored_fields[(nodes[n].get('path'), nodes[n].get('line'))]})"
                  for n in srcs if (nodes[n].get("path"), nodes[n].get("line")) in stored_fields]
        stored += [f"{nodes[s].get('label', s)} ({_loc(nodes[s])}, {nodes[s].get('sink_kind', 'storage')})"
                   for s in sorted(sinks) if nodes[s].get("stored")]
        recipients = sorted({r for s in sinks for r in graph.successors(s) if kind_of.get(r) == "recipient"})
        countries = sorted({c.split(":", 1)[1] for r in recipients for c in graph.successors(r) if kind_of.get(c) == "country"})
        rec_text = [f"{r.split(':', 1)[1]} ({nodes[r].get('declared', '')})" for r in recipients]
        code_ret = []
        longer = []
        notice_periods = [t.period for t in cat.retention if t.period is not None]
        for n in srcs:
            ann = annotations.get((nodes[n].get("path"), nodes[n].get("line")))
            value = ann.get("retention") if ann is not None else None
            if not value:
                continue
            code_ret.append(f"{value} ({_loc(nodes[n])})")
            try:
                d = parse_duration(value)
            except DurationError:
                continue
            if notice_periods and all(d.exceeds(p) for p in notice_periods):
                longer.append(f"{value} at {_loc(nodes[n])}")
        notice_ret = "; ".join(f"{policy.describe_term(t)} (§{t.section})" for t in cat.retention) or "not stated"
        verdict = ("longer than the notice: " + ", ".join(longer)) if longer else ("within the notice" if code_ret else "")
        rows_map.append([
            cid, cat.title, cat.section, _lines(defined), _lines(stored), _lines(rec_text), ", ".join(countries),
            _lines(code_ret) or ("none in code" if srcs else ""), notice_ret, verdict,
        ])

        purposes = []
        for use in cat.purposes:
            p = policy.purposes.get(use.purpose)
            purposes.append(f"{p.description if p else use.purpose} [{', '.join(use.bases)}]" + (f" ({use.condition})" if use.condition else ""))
        subjects = [policy.subjects[s].name if s in policy.subjects else s for s in cat.subjects]
        declared = [r for r in policy.recipients.values() if r.categories is None or cid in r.categories]
        declared_text = [r.name + (" (class)" if r.kind == "class" else "") for r in declared]
        transfers = []
        for r in declared:
            abroad = [loc for loc in r.locations if loc not in home]
            if abroad:
                guards = ", ".join(policy.safeguards[s].name if s in policy.safeguards else s for s in r.safeguards) or "none stated"
                transfers.append(f"{r.name}: {', '.join(abroad)} — safeguards: {guards}")
        for c in countries:
            if c not in home:
                transfers.append(f"in code: {c} (via {', '.join(r.split(':', 1)[1] for r in recipients if graph.has_edge(r, f'country:{c}'))})")
        rows_art30.append([
            f"{cat.title} ({cid}, §{cat.section})", _lines(purposes), _lines(subjects), _lines(declared_text),
            _lines(rec_text) or "none found in code", _lines(transfers) or "none", notice_ret,
            _lines(code_ret) or "none in code",
        ])

    report = Report(title=f"Privacy report: {policy.notice.title}")
    c = policy.notice.controller
    report.preamble = [
        f"Notice: {policy.notice.title}, last updated {policy.notice.last_updated}" + (f" ({policy.notice.url})" if policy.notice.url else ""),
        f"Controller: {c.name}" + (f", {c.address}" if c.address else "") + (f", {c.country}" if c.country else ""),
    ]
    if policy.notice.contacts:
        report.preamble.append("Contacts: " + "; ".join(f"{ct.name or ct.role} <{ct.email}>" for ct in policy.notice.contacts))
    report.preamble.append(
        f"Code: {sum(1 for k in kind_of.values() if k == 'source')} places personal data is defined, "
        f"{sum(1 for k in kind_of.values() if k == 'sink')} calls it reaches, {len(files)} files; home region: {', '.join(policy.transfer.inside_as_written or policy.transfer.inside)}"
    )

    report.tables.append(Table(
        "datamap", "Data map: each category in code and in the notice",
        ["category", "title", "notice section", "defined in code", "stored in code", "recipients reached",
         "countries reached", "retention in code", "retention in the notice", "retention check"],
        rows_map,
        intro="Where the code defines and stores each category of the policy, whom it reaches, and its retention against the notice's.",
    ))
    report.tables.append(Table(
        "art30", "Record of processing activities (GDPR Art. 30(1))",
        ["category", "purposes [legal bases]", "data subjects", "recipients (notice)", "recipients reached in code",
         "third-country transfers and safeguards", "retention (notice)", "retention (code)"],
        rows_art30,
        intro=f"Controller: {c.name}. Purposes, subjects, recipients and retention as the notice states them, next to what the code does.",
    ))

    drift_code = [
        [f.code, f"{f.path}:{f.line}", f.category, f.recipient,
         f.message + (f" (promise: {f.promise})" if f.promise else "")]
        for f in sorted(findings, key=Finding.sort_key) if f.code.startswith(DRIFT_CODES)
    ]
    report.tables.append(Table(
        "drift", "Drift: what the code does that the notice does not declare",
        ["code", "where", "category", "recipient", "finding"], drift_code,
        intro="Findings PRV1xx (data the notice does not cover or name), PRV202 (kept longer), PRV3xx (recipients) and PRV4xx (transfers).",
        empty="none: every finding of these families is fixed or suppressed",
    ))
    drift_notice: list[list[str]] = []
    for cid, cat in policy.categories.items():
        if cid not in annotated_categories:
            drift_notice.append(["category never annotated", cid, _policy_where(policy, cat), cat.title])
    for rid, rec in policy.recipients.items():
        if rid not in reached_recipients:
            kind = "recipient class never reached" if rec.kind == "class" else "recipient never reached"
            drift_notice.append([kind, rid, _policy_where(policy, rec), rec.name])
    report.tables.append(Table(
        "drift", "Drift: what the notice declares that the code never does",
        ["what", "id", "where in the policy", "name"], drift_notice,
        intro="Categories no code annotates and recipients no code reaches: either the code is not annotated yet, or the notice promises more than the code does.",
        empty="none: the code annotates every category and reaches every recipient",
    ))
    report.tables.append(Table(
        "suppressions", "Suppressions (# noqa: PRV...)",
        ["where", "codes", "justification", "hides"],
        [[f"{s.path}:{s.line}", ", ".join(s.codes), s.justification or "(no justification given)",
          _lines(f"{f.code} {f.message}" for f in s.suppressed) or "(nothing: the noqa can go)"] for s in suppressions],
        intro="Every exception written in the code, with the reason given on its line, for review.",
        empty="none",
    ))
    not_personal = sorted((path, site.line, site.place) for path, facts in files.items()
                          for site in facts.annotations if site.annotation.none and not site.annotation.problems)
    report.tables.append(Table(
        "suppressions", "Declared not personal (# privacy: none)",
        ["where", "on"],
        [[f"{path}:{line}", "a call" if place == "call" else "a field or a value"] for path, line, place in not_personal],
        intro="Names that look personal, declared not personal data: left out of the inventory, the flows, the data map "
              "and its counts. A decision like a suppression, for review.",
        empty="none",
    ))
    return report


def _lines(items: Iterable[str]) -> str:
    return "\n".join(i for i in items if i)


# ------------------------------------------------------------------ rendering


def render(report: Report, fmt: str, view: str = "all") -> str:
    if fmt == "csv":
        return to_csv(report, "datamap" if view == "all" else view)
    if fmt == "html":
        return to_html(report, view)
    return to_markdown(report, view)


def _md_cell(text: str) -> str:
    return text.replace("<", "&lt;").replace("|", "\\|").replace("\n", "<br>") or " "


def to_markdown(report: Report, view: str = "all") -> str:
    out = [f"# {report.title}", ""]
    out += [f"- {line}" for line in report.preamble] + [""]
    for t in report.view(view):
        out += [f"## {t.title}", ""]
        if t.intro:
            out += [t.intro, ""]
        if not t.rows:
            out += [f"_{t.empty}_", ""]
            continue
        out.append("| " + " | ".join(t.columns) + " |")
        out.append("|" + "---|" * len(t.columns))
        for row in t.rows:
            out.append("| " + " | ".join(_md_cell(c) for c in row) + " |")
        out.append("")
    return "\n".join(out)


_HTML_CSS = """body{font:14px/1.4 system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:24px;color:#111827}
table{border-collapse:collapse;margin:8px 0 28px;width:100%}th,td{border:1px solid #d1d5db;padding:4px 6px;vertical-align:top;text-align:left}
th{background:#f3f4f6;position:sticky;top:0}td{white-space:pre-line}tr:nth-child(even) td{background:#fafafa}
h2{margin-top:32px}.empty{color:#6b7280;font-style:italic}ul.pre{color:#374151}"""


def to_html(report: Report, view: str = "all") -> str:
    e = html.escape
    parts = [f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{e(report.title)}</title>",
             f"<style>{_HTML_CSS}</style></head><body><h1>{e(report.title)}</h1><ul class=\"pre\">"]
    parts += [f"<li>{e(line)}</li>" for line in report.preamble]
    parts.append("</ul>")
    for t in report.view(view):
        parts.append(f"<h2 id=\"{e(t.view)}\">{e(t.title)}</h2>")
        if t.intro:
            parts.append(f"<p>{e(t.intro)}</p>")
        if not t.rows:
            parts.append(f"<p class=\"empty\">{e(t.empty)}</p>")
            continue
        parts.append("<table><thead><tr>" + "".join(f"<th>{e(c)}</th>" for c in t.columns) + "</tr></thead><tbody>")
        for row in t.rows:
            parts.append("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>")
        parts.append("</tbody></table>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


def to_csv(report: Report, view: str) -> str:
    """One view as CSV; a view of several tables (drift) gets a first column naming the table
    and the union of their columns."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    tables = report.view(view)
    if len(tables) == 1:
        t = tables[0]
        w.writerow(t.columns)
        w.writerows([c.replace("\n", "; ") for c in row] for row in t.rows)
        return buf.getvalue()
    columns: list[str] = []
    for t in tables:
        columns += [c for c in t.columns if c not in columns]
    w.writerow(["table", *columns])
    for t in tables:
        for row in t.rows:
            cells = dict(zip(t.columns, row))
            w.writerow([t.title, *(cells.get(c, "").replace("\n", "; ") for c in columns)])
    return buf.getvalue()
