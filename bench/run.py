"""Benchmark lint-privacy against baselines measured in the same run.

    python bench/run.py --lines 100000                  # a generated corpus (bench/make_corpus.py)
    python bench/run.py --path CHECKOUT --policy FILE   # any checkout
    python bench/run.py --curve                         # 10k..300k lines: time and memory per size
    options: --repeats 3  --jobs 2  --json FILE  --no-verify  --stdin-file REL/PATH.py

Every figure is the median of ``--repeats`` runs; runs of one repeat are interleaved (baseline,
then each variant) so that load from other processes hits them alike. For each run it records
wall time, CPU time of the whole process tree (``getrusage(RUSAGE_CHILDREN)``) and peak memory
summed over the process tree, polled from /proc every 20 ms: PSS (a page shared by n processes,
such as a forked worker's inherited pages, counts 1/n in each) and, in the JSON, the RSS sum
(which counts shared pages in every process: an upper bound).

A third flake8 run, with ``bench/report_only_plugin.py`` instead of ours, prints the very findings
ours prints without analysing anything: what flake8 itself pays to report them (it tokenizes every
file with a finding again, to map ``# noqa`` comments), so the plugin's own overhead can be told
apart from it.

Baselines: flake8 without the plugin is ``bench/flake8_without_plugin.py`` (flake8 with our entry
point filtered out of plugin discovery; pycodestyle and pyflakes run as usual); plain parsing is
``ast.parse`` of every project file, serially, in one process. "cold" runs start with the
project's ``.lint-privacy-cache`` deleted; "warm" runs follow a run on the same tree.
The exact commands are printed.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

import make_corpus  # noqa: E402

PY = sys.executable
BIN = Path(PY).parent
FLAKE8 = str(BIN / "flake8") if (BIN / "flake8").exists() else "flake8"
CLI = str(BIN / "lint-privacy") if (BIN / "lint-privacy").exists() else "lint-privacy"
WITHOUT = [PY, str(HERE / "flake8_without_plugin.py")]
CACHE = ".lint-privacy-cache"
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
PARSE_ALL = [PY, str(HERE / "parse_all.py")]


@dataclass
class Run:
    wall: float
    cpu: float
    peak_mb: float  # PSS summed over the process tree
    peak_rss_mb: float  # RSS summed over the process tree (counts shared pages in every process)
    rc: int
    out: str = field(default="", repr=False)
    err: str = field(default="", repr=False)


def _tree_memory(root: int) -> tuple[int, int]:
    """Bytes of memory of ``root`` and all its descendants: (PSS summed, RSS summed). PSS counts a
    page shared by n processes (a forked worker's inherited pages) as 1/n in each, so its sum is
    the memory the tree really holds; the RSS sum counts such pages in every process (an upper
    bound). Where /proc/PID/smaps_rollup cannot be read (kernels before 4.14), PSS is the RSS."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    try:
        names = os.listdir("/proc")
    except OSError:
        return 0, 0
    for name in names:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                stat = f.read()
            with open(f"/proc/{name}/statm", "rb") as f:
                pages = int(f.read().split()[1])
        except (OSError, ValueError, IndexError):
            continue
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        pid = int(name)
        children.setdefault(ppid, []).append(pid)
        rss[pid] = pages * PAGE
    total_rss, total_pss, stack = 0, 0, [root]
    while stack:
        pid = stack.pop()
        total_rss += rss.get(pid, 0)
        total_pss += _pss(pid, rss.get(pid, 0))
        stack.extend(children.get(pid, ()))
    return total_pss, total_rss


def _pss(pid: int, rss: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return rss


def measure(cmd: list[str], cwd: Path, stdin: str | None = None, env: dict[str, str] | None = None) -> Run:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, **(env or {})})
    peak = peak_rss = 0
    done = threading.Event()

    def poll() -> None:
        nonlocal peak, peak_rss
        while not done.is_set():
            pss, rss = _tree_memory(proc.pid)
            peak, peak_rss = max(peak, pss), max(peak_rss, rss)
            done.wait(0.02)

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    out, err = proc.communicate(stdin)
    wall = time.perf_counter() - start
    done.set()
    poller.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(wall, cpu, peak / 2**20, peak_rss / 2**20, proc.returncode, out, err)


