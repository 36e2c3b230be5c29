"""Fuzz pass over hostile input (issue 20): mutated real files, special trees, mutated policies
and cache faults, each run as a user runs it (the CLI and flake8 in subprocesses).

    python bench/fuzz.py [--files 400] [--trees 40] [--policies 600] [--cache 24] [--seed 20]
                         [--corpus /work/corpus]

What is a failure: a run that does not end within the guard, or peaks over 1 GB (its processes'
``RUSAGE_CHILDREN``); a traceback or an "internal error"; a finding of the app next to the input
lost; a special file not named (PRV002) or named for the wrong reason; flake8 and the CLI saying
different things of a file; a policy value that cannot be true accepted, or a policy problem
without a line; a cache fault changing the findings. Prints the inputs tried and the failures of
each target; exits 1 when there is any failure.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CLI = str(BIN / "lint-privacy")
FLAKE8 = str(BIN / "flake8")
POLICY = REPO / "policies" / "acme-example.yaml"
ONE_GB_KB = 1024 * 1024
GUARD = 600

# The app every input sits next to: one finding of each family on known lines (acme-example).
sys.path.insert(0, str(REPO / "tests"))
from conftest import RIDER_EXPECTED as MODELS_EXPECTED, RIDER_MODELS as MODELS  # noqa: E402

_MEASURE = """
import resource, subprocess, sys
code = subprocess.run(sys.argv[1:]).returncode
sys.stderr.write(f"\\nmaxrss_kb={resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}\\n")
sys.exit(code)
"""


class Hang(Exception):
    """The command did not end within the guard (it and what it started were killed)."""


@dataclass
class Measured:
    returncode: int
    stdout: str
    stderr: str
    maxrss_kb: int


def run_measured(cwd: Path, *cmd: str, guard: float = GUARD) -> Measured:
    """``cmd`` in ``cwd``, with the peak memory of it and every process it started; :class:`Hang`
    (everything killed) when it outlives ``guard`` seconds."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.Popen([sys.executable, "-c", _MEASURE, *cmd], cwd=cwd, env=env, text=True, errors="replace",
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=guard)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise Hang(f"{' '.join(cmd)} did not end within {guard} s") from None
    err, _, peak = err.rpartition("maxrss_kb=")
    return Measured(proc.returncode, out, err, int(peak.strip() or 0))


def mutate_bytes(raw: bytes, rnd: random.Random) -> bytes:
    """``raw`` changed the ways a tree holds Python files: bytes invalid in the file's encoding (in
    a comment, in a string), coding lines real and bogus, BOMs, CR and CRLF line ends, NUL bytes,
    a character cut short."""
    lines = raw.split(b"\n")
    i = rnd.randrange(len(lines))
    kind = rnd.randrange(11)
    if kind == 0:
        lines[i] += b"  # caf\xe9"
    elif kind == 1:
        lines[i] = lines[i].replace(b'"', b'"\xff', 1)
    elif kind == 2:
        lines.insert(0, b"# coding: bogus")
    elif kind == 3:
        lines.insert(0, b"# -*- coding: latin-1 -*-")
        lines[i + 1] += b"  # \xe9t\xe9"
    elif kind == 4:
        return b"\xef\xbb\xbf" + raw
    elif kind == 5:
        return b"\xef\xbb\xbf# coding: latin-1\n" + raw
    elif kind == 6:
        return raw.replace(b"\n", b"\r\n")
    elif kind == 7:
        return raw.replace(b"\n", b"\r")
    elif kind == 8:
        lines[i] += b"\x00"
    elif kind == 9:
        lines[i] += "  # é".encode()[:-1]
    else:
        lines.insert(rnd.randrange(2), b"# vim: set fileencoding=utf-8 :")
    return b"\n".join(lines)


def mutate_lines(raw: bytes, rnd: random.Random) -> bytes:
    """Lines deleted, duplicated, swapped and dedented: mostly syntax errors, some valid programs."""
    lines = raw.split(b"\n")
    for _ in range(rnd.randint(1, 4)):
        i, j = rnd.randrange(len(lines)), rnd.randrange(len(lines))
        kind = rnd.randrange(4)
        if kind == 0 and len(lines) > 1:
            del lines[i]
        elif kind == 1:
            lines.insert(j, lines[i])
        elif kind == 2:
            lines[i], lines[j] = lines[j], lines[i]
        else:
            lines[i] = lines[i].lstrip()
    return b"\n".join(lines)


