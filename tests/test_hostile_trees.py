"""Hostile trees and impossible values (issue 20): whatever a project tree holds, every run ends,
reads nothing without bound, names each file it skips (PRV002, exit 2) and keeps the other
files' findings.

Each run is a subprocess measured by a small wrapper (the peak memory of it and every process it
started, ``RUSAGE_CHILDREN``); the subprocess timeout is a guard against a hang, not a timing
assertion.
"""

from __future__ import annotations

import json
import os
import re
import random
import socket
import sys
from pathlib import Path

import pytest

from lint_privacy.checks import exposure
from lint_privacy.config import ConfigError, load_config
from lint_privacy.engine import analyse
from lint_privacy.policy import PolicyError, load_policy
from lint_privacy.session import load_setup

from conftest import CLI, FLAKE8, RIDER_EXPECTED as MODELS_EXPECTED, RIDER_MODELS as MODELS, REPO, parse_hits, write_project

POLICY = REPO / "policies" / "acme-example.yaml"
SETUP_CFG = f"[flake8]\nprivacy-policy = {POLICY}\n"
ONE_GB_KB = 1024 * 1024

sys.path.insert(0, str(REPO / "bench"))
from fuzz import Hang, mutate_bytes, outcome, run_measured  # noqa: E402


class Measured:
    """A run, its finding lines and its peak memory (it and every process it started)."""

    def __init__(self, root: Path, *cmd: str) -> None:
        try:
            run = run_measured(root, *cmd)  # a hang is killed after the guard: a failure, not a stuck suite
        except Hang as e:
            pytest.fail(str(e))
        self.returncode, self.stdout, self.stderr, self.maxrss_kb = run.returncode, run.stdout, run.stderr, run.maxrss_kb
        self.hits = parse_hits(run.stdout)
        assert self.maxrss_kb < ONE_GB_KB, self.dump()

    def at(self, path: str) -> set[tuple[int, str]]:
        return {(h.line, h.code) for h in self.hits if h.path == path}

    def dump(self) -> str:
        return f"--- exit {self.returncode}, {self.maxrss_kb} KB\n--- stdout\n{self.stdout[-4000:]}\n--- stderr\n{self.stderr[-4000:]}"


def cli(root: Path, *args: str) -> Measured:
    return Measured(root, CLI, "check", "--policy", str(POLICY), *args)


def prv002(run: Measured, path: str) -> str:
    found = [h for h in run.hits if h.path == path]
    assert [h.code for h in found] == ["PRV002"], (path, run.dump())
    return found[0].text


# ------------------------------------------------------------------------------- special files


def special_tree(root: Path) -> Path:
    """A project holding the app next to a FIFO, a link to /dev/zero, a 3 GB sparse file, a link
    out of the project, a link to a FIFO inside it and (where the path fits) a socket."""
    project = write_project(root / "proj", {"pkg/models.py": MODELS}, SETUP_CFG)
    pkg = project / "pkg"
    os.mkfifo(pkg / "pipe.py")
    (pkg / "zero.py").symlink_to("/dev/zero")
    with open(pkg / "big.py", "wb") as f:
        f.truncate(3 * 1024**3)  # sparse: no disk used, 3 GB to whoever reads it
    (root / "elsewhere.py").write_text(MODELS, encoding="utf-8")
    (pkg / "out.py").symlink_to(root / "elsewhere.py")
    (pkg / "to_pipe.py").symlink_to(pkg / "pipe.py")
    try:
        with socket.socket(socket.AF_UNIX) as s:
            s.bind(str(pkg / "sock.py"))
    except OSError:  # a socket path longer than the system allows: the other files still make the case
        pass
    return project


WHY = {
    "pkg/pipe.py": "it is a named pipe (FIFO), not a regular file, so it is not read",
    "pkg/to_pipe.py": "it is a named pipe (FIFO), not a regular file, so it is not read",
    "pkg/zero.py": "it is a symbolic link out of the project, so it is not read\nreason: it leads to "
                   "/dev/zero",
    "pkg/big.py": "it is 3,221,225,472 bytes, larger than the limit of 4,194,304, so it is not read",
    "pkg/sock.py": "it is a socket, not a regular file, so it is not read",
}


