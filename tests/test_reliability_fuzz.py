"""Fuzzing the extractor and the whole pipeline (issue 7) on generated programs (hypothesmith),
on privacy-shaped programs composed from snippets, and on mutated real files (this package's
own modules and examples/): no exception, no hang, no finding with a line outside its file.

Budget: ``LINT_PRIVACY_FUZZ_EXAMPLES`` examples per target (default: 10 for hypothesmith's
slow generators, 30 for the others); see docs/reliability.md.
"""

from __future__ import annotations

import ast
import contextlib
import os
import random
import re
import signal
import textwrap
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lint_privacy.engine import analyse, universal_newlines
from lint_privacy.extract import extract
from lint_privacy.session import load_setup

from conftest import RIDER_MODELS as MODELS

REPO = Path(__file__).resolve().parent.parent
POLICY = REPO / "policies" / "acme-example.yaml"
_ENV = os.environ.get("LINT_PRIVACY_FUZZ_EXAMPLES")
EXAMPLES = int(_ENV) if _ENV else 30
SLOW_EXAMPLES = int(_ENV) if _ENV else 10  # hypothesmith needs ~0.3-0.5 s to generate one program
DEADLINE = float(os.environ.get("LINT_PRIVACY_FUZZ_DEADLINE", "20"))  # seconds per example: a hang

COUNTS: dict[str, int] = {}


def fuzz(examples: int):
    return settings(
        max_examples=examples,
        deadline=None,  # our own alarm below stops a hang; hypothesis's deadline only measures
        suppress_health_check=list(HealthCheck),
        database=None,
    )


