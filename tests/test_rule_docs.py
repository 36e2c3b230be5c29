"""The rule pages in docs/codes/ are exactly what scripts/gen_rule_docs.py writes from the rules,
and `lint-privacy explain CODE` prints the same page."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

from lint_privacy.checks import RULES

REPO = Path(__file__).resolve().parent.parent
CODES = REPO / "docs" / "codes"
BIN = Path(sys.executable).parent
CLI = str(BIN / "lint-privacy") if (BIN / "lint-privacy").exists() else "lint-privacy"


def _script():
    spec = importlib.util.spec_from_file_location("gen_rule_docs", REPO / "scripts" / "gen_rule_docs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GEN = _script()


def test_committed_pages_equal_what_the_script_writes():
    problems = GEN.stale(CODES)
    assert not problems, "docs/codes/ is out of date, run `python scripts/gen_rule_docs.py`:\n" + "\n".join(problems)


def test_one_page_per_rule_and_no_page_without_a_rule():
    pages = {p.stem for p in CODES.glob("PRV*.md")}
    assert pages == set(RULES)


def test_index_lists_every_code_with_name_and_summary():
    index = (CODES / "README.md").read_text(encoding="utf-8")
    for code, rule in RULES.items():
        row = f"| [{code}]({code}.md) | `{rule.name}` |"
        assert row in index, f"{code} missing from docs/codes/README.md"


def test_stale_detects_a_drifted_page(tmp_path):
    GEN.write(tmp_path)
    assert GEN.stale(tmp_path) == []
    page = tmp_path / "PRV601.md"
    page.write_text(page.read_text(encoding="utf-8") + "edited by hand\n", encoding="utf-8")
    (tmp_path / "PRV999.md").write_text("# gone\n", encoding="utf-8")
    (tmp_path / "PRV101.md").unlink()
    assert sorted(GEN.stale(tmp_path)) == [
        "PRV101.md: missing",
        "PRV601.md: differs from the rule",
        "PRV999.md: no such code any more",
    ]


def test_every_page_has_the_four_sections():
    for code in RULES:
        text = (CODES / f"{code}.md").read_text(encoding="utf-8")
        assert text.startswith(f"# {code} {RULES[code].name}\n")
        for heading in ("## What it flags", "## Why it matters", "## Example", "## How to fix it"):
            assert heading in text, f"{code}: no '{heading}'"


def test_explain_prints_the_page():
    # One process per code, started together: each pays the CLI's start-up once.
    asked = [*sorted(RULES), sorted(RULES)[0].lower()]
    procs = {code: subprocess.Popen([CLI, "explain", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                    text=True) for code in asked}
    wrong = []
    for code, proc in procs.items():
        out, err = proc.communicate(timeout=120)
        page = (CODES / f"{code.upper()}.md").read_text(encoding="utf-8")
        if proc.returncode != 0 or out != page:
            wrong.append(f"{code}: exit {proc.returncode}, {err.strip()[:200] or 'output differs from the page'}")
    assert not wrong, "\n".join(wrong)


def test_explain_unknown_code_fails():
    run = subprocess.run([CLI, "explain", "PRV999"], capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert "unknown code or rule name PRV999" in run.stderr
    assert run.stdout == ""


def test_explain_lists_every_code():
    run = subprocess.run([CLI, "explain"], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0
    listed = [line.split()[0] for line in run.stdout.splitlines() if line.strip()]
    assert listed == sorted(RULES)
