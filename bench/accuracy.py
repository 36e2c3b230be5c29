"""Accuracy on real code: lint-privacy and a Semgrep baseline scored on hand-written labels.

    python bench/accuracy.py --mirrors DIR           # materialise the corpus from git mirrors, run, score
    python bench/accuracy.py --corpus DIR            # a corpus already materialised
    python bench/accuracy.py --corpus DIR --sample 50 --seed 7 [--sample-family flows]
    options: --app NAME (repeatable)  --no-semgrep  --semgrep CMD  --json FILE  --no-doc

The corpus is bench/realworld/apps.yaml (open-source apps pinned to commits; their source is
never committed), the labels bench/realworld/labels.yaml (written by reading the code: where a
privacy reviewer expects a finding, and where a tool must stay quiet). For each app both tools
run once, cold; the bench prints one table and writes it into docs/accuracy.md:

- recall per family: expected items with a finding of that family on one of the item's places;
- quiet items kept quiet: no finding of that family on any of its places;
- findings, findings per 10k lines, wall time;
- precision per family from the newest judged sample under bench/realworld/judged/.

A label of family `recipients` is met by a PRV3xx or a PRV4xx finding (a flow to a third party
reported as a transfer still found the flow) or by PRV003 (personal data leaving for a destination
the tool could not resolve); `exposure` by PRV6xx; `inventory` by PRV1xx; `retention` by PRV2xx.
Semgrep's rules say their family in `metadata.family`.

``--sample N --seed S`` draws N of this run's findings of lint-privacy at random (``--sample-family``
narrows the draw: ``flows`` is exposure, recipients and cross-border) and writes them, with the
code around each, to bench/realworld/judged/<date>-seed<S>.yaml with an empty ``verdict`` per
finding, to be judged by hand (true: a privacy reviewer wants this finding here; false: not).
A judged sample is never reused to tune the engine: draw a new seed after each change.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shlex
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
REALWORLD = HERE / "realworld"
sys.path.insert(0, str(REALWORLD))

import materialise  # noqa: E402

from lint_privacy.findings import CODE_FAMILIES  # noqa: E402

CLI = str(Path(sys.executable).parent / "lint-privacy")
POLICY = REPO / "policies" / "infobip.yaml"
DOC = REPO / "docs" / "accuracy.md"
DOC_START, DOC_END = "<!-- accuracy-bench:start -->", "<!-- accuracy-bench:end -->"

FAMILY_BY_DIGIT = {digit: family.name for digit, family in CODE_FAMILIES.items()}
LABEL_FAMILIES = {  # a label's family -> the finding families that meet it
    "inventory": {"inventory"},
    "retention": {"retention"},
    "recipients": {"recipients", "cross-border"},
    "exposure": {"exposure"},
}
FLOW_FAMILIES = {"exposure", "recipients", "cross-border"}
TOOLS = ("lint-privacy", "semgrep")


class BenchError(Exception):
    """A problem with the bench's own inputs (labels, judged samples), said for a person."""


@dataclass(frozen=True)
class Place:
    file: str
    first: int
    last: int

    @classmethod
    def parse(cls, text: str, where: str) -> "Place":
        file, sep, lines = str(text).rpartition(":")
        first, _, last = lines.partition("-")
        if not sep or not first.isdigit() or (last and not last.isdigit()):
            raise BenchError(f"{where}: place {text!r} is not FILE:LINE or FILE:FIRST-LAST")
        return cls(file, int(first), int(last or first))


@dataclass(frozen=True)
class Label:
    app: str
    places: tuple[Place, ...]
    family: str
    expect: str  # "finding" or "quiet"
    why: str


@dataclass(frozen=True)
class Hit:
    """One finding of one tool, reduced to what scoring needs."""
    app: str
    tool: str
    code: str
    family: str
    path: str
    line: int
    end_line: int
    message: str

    def meets(self, label: Label) -> bool:
        return self.family in LABEL_FAMILIES[label.family] and any(
            p.file == self.path and self.line <= p.last and p.first <= self.end_line for p in label.places)


@dataclass
class Score:
    expected: int = 0
    found: int = 0
    quiet: int = 0
    kept_quiet: int = 0


@dataclass
class AppRun:
    app: str
    lines: int
    hits: dict[str, list[Hit]] = field(default_factory=dict)  # tool -> findings
    seconds: dict[str, float] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)  # tool -> what went wrong


