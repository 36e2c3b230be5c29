"""bench/phases.py: the CPU of each stage of a cold analysis, run as a user runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import REPO, write_project

PHASES = REPO / "bench" / "phases.py"
STAGES = ["setup (configuration, policy, catalog)", "reading", "ast.parse", "extraction",
          "judgement (graph and checks)", "editor outline"]


def _phases(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(PHASES), str(root), *args], capture_output=True, text=True, check=False)


def _table(stdout: str) -> dict[str, float]:
    rows = {}
    for line in stdout.splitlines()[2:]:
        stage, cpu, _ratio = line.rsplit(None, 2)
        rows[stage.strip()] = float(cpu)
    return rows


def test_every_stage_of_the_example_app_is_measured_and_the_total_adds_up():
    root = REPO / "examples" / "messaging"
    r = _phases(root)
    assert r.returncode == 0, r.stderr
    count = len(list(root.rglob("*.py")))
    assert r.stdout.startswith(f"{count} files, {count} analysed, Python ")
    rows = _table(r.stdout)
    assert list(rows) == [*STAGES, "total"]
    assert all(cpu >= 0 for cpu in rows.values())
    assert rows["extraction"] > 0 and rows["judgement (graph and checks)"] > 0
    assert abs(rows.pop("total") - sum(rows.values())) < 0.01 * len(rows)


def test_a_file_that_does_not_parse_is_named_and_the_others_are_measured(tmp_path):
    root = write_project(tmp_path, {
        "app/ok.py": "def f(user):\n    return user.email\n",
        "app/broken.py": "def f(:\n",
    })
    r = _phases(root)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("2 files, 1 analysed, ")
    assert "app/broken.py: not analysed (" in r.stderr
    assert "Traceback" not in r.stderr


def test_a_missing_policy_is_an_error_message_not_a_traceback(tmp_path):
    root = write_project(tmp_path, {"app/ok.py": "x = 1\n"})
    r = _phases(root, "--policy", str(tmp_path / "nowhere.yaml"))
    assert r.returncode == 2
    assert r.stderr.startswith("phases.py: ") and "nowhere.yaml" in r.stderr
    assert "Traceback" not in r.stderr
