"""`lint-privacy graph` and `lint-privacy report`: exports of a data map shaped per the design
contract (hand-built graphs), and reports of a small project against the Infobip policy."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import networkx as nx
import pytest

from lint_privacy.cli import main
from lint_privacy.outputs import graph_export as ge
from lint_privacy.outputs import report as rp
from lint_privacy.policy import load_policy

REPO = Path(__file__).resolve().parents[1]
POLICY = REPO / "policies" / "infobip.yaml"


def contract_graph() -> nx.DiGraph:
    """A data map as docs/design.md "The lineage graph" describes it."""
    g = nx.DiGraph()
    g.add_node("category:account_user_data", kind="category", label="Account data", section="5.1.1")
    g.add_node("category:support_data", kind="category", label="Customer support data", section="5.1.1")
    g.add_node("source:app/models.py:5:email", kind="source", label="Contact.email", path="app/models.py", line=5,
               category="account_user_data", data_kind="email", confidence="high")
    g.add_node("source:app/views.py:9:email", kind="source", label="request.POST['email'] <script>", path="app/views.py",
               line=9, category="", data_kind="email", confidence="low")
    g.add_node("source:app/models.py:8:notes", kind="source", label="Ticket.notes", path="app/models.py", line=8,
               category="support_data", data_kind="", confidence="high")
    g.add_node("sink:app/crm.py:20:0", kind="sink", label="simple_salesforce.Salesforce.Contact.create", path="app/crm.py",
               line=20, sink_kind="vendor", vendor="salesforce", stored=False)
    g.add_node("sink:app/track.py:4:0", kind="sink", label="mixpanel.Mixpanel.track", path="app/track.py", line=4,
               sink_kind="vendor", vendor="mixpanel", stored=False)
    g.add_node("sink:app/models.py:30:0", kind="sink", label="Ticket.save", path="app/models.py", line=30,
               sink_kind="orm", vendor="", stored=True)
    g.add_node("recipient:salesforce", kind="recipient", label="Salesforce.com Inc.", declared="named")
    g.add_node("recipient:mixpanel", kind="recipient", label="Mixpanel", declared="undeclared")
    g.add_node("country:US", kind="country", label="United States")
    g.add_edge("category:account_user_data", "source:app/models.py:5:email", kind="defines")
    g.add_edge("category:support_data", "source:app/models.py:8:notes", kind="defines")
    g.add_edge("source:app/models.py:5:email", "sink:app/crm.py:20:0", kind="flow", through=["app/crm.py:18 sync", "app/crm.py:20 create"])
    g.add_edge("source:app/views.py:9:email", "sink:app/track.py:4:0", kind="flow", through=["app/views.py:9 signup"])
    g.add_edge("source:app/models.py:8:notes", "sink:app/models.py:30:0", kind="flow", through=[])
    g.add_edge("sink:app/crm.py:20:0", "recipient:salesforce", kind="sends_to")
    g.add_edge("sink:app/track.py:4:0", "recipient:mixpanel", kind="sends_to")
    g.add_edge("recipient:salesforce", "country:US", kind="in_country")
    g.add_edge("recipient:mixpanel", "country:US", kind="in_country")
    return g


def big_graph(n_sources: int = 1400, n_sinks: int = 600) -> nx.DiGraph:
    g = contract_graph()
    sinks = []
    for i in range(n_sinks):
        sinks.append(f"sink:pkg{i % 7}/s{i % 50}.py:{i}:0")
        g.add_node(sinks[-1], kind="sink", label=f"call{i}", path=f"pkg{i % 7}/s{i % 50}.py",
                   line=i, sink_kind="log", vendor="", stored=False)
    for i in range(n_sources):
        sid = f"source:pkg{i % 7}/m{i % 60}.py:{i}:f{i}"
        g.add_node(sid, kind="source", label=f"M.f{i}", path=f"pkg{i % 7}/m{i % 60}.py", line=i,
                   category="account_user_data" if i % 3 else "", data_kind="email", confidence="high")
        if i % 3:
            g.add_edge("category:account_user_data", sid, kind="defines")
        g.add_edge(sid, sinks[i % n_sinks], kind="flow", through=[])
    return g


# ---------------------------------------------------------------- exports


def test_json_is_node_link_and_round_trips():
    g = contract_graph()
    data = json.loads(ge.export(g, "json"))
    assert {"nodes", "links", "directed"} <= set(data) and data["directed"] is True
    back = nx.node_link_graph(data, edges="links")
    assert set(back.nodes) == set(g.nodes) and set(back.edges) == set(g.edges)
    assert back.edges["source:app/models.py:5:email", "sink:app/crm.py:20:0"]["through"] == ["app/crm.py:18 sync", "app/crm.py:20 create"]
    assert [n["kind"] for n in data["nodes"]][:2] == ["category", "category"]  # column order


def test_graphml_is_read_back_by_networkx():
    g = contract_graph()
    back = nx.read_graphml(io.BytesIO(ge.export(g, "graphml").encode()))
    assert set(back.nodes) == set(g.nodes) and back.number_of_edges() == g.number_of_edges()
    assert back.nodes["sink:app/models.py:30:0"]["stored"] is True
    assert back.edges["source:app/models.py:5:email", "sink:app/crm.py:20:0"]["through"] == "app/crm.py:18 sync\napp/crm.py:20 create"


def test_dot_declares_every_node_once_with_escaped_labels():
    g = contract_graph()
    g.add_node('source:app/x.py:1:q', kind="source", label='request.POST["e\\mail"]', path="app/x.py", line=1, category="")
    dot = ge.export(g, "dot")
    assert dot.startswith("digraph lineage {") and dot.rstrip().endswith("}")
    declared = re.findall(r'^  ("(?:[^"\\]|\\.)*") \[label=', dot, re.M)
    assert len(declared) == len(set(declared)) == g.number_of_nodes()
    assert 'label="request.POST[\\"e\\\\mail\\"]\\napp/x.py:1"' in dot
    assert len(re.findall(r" -> ", dot)) == g.number_of_edges()
    assert 'style="filled,dashed"' in dot  # unannotated source


def _self_contained(page: str) -> None:
    assert "<script src" not in page and "<link" not in page
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert not re.search(r"url\(\s*['\"]?https?:", page)
    assert "@import" not in page


def test_html_is_self_contained_with_columns_filters_and_escaping():
    page = ge.export(contract_graph(), "html")
    _self_contained(page)
    for title in ge.COLUMN_TITLES.values():
        assert title in page
    assert "request.POST[&#x27;email&#x27;] &lt;script&gt;" in page and page.count("<script>") == 1
    assert '<select id="f-category">' in page and '<option value="recipient:mixpanel">Mixpanel</option>' in page
    assert 'class="node recipient undeclared"' in page
    data = json.loads(re.search(r'<script type="application/json" id="lp-data">(.*?)</script>', page, re.S).group(1))
    ids = set(re.findall(r'<g class="node[^"]*" id="([^"]+)"', page))
    assert all(a in ids and b in ids for a, b in data["edges"])
    assert ["source:app/models.py:5:email", "sink:app/crm.py:20:0"] in data["edges"]


def test_html_collapses_a_large_map():
    g = big_graph()
    assert g.number_of_nodes() > 2000
    page = ge.to_html(g)
    _self_contained(page)
    boxes = re.findall(r'<g class="node ([a-z]+)', page)
    assert len(boxes) < 250
    assert boxes.count("source") <= ge.MAX_ROWS and boxes.count("sink") <= ge.MAX_ROWS
    assert re.search(r"account_user_data · pkg\d+/ \(133\)", page)  # a group says how many it holds
    data = json.loads(re.search(r'<script type="application/json" id="lp-data">(.*?)</script>', page, re.S).group(1))
    group = next(k for k in data["members"] if k.startswith("group:source:account_user_data · pkg0/"))
    assert len(data["members"][group]) == 133  # the side panel lists every member of a group
    assert "'\n'" not in page.split("<script>")[1]  # JS string literals keep their escapes
    # every original source is in exactly one box
    columns, _, box_of = ge.layout(g)
    assert sum(len(b.members) for b in columns["source"]) == sum(1 for _, a in g.nodes(data=True) if a["kind"] == "source")
    assert len(page) < 2_000_000


def test_layout_orders_boxes_so_lines_do_not_cross():
    g = nx.DiGraph()
    g.add_node("category:a", kind="category", label="A")
    g.add_node("category:b", kind="category", label="B")
    # sorted by path, b's source (a.py) would come first and the two lines would cross
    g.add_node("source:z.py:1:x", kind="source", label="X.x", path="z.py", line=1, category="a")
    g.add_node("source:a.py:1:y", kind="source", label="Y.y", path="a.py", line=1, category="b")
    g.add_edge("category:a", "source:z.py:1:x", kind="defines")
    g.add_edge("category:b", "source:a.py:1:y", kind="defines")
    columns, edges, _ = ge.layout(g)
    assert [b.id for b in columns["category"]] == ["category:a", "category:b"]
    assert [b.id for b in columns["source"]] == ["source:z.py:1:x", "source:a.py:1:y"]
    assert sorted(edges) == [("category:a", "source:z.py:1:x", 1), ("category:b", "source:a.py:1:y", 1)]


# ---------------------------------------------------------------- reports on a hand-built graph


def test_report_from_contract_graph_lists_recipients_countries_and_transfers():
    policy = load_policy(POLICY)
    model = rp.build(contract_graph(), policy, {}, [], [])
    md = rp.render(model, "md", "datamap")
    row = next(l for l in md.splitlines() if l.startswith("| account_user_data |"))
    assert "Contact.email (app/models.py:5)" in row
    assert "salesforce (named)" in row and "| US |" in row
    support = next(l for l in md.splitlines() if l.startswith("| support_data |"))
    assert "Ticket.save (app/models.py:30, orm)" in support  # stored by a storage call
    art30 = rp.render(model, "md", "art30")
    assert "Record of processing activities (GDPR Art. 30(1))" in art30 and "Infobip" in art30
    acc = next(l for l in art30.splitlines() if "(account_user_data, §5.1.1)" in l)
    assert "in code: US (via salesforce)" in acc


# ---------------------------------------------------------------- on a project, through the CLI

MODELS = '''\
from django.db import models


class Contact(models.Model):
    email = models.EmailField()  # privacy: account_user_data retention=24mo
    phone = models.CharField(max_length=32)
    notes = models.TextField()  # privacy: support_data retention=7y
    home_address = models.TextField()  # noqa: PRV103 legal hold, ticket LEGAL-12


def sync(sf, contact):
    sf.Contact.create(contact)  # privacy: recipient=salesforce country=US safeguard=scc
'''


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "pyproject.toml").write_text(f'[tool.lint-privacy]\npolicy = "{POLICY.as_posix()}"\n')
    (root / "models.py").write_text(MODELS)
    return root


def cli(capsys, *argv: str) -> tuple[int, str]:
    code = main([*argv])
    return code, capsys.readouterr().out


def test_graph_command_writes_each_format(project, tmp_path, capsys):
    for fmt in ("json", "graphml", "dot", "html"):
        target = tmp_path / f"map.{fmt}"
        code = main(["graph", "--no-cache", "--root", str(project), "--format", fmt, "-o", str(target)])
        assert code == 0
        assert target.stat().st_size > 100
    data = json.loads((tmp_path / "map.json").read_text())
    sources = {n["label"]: n for n in data["nodes"] if n["kind"] == "source"}
    assert sources["Contact.email"]["line"] == 5 and "account_user_data" in sources["Contact.email"]["category"]
    assert sources["Contact.phone"]["category"] == ""
    assert "Contact.email" in (tmp_path / "map.html").read_text()
    assert "wrote" in capsys.readouterr().err


def test_datamap_report_retention_in_code_against_the_notice(project, capsys):
    code, md = cli(capsys, "report", "--no-cache", "--root", str(project), "--view", "datamap")
    assert code == 0
    row = next(l for l in md.splitlines() if l.startswith("| account_user_data |"))
    assert "Contact.email (models.py:5)" in row and "Django model" in row
    assert "24mo (models.py:5)" in row and "12 months after the end of the business relationship" in row
    assert "longer than the notice: 24mo at models.py:5" in row
    support = next(l for l in md.splitlines() if l.startswith("| support_data |"))
    assert "7y (models.py:7)" in support and "within the notice" in support


def test_drift_both_ways(project, capsys):
    code, md = cli(capsys, "report", "--no-cache", "--root", str(project), "--view", "drift")
    code_side, notice_side = md.split("## Drift: what the notice declares that the code never does")
    assert "| PRV103 | models.py:6 |" in code_side and "Contact.phone" in code_side
    assert "| PRV202 | models.py:5 |" in code_side
    assert "models.py:8" not in code_side  # suppressed
    assert re.search(r"\| category never annotated \| billing_data \| infobip\.yaml:\d+ \(notice §5\.1\.1\) \|", notice_side)
    assert "| category never annotated | account_user_data |" not in notice_side
    assert re.search(r"\| recipient never reached \| zendesk \| infobip\.yaml:\d+ \(notice §", notice_side)
    assert "| salesforce |" not in notice_side  # reached by sync()


def test_suppressions_are_listed_with_their_justification(project, capsys):
    code, md = cli(capsys, "report", "--no-cache", "--root", str(project), "--view", "suppressions")
    assert "| models.py:8 | PRV103 | legal hold, ticket LEGAL-12 | PRV103 Contact.home_address looks like personal data" in md


def test_report_csv_and_html(project, capsys):
    code, out = cli(capsys, "report", "--no-cache", "--root", str(project), "--format", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    policy = load_policy(POLICY)
    assert rows[0][:3] == ["category", "title", "notice section"]
    assert [r[0] for r in rows[1:]] == list(policy.categories)
    code, out = cli(capsys, "report", "--no-cache", "--root", str(project), "--format", "csv", "--view", "drift")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0][0] == "table" and {r[0] for r in rows[1:]} == {
        "Drift: what the code does that the notice does not declare", "Drift: what the notice declares that the code never does"}
    code, page = cli(capsys, "report", "--no-cache", "--root", str(project), "--format", "html")
    assert page.startswith("<!DOCTYPE html>") and page.count("<table>") == 5
    _self_contained(page)
    assert "GDPR Art. 30" in page and "legal hold, ticket LEGAL-12" in page
