"""Models a project uses without owning them (Django's User, AbstractUser subclasses): their
fields are known to the catalog, attributed to the model (not to a same-named field elsewhere),
and annotated in [tool.lint-privacy.models]; an entry there that annotates nothing is PRV004."""

from __future__ import annotations

import textwrap

import pytest

from conftest import POLICY, Run, line_of, run_cli, write_project

VIEWS = '''
    import logging

    from django.contrib.auth.models import AbstractUser, User
    from django.db import models

    log = logging.getLogger(__name__)


    class Staff(AbstractUser):
        badge = models.CharField(max_length=10)


    class Newsletter(models.Model):
        email = models.EmailField()  # privacy: marketing_contact retention=until_unsubscribe


    def profile(request):
        log.info("viewing %s", request.user.email)  # L:request-user


    def find(pk):
        u = User.objects.get(pk=pk)
        log.info("found %s %s", u.first_name, u.is_active)  # L:lookup


    def welcome(staff: Staff):
        log.info("welcome %s", staff.email)  # L:subclass
'''
PYPROJECT = '''
    [tool.lint-privacy.models]
    "django.contrib.auth.models.User.email" = "account_user_data retention=12mo"
    "django.contrib.auth.models.User.phone_number" = "account_user_data retention=12mo"
    "django.contrib.auth.models.User.last_name" = "account_user_data retention=12months"
    "allauth.models.Account.email" = "account_user_data retention=12mo"
'''


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Run:
    root = tmp_path_factory.mktemp("framework")
    write_project(root, {"app/__init__.py": "", "app/views.py": VIEWS, "pyproject.toml": PYPROJECT})
    return run_cli(root, "check", "--no-cache", "--policy", str(POLICY), ".")


def test_an_annotated_framework_field_speaks_with_its_category(run: Run) -> None:
    hit = run.one("app/views.py", line_of(VIEWS, "# L:request-user"), "PRV601")
    assert hit.message.startswith("account_user_data (User.email) is logged by"), hit
    assert hit.detail("data").startswith("account_user_data (User.email) from app/views.py"), hit
    assert "Newsletter" not in hit.text, hit


def test_an_unannotated_framework_field_is_found_by_the_catalog(run: Run) -> None:
    hit = run.one("app/views.py", line_of(VIEWS, "# L:lookup"), "PRV601")
    assert hit.message.startswith("unannotated person_name (User.first_name"), hit


def test_a_subclass_of_a_framework_model_reads_its_fields(run: Run) -> None:
    hit = run.one("app/views.py", line_of(VIEWS, "# L:subclass"), "PRV601")
    assert hit.message.startswith("unannotated email (AbstractUser.email"), hit


@pytest.mark.parametrize("field, problem", [
    ("django.contrib.auth.models.User.phone_number", "no code of the project reads this field"),
    ("django.contrib.auth.models.User.last_name", "the annotation cannot be read"),
    ("allauth.models.Account.email", "the catalog knows no model allauth.models.Account"),
])
def test_a_setting_that_annotates_nothing_is_prv004_on_its_line(run: Run, field: str, problem: str) -> None:
    lines = textwrap.dedent(PYPROJECT).lstrip("\n").splitlines()
    hit = run.one("pyproject.toml", next(i for i, t in enumerate(lines, 1) if t.startswith(f'"{field}"')), "PRV004")
    assert field in hit.message and problem in hit.message, hit
    assert hit.detail("reason").startswith("an entry of [tool.lint-privacy.models]"), hit


def test_a_used_and_valid_entry_is_not_reported(run: Run) -> None:
    assert not [h for h in run.hits if h.path == "pyproject.toml" and "User.email\"" in h.message], run.dump()
