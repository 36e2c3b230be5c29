"""Issue 17: the first hour of a new user on a real project, each stumble reproduced on real
files (flake8 or the CLI in tmp_path) and shown gone."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import CLI, FLAKE8, POLICY, Run, _env, in_parallel, line_of, parse_hits, run_cli, run_flake8, write_project

SIGNUP = '''
    import logging

    log = logging.getLogger(__name__)


    def signup(request):
        email = request.POST["email"]
        log.info("signup %s", email)  # L:log
'''

MODELS = '''
    from django.db import models


    class Contact(models.Model):
        handle = models.CharField(max_length=40)  # privacy: account_user_data retention=12mo
'''

API = '''
    import logging

    from app.models import Contact

    log = logging.getLogger(__name__)


    def show(contact: Contact):
        log.info("showing %s", contact.handle)  # L:cross
'''


def run_in(cwd: Path, command: str, *args: str) -> Run:
    """flake8 or the CLI run from ``cwd`` exactly as given (no option added)."""
    proc = subprocess.run([command, *args], cwd=cwd, capture_output=True, text=True, env=_env(), timeout=120)
    return Run(proc.returncode, proc.stdout, proc.stderr, parse_hits(proc.stdout))


# --- 1. files flake8 checks that the project's settings exclude -------------------------------


def test_files_the_project_excludes_are_not_judged_and_flake8_says_so_once(tmp_path: Path) -> None:
    """With extend-exclude in [tool.lint-privacy] only, flake8 still hands over the migrations:
    each was judged against the whole project (0.3 s and tens of MB each on a real app, and
    findings in files the user excluded). Now they are left out, with one note for the run."""
    files = {"pyproject.toml": f'[tool.lint-privacy]\npolicy = "{POLICY}"\nextend-exclude = ["migrations"]\n',
             "app/__init__.py": "", "app/views.py": SIGNUP, "app/migrations/__init__.py": ""}
    files.update({f"app/migrations/000{i}_auto.py": SIGNUP for i in range(1, 6)})
    write_project(tmp_path, files, setup_cfg=None)
    runs = in_parallel({"jobs": lambda: run_in(tmp_path, FLAKE8, "--select", "PRV", "--jobs", "2", "."),
                        "serial": lambda: run_in(tmp_path, FLAKE8, "--select", "PRV", "app/views.py",
                                                 "app/migrations/0001_auto.py")})
    for run in runs.values():
        assert {h.path for h in run.hits} == {"app/views.py"}, run.dump()
        run.one("app/views.py", line_of(SIGNUP, "# L:log"), "PRV601")
        assert run.stderr.count("are not judged") == 1, run.dump()
        # which excluded file flake8 hands over first depends on its job scheduling
        assert "app/migrations/" in run.stderr and "extend-exclude = migrations" in run.stderr, run.dump()
    # nothing to say when flake8 excludes them too
    quiet = run_in(tmp_path, FLAKE8, "--select", "PRV", "--extend-exclude", "migrations", ".")
    assert {h.path for h in quiet.hits} == {"app/views.py"} and "not judged" not in quiet.stderr, quiet.dump()


@pytest.mark.parametrize("start_method", ["fork", "forkserver", "spawn"])
def test_the_note_on_left_out_files_is_written_once_whatever_the_start_method(tmp_path: Path,
                                                                              start_method: str) -> None:
    """With spawn or forkserver (macOS, Windows, Linux from Python 3.14) each flake8 worker parses
    the options again in its own memory: a note written by the workers came once per worker.
    It is written by flake8's main process now, once, and counts the files left out."""
    files = {"pyproject.toml": f'[tool.lint-privacy]\npolicy = "{POLICY}"\nextend-exclude = ["migrations"]\n',
             "app/__init__.py": "", "app/views.py": SIGNUP, "app/migrations/__init__.py": "",
             "flake8_as.py": "import multiprocessing, sys\nif __name__ == '__main__':\n"
                             "    multiprocessing.set_start_method(sys.argv.pop(1))\n"
                             "    from flake8.main.cli import main\n    main()\n"}
    files.update({f"app/migrations/000{i}_auto.py": SIGNUP for i in range(1, 6)})
    write_project(tmp_path, files, setup_cfg=None)
    run = run_in(tmp_path, str(Path(FLAKE8).parent / "python"), "flake8_as.py", start_method,
                 "--select", "PRV", "--jobs", "2", "app")
    assert {h.path for h in run.hits} == {"app/views.py"}, run.dump()
    assert run.stderr.count("lint-privacy:") == 1, run.dump()
    assert "6 files that flake8 checks (app/migrations/0001_auto.py, " in run.stderr, run.dump()
    assert "and 3 more) are left out by the project's settings" in run.stderr, run.dump()


