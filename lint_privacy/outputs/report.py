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
    code = _Code(graph, files, symbols)
    seen = {cid: code.category(cid, cat) for cid, cat in policy.categories.items()}
    report = Report(f"Privacy report: {policy.notice.title}", _preamble(policy, code, len(files)))
    report.tables = [
        _datamap_table(policy, seen),
        _art30_table(policy, code, seen),
        _drift_code_table(findings),
        _drift_notice_table(policy, code, files),
        _suppressions_table(suppressions),
        _not_personal_table(files),
    ]
    return report


@dataclass
class _InCode:
    """One category of the policy as the code has it: the rows of the data map and of Art. 30."""

    sources: list[str]  # node ids, in file order
    defined: list[str]
    stored: list[str]
    recipients: list[str]  # node ids
    reached: list[str]  # each recipient, with how the notice declares it
    countries: list[str]
    retention: list[str]  # each value written in the code, with where
    longer: list[str]  # the values longer than every period of the notice


class _Code:
    """What the code says, read once from the graph and the facts for every table."""

    def __init__(self, graph: nx.DiGraph, files: dict[str, Any], symbols: Any) -> None:
        self.graph = graph
        self.nodes = dict(graph.nodes(data=True))
        self.kind_of = {n: a.get("kind", "") for n, a in self.nodes.items()}
        self.annotations = _annotations_by_line(files)
        self.stored_fields = _stored_fields(symbols)
        self.sources_of = self._sources_of()

    def _sources_of(self) -> dict[str, list[str]]:
        sources_of: dict[str, list[str]] = defaultdict(list)
        for n, a in self.nodes.items():
            if self.kind_of[n] == "source":
                cats = {p.split(":", 1)[1] for p in self.graph.predecessors(n)
                        if self.kind_of.get(p) == "category"}
                cats.update(c.strip() for c in str(a.get("category") or "").split(",") if c.strip())
                for c in cats:
                    sources_of[c].append(n)
        return sources_of

    def count(self, kind: str) -> int:
        return sum(1 for k in self.kind_of.values() if k == kind)

    def successors(self, nodes: Iterable[str], kind: str) -> set[str]:
        return {s for n in nodes for s in self.graph.successors(n) if self.kind_of.get(s) == kind}

    def category(self, cid: str, cat: Any) -> _InCode:
        nodes = self.nodes
        srcs = sorted(self.sources_of.get(cid, []),
                      key=lambda n: (nodes[n].get("path", ""), nodes[n].get("line", 0)))
        sinks = self.successors(srcs, "sink")
        recipients = sorted(self.successors(sinks, "recipient"))
        countries = sorted({c.split(":", 1)[1] for c in self.successors(recipients, "country")})
        retention, longer = self._retention(srcs, [t.period for t in cat.retention if t.period is not None])
        return _InCode(
            srcs, [f"{nodes[n].get('label', n)} ({_loc(nodes[n])})" for n in srcs], self._stored(srcs, sinks),
            recipients, [f"{r.split(':', 1)[1]} ({nodes[r].get('declared', '')})" for r in recipients],
            countries, retention, longer,
        )

    def _stored(self, srcs: list[str], sinks: set[str]) -> list[str]:
        nodes = self.nodes
        stored = []
        for n in srcs:
            where = (nodes[n].get("path"), nodes[n].get("line"))
            if where in self.stored_fields:
                stored.append(f"{nodes[n].get('label', n)} ({_loc(nodes[n])}, {self.stored_fields[where]})")
        stored += [f"{nodes[s].get('label', s)} ({_loc(nodes[s])}, {nodes[s].get('sink_kind', 'storage')})"
                   for s in sorted(sinks) if nodes[s].get("stored")]
        return stored

    def _retention(self, srcs: list[str], notice_periods: list[Any]) -> tuple[list[str], list[str]]:
        """The retention written on each source, and those longer than every period of the notice."""
        written: list[str] = []
        longer: list[str] = []
        for n in srcs:
            ann = self.annotations.get((self.nodes[n].get("path"), self.nodes[n].get("line")))
            value = ann.get("retention") if ann is not None else None
            if not value:
                continue
            written.append(f"{value} ({_loc(self.nodes[n])})")
            try:
                d = parse_duration(value)
            except DurationError:
                continue
            if notice_periods and all(d.exceeds(p) for p in notice_periods):
                longer.append(f"{value} at {_loc(self.nodes[n])}")
        return written, longer

    def annotated_categories(self) -> set[str]:
        annotated: set[str] = set(self.sources_of)
        for ann in self.annotations.values():
            annotated.update(c for c in ann.categories if c not in ann.suggested)
        return annotated

    def reached_recipients(self, files: dict[str, Any]) -> set[str]:
        reached = {n.split(":", 1)[1] for n in self.nodes
                   if self.kind_of[n] == "recipient" and any(True for _ in self.graph.predecessors(n))}
        for facts in files.values():
            for fn in facts.functions:
                for call in fn.calls:
                    if call.annotation is not None and call.annotation.get("recipient"):
                        reached.add(call.annotation.get("recipient") or "")
        return reached


