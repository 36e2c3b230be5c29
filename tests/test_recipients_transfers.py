"""Recipients (PRV3xx), transfers (PRV4xx) and unresolved destinations (PRV003) as a flake8 user
sees them: who a call sends personal data to (host from a literal, an f-string prefix, a module
constant or a settings constant; SDKs; cloud regions), judged against the Infobip policy.
"""

from __future__ import annotations

import pytest

from conftest import POLICY, Run, check, line_of

MODELS = '''
    from django.db import models


    class Contact(models.Model):
        email = models.EmailField()  # privacy: account_user_data retention=12mo
        bank_account = models.CharField(max_length=34)  # privacy: billing_data retention=12mo
        body = models.TextField()  # privacy: communication_content role=processor retention=customer_instructions
        plan = models.CharField(max_length=10)
'''

SETTINGS = '''
    CRM_URL = "https://api.hubapi.com/crm/v3/objects/contacts"
'''

OUT = '''
    import logging
    import os
    import smtplib

    import boto3
    import requests
    from django.conf import settings

    from app.models import Contact

    HUBSPOT = "https://api.hubapi.com"
    logger = logging.getLogger(__name__)


    def literal(c: Contact):
        requests.post("https://api.hubapi.com/contacts/v1/contact", json={"email": c.email})  # L:literal


    def fstring_prefix(c: Contact, path: str):
        requests.post(f"https://api.hubapi.com/{path}", json={"email": c.email})  # L:fstring


    def module_constant(c: Contact):
        requests.post(f"{HUBSPOT}/contacts", json={"email": c.email})  # L:constant


    def settings_constant(c: Contact):
        requests.post(settings.CRM_URL, json={"email": c.email})  # L:settings


    def not_personal(c: Contact):
        requests.post("https://api.hubapi.com/contacts/v1/contact", json={"plan": c.plan})  # L:plan


    def named_for_other_categories(c: Contact):
        requests.post("https://acme.zendesk.com/api/v2/tickets", json={"iban": c.bank_account})  # privacy: country=US safeguard=scc  # L:zendesk_billing


    def named_for_this_category(c: Contact):
        requests.post("https://acme.zendesk.com/api/v2/tickets", json={"email": c.email})  # privacy: country=US safeguard=scc  # L:zendesk_ok
        requests.post("https://acme.zendesk.com/api/v2/tickets", json={"email": c.email})  # L:zendesk_nowhere


    def unknown_host(c: Contact):
        requests.post("https://api.example-crm.io/v1/leads", json={"email": c.email})  # L:unknown


    def internal_hosts(c: Contact):
        requests.post("http://localhost:8000/hook", json={"email": c.email})  # L:localhost
        requests.post("http://10.0.0.5/hook", json={"email": c.email})  # L:private_ip
        requests.post("http://users.svc.cluster.local/hook", json={"email": c.email})  # L:cluster


    def from_environment(c: Contact):
        requests.post(os.environ["CRM_URL"], json={"email": c.email})  # L:environ


    def us_bucket(c: Contact):
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.put_object(Bucket="exports", Key="k", Body=c.email)  # privacy: retention=30d  # L:us_bucket


    def eu_bucket(c: Contact):
        s3 = boto3.client("s3", region_name="eu-central-1")
        s3.put_object(Bucket="exports", Key="k", Body=c.email)  # privacy: retention=30d  # L:eu_bucket


    def us_bucket_with_scc(c: Contact):
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.put_object(Bucket="exports", Key="k", Body=c.email)  # privacy: retention=30d safeguard=scc  # L:scc


    def processor_data(c: Contact):
        requests.post("https://api.hubapi.com/contacts/v1/contact", json={"m": c.body})  # L:processor_http
        logger.info("body %s", c.body)  # L:processor_log


    def log_only(c: Contact):
        logger.info("signup %s", c.email)  # L:log_only


    def text(c: Contact):
        requests.post("https://api.twilio.com/2010-04-01/Messages.json", data={"to": c.email})  # L:twilio


    def mail(c: Contact):
        smtp = smtplib.SMTP("smtp.sendgrid.net", 587)
        smtp.sendmail("noreply@example.org", [c.email], "welcome")  # L:smtp


    def mail_with(c: Contact):
        with smtplib.SMTP("smtp.sendgrid.net", 587) as smtp:
            smtp.send_message(c.email)  # L:smtp_with


    def mail_internal(c: Contact):
        smtp = smtplib.SMTP("localhost")
        smtp.sendmail("noreply@example.org", [c.email], "welcome")  # L:smtp_local
'''

