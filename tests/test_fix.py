"""`lint-privacy fix`: stubs with suggested categories on unannotated personal fields, formatting
kept byte for byte, a dry run that shows a diff, and files libcst cannot parse skipped."""

from __future__ import annotations

from pathlib import Path

import pytest

from lint_privacy import fix as fix_module
from lint_privacy.cli import main

REPO = Path(__file__).resolve().parents[1]
POLICY = REPO / "policies" / "infobip.yaml"

MODELS = '''\
from django.db import models


class Contact(models.Model):
    email = models.EmailField()  # privacy: account_user_data retention=12mo
    phone = models.CharField(
        max_length=32,
    )
    mobile_number = models.CharField(max_length=20)  # type: ignore[misc]
    home_address = models.TextField()  # noqa: PRV103 legal hold
    religion = models.CharField(max_length=20)
    first_name: str = ""   # keep   spacing


class Subscriber(models.Model):
    newsletter_email = models.EmailField()  # privacy: marketing_contact retention=until_unsubscribe
    email = models.EmailField()
    MAX_EMAIL = 3
'''

EXPECTED = '''\
from django.db import models


class Contact(models.Model):
    email = models.EmailField()  # privacy: account_user_data retention=12mo
    phone = models.CharField(
        max_length=32,
    )  # privacy: account_user_data?
    mobile_number = models.CharField(max_length=20)  # type: ignore[misc]  # privacy: account_user_data?
    home_address = models.TextField()  # noqa: PRV103 legal hold
    religion = models.CharField(max_length=20)
    first_name: str = ""   # keep   spacing  # privacy: account_user_data?


class Subscriber(models.Model):
    newsletter_email = models.EmailField()  # privacy: marketing_contact retention=until_unsubscribe
    email = models.EmailField()  # privacy: marketing_contact?
    MAX_EMAIL = 3
'''


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    root.mkdir()
    (root / "pyproject.toml").write_text(f'[tool.lint-privacy]\npolicy = "{POLICY.as_posix()}"\n')
    (root / "models.py").write_text(MODELS)
    return root


def fix(capsys, root: Path, *extra: str) -> tuple[int, str, str]:
    code = main(["fix", "--no-cache", "--root", str(root), *extra])
    out, err = capsys.readouterr()
    return code, out, err


def test_dry_run_prints_a_diff_and_changes_nothing(project, capsys):
    code, out, err = fix(capsys, project, "--dry-run")
    assert code == 1
    assert (project / "models.py").read_text() == MODELS
    assert out.startswith("--- a/models.py\n+++ b/models.py\n")
    assert "+    )  # privacy: account_user_data?\n" in out
    assert "+    email = models.EmailField()  # privacy: marketing_contact?\n" in out
    assert "-    email = models.EmailField()\n" in out
    assert "would write 4 stubs in 1 file" in err


def test_fix_writes_stubs_and_keeps_everything_else(project, capsys):
    code, out, err = fix(capsys, project)
    assert code == 0
    assert (project / "models.py").read_text() == EXPECTED
    assert "models.py:6: Contact.phone: # privacy: account_user_data?" in out
    assert "wrote 4 stubs in 1 file" in err
    # a second run has nothing left to do
    code, out, err = fix(capsys, project)
    assert code == 0 and out == "" and "wrote 0 stubs" in err


def test_stubs_are_reported_as_unconfirmed_until_confirmed(project, capsys):
    fix(capsys, project)
    main(["check", "--no-cache", "--root", str(project)])
    out = capsys.readouterr().out
    assert "PRV103" not in out.replace("noqa: PRV103", "")
    for line in (6, 9, 12, 17):
        assert f"models.py:{line}:5: PRV104" in out
    assert "PRV106 Contact.religion" in out  # no category covers it: no stub, still reported


def test_one_suggestion_per_stub_the_other_categories_named(tmp_path, capsys):
    """Issue 17: a stub listed three '?' categories, so three PRV104 per field and each flow
    judged three times. One category per stub (the policy's first), the others printed."""
    root = tmp_path / "p"
    root.mkdir()
    (root / "pyproject.toml").write_text(f'[tool.lint-privacy]\npolicy = "{POLICY.as_posix()}"\n')
    (root / "people.py").write_text("class Person:\n    email: str\n")
    code, out, err = fix(capsys, root)
    assert (root / "people.py").read_text() == "class Person:\n    email: str  # privacy: account_user_data?\n"
    assert out == ("people.py:2: Person.email: # privacy: account_user_data?  (also covered by: "
                   "customer_individual_data, support_data, traffic_data_enduser (+14 more))\n"), out
    main(["check", "--no-cache", "--root", str(root)])
    assert capsys.readouterr().out.count("PRV104") == 1


def test_a_flagged_field_without_a_stub_is_named_with_why(project, capsys):
    code, out, err = fix(capsys, project)
    assert ("models.py:11: Contact.religion: no stub: no category of the notice covers religious belief "
            "(PRV106)") in err, err


def test_a_file_that_does_not_parse_is_reported_and_skipped(project, capsys):
    (project / "broken.py").write_text("class Broken(:\n    email = 1\n")
    code, out, err = fix(capsys, project)
    assert code == 2
    assert "broken.py: skipped" in err and "syntax error" in err
    assert (project / "models.py").read_text() == EXPECTED  # the rest is still fixed
    assert (project / "broken.py").read_text() == "class Broken(:\n    email = 1\n"


def test_a_libcst_failure_is_not_fatal(project, capsys, monkeypatch):
    (project / "other.py").write_text("class Other:\n    phone_number: str\n")
    real = fix_module.cst.parse_module

    def picky(source, *a, **k):
        if b"class Other" in (source if isinstance(source, bytes) else source.encode()):
            raise fix_module.cst.ParserSyntaxError("unsupported syntax", lines=["x"], raw_line=2, raw_column=0)
        return real(source, *a, **k)

    monkeypatch.setattr(fix_module.cst, "parse_module", picky)
    code, out, err = fix(capsys, project)
    assert code == 2
    assert "other.py: skipped: libcst cannot parse it (line 2: unsupported syntax)" in err
    assert (project / "other.py").read_text() == "class Other:\n    phone_number: str\n"
    assert (project / "models.py").read_text() == EXPECTED


def test_paths_limit_the_fix(project, capsys):
    (project / "other.py").write_text("class Other:\n    phone_number: str\n")
    code, out, err = fix(capsys, project, str(project / "other.py"))
    assert code == 0
    assert (project / "models.py").read_text() == MODELS
    assert (project / "other.py").read_text().endswith("phone_number: str  # privacy: account_user_data?\n")


def test_crlf_and_latin1_files_keep_their_bytes(tmp_path, capsys):
    root = tmp_path / "p"
    root.mkdir()
    (root / "pyproject.toml").write_text(f'[tool.lint-privacy]\npolicy = "{POLICY.as_posix()}"\n')
    (root / "crlf.py").write_bytes(b"class A:\r\n    phone: str\r\n")
    (root / "latin.py").write_bytes("# -*- coding: latin-1 -*-\nclass B:\n    phone: str = str('caf\xe9')\n".encode("latin-1"))
    code, out, err = fix(capsys, root)
    assert code == 0, err
    assert (root / "crlf.py").read_bytes().startswith(b"class A:\r\n    phone: str  # privacy: ")
    assert (root / "crlf.py").read_bytes().endswith(b"?\r\n")
    latin = (root / "latin.py").read_bytes()
    assert b"caf\xe9')  # privacy: account_user_data?" in latin