def _preamble(policy: Any, code: _Code, file_count: int) -> list[str]:
    notice = policy.notice
    c = notice.controller
    lines = [
        f"Notice: {notice.title}, last updated {notice.last_updated}"
        + (f" ({notice.url})" if notice.url else ""),
        f"Controller: {c.name}"
        + (f", {c.address}" if c.address else "") + (f", {c.country}" if c.country else ""),
    ]
    if notice.contacts:
        lines.append("Contacts: " + "; ".join(f"{ct.name or ct.role} <{ct.email}>" for ct in notice.contacts))
    home = ", ".join(policy.transfer.inside_as_written or policy.transfer.inside)
    lines.append(
        f"Code: {code.count('source')} places personal data is defined, "
        f"{code.count('sink')} calls it reaches, {file_count} files; home region: {home}"
    )
    return lines


def _notice_retention(policy: Any, cat: Any) -> str:
    return "; ".join(f"{policy.describe_term(t)} (§{t.section})" for t in cat.retention) or "not stated"


def _datamap_table(policy: Any, seen: dict[str, _InCode]) -> Table:
    rows = []
    for cid, cat in policy.categories.items():
        it = seen[cid]
        verdict = ("longer than the notice: " + ", ".join(it.longer)) if it.longer else (
            "within the notice" if it.retention else "")
        rows.append([
            cid, cat.title, cat.section, _lines(it.defined), _lines(it.stored), _lines(it.reached),
            ", ".join(it.countries), _lines(it.retention) or ("none in code" if it.sources else ""),
            _notice_retention(policy, cat), verdict,
        ])
    return Table(
        "datamap", "Data map: each category in code and in the notice",
        ["category", "title", "notice section", "defined in code", "stored in code", "recipients reached",
         "countries reached", "retention in code", "retention in the notice", "retention check"],
        rows,
        intro="Where the code defines and stores each category of the policy, whom it reaches, and its "
              "retention against the notice's.",
    )


def _art30_table(policy: Any, code: _Code, seen: dict[str, _InCode]) -> Table:
    rows = []
    for cid, cat in policy.categories.items():
        it = seen[cid]
        purposes = []
        for use in cat.purposes:
            p = policy.purposes.get(use.purpose)
            purposes.append(f"{p.description if p else use.purpose} [{', '.join(use.bases)}]"
                            + (f" ({use.condition})" if use.condition else ""))
        subjects = [policy.subjects[s].name if s in policy.subjects else s for s in cat.subjects]
        declared = [r for r in policy.recipients.values() if r.categories is None or cid in r.categories]
        declared_text = [r.name + (" (class)" if r.kind == "class" else "") for r in declared]
        rows.append([
            f"{cat.title} ({cid}, §{cat.section})", _lines(purposes), _lines(subjects), _lines(declared_text),
            _lines(it.reached) or "none found in code",
            _lines(_transfers(policy, code, declared, it)) or "none",
            _notice_retention(policy, cat), _lines(it.retention) or "none in code",
        ])
    return Table(
        "art30", "Record of processing activities (GDPR Art. 30(1))",
        ["category", "purposes [legal bases]", "data subjects", "recipients (notice)",
         "recipients reached in code", "third-country transfers and safeguards", "retention (notice)",
         "retention (code)"],
        rows,
        intro=f"Controller: {policy.notice.controller.name}. Purposes, subjects, recipients and retention as "
              "the notice states them, next to what the code does.",
    )


