"""Fuzzing the policy loader (issue 7): whatever the file holds, ``load_policy`` returns a Policy
or raises PolicyError whose every problem names the file, a line and a column, never another
exception, never an "internal error", and never takes more than a second.

Budget: ``LINT_PRIVACY_FUZZ_EXAMPLES`` examples per target (default 25; see docs/reliability.md).
"""

from __future__ import annotations

import copy
import os
import re
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lint_privacy.policy import PolicyError, load_policy
from lint_privacy.policy.loader import MAX_BYTES, MAX_DEPTH, MAX_NODES
from lint_privacy.policy.model import Policy

REPO = Path(__file__).resolve().parent.parent
POLICIES = {name: (REPO / "policies" / name).read_text(encoding="utf-8") for name in ("infobip.yaml", "acme-example.yaml")}
DATA = {name: yaml.safe_load(text) for name, text in POLICIES.items()}

EXAMPLES = int(os.environ.get("LINT_PRIVACY_FUZZ_EXAMPLES", "25"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,  # wall time varies with the machine's load; the 1 s bound below is CPU time
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
SECONDS = 1.0
COUNTS: dict[str, int] = {}


def check_load(path: Path, target: str) -> Policy | PolicyError:
    """Load once: a Policy, or a PolicyError every problem of which is well formed."""
    COUNTS[target] = COUNTS.get(target, 0) + 1
    start = time.process_time()
    try:
        result: Policy | PolicyError = load_policy(path)
    except PolicyError as exc:
        result = exc
    elapsed = time.process_time() - start
    assert elapsed < SECONDS, f"{target}: loading took {elapsed:.2f} s of CPU"
    if isinstance(result, PolicyError):
        assert result.problems, "a PolicyError with no problem"
        lines = path.read_bytes().count(b"\n") + 2
        for p in result.problems:
            assert "internal error" not in p.message, (p, path.read_text("utf-8", "replace")[:2000])
            assert p.path == os.fspath(path)
            assert 0 <= p.line <= lines and p.column >= 0, p
            assert str(p).startswith(f"{path}:{p.line}:{p.column}: " if p.line > 0 else f"{path}: ")
            assert p.message and "\n" not in p.message, p  # one problem, one line
    else:
        assert isinstance(result, Policy)
    return result


@pytest.fixture
def policy_file(tmp_path: Path):
    path = tmp_path / "policy.yaml"

    def write(text: str | bytes) -> Path:
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    return write


def test_the_shipped_policies_load(policy_file) -> None:
    for name, text in POLICIES.items():
        assert isinstance(check_load(policy_file(text), "shipped"), Policy), name


# ------------------------------------------------------------------- mutated valid policies


def _paths(data: Any) -> list[tuple[Any, ...]]:
    """Every path to a node (keys and indexes), the root excluded; a loop, not recursion."""
    found: list[tuple[Any, ...]] = []
    stack: list[tuple[tuple[Any, ...], Any]] = [((), data)]
    while stack:
        path, node = stack.pop()
        children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        for key, child in children:
            found.append(path + (key,))
            stack.append((path + (key,), child))
    return sorted(found, key=repr)


PATHS = {name: _paths(data) for name, data in DATA.items()}

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**70), 2**70), st.floats(allow_nan=True),
    st.text(max_size=30), st.sampled_from(["NO", "yes", "on", "2y", "12mo", "~", "", "EEA", "US", "0x1F", "1e400"]),
)
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4), max_leaves=12)


def _parent(data: Any, path: tuple[Any, ...]) -> Any:
    node = data
    for part in path[:-1]:
        node = node[part]
    return node


@FUZZ
@given(st.sampled_from(sorted(DATA)), st.data())
def test_mutated_valid_policies(policy_file, name: str, data: st.DataObject) -> None:
    doc = copy.deepcopy(DATA[name])
    for _ in range(data.draw(st.integers(1, 4), label="mutations")):
        paths = _paths(doc) if doc is not DATA[name] else PATHS[name]
        if not paths:
            break
        path = data.draw(st.sampled_from(paths), label="path")
        parent, last = _parent(doc, path), path[-1]
        op = data.draw(st.sampled_from(["drop", "retype", "rename", "duplicate"]), label="op")
        if op == "drop":
            del parent[last]
        elif op == "retype":
            parent[last] = data.draw(values, label="value")
        elif op == "rename" and isinstance(parent, dict):
            new = data.draw(st.one_of(st.text(max_size=12), st.just(str(last) + "s"), st.just(str(last)[:-1])), label="key")
            parent[new] = parent.pop(last)
        elif op == "duplicate" and isinstance(parent, list):
            parent.insert(last, copy.deepcopy(parent[last]))
        elif op == "duplicate" and isinstance(parent, dict):
            parent[f"{last}_copy"] = copy.deepcopy(parent[last])
    text = yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)
    check_load(policy_file(text), "mutated-data")


