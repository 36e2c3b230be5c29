"""Purposes and legal bases (PRV501-504) as a flake8 user sees them: the purpose code declares
(on a def, a class, a module, a definition), the consent check named in config (a guard, an early
return, a decorator, a guarded caller), and the express-consent rules of Saudi Arabia, the UAE,
Quebec and India. HTTP calls go to ``*.internal`` hosts so that no recipient code interferes.
"""

from __future__ import annotations

import pytest

from conftest import Run, check, line_of, lint

PYPROJECT = '''
    [tool.lint-privacy]
    consent-checks = ["app.consent.has_consent", "app.consent.consent_required"]
'''

CONSENT = '''
    def has_consent(person, purpose):
        return True


    def consent_required(purpose):
        def wrap(func):
            return func
        return wrap


    def consent_banner_shown(person):
        return True
'''

MODELS = '''
    from django.db import models


    class TrafficRecord(models.Model):
        msisdn = models.CharField(max_length=20)  # privacy: traffic_data_enduser retention=12mo


    class Subscriber(models.Model):
        subscriber_email = models.EmailField()  # privacy: marketing_contact retention=until_unsubscribe basis=consent


    class B2BContact(models.Model):
        b2b_email = models.EmailField()  # privacy: marketing_contact retention=business_relationship_b2b


    class JobAlert(models.Model):
        alert_email = models.EmailField()  # privacy: job_alert_subscriber retention=consented_period


    class Registration(models.Model):
        registrant_email = models.EmailField()  # privacy: event_registration retention=2y


    class Message(models.Model):
        body = models.TextField()  # privacy: communication_content role=processor retention=customer_instructions


    class Campaign(models.Model):  # privacy-defaults: purpose=marketing_communications
        campaign_msisdn = models.CharField(max_length=20)  # privacy: traffic_data_enduser retention=12mo  # L:def_in_marketing_class
        campaign_email = models.EmailField()  # privacy: marketing_contact retention=until_unsubscribe
'''

MARKETING = '''
    # privacy-defaults: purpose=marketing_communications
    import logging

    import requests

    from app.consent import has_consent
    from app.models import TrafficRecord, Subscriber, B2BContact

    URL = "https://mailer.internal/send"
    logger = logging.getLogger(__name__)


    def blast(rec: TrafficRecord):
        requests.post(URL, json={"to": rec.msisdn})  # L:blast


    def audience():
        return [r.msisdn for r in TrafficRecord.objects.all()]  # L:audience


    def stats(rec: TrafficRecord):  # privacy: purpose=traffic_management
        requests.post(URL, json={"to": rec.msisdn})  # L:stats


    def newsletter(sub: Subscriber):
        requests.post(URL, json={"to": sub.subscriber_email})  # L:newsletter


    def newsletter_checked(sub: Subscriber, user):
        if has_consent(user, "newsletter"):
            requests.post(URL, json={"to": sub.subscriber_email})  # L:newsletter_checked


    def b2b_mailing(c: B2BContact):
        requests.post(URL, json={"to": c.b2b_email})  # L:b2b


    def b2b_mailing_on_consent(c: B2BContact):  # privacy: basis=consent
        requests.post(URL, json={"to": c.b2b_email})  # L:b2b_consent


    def log_subscriber(sub: Subscriber):
        logger.info("sub %s", sub.subscriber_email)  # L:log
'''

JOBS = '''
    import requests

    from app import consent
    from app.consent import consent_banner_shown, consent_required, has_consent
    from app.models import JobAlert, Message

    URL = "https://jobs.internal/alert"


    def alert(a: JobAlert):
        requests.post(URL, json={"to": a.alert_email})  # L:alert


    def alert_early_return(a: JobAlert, user):
        if not has_consent(user, "jobs"):
            return
        requests.post(URL, json={"to": a.alert_email})  # L:early_return


    def alert_module_spelling(a: JobAlert, user):
        if consent.has_consent(user, "jobs"):
            requests.post(URL, json={"to": a.alert_email})  # L:module_spelling


    @consent_required("jobs")
    def alert_decorated(a: JobAlert):
        requests.post(URL, json={"to": a.alert_email})  # L:decorated


    def _send(a):
        requests.post(URL, json={"to": a.alert_email})  # L:helper


    def alert_via_guarded_caller(a: JobAlert, user):
        if has_consent(user, "jobs"):
            _send(a)


    def alert_wrong_check(a: JobAlert, user):
        if consent_banner_shown(user):
            requests.post(URL, json={"to": a.alert_email})  # L:wrong_check


    def deliver(m: Message):
        requests.post(URL, json={"body": m.body})  # L:processor
'''