def _transfers(policy: Any, code: _Code, declared: list[Any], it: _InCode) -> list[str]:
    """Outside the home region: each declared recipient's places with its safeguards, then each
    country the code reaches."""
    home = set(policy.transfer.inside)
    transfers = []
    for r in declared:
        abroad = [loc for loc in r.locations if loc not in home]
        if abroad:
            guards = ", ".join(policy.safeguards[s].name if s in policy.safeguards else s
                               for s in r.safeguards) or "none stated"
            transfers.append(f"{r.name}: {', '.join(abroad)} — safeguards: {guards}")
    for c in it.countries:
        if c not in home:
            via = ", ".join(r.split(":", 1)[1] for r in it.recipients
                            if code.graph.has_edge(r, f"country:{c}"))
            transfers.append(f"in code: {c} (via {via})")
    return transfers


def _drift_code_table(findings: Sequence[Finding]) -> Table:
    return Table(
        "drift", "Drift: what the code does that the notice does not declare",
        ["code", "where", "category", "recipient", "finding"],
        [[f.code, f"{f.path}:{f.line}", f.category, f.recipient,
          f.message + (f" (promise: {f.promise})" if f.promise else "")]
         for f in sorted(findings, key=Finding.sort_key) if f.code.startswith(DRIFT_CODES)],
        intro="Findings PRV1xx (data the notice does not cover or name), PRV202 (kept longer), "
              "PRV3xx (recipients) and PRV4xx (transfers).",
        empty="none: every finding of these families is fixed or suppressed",
    )


def _drift_notice_table(policy: Any, code: _Code, files: dict[str, Any]) -> Table:
    rows: list[list[str]] = []
    annotated = code.annotated_categories()
    for cid, cat in policy.categories.items():
        if cid not in annotated:
            rows.append(["category never annotated", cid, _policy_where(policy, cat), cat.title])
    reached = code.reached_recipients(files)
    for rid, rec in policy.recipients.items():
        if rid not in reached:
            kind = "recipient class never reached" if rec.kind == "class" else "recipient never reached"
            rows.append([kind, rid, _policy_where(policy, rec), rec.name])
    return Table(
        "drift", "Drift: what the notice declares that the code never does",
        ["what", "id", "where in the policy", "name"], rows,
        intro="Categories no code annotates and recipients no code reaches: either the code is not "
              "annotated yet, or the notice promises more than the code does.",
        empty="none: the code annotates every category and reaches every recipient",
    )


def _suppressions_table(suppressions: Sequence[Suppression]) -> Table:
    return Table(
        "suppressions", "Suppressions (# noqa: PRV...)",
        ["where", "codes", "justification", "hides"],
        [[f"{s.path}:{s.line}", ", ".join(s.codes), s.justification or "(no justification given)",
          _lines(f"{f.code} {f.message}" for f in s.suppressed) or "(nothing: the noqa can go)"]
         for s in suppressions],
        intro="Every exception written in the code, with the reason given on its line, for review.",
        empty="none",
    )


def _not_personal_table(files: dict[str, Any]) -> Table:
    not_personal = sorted((path, site.line, site.place) for path, facts in files.items()
                          for site in facts.annotations
                          if site.annotation.none and not site.annotation.problems)
    return Table(
        "suppressions", "Declared not personal (# privacy: none)",
        ["where", "on"],
        [[f"{path}:{line}", "a call" if place == "call" else "a field or a value"]
         for path, line, place in not_personal],
        intro="Names that look personal, declared not personal data: left out of the inventory, the flows, "
              "the data map and its counts. A decision like a suppression, for review.",
        empty="none",
    )


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


_HTML_CSS = (
    "body{font:14px/1.4 system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;"
    "margin:24px;color:#111827}\n"
    "table{border-collapse:collapse;margin:8px 0 28px;width:100%}"
    "th,td{border:1px solid #d1d5db;padding:4px 6px;vertical-align:top;text-align:left}\n"
    "th{background:#f3f4f6;position:sticky;top:0}td{white-space:pre-line}"
    "tr:nth-child(even) td{background:#fafafa}\n"
    "h2{margin-top:32px}.empty{color:#6b7280;font-style:italic}ul.pre{color:#374151}"
)


def to_html(report: Report, view: str = "all") -> str:
    e = html.escape
    parts = [f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
             f"<title>{e(report.title)}</title>",
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
        head = "".join(f"<th>{e(c)}</th>" for c in t.columns)
        parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>")
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
