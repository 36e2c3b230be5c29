"""Jurisdiction rules (PRV701-702, and the country supplements' transfer rules of PRV402) as a
flake8 user sees them: age gates against the minimum customer age of the code's jurisdiction
(module or class defaults, the package mapping in config, the notice's main body otherwise), the
exceptions the policy encodes, and the categories Malaysia forbids.
"""

from __future__ import annotations

import pytest

from conftest import POLICY, Run, check, line_of, lint, run_cli, write_project

MAIN_BODY = '''
    MIN_AGE = 13  # L:const_low
    MINIMUM_AGE = 16
    MAX_PAGE_AGE_DAYS = 3
    AGE_BUCKETS = 5
    LEGAL_AGE: int = 14  # L:const_annotated
    PARENTAL_CONSENT_AGE = 13  # L:const_parent_main
    SESSION_MIN_AGE_SECONDS = 10


    def gate(user):
        if user.age < 13:  # L:lt
            return False
        return True


    def gate_ok(user):
        return user.age >= 16  # L:ok


    def gate_gt(user):
        return user.age > 15  # L:gt_ok


    def gate_reversed(user):
        return 14 <= user.age  # L:reversed


    def gate_dob(user):
        return age_in_years(user.date_of_birth) < 12 or birth_year(user) > 2005  # L:dob


    def pager(page, usage):
        return page > 3 and usage < 10 and len(page) > 1 and session.max_age < 5 and account_age_days < 7  # L:not_age
'''

INDIA = '''
    # privacy-defaults: jurisdiction=IN
    MIN_SIGNUP_AGE = 16  # L:in_const
    PARENTAL_CONSENT_AGE = 16
    GUARDIAN_MIN_AGE = 14  # L:in_guardian_low


    def adult(user):
        return user.age >= 18


    def with_parent(user):
        return user.age >= 16 and has_parental_consent(user)  # L:in_parent


    def with_guardian_attr(user):
        if user.age < 16 or not user.guardian_approved:  # L:in_guardian
            return False
        return True


    def too_young_even_with_parent(user):
        return user.age >= 15 and has_parental_consent(user)  # L:in_too_young


    def no_parent(user):
        return user.age >= 16  # L:in_no_parent
'''

THAI = '''
    class ThaiSignup:  # privacy-defaults: jurisdiction=TH
        def admits(self, a):
            return a.age >= 18  # L:th_low

        def admits_married(self, a):
            return a.age >= 17 and a.is_married  # L:th_married


    class OtherSignup:
        def admits(self, a):
            return a.age >= 18  # L:other
'''

MALAYSIA = '''
    # privacy-defaults: jurisdiction=MY
    import logging

    import requests
    from django.db import models

    from app.models import Invoice, Account

    log = logging.getLogger(__name__)


    class Card(models.Model):
        my_card_account = models.CharField(max_length=34)  # privacy: billing_data retention=12mo  # L:my_def
        my_email = models.EmailField()  # privacy: account_user_data retention=12mo  # L:my_account_def


    def charge(c: Card):
        requests.post("https://billing.internal/my", json={"account": c.my_card_account})  # L:my_sink


    def log_invoice(inv: Invoice):
        log.info("invoice %s", inv.iban)  # L:my_log


    def greet(a: Account):
        requests.post("https://mail.internal/my", json={"to": a.acct_email})  # L:my_account


    def gate(user):
        return user.age >= 13 and has_parental_consent(user)  # L:my_parent
'''

MODELS = '''
    from django.db import models


    class Invoice(models.Model):
        iban = models.CharField(max_length=34)  # privacy: billing_data retention=12mo  # L:inv_def


    class Account(models.Model):
        acct_email = models.EmailField()  # privacy: account_user_data retention=12mo
'''

OTHER = '''
    import requests

    from app.models import Invoice


    def pay(inv: Invoice):
        requests.post("https://billing.internal/eu", json={"iban": inv.iban})  # L:eu_sink
'''

