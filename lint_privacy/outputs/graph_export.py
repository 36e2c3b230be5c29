"""``lint-privacy graph``: the lineage data map (the condensed graph of docs/design.md, "The
lineage graph") as node-link JSON, GraphML, DOT, or one self-contained HTML page.

The HTML page is drawn here, not in the browser: a layered layout in five columns
(category → source → sink → recipient → country) written as inline SVG, with a few lines of
inline JavaScript to filter by category and by recipient. No third-party script, no web font,
no request at view time. A column with more than ``MAX_ROWS`` nodes is collapsed: sources
grouped by category and file, sinks by kind and vendor or file (the group's members are listed
in its tooltip and in the side panel), so a project of thousands of nodes stays readable.
"""

from __future__ import annotations

import html
import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

COLUMNS = ("category", "source", "sink", "recipient", "country")
COLUMN_TITLES = {
    "category": "Category (policy)",
    "source": "Defined / collected in code",
    "sink": "Where it goes (calls)",
    "recipient": "Recipient",
    "country": "Country",
}
UNANNOTATED = "category:"  # the pseudo category of personal data found by name only
MAX_ROWS = 80
_PLURAL = {"category": "categories", "source": "sources", "sink": "sinks", "recipient": "recipients", "country": "countries"}


# ------------------------------------------------------------------ the graph


def condensed_graph(result: Any) -> nx.DiGraph:
    """The condensed data map of a run (lint_privacy/outputs/datamap.py)."""
    from .datamap import build_datamap

    return build_datamap(result.context)


# ------------------------------------------------------------------ exports


def export(graph: nx.DiGraph, fmt: str, policy: Any = None) -> str:
    if fmt == "json":
        return to_json(graph)
    if fmt == "graphml":
        return to_graphml(graph)
    if fmt == "dot":
        return to_dot(graph)
    if fmt == "html":
        return to_html(graph, policy)
    raise ValueError(f"unknown graph format {fmt!r}")