@dataclass
class Case:
    name: str
    cmd: list[str]
    cwd: Path
    cold: bool = False  # delete the cache first
    stdin: str | None = None
    env: dict[str, str] | None = None
    saved: Path | None = None  # the stdin text is first saved to this file (an editor's save), put back after
    runs: list[Run] = field(default_factory=list)

    def run(self, cache: Path) -> Run:
        if self.cold:
            shutil.rmtree(cache, ignore_errors=True)
        if self.saved is None:
            r = measure(self.cmd, self.cwd, self.stdin, self.env)
        else:  # a new text each time, so that no run finds a judgement of it cached by the one before
            text, original = f"{self.stdin}# save {len(self.runs) + 1}\n", self.saved.read_bytes()
            self.saved.write_text(text, encoding="utf-8")
            try:
                r = measure(self.cmd, self.cwd, text, self.env)
            finally:
                self.saved.write_bytes(original)
        if r.rc not in (0, 1, 2) or "Traceback" in r.err:
            sys.stderr.write(f"!! {self.name} failed (exit {r.rc}):\n{r.err[-3000:]}\n")
        self.runs.append(r)
        return r

    def median(self, attr: str) -> float:
        return statistics.median(getattr(r, attr) for r in self.runs)

    def command(self) -> str:
        prefix = "(rm -rf .lint-privacy-cache) " if self.cold else f"(FILE saved as {self.saved.name}) " if self.saved else ""
        redirect = " < FILE" if self.stdin is not None else ""
        return f"cd {shlex.quote(str(self.cwd))} && {prefix}{shlex.join(self.cmd)}{redirect}"


REPORT_ONLY_CFG = """[flake8:local-plugins]
extension =
    PRV = report_only_plugin:ReportOnly
paths = {here}
"""


def report_only_setup(root: Path, policy: Path, workdir: Path) -> dict[str, str]:
    """The appended config and environment that make flake8 run bench/report_only_plugin.py with
    the findings ``lint-privacy check`` reports for ``root`` (as flake8 would print them)."""
    r = subprocess.run([CLI, "check", "--root", str(root), "--policy", str(policy), "--format", "json"],
                       cwd=root, capture_output=True, text=True)
    found: dict[str, list[list[object]]] = {}
    for f in json.loads(r.stdout)["findings"]:
        found.setdefault(f["path"], []).append([f["line"], f["column"] - 1, f"{f['code']} {f['message']}"])
    (workdir / "findings.json").write_text(json.dumps(found), encoding="utf-8")
    (workdir / "report-only.cfg").write_text(REPORT_ONLY_CFG.format(here=HERE), encoding="utf-8")
    return {"cfg": str(workdir / "report-only.cfg"), "findings": str(workdir / "findings.json")}


def cases(root: Path, policy: Path, jobs: int, stdin_rel: str, report_only: dict[str, str]) -> dict[str, Case]:
    plugin = [FLAKE8, f"-j{jobs}", "--extend-select", "PRV", "--privacy-policy", str(policy),
              "--privacy-root", str(root), "."]
    base = [*WITHOUT, f"-j{jobs}", "."]
    check = [CLI, "check", "--root", str(root), "--policy", str(policy)]
    text = (root / stdin_rel).read_text(encoding="utf-8")
    edited = text + "\n\ndef _bench_edit(record):\n    return record.email\n"
    stdin_plugin = [FLAKE8, "--extend-select", "PRV", "--privacy-policy", str(policy), "--privacy-root", str(root),
                    "--stdin-display-name", stdin_rel, "-"]
    stdin_base = [*WITHOUT, "--stdin-display-name", stdin_rel, "-"]
    c = [
        Case("flake8 (no plugin)", base, root),
        Case("flake8 + report-only plugin", [*WITHOUT, f"-j{jobs}", "--append-config", report_only["cfg"], "."], root,
             env={"LINT_PRIVACY_BENCH_FINDINGS": report_only["findings"]}),
        Case("flake8 + plugin, cold", plugin, root, cold=True),
        Case("flake8 + plugin, warm", plugin, root),
        Case("ast.parse every file", [*PARSE_ALL, "."], root),
        Case("lint-privacy check, cold", check, root, cold=True),
        Case("lint-privacy check, warm", check, root),
        Case("stdin: flake8 - (no plugin)", stdin_base, root, stdin=text),
        Case("stdin: + plugin, warm, same text", stdin_plugin, root, stdin=text),
        Case("stdin: + plugin, warm, edited", stdin_plugin, root, stdin=edited),
        Case("stdin: + plugin, warm, edited and saved", stdin_plugin, root, stdin=edited, saved=root / stdin_rel),
    ]
    return {x.name: x for x in c}