def findings_of(stdout: str) -> dict[str, set[tuple[int, str]]]:
    """CLI JSON output -> path -> {(line, code)}."""
    out: dict[str, set[tuple[int, str]]] = {}
    for f in json.loads(stdout)["findings"]:
        out.setdefault(f["path"], set()).add((f["line"], f["code"]))
    return out


def flake8_findings(stdout: str) -> dict[str, set[tuple[int, str]]]:
    out: dict[str, set[tuple[int, str]]] = {}
    for line in stdout.splitlines():
        path, _, rest = line.partition(":")
        parts = rest.split(":", 2)
        if len(parts) == 3 and parts[0].isdigit():
            out.setdefault(path.removeprefix("./"), set()).add((int(parts[0]), parts[2].split()[0]))
    return out


def outcome(codes: set[tuple[int, str]]) -> set[tuple[int, str]]:
    """What a door says of a file: its findings, or that it was not analysed (flake8's E999/E902
    where the CLI says PRV002)."""
    return {(0, "not analysed")} if any(c in ("PRV002", "E999", "E902") for _, c in codes) else codes


@dataclass
class Tally:
    inputs: dict[str, int] = field(default_factory=dict)
    failures: dict[str, list[str]] = field(default_factory=dict)

    def tried(self, target: str, n: int = 1) -> None:
        self.inputs[target] = self.inputs.get(target, 0) + n
        self.failures.setdefault(target, [])

    def fail(self, target: str, what: str) -> None:
        self.failures.setdefault(target, []).append(what)


def _project(root: Path) -> Path:
    root.mkdir(parents=True)
    (root / "setup.cfg").write_text(f"[flake8]\nprivacy-policy = {POLICY}\n", encoding="utf-8")
    (root / "pkg").mkdir()
    (root / "pkg" / "models.py").write_text(MODELS, encoding="utf-8")
    return root


def _judge_run(tally: Tally, target: str, run: Measured, label: str) -> dict[str, set[tuple[int, str]]] | None:
    """The checks every CLI run must pass; its findings by path, or None when it failed."""
    if run.maxrss_kb >= ONE_GB_KB:
        tally.fail(target, f"{label}: {run.maxrss_kb} KB")
    if "Traceback" in run.stderr or "internal error" in run.stderr + run.stdout:
        tally.fail(target, f"{label}: {run.stderr.strip()[-300:] or 'internal error in a finding'}")
    try:
        found = findings_of(run.stdout)
    except (json.JSONDecodeError, KeyError):
        tally.fail(target, f"{label}: exit {run.returncode}, no JSON: {run.stderr.strip()[-300:]}")
        return None
    # Lost, never: another file may add some (a log shipper it configures makes the app's logging a
    # disclosure, PRV301), which is the lineage at work, not a fault.
    if not MODELS_EXPECTED <= found.get("pkg/models.py", set()):
        tally.fail(target, f"{label}: the app lost findings: {sorted(MODELS_EXPECTED - found.get('pkg/models.py', set()))}")
    return found


def _cli(root: Path, *args: str) -> Measured:
    return run_measured(root, CLI, "check", "--policy", str(POLICY), "--format", "json", *args, ".")


# ------------------------------------------------------------------------------- mutated real files


def _flake8_skips(raw: bytes) -> bool:
    """Whether flake8 reports nothing of a file, by its request (a line ``# flake8: noqa``)."""
    from flake8.defaults import NOQA_FILE

    return any(NOQA_FILE.match(line) for line in raw.decode("latin-1").splitlines())