# --- 2. the project root, found as tools find it --------------------------------------------------


def test_check_on_a_subfolder_judges_the_whole_repository_and_prints_paths_from_the_cwd(tmp_path: Path) -> None:
    """``lint-privacy check app/api`` made app/api the project: the finding that needs
    app/models.py was lost, paths lost their folders, a cache was left in the source tree."""
    write_project(tmp_path, {"app/__init__.py": "", "app/models.py": MODELS, "app/api/__init__.py": "",
                             "app/api/views.py": API}, setup_cfg=None)
    (tmp_path / ".git").mkdir()
    line = line_of(API, "# L:cross")
    runs = in_parallel({"top": lambda: run_cli(tmp_path, "check", "--policy", str(POLICY), "app/api"),
                        "inside": lambda: run_cli(tmp_path / "app", "check", "--policy", str(POLICY), "api")})
    runs["top"].one("app/api/views.py", line, "PRV601")
    runs["inside"].one("api/views.py", line, "PRV601")
    for run in runs.values():
        assert run.returncode == 1 and len(run.hits) == 1, run.dump()
    assert (tmp_path / ".lint-privacy-cache").is_dir()
    assert not list(tmp_path.glob("app/**/.lint-privacy-cache")), "a cache was left inside the source tree"


def test_root_is_the_nearest_pyproject_or_setup_cfg_when_there_is_no_git(tmp_path: Path) -> None:
    for marker in ("pyproject.toml", "setup.cfg"):
        root = tmp_path / marker
        write_project(root, {marker: "", "app/__init__.py": "", "app/models.py": MODELS,
                             "app/api/__init__.py": "", "app/api/views.py": API}, setup_cfg=None)
        run = run_cli(root / "app" / "api", "check", "--policy", str(POLICY), ".")
        run.one("views.py", line_of(API, "# L:cross"), "PRV601")


# --- 3. the editor path: flake8 from a subfolder, settings only in pyproject.toml ------------------


def test_flake8_from_a_subfolder_finds_the_settings_of_pyproject_above(tmp_path: Path) -> None:
    write_project(tmp_path, {"pyproject.toml": f'[tool.lint-privacy]\npolicy = "{POLICY}"\n', "app/__init__.py": "",
                             "app/models.py": MODELS, "app/api/__init__.py": "", "app/api/views.py": API},
                  setup_cfg=None)
    line = line_of(API, "# L:cross")
    source = (tmp_path / "app/api/views.py").read_text(encoding="utf-8")
    runs = in_parallel({
        "folder": lambda: run_flake8(tmp_path / "app", "--select", "PRV", "api"),
        "editor": lambda: run_flake8(tmp_path / "app" / "api", "--select", "PRV", "--stdin-display-name",
                                     "views.py", "-", stdin=source),
    })
    runs["folder"].one("api/views.py", line, "PRV601")
    runs["editor"].one("views.py", line, "PRV601")


def test_settings_without_a_policy_stop_flake8_with_a_message(tmp_path: Path) -> None:
    write_project(tmp_path, {"pyproject.toml": '[tool.lint-privacy]\nextend-exclude = ["migrations"]\n',
                             "app/views.py": SIGNUP}, setup_cfg=None)
    run = run_in(tmp_path / "app", FLAKE8, "views.py")
    assert run.returncode == 2 and "no policy given for the project at" in run.stderr, run.dump()
    assert str(tmp_path) in run.stderr, run.dump()