EVENTS = '''
    import requests

    from app.models import Registration

    URL = "https://events.internal/mail"


    def notify(reg: Registration):
        requests.post(URL, json={"to": reg.registrant_email})  # L:undeclared


    def invite(reg: Registration):  # privacy: purpose=event_invitations
        requests.post(URL, json={"to": reg.registrant_email})  # L:invite


    def remind(reg: Registration):  # privacy: purpose=webinar_delivery
        requests.post(URL, json={"to": reg.registrant_email})  # L:remind
'''

SAUDI = '''
    # privacy-defaults: jurisdiction=SA
    import requests
    from django.db import models

    from app.consent import has_consent

    URL = "https://siem.internal/events"


    class LoginEvent(models.Model):
        login_ip = models.GenericIPAddressField()  # privacy: usage_data retention=3y


    class Lead(models.Model):
        lead_email = models.EmailField()  # privacy: prospect_data retention=6mo


    def report(e: LoginEvent):  # privacy: purpose=network_security
        requests.post(URL, json={"ip": e.login_ip})  # L:sa_report


    def report_checked(e: LoginEvent, user):  # privacy: purpose=network_security
        if has_consent(user, "security"):
            requests.post(URL, json={"ip": e.login_ip})  # L:sa_checked


    def follow_up(lead: Lead):  # privacy: purpose=sales_enquiries
        requests.post(URL, json={"to": lead.lead_email})  # L:sa_alternative
'''

UAE = '''
    # privacy-defaults: jurisdiction=AE
    import requests
    from django.db import models

    URL = "https://siem.internal/events"


    class Visit(models.Model):
        ae_login_ip = models.GenericIPAddressField()  # privacy: usage_data retention=3y


    def report(v: Visit):
        requests.post(URL, json={"ip": v.ae_login_ip})  # L:ae_report
'''

QUEBEC = '''
    # privacy-defaults: jurisdiction=CA-QC
    import requests
    from django.db import models

    from app.consent import consent_required

    URL = "https://crm.internal/contacts"


    class QcUser(models.Model):
        qc_email = models.EmailField()  # privacy: account_user_data retention=12mo


    class QcTraffic(models.Model):
        qc_msisdn = models.CharField(max_length=20)  # privacy: traffic_data_enduser retention=12mo


    def sync(u: QcUser):  # privacy: purpose=customer_relationship
        requests.post(URL, json={"email": u.qc_email})  # L:qc_sync


    @consent_required("crm")
    def sync_checked(u: QcUser):  # privacy: purpose=customer_relationship
        requests.post(URL, json={"email": u.qc_email})  # L:qc_checked


    def retain_for_police(t: QcTraffic):  # privacy: purpose=law_enforcement_retention
        requests.post(URL, json={"msisdn": t.qc_msisdn})  # L:qc_law
'''

INDIA = '''
    # privacy-defaults: jurisdiction=IN
    import requests
    from django.db import models

    URL = "https://invoicing.internal/in"


    class Billing(models.Model):
        in_bank_account = models.CharField(max_length=34)  # privacy: billing_data retention=12mo


    class InUser(models.Model):
        in_email = models.EmailField()  # privacy: account_user_data retention=12mo


    def invoice(b: Billing):  # privacy: purpose=customer_contract
        requests.post(URL, json={"account": b.in_bank_account})  # L:in_billing


    def welcome(u: InUser):  # privacy: purpose=account_provisioning
        requests.post(URL, json={"email": u.in_email})  # L:in_account
'''

FILES = {
    "pyproject.toml": PYPROJECT,
    "app/__init__.py": "",
    "app/consent.py": CONSENT,
    "app/models.py": MODELS,
    "app/marketing.py": MARKETING,
    "app/jobs.py": JOBS,
    "app/events.py": EVENTS,
    "app/saudi.py": SAUDI,
    "app/uae.py": UAE,
    "app/quebec.py": QUEBEC,
    "app/india.py": INDIA,
}


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Run:
    return check(tmp_path_factory.mktemp("purposes"), FILES)


def _prv5(run: Run, path: str) -> set[tuple[int, str]]:
    return {(h.line, h.code) for h in run.hits if h.path == path and h.code.startswith("PRV5")}


# --- PRV501: purpose ------------------------------------------------------------------------