def bench(root: Path, policy: Path, repeats: int, jobs: int, stdin_rel: str, verify: bool, workdir: Path) -> dict:
    cache = root / CACHE
    cs = cases(root, policy, jobs, stdin_rel, report_only_setup(root, policy, workdir))
    for r in range(repeats):
        sys.stderr.write(f"repeat {r + 1}/{repeats}\n")
        for name, case in cs.items():  # in the order cases() lists them: each warm run after its cold one
            run = case.run(cache)
            sys.stderr.write(f"  {name:36} {run.wall:7.2f} s wall {run.cpu:7.2f} s cpu {run.peak_mb:7.0f} MB\n")
    g = {n: {"wall": c.median("wall"), "cpu": c.median("cpu"), "peak_mb": c.median("peak_mb"),
             "peak_rss_mb": c.median("peak_rss_mb"),
             "runs": [asdict(r) | {"out": None, "err": None} for r in c.runs], "command": c.command()}
         for n, c in cs.items()}
    base, base_cpu = g["flake8 (no plugin)"]["wall"], g["flake8 (no plugin)"]["cpu"]
    derived = {}
    for kind in ("cold", "warm"):
        p = g[f"flake8 + plugin, {kind}"]
        derived[f"plugin overhead {kind} (x flake8)"] = (p["wall"] - base) / base
        derived[f"plugin overhead {kind}, cpu (x flake8)"] = (p["cpu"] - base_cpu) / base_cpu
        ch = g[f"lint-privacy check, {kind}"]
        derived[f"check {kind} (x flake8)"] = ch["wall"] / base
        derived[f"check {kind} (x ast.parse)"] = ch["wall"] / g["ast.parse every file"]["wall"]
    ro = g["flake8 + report-only plugin"]
    derived["flake8 reporting the findings alone (x flake8)"] = (ro["wall"] - base) / base
    derived["flake8 reporting the findings alone, cpu (x flake8)"] = (ro["cpu"] - base_cpu) / base_cpu
    for kind in ("cold", "warm"):
        p = g[f"flake8 + plugin, {kind}"]
        derived[f"plugin overhead {kind} beyond reporting, cpu (x flake8)"] = (p["cpu"] - ro["cpu"]) / base_cpu
    sb = g["stdin: flake8 - (no plugin)"]["wall"]
    derived["stdin overhead, same text (ms)"] = (g["stdin: + plugin, warm, same text"]["wall"] - sb) * 1000
    derived["stdin overhead, edited (ms)"] = (g["stdin: + plugin, warm, edited"]["wall"] - sb) * 1000
    derived["stdin overhead, edited and saved (ms)"] = (g["stdin: + plugin, warm, edited and saved"]["wall"] - sb) * 1000
    out = {"root": str(root), "policy": str(policy), "jobs": jobs, "repeats": repeats, "stdin_file": stdin_rel,
           "lines": _count_lines(root), "cases": g, "derived": derived}
    if verify:
        out["verify"] = verify_runs(root, policy, cs)
    return out