@FUZZ
@given(st.sampled_from(sorted(POLICIES)), st.data())
def test_mutated_policy_text(policy_file, name: str, data: st.DataObject) -> None:
    """Lines deleted, duplicated (duplicate keys), swapped, re-indented; characters cut and inserted."""
    lines = POLICIES[name].splitlines(keepends=True)
    for _ in range(data.draw(st.integers(1, 5), label="mutations")):
        if not lines:
            break
        i = data.draw(st.integers(0, len(lines) - 1), label="line")
        op = data.draw(st.sampled_from(["delete", "duplicate", "swap", "indent", "dedent", "cut", "insert"]), label="op")
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = data.draw(st.integers(0, len(lines) - 1), label="other")
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "indent":
            lines[i] = "  " + lines[i]
        elif op == "dedent":
            lines[i] = lines[i][2:] if lines[i].startswith("  ") else lines[i]
        elif op == "cut":
            at = data.draw(st.integers(0, len(lines[i])), label="at")
            lines[i] = lines[i][:at] + lines[i][at + data.draw(st.integers(1, 6), label="n"):]
        else:
            at = data.draw(st.integers(0, len(lines[i])), label="at")
            insert = data.draw(st.one_of(
                st.sampled_from([":", "- ", "[", "]", "{", "}", "&a ", "*a", "!!str ", "? ", "|", ">", "'", '"', "#",
                                 "\t", "%YAML 1.1\n", "---\n", "...\n", "\x00", "\x85", "\ufeff", "<<: *a\n"]),
                st.text(max_size=5)), label="insert")
            lines[i] = lines[i][:at] + insert + lines[i][at:]
    check_load(policy_file("".join(lines)), "mutated-text")


# ------------------------------------------------------------------------------ random YAML

yaml_tokens = st.sampled_from(list("abc:-[]{},&*!|>'\"#?%@` \n\t0123456789.~") + ["  ", "\n  ", "- ", ": ", "&a ", "*a"])


@FUZZ
@given(st.one_of(st.lists(yaml_tokens, max_size=120).map("".join), st.text(max_size=200), st.binary(max_size=200)))
def test_random_yaml_text(policy_file, text: str | bytes) -> None:
    check_load(policy_file(text), "random-text")


@FUZZ
@given(values, st.sampled_from([None, "flow", "block"]))
def test_random_yaml_documents(policy_file, doc: Any, style: str | None) -> None:
    text = yaml.safe_dump(doc, default_flow_style={"flow": True, "block": False}.get(style), allow_unicode=True)
    check_load(policy_file(text), "random-doc")
    check_load(policy_file(yaml.safe_dump({"format": 1, "notice": doc})), "random-doc")


# ------------------------------------------------------------------------ object-building tags

TAGS = [
    "!!python/object/apply:os.system ['touch {marker}']",
    "!!python/object/new:os.system ['touch {marker}']",
    "!!python/name:os.system",
    "!!python/module:os",
    "!!python/object:argparse.Namespace {{a: 1}}",
    "!!python/tuple [1, 2]",
    "!!binary aGVsbG8=",
    "!!set {{a, b}}",
    "!!omap [a: 1]",
    "!!pairs [a: 1]",
    "!custom value",
    "!<tag:example.com,2000:app/x> value",
    "!!timestamp 2001-12-14",
    "!!int '12'",
    "!!float x",
]


_PLAIN_KEY = re.compile(r"^(?P<key>\s*(?:- )?[A-Za-z_][\w-]*): +[^\s#{\[|>&*!]")


def _ends_on_its_line(lines: list[str], i: int) -> bool:
    """No continuation line follows (a value wrapped onto the next, more indented, line)."""
    column = len(lines[i]) - len(lines[i].lstrip(" -"))
    for nxt in lines[i + 1:]:
        if nxt.strip() and not nxt.lstrip().startswith("#"):
            return len(nxt) - len(nxt.lstrip(" ")) <= column
    return True