def test_traffic_data_sent_from_marketing_code_is_prv501(out: Run) -> None:
    hit = out.one("app/marketing.py", line_of(MARKETING, "# L:blast"), "PRV501")
    assert hit.message == ("traffic_data_enduser (TrafficRecord.msisdn) used for marketing_communications, "
                           "not among its purposes")
    assert hit.detail("data") == "traffic_data_enduser (TrafficRecord.msisdn) from app/models.py:5"
    assert hit.detail("reason").startswith("used in blast() in app/marketing.py")
    assert ("under purpose marketing_communications (module default at app/marketing.py:1)"
            in hit.detail("reason"))
    assert "policy notice.categories.traffic_data_enduser.purposes, notice 5.1.2" in hit.text
    assert "traffic_management, network_security" in hit.text


def test_traffic_data_read_in_marketing_code_is_prv501_without_any_sink(out: Run) -> None:
    out.one("app/marketing.py", line_of(MARKETING, "# L:audience"), "PRV501")


def test_purpose_on_the_def_overrides_the_module_default(out: Run) -> None:
    out.none("app/marketing.py", line_of(MARKETING, "# L:stats"), "PRV5")


def test_a_class_default_purpose_applies_to_its_definitions(out: Run) -> None:
    line = line_of(MODELS, "# L:def_in_marketing_class")
    hit = out.one("app/models.py", line, "PRV501")
    assert ("used in its definition under purpose marketing_communications (default of class Campaign"
            in hit.detail("reason"))
    out.none("app/models.py", line + 1, "PRV501")  # marketing_contact may be used for marketing


def test_data_used_for_a_listed_purpose_and_undeclared_purposes_give_no_prv501(out: Run) -> None:
    assert not [h for h in out.hits if h.code == "PRV501" and h.path not in ("app/marketing.py", "app/models.py")], out.dump()


# --- PRV502: consent ------------------------------------------------------------------------

def test_consent_only_category_without_check_is_prv502(out: Run) -> None:
    hit = out.one("app/jobs.py", line_of(JOBS, "# L:alert"), "PRV502")
    assert hit.message == ("job_alert_subscriber (JobAlert.alert_email) reaches requests.post with no "
                           "consent check")
    assert hit.detail("data") == "job_alert_subscriber (JobAlert.alert_email) from app/models.py:17"
    assert ("under purpose job_alerts (no purpose declared; every purpose the notice gives this category "
            "rests on consent)") in hit.text
    assert "the notice's only legal basis for job_alert_subscriber is consent" in hit.text
    assert "policy notice.categories.job_alert_subscriber.purposes, notice 5.8" in hit.text
    assert "configured: app.consent.has_consent, app.consent.consent_required" in hit.text


@pytest.mark.parametrize("label", ["early_return", "module_spelling", "decorated", "helper"])
def test_a_consent_check_the_call_depends_on_silences_prv502(out: Run, label: str) -> None:
    out.none("app/jobs.py", line_of(JOBS, f"# L:{label}"), "PRV5")


def test_a_check_not_named_in_config_does_not_count(out: Run) -> None:
    out.one("app/jobs.py", line_of(JOBS, "# L:wrong_check"), "PRV502")


def test_processor_data_is_not_judged_for_consent(out: Run) -> None:
    out.none("app/jobs.py", line_of(JOBS, "# L:processor"), "PRV5")


def test_declared_basis_consent_needs_the_check_where_the_notice_offers_consent(out: Run) -> None:
    hit = out.one("app/marketing.py", line_of(MARKETING, "# L:newsletter"), "PRV502")
    assert "basis=consent on the definition at app/models.py:9" in hit.text
    out.none("app/marketing.py", line_of(MARKETING, "# L:newsletter_checked"), "PRV5")
    out.none("app/marketing.py", line_of(MARKETING, "# L:b2b"), "PRV5")  # legitimate interest is available (B2B)
    hit = out.one("app/marketing.py", line_of(MARKETING, "# L:b2b_consent"), "PRV502")
    assert "basis=consent on def b2b_mailing_on_consent()" in hit.text


def test_logs_are_left_to_prv6(out: Run) -> None:
    out.none("app/marketing.py", line_of(MARKETING, "# L:log"), "PRV5")
    out.one("app/marketing.py", line_of(MARKETING, "# L:log"), "PRV601")


# --- PRV504: the purpose decides ------------------------------------------------------------

def test_undeclared_purpose_is_reported_where_it_decides_the_basis(out: Run) -> None:
    hit = out.one("app/events.py", line_of(EVENTS, "# L:undeclared"), "PRV504")
    assert "with no declared purpose" in hit.text
    assert "webinar_delivery, live_event_organisation rest only on consent" in hit.text
    assert "event_invitations does not" in hit.text
    out.none("app/events.py", line_of(EVENTS, "# L:invite"), "PRV5")
    out.one("app/events.py", line_of(EVENTS, "# L:remind"), "PRV502")
    assert _prv5(out, "app/events.py") == {(line_of(EVENTS, "# L:undeclared"), "PRV504"),
                                           (line_of(EVENTS, "# L:remind"), "PRV502")}


