"""Shared helpers for the behaviour tests: write a small project into ``tmp_path``, run flake8
or the ``lint-privacy`` CLI on it as a user would (a subprocess), and read what they print.

Each finding line ``path:line:col: CODE message`` becomes a :class:`Hit`, with the detail lines
the CLI's text output prints under it (``data:``, ``route:``, ``reason:``, ``promise:``); flake8
prints the first line only.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest
from hypothesis import settings

from lint_privacy.findings import FIRST_LINE

# In CI every property test draws the same examples (a red build is reproducible, never a roll
# of the dice); locally they explore. LINT_PRIVACY_FUZZ_EXAMPLES raises the budgets (docs/reliability.md).
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

REPO = Path(__file__).resolve().parent.parent
POLICY = REPO / "policies" / "infobip.yaml"
BIN = Path(sys.executable).parent
FLAKE8 = str(BIN / "flake8") if (BIN / "flake8").exists() else "flake8"
CLI = str(BIN / "lint-privacy") if (BIN / "lint-privacy").exists() else "lint-privacy"

SETUP_CFG = f"[flake8]\nprivacy-policy = {POLICY}\n"

# flake8's line ends with what the first line leaves out but the SPEC wants on every message: the
# data's origin and the promise ("[from app/models.py:5; notice 5.4]"); the CLI's text prints them
# as detail lines instead.
_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z]+\d+) (?P<msg>.*?)"
                   r"(?: \[(?P<cites>(?:from |notice |law).*)\])?$")
_DETAIL = re.compile(r"^ {6}(?P<label>data|route|reason|promise): (?P<text>.*)$")


@dataclass(frozen=True)
class Hit:
    path: str
    line: int
    col: int
    code: str
    message: str  # the first line
    details: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    cites: str = field(default="", compare=False)  # flake8's "[from x.py:3; notice 5.4]", without brackets

    def detail(self, label: str) -> str:
        """A detail line's text ("" when the finding has none, or flake8 printed it)."""
        return next((text for name, text in self.details if name == label), "")

    @property
    def text(self) -> str:
        """The first line and every detail line, as the CLI prints them."""
        return "\n".join([self.message, *(f"{name}: {text}" for name, text in self.details)])

    def __str__(self) -> str:  # the finding's line, as flake8 prints it
        return f"{self.path}:{self.line}:{self.col}: {self.code} {self.message}"


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    hits: list[Hit]

    def codes(self, path: str | None = None) -> list[str]:
        return sorted(h.code for h in self.hits if path is None or h.path == path)

    def at(self, path: str, line: int | None = None, code: str | None = None) -> list[Hit]:
        return [h for h in self.hits
                if h.path == path and (line is None or h.line == line)
                and (code is None or h.code == code or (len(code) < 6 and h.code.startswith(code)))]

    def one(self, path: str, line: int, code: str) -> Hit:
        found = self.at(path, line, code)
        assert len(found) == 1, f"expected one {code} at {path}:{line}, got {found}\n{self.dump()}"
        return found[0]

    def none(self, path: str, line: int | None = None, code: str = "PRV") -> None:
        found = self.at(path, line, code)
        assert not found, f"expected no {code} at {path}:{line}, got:\n" + "\n".join(map(str, found))

    def dump(self) -> str:
        return f"--- exit {self.returncode}\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"


def parse_hits(text: str) -> list[Hit]:
    hits: list[Hit] = []
    for raw in text.splitlines():
        detail = _DETAIL.match(raw)
        if detail and hits:
            hits[-1] = replace(hits[-1], details=(*hits[-1].details, (detail["label"], detail["text"])))
            continue
        m = _LINE.match(raw.strip())
        if m:
            path = m["path"].replace(os.sep, "/")
            if path.startswith("./"):
                path = path[2:]
            # Every finding of every project the tests write: its first line (what flake8 and an
            # editor show) says the thing in a few words, the rest is in its details.
            assert len(m["msg"]) <= FIRST_LINE, f"a first line of {len(m['msg'])} characters: {raw}"
            hits.append(Hit(path, int(m["line"]), int(m["col"]), m["code"], m["msg"], cites=m["cites"] or ""))
    return hits