def fuzz_files(tally: Tally, work: Path, corpus: Path, count: int, rnd: random.Random) -> None:
    sources = sorted(p for p in corpus.rglob("*.py") if p.is_file() and not p.is_symlink() and p.stat().st_size < 200_000)
    picked = rnd.sample(sources, min(count, len(sources)))
    for start in range(0, len(picked), 50):
        root = _project(work / f"files{start}")
        for n, src in enumerate(picked[start:start + 50]):
            raw = src.read_bytes()
            (root / "pkg" / f"f{n}.py").write_bytes(mutate_bytes(raw, rnd) if rnd.random() < 0.5 else mutate_lines(raw, rnd))
        batch = len(picked[start:start + 50])
        tally.tried("mutated real files", batch)
        try:
            found = _judge_run(tally, "mutated real files", _cli(root, "--no-cache"), f"batch {start}")
            flake8 = run_measured(root, FLAKE8, "--select", "PRV,E9", "pkg")
        except Hang as e:
            tally.fail("mutated real files", str(e))
            continue
        if found is None:
            continue
        by_flake8 = flake8_findings(flake8.stdout)
        for n in range(batch):
            rel = f"pkg/f{n}.py"
            if _flake8_skips((root / rel).read_bytes()):
                tally.tried("  of which '# flake8: noqa' files, not compared")
                continue
            if outcome(found.get(rel, set())) != outcome(by_flake8.get(rel, set())):
                tally.fail("mutated real files", f"{picked[start + n]} ({rel} of batch {start}): CLI "
                                                 f"{sorted(found.get(rel, set()))[:5]} flake8 {sorted(by_flake8.get(rel, set()))[:5]}")
        shutil.rmtree(root, ignore_errors=True)


# ------------------------------------------------------------------------------- special trees


def _chain(kind: str, n: int) -> str:
    if kind == "classes":
        body = ["from django.db import models", "class C0(models.Model):", "    email = models.EmailField()"]
        body += [f"class C{i}(C{i - 1}):\n    pass" for i in range(1, n)]
    elif kind == "calls":
        body = ["import logging", "def f0(x):", "    logging.info(x)"]
        body += [f"def f{i}(x):\n    return f{i - 1}(x)" for i in range(1, n)]
        body += ["def entry(request):", f"    f{n - 1}(request.POST['email'])"]
    else:
        body = ["import logging", "def go(request):", "    v0 = request.POST['email']"]
        body += [f"    v{i} = {{'k': v{i - 1}}}" for i in range(1, n)]
        body += [f"    logging.info(v{n - 1})"]
    return "\n".join(body) + "\n"


def _specials(root: Path, rnd: random.Random) -> dict[str, str]:
    """Special files made in ``root``'s pkg: name -> the words its PRV002 must hold."""
    pkg = root / "pkg"
    made: dict[str, str] = {}
    makers: dict[str, Callable[[Path], str]] = {
        "fifo": lambda p: (os.mkfifo(p), "named pipe (FIFO), not a regular file")[1],
        "zero": lambda p: (p.symlink_to("/dev/zero"), "symbolic link to /dev/zero, outside the project")[1],
        "urandom": lambda p: (p.symlink_to("/dev/urandom"), "symbolic link to /dev/urandom, outside the project")[1],
        "null": lambda p: (p.symlink_to("/dev/null"), "symbolic link to /dev/null, outside the project")[1],
        "sparse": lambda p: (os.truncate(_touch(p), rnd.choice([5, 500, 3000]) * 1024**2), "larger than the limit")[1],
        "outside": lambda p: (p.symlink_to(REPO / "lint_privacy" / "__init__.py"), "outside the project")[1],
        "link_to_fifo": lambda p: (os.mkfifo(pkg / f"{p.stem}_target"), p.symlink_to(pkg / f"{p.stem}_target"),
                                   "named pipe (FIFO), not a regular file")[2],
        "socket": _socket,
    }
    for n, kind in enumerate(rnd.sample(sorted(makers), rnd.randint(1, len(makers)))):
        path = pkg / f"{kind}{n}.py"
        try:
            made[path.relative_to(root).as_posix()] = makers[kind](path)
        except OSError:  # a socket path too long for the system
            continue
    return made


