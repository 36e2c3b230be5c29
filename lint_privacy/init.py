"""``lint-privacy init``: set a project up in one command.

Writes a ``[tool.lint-privacy]`` block into the root's ``pyproject.toml`` (made if missing), a
starting policy from the template (``templates/policy.yaml``, with the shipped law), and a
baseline of today's findings; then prints the next three steps. Nothing that exists is
overwritten: a project already set up is said so, and an existing policy file is kept.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TextIO

from .config import DEFAULT_EXCLUDE, has_settings

POLICY_FILE = "privacy-policy.yaml"
BASELINE_FILE = ".privacy-baseline.json"
TEMPLATE = Path(__file__).parent / "templates" / "policy.yaml"


def _migrations(root: Path) -> bool:
    """Whether the project has a ``migrations`` folder (Django, Alembic): generated code to exclude."""
    for folder, dirs, _ in os.walk(root):
        dirs[:] = [d for d in dirs if d not in DEFAULT_EXCLUDE and not d.startswith(".")]
        if "migrations" in dirs:
            return True
    return False


def settings_block(root: Path, policy: str) -> str:
    exclude = '\nextend-exclude = ["migrations"]  # generated code' if _migrations(root) else ""
    return (f"\n[tool.lint-privacy]\n# lint-privacy's settings: docs/adopting.md\npolicy = \"{policy}\"{exclude}\n")


def run(root: Path, out: TextIO, err: TextIO) -> int:
    """Set the project at ``root`` up; the CLI's exit code."""
    from .engine import analyse
    from .outputs import suppressions as noqa
    from .outputs.baseline import write_baseline
    from .errors import SetupError
    from .session import load_setup

    pyproject = root / "pyproject.toml"
    if has_settings(root):
        err.write(f"lint-privacy init: {pyproject} already has a [tool.lint-privacy] section: nothing written. "
                  "`lint-privacy check` runs with it\n")
        return 2
    policy = root / POLICY_FILE
    if policy.exists():
        out.write(f"kept {POLICY_FILE}: it exists already\n")
    else:
        policy.write_text(TEMPLATE.read_text(encoding="utf-8"), encoding="utf-8")
        out.write(f"wrote {POLICY_FILE}: a starting policy to fill in from your privacy notice\n")
    existing = pyproject.read_text(encoding="utf-8") if pyproject.is_file() else ""
    block = settings_block(root, POLICY_FILE)
    pyproject.write_text(existing.rstrip("\n") + "\n" + block if existing else block.lstrip("\n"), encoding="utf-8")
    out.write(f"wrote [tool.lint-privacy] to pyproject.toml{' (new file)' if not existing else ''}\n")
    try:
        setup = load_setup(root, None)
    except SetupError as e:
        err.write("lint-privacy init: cannot run:\n" + "".join(f"  {p}\n" for p in e.problems))
        return 2
    result = analyse(setup)
    findings = noqa.apply(result.findings, noqa.collect(result.noqa))
    n = write_baseline(root / BASELINE_FILE, findings, root)
    files = len(result.project.keys) + len(result.project.failed)
    out.write(f"wrote {BASELINE_FILE}: {n} finding{'s' if n != 1 else ''} of today in {files} "
              f"file{'s' if files != 1 else ''}, the ones `check --baseline` will not report again\n")
    for f in result.not_analysed:
        err.write(f"lint-privacy init: {f.path}: {f.message}\n")
    out.write(
        "\nNext:\n"
        f"  1. Fill in {POLICY_FILE} from your privacy notice (docs/policy-format.md), then check it:\n"
        f"     lint-privacy policy validate {POLICY_FILE}\n"
        f"  2. Stop new findings: run `lint-privacy check --baseline {BASELINE_FILE}` in CI and pre-commit\n"
        "     (docs/adopting.md); add .lint-privacy-cache/ to .gitignore.\n"
        "  3. Annotate personal data: `lint-privacy fix --dry-run` drafts '# privacy:' stubs to confirm\n"
        "     (docs/annotations.md).\n")
    return 2 if result.not_analysed else 0