def test_cli_names_the_root_it_looked_at_when_there_is_no_policy(tmp_path: Path) -> None:
    write_project(tmp_path, {"app/views.py": SIGNUP}, setup_cfg=None)
    (tmp_path / ".git").mkdir()
    run = run_in(tmp_path / "app", CLI, "check")
    assert run.returncode == 2 and f"no policy given for the project at {tmp_path}" in run.stderr, run.dump()
    assert os.path.isdir(tmp_path / "app") and not (tmp_path / "app" / ".lint-privacy-cache").exists()


# --- 5. `fix`: one suggestion per stub, each flow judged once --------------------------------------


PEOPLE = '''
    import logging

    from django.db import models

    log = logging.getLogger(__name__)


    class Person(models.Model):
        email = models.EmailField()  # L:field
        religion = models.CharField(max_length=20)  # L:religion


    def hello(person: Person):
        log.info("hello %s", person.email)  # L:log
'''


def test_fix_adds_one_finding_per_stub_and_no_flow_twice(tmp_path: Path) -> None:
    write_project(tmp_path, {"pyproject.toml": f'[tool.lint-privacy]\npolicy = "{POLICY}"\n', "app/people.py": PEOPLE},
                  setup_cfg=None)
    before = run_cli(tmp_path, "check", "--no-cache")
    fixed = run_in(tmp_path, CLI, "fix", "--no-cache")
    after = run_cli(tmp_path, "check", "--no-cache")
    assert fixed.returncode == 0, fixed.dump()
    assert "Person.religion: no stub: no category of the notice covers" in fixed.stderr, fixed.dump()
    field, log = line_of(PEOPLE, "# L:field"), line_of(PEOPLE, "# L:log")
    before.one("app/people.py", field, "PRV103")
    after.one("app/people.py", field, "PRV104")
    assert len(after.at("app/people.py", log)) == len(before.at("app/people.py", log)) == 1, after.dump()
    assert len(after.hits) == len(before.hits), (before.dump(), after.dump())


# --- 7. the law shipped as data; unknown vendor ids ------------------------------------------------


def _policy_with(folder: Path, old: str, new: str) -> Path:
    """The shipped policy with one change, written in ``folder``."""
    text = POLICY.read_text(encoding="utf-8")
    assert old in text, old
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "policy.yaml"
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_a_policy_uses_the_shipped_law_instead_of_copying_it(tmp_path: Path) -> None:
    shipped = POLICY.read_text(encoding="utf-8")
    assert "  use: [eu]\n" in shipped and "decisions:" not in shipped  # the example holds only its notice
    policies = {"both": _policy_with(tmp_path / "both", "  use: [eu]\n", "  use: [eu, uk]\n"),
                "typo": _policy_with(tmp_path / "typo", "  use: [eu]\n", "  use: [euu]\n"),
                "twice": _policy_with(tmp_path / "twice", "  use: [eu]\n",
                                      "  use: [eu]\n  regions:\n    EEA: {source: x, countries: [DE]}\n")}
    runs = in_parallel({name: (lambda p=p: run_cli(tmp_path, "policy", "validate", str(p))) for name, p in policies.items()})
    assert runs["both"].returncode == 0 and "2 adequacy lists" in runs["both"].stdout, runs["both"].dump()
    assert runs["typo"].returncode == 2, runs["typo"].dump()
    assert "law.use[0]: 'euu' is not allowed (did you mean 'eu'?)" in runs["typo"].stderr, runs["typo"].dump()
    assert runs["twice"].returncode == 2, runs["twice"].dump()
    assert "law.regions.EEA: defined here and in the shipped law 'eu'" in runs["twice"].stderr, runs["twice"].dump()


STORE = '''
    import boto3


    def tokyo(email):
        s3 = boto3.client("s3", region_name="ap-northeast-1")
        s3.put_object(Bucket="b", Key="k", Body=email)  # privacy: retention=30d  # L:jp


    def mumbai(email):
        s3 = boto3.client("s3", region_name="ap-south-1")
        s3.put_object(Bucket="b", Key="k", Body=email)  # privacy: retention=30d  # L:in
'''