SINGAPORE = '''
    def gate(user):
        return user.age >= 18  # L:sg
'''

PYPROJECT = '''
    [tool.lint-privacy.jurisdictions]
    "app.sg" = "SG"
'''

FILES = {
    "pyproject.toml": PYPROJECT,
    "app/__init__.py": "",
    "app/models.py": MODELS,
    "app/main_body.py": MAIN_BODY,
    "app/india.py": INDIA,
    "app/thai.py": THAI,
    "app/malaysia.py": MALAYSIA,
    "app/other.py": OTHER,
    "app/sg/__init__.py": "",
    "app/sg/signup.py": SINGAPORE,
}


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Run:
    return check(tmp_path_factory.mktemp("jurisdiction"), FILES)


def _lines(run: Run, path: str, code: str) -> set[int]:
    return {h.line for h in run.hits if h.path == path and h.code == code}


# --- PRV701: age gates ----------------------------------------------------------------------

def test_main_body_minimum_is_16_where_no_jurisdiction_is_declared(out: Run) -> None:
    hit = out.one("app/main_body.py", line_of(MAIN_BODY, "# L:lt"), "PRV701")
    assert hit.message == ("the age gate `user.age < 13` admits customers from age 13, below the notice's "
                           "minimum of 16")
    assert hit.detail("reason") == "in gate(); judged for the notice's main body (no jurisdiction declared)"
    assert hit.detail("promise") == "minimum customer age 16 (policy notice.min_customer_age, notice 12)"


def test_age_gates_in_the_main_body_exactly(out: Run) -> None:
    expected = {line_of(MAIN_BODY, m) for m in ("# L:const_low", "# L:const_annotated", "# L:const_parent_main", "# L:lt",
                                                "# L:reversed", "# L:dob")}
    assert _lines(out, "app/main_body.py", "PRV701") == expected, out.dump()
    hit = out.one("app/main_body.py", line_of(MAIN_BODY, "# L:const_parent_main"), "PRV701")
    assert "the policy encodes no parental-consent exception here" in hit.text


def test_age_constant_is_reported_on_its_assignment(out: Run) -> None:
    hit = out.one("app/main_body.py", line_of(MAIN_BODY, "# L:const_low"), "PRV701")
    assert hit.message.startswith("the age constant `MIN_AGE = 13` admits customers from age 13")
    assert hit.col == 1


def test_strict_comparison_admits_the_next_age(out: Run) -> None:
    out.none("app/main_body.py", line_of(MAIN_BODY, "# L:gt_ok"), "PRV701")  # > 15 admits 16
    hit = out.one("app/main_body.py", line_of(MAIN_BODY, "# L:reversed"), "PRV701")
    assert "admits customers from age 14" in hit.text


def test_years_and_names_that_merely_end_in_age_are_not_gates(out: Run) -> None:
    out.none("app/main_body.py", line_of(MAIN_BODY, "# L:not_age"), "PRV701")
    hit = out.one("app/main_body.py", line_of(MAIN_BODY, "# L:dob"), "PRV701")
    assert "from age 12" in hit.text  # the year 2005 is no age gate


def test_india_minimum_is_18_with_parental_consent_from_16(out: Run) -> None:
    expected = {line_of(INDIA, m) for m in ("# L:in_const", "# L:in_guardian_low", "# L:in_too_young", "# L:in_no_parent")}
    assert _lines(out, "app/india.py", "PRV701") == expected, out.dump()
    hit = out.one("app/india.py", line_of(INDIA, "# L:in_no_parent"), "PRV701")
    assert hit.message.endswith("below India's minimum of 18"), hit
    assert "judged for India (module default at app/india.py:1)" in hit.detail("reason")
    assert hit.detail("promise") == ("minimum customer age 18 (policy "
                                     "notice.jurisdictions.IN.min_customer_age, notice India supplement)")
    assert "the parental-consent exception" in hit.text and "is not shown" in hit.text
    hit = out.one("app/india.py", line_of(INDIA, "# L:in_too_young"), "PRV701")
    assert "even the parental-consent exception starts at 16" in hit.text
    hit = out.one("app/india.py", line_of(INDIA, "# L:in_guardian_low"), "PRV701")
    assert hit.message.endswith("minimum of 16") and "parental_consent from_age" in hit.detail("promise")


