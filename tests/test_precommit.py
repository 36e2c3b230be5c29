"""The shipped `.pre-commit-hooks.yaml`, run for real: pre-commit installs lint-privacy from a
copy of this checkout into its own environment, and a `git commit` in a throwaway repository
is refused while a staged file breaks the policy — judged with the whole project as context."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pre_commit = pytest.importorskip("pre_commit", reason="pre-commit is not installed (pip install -e '.[test]')")

REPO = Path(__file__).resolve().parents[1]
POLICY = REPO / "policies" / "infobip.yaml"
PRE_COMMIT = [sys.executable, "-m", "pre_commit"]

BASE = '''\
from django.db import models


class Base(models.Model):
    phone = models.CharField(max_length=32)

    class Meta:
        abstract = True
'''

CUSTOMERS = '''\
from django.db import models

from models import Base


class Customer(Base):
    notes = models.TextField()  # privacy: support_data
'''


def git(cwd: Path, *args: str, check: bool = True, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", "-c", "user.email=dev@example.com", "-c", "user.name=dev", *args], cwd=cwd,
                          capture_output=True, text=True, check=check, env=env, timeout=900)


def test_manifest_is_valid():
    from pre_commit.clientlib import load_manifest

    [hook] = load_manifest(str(REPO / ".pre-commit-hooks.yaml"))
    assert hook["id"] == "lint-privacy" and hook["language"] == "python"
    assert hook["entry"] == "lint-privacy check" and hook["types"] == ["python"]
    assert hook["require_serial"] is True and hook["pass_filenames"] is True


def _hook_repo(tmp_path: Path) -> tuple[Path, str]:
    """A git repository holding this checkout's package and hooks file, as users would pin it."""
    hook = tmp_path / "hook-repo"
    hook.mkdir()
    for name in ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml"):
        shutil.copy(REPO / name, hook / name)
    shutil.copytree(REPO / "lint_privacy", hook / "lint_privacy",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    git(hook, "init", "-q", ".")
    git(hook, "add", "-A")
    git(hook, "commit", "-q", "-m", "lint-privacy")
    return hook, git(hook, "rev-parse", "HEAD").stdout.strip()


def test_commit_is_refused_until_the_staged_file_keeps_the_promise(tmp_path):
    hook, rev = _hook_repo(tmp_path)
    app = tmp_path / "app"
    app.mkdir()
    git(app, "init", "-q", ".")
    (app / "pyproject.toml").write_text(f'[tool.lint-privacy]\npolicy = "{POLICY.as_posix()}"\n')
    (app / ".gitignore").write_text(".lint-privacy-cache/\n")
    (app / ".pre-commit-config.yaml").write_text(
        f"repos:\n- repo: {hook.as_posix()}\n  rev: {rev}\n  hooks:\n  - id: lint-privacy\n")
    (app / "models.py").write_text(BASE)  # PRV103 on phone: an old finding in a file nobody stages
    git(app, "add", "-A")
    git(app, "commit", "-q", "--no-verify", "-m", "existing code")

    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "PRE_COMMIT_COLOR": "never"}
    env.pop("VIRTUAL_ENV", None)
    subprocess.run([*PRE_COMMIT, "install"], cwd=app, check=True, capture_output=True, env=env)

    (app / "customers.py").write_text(CUSTOMERS)
    git(app, "add", "customers.py")
    refused = git(app, "commit", "-m", "customers", check=False, env=env)
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0, output
    assert "lint-privacy (code against the privacy notice)" in output and "Failed" in output
    # Customer is stored only because its base, in the unstaged models.py, is a Django model:
    assert "customers.py:7:5: PRV201 Customer.notes stores support_data with no retention" in output
    assert "models.py:5" not in output  # findings of files that are not staged are not reported
    assert git(app, "log", "--oneline").stdout.count("\n") == 1

    (app / "customers.py").write_text(CUSTOMERS.replace("# privacy: support_data", "# privacy: support_data retention=7y"))
    git(app, "add", "customers.py")
    done = git(app, "commit", "-m", "customers", check=False, env=env)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Passed" in done.stdout + done.stderr


def test_without_the_project_the_same_file_looks_clean(tmp_path):
    """What the context adds: the staged file alone does not show the storage finding."""
    alone = tmp_path / "alone"
    alone.mkdir()
    (alone / "pyproject.toml").write_text(f'[tool.lint-privacy]\npolicy = "{POLICY.as_posix()}"\n')
    (alone / "customers.py").write_text(CUSTOMERS)
    proc = subprocess.run([sys.executable, "-m", "lint_privacy.cli", "check", "--no-cache", "customers.py"],
                          cwd=alone, capture_output=True, text=True)
    assert "PRV201" not in proc.stdout


def _documented_config() -> str:
    """The ``.pre-commit-config.yaml`` block of docs/adopting.md, as written there."""
    text = (REPO / "docs" / "adopting.md").read_text(encoding="utf-8")
    section = text[text.index("`.pre-commit-config.yaml`:"):]
    return section[section.index("```yaml\n") + len("```yaml\n"):section.index("```\n", section.index("```yaml\n") + 1)]


def test_the_documented_snippet_works_as_written(tmp_path):
    """Issue 17: the documented ``rev: v0.1.0`` did not exist (lint-privacy has no tags). The
    snippet of docs/adopting.md is used verbatim; only git is told (url.insteadOf, as a mirror
    would be) to fetch the documented URL from this checkout's repository, which holds the
    documented commit."""
    snippet = _documented_config()
    url = next(line.split("repo:")[1].split("#")[0].strip() for line in snippet.splitlines() if "repo:" in line)
    rev = next(line.split("rev:")[1].split("#")[0].strip() for line in snippet.splitlines() if "rev:" in line)
    assert len(rev) == 40 and git(REPO, "cat-file", "-t", rev).stdout.strip() == "commit", rev
    app = tmp_path / "app"
    app.mkdir()
    git(app, "init", "-q", ".")
    # the notice as the pinned version reads it: a policy written for that version
    (app / "policy.yaml").write_text(git(REPO, "show", f"{rev}:policies/infobip.yaml").stdout, encoding="utf-8")
    (app / "pyproject.toml").write_text('[tool.lint-privacy]\npolicy = "policy.yaml"\n')
    (app / ".pre-commit-config.yaml").write_text(snippet)
    (app / "models.py").write_text(BASE)
    (app / "customers.py").write_text(CUSTOMERS)
    git(app, "add", "-A")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "PRE_COMMIT_COLOR": "never",
           "GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": f"url.{REPO.as_posix()}.insteadOf", "GIT_CONFIG_VALUE_0": url}
    env.pop("VIRTUAL_ENV", None)
    run = subprocess.run([*PRE_COMMIT, "run", "--files", "customers.py"], cwd=app, capture_output=True, text=True,
                         env=env, timeout=900)
    output = run.stdout + run.stderr
    assert run.returncode == 1 and "lint-privacy (code against the privacy notice)" in output, output
    assert "customers.py:7:5: PRV201" in output and "did not match" not in output, output
