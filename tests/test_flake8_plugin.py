"""The flake8 door, used as a user would: selection, configuration files, noqa, jobs, stdin (how
editors call flake8), a missing, invalid or absent policy, and files that do not parse.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import CLI, POLICY, Run, in_parallel, line_of, run_cli, run_flake8, write_project

MODELS = '''
    from django.db import models


    class Contact(models.Model):
        email = models.EmailField()  # privacy: account_user_data retention=12mo
        phone = models.CharField(max_length=20)
        plan = models.CharField(max_length=10)
'''

SERVICES = '''
    import logging

    from app.models import Contact

    logger = logging.getLogger(__name__)


    def signup(c: Contact):
        logger.info("signup %s", c.email)  # L:email
        logger.info("signup %s", c.email)  # noqa: PRV601  L:noqa_code
        logger.info("signup %s", c.email)  # noqa: PRV6  L:noqa_prefix
        logger.info("signup %s", c.email)  # noqa: E501  L:noqa_other
        logger.info("plan %s", c.plan)  # L:plan
        print(c.email)  # noqa: PRV3  L:noqa_wrong_family
'''

OUT = '''
    import requests

    from app.models import Contact


    def export(c: Contact):
        requests.post("https://api.hubapi.com/contacts", json={"email": c.email})  # noqa: PRV3
'''

FILES = {"app/__init__.py": "", "app/models.py": MODELS, "app/services.py": SERVICES}
# The shared project also has a file that does not parse and one with a pyflakes finding.
BASE_FILES = {**FILES, "app/out.py": OUT, "app/broken.py": "def broken(:\n    pass\n", "app/style.py": "import os\n"}
EMAIL = "account_user_data (Contact.email)"  # its category read from app/models.py


def L(marker: str) -> int:
    return line_of(SERVICES, marker)


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> tuple[Path, Run]:
    root = write_project(tmp_path_factory.mktemp("plugin"), BASE_FILES)
    return root, run_flake8(root, "--extend-select", "PRV", "--jobs", "2")


def test_extend_select_reports_prv_with_path_line_col_and_message(base) -> None:
    _, run = base
    hit = run.one("app/services.py", L("# L:email"), "PRV601")
    assert hit.col == 5
    assert hit.message == f"{EMAIL} is logged by logging.getLogger().info"
    # after the short first line, what the SPEC wants on every message: the data's origin
    assert hit.cites == "from app/models.py:5", run.dump()
    assert run.one("app/models.py", 6, "PRV103").message.startswith("Contact.phone looks like personal data")
    assert run.returncode == 1


def test_noqa_with_the_code_or_a_prefix_suppresses(base) -> None:
    _, run = base
    run.none("app/services.py", L("L:noqa_code"))
    run.none("app/services.py", L("L:noqa_prefix"))


def test_noqa_for_other_codes_does_not_suppress(base) -> None:
    _, run = base
    run.one("app/services.py", L("L:noqa_other"), "PRV601")
    run.one("app/services.py", L("L:noqa_wrong_family"), "PRV602")


def test_noqa_prv3_prefix_suppresses_recipient_findings(base) -> None:
    _, run = base
    codes = [h.code for h in run.at("app/out.py", 7, "PRV")]
    assert codes == ["PRV401"], run.dump()  # PRV302 suppressed by prefix, PRV401 not
    # and the promise it breaks: the notice's section and the law entry that decided it
    cites = run.one("app/out.py", 7, "PRV401").cites
    assert cites.startswith("from app/models.py:5; notice 7 + law: "), run.dump()


def test_extend_select_keeps_the_default_codes(base) -> None:
    _, both = base
    both.one("app/style.py", 1, "F401")
    both.one("app/broken.py", 1, "E999")  # flake8 reports the file that does not parse itself


@pytest.fixture(scope="module")
def followups(base) -> dict[str, Run]:
    """The runs on the shared project after the first one (which filled the facts cache), at once."""
    root, _ = base
    services = (root / "app/services.py").read_text(encoding="utf-8")
    return in_parallel({
        "selected": lambda: run_flake8(root, "--select", "PRV", "--jobs", "1"),
        "cli": lambda: run_cli(root, "check", "--policy", str(POLICY), "-q", "."),
        "stdin": lambda: run_flake8(root, "--select", "PRV", "--stdin-display-name", "app/services.py", "-",
                                    stdin=services),
        "draft": lambda: run_flake8(root, "--select", "PRV", "--stdin-display-name", "app/draft.py", "-",
                                    stdin=DRAFT),
    })


@pytest.fixture(scope="module")
def selected(followups: dict[str, Run]) -> Run:
    return followups["selected"]


def test_select_prv_reports_only_prv(base, selected: Run) -> None:
    _, both = base
    assert selected.hits and all(h.code.startswith("PRV") for h in selected.hits), selected.dump()
    assert [h for h in both.hits if h.code.startswith("PRV")] == selected.hits


def test_identical_output_with_one_and_two_jobs(base, selected: Run) -> None:
    _, two = base  # --jobs 2
    prv = [line for line in two.stdout.splitlines() if ": PRV" in line]
    assert prv and "\n".join(prv) + "\n" == selected.stdout  # --jobs 1
    assert selected.returncode == two.returncode == 1


def test_stdin_with_display_name_gives_the_same_findings_as_on_disk(followups: dict[str, Run], selected: Run) -> None:
    stdin = followups["stdin"]
    on_disk = selected.at("app/services.py")
    assert on_disk, selected.dump()
    assert stdin.hits == on_disk, stdin.dump()
    assert "Traceback" not in stdin.stderr  # app/broken.py does not parse: linting this file still works


DRAFT = '''
import logging

from app.models import Contact

logger = logging.getLogger(__name__)


def later(c: Contact):
    x = c.email
    logger.warning(x)
'''.lstrip()


def test_unsaved_buffer_on_stdin_is_judged_with_the_project(followups: dict[str, Run]) -> None:
    run = followups["draft"]
    hit = run.one("app/draft.py", 10, "PRV601")
    assert hit.message.startswith(EMAIL)  # Contact.email resolved from app/models.py on disk


def test_a_change_in_another_file_shows_up_when_linting_one_file(tmp_path) -> None:
    root = write_project(tmp_path, FILES)
    line = L("# L:plan")
    before = run_flake8(root, "--select", "PRV", "app/services.py")
    before.none("app/services.py", line)
    models = root / "app/models.py"
    models.write_text(models.read_text(encoding="utf-8").replace(
        "plan = models.CharField(max_length=10)",
        "plan = models.CharField(max_length=10)  # privacy: usage_data retention=1y"), encoding="utf-8")
    after = run_flake8(root, "--select", "PRV", "app/services.py")
    hit = after.one("app/services.py", line, "PRV601")
    assert hit.message == "usage_data (Contact.plan) is logged by logging.getLogger().info"  # annotated now


# --- configuration files --------------------------------------------------------------------


CONFIGS = ("setup.cfg", "tox.ini", ".flake8")


@pytest.fixture(scope="module")
def setups(tmp_path_factory) -> dict[str, Run]:
    """One project per way of configuring (or misconfiguring) the plugin, linted at once."""
    jobs = {}
    for config in CONFIGS:
        root = tmp_path_factory.mktemp("config")
        (root / "policies").mkdir()
        shutil.copy(POLICY, root / "policies" / "mine.yaml")
        write_project(root, {**FILES, config: "[flake8]\nprivacy-policy = policies/mine.yaml\n"}, setup_cfg=None)
        # run from a subfolder: the policy path is relative to the config file, not the working folder
        jobs[config] = lambda root=root: run_flake8(root / "app", "--select", "PRV", "services.py")
    root = write_project(tmp_path_factory.mktemp("cmdline"), FILES, setup_cfg="[flake8]\n")
    jobs["cmdline"] = lambda root=root: run_flake8(
        root, "--select", "PRV", "--privacy-policy", str(POLICY), "app/services.py")
    root = write_project(tmp_path_factory.mktemp("missing"), FILES,
                         setup_cfg="[flake8]\nprivacy-policy = policies/nope.yaml\n")
    jobs["missing"] = lambda root=root: run_flake8(root, "--extend-select", "PRV")
    root = tmp_path_factory.mktemp("invalid")
    (root / "bad.yaml").write_text("version: 1\nnotice:\n  title: [unclosed\n", encoding="utf-8")
    write_project(root, FILES, setup_cfg=f"[flake8]\nprivacy-policy = {root / 'bad.yaml'}\n")
    jobs["invalid"] = lambda root=root: run_flake8(root, "--extend-select", "PRV")
    root = write_project(tmp_path_factory.mktemp("nopolicy"), {**FILES, "app/style.py": "import os\n"},
                         setup_cfg="[flake8]\nmax-line-length = 200\n")
    jobs["nopolicy"] = lambda root=root: run_flake8(root, select=False)
    jobs["nopolicy-selected"] = lambda root=root: run_flake8(root, "--extend-select", "PRV")
    return in_parallel(jobs)


@pytest.mark.parametrize("config", CONFIGS)
def test_policy_option_is_read_from_each_config_file_relative_to_it(setups: dict[str, Run], config: str) -> None:
    run = setups[config]
    assert [(h.line, h.code) for h in run.hits] == [(L("# L:email"), "PRV601"), (L("L:noqa_other"), "PRV601"),
                                                    (L("L:noqa_wrong_family"), "PRV602")], run.dump()


def test_privacy_policy_on_the_command_line(setups: dict[str, Run]) -> None:
    setups["cmdline"].one("app/services.py", L("# L:email"), "PRV601")


# --- policy problems ------------------------------------------------------------------------


def test_missing_policy_stops_the_run_with_one_clear_message(setups: dict[str, Run]) -> None:
    run = setups["missing"]
    assert run.returncode != 0
    assert "Traceback" not in run.stderr + run.stdout
    assert run.hits == [], run.dump()
    assert run.stderr.startswith("lint-privacy: cannot run:"), run.dump()
    problems = [line for line in run.stderr.splitlines()[1:] if line.strip()]
    assert len(problems) == 1 and "nope.yaml" in problems[0], run.dump()


def test_invalid_policy_is_prv001_lines_with_file_line_col(setups: dict[str, Run]) -> None:
    run = setups["invalid"]
    assert run.returncode != 0
    assert "Traceback" not in run.stderr + run.stdout
    lines = [x.strip() for x in run.stderr.splitlines() if "PRV001" in x]
    assert lines, run.dump()
    assert all(x.startswith("PRV001 ") and "bad.yaml:" in x for x in lines), run.dump()
    assert any(re.search(r"bad\.yaml:[1-9]\d*:[1-9]\d*", x) for x in lines), run.dump()


def test_no_policy_configured_says_once_that_the_checks_are_off(setups: dict[str, Run]) -> None:
    # Installed but not configured for this project: no PRV finding, flake8's own checks run,
    # and one line on stderr says why (issue 17: the editor path was silent).
    run = setups["nopolicy"]
    assert [h for h in run.hits if h.code.startswith("PRV")] == [], run.dump()
    run.one("app/style.py", 1, "F401")  # flake8's own checks still run
    assert run.returncode == 1
    assert run.stderr.count("lint-privacy: PRV checks are off: no policy given for the project at") == 1, run.dump()
    assert "Traceback" not in run.stderr


def test_prv_asked_for_without_a_policy_stops_the_run(setups: dict[str, Run]) -> None:
    run = setups["nopolicy-selected"]
    assert run.returncode == 2 and run.hits == [], run.dump()
    assert "lint-privacy: cannot run:" in run.stderr and "no policy given" in run.stderr, run.dump()
    assert "Traceback" not in run.stderr


# --- files that do not parse ----------------------------------------------------------------


@pytest.fixture(scope="module")
def cli(followups: dict[str, Run]) -> Run:
    return followups["cli"]


def test_syntax_error_in_another_file_does_not_stop_linting_the_rest(base, cli: Run) -> None:
    _, everything = base
    everything.one("app/services.py", L("# L:email"), "PRV601")
    assert "Traceback" not in everything.stderr
    everything.none("app/broken.py", code="PRV")  # flake8 never calls plugins on it: E999 says it


def test_cli_reports_a_file_that_does_not_parse_as_prv002_and_exits_2(cli: Run) -> None:
    hit = cli.one("app/broken.py", 1, "PRV002")
    assert hit.message.startswith("this file was not analysed: syntax error at line 1")
    cli.one("app/services.py", L("# L:email"), "PRV601")
    assert cli.returncode == 2, cli.dump()
    assert "Traceback" not in cli.stderr


def test_cli_and_flake8_report_the_same_findings(selected: Run, cli: Run) -> None:
    others = [h for h in cli.hits if h.code != "PRV002"]
    assert sorted(map(str, others)) == sorted(map(str, selected.hits)), cli.dump() + selected.dump()
    assert Path(CLI).name == "lint-privacy"