NIGERIA = '''
    # privacy-defaults: jurisdiction=NG
    import requests

    from app.ng_models import NgContact


    def export(c: NgContact):
        requests.post("https://api.hubapi.com/contacts/v1/contact", json={"email": c.email})  # L:ng
'''

NIGERIA_MODELS = '''
    # privacy-defaults: jurisdiction=NG
    from django.db import models


    class NgContact(models.Model):
        email = models.EmailField()  # privacy: account_user_data retention=12mo
'''


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Run:
    return check(tmp_path_factory.mktemp("recipients"), {
        "app/__init__.py": "",
        "app/models.py": MODELS,
        "app/settings.py": SETTINGS,
        "app/out.py": OUT,
        "app/ng_models.py": NIGERIA_MODELS,
        "app/export.py": NIGERIA,
    })


EMAIL = "account_user_data (Contact.email)"
ORIGIN = f"{EMAIL} from app/models.py:5"


@pytest.mark.parametrize("marker", ["literal", "fstring", "constant", "settings"])
def test_vendor_host_covered_only_by_a_class_is_prv302(out: Run, marker: str) -> None:
    hit = out.one("app/out.py", line_of(OUT, f"# L:{marker}"), "PRV302")
    assert hit.message == f"{EMAIL} is sent to HubSpot, a vaguely declared recipient"
    assert hit.details == (("data", ORIGIN), ("reason", "sent by requests.post"),
                           ("promise", "the notice covers it only as 'Service and technology providers' "
                                       "(section 6)")), hit


@pytest.mark.parametrize("marker", ["literal", "fstring", "constant", "settings"])
def test_us_vendor_without_safeguard_is_prv401_saying_notice_and_law(out: Run, marker: str) -> None:
    hit = out.one("app/out.py", line_of(OUT, f"# L:{marker}"), "PRV401")
    assert hit.message == f"{EMAIL} goes to HubSpot in US without a safeguard"
    assert hit.detail("reason").startswith("outside the EEA: under EU adequacy decisions")
    assert "; law: EU adequacy decisions" in hit.detail("promise")  # the law part's list decided ...
    assert "(notice 7)" in hit.detail("promise")  # ... together with the notice's section 7 safeguards
    assert "safeguard=scc" in hit.detail("promise")


def test_non_personal_data_to_a_vendor_is_not_flagged(out: Run) -> None:
    out.none("app/out.py", line_of(OUT, "# L:plan"))


def test_named_recipient_not_declared_for_the_category_is_prv303(out: Run) -> None:
    line = line_of(OUT, "# L:zendesk_billing")
    hit = out.one("app/out.py", line, "PRV303")
    assert hit.message.startswith("billing_data (Contact.bank_account) is sent to Zendesk, Inc.")
    assert hit.detail("data") == "billing_data (Contact.bank_account) from app/models.py:6"
    assert hit.detail("promise").startswith(
        "the policy declares zendesk only for: support_data, account_user_data, customer_individual_data")
    assert [h.code for h in out.at("app/out.py", line)] == ["PRV303"]


def test_named_recipient_declared_for_the_category_is_clean(out: Run) -> None:
    out.none("app/out.py", line_of(OUT, "# L:zendesk_ok"))


def test_named_recipient_with_no_known_location_is_prv003(out: Run) -> None:
    line = line_of(OUT, "# L:zendesk_nowhere")
    hit = out.one("app/out.py", line, "PRV003")
    assert ("where Zendesk processes it is stated neither in the notice nor in the catalog"
            in hit.detail("reason"))
    assert [h.code for h in out.at("app/out.py", line)] == ["PRV003"]


def test_unknown_external_host_is_prv304(out: Run) -> None:
    line = line_of(OUT, "# L:unknown")
    hit = out.one("app/out.py", line, "PRV304")
    assert hit.message == f"{EMAIL} is sent to api.example-crm.io, an unknown host"
    assert hit.detail("reason") == ("sent by requests.post; no recipient of the policy and no vendor of the "
                                    "catalog "
                                    "owns api.example-crm.io")
    assert [h.code for h in out.at("app/out.py", line)] == ["PRV304"]


@pytest.mark.parametrize("marker", ["localhost", "private_ip", "cluster"])
def test_internal_hosts_are_not_recipients(out: Run, marker: str) -> None:
    out.none("app/out.py", line_of(OUT, f"# L:{marker}"))