def verify_runs(root: Path, policy: Path, cs: dict[str, Case]) -> dict:
    """Same findings cold and warm, with -j1 and -j2, and each file extracted once on a cold cache."""
    cache = root / CACHE
    plugin = [FLAKE8, "--extend-select", "PRV", "--privacy-policy", str(policy), "--privacy-root", str(root), "."]
    shutil.rmtree(cache, ignore_errors=True)
    cold2 = measure([plugin[0], "-j2", *plugin[1:]], root, env={"LINT_PRIVACY_STATS": "1"})
    warm1 = measure([plugin[0], "-j1", *plugin[1:]], root)
    misses = sum(int(w.split("=")[1]) for line in cold2.err.splitlines() if line.startswith("lint-privacy stats:")
                 for w in line.split() if w.startswith("misses="))
    files = max((int(w.split("=")[1]) for line in cold2.err.splitlines() if line.startswith("lint-privacy stats:")
                 for w in line.split() if w.startswith("files=")), default=-1)
    cold_outs = {r.out for r in cs["flake8 + plugin, cold"].runs}
    warm_outs = {r.out for r in cs["flake8 + plugin, warm"].runs}
    check_outs = {r.out for c in ("lint-privacy check, cold", "lint-privacy check, warm") for r in cs[c].runs}
    report_only_outs = {r.out for r in cs["flake8 + report-only plugin"].runs}
    edited_outs = {r.out for c in ("stdin: + plugin, warm, edited", "stdin: + plugin, warm, edited and saved") for r in cs[c].runs}
    return {
        "report_only_prints_the_plugins_findings": report_only_outs == warm_outs,
        "j1_equals_j2": warm1.out == cold2.out,
        "plugin_cold_equals_warm": len(cold_outs | warm_outs) == 1,
        "check_cold_equals_warm": len(check_outs) == 1,
        "saved_equals_unsaved_edit": len(edited_outs) == 1,
        "cold_j2_misses": misses,
        "files": files,
        "each_file_extracted_once": misses == files,
        "findings_lines": cold2.out.count("\n"),
    }


def _count_lines(root: Path) -> int:
    n = 0
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in {".git", ".venv", "venv", CACHE, "__pycache__", "node_modules"}]
        for f in files:
            if f.endswith(".py"):
                with open(os.path.join(folder, f), "rb") as fh:
                    n += fh.read().count(b"\n")
    return n


def print_table(res: dict) -> None:
    w = sys.stdout.write
    w(f"\n{res['root']}: {res['lines']} lines; policy {res['policy']}; -j{res['jobs']}; "
      f"median of {res['repeats']}; machine: {os.cpu_count()} cores\n\n")
    w(f"{'measure':40} {'wall s':>8} {'cpu s':>8} {'peak MB (PSS, tree)':>8}\n")
    for name, c in res["cases"].items():
        w(f"{name:40} {c['wall']:8.2f} {c['cpu']:8.2f} {c['peak_mb']:8.0f}\n")
    w("\n")
    for name, v in res["derived"].items():
        w(f"{name:44} {v:8.2f}\n")
    if "verify" in res:
        w("\nverify: " + ", ".join(f"{k}={v}" for k, v in res["verify"].items()) + "\n")
    w("\ncommands:\n")
    for name, c in res["cases"].items():
        w(f"  [{name}] {c['command']}\n")


CURVE_CASES = ("flake8 (no plugin)", "plugin cold", "plugin warm", "check cold", "check warm")