def test_thailand_class_default_and_the_marriage_exception(out: Run) -> None:
    hit = out.one("app/thai.py", line_of(THAI, "# L:th_low"), "PRV701")
    assert hit.message.endswith("below Thailand's minimum of 20"), hit
    assert "judged for Thailand (default of class ThaiSignup" in hit.detail("reason")
    assert "marriage exception" in hit.text
    out.none("app/thai.py", line_of(THAI, "# L:th_married"), "PRV701")
    out.none("app/thai.py", line_of(THAI, "# L:other"), "PRV701")  # main body: 18 >= 16


def test_malaysia_parental_consent_has_no_floor(out: Run) -> None:
    out.none("app/malaysia.py", line_of(MALAYSIA, "# L:my_parent"), "PRV701")


def test_package_mapping_in_config_sets_the_jurisdiction(out: Run) -> None:
    hit = out.one("app/sg/signup.py", line_of(SINGAPORE, "# L:sg"), "PRV701")
    assert hit.message.endswith("below Singapore's minimum of 21"), hit
    assert "package mapping in [tool.lint-privacy.jurisdictions]" in hit.text


# --- PRV702: forbidden categories -----------------------------------------------------------

def test_malaysia_billing_data_defined_or_used_is_prv702(out: Run) -> None:
    hit = out.one("app/malaysia.py", line_of(MALAYSIA, "# L:my_def"), "PRV702")
    assert hit.message == "billing_data (Card.my_card_account) is defined here, forbidden in Malaysia"
    assert hit.detail("data") == "billing_data (Card.my_card_account) from app/malaysia.py:13"
    assert "judged for Malaysia data subjects" in hit.detail("reason")
    assert hit.detail("promise") == ("policy notice.jurisdictions.MY.forbidden_categories, notice Malaysia "
                                     "supplement")
    hit = out.one("app/malaysia.py", line_of(MALAYSIA, "# L:my_sink"), "PRV702")
    assert "reaches requests.post" in hit.text
    hit = out.one("app/malaysia.py", line_of(MALAYSIA, "# L:my_log"), "PRV702")  # any sink, logs too
    assert hit.message.startswith("billing_data (Invoice.iban) reaches logging.getLogger().info")
    assert hit.detail("data") == "billing_data (Invoice.iban) from app/models.py:5"


def test_other_categories_and_other_jurisdictions_are_not_prv702(out: Run) -> None:
    out.none("app/malaysia.py", line_of(MALAYSIA, "# L:my_account_def"), "PRV702")
    out.none("app/malaysia.py", line_of(MALAYSIA, "# L:my_account"), "PRV702")
    out.none("app/models.py", line_of(MODELS, "# L:inv_def"), "PRV702")
    out.none("app/other.py", line_of(OTHER, "# L:eu_sink"), "PRV702")


def test_noqa_silences_prv701(tmp_path) -> None:
    run = lint(tmp_path, {"app/__init__.py": "", "app/gate.py": "MIN_AGE = 13  # noqa: PRV701\n"})
    run.none("app/gate.py", None, "PRV7")


# --- PRV402: the transfer rules of Nigeria, South Africa and Japan ----------------------------

TRANSFER_MODELS = '''
    from django.db import models


    class Contact(models.Model):
        contact_email = models.EmailField()  # privacy: account_user_data retention=12mo
'''

