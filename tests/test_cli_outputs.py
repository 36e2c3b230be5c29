"""`lint-privacy check` as a user sees it: text grouped by file, JSON with suppressions, SARIF
that validates and points at repo-relative files with fingerprints that survive line moves."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from lint_privacy.cli import Progress, main
from lint_privacy.config import load_config
from lint_privacy.findings import Finding, Origin, Step
from lint_privacy.outputs.sarif import sarif_document
from lint_privacy.outputs.text import render_text, want_colour

REPO = Path(__file__).resolve().parents[1]
POLICY = REPO / "policies" / "infobip.yaml"
SCHEMA = json.loads((REPO / "tests" / "data" / "sarif-2.1.0-subset.schema.json").read_text())

MODELS = '''\
from django.db import models


class Contact(models.Model):
    email = models.EmailField()  # privacy: account_user_data retention=12mo
    phone = models.CharField(max_length=32)
    home_address = models.TextField()  # noqa: PRV103 legal hold, ticket LEGAL-12
    notes = models.TextField()  # privacy: support_data
'''


def make_project(root: Path, files: dict[str, str] | None = None) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(f'[tool.lint-privacy]\npolicy = "{POLICY.as_posix()}"\n')
    for name, text in (files or {"models.py": MODELS}).items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    return root


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "proj")


def test_text_groups_by_file_without_colour_when_piped(project, capsys):
    other = project / "app" / "people.py"
    other.parent.mkdir()
    other.write_text("class Person:\n    date_of_birth: str\n")
    code, out, _ = run(capsys, "check", "--no-cache", "--root", str(project))
    assert code == 1
    assert "\033[" not in out
    lines = out.splitlines()
    # one header per file, its findings indented under it, files in order
    assert lines[0].startswith("app/people.py")
    assert lines[1].startswith("  app/people.py:2:5: PRV10")
    header = lines.index(next(l for l in lines if l.startswith("models.py")))
    assert lines[header + 1].startswith("  models.py:6:5: PRV103 Contact.phone")
    assert "  models.py:8:5: PRV201 Contact.notes" in out
    assert "in 2 files" in out


def test_colour_only_for_a_terminal(monkeypatch):
    f = Finding("PRV103", "m.py", 3, 4, "msg")
    assert "\033[31mPRV103" in render_text([f], colour=True)
    assert "\033[" not in render_text([f], colour=False)

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert want_colour(Tty()) and not want_colour(io.StringIO())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not want_colour(Tty())


def test_noqa_hides_the_finding_and_is_listed_with_its_justification(project, capsys):
    code, out, _ = run(capsys, "check", "--no-cache", "--root", str(project), "--format", "json")
    doc = json.loads(out)
    assert code == 1
    flagged = {(f["code"], f["line"]) for f in doc["findings"]}
    assert ("PRV103", 6) in flagged and ("PRV103", 7) not in flagged
    [sup] = doc["suppressions"]
    assert sup["path"] == "models.py" and sup["line"] == 7 and sup["codes"] == ["PRV103"]
    assert sup["justification"] == "legal hold, ticket LEGAL-12"
    assert [s["code"] for s in sup["suppressed"]] == ["PRV103"]
    code, out, _ = run(capsys, "check", "--no-cache", "--root", str(project))
    assert "1 suppression (# noqa: PRV…) hid 1 finding" in out


def test_noqa_without_justification_is_counted(tmp_path, capsys):
    root = make_project(tmp_path / "p", {"m.py": "class C:\n    phone: str  # noqa: PRV103\n    mobile: str  # noqa:PRV6 not logged\n"})
    code, out, _ = run(capsys, "check", "--no-cache", "--root", str(root))
    assert code == 1  # PRV6 does not cover PRV103
    assert "m.py:3:5: PRV103 C.mobile" in out and "C.phone" not in out
    assert "2 suppressions (# noqa: PRV…) hid 1 finding; 1 without a justification; 1 hiding nothing" in out


def test_unparseable_file_exits_2_and_cannot_be_suppressed(tmp_path, capsys):
    root = make_project(tmp_path / "p", {"ok.py": "x = 1\n", "bad.py": "def broken(:  # noqa: PRV002 ignore\n    pass\n"})
    code, out, _ = run(capsys, "check", "--no-cache", "--root", str(root), "--format", "json")
    assert code == 2
    assert [(f["code"], f["path"]) for f in json.loads(out)["findings"]] == [("PRV002", "bad.py")]


def test_paths_limit_what_is_reported(project, capsys):
    (project / "extra.py").write_text("class P:\n    phone_number: str\n")
    code, out, _ = run(capsys, "check", "--no-cache", "--root", str(project), "--format", "json", str(project / "extra.py"))
    assert code == 1
    assert {f["path"] for f in json.loads(out)["findings"]} == {"extra.py"}
    assert json.loads(out)["suppressions"] == []


def test_output_file(project, capsys, tmp_path):
    target = tmp_path / "out" / "result.sarif"
    code, out, _ = run(capsys, "check", "--no-cache", "--root", str(project), "--format", "sarif", "-o", str(target))
    assert code == 1 and out == ""
    assert json.loads(target.read_text())["version"] == "2.1.0"


# ---------------------------------------------------------------- SARIF


def sarif_of(capsys, root: Path) -> dict:
    code, out, _ = run(capsys, "check", "--no-cache", "--root", str(root), "--format", "sarif")
    assert code == 1
    return json.loads(out)


def test_sarif_validates_and_has_rule_help(project, capsys):
    doc = sarif_of(capsys, project)
    jsonschema.validate(doc, SCHEMA, format_checker=jsonschema.FormatChecker())
    run_ = doc["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    results = run_["results"]
    assert {r["ruleId"] for r in results} == {"PRV103", "PRV201"}
    for r in results:
        rule = rules[r["ruleIndex"]]
        assert rule["id"] == r["ruleId"]
        assert "How to fix it" in rule["help"]["text"] and "##" not in rule["help"]["text"]
        assert rule["help"]["markdown"].startswith(f"# {rule['id']}")
    phone = next(r for r in results if r["ruleId"] == "PRV103")
    region = phone["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (6, 5)


def test_sarif_uris_are_relative_to_the_repository(tmp_path, capsys):
    repo = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    project = make_project(repo / "services" / "crm")
    doc = sarif_of(capsys, project)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in doc["runs"][0]["results"]}
    assert uris == {"services/crm/models.py"}


def test_sarif_fingerprints_survive_moved_lines_but_not_edited_ones(project, capsys):
    def prints(doc):
        return {r["message"]["text"].split(" ")[0]: (r["partialFingerprints"]["primaryLocationLineHash"],
                r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in doc["runs"][0]["results"]}

    before = prints(sarif_of(capsys, project))
    text = (project / "models.py").read_text()
    (project / "models.py").write_text('"""Contacts."""\n\nimport os\n\n' + text)
    moved = prints(sarif_of(capsys, project))
    assert moved["Contact.phone"][1] == before["Contact.phone"][1] + 4
    assert moved["Contact.phone"][0] == before["Contact.phone"][0]
    assert moved["Contact.notes"][0] == before["Contact.notes"][0]
    (project / "models.py").write_text(text.replace("max_length=32", "max_length=40"))
    edited = prints(sarif_of(capsys, project))
    assert edited["Contact.phone"][0] != before["Contact.phone"][0]
    assert edited["Contact.notes"][0] == before["Contact.notes"][0]


def test_sarif_code_flow_follows_the_lineage_path(tmp_path):
    config = load_config(tmp_path)
    f = Finding(
        "PRV601", "app/views.py", 30, 8, "account_user_data reaches a log call",
        category="account_user_data",
        origins=(Origin("account_user_data (Contact.email)", "app/models.py", 5, "account_user_data"),),
        steps=(Step("app/models.py", 5, "Contact.email"), Step("app/views.py", 20, "email = contact.email in signup"),
               Step("app/util.py", 3, "passed to describe()")),
    )
    doc = sarif_document([f], config)
    jsonschema.validate(doc, SCHEMA)
    [result] = doc["runs"][0]["results"]
    locs = result["codeFlows"][0]["threadFlows"][0]["locations"]
    where = [(l["location"]["physicalLocation"]["artifactLocation"]["uri"],
              l["location"]["physicalLocation"]["region"]["startLine"], l["location"]["message"]["text"]) for l in locs]
    assert where == [
        ("app/models.py", 5, "personal data: account_user_data (Contact.email)"),
        ("app/views.py", 20, "email = contact.email in signup"),
        ("app/util.py", 3, "passed to describe()"),
        ("app/views.py", 30, "reported here: PRV601"),
    ]
    assert result["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "app/models.py"
    assert result["properties"]["category"] == "account_user_data"


def test_sarif_without_findings_is_valid(tmp_path, capsys):
    root = make_project(tmp_path / "p", {"m.py": "x = 1\n"})
    code, out, _ = run(capsys, "check", "--no-cache", "--root", str(root), "--format", "sarif")
    assert code == 0
    doc = json.loads(out)
    jsonschema.validate(doc, SCHEMA)
    assert doc["runs"][0]["results"] == []


# ---------------------------------------------------------------- progress


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_on_a_terminal_after_the_delay(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    stream = _Tty()
    p = Progress(stream)
    p(1, 10)  # within the first second: nothing
    assert stream.getvalue() == ""
    p.start -= 5
    p(5, 10)
    assert "analysing 5/10 files" in stream.getvalue()
    p.done()
    assert stream.getvalue().endswith("\r\033[K")


def test_progress_quiet_in_ci_and_pipes(monkeypatch):
    monkeypatch.setenv("TERM", "xterm")
    monkeypatch.setenv("CI", "true")
    tty = _Tty()
    p = Progress(tty)
    p.start -= 5
    p(5, 10)
    monkeypatch.delenv("CI")
    pipe = io.StringIO()
    q = Progress(pipe)
    q.start -= 5
    q(5, 10)
    assert tty.getvalue() == "" and pipe.getvalue() == ""


def test_cli_in_a_pipe_prints_no_progress(project):
    proc = subprocess.run([sys.executable, "-m", "lint_privacy.cli", "check", "--no-cache", "--root", str(project)],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stderr == ""
    assert "\r" not in proc.stdout


def test_policy_from_the_flake8_configuration(tmp_path, capsys):
    """A project configured for flake8 only (setup.cfg) runs the CLI without --policy."""
    import os

    root = tmp_path / "flake8-only"
    root.mkdir()
    (root / "setup.cfg").write_text(f"[flake8]\nprivacy-policy = {os.path.relpath(POLICY, root)}\n")
    (root / "models.py").write_text(MODELS)
    code, out, err = run(capsys, "check", "--no-cache", str(root / "models.py"))
    assert code == 1, err
    assert "models.py:6:5: PRV103 Contact.phone" in out
    (root / "setup.cfg").write_text("[flake8]\nmax-line-length = 100\n")
    code, out, err = run(capsys, "check", "--no-cache", str(root / "models.py"))
    assert code == 2 and "no policy given" in err


VIEWS = '''\
import requests

from models import Contact


def sync(c: Contact):
    requests.post("https://api.hubapi.com/contacts/v1/contact", json={"email": c.email})
'''


def test_the_first_line_is_short_and_the_details_are_in_every_output(tmp_path, capsys):
    """Text prints the details under the first line, JSON has them as keys, SARIF in the
    result's message (text and markdown) and properties: the same finding in every output."""
    root = make_project(tmp_path / "p", {"models.py": MODELS, "views.py": VIEWS})
    code, out, _ = run(capsys, "check", "--no-cache", "--root", str(root), str(root / "views.py"))
    assert code == 1, out
    lines = out.splitlines()
    first = lines.index(next(l for l in lines if l.startswith("  views.py:7:5: PRV401 ")))
    assert lines[first] == ("  views.py:7:5: PRV401 account_user_data (Contact.email) goes to HubSpot in US "
                            "without a safeguard")
    assert lines[first + 1] == "      data: account_user_data (Contact.email) from models.py:5"
    assert lines[first + 2].startswith("      reason: outside the EEA: under EU adequacy decisions (GDPR "
                                       "Art. 45), US is ")
    assert lines[first + 3].startswith("      promise: transfers outside the EEA need a safeguard the "
                                       "notice relies on: ")
    code, out, _ = run(capsys, "check", "--no-cache", "--root", str(root), "--format", "json",
                       str(root / "views.py"))
    transfer = next(f for f in json.loads(out)["findings"] if f["code"] == "PRV401")
    assert transfer["message"] == ("account_user_data (Contact.email) goes to HubSpot in US without a "
                                   "safeguard")
    assert transfer["reason"].endswith("sent by requests.post; US from HubSpot's processing location "
                                       "(catalog)")
    assert "law: EU adequacy decisions (GDPR Art. 45), commission.europa.eu, as of " in transfer["promise"]
    assert transfer["route"] is None  # read where it is sent: no function crossed
    doc = sarif_of(capsys, root)
    jsonschema.validate(doc, SCHEMA, format_checker=jsonschema.FormatChecker())
    result = next(r for r in doc["runs"][0]["results"] if r["ruleId"] == "PRV401")
    text = result["message"]["text"].splitlines()
    assert text[0] == transfer["message"] and text[1] == ("data: account_user_data (Contact.email) from "
                                                          "models.py:5")
    assert text[2:] == [f"reason: {transfer['reason']}", f"promise: {transfer['promise']}"]
    assert result["message"]["markdown"].startswith("account\\_user\\_data (Contact.email) goes to HubSpot")
    assert "- **promise:** transfers outside the EEA" in result["message"]["markdown"]
    assert result["properties"]["promise"] == transfer["promise"] and "route" not in result["properties"]
