"""Every class of bad policy gives one clear problem with its file, line and column, never a traceback.
Each test breaks one line of a small valid policy and asserts the message and where it points."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lint_privacy import safe_yaml
from lint_privacy.policy import PolicyError, Problem, load_policy
from lint_privacy.policy.loader import MAX_BYTES

# Line numbers below are this text's; the tests replace one line and expect the problem there.
BASE = """\
format: 1
notice:
  title: Small Co Privacy Notice
  last_updated: "2024-01-01"
  controller: {name: Small Co}
  subjects:
    customer: {name: Customer, section: "1"}
  purposes:
    service: {description: Run the service, section: "1"}
  triggers:
    closed: {description: the closure of the account}
  categories:
    account:
      title: Account
      section: "2"
      subjects: [customer]
      elements: [email, person_name]
      purposes:
        - {purpose: service, bases: [contract]}
      retention:
        - id: main
          section: "3"
          quote: Deleted a year after closure.
          period: 12mo
          trigger: closed
  recipients:
    mailer:
      name: Mailer Inc
      kind: processor
      section: "4"
      categories: [account]
      safeguards: [scc]
  safeguards:
    scc: {name: Standard contractual clauses, section: "5"}
  transfer:
    section: "5"
    quote: We use SCCs outside the EEA.
    inside: [EEA]
    adequacy: eu
    accepted_safeguards: [scc]
    covered_recipients: [mailer]