def test_special_files_are_named_and_skipped_and_the_run_goes_on(tmp_path: Path) -> None:
    project = special_tree(tmp_path)
    for args in (["--no-cache"], []):  # with the cache too: it is written, then read back
        run = cli(project, *args, ".")
        assert run.returncode == 2, run.dump()
        assert run.at("pkg/models.py") == MODELS_EXPECTED, run.dump()
        for path, why in WHY.items():
            if (project / path).exists() or os.path.islink(project / path):
                assert why in prv002(run, path), run.dump()
        assert "symbolic link out of the project" in prv002(run, "pkg/out.py").splitlines()[0]
        assert f"it leads to {tmp_path / 'elsewhere.py'}" in prv002(run, "pkg/out.py")


def test_flake8_asked_about_one_file_of_such_a_tree_ends_with_its_findings(tmp_path: Path) -> None:
    """The plugin reads the whole project: a FIFO or /dev/zero elsewhere in it must not hang or
    fill memory while flake8 checks another file. (flake8 itself reads every file it is asked
    about: asked about the FIFO, flake8 waits on it before any plugin runs.)"""
    project = special_tree(tmp_path)
    run = Measured(project, FLAKE8, "--select", "PRV", "pkg/models.py")
    assert run.at("pkg/models.py") == MODELS_EXPECTED, run.dump()


def test_the_size_limit_is_configurable_and_the_same_in_both_doors(tmp_path: Path) -> None:
    padding = "\n".join(f"# line {i}" for i in range(200)) + "\n"
    project = write_project(tmp_path, {
        "pyproject.toml": f'[tool.lint-privacy]\npolicy = "{POLICY}"\nmax-file-size = 2000\n',
        "setup.cfg": SETUP_CFG,
        "pkg/models.py": MODELS,
        "pkg/padded.py": padding + MODELS,
    }, None)
    why = "larger than the limit of 2,000, so it is not read\nreason: raise [tool.lint-privacy] max-file-size"
    run = cli(project, "--no-cache", ".")
    assert why in prv002(run, "pkg/padded.py") and run.at("pkg/models.py") == MODELS_EXPECTED, run.dump()
    flake8 = Measured(project, FLAKE8, "--select", "PRV", "pkg/padded.py", "pkg/models.py")
    assert flake8.at("pkg/padded.py") == {(1, "PRV002")}, flake8.dump()
    assert flake8.at("pkg/models.py") == MODELS_EXPECTED, flake8.dump()


