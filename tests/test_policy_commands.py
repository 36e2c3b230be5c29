"""``policy validate`` and ``policy show`` as a user runs them: output, stderr and exit codes.
Called as functions (what the CLI wires in) and once through ``lint-privacy policy``."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from lint_privacy.policy import load_policy
from lint_privacy.policy.commands import EXIT_BAD_POLICY, EXIT_OK, render, show, validate

REPO = Path(__file__).parents[1]
INFOBIP = str(REPO / "policies/infobip.yaml")
ACME = str(REPO / "policies/acme-example.yaml")


def run(command, path: str, **kw: object) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = command(path, out=out, err=err, **kw)
    return code, out.getvalue(), err.getvalue()


def broken_policy(tmp_path: Path) -> Path:
    """The Acme policy with two mistakes: a misspelt category reference and a bad period."""
    text = Path(ACME).read_text(encoding="utf-8")
    text = text.replace("categories: [newsletter_contact]", "categories: [newsletter_contacts]")
    text = text.replace("period: 90d", "period: 90 days")
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_validate_reports_ok_with_counts() -> None:
    code, out, err = run(validate, INFOBIP)
    assert (code, err) == (EXIT_OK, "")
    assert out == (f"{INFOBIP}: OK (28 categories, 18 recipients, 41 purposes, 10 safeguards, "
                   "20 jurisdictions, 1 adequacy list)\n")


def test_validate_prints_one_line_per_problem_and_exits_2(tmp_path: Path) -> None:
    path = broken_policy(tmp_path)
    code, out, err = run(validate, str(path))
    assert (code, out) == (EXIT_BAD_POLICY, "")
    text = path.read_text(encoding="utf-8").splitlines()
    period_line = next(i for i, line in enumerate(text, 1) if "period: 90 days" in line)
    category_line = next(i for i, line in enumerate(text, 1) if "[newsletter_contacts]" in line)
    lines = err.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"{path}:{period_line}:") and "'90 days' is not a duration" in lines[0]
    assert lines[1].startswith(f"{path}:{category_line}:") and "unknown category 'newsletter_contacts'" in lines[1]
    assert "did you mean 'newsletter_contact'?" in lines[1]


def test_validate_missing_file() -> None:
    code, out, err = run(validate, "no/such/policy.yaml")
    assert (code, out, err) == (EXIT_BAD_POLICY, "", "no/such/policy.yaml: policy file not found\n")


def test_show_prints_a_row_per_category_with_retention_bases_and_recipients() -> None:
    code, out, err = run(show, INFOBIP, width=140)
    assert (code, err) == (EXIT_OK, "")
    assert out.startswith("Pemberitahuan Privasi Infobip")
    assert "last updated: 2023-02-22 (previous version 2022-10-29)" in out
    header = next(line for line in out.splitlines() if line.startswith("CATEGORY"))
    assert header.split() == ["CATEGORY", "SECTION", "RETENTION", "LEGAL", "BASES", "RECIPIENTS"]
    rows = {line.split()[0]: line for line in out.splitlines() if line[:1].isalpha() and not line.startswith("CATEGORY")}
    for cid in ("account_user_data", "behavioral_analytics", "cctv_footage", "social_impact_org_request"):
        assert cid in rows
    assert rows["behavioral_analytics"].split()[1:5] == ["5.1.3", "25", "months", "after"]
    assert "legitimate_interest" in rows["behavioral_analytics"] and "gainsight" in rows["behavioral_analytics"]
    assert rows["cctv_footage"].split()[1:4] == ["5.10", "90", "days"]
    assert "[individual_customer] 7 years after the end" in out  # billing data, per data subject
    assert "Kept on behalf of and per the instructions of" in out  # communication content's rule
    assert "Recipients the notice does not restrict to categories: atlassian, microsoft, aws, google" in out
    assert "Transfers (section 7): free inside EEA; adequacy list: eu; accepted safeguards: scc, intra_group_agreement" in out
    assert "  ZA (South Africa supplement): free inside ZA; adequacy list: none; accepted safeguards: binding" in out
    assert "PH (Philippines supplement): free inside PH; adequacy list: none; accepted safeguards: consent; " \
           "covered recipients: all" in out
    assert "CA-QC" not in out  # it inherits Canada's rule


def test_show_fits_the_requested_width() -> None:
    code, out, _ = run(show, ACME, width=100)
    assert code == EXIT_OK
    assert max(len(line) for line in out.splitlines()) <= 100
    assert "2 years after the" in out and "stripe" in out
    assert max(len(line) for line in render(load_policy(INFOBIP), 90).splitlines()) <= 90


def test_show_on_a_bad_policy_prints_problems_not_a_table(tmp_path: Path) -> None:
    code, out, err = run(show, str(broken_policy(tmp_path)))
    assert (code, out) == (EXIT_BAD_POLICY, "") and len(err.splitlines()) == 2


def test_the_cli_runs_them(tmp_path: Path) -> None:
    cli = str(Path(sys.executable).parent / "lint-privacy")
    ok = subprocess.run([cli, "policy", "validate", ACME], capture_output=True, text=True, check=False)
    assert (ok.returncode, ok.stderr) == (0, "") and ok.stdout.startswith(f"{ACME}: OK (5 categories")
    bad = subprocess.run([cli, "policy", "show", str(broken_policy(tmp_path))], capture_output=True,
                         text=True, check=False)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and bad.stdout == ""