def test_a_transfer_is_judged_with_the_shipped_adequacy_list(tmp_path: Path) -> None:
    """Japan is on the shipped EU list (not on the 3-country stub the example policy had)."""
    write_project(tmp_path, {"pyproject.toml": f'[tool.lint-privacy]\npolicy = "{POLICY}"\n', "app/store.py": STORE},
                  setup_cfg=None)
    run = run_cli(tmp_path, "check", "--no-cache")
    assert not run.at("app/store.py", line_of(STORE, "# L:jp"), "PRV4"), run.dump()
    assert run.at("app/store.py", line_of(STORE, "# L:in"), "PRV4"), run.dump()


def test_an_unknown_vendor_id_is_an_error_with_did_you_mean(tmp_path: Path) -> None:
    policy = _policy_with(tmp_path / "policy", "vendors: [workday]", "vendors: [wrokday]")
    write_project(tmp_path, {"app/a.py": "x = 1\n"}, setup_cfg=None)
    runs = in_parallel({"validate": lambda: run_cli(tmp_path, "policy", "validate", str(policy)),
                        "check": lambda: run_cli(tmp_path, "check", "--policy", str(policy), "app"),
                        "again": lambda: run_cli(tmp_path, "check", "--policy", str(policy), "app")})
    for run in runs.values():
        assert run.returncode == 2, run.dump()
        assert "notice.recipients.workday.vendors: unknown vendor 'wrokday' (did you mean 'workday'?)" in run.stderr, run.dump()


def test_an_unknown_vendor_id_on_a_recipient_class_is_an_error_too(tmp_path: Path) -> None:
    """A class's vendors declare those vendors plainly (no PRV302): a misspelt one silently
    declared nothing. An id the catalog files under another vendor is pointed to it by name."""
    policy = _policy_with(tmp_path / "policy", "vendors: [meta, viber, kakaotalk, line, telegram]",
                          "vendors: [whatsapp, viber, kakaotalk, line, telegrm]")
    write_project(tmp_path, {"app/a.py": "x = 1\n"}, setup_cfg=None)
    runs = in_parallel({"validate": lambda: run_cli(tmp_path, "policy", "validate", str(policy)),
                        "check": lambda: run_cli(tmp_path, "check", "--policy", str(policy), "app"),
                        "flake8": lambda: run_flake8(tmp_path, f"--privacy-policy={policy}", "app")})
    for run in runs.values():
        assert run.returncode == 2, run.dump()
        assert ("notice.recipients.telecom_operators.vendors: unknown vendor 'whatsapp' "
                "(did you mean 'meta'? its catalog name is Meta (WhatsApp, Facebook, Instagram))") in run.stderr, \
            run.dump()
        assert "unknown vendor 'telegrm' (did you mean 'telegram'?)" in run.stderr, run.dump()
        assert "'viber'" not in run.stderr and "'line'" not in run.stderr, run.dump()


# --- 8. polish ------------------------------------------------------------------------------------


def test_help_is_whole_sentences_and_explain_takes_a_rules_name(tmp_path: Path) -> None:
    runs = in_parallel({"help": lambda: run_cli(tmp_path, "--help"),
                        "name": lambda: run_cli(tmp_path, "explain", "personal-data-in-log"),
                        "typo": lambda: run_cli(tmp_path, "explain", "personal-data-in-logs")})
    text = " ".join(runs["help"].stdout.split())
    assert "whole-project checks, exports, reports, fixes, policy tools and rule docs." in text, runs["help"].dump()
    assert "lint-privacy init" in text
    assert runs["name"].returncode == 0 and runs["name"].stdout.startswith("# PRV601 personal-data-in-log"), runs["name"].dump()
    assert runs["typo"].returncode == 2 and "did you mean PRV601 personal-data-in-log?" in runs["typo"].stderr, runs["typo"].dump()


def test_write_baseline_says_what_it_recorded_not_no_findings(tmp_path: Path) -> None:
    write_project(tmp_path, {"pyproject.toml": f'[tool.lint-privacy]\npolicy = "{POLICY}"\n', "app/views.py": SIGNUP},
                  setup_cfg=None)
    run = run_cli(tmp_path, "check", "--write-baseline", "baseline.json")
    assert run.returncode == 0, run.dump()
    assert "no findings" not in run.stdout, run.dump()
    assert "1 finding recorded in the baseline baseline.json, none reported" in run.stdout, run.dump()