def load_labels(path: Path) -> list[Label]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    labels = []
    for app, items in data.items():
        for i, item in enumerate(items or (), 1):
            where = f"{path.name}: {app} item {i}"
            family, expect = item.get("family"), item.get("expect")
            if family not in LABEL_FAMILIES:
                raise BenchError(f"{where}: family {family!r} is not one of {', '.join(LABEL_FAMILIES)}")
            if expect not in ("finding", "quiet"):
                raise BenchError(f"{where}: expect {expect!r} is not 'finding' or 'quiet'")
            places = tuple(Place.parse(p, where) for p in item.get("where") or ())
            if not places:
                raise BenchError(f"{where}: no `where`")
            labels.append(Label(app, places, family, expect, str(item.get("why", ""))))
    return labels


def check_places(labels: list[Label], corpus: Path) -> list[str]:
    """Places whose file is missing or whose lines are past its end: a label gone stale."""
    problems = []
    for label in labels:
        for p in label.places:
            target = corpus / label.app / p.file
            if not target.is_file():
                problems.append(f"{label.app}: {p.file} does not exist")
            elif p.last > len(target.read_bytes().splitlines()) or p.first > p.last:
                problems.append(f"{label.app}: {p.file}:{p.first}-{p.last} is outside the file")
    return problems


def family_of(code: str) -> str:
    # PRV003 is reported where personal data leaves for a destination the tool cannot resolve (a
    # mail server or URL from settings): a flow to a third party, found, whose recipient is unknown.
    return "recipients" if code == "PRV003" else FAMILY_BY_DIGIT.get(code[3:4], "tool")


def count_lines(root: Path) -> int:
    return sum(len(p.read_bytes().splitlines()) for p in root.rglob("*.py") if p.is_file())


def write_project_config(app_dir: Path, app: materialise.App) -> None:
    """The `[tool.lint-privacy]` a new user would write: where the packages live, nothing else."""
    roots = ", ".join(json.dumps(r) for r in app.source_roots)
    (app_dir / "pyproject.toml").write_text(f"[tool.lint-privacy]\nsource-roots = [{roots}]\n", encoding="utf-8")


def run_ours(app: str, app_dir: Path, policy: Path) -> tuple[list[Hit], float, str]:
    cmd = [CLI, "check", "--policy", str(policy), "--root", str(app_dir), "--format", "json", "-q", "--no-cache",
           str(app_dir)]
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    try:
        findings = json.loads(proc.stdout)["findings"]
    except (json.JSONDecodeError, KeyError):
        return [], seconds, f"exit {proc.returncode}, no JSON: {proc.stderr.strip()[-300:]}"
    hits = [Hit(app, "lint-privacy", f["code"], family_of(f["code"]), f["path"], f["line"], f["line"], judged_text(f))
            for f in findings]
    problem = ""
    if proc.returncode not in (0, 1):
        unread = [h for h in hits if h.code in ("PRV001", "PRV002")]
        names = sorted({h.path for h in unread})
        problem = (f"exit {proc.returncode}: {len(unread)} files not analysed "
                   f"({', '.join(names[:3])}{', ...' if len(names) > 3 else ''})" if unread
                   else f"exit {proc.returncode}: {proc.stderr.strip()[-300:]}")
    return hits, seconds, problem


def judged_text(finding: dict) -> str:
    """A finding as its judge reads it: the first line, then what backs it up (the data and where
    it is defined, the route, the reason, the promise), as the text output's detail lines say it."""
    origins = "; ".join(f"{o['label']} from {o['path']}:{o['line']}" for o in finding.get("origins") or ())
    details = [("data", origins)] + [(k, finding.get(k) or "") for k in ("route", "reason", "promise")]
    return " | ".join([finding["message"], *(f"{k}: {v}" for k, v in details if v)])


def run_semgrep(app: str, app_dir: Path, semgrep: list[str]) -> tuple[list[Hit], float, str]:
    cmd = [*semgrep, "scan", "--config", str(REALWORLD / "semgrep"), "--json", "--metrics=off", "--quiet",
           "--disable-version-check", "--timeout", "30", "."]
    start = time.perf_counter()
    try:
        proc = subprocess.run(cmd, cwd=app_dir, capture_output=True, text=True)
    except FileNotFoundError:
        return [], 0.0, f"{semgrep[0]} not found (pip install semgrep, or --semgrep CMD)"
    seconds = time.perf_counter() - start
    try:
        results = json.loads(proc.stdout)["results"]
    except (json.JSONDecodeError, KeyError):
        return [], seconds, f"exit {proc.returncode}, no JSON: {proc.stderr.strip()[-300:]}"
    hits = [Hit(app, "semgrep", r["check_id"].rsplit(".", 1)[-1], r["extra"]["metadata"]["family"],
                r["path"].removeprefix("./"), r["start"]["line"], r["end"]["line"], r["extra"]["message"])
            for r in results]
    return hits, seconds, ""