@FUZZ
@given(st.sampled_from(sorted(POLICIES)), st.sampled_from(TAGS), st.data())
def test_object_building_tags_are_refused_never_run(policy_file, tmp_path: Path, name: str, tag: str, data: st.DataObject) -> None:
    marker = tmp_path / "pwned"
    lines = POLICIES[name].splitlines(keepends=True)
    # `key: value` lines with a plain key and a value on the line (not inside a quoted string):
    # the tagged node replaces a whole node and the rest of the document still parses.
    candidates = [i for i, line in enumerate(lines) if _PLAIN_KEY.match(line) and _ends_on_its_line(lines, i)]
    i = data.draw(st.sampled_from(candidates), label="line")
    key = _PLAIN_KEY.match(lines[i]).group("key")
    lines[i] = f"{key}: {tag.format(marker=marker)}\n"
    result = check_load(policy_file("".join(lines)), "tags")
    assert not marker.exists()
    if "python/" in tag or tag.startswith(("!custom", "!<", "!!binary", "!!set", "!!omap", "!!pairs")):
        assert isinstance(result, PolicyError)
        assert any("is not allowed" in p.message for p in result.problems), result


# --------------------------------------------------------------------- bombs, size and depth


@FUZZ
@given(st.integers(2, 12), st.integers(2, 12), st.booleans(), st.booleans())
def test_alias_bombs(policy_file, width: int, depth: int, flow: bool, inside_policy: bool) -> None:
    lines = [f"l0: &l0 [{', '.join(['lol'] * width)}]"]
    for d in range(1, depth + 1):
        refs = ", ".join([f"*l{d - 1}"] * width)
        lines.append(f"l{d}: &l{d} [{refs}]" if flow else f"l{d}: &l{d}\n" + "".join(f"  - *l{d - 1}\n" for _ in range(width)).rstrip("\n"))
    text = "\n".join(lines) + "\n"
    if inside_policy:
        text = POLICIES["acme-example.yaml"] + "bomb:\n" + "".join("  " + line + "\n" for line in text.splitlines())
    result = check_load(policy_file(text), "alias-bombs")
    assert isinstance(result, PolicyError)
    if width ** (depth + 1) > MAX_NODES:
        assert any("alias bomb" in p.message for p in result.problems), result


@FUZZ
@given(st.integers(MAX_DEPTH - 2, 3000), st.sampled_from(["[", "{a: ", "- ", "block-map"]))
def test_deep_nesting(policy_file, depth: int, kind: str) -> None:
    if kind == "[":
        text = "a: " + "[" * depth + "]" * depth + "\n"
    elif kind == "{a: ":
        text = "a: " + "{a: " * depth + "1" + "}" * depth + "\n"
    elif kind == "- ":
        text = "".join("  " * i + "-\n" for i in range(min(depth, 400))) + "  " * min(depth, 400) + "- x\n"
    else:
        text = "".join("  " * i + f"k{i}:\n" for i in range(min(depth, 400))) + "  " * min(depth, 400) + "v: 1\n"
    result = check_load(policy_file(text), "deep")
    assert isinstance(result, PolicyError)


@pytest.mark.parametrize("kind", ["comment", "list", "mapping", "long-line", "just-over"])
def test_huge_files(policy_file, kind: str) -> None:
    if kind == "comment":
        text = POLICIES["acme-example.yaml"] + "#" * (MAX_BYTES - len(POLICIES["acme-example.yaml"]) - 10) + "\n"
    elif kind == "list":  # under the size cap, over the node cap
        text = "a:\n" + "- x\n" * ((MAX_BYTES - 10) // 4)
    elif kind == "mapping":
        text = "".join(f"k{i}: 1\n" for i in range(200_000))[: MAX_BYTES - 10]
        text = text[: text.rfind("\n") + 1]
    elif kind == "long-line":
        text = "a: " + "x" * (MAX_BYTES - 10) + "\n"
    else:
        text = POLICIES["infobip.yaml"] * (MAX_BYTES // len(POLICIES["infobip.yaml"]) + 1)
    result = check_load(policy_file(text), "huge")
    # A valid policy padded with a comment to just under the cap still loads (within the second).
    assert isinstance(result, Policy if kind == "comment" else PolicyError)
    if kind == "just-over":
        assert "larger than" in result.problems[0].message


# Found by the fuzzers at 1,000 examples (a key or a value holding a line break was quoted raw,
# so the problem spanned two lines); fixed in the loader by its owner (91afc52).
@pytest.mark.parametrize("text", ['"\\n": null\n', "format: !!float 'x\n\n  law'\n"])
def test_problems_quoting_multi_line_text_stay_one_line(policy_file, text: str) -> None:
    result = check_load(policy_file(text), "one-line")
    assert isinstance(result, PolicyError)
    assert all("\n" not in p.message for p in result.problems), result.problems


def test_report_counts() -> None:
    """Not a check: prints how many inputs each target loaded in this run (see docs/reliability.md)."""
    print("policy fuzz inputs:", dict(sorted(COUNTS.items())))
