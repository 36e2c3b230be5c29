"""The example apps, linted as a user would (flake8 and the CLI in a subprocess).

``examples/messaging/`` breaks the notice on purpose: every line that must be reported carries a
``# expect: PRVnnn [PRVnnn ...]`` comment, and the findings must be exactly those markers — no
more, no fewer. Markers are read from every ``.py`` file of the example, so a new example file
with markers needs no change here. ``examples/messaging_clean/`` is the same app done right and
must have no finding at all. Together the markers must cover every code the engine registers.
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import tokenize
from pathlib import Path

import pytest

from lint_privacy.checks import RULES
from lint_privacy.findings import FIRST_LINE

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
BAD = EXAMPLES / "messaging"
CLEAN = EXAMPLES / "messaging_clean"
BIN = Path(sys.executable).parent
FLAKE8 = str(BIN / "flake8") if (BIN / "flake8").exists() else "flake8"
CLI = str(BIN / "lint-privacy") if (BIN / "lint-privacy").exists() else "lint-privacy"

# Codes no example line can trip: they need a broken policy, a file that cannot be analysed, or
# a wrong entry of [tool.lint-privacy.models] in a pyproject.toml (PRV004: reported on that
# file, which flake8 never lints; tests/test_framework_models.py shows it).
NOT_IN_EXAMPLES = {"PRV001", "PRV002", "PRV004"}
# Codes the engine registers but that cannot fire against policies/infobip.yaml with the shipped
# catalog, with the reason. The test fails as soon as one of them gets a marker, so that this
# list only ever shrinks.
KNOWN_UNREACHABLE = {
    "PRV301": "every vendor kind of the catalog (catalog.sinks.VENDOR_KINDS) is covered by a "
              "recipient class of the Infobip policy (service_providers, telecom_operators, "
              "advertising_partners), so a vendor is at worst vaguely declared (PRV302)",
}

_MARKER = re.compile(r"#\s*expect:\s*(?P<codes>(?:[A-Z]+\d+[ \t,]*)+)")
_CODE = re.compile(r"[A-Z]+\d+")
_FLAKE8_LINE = re.compile(r"^(?:\./)?(?P<path>[^:\s][^:]*):(?P<line>\d+):(?P<col>\d+): (?P<code>PRV\d{3}) (?P<msg>.*)$")
_CLI_LINE = re.compile(r"^\s+(?P<path>[^:\s][^:]*):(?P<line>\d+):(?P<col>\d+): (?P<code>PRV\d{3}) (?P<msg>.*)$")

Key = tuple[str, int, str]  # (path relative to the example's folder, line, code)


def python_files(folder: Path) -> list[Path]:
    skip = {".lint-privacy-cache", "__pycache__", ".venv"}
    return sorted(p for p in folder.rglob("*.py") if not skip & set(p.relative_to(folder).parts))


def markers(folder: Path) -> dict[Key, str]:
    """Every ``# expect:`` marker of the folder's Python files (read from comment tokens only,
    so a marker inside a string does not count), with the source line for messages."""
    found: dict[Key, str] = {}
    for path in python_files(folder):
        rel = path.relative_to(folder).as_posix()
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type != tokenize.COMMENT:
                continue
            m = _MARKER.search(tok.string)
            if m is None:
                assert "expect:" not in tok.string, f"{rel}:{tok.start[0]}: unreadable marker {tok.string!r}"
                continue
            for code in _CODE.findall(m.group("codes")):
                key = (rel, tok.start[0], code)
                assert key not in found, f"{rel}:{tok.start[0]}: {code} expected twice"
                found[key] = lines[tok.start[0] - 1].strip()
    return found


def run_flake8(folder: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run([FLAKE8, "--select", "PRV", "."], cwd=folder, capture_output=True, text=True,
                          timeout=600, env=env)


def parse(output: str, pattern: re.Pattern[str]) -> dict[Key, str]:
    found: dict[Key, str] = {}
    for line in output.splitlines():
        m = pattern.match(line)
        if m:
            found.setdefault((m.group("path"), int(m.group("line")), m.group("code")), m.group("msg"))
    return found


def explain_difference(found: dict[Key, str], expected: dict[Key, str]) -> str:
    extra = sorted(set(found) - set(expected))
    missing = sorted(set(expected) - set(found))
    out = []
    if extra:
        out.append("reported but not marked with '# expect:' (a false positive, or a marker to add):")
        out += [f"  {p}:{n}: {c} {found[(p, n, c)][:240]}" for p, n, c in extra]
    if missing:
        out.append("marked with '# expect:' but not reported (a false negative, or a stale marker):")
        out += [f"  {p}:{n}: {c}    {expected[(p, n, c)][:160]}" for p, n, c in missing]
    return "\n".join(out)


@pytest.fixture(scope="module")
def bad_run() -> subprocess.CompletedProcess[str]:
    return run_flake8(BAD)


@pytest.fixture(scope="module")
def expected() -> dict[Key, str]:
    return markers(BAD)


def test_examples_are_configured_like_a_user_project():
    for folder in (BAD, CLEAN):
        cfg = (folder / "setup.cfg").read_text(encoding="utf-8")
        assert "[flake8]" in cfg
        assert re.search(r"^privacy-policy\s*=\s*\.\./\.\./policies/infobip\.yaml\s*$", cfg, re.M), folder
        assert python_files(folder), f"{folder} has no Python files"


def test_markers_are_read_from_comments_only(tmp_path):
    (tmp_path / "m.py").write_text(
        'x = "# expect: PRV999"\n'
        "y = 1  # privacy: account_user_data retention=12mo  # expect: PRV201\n"
        "z = 2  # expect: PRV601 PRV602\n",
        encoding="utf-8",
    )
    assert set(markers(tmp_path)) == {("m.py", 2, "PRV201"), ("m.py", 3, "PRV601"), ("m.py", 3, "PRV602")}


def test_bad_example_reports_exactly_its_markers(bad_run, expected):
    assert "Traceback" not in bad_run.stderr, bad_run.stderr
    assert "cannot run" not in bad_run.stderr, bad_run.stderr
    found = parse(bad_run.stdout, _FLAKE8_LINE)
    others = [line for line in bad_run.stdout.splitlines() if line and not _FLAKE8_LINE.match(line)]
    assert not others, "flake8 printed lines that are not PRV findings:\n" + "\n".join(others)
    assert expected, "no '# expect:' markers found"
    assert set(found) == set(expected), explain_difference(found, expected)
    assert bad_run.returncode == 1


def test_clean_example_has_no_finding():
    run = run_flake8(CLEAN)
    assert "Traceback" not in run.stderr, run.stderr
    assert "cannot run" not in run.stderr, run.stderr
    assert run.stdout == "", "the clean example must have no finding:\n" + run.stdout
    assert run.returncode == 0
    assert not markers(CLEAN), "the clean example must carry no '# expect:' marker"


def test_markers_cover_every_registered_code(expected):
    marked = {code for _, _, code in expected}
    unknown = marked - set(RULES)
    assert not unknown, f"markers name codes no rule declares: {sorted(unknown)}"
    # Every registered code is demanded. Families still being built (PRV5xx purposes, PRV7xx
    # jurisdiction rules) are missing only while none of their rules is registered; from the
    # moment one is, the examples must show it like any other.
    demanded = set(RULES) - NOT_IN_EXAMPLES - set(KNOWN_UNREACHABLE)
    missing = sorted(demanded - marked)
    assert not missing, f"no example line trips: {missing}; add one to examples/messaging/ with '# expect:'"
    tripped_but_listed = sorted(marked & set(KNOWN_UNREACHABLE))
    assert not tripped_but_listed, f"now tripped by an example, remove from KNOWN_UNREACHABLE: {tripped_but_listed}"


def test_cli_main_command_reports_the_same_findings(bad_run):
    """The README's main command, from the repository root, on both examples at once."""
    run = subprocess.run(
        [CLI, "check", "--policy", "policies/infobip.yaml", "examples/"],
        cwd=REPO, capture_output=True, text=True, timeout=600, env={**os.environ, "NO_COLOR": "1"},
    )
    assert "Traceback" not in run.stderr, run.stderr
    assert run.returncode == 1, f"exit {run.returncode}\n{run.stderr}"
    found = parse(run.stdout, _CLI_LINE)
    assert found, "the CLI printed no finding:\n" + run.stdout[:2000]

    def in_folder(prefix: str) -> dict[Key, str]:
        out = {}
        for (path, line, code), msg in found.items():
            full = (EXAMPLES / path) if (EXAMPLES / path).exists() else (REPO / path)
            rel = full.resolve().relative_to(EXAMPLES.resolve()).as_posix()
            if rel.startswith(prefix + "/"):
                out[(rel[len(prefix) + 1:], line, code)] = msg
        return out

    assert in_folder("messaging_clean") == {}, "the CLI reports findings in the clean example"
    via_flake8 = parse(bad_run.stdout, _FLAKE8_LINE)
    via_cli = in_folder("messaging")
    assert set(via_cli) == set(via_flake8), explain_difference(via_cli, via_flake8)
    assert sum(1 for line in run.stdout.splitlines() if _CLI_LINE.match(line)) >= len(via_flake8)