def score(labels: list[Label], hits: list[Hit]) -> dict[str, Score]:
    """Per label family (and `flows`, exposure plus recipients): expected items found, quiet kept."""
    scores: dict[str, Score] = {}
    for label in labels:
        met = any(h.meets(label) for h in hits)
        for key in (label.family, "flows") if label.family in ("exposure", "recipients") else (label.family,):
            s = scores.setdefault(key, Score())
            if label.expect == "finding":
                s.expected += 1
                s.found += met
            else:
                s.quiet += 1
                s.kept_quiet += not met
    return scores


def judged_precision(path: Path) -> tuple[dict, dict[str, tuple[int, int]]]:
    """The sample's header and, per finding family (and `flows`, `all`), (true, judged)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    counts: dict[str, list[int]] = {}
    for i, item in enumerate(data.get("findings") or (), 1):
        verdict = item.get("verdict")
        if verdict is None:
            continue
        if not isinstance(verdict, bool):
            raise BenchError(f"{path.name}: finding {i}: verdict must be true, false or empty, not {verdict!r}")
        family = family_of(item["code"])
        keys = [family, "all"] + (["flows"] if family in FLOW_FAMILIES else [])
        for key in keys:
            c = counts.setdefault(key, [0, 0])
            c[0] += verdict
            c[1] += 1
    return data.get("drawn", {}), {k: (v[0], v[1]) for k, v in counts.items()}


def draw_sample(runs: list[AppRun], n: int, seed: int, family: str, corpus: Path, out: Path, command: str) -> Path:
    pool = [h for r in runs for h in r.hits.get("lint-privacy", [])
            if family == "all" or (family == "flows" and h.family in FLOW_FAMILIES) or h.family == family]
    pool.sort(key=lambda h: (h.app, h.path, h.line, h.code, h.message))
    chosen = random.Random(seed).sample(pool, min(n, len(pool)))
    items = []
    for h in chosen:
        lines = (corpus / h.app / h.path).read_text(encoding="utf-8", errors="replace").splitlines()
        lo, hi = max(1, h.line - 6), min(len(lines), h.line + 6)
        context = "\n".join(f"{'>' if i == h.line else ' '}{i:5d}  {lines[i - 1]}".rstrip().replace("\t", "    ")
                            for i in range(lo, hi + 1))
        items.append({"app": h.app, "code": h.code, "path": h.path, "line": h.line, "message": h.message,
                      "context": context, "verdict": None, "why": ""})
    header = {"date": dt.date.today().isoformat(), "commit": git_commit(), "seed": seed, "family": family,
              "drawn": len(items), "of": len(pool), "command": command}
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{header['date']}-seed{seed}.yaml"
    target.write_text(yaml.dump({"drawn": header, "findings": items}, Dumper=_BlockDumper, sort_keys=False,
                                allow_unicode=True, width=110), encoding="utf-8")
    return target


class _BlockDumper(yaml.SafeDumper):
    """Writes the code around a finding as a literal block, readable by the person judging it."""


_BlockDumper.add_representer(str, lambda dumper, text: dumper.represent_scalar(
    "tag:yaml.org,2002:str", text, style="|" if "\n" in text else None))


def _history_depth(commit: str) -> int:
    """How many commits lead to ``commit`` (the newest of several has the most); -1 if unknown."""
    proc = subprocess.run(["git", "-C", str(REPO), "rev-list", "--count", commit], capture_output=True, text=True)
    return int(proc.stdout) if proc.returncode == 0 and proc.stdout.strip().isdigit() else -1


def git_commit() -> str:
    proc = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True)
    return proc.stdout.strip() or "unknown"


def _ratio(k: int, n: int) -> str:
    return f"{k}/{n} ({k / n:.2f})" if n else "—"


def render(runs: list[AppRun], labels: list[Label], tools: tuple[str, ...], judged: Path) -> str:
    """The Markdown tables the bench prints and writes into docs/accuracy.md."""
    out = ["| app | lines | " + " | ".join(f"{t} findings | per 10k lines | seconds" for t in tools) + " |",
           "|---|---:|" + "---:|---:|---:|" * len(tools)]
    for r in runs:
        cells = []
        for t in tools:
            n = len(r.hits.get(t, []))
            cells += [f"{n}", f"{n * 10000 / max(r.lines, 1):.1f}", f"{r.seconds.get(t, 0):.1f}"]
            if r.problems.get(t):
                cells[-3] += " (!)"
        out.append(f"| {r.app} | {r.lines:,} | " + " | ".join(cells) + " |")
    out += ["", "Recall on expected items (found/expected) and quiet items kept quiet (kept/quiet), by label family:",
            "", "| app | family | expected | " + " | ".join(f"{t} found" for t in tools) + " | quiet | "
            + " | ".join(f"{t} kept quiet" for t in tools) + " |",
            "|---|---|---:|" + "---:|" * len(tools) + "---:|" + "---:|" * len(tools)]
    families = [*LABEL_FAMILIES, "flows"]
    apps = [r.app for r in runs] + ["all"]
    for app in apps:
        app_labels = [lb for lb in labels if app in ("all", lb.app)]
        scores = {t: score(app_labels, [h for r in runs if app in ("all", r.app) for h in r.hits.get(t, [])])
                  for t in tools}
        for fam in families:
            base = scores[tools[0]].get(fam)
            if base is None:
                continue
            row = [f"**{app}**" if app == "all" else app, fam, str(base.expected)]
            row += [_cell(t, fam, scores[t].get(fam, Score()).found, base.expected) for t in tools]
            row.append(str(base.quiet))
            row += [_cell(t, fam, scores[t].get(fam, Score()).kept_quiet, base.quiet) for t in tools]
            out.append("| " + " | ".join(row) + " |")
    problems = [f"- {r.app}, {t}: {p}" for r in runs for t, p in r.problems.items() if p]
    if problems:
        out += ["", "Runs that did not finish cleanly (their figures are incomplete):", *problems]
    out += ["", *render_precision(judged)]
    return "\n".join(out)


def _cell(tool: str, family: str, k: int, n: int) -> str:
    if tool == "semgrep" and family in ("inventory", "retention"):
        return "—"  # the Semgrep rules look for flows only
    return _ratio(k, n)


def render_precision(folder: Path) -> list[str]:
    """Precision per family from every judged sample drawn at the commit of the newest one."""
    samples = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    if not samples:
        return ["Precision: no judged sample yet (`--sample N --seed S`, then fill in each `verdict`)."]
    judged = [(path, *judged_precision(path)) for path in samples]
    # the commit latest in history; among commits git does not know, the last file's
    commit = max(((_history_depth(str(h.get("commit"))), i, str(h.get("commit"))) for i, (_, h, _) in enumerate(judged)))[2]
    judged = [j for j in judged if str(j[1].get("commit")) == commit and j[2]]
    if not judged:
        return [f"Precision: the samples drawn at commit {commit} have no verdict yet."]
    lines = [f"Precision of lint-privacy (true / judged) from the samples judged by hand at commit {commit}, "
             "each drawn at random from all findings of the run (or from one family):", ""]
    lines += ["| family | " + " | ".join(f"`{p.name}` ({h.get('drawn')} of {h.get('of')} `{h.get('family')}`)"
                                          for p, h, _ in judged) + " |",
              "|---|" + "---:|" * len(judged)]
    order = ["all", "flows", *FAMILY_BY_DIGIT.values()]
    for key in order:
        if any(key in c for _, _, c in judged):
            lines.append(f"| {key} | " + " | ".join(_ratio(*c[key]) if key in c else "—" for _, _, c in judged) + " |")
    return lines


def write_doc(doc: Path, table: str, command: str) -> None:
    stamp = f"Last run: {dt.date.today().isoformat()}, commit {git_commit()}, `{command}`."
    block = f"{DOC_START}\n{stamp}\n\n{table}\n{DOC_END}"
    text = doc.read_text(encoding="utf-8") if doc.exists() else f"# Accuracy on real code\n\n{DOC_START}\n{DOC_END}\n"
    if DOC_START not in text or DOC_END not in text:
        raise BenchError(f"{doc}: the markers {DOC_START} and {DOC_END} are missing; put them where the table goes")
    head, _, rest = text.partition(DOC_START)
    _, _, tail = rest.partition(DOC_END)
    doc.write_text(head + block + tail, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--mirrors", type=Path, help="folder of git mirrors to materialise the corpus from")
    source.add_argument("--corpus", type=Path, help="a corpus already materialised (one folder per app)")
    parser.add_argument("--work", type=Path, default=HERE / "out" / "realworld",
                        help="where --mirrors materialises the apps (default: bench/out/realworld)")
    parser.add_argument("--apps", type=Path, default=materialise.APPS_FILE)
    parser.add_argument("--labels", type=Path, default=REALWORLD / "labels.yaml")
    parser.add_argument("--judged", type=Path, default=REALWORLD / "judged")
    parser.add_argument("--policy", type=Path, default=POLICY)
    parser.add_argument("--app", action="append", help="only this app (repeatable)")
    parser.add_argument("--no-semgrep", action="store_true")
    parser.add_argument("--semgrep", default="semgrep", help="the semgrep command (default: semgrep on PATH)")
    parser.add_argument("--sample", type=int, help="draw this many findings for judging")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sample-family", default="all",
                        choices=["all", "flows", *[f for f in FAMILY_BY_DIGIT.values() if f != "tool"]])
    parser.add_argument("--json", type=Path, help="also write every finding and score as JSON here")
    parser.add_argument("--doc", type=Path, default=DOC)
    parser.add_argument("--no-doc", action="store_true", help="print the table only")
    args = parser.parse_args(argv)
    command = "python bench/accuracy.py " + " ".join(shlex.quote(a) for a in (argv if argv is not None else sys.argv[1:]))

    apps = [a for a in materialise.load_apps(args.apps) if not args.app or a.name in args.app]
    corpus = args.corpus or args.work
    if args.mirrors:
        if materialise.main(["--mirrors", str(args.mirrors), "--out", str(corpus), "--apps", str(args.apps),
                             *[x for a in apps for x in ("--app", a.name)]]) != 0:
            print("accuracy: some apps could not be materialised (above); they are left out", file=sys.stderr)
    try:
        labels = [lb for lb in load_labels(args.labels) if lb.app in {a.name for a in apps}]
    except (OSError, yaml.YAMLError, BenchError) as exc:
        print(f"accuracy: cannot read the labels: {exc}", file=sys.stderr)
        return 2
    present = [a for a in apps if (corpus / a.name).is_dir()]
    for a in apps:
        if a not in present:
            print(f"accuracy: {a.name} is not in {corpus}; left out", file=sys.stderr)
    stale = check_places([lb for lb in labels if lb.app in {a.name for a in present}], corpus)
    if stale:
        print("accuracy: labels that do not fit the corpus (wrong commit?):\n  " + "\n  ".join(stale), file=sys.stderr)
        return 2

    tools = ("lint-privacy",) if args.no_semgrep else TOOLS
    runs = []
    for app in present:
        app_dir = corpus / app.name
        write_project_config(app_dir, app)
        run = AppRun(app.name, count_lines(app_dir))
        for tool in tools:
            print(f"accuracy: {app.name}: {tool} ...", file=sys.stderr, flush=True)
            if tool == "lint-privacy":
                hits, seconds, problem = run_ours(app.name, app_dir, args.policy)
            else:
                hits, seconds, problem = run_semgrep(app.name, app_dir, shlex.split(args.semgrep))
            run.hits[tool], run.seconds[tool], run.problems[tool] = hits, seconds, problem
        runs.append(run)
    labels = [lb for lb in labels if lb.app in {r.app for r in runs}]

    try:
        table = render(runs, labels, tools, args.judged)
    except (OSError, yaml.YAMLError, BenchError, KeyError) as exc:
        print(f"accuracy: cannot read the judged sample: {exc}", file=sys.stderr)
        return 2
    print(table)
    if args.json:
        args.json.write_text(json.dumps({"runs": [asdict(r) for r in runs], "labels": [asdict(lb) for lb in labels]},
                                        indent=1), encoding="utf-8")
    if not args.no_doc and not args.app:
        write_doc(args.doc, table, command)
    if args.sample:
        target = draw_sample(runs, args.sample, args.seed, args.sample_family, corpus, args.judged, command)
        print(f"accuracy: {args.sample} findings drawn for judging into {target}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