@pytest.mark.parametrize("value", ["0", "-1", '"4MB"', "true", "2147483648"])
def test_an_impossible_size_limit_is_refused_with_what_is_allowed(tmp_path: Path, value: str) -> None:
    (tmp_path / "pyproject.toml").write_text(f"[tool.lint-privacy]\nmax-file-size = {value}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"max-file-size is a number of bytes from 1 to 1,073,741,824"):
        load_config(tmp_path)


# ------------------------------------------------------------------------------- deep shapes


N = 10_000


def chains() -> dict[str, str]:
    chain = ["from django.db import models", "", "class C0(models.Model):",
             "    email = models.EmailField()  # privacy: rider_account"]
    chain += [f"class C{i}(C{i - 1}):\n    pass" for i in range(1, N)]
    chain += [f"def leak(c: C{N - 1}):", "    import logging", "    logging.getLogger().info(c.email)"]
    calls = ["import logging", "log = logging.getLogger(__name__)", "", "def f0(x):", "    log.info(x)"]
    calls += [f"def f{i}(x):\n    return f{i - 1}(x)" for i in range(1, N)]
    calls += ["def entry(request):", f"    f{N - 1}(request.POST['email'])"]
    nested = ["import logging", "", "def go(request):", "    v0 = request.POST['email']"]
    nested += [f"    v{i} = {{'k': v{i - 1}}}" for i in range(1, N)]
    nested += [f"    logging.getLogger().info(v{N - 1})"]
    return {"pkg/chain.py": "\n".join(chain) + "\n", "pkg/calls.py": "\n".join(calls) + "\n",
            "pkg/nested.py": "\n".join(nested) + "\n"}


def test_chains_of_10000_links_are_judged_and_cost_no_other_file_its_findings(tmp_path: Path) -> None:
    """10,000 subclasses in a chain (1,100 aborted the whole run with a RecursionError), a call
    chain of 10,000 functions and data nested 10,000 times through variables."""
    files = chains()
    project = write_project(tmp_path, {"pkg/models.py": MODELS, **files}, SETUP_CFG)
    run = cli(project, "--no-cache", ".")
    assert run.returncode == 1, run.dump()  # findings, and every file analysed
    assert run.at("pkg/models.py") == MODELS_EXPECTED, run.dump()
    # The chain's first class is judged, and its last one's use (a field looked up 200 classes deep
    # at most: known here by its name, lineage/symbols.py _MAX_HIERARCHY).
    assert run.at("pkg/chain.py") == {(4, "PRV201"), (N * 2 + 5, "PRV601")}, run.dump()
    assert (5, "PRV601") in run.at("pkg/calls.py"), run.dump()
    assert (N + 4, "PRV601") in run.at("pkg/nested.py"), run.dump()
    through = next(h.detail("route") for h in run.hits if h.path == "pkg/calls.py")
    assert f"... {N - 6} more functions ..." in through and len(through) < 1000, through


def test_an_import_chain_of_10000_modules_ends(tmp_path: Path) -> None:
    files = {"pkg/__init__.py": "", "pkg/models.py": MODELS, "pkg/m0.py": "from .models import Rider\n"}
    files.update({f"pkg/m{i}.py": f"from .m{i - 1} import Rider\n" for i in range(1, N)})
    files["pkg/use.py"] = f"import logging\nfrom .m{N - 1} import Rider\n\ndef f(r: Rider):\n    logging.info(r.email)\n"
    project = write_project(tmp_path, files, SETUP_CFG)
    run = cli(project, "--no-cache", ".")
    assert run.returncode in (0, 1) and run.at("pkg/models.py") == MODELS_EXPECTED, run.dump()


# ------------------------------------------------------------------------------- hostile names


HOSTILE = ["new\nline.py", "carriage\rreturn.py", "esc\x1b[31mape.py", "colon:1:2: PRV999 fake.py"]


def test_hostile_file_names_are_quoted_and_forge_no_finding_line(tmp_path: Path) -> None:
    project = write_project(tmp_path, {"pkg/models.py": MODELS}, SETUP_CFG)
    for name in HOSTILE:
        (project / "pkg" / name).write_text(MODELS.replace("Rider", "Other"), encoding="utf-8")
    text = cli(project, "--no-cache", ".")
    as_json = cli(project, "--no-cache", "--format", "json", ".")
    findings = json.loads(as_json.stdout)["findings"]
    assert {f["path"] for f in findings} == {"pkg/models.py", *(f"pkg/{n}" for n in HOSTILE)}, as_json.dump()
    assert "\x1b" not in text.stdout and "\r" not in text.stdout
    # Exactly one finding line per finding: no name starts a line of its own or a finding of its own.
    finding_lines = [line for line in text.stdout.splitlines() if line.startswith("  ") and line[2] != " "]
    assert len(finding_lines) == len(findings), text.dump()
    details = [line for line in text.stdout.splitlines() if line.startswith("      ")]
    assert details, text.dump()
    assert all(re.match(r" {6}(data|route|reason|promise): ", line) for line in details), text.dump()
    assert not any(line.startswith(("line.py", "return.py", "ape.py")) for line in text.stdout.splitlines())
    assert '"pkg/new\\nline.py":7:5: PRV103' in text.stdout and '"pkg/esc\\u001b[31mape.py"' in text.stdout


# ------------------------------------------------------------------------------- the cache


def test_a_fifo_or_a_dev_zero_link_in_the_cache_is_a_miss(tmp_path: Path) -> None:
    project = write_project(tmp_path, {"pkg/models.py": MODELS, "pkg/other.py": MODELS.replace("Rider", "Other")},
                            SETUP_CFG)
    cold = cli(project, "--no-cache", ".")
    cli(project, ".")  # fills the cache
    cache = project / ".lint-privacy-cache"
    entries = [p for p in cache.rglob("*") if p.is_file() and p.suffix in (".pkl", "") and p.name != "claims.lock"]
    assert len(entries) >= 4, entries
    for i, entry in enumerate(entries):
        entry.unlink()
        if i % 2:
            os.mkfifo(entry)
        else:
            entry.symlink_to("/dev/zero")
    (project / "pkg" / "models.py").touch()  # the stat index must not answer: entries are looked up
    for _ in range(2):  # then again, over whatever the first run wrote
        warm = cli(project, ".")
        assert warm.returncode == cold.returncode and warm.hits == cold.hits, warm.dump()


# ------------------------------------------------------------------------------- containment


def test_a_check_failing_on_one_file_costs_only_that_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, {"pkg/models.py": MODELS, "pkg/bad.py": MODELS.replace("Rider", "Bad")}, SETUP_CFG)
    real = exposure.check

    def broken(ctx):
        if "pkg/bad.py" in ctx.files:
            raise RecursionError("maximum recursion depth exceeded")
        yield from real(ctx)

    monkeypatch.setattr(exposure, "check", broken)
    result = analyse(load_setup(tmp_path, str(POLICY), no_cache=True))
    got = {(f.path, f.line, f.code) for f in result.findings}
    assert {("pkg/models.py", line, code) for line, code in MODELS_EXPECTED} <= got
    bad = [f for f in result.findings if f.path == "pkg/bad.py" and f.code == "PRV002"]
    assert len(bad) == 1 and bad[0].message == ("this file was not analysed: its exposure checks failed "
                                                "(RecursionError), "
                                                "a bug to report")
    assert "maximum recursion depth exceeded" in bad[0].reason and "please report it" in bad[0].reason
    assert ("pkg/bad.py", 8, "PRV201") in got  # the other families still judge it