def _plain(value: Any) -> Any:
    """An attribute value GraphML can hold: lists joined by new lines, None as ""."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple, set, frozenset)):
        return "\n".join(str(v) for v in value)
    if isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def to_json(graph: nx.DiGraph) -> str:
    data = nx.node_link_data(graph, edges="links")
    data["nodes"] = sorted(data["nodes"], key=lambda n: (COLUMNS.index(n.get("kind", "country")) if n.get("kind") in COLUMNS else 9, str(n["id"])))
    data["links"] = sorted(data["links"], key=lambda e: (str(e["source"]), str(e["target"])))
    return json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"


def to_graphml(graph: nx.DiGraph) -> str:
    clean = nx.DiGraph()
    for node, attrs in sorted(graph.nodes(data=True), key=lambda x: str(x[0])):
        clean.add_node(str(node), **{k: _plain(v) for k, v in attrs.items()})
    for a, b, attrs in sorted(graph.edges(data=True), key=lambda x: (str(x[0]), str(x[1]))):
        clean.add_edge(str(a), str(b), **{k: _plain(v) for k, v in attrs.items()})
    return "\n".join(nx.generate_graphml(clean, prettyprint=True)) + "\n"


def _dot_id(text: str) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


_DOT_STYLE = {
    "category": 'shape=box, style="rounded,filled", fillcolor="#dbeafe"',
    "source": 'shape=box, style=filled, fillcolor="#f3f4f6"',
    "sink": 'shape=cds, style=filled, fillcolor="#fef3c7"',
    "recipient": 'shape=box, style="filled,bold", fillcolor="#dcfce7"',
    "country": 'shape=ellipse, style=filled, fillcolor="#ede9fe"',
}


def to_dot(graph: nx.DiGraph) -> str:
    """DOT written by hand: one cluster-free digraph, ranked left to right by column."""
    lines = ["digraph lineage {", "  rankdir=LR;", '  node [fontname="Helvetica", fontsize=10];']
    by_kind: dict[str, list[str]] = defaultdict(list)
    for node, attrs in sorted(graph.nodes(data=True), key=lambda x: str(x[0])):
        kind = attrs.get("kind", "")
        by_kind[kind].append(node)
        label = attrs.get("label") or node
        if kind in ("source", "sink") and attrs.get("path"):
            label = f"{label}\n{attrs['path']}:{attrs.get('line', '')}"
        style = _DOT_STYLE.get(kind, "shape=box")
        if kind == "recipient" and attrs.get("declared") in ("undeclared", "unknown_host"):
            style = 'shape=box, style="filled,bold", fillcolor="#fee2e2"'
        if kind == "source" and not attrs.get("category"):
            style = style.replace("style=filled", 'style="filled,dashed"')
        lines.append(f"  {_dot_id(node)} [label={_dot_id(label)}, {style}];")
    for kind in COLUMNS:
        if by_kind.get(kind):
            lines.append("  { rank=same; " + " ".join(_dot_id(n) for n in by_kind[kind]) + " }")
    for a, b, attrs in sorted(graph.edges(data=True), key=lambda x: (str(x[0]), str(x[1]))):
        label = f" [label={_dot_id(attrs['kind'])}]" if attrs.get("kind") in ("flow",) and attrs.get("through") else ""
        lines.append(f"  {_dot_id(a)} -> {_dot_id(b)}{label};")
    lines.append("}")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ HTML view


@dataclass
class _Box:
    id: str
    kind: str
    label: str
    detail: str  # tooltip / panel text
    members: list[str] = field(default_factory=list)  # original node ids (collapsed groups)
    status: str = ""  # recipient "declared" value, country "home"/"third", source "unannotated"
    where: str = ""  # "models.py:12" for a single source or sink
    x: float = 0.0
    y: float = 0.0


def _kind(attrs: dict[str, Any]) -> str:
    return str(attrs.get("kind", ""))


def _describe(node: str, attrs: dict[str, Any]) -> str:
    kind = _kind(attrs)
    label = str(attrs.get("label") or node)
    if kind == "category":
        return f"{node.split(':', 1)[1]}: {label}" + (f" (notice {attrs['section']})" if attrs.get("section") else "")
    if kind == "source":
        cat = attrs.get("category") or "unannotated"
        dk = f", {attrs['data_kind']}" if attrs.get("data_kind") else ""
        return f"{label} [{cat}{dk}] {attrs.get('path', '')}:{attrs.get('line', '')}"
    if kind == "sink":
        what = attrs.get("sink_kind", "")
        vendor = f" → {attrs['vendor']}" if attrs.get("vendor") else ""
        stored = " (stored)" if attrs.get("stored") else ""
        written = f"{attrs['call']} = " if attrs.get("call") and attrs["call"] != label else ""
        return f"{written}{label} [{what}{vendor}{stored}] {attrs.get('path', '')}:{attrs.get('line', '')}"
    if kind == "recipient":
        return f"{label} ({attrs.get('declared', '')})"
    return label


def _group_key(kind: str, attrs: dict[str, Any], depth: int | None, head: bool = True) -> str:
    """The group of a source (category and place) or sink (kind and vendor or place); the place
    is the file (``depth`` None) or its first ``depth`` folders ("" for depth 0). Without
    ``head``, the place alone."""
    path = str(attrs.get("path", ""))
    if depth is not None:
        folders = path.split("/")[:-1]
        path = "/".join(folders[:depth]) + "/" if depth and folders[:depth] else ""
    if not head:
        return path or "(all files)"
    if kind == "source":
        first = str(attrs.get("category") or "(unannotated)")
        return f"{first} · {path}" if path else first
    vendor = attrs.get("vendor") or ""
    first = str(attrs.get("sink_kind") or "call")
    where = vendor or path
    return f"{first} · {where}" if where else first


def _grouping(kind: str, members: list[str], nodes: dict[str, dict[str, Any]], max_rows: int) -> tuple[int | None, bool]:
    """The grouping that shows the most boxes within ``max_rows``: (category or kind) and file,
    or ever shallower folders, with or without the category/kind; ties go to finer, headed ones."""
    deepest = max((str(nodes[n].get("path", "")).count("/") for n in members), default=0)
    depths: list[int | None] = [None, *range(deepest, -1, -1)]
    best: tuple[int, int, int] | None = None
    chosen: tuple[int | None, bool] = (0, True)
    for rank, depth in enumerate(depths):
        for head in (True, False):
            count = len({_group_key(kind, nodes[n], depth, head) for n in members})
            if count > max_rows:
                continue
            score = (count, int(head), -rank)
            if best is None or score > best:
                best, chosen = score, (depth, head)
    return chosen


def layout(graph: nx.DiGraph, max_rows: int = MAX_ROWS) -> tuple[dict[str, list[_Box]], list[tuple[str, str, int]], dict[str, str]]:
    """Boxes per column (collapsed where a column is too long), box edges with weights, and the
    map from graph node to its box."""
    columns: dict[str, list[_Box]] = {c: [] for c in COLUMNS}
    box_of: dict[str, str] = {}
    nodes = {n: a for n, a in graph.nodes(data=True) if _kind(a) in COLUMNS}
    unannotated = [n for n, a in nodes.items() if _kind(a) == "source" and not a.get("category")]
    if unannotated:
        columns["category"].append(_Box(UNANNOTATED, "category", "(no annotation)", "personal data found by name, not annotated", status="unannotated"))
    for kind in COLUMNS:
        members = sorted((n for n, a in nodes.items() if _kind(a) == kind), key=lambda n: (str(nodes[n].get("path", "")), nodes[n].get("line", 0), n))
        collapse = kind in ("source", "sink") and len(members) > max_rows
        if not collapse:
            for n in members:
                a = nodes[n]
                status = str(a.get("declared", "")) if kind == "recipient" else ""
                if kind == "source" and not a.get("category"):
                    status = "unannotated"
                # The call as written (self.stdout.write), where a person finds it (commands/prune.py:44);
                # the name it resolves to is in the box's description.
                where = f"{'/'.join(str(a['path']).split('/')[-2:])}:{a.get('line', '')}" if kind in ("source", "sink") and a.get("path") else ""
                label = str(a.get("call") or a.get("label") or n) if kind == "sink" else str(a.get("label") or n)
                columns[kind].append(_Box(n, kind, label, _describe(n, a), [n], status, where=where))
                box_of[n] = n
            continue
        depth, head = _grouping(kind, members, nodes, max_rows)
        groups: dict[str, list[str]] = defaultdict(list)
        for n in members:
            groups[_group_key(kind, nodes[n], depth, head)].append(n)
        for key, ns in sorted(groups.items()):
            gid = f"group:{kind}:{key}"
            listed = [_describe(n, nodes[n]) for n in ns[:25]] + ([f"… and {len(ns) - 25} more (click the box)"] if len(ns) > 25 else [])
            status = "unannotated" if kind == "source" and all(not nodes[n].get("category") for n in ns) else ""
            columns[kind].append(_Box(gid, kind, f"{key} ({len(ns)})", "\n".join(listed), list(ns), status))
            for n in ns:
                box_of[n] = gid
    weights: dict[tuple[str, str], int] = defaultdict(int)
    for a, b in graph.edges():
        if a in box_of and b in box_of and box_of[a] != box_of[b]:
            weights[(box_of[a], box_of[b])] += 1
    if columns["category"] and columns["category"][0].id == UNANNOTATED:
        for n in unannotated:
            if not any(p in box_of and _kind(nodes.get(p, {})) == "category" for p in graph.predecessors(n)):
                weights[(UNANNOTATED, box_of[n])] += 1
    edges = [(a, b, w) for (a, b), w in weights.items()]
    _order(columns, edges)
    return columns, edges, box_of


def _order(columns: dict[str, list[_Box]], edges: list[tuple[str, str, int]]) -> None:
    """Barycentre ordering, a few sweeps left to right and back, to keep lines from crossing."""
    preds: dict[str, list[tuple[str, int]]] = defaultdict(list)
    succs: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for a, b, w in edges:
        preds[b].append((a, w))
        succs[a].append((b, w))

    def pos() -> dict[str, float]:
        return {b.id: i for col in columns.values() for i, b in enumerate(col)}

    for _ in range(3):
        for neighbours, kinds in ((preds, COLUMNS[1:]), (succs, COLUMNS[-2::-1])):
            for kind in kinds:
                p = pos()
                col = columns[kind]

                def bary(box: _Box, p: dict[str, float] = p) -> float:
                    ns = [(p[n], w) for n, w in neighbours.get(box.id, ()) if n in p]
                    if not ns:
                        return p[box.id]
                    return sum(x * w for x, w in ns) / sum(w for _, w in ns)

                col.sort(key=lambda b: (bary(b), b.label))


_CSS = """
body{font:13px/1.35 system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:0;color:#111827;background:#fff}
header{padding:10px 16px;border-bottom:1px solid #e5e7eb;display:flex;gap:18px;align-items:center;flex-wrap:wrap;position:sticky;top:0;background:#fff;z-index:2}
header h1{font-size:16px;margin:0}
header label{display:flex;gap:6px;align-items:center}
select,button{font:inherit}
.legend span{display:inline-block;width:10px;height:10px;border-radius:2px;margin:0 4px 0 10px;vertical-align:middle}
main{display:flex}
#map{flex:1;overflow:auto}
aside{width:320px;border-left:1px solid #e5e7eb;padding:12px;white-space:pre-wrap;font-size:12px;max-height:calc(100vh - 60px);overflow:auto;position:sticky;top:50px}
svg text{font-size:11px;pointer-events:none}
.node rect{stroke:#9ca3af;stroke-width:1;cursor:pointer}
.node.category rect{fill:#dbeafe;stroke:#3b82f6}
.node.source rect{fill:#f3f4f6}
.node.sink rect{fill:#fef3c7;stroke:#d97706}
.node.recipient rect{fill:#dcfce7;stroke:#16a34a}
.node.country rect{fill:#ede9fe;stroke:#7c3aed}
.node.unannotated rect{fill:#fff;stroke-dasharray:4 2}
.node.class rect{fill:#fef9c3;stroke:#ca8a04}
.node.undeclared rect,.node.unknown_host rect{fill:#fee2e2;stroke:#dc2626;stroke-width:2}
.node.internal rect{fill:#f9fafb;stroke:#9ca3af}
.node.unresolved rect{fill:#fff7ed;stroke:#ea580c;stroke-dasharray:4 2}
svg .loc{fill:#6b7280}
.node.third rect{stroke:#ea580c;stroke-width:2}
.edge{fill:none;stroke:#94a3b8;stroke-opacity:.4}
.dim{opacity:.08}
.hl rect{stroke:#111827;stroke-width:2}
.colhead{font-weight:600;font-size:12px}
"""

_JS = r"""
(function(){
var data=JSON.parse(document.getElementById('lp-data').textContent);
var out={},inn={};
data.edges.forEach(function(e){(out[e[0]]=out[e[0]]||[]).push(e[1]);(inn[e[1]]=inn[e[1]]||[]).push(e[0]);});
function walk(start,adj){var seen={},stack=start.slice();start.forEach(function(s){seen[s]=1;});
 while(stack.length){var n=stack.pop();(adj[n]||[]).forEach(function(m){if(!seen[m]){seen[m]=1;stack.push(m);}});}return seen;}
function reach(id){var f=walk([id],out),b=walk([id],inn),all={};for(var k in f)all[k]=1;for(k in b)all[k]=1;return all;}
var cat=document.getElementById('f-category'),rec=document.getElementById('f-recipient'),info=document.getElementById('info');
function apply(){
 var keep=null;
 if(cat.value){keep=reach(cat.value);}
 if(rec.value){var r=reach(rec.value);if(keep){var both={};for(var k in keep)if(r[k])both[k]=1;keep=both;}else keep=r;}
 var shown=0;
 document.querySelectorAll('.node').forEach(function(el){var on=!keep||keep[el.id];el.classList.toggle('dim',!on);if(on)shown++;});
 document.querySelectorAll('.edge').forEach(function(el){var on=!keep||(keep[el.dataset.a]&&keep[el.dataset.b]);el.classList.toggle('dim',!on);});
 document.getElementById('count').textContent=shown+' of '+data.boxes+' boxes';
}
function fromHash(){var h=decodeURIComponent(location.hash.slice(1));h.split('&').forEach(function(kv){var i=kv.indexOf('=');if(i<0)return;
 var k=kv.slice(0,i),v=kv.slice(i+1);if(k==='category')cat.value=v;if(k==='recipient')rec.value=v;
 if(k==='box'){var el=document.getElementById(v);if(el)show(el);}});}
cat.addEventListener('change',apply);rec.addEventListener('change',apply);
document.getElementById('reset').addEventListener('click',function(){cat.value='';rec.value='';info.textContent=data.help;apply();});
function show(el){
 document.querySelectorAll('.hl').forEach(function(h){h.classList.remove('hl');});el.classList.add('hl');
 var m=data.members[el.id];
 info.textContent=m?el.querySelector('text').textContent+'\n\n'+m.join('\n'):el.querySelector('title').textContent;}
document.querySelectorAll('.node').forEach(function(el){el.addEventListener('click',function(){show(el);});});
info.textContent=data.help;fromHash();apply();
})();
"""


def to_html(graph: nx.DiGraph, policy: Any = None, max_rows: int = MAX_ROWS, title: str = "lint-privacy data map") -> str:
    columns, edges, _ = layout(graph, max_rows)
    col_w, box_w, box_h, gap, top, left = 265, 225, 20, 6, 40, 12
    home = set(getattr(getattr(policy, "transfer", None), "inside", ()) or ())
    for ci, kind in enumerate(COLUMNS):
        for i, b in enumerate(columns[kind]):
            b.x, b.y = left + ci * col_w, top + i * (box_h + gap)
            if kind == "country" and home:
                b.status = "home" if b.id.split(":", 1)[1] in home else "third"
    rows = max((len(c) for c in columns.values()), default=0)
    width, height = left + len(COLUMNS) * col_w, top + rows * (box_h + gap) + 20
    where = {b.id: b for col in columns.values() for b in col}
    svg: list[str] = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-label="{html.escape(title)}">']
    for ci, kind in enumerate(COLUMNS):
        svg.append(f'<text class="colhead" x="{left + ci * col_w}" y="22">{html.escape(COLUMN_TITLES[kind])} ({len(columns[kind])})</text>')
    svg.append("<g>")
    for src, dst, w in sorted(edges):
        pa, pb = where[src], where[dst]
        x1, y1, x2, y2 = pa.x + box_w, pa.y + box_h / 2, pb.x, pb.y + box_h / 2
        mid = (x1 + x2) / 2
        stroke = min(1 + (w - 1) * 0.5, 6)
        svg.append(f'<path class="edge" data-a="{html.escape(src)}" data-b="{html.escape(dst)}" '
                   f'stroke-width="{stroke:g}" '
                   f'd="M{x1:g},{y1:g} C{mid:g},{y1:g} {mid:g},{y2:g} {x2:g},{y2:g}"/>')
    svg.append("</g><g>")
    for kind in COLUMNS:
        for b in columns[kind]:
            room = 35
            # folder/file:line, else file:line, else its end
            fits = [w for w in (b.where, b.where.rsplit("/", 1)[-1]) if w and len(b.label) + len(w) + 1 <= room]
            loc = fits[0] if fits else ""
            if not loc and b.where and len(b.label) < room - 8:
                loc = "…" + b.where[-(room - len(b.label) - 2):]
            label = b.label if len(b.label) <= room else b.label[: room - 1] + "…"
            tail = f' <tspan class="loc">{html.escape(loc)}</tspan>' if loc else ""
            classes = " ".join(x for x in ("node", kind, b.status) if x)
            svg.append(f'<g class="{classes}" id="{html.escape(b.id)}"><title>{html.escape(b.detail)}</title>'
                       f'<rect x="{b.x:g}" y="{b.y:g}" width="{box_w}" height="{box_h}" rx="3"/>'
                       f'<text x="{b.x + 6:g}" y="{b.y + 14:g}">{html.escape(label)}{tail}</text></g>')
    svg.append("</g></svg>")

    def options(kind: str) -> str:
        opts = ['<option value="">all</option>']
        opts += [f'<option value="{html.escape(b.id)}">{html.escape(b.label)}</option>' for b in sorted(columns[kind], key=lambda b: b.label.lower())]
        return "".join(opts)

    counts = {k: sum(1 for _, a in graph.nodes(data=True) if _kind(a) == k) for k in COLUMNS}
    help_text = (f"{graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges: "
                 + ", ".join(f"{counts[k]} {_PLURAL[k] if counts[k] != 1 else k}" for k in COLUMNS)
                 + ".\nColumns with more than " + str(max_rows) + " entries are grouped (by category or kind, and file or folder); click a group to list what it holds."
                 + "\nPick a category or a recipient to keep only what connects to it; click a box for details.")
    nodes = dict(graph.nodes(data=True))
    members = {b.id: [_describe(n, nodes[n]) for n in b.members] for b in where.values() if b.id.startswith("group:")}
    data = {"edges": [[a, b] for a, b, _ in edges], "boxes": len(where), "help": help_text, "members": members}
    payload = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    legend = ('<span class="legend">'
              '<span style="background:#dcfce7"></span>named recipient'
              '<span style="background:#fef9c3"></span>declared only as a class'
              '<span style="background:#fee2e2"></span>undeclared'
              '<span style="background:#fff7ed;border:1px dashed #ea580c"></span>unresolved'
              '<span style="border:1px dashed #9ca3af"></span>unannotated'
              '<span style="border:2px solid #ea580c"></span>outside the home region</span>')
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>{html.escape(title)}</title><style>{_CSS}</style></head>
<body><header><h1>{html.escape(title)}</h1>
<label>Category <select id="f-category">{options("category")}</select></label>
<label>Recipient <select id="f-recipient">{options("recipient")}</select></label>
<button id="reset" type="button">Reset</button><span id="count"></span>{legend}</header>
<main><div id="map">{''.join(svg)}</div><aside id="info"></aside></main>
<script type="application/json" id="lp-data">{payload}</script>
<script>{_JS}</script>
</body></html>
"""