# The codes whose findings judge the code against a promise of the notice (or the law): each says
# which one in its details.
PROMISED = ("PRV105", "PRV2", "PRV3", "PRV401", "PRV402", "PRV5", "PRV7")


@pytest.mark.parametrize("folder", [BAD, REPO / "tests" / "data" / "adopting_app"])
def test_every_first_line_says_the_thing_in_at_most_120_characters(folder: Path, tmp_path: Path):
    """What flake8 and an editor show is one short line; where the data comes from, its route,
    the reason and the promise are the finding's details (text, JSON, SARIF, the editor's hover)."""
    app = tmp_path / folder.name
    import shutil

    shutil.copytree(folder, app, ignore=shutil.ignore_patterns(".lint-privacy-cache"))
    policy = ["--policy", str(REPO / "policies" / "infobip.yaml")]
    run = subprocess.run([CLI, "check", "--no-cache", "--format", "json", *policy, "."], cwd=app,
                         capture_output=True, text=True, timeout=600)
    findings = json.loads(run.stdout)["findings"]
    assert findings, run.stderr
    too_long = [f"{f['path']}:{f['line']}: {f['code']} ({len(f['message'])}) {f['message']}" for f in findings
                if len(f["message"]) > FIRST_LINE or "\n" in f["message"]]
    assert not too_long, "\n".join(too_long)
    for f in findings:
        if f["origins"]:  # a flow: where its data comes from is a detail
            assert f["origins"][0]["path"] and f["origins"][0]["label"].split(" (")[0] in f["message"], f
        if f["code"].startswith(PROMISED):
            assert f["promise"], f