def test_url_from_the_environment_is_prv003_not_skipped(out: Run) -> None:
    line = line_of(OUT, "# L:environ")
    hit = out.one("app/out.py", line, "PRV003")
    assert hit.message == f"{EMAIL} goes to a destination that cannot be resolved"
    assert "environment" in hit.detail("reason")
    assert "# privacy: recipient=... country=.." in hit.detail("reason")
    assert [h.code for h in out.at("app/out.py", line)] == ["PRV003"]


def test_bucket_in_us_region_is_prv401_naming_the_region(out: Run) -> None:
    line = line_of(OUT, "# L:us_bucket")
    hit = out.one("app/out.py", line, "PRV401")
    assert hit.message == f"{EMAIL} goes to Amazon Web Services, Inc in US without a safeguard"
    assert hit.detail("reason").endswith("US from aws region us-east-1")
    assert "law: " in hit.detail("promise") and "notice 7" in hit.detail("promise")
    assert [h.code for h in out.at("app/out.py", line)] == ["PRV401"]  # aws is a named processor: no PRV3


def test_bucket_in_eu_region_is_clean(out: Run) -> None:
    out.none("app/out.py", line_of(OUT, "# L:eu_bucket"))


def test_safeguard_declared_on_the_call_covers_the_transfer(out: Run) -> None:
    out.none("app/out.py", line_of(OUT, "# L:scc"))


def test_processor_role_data_is_exempt_from_recipient_and_transfer_checks_but_not_exposure(out: Run) -> None:
    out.none("app/out.py", line_of(OUT, "# L:processor_http"))
    hit = out.one("app/out.py", line_of(OUT, "# L:processor_log"), "PRV601")
    assert hit.detail("data") == "communication_content (Contact.body) from app/models.py:7"


def test_no_findings_beyond_the_expected_lines(out: Run) -> None:
    expected = {line_of(OUT, f"# L:{m}") for m in (
        "literal", "fstring", "constant", "settings", "zendesk_billing", "zendesk_nowhere", "unknown", "environ", "us_bucket",
        "processor_log", "log_only", "twilio", "smtp", "smtp_with")}
    assert {h.line for h in out.hits if h.path == "app/out.py"} == expected, out.dump()
    out.none("app/settings.py")


@pytest.mark.parametrize("marker", ["smtp", "smtp_with"])
def test_smtp_recipient_is_the_host_of_the_smtp_connection_not_an_address(out: Run, marker: str) -> None:
    line = line_of(OUT, f"# L:{marker}")
    hit = out.one("app/out.py", line, "PRV302")
    assert hit.message.startswith(f"{EMAIL} is sent to SendGrid (Twilio),"), hit
    assert hit.detail("reason").startswith("sent by smtplib.SMTP()."), hit
    assert "goes to SendGrid (Twilio) in US" in out.one("app/out.py", line, "PRV401").message
    out.none("app/out.py", line, "PRV304")  # not "sent to example.org" (the sender's address)


def test_smtp_to_an_internal_host_is_clean(out: Run) -> None:
    out.none("app/out.py", line_of(OUT, "# L:smtp_local"))


# --- jurisdictions, undeclared recipients, log shipping ------------------------------------

def test_subjects_jurisdiction_applies_the_country_supplement_prv402(out: Run) -> None:
    run = out
    line = line_of(NIGERIA, "# L:ng")
    hit = run.one("app/export.py", line, "PRV402")
    assert hit.message == "account_user_data (NgContact.email) goes to HubSpot in US, against the NG rule"
    assert hit.detail("data") == "account_user_data (NgContact.email) from app/ng_models.py:6"
    assert hit.detail("reason").startswith("data of NG data subjects")
    assert hit.detail("promise") == ("the NG supplement allows transfers outside NG only with "
                                     "safeguard=consent "
                                     "(notice: Nigeria supplement)")
    run.none("app/export.py", line, "PRV401")  # the supplement, not the EU rule, judges NG subjects
    run.one("app/export.py", line, "PRV302")