def _touch(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def _socket(path: Path) -> str:
    with socket.socket(socket.AF_UNIX) as s:
        s.bind(str(path))
    return "a socket, not a regular file"


HOSTILE_NAMES = ["new\nline.py", "cr\rname.py", "esc\x1b[2Jape.py", "colon:1:2: PRV999 fake.py", "tab\tname.py",
                 "bidi\u202ename.py", "nel\x85name.py"]


def fuzz_trees(tally: Tally, work: Path, count: int, rnd: random.Random) -> None:
    for t in range(count):
        root = _project(work / f"tree{t}")
        expected = _specials(root, rnd)
        names = rnd.sample(HOSTILE_NAMES, rnd.randint(0, 3))
        for name in names:
            (root / "pkg" / name).write_text(MODELS.replace("Rider", "Other"), encoding="utf-8")
        if rnd.random() < 0.3:
            kind, n = rnd.choice(["classes", "calls", "nested"]), rnd.choice([1000, 1500, 5000, 10_000])
            (root / "pkg" / "deep.py").write_text(_chain(kind, n), encoding="utf-8")
            expected_deep = f"{kind} x{n}"
        else:
            expected_deep = ""
        tally.tried("special trees", len(expected) + len(names) + bool(expected_deep))
        label = f"tree {t} ({', '.join(sorted(expected))}{'; ' + expected_deep if expected_deep else ''})"
        try:
            run = _cli(root, *rnd.choice([["--no-cache"], []]))
            text = run_measured(root, CLI, "check", "--policy", str(POLICY), ".")
            flake8 = run_measured(root, FLAKE8, "--select", "PRV", "pkg/models.py")
        except Hang as e:
            tally.fail("special trees", f"{label}: {e}")
            continue
        found = _judge_run(tally, "special trees", run, label)
        if found is None:
            continue
        for path, words in expected.items():
            messages = [f["message"] for f in json.loads(run.stdout)["findings"] if f["path"] == path]
            if len(messages) != 1 or words not in messages[0]:
                tally.fail("special trees", f"{label}: {path} reported {messages}, wanted one PRV002 with '{words}'")
        for name in names:
            if not found.get(f"pkg/{name}"):
                tally.fail("special trees", f"{label}: {name!r} lost its findings")
        if any(c in text.stdout for c in "\x1b\r\x85\u202e"):
            tally.fail("special trees", f"{label}: a control character printed raw")
        if flake8_findings(flake8.stdout).get("pkg/models.py") != MODELS_EXPECTED:
            tally.fail("special trees", f"{label}: flake8 on models.py: {flake8.stdout[-300:]} {flake8.stderr[-300:]}")
        shutil.rmtree(root, ignore_errors=True)


# ------------------------------------------------------------------------------- mutated policies

# Values no policy can mean, each where the schema's type and pattern let it through before.
IMPOSSIBLE_VALUES = [
    (r"countries: \[AT,", ["countries: [XX,", "countries: [UK,", "countries: [EL,", "countries: [ZZ,"]),
    (r'last_updated: "2023-02-22"', ['last_updated: "9999-99-99"', 'last_updated: "2023-02-30"',
                                     'last_updated: "2023-13-01"', 'last_updated: "٢٠٢٣-02-22"', 'last_updated: "2023-00-10"']),
    (r"period: 12mo", ["period: ١٢mo", "period: ７y", "period: 1٢mo", "period: P١Y"]),
    (r"hours: 72,", [f"hours: {10**30},", "hours: 100000,", "hours: 8761,"]),
    (r"name: Infobip Limited", ['name: "Infobip\\x1b[31m Limited"', 'name: "Info\\x00bip"', 'name: "In\\u202efobip"',
                                'name: "Infobip\\rLimited"']),
]
POSSIBLE_VALUES = [
    (r"countries: \[AT,", ["countries: [GB,", "countries: [CH,"]),
    (r'last_updated: "2023-02-22"', ['last_updated: "2024-02-29"', 'last_updated: "1999-12-31"']),
    (r"period: 12mo", ["period: 7y", "period: P1Y6M", "period: 90d"]),
    (r"hours: 72,", ["hours: 0,", "hours: 8760,"]),
    (r"name: Infobip Limited", ['name: "Infobip Ltd. (UK)"', "name: Инфобип", 'name: "Infobip\\tLimited"']),
]


def fuzz_policies(tally: Tally, work: Path, count: int, rnd: random.Random) -> None:
    sys.path.insert(0, str(REPO))
    from lint_privacy.policy import PolicyError, load_policy

    base = (REPO / "policies" / "infobip.yaml").read_text(encoding="utf-8")
    for n in range(count):
        impossible = rnd.random() < 0.6
        pattern, values = rnd.choice(IMPOSSIBLE_VALUES if impossible else POSSIBLE_VALUES)
        matches = list(re.finditer(pattern, base))
        spot = rnd.choice(matches)
        text = base[:spot.start()] + rnd.choice(values) + base[spot.end():]
        if rnd.random() < 0.3:  # and a line of the policy shuffled: the checks run on broken policies too
            lines = text.split("\n")
            i, j = rnd.randrange(len(lines)), rnd.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
            impossible = None  # refused or not: only the shape of the answer is checked
        path = work / f"policy{n}.yaml"
        path.write_text(text, encoding="utf-8")
        tally.tried("mutated policies")
        try:
            load_policy(path)
            if impossible:
                tally.fail("mutated policies", f"accepted: {text[spot.start():spot.start() + 60]!r}")
        except PolicyError as e:
            if impossible is False:
                tally.fail("mutated policies", f"refused a possible value: {e.problems[0]}")
            if any(p.line <= 0 and "internal error" in p.message or "\n" in p.message for p in e.problems):
                tally.fail("mutated policies", f"{e.problems}")
            line = base[:spot.start()].count("\n") + 1
            if impossible and not any(p.line == line for p in e.problems):
                tally.fail("mutated policies", f"no problem on line {line}: {[str(p) for p in e.problems][:3]}")
        except Exception as e:  # never anything else
            tally.fail("mutated policies", f"{type(e).__name__}: {e}")
        path.unlink()


# ------------------------------------------------------------------------------- cache faults


def _fault(entry: Path, rnd: random.Random) -> str:
    kind = rnd.choice(["fifo", "zero", "urandom", "sparse", "truncated", "garbage", "folder"])
    size = entry.stat().st_size
    entry.unlink()
    if kind == "fifo":
        os.mkfifo(entry)
    elif kind in ("zero", "urandom"):
        entry.symlink_to(f"/dev/{kind}")
    elif kind == "sparse":
        os.truncate(_touch(entry), 2 * 1024**3)
    elif kind == "truncated":
        entry.write_bytes(os.urandom(min(size, 40)))
    elif kind == "garbage":
        entry.write_bytes(os.urandom(size))
    else:
        entry.mkdir()
    return kind


def fuzz_cache(tally: Tally, work: Path, count: int, rnd: random.Random) -> None:
    app = REPO / "examples" / "messaging" / "app"
    for n in range(count):
        root = _project(work / f"cache{n}")
        for src in rnd.sample(sorted(app.glob("*.py")), 4):
            shutil.copy(src, root / "pkg" / f"app_{src.name}")  # never over the app's own models.py
        try:
            cold = _cli(root, "--no-cache")
            _cli(root)
            entries = [p for p in (root / ".lint-privacy-cache").rglob("*") if p.is_file() and p.name != "claims.lock"]
            faults = [_fault(e, rnd) for e in rnd.sample(entries, rnd.randint(1, len(entries)))]
            if rnd.random() < 0.5:
                os.utime(root / "pkg" / "models.py")  # entries looked up, not answered by the stat index
            tally.tried("cache faults", len(faults))
            warm = _cli(root)
        except Hang as e:
            tally.fail("cache faults", str(e))
            continue
        _judge_run(tally, "cache faults", warm, f"cache {n}")
        if (warm.returncode, findings_of(warm.stdout)) != (cold.returncode, findings_of(cold.stdout)):
            tally.fail("cache faults", f"cache {n} ({', '.join(faults)}): findings differ from a cold run")
        shutil.rmtree(root, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=400)
    parser.add_argument("--trees", type=int, default=40)
    parser.add_argument("--policies", type=int, default=600)
    parser.add_argument("--cache", type=int, default=24)
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--corpus", type=Path, default=Path("/work/corpus"))
    args = parser.parse_args(argv)
    rnd = random.Random(args.seed)
    tally = Tally()
    with tempfile.TemporaryDirectory(prefix="lp-fuzz-") as tmp:
        work = Path(tmp)
        if args.policies:
            fuzz_policies(tally, work, args.policies, rnd)
        if args.trees:
            fuzz_trees(tally, work, args.trees, rnd)
        if args.cache:
            fuzz_cache(tally, work, args.cache, rnd)
        if args.files and args.corpus.is_dir():
            fuzz_files(tally, work, args.corpus, args.files, rnd)
    for target, n in tally.inputs.items():
        failures = tally.failures[target]
        sys.stdout.write(f"{target}: {n} inputs, {len(failures)} failures\n")
        for what in failures[:20]:
            sys.stdout.write(f"  {what}\n")
    return 1 if any(tally.failures.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