def write_project(root: Path, files: dict[str, str], setup_cfg: str | None = SETUP_CFG) -> Path:
    """Write ``files`` (path -> source, dedented) under ``root``; a setup.cfg naming the policy
    unless ``setup_cfg`` is None or the files give their own."""
    root.mkdir(parents=True, exist_ok=True)
    if setup_cfg is not None and "setup.cfg" not in files:
        (root / "setup.cfg").write_text(setup_cfg, encoding="utf-8")
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root


def line_of(source: str, marker: str) -> int:
    """The 1-based line of ``source`` (as ``write_project`` writes it) that contains ``marker``."""
    lines = textwrap.dedent(source).lstrip("\n").splitlines()
    found = [i for i, text in enumerate(lines, 1) if text.rstrip().endswith(marker)]
    assert len(found) == 1, f"marker {marker!r} found on lines {found}"
    return found[0]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def run_flake8(root: Path, *args: str, stdin: str | None = None, select: bool = True) -> Run:
    """``flake8 --extend-select PRV ARGS`` in ``root`` (default paths: ``.``)."""
    cmd = [FLAKE8]
    if select and not any(a.startswith("--select") or a.startswith("--extend-select") for a in args):
        cmd += ["--extend-select", "PRV"]
    cmd += list(args)
    if not any(not a.startswith("-") or a == "-" for a in args):
        cmd.append(".")
    proc = subprocess.run(cmd, cwd=root, input=stdin, capture_output=True, text=True, env=_env(), timeout=120)
    return Run(proc.returncode, proc.stdout, proc.stderr, parse_hits(proc.stdout))


def in_parallel(jobs: dict[str, Callable[[], Run]]) -> dict[str, Run]:
    """Run independent flake8/CLI subprocesses at once (each one is mostly start-up time)."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {name: pool.submit(job) for name, job in jobs.items()}
        return {name: f.result() for name, f in futures.items()}


def run_cli(root: Path, *args: str) -> Run:
    proc = subprocess.run([CLI, *args], cwd=root, capture_output=True, text=True, env=_env(), timeout=120)
    return Run(proc.returncode, proc.stdout, proc.stderr, parse_hits(proc.stdout))


def lint(root: Path, files: dict[str, str], *args: str, setup_cfg: str | None = SETUP_CFG) -> Run:
    """Write a project and lint it with flake8, PRV findings only (``--select PRV``)."""
    write_project(root, files, setup_cfg)
    if not any(a.startswith("--select") or a.startswith("--extend-select") for a in args):
        args = ("--select", "PRV", *args)
    return run_flake8(root, *args)


def check(root: Path, files: dict[str, str], *args: str, setup_cfg: str | None = SETUP_CFG) -> Run:
    """Write a project and check it with the CLI (text output): its hits carry their details."""
    write_project(root, files, setup_cfg)
    return run_cli(root, "check", *args)


@pytest.fixture
def project(tmp_path: Path):
    """``project(files, *flake8_args)`` -> Run of flake8 ``--select PRV`` on that project;
    ``project.check(files, *cli_args)`` -> Run of ``lint-privacy check`` (hits with details)."""

    def _run(files: dict[str, str], *args: str, setup_cfg: str | None = SETUP_CFG) -> Run:
        return lint(tmp_path, files, *args, setup_cfg=setup_cfg)

    def _check(files: dict[str, str], *args: str, setup_cfg: str | None = SETUP_CFG) -> Run:
        return check(tmp_path, files, *args, setup_cfg=setup_cfg)

    _run.root = tmp_path  # type: ignore[attr-defined]
    _run.check = _check  # type: ignore[attr-defined]
    return _run


# A small app of the acme-example policy with one finding of each family on known lines
# (the reliability tests judge it next to broken and fuzzed files).
RIDER_MODELS = textwrap.dedent('''\
    from django.db import models
    import requests
    import logging
    log = logging.getLogger(__name__)

    class Rider(models.Model):
        email = models.EmailField()
        phone = models.CharField(max_length=20)  # privacy: rider_account
        passport_number = models.CharField(max_length=20)

    def send(rider):
        requests.post("https://api.mailchimp.com/3.0/lists", json={"email": rider.email})
        log.info("rider %s", rider.email)
''')
# Its findings (line, code) under the acme-example policy.
RIDER_EXPECTED = {(7, "PRV103"), (8, "PRV201"), (9, "PRV106"), (12, "PRV302"), (12, "PRV401"), (13, "PRV601")}
