"""Browser check of `lint-privacy graph --format html` (slow; not part of the test run).

Builds a data map of about 2,000 nodes (synthetic, shaped per docs/design.md "The lineage graph"),
or takes the HTML of a real project, opens it in headless Chromium (Debian: `apt-get install -y
chromium`) with the network off, and:

* dumps the DOM after scripts ran and checks the inline script filled in the box count, and that
  a filter given in the URL fragment (#category=...) dims boxes;
* writes a screenshot to look at.

    python bench/html_view_check.py [--html FILE] [--out DIR]

Exit 0 when the page rendered and its script ran; 1 otherwise; 77 when no Chromium is found.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from lint_privacy.outputs.graph_export import to_html  # noqa: E402

CATEGORIES = ["account_user_data", "billing_data", "support_data", "usage_data", "marketing_contact",
              "recruitment_data", "traffic_data", "prospect_data"]
RECIPIENTS = [("salesforce", "named"), ("zendesk", "named"), ("aws", "named"), ("google", "named"),
              ("mixpanel", "undeclared"), ("newsaas", "class"), ("db", "internal"), ("tracker.example", "unknown_host")]
COUNTRIES = ["DE", "IE", "US", "IN", "GB", "SG", "HR"]


def synthetic(n_sources: int = 1300, n_sinks: int = 650, seed: int = 7) -> nx.DiGraph:
    rnd = random.Random(seed)
    g = nx.DiGraph()
    for c in CATEGORIES:
        g.add_node(f"category:{c}", kind="category", label=c.replace("_", " ").capitalize(), section="5.1")
    for rid, declared in RECIPIENTS:
        g.add_node(f"recipient:{rid}", kind="recipient", label=rid, declared=declared)
    for cc in COUNTRIES:
        g.add_node(f"country:{cc}", kind="country", label=cc)
    for rid, _ in RECIPIENTS:
        for cc in rnd.sample(COUNTRIES, 2):
            g.add_edge(f"recipient:{rid}", f"country:{cc}", kind="in_country")
    sinks = []
    for i in range(n_sinks):
        path = f"app{i % 9}/services/mod{i % 37}.py"
        node = f"sink:{path}:{i + 1}:0"
        kind = rnd.choice(["log", "http", "vendor", "orm", "storage"])
        g.add_node(node, kind="sink", label=f"client.call{i % 11}", path=path, line=i + 1, sink_kind=kind,
                   vendor=rnd.choice(["", "salesforce", "zendesk"]) if kind == "vendor" else "", stored=kind in ("orm", "storage"))
        g.add_edge(node, f"recipient:{rnd.choice(RECIPIENTS)[0]}", kind="sends_to")
        sinks.append(node)
    for i in range(n_sources):
        path = f"app{i % 9}/models/m{i % 41}.py"
        cat = rnd.choice(CATEGORIES + [""])
        node = f"source:{path}:{i + 1}:field{i}"
        g.add_node(node, kind="source", label=f"Model{i % 23}.field{i}", path=path, line=i + 1, category=cat,
                   data_kind="email", confidence="high" if cat else "low")
        if cat:
            g.add_edge(f"category:{cat}", node, kind="defines")
        for sink in rnd.sample(sinks, 2):
            g.add_edge(node, sink, kind="flow", through=[f"{path}:{i + 1} save"])
    return g


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def run_chromium(binary: str, args: list[str], timeout: int = 120) -> subprocess.CompletedProcess[str]:
    base = [binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--no-first-run", "--disable-extensions", "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>"]
    return subprocess.run(base + args, capture_output=True, text=True, timeout=timeout)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--html", help="an HTML file from `lint-privacy graph --format html` (default: a synthetic 2,000-node map)")
    ap.add_argument("--out", default=str(Path(tempfile.gettempdir()) / "lint-privacy-html-check"))
    args = ap.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    binary = find_chromium()
    if binary is None:
        print("no Chromium found (Debian: apt-get install -y chromium)", file=sys.stderr)
        return 77
    if args.html:
        page = Path(args.html).resolve()
    else:
        g = synthetic()
        page = out / "datamap.html"
        page.write_text(to_html(g), encoding="utf-8")
        print(f"synthetic map: {g.number_of_nodes()} nodes, {g.number_of_edges()} edges, {page.stat().st_size // 1024} KiB")
    ok = True
    dom = run_chromium(binary, ["--virtual-time-budget=5000", "--dump-dom", page.as_uri()])
    m = re.search(r'<span id="count">(\d+) of (\d+) boxes</span>', dom.stdout)
    if not m:
        print("FAIL: the inline script did not run (no box count in the DOM)", file=sys.stderr)
        print(dom.stderr[-2000:], file=sys.stderr)
        ok = False
    else:
        print(f"script ran: {m.group(1)} of {m.group(2)} boxes shown")
    if re.search(r"<(script|link|img)[^>]+(src|href)=\"https?:", page.read_text(encoding="utf-8")):
        print("FAIL: the page loads something from the network", file=sys.stderr)
        ok = False
    filtered = run_chromium(binary, ["--virtual-time-budget=5000", "--dump-dom", page.as_uri() + "#recipient=recipient:mixpanel"])
    f = re.search(r'<span id="count">(\d+) of (\d+) boxes</span>', filtered.stdout)
    if not args.html:
        if not f or int(f.group(1)) >= int(f.group(2)):
            print("FAIL: filtering by recipient (URL #recipient=recipient:mixpanel) dimmed nothing", file=sys.stderr)
            ok = False
        else:
            print(f"filtered by recipient mixpanel: {f.group(1)} of {f.group(2)} boxes shown")
    group = re.search(r'<g class="node source[^"]*" id="(group:[^"]+)"', page.read_text(encoding="utf-8"))
    if group:
        from urllib.parse import quote

        detail = run_chromium(binary, ["--virtual-time-budget=5000", "--dump-dom", page.as_uri() + "#box=" + quote(group.group(1), safe="")])
        panel = re.search(r'<aside id="info">(.*?)</aside>', detail.stdout, re.S)
        lines = panel.group(1).count("\n") if panel else 0
        if lines < 2:
            print(f"FAIL: clicking group {group.group(1)} lists nothing in the side panel", file=sys.stderr)
            ok = False
        else:
            print(f"group {group.group(1)!r}: the side panel lists {lines - 1} members")
    shot = out / "datamap.png"
    run_chromium(binary, ["--window-size=1600,1000", f"--screenshot={shot}", "--virtual-time-budget=5000", page.as_uri()])
    if not args.html:
        run_chromium(binary, ["--window-size=1600,1000", f"--screenshot={out / 'datamap-filtered.png'}", "--virtual-time-budget=5000",
                              page.as_uri() + "#category=category:billing_data"])
    if shot.is_file() and shot.stat().st_size > 10_000:
        print(f"screenshot: {shot}")
    else:
        print("FAIL: no screenshot", file=sys.stderr)
        ok = False
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