def curve(sizes: list[int], policy: Path, jobs: int, repeats: int, workdir: Path,
          only: tuple[str, ...] = CURVE_CASES) -> list[dict]:
    rows = []
    for n in sizes:
        root = workdir / f"corpus-{n}"
        make_corpus.generate(n, root, policy=policy)
        cache = root / CACHE
        plugin = [FLAKE8, f"-j{jobs}", "--extend-select", "PRV", "--privacy-policy", str(policy),
                  "--privacy-root", str(root), "."]
        check = [CLI, "check", "--root", str(root), "--policy", str(policy)]
        cs = [Case("flake8 (no plugin)", [*WITHOUT, f"-j{jobs}", "."], root),
              Case("plugin cold", plugin, root, cold=True), Case("plugin warm", plugin, root),
              Case("check cold", check, root, cold=True), Case("check warm", check, root)]
        cs = [c for c in cs if c.name in only]
        for _ in range(repeats):
            for c in cs:
                c.run(cache)
        row = {"lines": _count_lines(root), **{f"{c.name} wall": c.median("wall") for c in cs},
               **{f"{c.name} cpu": c.median("cpu") for c in cs},
               **{f"{c.name} MB": c.median("peak_mb") for c in cs}}
        sys.stderr.write(json.dumps(row) + "\n")
        rows.append(row)
        shutil.rmtree(root, ignore_errors=True)
    w = sys.stdout.write
    names = [c.name for c in cs]
    w(f"\n{'lines':>8} " + " ".join(f"{n[:24]:>24}" for n in names)
      + "   (wall s / cpu s / peak MB: PSS summed over the process tree)\n")
    for row in rows:
        w(f"{row['lines']:8d} " + " ".join(
            f"{row[n + ' wall']:7.1f}/{row[n + ' cpu']:6.1f}/{row[n + ' MB']:5.0f}MB" for n in names) + "\n")
    w("\ncommands per size (ROOT = the generated corpus):\n")
    for c in cs:
        w(f"  [{c.name}] {'(rm -rf ROOT/.lint-privacy-cache) ' if c.cold else ''}"
          f"{shlex.join(c.cmd).replace(str(cs[0].cwd), 'ROOT')}\n")
    return rows


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--lines", type=int, default=100_000, help="size of the generated corpus (default 100000)")
    p.add_argument("--path", type=Path, help="benchmark this checkout instead of a generated corpus")
    p.add_argument("--policy", type=Path, default=make_corpus.DEFAULT_POLICY)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--jobs", type=int, default=2, help="flake8 -j (default 2)")
    p.add_argument("--stdin-file", help="file (relative to the root) for the stdin case")
    p.add_argument("--json", type=Path, help="also write the figures as JSON")
    p.add_argument("--no-verify", action="store_true", help="skip the -j1/-j2 and extract-once checks")
    p.add_argument("--curve", action="store_true", help="time and memory from 10k to 300k lines")
    p.add_argument("--sizes", default="10000,30000,100000,300000", help="sizes for --curve")
    p.add_argument("--curve-cases", default=",".join(CURVE_CASES),
                   help="which runs --curve makes, of: " + ", ".join(CURVE_CASES))
    p.add_argument("--workdir", type=Path, help="where corpora are generated (default: a temp folder)")
    args = p.parse_args(argv)
    _compile_package()
    policy = args.policy.resolve()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="lint-privacy-bench-"))
    if args.curve:
        only = tuple(c.strip() for c in args.curve_cases.split(","))
        rows = curve([int(s) for s in args.sizes.split(",")], policy, args.jobs, args.repeats, workdir, only)
        if args.json:
            args.json.write_text(json.dumps({"curve": rows}, indent=2))
        return 0
    if args.path:
        root = args.path.resolve()
    else:
        root = workdir / f"corpus-{args.lines}"
        make_corpus.generate(args.lines, root, policy=policy)
    stdin_rel = args.stdin_file or _pick_stdin_file(root)
    res = bench(root, policy, args.repeats, args.jobs, stdin_rel, not args.no_verify, workdir)
    print_table(res)
    if args.json:
        args.json.write_text(json.dumps(res, indent=2))
    return 0


def _compile_package() -> None:
    """Byte-compile lint-privacy as pip does when it installs a package: an editable checkout run
    under PYTHONDONTWRITEBYTECODE would otherwise compile every module in every measured process."""
    import compileall

    import lint_privacy

    compileall.compile_dir(str(Path(lint_privacy.__file__).parent), quiet=1)


def _pick_stdin_file(root: Path) -> str:
    """A mid-sized file with flows (a services module when there is one)."""
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in {".git", ".venv", "venv", CACHE, "__pycache__", "node_modules"})
        for f in sorted(files):
            if f.endswith(".py"):
                path = Path(folder, f)
                found.append((f != "services.py", -path.stat().st_size, path.relative_to(root).as_posix()))
    found.sort()
    return found[0][2]


if __name__ == "__main__":
    raise SystemExit(main())
