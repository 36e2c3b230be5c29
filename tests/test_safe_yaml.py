"""The shared YAML reader (lint_privacy.safe_yaml) on its own: positions, caps and refusals."""

from __future__ import annotations

import time

import pytest

from lint_privacy.safe_yaml import MAX_DEPTH, YamlError, parse_yaml


def test_plain_data_and_positions() -> None:
    data, loc, problems = parse_yaml("a:\n  - 1\n  - NO\nb: {on: x}\n")
    assert data == {"a": [1, False], "b": {"on": "x"}} and problems == []  # keys stay text
    assert loc is not None and (loc.at(["a", 1]).line, loc.at(["a", 1]).column) == (3, 5)
    assert (loc.at(["b"]).keys["on"].line, loc.at(["b"]).keys["on"].column) == (4, 5)


def test_no_document() -> None:
    assert parse_yaml("# only a comment\n") == (None, None, [])


def test_duplicate_key_names_both_positions() -> None:
    data, _, problems = parse_yaml("a: 1\nb:\n  c: 2\n  c: 3\n")
    assert data == {"a": 1, "b": {"c": 2}}  # the first one is kept
    (problem,) = problems
    assert (problem.line, problem.column, problem.kind, problem.subject) == (4, 3, "duplicate", "c")
    assert problem.other == (3, 3)
    assert problem.message == "duplicate key 'c' (first at line 3, column 3)"


# Six levels of ten aliases each: a million nodes from a few hundred bytes.
ALIAS_BOMB = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 6)
)


@pytest.mark.parametrize("cap", [1_000, 50_000, 200_000])
def test_alias_bomb_fails_fast(cap: int) -> None:
    started = time.perf_counter()
    with pytest.raises(YamlError) as err:
        parse_yaml(ALIAS_BOMB, max_nodes=cap, what="catalog")
    assert time.perf_counter() - started < 1.0
    problem = err.value.problems[-1]
    assert problem.kind == "nodes" and f"more than {cap:,} nodes (an alias bomb?)" in problem.message
    assert "a catalog needs far fewer" in problem.message


def test_alias_bomb_under_a_higher_cap_is_read() -> None:
    data, _, problems = parse_yaml(ALIAS_BOMB.split("a4:")[0], max_nodes=20_000)  # 11,110 nodes
    assert problems == [] and len(data["a3"]) == 10


def test_object_building_tag_is_refused_and_never_built() -> None:
    data, _, problems = parse_yaml("a: !!python/object/apply:os.system [echo hi]\nb: !!python/object:x {}\n")
    assert data == {"a": ["echo hi"], "b": {}}  # plain data: nothing was constructed
    assert [(p.line, p.column, p.kind) for p in problems] == [(1, 4, "tag"), (2, 4, "tag")]
    assert problems[0].subject == "tag:yaml.org,2002:python/object/apply:os.system"
    assert problems[0].message.startswith("tag '!!python/object/apply:os.system' is not allowed")


def test_depth_cap() -> None:
    parse_yaml("[" * MAX_DEPTH + "]" * MAX_DEPTH)
    with pytest.raises(YamlError) as err:
        parse_yaml("a: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH)
    problem = err.value.problems[-1]
    assert (problem.line, problem.column, problem.kind) == (1, 3 + MAX_DEPTH, "depth")
    assert f"nested deeper than {MAX_DEPTH} levels" in problem.message


def test_recursive_alias_names_its_anchor() -> None:
    with pytest.raises(YamlError) as err:
        parse_yaml("a: &a [x, *a]\n")
    problem = err.value.problems[-1]
    assert (problem.line, problem.column, problem.kind, problem.other) == (1, 11, "cycle", (1, 4))


def test_problems_before_a_fatal_one_are_kept() -> None:
    with pytest.raises(YamlError) as err:
        parse_yaml("a: 1\na: 2\nb: [\n")
    assert [p.kind for p in err.value.problems] == ["duplicate", "syntax"]
