"""flake8 on a project whose files flake8 checks but lint-privacy's settings exclude.

    python bench/flake8_excluded.py PROJECT [--runs N]

PROJECT holds a ``pyproject.toml`` with ``[tool.lint-privacy]`` (a policy and
``extend-exclude = ["migrations"]``). Two runs of ``flake8 --select PRV --jobs 2 .`` in it, each
warm (the caches filled by a first run): as a user following the README runs it (flake8 hands
every migration to the plugin), and with flake8 excluding the migrations too (the baseline).
Printed: wall seconds and the peak of the summed resident memory of flake8 and all its
processes (sampled from /proc every 20 ms), and their ratios. The load of the machine is printed
with them: other jobs share its cores.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

FLAKE8 = str(Path(sys.executable).parent / "flake8")


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of ``pid`` and every process under it, in KB."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(entry))
            rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE") // 1024
        except (OSError, IndexError, ValueError):
            continue
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        total += rss.get(p, 0)
        todo.extend(children.get(p, []))
    return total


def measure(cwd: Path, args: list[str]) -> tuple[float, float, int, int]:
    """(wall seconds, CPU seconds, peak summed RSS in KB, number of output lines) of one flake8
    run. CPU seconds (user + system of flake8 and its workers) depend less on the load."""
    cpu = _children_cpu()
    started = time.perf_counter()
    proc = subprocess.Popen([FLAKE8, *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_kb(proc.pid))
        time.sleep(0.02)
    out = proc.stdout.read() if proc.stdout else ""
    return time.perf_counter() - started, _children_cpu() - cpu, peak, len(out.splitlines())


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("project", type=Path)
    parser.add_argument("--runs", type=int, default=1, help="warm runs of each (the best is kept)")
    args = parser.parse_args()
    base = ["--select", "PRV", "--jobs", "2", "."]
    cases = {"flake8 checks the excluded files": base,
             "flake8 excludes them too": ["--extend-exclude", "migrations", *base]}
    cache = args.project / ".lint-privacy-cache"
    shutil.rmtree(cache, ignore_errors=True)
    measure(args.project, base)  # fills the caches
    results = {}
    for name, cmd in cases.items():
        runs = [measure(args.project, cmd) for _ in range(args.runs)]
        results[name] = min(runs)
        wall, cpu, peak, lines = results[name]
        print(f"{name:34} {wall:6.1f} s wall  {cpu:6.1f} s CPU  {peak / 1024:7.0f} MB  {lines} lines")
    (w1, c1, m1, _), (w0, c0, m0, _) = results.values()
    print(f"ratio (README way / flake8 excluding): wall {w1 / w0:.2f}x, CPU {c1 / c0:.2f}x, memory {m1 / m0:.2f}x")
    print("load:", os.getloadavg())
    return 0


if __name__ == "__main__":
    sys.exit(main())
