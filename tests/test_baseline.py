"""Baselines: adopt on an existing codebase, see only new findings, survive moved lines."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from lint_privacy.cli import main
from lint_privacy.findings import Finding
from lint_privacy.outputs.baseline import new_findings, read_baseline, write_baseline

REPO = Path(__file__).resolve().parents[1]
POLICY = REPO / "policies" / "infobip.yaml"

MODELS = '''\
from django.db import models


class Contact(models.Model):
    email = models.EmailField()  # privacy: account_user_data retention=12mo
    phone = models.CharField(max_length=32)
    notes = models.TextField()  # privacy: support_data
'''


def make_project(root: Path, models: str = MODELS) -> Path:
    root.mkdir(parents=True)
    (root / "pyproject.toml").write_text(f'[tool.lint-privacy]\npolicy = "{POLICY.as_posix()}"\n')
    (root / "models.py").write_text(models)
    return root


def check(capsys, root: Path, *extra: str) -> tuple[int, dict, str]:
    code = main(["check", "--no-cache", "--root", str(root), "--format", "json", *extra])
    out, err = capsys.readouterr()
    return code, json.loads(out) if out.strip() else {}, err


def test_write_then_check_reports_nothing_old(tmp_path, capsys):
    root = make_project(tmp_path / "p")
    base = tmp_path / "privacy-baseline.json"
    code = main(["check", "--no-cache", "--root", str(root), "--write-baseline", str(base)])
    out, err = capsys.readouterr()
    assert code == 0
    assert "wrote 2 findings to" in err
    doc = json.loads(base.read_text())
    assert doc["tool"] == "lint-privacy" and doc["version"] == 2
    assert sorted((e["code"], e["line"]) for e in doc["findings"]) == [("PRV103", 6), ("PRV201", 7)]

    code, doc, _ = check(capsys, root, "--baseline", str(base))
    assert code == 0
    assert doc["findings"] == [] and doc["baseline"]["hidden"] == 2

    code = main(["check", "--no-cache", "--root", str(root), "--baseline", str(base)])
    out, _ = capsys.readouterr()
    assert code == 0 and "2 known findings hidden by the baseline" in out


def test_moved_lines_stay_known_new_findings_are_reported(tmp_path, capsys):
    root = make_project(tmp_path / "p")
    base = tmp_path / "b.json"
    main(["check", "--no-cache", "--root", str(root), "--write-baseline", str(base)])
    capsys.readouterr()
    moved = MODELS.replace("from django.db import models\n",
                           '"""Contacts of the CRM."""\nimport logging\n\nfrom django.db import models\n\nlog = logging.getLogger(__name__)\n')
    moved += "    mobile_number = models.CharField(max_length=20)\n"
    (root / "models.py").write_text(moved)
    code, doc, _ = check(capsys, root, "--baseline", str(base))
    assert code == 1
    assert [(f["code"], f["line"], f["message"].split(" ")[0]) for f in doc["findings"]] == [
        ("PRV103", 13, "Contact.mobile_number")
    ]
    assert doc["baseline"]["hidden"] == 2


def test_editing_the_flagged_line_makes_it_new(tmp_path, capsys):
    root = make_project(tmp_path / "p")
    base = tmp_path / "b.json"
    main(["check", "--no-cache", "--root", str(root), "--write-baseline", str(base)])
    capsys.readouterr()
    (root / "models.py").write_text(MODELS.replace("max_length=32", "max_length=64"))
    code, doc, _ = check(capsys, root, "--baseline", str(base))
    assert code == 1
    assert [(f["code"], f["line"]) for f in doc["findings"]] == [("PRV103", 6)]


def test_baseline_counts_copies(tmp_path):
    (tmp_path / "m.py").write_text("x = 1\nx = 1\nx = 1\n")
    same = [Finding("PRV103", "m.py", n, 0, "C.phone looks like personal data") for n in (1, 2)]
    base = tmp_path / "b.json"
    assert write_baseline(base, same, tmp_path) == 2
    known = read_baseline(base)
    assert sum(known.values()) == 2
    three = same + [Finding("PRV103", "m.py", 3, 0, "C.phone looks like personal data")]
    fresh, hidden = new_findings(three, known, tmp_path)
    assert hidden == 2 and [f.line for f in fresh] == [3]
    assert new_findings(three, Counter(), tmp_path)[1] == 0


def test_unanalysed_files_are_never_baselined(tmp_path, capsys):
    root = make_project(tmp_path / "p")
    (root / "bad.py").write_text("def broken(:\n")
    base = tmp_path / "b.json"
    code = main(["check", "--no-cache", "--root", str(root), "--write-baseline", str(base)])
    out, err = capsys.readouterr()
    assert code == 2 and "PRV002" in out
    assert all(e["code"] != "PRV002" for e in json.loads(base.read_text())["findings"])
    code, doc, _ = check(capsys, root, "--baseline", str(base))
    assert code == 2 and [f["code"] for f in doc["findings"]] == ["PRV002"]


def test_unusable_baseline_stops_the_run(tmp_path, capsys):
    root = make_project(tmp_path / "p")
    missing = tmp_path / "nope.json"
    code, _, err = check(capsys, root, "--baseline", str(missing))
    assert code == 2 and "nope.json: no such baseline file" in err
    broken = tmp_path / "broken.json"
    broken.write_text('{"tool": "lint-privacy",\n "findings": [}\n')
    code, _, err = check(capsys, root, "--baseline", str(broken))
    assert code == 2 and "broken.json:2: not a lint-privacy baseline" in err
    other = tmp_path / "other.json"
    other.write_text('{"results": []}')
    code, _, err = check(capsys, root, "--baseline", str(other))
    assert code == 2 and "not a lint-privacy baseline" in err


FLOWS = '''\
import logging

from models import Contact

log = logging.getLogger(__name__)


def show(c: Contact):
    log.info("contact %s", c.email)
'''


def test_a_flows_fingerprint_is_its_data_not_the_wording_of_its_message(tmp_path, capsys, monkeypatch):
    """A later release that words a message otherwise keeps the baseline of a flow: what it hashes
    is the data (category, file, name), not the text."""
    root = make_project(tmp_path / "p")
    (root / "views.py").write_text(FLOWS)
    base = tmp_path / "b.json"
    assert main(["check", "--no-cache", "--root", str(root), "--write-baseline", str(base)]) == 0
    capsys.readouterr()
    from lint_privacy.checks import base as checks_base

    worded = checks_base.first_line
    monkeypatch.setattr(checks_base, "first_line",
                        lambda template, fields: "said otherwise: " + worded(template, fields))
    code, doc, _ = check(capsys, root, "--baseline", str(base))
    assert doc["findings"] and all(f["message"].startswith("said otherwise: ") for f in doc["findings"]), doc
    assert [f["code"] for f in doc["findings"]] == ["PRV103", "PRV201"], doc  # reworded, not a flow: new
    assert doc["baseline"]["hidden"] == 1  # the PRV601 of views.py


def test_a_baseline_of_version_1_is_matched_by_code_file_and_line_and_said_to_be_old(tmp_path, capsys):
    root = make_project(tmp_path / "p")
    base = tmp_path / "old.json"
    base.write_text(json.dumps({"tool": "lint-privacy", "version": 1, "findings": [
        {"fingerprint": "0" * 32, "code": "PRV103", "path": "models.py", "line": 6,
         "message": "(an older wording)"},
        {"fingerprint": "1" * 32, "code": "PRV201", "path": "models.py", "line": 99,
         "message": "(a line since moved)"},
    ]}))
    code, doc, err = check(capsys, root, "--baseline", str(base))
    assert code == 1 and [(f["code"], f["line"]) for f in doc["findings"]] == [("PRV201", 7)], doc
    assert "is a baseline of version 1: its findings are matched by code, file and line" in err, err
    assert f"--write-baseline {base}" in err