TRANSFER = '''
    # privacy-defaults: jurisdiction={j}
    from simple_salesforce import Salesforce

    from app.models import Contact

    sf = Salesforce(username="u", password="p", security_token="t")


    def push(c: Contact):
        sf.Contact.create({{"Email": c.contact_email}})  # privacy: country=US safeguard=scc  # L:scc


    def push_covered(c: Contact):
        sf.Contact.create({{"Email": c.contact_email}})  # privacy: country=US safeguard={ok}  # L:covered
'''


@pytest.mark.parametrize("jid, name, ok, needs", [
    ("NG", "Nigeria", "consent", "safeguard=consent"),
    ("ZA", "South Africa", "binding_transfer_agreement", "safeguard=binding_transfer_agreement"),
    ("JP", "Japan", "equivalent_action", "safeguard=equivalent_action"),
])
def test_transfer_rules_follow_the_sending_code_jurisdiction_too(tmp_path, jid, name, ok, needs) -> None:
    source = TRANSFER.format(j=jid, ok=ok)
    run = check(tmp_path, {"app/__init__.py": "", "app/models.py": TRANSFER_MODELS,
                           f"app/push_{jid.lower()}.py": source})
    path = f"app/push_{jid.lower()}.py"
    # The data is defined without a jurisdiction: the sending code's module default decides.
    hit = run.one(path, line_of(source, "# L:scc"), "PRV402")
    assert needs in hit.text and f"{name} supplement" in hit.text


@pytest.mark.parametrize("jid, name, ok, needs", [
    ("NG", "Nigeria", "consent", "safeguard=consent"),
    ("ZA", "South Africa", "binding_transfer_agreement", "safeguard=binding_transfer_agreement"),
    ("JP", "Japan", "equivalent_action", "safeguard=equivalent_action"),
])
def test_country_supplement_transfer_rules_fire_for_data_of_that_jurisdiction(tmp_path, jid, name, ok, needs) -> None:
    models = TRANSFER_MODELS.replace("from django.db", f"# privacy-defaults: jurisdiction={jid}\n    from django.db")
    source = TRANSFER.format(j=jid, ok=ok)
    run = check(tmp_path, {"app/__init__.py": "", "app/models.py": models,
                           f"app/push_{jid.lower()}.py": source})
    path = f"app/push_{jid.lower()}.py"
    hit = run.one(path, line_of(source, "# L:scc"), "PRV402")
    assert f"of {jid} data subjects" in hit.text
    assert needs in hit.text and f"{name} supplement" in hit.text
    run.none(path, line_of(source, "# L:scc"), "PRV401")
    run.none(path, line_of(source, "# L:covered"), "PRV4")


def test_an_age_is_one_vocabulary_from_extraction_to_the_check(tmp_path) -> None:
    """Extraction and PRV701 once spelt ages apart: `user.ageYears >= 16` under India's minimum of
    18 was dropped by extraction (it split only on underscores) while `user.age >= 16` was reported.
    Every spelling of an age in years is one gate; names that merely hold the letters are none."""
    source = '''
        # privacy-defaults: jurisdiction=IN


        def plain(user):
            return user.age >= 16  # L:plain


        def camel(user):
            return user.ageYears >= 16  # L:camel


        def strict(user):
            return user.ageInYears > 15  # L:strict


        def not_ages(page, usage, stage, account):
            return (page >= 16 and usage >= 16 and stage >= 16 and account.maxAge >= 16
                    and account.ageDays >= 16)
    '''
    write_project(tmp_path, {"signup.py": source})
    run = run_cli(tmp_path, "check", "--no-cache", "--root", str(tmp_path), "--policy", str(POLICY), ".")
    assert run.returncode == 1, run.stderr
    gates = sorted((h.line, h.message.split("`")[1]) for h in run.hits if h.code == "PRV701")
    assert gates == [(line_of(source, "L:plain"), "user.age >= 16"),
                     (line_of(source, "L:camel"), "user.ageYears >= 16"),
                     (line_of(source, "L:strict"), "user.ageInYears > 15")], run.stdout
    assert all(h.message.endswith("below India's minimum of 18") for h in run.hits), run.stdout