class Hang(Exception):
    pass


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Raise :class:`Hang` inside whatever runs longer than ``seconds`` (POSIX main thread)."""
    if not hasattr(signal, "setitimer"):
        yield
        return

    def alarm(signum, frame):
        raise Hang(f"no result after {seconds} s")

    old = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


# ------------------------------------------------------------------------------- the pipeline



@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory):
    """``check(source, target)``: extract the source alone, then analyse it in a small project
    (next to a models module with known findings); assert the promises."""
    root = tmp_path_factory.mktemp("fuzzproject")
    (root / "models.py").write_text(MODELS, encoding="utf-8")
    setup = load_setup(root, str(POLICY), no_cache=True)
    baseline = analyse(setup)
    expected = {(f.line, f.code) for f in baseline.findings if f.path == "models.py"}
    assert expected, "the models module should have findings"
    target_file = root / "fuzzed.py"

    def check(source: str, target: str) -> None:
        COUNTS[target] = COUNTS.get(target, 0) + 1
        tree = _parsed(source)
        # Python runs a file as read with universal newlines: `\\` then CR LF at the end parses as a
        # string but not as a file (`python fuzzed.py`: unexpected EOF), and the tool reads files so.
        runs = _parsed(universal_newlines(source)) if "\r" in source else tree
        with deadline(DEADLINE):
            if tree is not None:
                facts = extract("fuzzed.py", source, tree)  # the extractor alone: nothing but facts
                # Regression: a lone CR ends a line for Python; line_count counted only LF.
                assert facts.line_count == len(re.split(r"\r\n|\r|\n", source))
            target_file.write_text(source, encoding="utf-8")
            result = analyse(setup)
        lines = len(target_file.read_text(encoding="utf-8").split("\n"))
        for f in result.findings:
            assert "internal error" not in f.message, (f, source)
            if f.path == "fuzzed.py":
                assert 1 <= f.line <= lines, (f, source)
                assert f.col >= 0
            else:
                assert f.path == "models.py" and 1 <= f.line <= len(MODELS.splitlines()), f
            for step in f.steps:
                assert step.line >= 1, f
            for origin in f.origins:
                assert origin.line >= 1, f
        failed = [f for f in result.not_analysed if f.path == "fuzzed.py"]
        if runs is None:
            assert len(failed) == 1, (result.not_analysed, source)
        else:
            assert not failed, (failed, source)
        # What models.py says does not depend on the neighbour's shape... except where the
        # neighbour sends its data somewhere: only findings may be added, none lost.
        assert expected <= {(f.line, f.code) for f in result.findings if f.path == "models.py"}

    return check


def _parsed(source: str) -> ast.Module | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes and the like in generated code
            return ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


# ------------------------------------------------------------------------ generated programs


@pytest.fixture(scope="module")
def hypothesmith():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pytest.importorskip("hypothesmith", reason="pip install hypothesmith (the test extras)")


def test_grammar_generated_programs(pipeline, hypothesmith) -> None:
    @fuzz(SLOW_EXAMPLES)
    @given(hypothesmith.from_grammar())
    def run(source: str) -> None:
        pipeline(source, "hypothesmith-grammar")

    run()


@pytest.mark.parametrize("source", ["\n\\\r\n", "x = 1 \\\r\n", "x = 1\r\\\r"])
def test_found_by_generation(pipeline, source: str) -> None:
    """Programs generation once found; a backslash before CR LF at the end of the file is a syntax
    error for Python running the file (and so PRV002), though ``ast.parse`` of the string accepts it."""
    pipeline(source, "found-by-generation")


def test_cst_generated_programs(pipeline, hypothesmith) -> None:
    @fuzz(SLOW_EXAMPLES)
    @given(hypothesmith.from_node())
    def run(source: str) -> None:
        pipeline(source, "hypothesmith-node")

    run()


# ------------------------------------------------------ privacy-shaped programs from snippets

NAMES = ["email", "phone", "user", "rider", "data", "payload", "x", "self", "request", "log", "client", "row"]
SNIPPETS = [
    "{a} = {b}",
    "{a} = {b}.{f}",
    "{a}.{f} = {b}",
    "{a}[{s!r}] = {b}",
    "{a} = request.POST[{s!r}]",
    "{a} = request.data.get({s!r})",
    "{a}, {b} = {b}, {a}",
    "requests.post({url!r}, json={{{s!r}: {a}}})",
    "requests.post(f'{{BASE}}/{{{a}}}', data={a})",
    "log.info('%s', {a}.{f})",
    "print({a})",
    "{a} = Rider.objects.get(pk={b})",
    "{a} = [r.{f} for r in {b} if r]",
    "{a} = {{k: v for k, v in {b}.items()}}",
    "{a} = {b} + {c} + str({a})",
    "{a} = lambda {b}: {b}.{f}",
    "yield {a}",
    "return {a}",
    "raise ValueError({a})",
    "del {a}",
    "global {a}",
    "{a} += {b}",
    "{a}: Annotated[str, PersonalData('rider_account')] = {b}",
    "{a} = {b}  # privacy: rider_account",
    "# privacy: rider_account retention=2y\n{a} = {b}",
    "# privacy: recipient=mailchimp country=US safeguard=scc\nrequests.post({url!r}, data={a})",
    "# privacy: nonsense ===\n{a} = 1",
    "{a} = boto3.client('s3', region_name={region!r})",
    "{a}.put_object(Bucket='b', Key='k', Body={b})",
    "if ({a} := {b}.{f}):\n    pass",
    "{a} = await {b}",
    "assert {a}, {b}",
    "import {a}",
    "from {a} import {b} as {c}",
    "{a} = {b}() if {c} else {a}",
]
BLOCKS = [
    "if {a}:", "for {a} in {b}:", "while {a}:", "with {b} as {a}:", "try:", "def {a}({b}, *args, {c}=None, **kw):",
    "async def {a}({b}):", "class {A}(models.Model):", "class {A}:", "match {a}:\n    case {{'k': {b}}}:",
]
FIELDS = ["email", "phone", "name", "ip_address", "passport_number", "date_of_birth", "id", "token"]


@st.composite
def snippet_programs(draw) -> str:
    rnd = random.Random(draw(st.integers(0, 2**32)))
    lines = ["import requests, logging, boto3", "from typing import Annotated",
             "from lint_privacy.markers import PersonalData", "from .models import Rider",
             "log = logging.getLogger(__name__)", "BASE = 'https://api.mailchimp.com'"]
    depth = 0
    opened: list[int] = []  # levels each open block added (a match and its case: two)
    need_body = False  # a block head was just written: its body comes next, one level in
    for _ in range(draw(st.integers(1, 40))):
        pick = dict(
            a=rnd.choice(NAMES), b=rnd.choice(NAMES), c=rnd.choice(NAMES), A=rnd.choice(NAMES).title(),
            f=rnd.choice(FIELDS), s=rnd.choice(FIELDS),
            url=rnd.choice(["https://api.mailchimp.com/3.0", "https://example.org/x", "http://localhost/x"]),
            region=rnd.choice(["eu-west-2", "us-east-1", "ap-east-1"]),
        )
        pad = "    " * depth
        if rnd.random() < 0.3 and depth < 6:
            head = rnd.choice(BLOCKS).format(**pick)
            lines.append(textwrap.indent(head, pad))
            opened.append(2 if head.startswith("match") else 1)
            depth += opened[-1]
            if head == "try:":
                lines.append(pad + "    pass")
                lines.append(pad + "except Exception as err:")
            need_body = True
            continue
        if rnd.random() < 0.15 and opened and not need_body:
            depth -= opened.pop()
        lines.append(textwrap.indent(rnd.choice(SNIPPETS).format(**pick), "    " * depth))
        need_body = False
    if need_body:
        lines.append("    " * depth + "pass")
    source = "\n".join(lines) + "\n"
    # yield/return/await/nonlocal outside a function and the like: keep what Python compiles.
    for _ in range(5):
        try:
            compile(source, "<fuzz>", "exec", flags=ast.PyCF_ONLY_AST)
            return source
        except SyntaxError as e:
            bad = (e.lineno or 1) - 1
            src = source.split("\n")
            indent = len(src[bad]) - len(src[bad].lstrip()) if bad < len(src) else 0
            if bad < len(src):
                src[bad] = " " * indent + "pass"
            source = "\n".join(src)
    return source


@fuzz(EXAMPLES)
@given(snippet_programs())
def test_privacy_shaped_programs(pipeline, source: str) -> None:
    pipeline(source, "snippets")


# ------------------------------------------------------------------------- mutated real files

REAL_FILES = sorted(
    p for p in [*(REPO / "lint_privacy").rglob("*.py"), *(REPO / "examples").rglob("*.py")]
    if p.stat().st_size < 60_000
)
_TOKEN = re.compile(r"\w+|[^\w\s]+|\s+")


@st.composite
def mutated_real_files(draw) -> str:
    path = draw(st.sampled_from(REAL_FILES))
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True) or ["\n"]
    for _ in range(draw(st.integers(1, 6))):
        i = draw(st.integers(0, len(lines) - 1))
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "token-delete", "token-duplicate", "token-swap", "dedent"]))
        if op == "delete" and len(lines) > 1:
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "dedent":
            lines[i] = lines[i].lstrip(" ") if draw(st.booleans()) else lines[i][4:] if lines[i].startswith("    ") else lines[i]
        else:
            tokens = _TOKEN.findall(lines[i])
            if not tokens:
                continue
            k = draw(st.integers(0, len(tokens) - 1))
            if op == "token-delete":
                del tokens[k]
            elif op == "token-duplicate":
                tokens.insert(k, tokens[k])
            else:
                m = draw(st.integers(0, len(tokens) - 1))
                tokens[k], tokens[m] = tokens[m], tokens[k]
            lines[i] = "".join(tokens)
    return "".join(lines)


@fuzz(EXAMPLES)
@given(mutated_real_files())
def test_mutated_real_files(pipeline, source: str) -> None:
    pipeline(source, "mutated-real")


@fuzz(EXAMPLES)
@given(st.sampled_from(REAL_FILES))
def test_real_files_unmutated(pipeline, path: Path) -> None:
    """The package's own modules and the examples, as they are: analysed, lines in range."""
    pipeline(path.read_text(encoding="utf-8"), "real")


def test_deadline_catches_a_hang() -> None:
    if not hasattr(signal, "setitimer"):
        pytest.skip("no interval timers on this platform")
    with pytest.raises(Hang), deadline(0.2):
        while True:
            pass


def test_report_counts() -> None:
    """Not a check: prints how many inputs each target ran in this session (docs/reliability.md)."""
    print("source fuzz inputs:", dict(sorted(COUNTS.items())))