LEAD = '''
    from django.db import models


    class Lead(models.Model):
        contact = models.CharField(max_length=80)  # privacy: account_user_data retention=12mo
'''
CAPTURE = '''
    from app.models import Lead


    def capture(request):
        lead = Lead()
        lead.contact = request.POST["email"]
        lead.save()
'''
REPORT = '''
    import logging

    from app.models import Lead

    log = logging.getLogger(__name__)


    def report(lead: Lead):
        log.info("lead %s", lead.contact)  # L:log
'''


def test_a_path_through_a_stored_field_says_stored_and_read_not_a_call_chain(tmp_path: Path) -> None:
    """'through capture() in app/views.py:4 -> report() in app/tasks.py:8' read as if capture
    called report; the value was stored in Lead.contact and read there."""
    write_project(tmp_path, {"pyproject.toml": f'[tool.lint-privacy]\npolicy = "{POLICY}"\n', "app/__init__.py": "",
                             "app/models.py": LEAD, "app/views.py": CAPTURE, "app/tasks.py": REPORT}, setup_cfg=None)
    run = run_cli(tmp_path, "check", "--no-cache")
    hits = [h for h in run.at("app/tasks.py", line_of(REPORT, "# L:log"), "PRV601") if "request.POST" in h.message]
    assert len(hits) == 1, run.dump()
    assert hits[0].detail("route") == ("through capture() in app/views.py:4, stored in Lead.contact, "
                                       "read in report() in app/tasks.py:8"), hits[0]
    assert " -> " not in hits[0].text


def test_long_messages_are_wrapped_on_a_terminal_and_one_line_in_a_pipe(tmp_path: Path) -> None:
    """Messages of 250-450 characters ran off the screen. On a terminal (here a pty 100 columns
    wide) each line fits; piped, a finding stays one line for grep and editors."""
    import pty

    write_project(tmp_path, {"pyproject.toml": f'[tool.lint-privacy]\npolicy = "{POLICY}"\n', "app/__init__.py": "",
                             "app/models.py": LEAD, "app/views.py": CAPTURE, "app/tasks.py": REPORT}, setup_cfg=None)
    piped = run_cli(tmp_path, "check")
    assert any(len(line) > 100 for line in piped.stdout.splitlines()), piped.dump()
    leader, follower = pty.openpty()
    proc = subprocess.run([CLI, "check"], cwd=tmp_path, stdout=follower, stderr=subprocess.PIPE, timeout=120,
                          env={**_env(), "COLUMNS": "100", "NO_COLOR": "1"})
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    shown = b"".join(chunks).decode().replace("\r\n", "\n")
    assert proc.returncode == 1, shown
    assert all(len(line) <= 100 for line in shown.splitlines()), shown
    assert " ".join(shown.split()) == " ".join(piped.stdout.split())  # the same words, only broken into lines


# --- 9. the HTML view -----------------------------------------------------------------------------


PRUNE = '''
    from django.contrib.auth.models import User
    from django.core.management.base import BaseCommand


    class Command(BaseCommand):
        def handle(self, *args, **options):
            for user in User.objects.filter(is_active=False):
                self.stdout.write(user.email)  # L:write
'''


def _html_map(tmp_path: Path) -> str:
    write_project(tmp_path, {"pyproject.toml": f'[tool.lint-privacy]\npolicy = "{POLICY}"\n', "app/__init__.py": "",
                             "app/management/__init__.py": "", "app/management/commands/__init__.py": "",
                             "app/management/commands/prune.py": PRUNE}, setup_cfg=None)
    run = run_cli(tmp_path, "graph", "--format", "html", "-o", "map.html")
    assert run.returncode == 0, run.dump()
    return (tmp_path / "map.html").read_text(encoding="utf-8")