law:
  adequacy:
    eu: {source: https://example.org, as_of: "2026-01-01", decisions: [{country: CH, name: Switzerland}]}
  regions:
    EEA: {source: https://example.org, countries: [DE, FR, "NO"]}
"""
LINES = BASE.splitlines()


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def replace_line(number: int, old: str, new: str) -> str:
    """BASE with ``old`` replaced by ``new`` on one 1-based line (the line must contain it)."""
    lines = list(LINES)
    assert old in lines[number - 1], (number, lines[number - 1])
    lines[number - 1] = lines[number - 1].replace(old, new)
    return "\n".join(lines) + "\n"


def problems_of(path: Path | str) -> list[Problem]:
    with pytest.raises(PolicyError) as info:
        load_policy(path)
    assert info.value.problems, "a PolicyError always carries its problems"
    return info.value.problems


def only_problem(path: Path | str) -> Problem:
    problems = problems_of(path)
    assert len(problems) == 1, [str(p) for p in problems]
    return problems[0]


def test_the_base_policy_is_valid(tmp_path: Path) -> None:
    policy = load_policy(write(tmp_path, BASE))
    assert list(policy.categories) == ["account"] and policy.transfer.inside == ("DE", "FR", "NO")


def test_yaml_syntax_error_names_its_line(tmp_path: Path) -> None:
    problem = only_problem(write(tmp_path, replace_line(14, "title: Account", "title: [Account")))
    assert problem.line == 15 and "YAML syntax error" in problem.message


def test_duplicate_key_names_both_positions(tmp_path: Path) -> None:
    text = replace_line(15, 'section: "2"', 'section: "2"\n      title: Again')
    problem = only_problem(write(tmp_path, text))
    assert (problem.line, problem.column) == (16, 7)
    assert problem.message == "duplicate key 'title' (first at line 14, column 7)"


def test_unknown_key_says_what_is_allowed_and_suggests(tmp_path: Path) -> None:
    problem = only_problem(write(tmp_path, replace_line(24, "period:", "perod:")))
    assert problem.line == 24
    assert "unknown key 'perod' (did you mean 'period'?)" in problem.message
    assert "allowed: id, section, quote, period, trigger, rule, cap, subjects, note" in problem.message


def test_missing_key_says_which(tmp_path: Path) -> None:
    problem = only_problem(write(tmp_path, replace_line(28, "name: Mailer Inc", "service: Mail")))
    assert problem.line == 27  # where the recipient is named
    assert "notice.recipients.mailer: missing key 'name'" in problem.message


def test_wrong_type_says_what_was_expected(tmp_path: Path) -> None:
    problem = only_problem(write(tmp_path, replace_line(14, "title: Account", "title: [Account, Area]")))
    assert (problem.line, problem.column) == (14, 14)
    assert problem.message == "notice.categories.account.title: expected text, found a list"


def test_unquoted_norway_is_explained(tmp_path: Path) -> None:
    problem = only_problem(write(tmp_path, replace_line(46, '"NO"', "NO")))
    assert problem.line == 46 and "YAML read 'NO' as true/false, quote it" in problem.message


def test_unparseable_retention_period(tmp_path: Path) -> None:
    problem = only_problem(write(tmp_path, replace_line(24, "12mo", "twelve months")))
    assert (problem.line, problem.column) == (24, 19)
    assert "'twelve months' is not a duration" in problem.message and "12mo" in problem.message


def test_period_without_trigger_or_rule(tmp_path: Path) -> None:
    problem = only_problem(write(tmp_path, replace_line(25, "trigger: closed", "note: no trigger")))
    assert problem.line == 21 and "a period needs a trigger" in problem.message


def test_unknown_category_reference(tmp_path: Path) -> None:
    problem = only_problem(write(tmp_path, replace_line(31, "[account]", "[acount]")))
    assert (problem.line, problem.column) == (31, 20)
    assert problem.message == "notice.recipients.mailer.categories[0]: unknown category 'acount' (did you mean 'account'?)"


def test_unknown_recipient_reference(tmp_path: Path) -> None:
    problem = only_problem(write(tmp_path, replace_line(41, "[mailer]", "[mailr]")))
    assert problem.line == 41 and "unknown recipient 'mailr' (did you mean 'mailer'?)" in problem.message


def test_unknown_safeguard_reference(tmp_path: Path) -> None:
    problem = only_problem(write(tmp_path, replace_line(32, "[scc]", "[sccs]")))
    assert problem.line == 32 and "unknown safeguard 'sccs' (did you mean 'scc'?)" in problem.message


def test_unknown_purpose_reference(tmp_path: Path) -> None:
    problem = only_problem(write(tmp_path, replace_line(19, "purpose: service", "purpose: servce")))
    assert problem.line == 19 and "unknown purpose 'servce' (did you mean 'service'?)" in problem.message


def test_unknown_id_without_close_match_lists_the_known_ones(tmp_path: Path) -> None:
    problem = only_problem(write(tmp_path, replace_line(25, "trigger: closed", "trigger: zzz")))
    assert problem.line == 25 and problem.message.endswith("unknown trigger 'zzz'; known: closed")


def test_object_building_tag_is_refused_and_never_run(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = replace_line(3, "title: Small Co Privacy Notice", f'title: !!python/object/apply:os.system ["touch {marker}"]')
    problems = problems_of(write(tmp_path, text))
    assert not marker.exists()
    assert problems[0].line == 3
    assert "tag '!!python/object/apply:os.system' is not allowed" in problems[0].message


def test_alias_bomb_fails_fast(tmp_path: Path) -> None:
    bomb = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi"):
        bomb.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    path = write(tmp_path, "\n".join(bomb) + "\n")
    start = time.perf_counter()
    problem = only_problem(path)
    assert time.perf_counter() - start < 0.2
    assert "expands to more than 50,000 nodes" in problem.message and "alias bomb" in problem.message
    assert problem.line == 5  # 9 ** 5 > 50,000: the alias that crosses the cap is on line 5


def test_deep_nesting_is_refused(tmp_path: Path) -> None:
    problem = only_problem(write(tmp_path, "a: " + "[" * 100 + "]" * 100 + "\n"))
    assert (problem.line, problem.column) == (1, 43) and "nested deeper than 40 levels" in problem.message


FEWER = "a policy needs far fewer"


@pytest.mark.parametrize("loader", ["SafeLoader", "CSafeLoader"])
def test_nesting_past_a_parsers_own_limit_is_one_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         loader: str) -> None:
    """5,000 levels. Some libyaml builds stop at 1,000 levels themselves (a syntax error); others
    (0.2.5, which pyyaml>=6.0 allows) and the pure-Python parser do not, and the policy's own cap
    stops them at 40. Either way: one problem on line 1, never a crash or a parse of it all."""
    if not hasattr(yaml, loader):
        pytest.skip("this PyYAML is built without libyaml")
    monkeypatch.setattr(safe_yaml, "_Loader", getattr(yaml, loader))
    problem = only_problem(write(tmp_path, "[" * 5000 + "]" * 5000))
    assert problem.line == 1
    if loader == "SafeLoader":
        assert (problem.column, problem.message) == (41, f"nested deeper than 40 levels; {FEWER}")
    else:
        said = ("nested deeper than 40 levels", "exceeded maximum nesting depth")
        assert any(words in problem.message for words in said)


def test_oversized_file(tmp_path: Path) -> None:
    path = write(tmp_path, BASE + "#" * (MAX_BYTES + 10) + "\n")
    problem = only_problem(path)
    assert (problem.line, problem.column) == (0, 0) and "larger than 2 MiB" in problem.message


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    problem = only_problem(path)
    assert (problem.path, problem.line, problem.message) == (str(path), 0, "policy file not found")
    assert str(problem) == f"{path}: policy file not found"


def test_not_utf8_empty_and_two_documents(tmp_path: Path) -> None:
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes(b"format: 1\ntitle: caf\xe9\n")
    assert (only_problem(bad).line, only_problem(bad).message) == (2, "policy file is not UTF-8 text")
    assert only_problem(write(tmp_path, "# nothing\n")).message == "policy file is empty"
    problem = only_problem(write(tmp_path, BASE + "---\nformat: 1\n"))
    assert problem.line == len(LINES) + 1 and "one YAML document" in problem.message


def test_every_problem_is_reported_sorted_by_line(tmp_path: Path) -> None:
    text = replace_line(32, "[scc]", "[sccs]")
    text = text.replace("purpose: service", "purpose: servce").replace("period: 12mo", "perod: 12mo")
    problems = problems_of(write(tmp_path, text))
    assert [p.line for p in problems] == [19, 24, 32]
    assert all(p.path.endswith("policy.yaml") for p in problems)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_no_edit_of_a_policy_ever_gives_a_traceback(tmp_path: Path, data: st.DataObject) -> None:
    text = BASE
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(text)))
        cut = data.draw(st.integers(0, 8))
        insert = data.draw(st.sampled_from(["", ":", "-", "[", "]", "{", "&x ", "*x", "!!", "\n", "  ", "'", "1", "~"]))
        text = text[:at] + insert + text[at + cut:]
    path = write(tmp_path, text)
    try:
        load_policy(path)
    except PolicyError as exc:
        assert exc.problems
        for problem in exc.problems:
            assert "internal error" not in problem.message, problem
            assert problem.line >= 0 and os.fspath(path) == problem.path


def test_yaml_problems_and_schema_problems_come_together(tmp_path: Path) -> None:
    text = replace_line(15, 'section: "2"', 'section: "2"\n      title: Again').replace("perod", "x")
    text = text.replace("      elements: [email, person_name]", "      elemnts: [email, person_name]")
    problems = problems_of(write(tmp_path, text))
    assert [(p.line, p.message.split(":")[0]) for p in problems] == [
        (13, "notice.categories.account"),  # missing 'elements', where the category is named
        (16, "duplicate key 'title' (first at line 14, column 7)"),
        (18, "notice.categories.account")]  # unknown 'elemnts'
    assert "missing key 'elements'" in problems[0].message and "did you mean 'elements'" in problems[2].message


def test_each_missing_key_is_reported_once(tmp_path: Path) -> None:
    problems = problems_of(write(tmp_path, "format: 1\nnotice: {title: T}\nlaw: {}\n"))
    missing = [p.message.split("'")[1] for p in problems]
    assert missing == sorted(set(missing)) == sorted(
        ["controller", "last_updated", "subjects", "purposes", "categories", "recipients", "safeguards", "transfer"])
    assert all((p.line, p.column) == (2, 1) for p in problems)


def test_control_characters_and_problems_before_a_syntax_error(tmp_path: Path) -> None:
    problem = only_problem(write(tmp_path, 'format: 1\nnotice: "\x01"\n'))
    assert (problem.line, problem.column) == (2, 10)
    assert problem.message.startswith("not readable as YAML: ") and "\n" not in problem.message
    problems = problems_of(write(tmp_path, "format: 1\nformat: 1\nnotice: [\n"))
    assert [p.line for p in problems] == [2, 4]
    assert "duplicate key 'format'" in problems[0].message and "YAML syntax error" in problems[1].message