def test_a_check_failing_only_on_files_together_reports_every_file(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    write_project(tmp_path, {"pkg/models.py": MODELS, "pkg/other.py": "x = 1\n"}, SETUP_CFG)
    real = exposure.check

    def broken(ctx):
        if len(ctx.files) > 1:
            raise KeyError("together")
        yield from real(ctx)

    monkeypatch.setattr(exposure, "check", broken)
    result = analyse(load_setup(tmp_path, str(POLICY), no_cache=True))
    got = {(f.path, f.line, f.code) for f in result.findings}
    assert {("pkg/models.py", line, code) for line, code in MODELS_EXPECTED} <= got  # found alone
    for path in ("pkg/models.py", "pkg/other.py"):
        (f,) = [f for f in result.findings if f.path == path and f.code == "PRV002"]
        assert f.message == ("this file was not analysed: the exposure checks on the whole project failed "
                             "(KeyError), "
                             "a bug to report")
        assert "they fail on no file alone" in f.reason and "This is a bug" in f.reason, f


# ------------------------------------------------------------------------------- one decoding


def _decoding_corpus(count: int, seed: int) -> dict[str, bytes]:
    """Real files of the project, their bytes mutated the ways a tree holds them (bench/fuzz.py)."""
    sources = [p.read_bytes() for p in sorted((REPO / "examples" / "messaging" / "app").rglob("*.py"))]
    rnd = random.Random(seed)
    return {f"pkg/f{n}.py": mutate_bytes(rnd.choice(sources), rnd) for n in range(count)}


def test_flake8_and_the_cli_agree_on_every_file_of_a_decoding_corpus(tmp_path: Path) -> None:
    count = int(os.environ.get("LINT_PRIVACY_FUZZ_EXAMPLES") or 40)
    corpus = _decoding_corpus(count, seed=20)
    project = write_project(tmp_path, {"pkg/models.py": MODELS}, SETUP_CFG)
    for rel, raw in corpus.items():
        (project / rel).write_bytes(raw)
    run = cli(project, "--no-cache", ".")
    flake8 = Measured(project, FLAKE8, "--select", "PRV,E9", "pkg")
    for rel in ["pkg/models.py", *corpus]:
        assert outcome(run.at(rel)) == outcome(flake8.at(rel)), (rel, corpus.get(rel, b"")[:300], run.dump(),
                                                                   flake8.dump())
    assert run.at("pkg/models.py") == MODELS_EXPECTED
    print(f"decoding corpus: {count} files, "
          f"{sum(1 for rel in corpus if outcome(run.at(rel)) == {(0, 'not analysed')})} not analysed by both doors")


# ------------------------------------------------------------------------------- impossible policy values


_IN = "inside: [JP]"  # a country list of the policy (the EU's lists are the shipped law's)
IMPOSSIBLE = {
    "unassigned country": (_IN, _IN.replace("JP", "XX"), "'XX' is not an ISO 3166-1 alpha-2 country code"),
    "UK for GB": (_IN, _IN.replace("JP", "UK"), "'UK' is not an ISO 3166-1 alpha-2 country code (the United Kingdom is GB)"),
    "9999-99-99": ('last_updated: "2023-02-22"', 'last_updated: "9999-99-99"', "'9999-99-99' is not a real date"),
    "2023-02-30": ('last_updated: "2023-02-22"', 'last_updated: "2023-02-30"', "'2023-02-30' is not a real date (day is out of range"),
    "2023-13-01": ('previous_version: "2022-10-29"', 'previous_version: "2023-13-01"', "'2023-13-01' is not a real date (month must be in 1..12)"),
    "arabic-indic digits": ("period: 12mo", "period: ١٢mo", "'١٢mo' is not a duration: write a number and a unit (90d, 6w, 12mo, 7y) or ISO 8601 (P12M, P1Y6M, P30D) in digits 0-9"),
    "full-width digits": ("period: 12mo", "period: ７y", "'７y' is not a duration: write a number and a unit (90d, 6w, 12mo, 7y) or ISO 8601 (P12M, P1Y6M, P30D) in digits 0-9"),
    "non-ascii date": ('last_updated: "2023-02-22"', 'last_updated: "٢٠٢٣-02-22"', "is not a date written YYYY-MM-DD (digits 0-9)"),
    "hours 10**30": ("hours: 72, section: Egypt", f"hours: {10**30}, section: Egypt", f"{10**30} is above the maximum 8760"),
    "control character": ("name: Infobip Limited", 'name: "Infobip\\x1b[31m Limited"', "'Infobip\\u001b[31m Limited' holds a control character"),
    "control character in a key": ("  subjects:\n", '  subjects:\n    "bad\\x07id": {name: x, section: "1"}\n',
                                   "key 'bad\\u0007id' holds a control character"),
}
# The problem is on the line where the replaced text starts, or (a key added below) the next one.
NEXT_LINE = {"control character in a key"}


@pytest.mark.parametrize("case", sorted(IMPOSSIBLE))
def test_the_policy_refuses_impossible_values_with_file_line_and_what_is_allowed(tmp_path: Path, case: str) -> None:
    old, new, message = IMPOSSIBLE[case]
    text = (REPO / "policies" / "infobip.yaml").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "policy.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(PolicyError) as refused:
        load_policy(path)
    line = text[:text.index(old)].count("\n") + 1 + (case in NEXT_LINE)
    assert any(message in p.message and p.path == str(path) and p.line == line for p in refused.value.problems), (
        line, [str(p) for p in refused.value.problems])