def test_undeclared_recipient_is_prv301_only_never_prv401_too(tmp_path) -> None:
    acme = POLICY.parent / "acme-example.yaml"
    models = '''
        from django.db import models


        class Rider(models.Model):
            email = models.EmailField()  # privacy: rider_account retention=12mo
    '''
    track = '''
        import requests

        from app.models import Rider


        def track(r: Rider):
            requests.post("https://api.mixpanel.com/track", json={"email": r.email})  # L:mixpanel
    '''
    run = check(tmp_path, {"app/__init__.py": "", "app/models.py": models, "app/track.py": track},
                setup_cfg=f"[flake8]\nprivacy-policy = {acme}\n")
    line = line_of(track, "# L:mixpanel")
    hit = run.one("app/track.py", line, "PRV301")
    assert hit.message == ("rider_account (Rider.email) is sent to Mixpanel, a recipient the notice does not "
                           "declare")
    assert hit.details == (("data", "rider_account (Rider.email) from app/models.py:5"),
                           ("reason", "sent by requests.post"), ("promise", "the notice's recipients are in "
                                                                            "section 5"))
    assert [h.code for h in run.at("app/track.py", line)] == ["PRV301"], run.dump()


SENTRY = '''
    import logging

    import sentry_sdk

    from app.models import Contact

    sentry_sdk.init(dsn="https://key@o1.ingest.sentry.io/1")
    logger = logging.getLogger(__name__)


    def signup(c: Contact):
        logger.info("signup %s", c.email)  # L:sentry_log
        logger.info("plan %s", c.plan)  # L:sentry_plan
        logger.debug("signup %s", c.email)  # L:sentry_debug
        logger.log(logging.DEBUG, "signup %s", c.email)  # L:sentry_level_unknown
'''


def test_sentry_init_makes_personal_log_calls_a_transfer_to_sentry(project) -> None:
    run = project.check({"app/__init__.py": "", "app/models.py": MODELS, "app/app.py": SENTRY})
    line = line_of(SENTRY, "# L:sentry_log")
    assert run.one("app/app.py", line, "PRV601").message.startswith(EMAIL)
    vague = run.one("app/app.py", line, "PRV302")
    assert vague.message == f"{EMAIL} is sent to Sentry, a vaguely declared recipient"
    assert vague.detail("reason") == "sent by logging.getLogger().info via sentry_sdk.init at app/app.py:7"
    transfer = run.one("app/app.py", line, "PRV401")
    assert transfer.message == f"{EMAIL} goes to Sentry in US without a safeguard"
    run.none("app/app.py", line_of(SENTRY, "# L:sentry_plan"))
    # Sentry's logging integration takes INFO and up (catalog: min_level): a debug record stays
    # here; a level the code computes is taken as shipped.
    debug = line_of(SENTRY, "# L:sentry_debug")
    assert [h.code for h in run.at("app/app.py", debug)] == ["PRV601"], run.dump()
    assert run.at("app/app.py", line_of(SENTRY, "# L:sentry_level_unknown"), "PRV401"), run.dump()


SENTRY_PII = '''
    import sentry_sdk


    def init(dsn, debug):
        if debug:
            sentry_sdk.init(dsn=dsn, send_default_pii=False)  # L:pii_off
        else:
            sentry_sdk.init(dsn=dsn, send_default_pii=True)  # L:pii_on
'''


def test_sentry_sending_default_pii_is_a_transfer_of_request_data_at_the_init_call(project) -> None:
    """send_default_pii=True: every event carries the request's IP address, cookies and user, so
    the init call itself sends personal data to Sentry; False (the default) sends none."""
    run = project.check({"app/__init__.py": "", "app/monitoring.py": SENTRY_PII})
    line = line_of(SENTRY_PII, "# L:pii_on")
    assert [h.code for h in run.at("app/monitoring.py", line)] == ["PRV302", "PRV401"], run.dump()
    transfer = run.one("app/monitoring.py", line, "PRV401")
    assert transfer.detail("data") == ("unannotated ip_address (request data, IP and user (send_default_pii=True)) "
                                       f"from app/monitoring.py:{line}"), run.dump()
    run.none("app/monitoring.py", line_of(SENTRY_PII, "# L:pii_off"))


def test_without_sentry_init_a_log_call_is_exposure_only(out: Run) -> None:
    line = line_of(OUT, "# L:log_only")
    assert [h.code for h in out.at("app/out.py", line)] == ["PRV601"], out.dump()


def test_class_recipient_not_declared_for_the_category_is_not_merely_vague(out: Run) -> None:
    hit = out.one("app/out.py", line_of(OUT, "# L:twilio"), "PRV303")
    assert "is sent to Twilio," in hit.message, hit
    assert "Twilio comes under the class 'Telecom operators" in hit.detail("reason"), hit
    assert not out.at("app/out.py", line_of(OUT, "# L:twilio"), "PRV302"), out.dump()