def test_a_sink_box_shows_the_call_as_written_and_where_it_is(tmp_path: Path) -> None:
    """The boxes all read 'django.core.management.base.BaseCo…': the resolved name, cut."""
    page = _html_map(tmp_path)
    line = line_of(PRUNE, "# L:write")
    assert f'>self.stdout.write <tspan class="loc">prune.py:{line}</tspan>' in page, page[:3000]
    assert f"commands/prune.py:{line}" in page  # in the box's description
    assert "BaseCo…" not in page


def test_the_html_view_renders_in_headless_chromium(tmp_path: Path) -> None:
    import importlib.util

    import pytest

    spec = importlib.util.spec_from_file_location("html_view_check", Path(__file__).parents[1] / "bench" / "html_view_check.py")
    check = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(check)  # type: ignore[union-attr]
    binary = check.find_chromium()
    if binary is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install -y chromium)")
    _html_map(tmp_path)
    dom = check.run_chromium(binary, ["--virtual-time-budget=5000", "--dump-dom", (tmp_path / "map.html").as_uri()])
    assert re.search(r'<span id="count">[1-9]\d* of [1-9]\d* boxes</span>', dom.stdout), dom.stderr[-2000:]
    assert "self.stdout.write" in dom.stdout


# --- lint-privacy init, and docs/adopting.md kept true ----------------------------------------------


APP = Path(__file__).parent / "data" / "adopting_app"


def test_adopting_md_transcript_is_what_a_user_sees(tmp_path: Path) -> None:
    """The console block of docs/adopting.md section 0, run command by command on a copy of the
    app it describes: each command's output is the page's, line for line."""
    text = (Path(__file__).parents[1] / "docs" / "adopting.md").read_text(encoding="utf-8")
    section = text[text.index("## 0. From zero"):text.index("## 1. ")]
    block = section[section.index("```console\n") + len("```console\n"):section.index("```\n", section.index("```console\n") + 1)]
    steps: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        else:
            steps[-1][1].append(line)
    assert [cmd for cmd, _ in steps] == ["lint-privacy init", "lint-privacy check",
                                         "lint-privacy check --baseline .privacy-baseline.json"]
    app = tmp_path / "app"
    shutil.copytree(APP, app)
    (app / ".git").mkdir()
    codes = []
    for cmd, expected in steps:
        run = run_in(app, CLI, *cmd.split()[1:])
        assert (run.stdout + run.stderr).splitlines() == expected, (cmd, run.dump())
        codes.append(run.returncode)
    assert codes == [0, 1, 0]


def test_init_on_a_fresh_copy_of_a_real_app(tmp_path: Path) -> None:
    import pytest

    real = Path("/work/corpus/flaskbb")
    if not real.is_dir():
        pytest.skip("the corpus of real apps is not on this machine")
    app = tmp_path / "flaskbb"
    shutil.copytree(real, app, ignore=shutil.ignore_patterns(".lint-privacy-cache", "__pycache__"))
    (app / "pyproject.toml").unlink(missing_ok=True)  # the bench writes one into each app: start from zero
    (app / ".git").mkdir()
    init = run_in(app / "flaskbb", CLI, "init")  # from a subfolder: the root is found above
    assert init.returncode == 0, init.dump()
    assert (app / "privacy-policy.yaml").is_file() and (app / ".privacy-baseline.json").is_file()
    assert 'extend-exclude = ["migrations"]' in (app / "pyproject.toml").read_text(encoding="utf-8")
    assert re.search(r"wrote \.privacy-baseline\.json: [1-9]\d* findings of today", init.stdout), init.dump()
    assert "Next:\n  1. " in init.stdout and "\n  3. " in init.stdout
    runs = in_parallel({"green": lambda: run_cli(app, "check", "--baseline", ".privacy-baseline.json"),
                        "again": lambda: run_in(app, CLI, "init"),
                        "valid": lambda: run_cli(app, "policy", "validate", "privacy-policy.yaml")})
    assert runs["green"].returncode == 0 and runs["green"].hits == [], runs["green"].dump()
    assert runs["again"].returncode == 2 and "already has a [tool.lint-privacy] section" in runs["again"].stderr
    assert runs["valid"].returncode == 0, runs["valid"].dump()