# --- PRV503: express consent by jurisdiction ------------------------------------------------

def test_saudi_legitimate_interest_only_needs_express_consent(out: Run) -> None:
    hit = out.one("app/saudi.py", line_of(SAUDI, "# L:sa_report"), "PRV503")
    assert hit.message == "usage_data (LoginEvent.login_ip) reaches requests.post with no consent check (SA)"
    assert hit.detail("data") == "usage_data (LoginEvent.login_ip) from app/saudi.py:11"
    assert ("data of Saudi Arabia data subjects (module default at app/saudi.py:1) under purpose "
            "network_security"
            in hit.detail("reason"))
    assert "policy notice.jurisdictions.SA.express_consent, notice Saudi Arabia supplement" in hit.text
    out.none("app/saudi.py", line_of(SAUDI, "# L:sa_checked"), "PRV5")
    out.none("app/saudi.py", line_of(SAUDI, "# L:sa_alternative"), "PRV5")  # contract is available too


def test_uae_without_declared_purpose_when_every_purpose_rests_on_legitimate_interest(out: Run) -> None:
    hit = out.one("app/uae.py", line_of(UAE, "# L:ae_report"), "PRV503")
    assert "United Arab Emirates" in hit.text and "notice.jurisdictions.AE.express_consent" in hit.text


def test_quebec_always_needs_express_consent_except_legal_obligations(out: Run) -> None:
    hit = out.one("app/quebec.py", line_of(QUEBEC, "# L:qc_sync"), "PRV503")
    assert "Quebec (Canada)" in hit.text and "notice.jurisdictions.CA-QC.express_consent" in hit.text
    out.none("app/quebec.py", line_of(QUEBEC, "# L:qc_checked"), "PRV5")
    out.none("app/quebec.py", line_of(QUEBEC, "# L:qc_law"), "PRV5")


def test_india_financial_data_needs_consent_other_data_does_not(out: Run) -> None:
    hit = out.one("app/india.py", line_of(INDIA, "# L:in_billing"), "PRV503")
    assert "the India supplement relies on consent for billing_data" in hit.text
    assert "notice.jurisdictions.IN.consent_categories" in hit.text
    out.none("app/india.py", line_of(INDIA, "# L:in_account"), "PRV5")


def test_prv502_and_prv503_are_not_both_reported_for_one_call(tmp_path) -> None:
    quebec_jobs = '''
        # privacy-defaults: jurisdiction=CA-QC
        import requests
        from app.models import JobAlert


        def alert(a: JobAlert):
            requests.post("https://jobs.internal/a", json={"to": a.alert_email})  # L:both
    '''
    run = lint(tmp_path, {"pyproject.toml": PYPROJECT, "app/__init__.py": "", "app/consent.py": CONSENT,
                          "app/models.py": MODELS, "app/qc_jobs.py": quebec_jobs})
    line = line_of(quebec_jobs, "# L:both")
    run.one("app/qc_jobs.py", line, "PRV502")
    run.none("app/qc_jobs.py", line, "PRV503")


def test_without_config_any_check_named_like_consent_counts(tmp_path) -> None:
    files = {k: v for k, v in FILES.items() if k != "pyproject.toml"}
    files = {k: v for k, v in files.items() if k in ("app/__init__.py", "app/consent.py", "app/models.py", "app/jobs.py")}
    run = check(tmp_path, files)
    run.none("app/jobs.py", line_of(JOBS, "# L:wrong_check"), "PRV5")  # consent_banner_shown: named like consent
    hit = run.one("app/jobs.py", line_of(JOBS, "# L:alert"), "PRV502")
    assert "no consent-checks are configured in [tool.lint-privacy]" in hit.text


def test_noqa_silences_prv502(tmp_path) -> None:
    jobs = '''
        import requests
        from app.models import JobAlert


        def alert(a: JobAlert):
            requests.post("https://jobs.internal/a", json={"to": a.alert_email})  # noqa: PRV502
    '''
    run = lint(tmp_path, {"pyproject.toml": PYPROJECT, "app/__init__.py": "", "app/consent.py": CONSENT,
                          "app/models.py": MODELS, "app/jobs2.py": jobs})
    run.none("app/jobs2.py", None, "PRV5")
