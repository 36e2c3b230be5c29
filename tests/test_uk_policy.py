"""A second company's notice, not Infobip's: a UK clinic (tests/data/uk-clinic.yaml) with home GB,
the UK's adequacy regulations, the IDTA as its safeguard, a US vendor covered only for certified
recipients, a class of analytics providers that names Mixpanel, and a retention capped "at the
latest". Judged as a flake8 user sees it: where the code sends data (a region in code outranks the
notice's declared locations, followed through resources, tables, buckets and sessions), messages
in the policy's own terms, retention rules, caps and written retentions.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Run, check, line_of, run_cli, write_project

UK = Path(__file__).parent / "data" / "uk-clinic.yaml"
CFG = f"[flake8]\nprivacy-policy = {UK}\n"

MODELS = '''
    from dataclasses import dataclass
    from typing import Annotated

    from django.db import models
    from lint_privacy.markers import PersonalData


    class Patient(models.Model):
        email = models.EmailField()  # privacy: patient_record retention=8y
        ip = models.CharField(max_length=40)  # privacy: site_usage retention=12mo


    class Enquiry(models.Model):
        email = models.EmailField()  # privacy: enquiry retention=13mo  # L:cap_exceeded
        phone = models.CharField(max_length=20)  # privacy: enquiry retention=12mo  # L:cap_kept
        body = models.TextField()  # privacy: enquiry retention=until_answered  # L:cap_rule
        name = models.TextField()  # privacy: enquiry retention=required_by_law  # L:other_categorys_rule
        note = models.TextField()  # privacy: enquiry retention=untill_answered  # L:unknown_rule


    class Donation(models.Model):
        email = models.EmailField()  # privacy: donation retention=4y  # L:numeric_rule_exceeded
        name = models.CharField(max_length=80)  # privacy: donation retention=3y  # L:numeric_rule_kept
        bank_account = models.CharField(max_length=40)  # privacy: donation retention=required_by_law  # L:named_rule


    @dataclass
    class Visit:
        ip: Annotated[str, PersonalData("site_usage", retention="24mo")]  # L:dataclass_long
        device_id: Annotated[str, PersonalData("site_usage", retention="12mo")]  # L:dataclass_ok
        email: Annotated[str, PersonalData("patient_record")]  # L:dataclass_none


    LAST_IP: Annotated[str, PersonalData("site_usage", retention="2y")] = ""  # L:variable_long


    def remember(ip: Annotated[str, PersonalData("site_usage", retention="36mo")]):  # L:parameter_long
        return ip
'''

CLOUD = '''
    import boto3
    from azure.ai.translation.text import TextTranslationClient
    from google.cloud import bigquery

    from app.models import Patient

    london = boto3.client("s3", region_name="eu-west-2")
    virginia = boto3.client("s3", region_name="us-east-1")


    def client_us(p: Patient):
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.put_object(Bucket="b", Key="k", Body=p.email)  # privacy: retention=8y  # L:client_us


    def client_br(p: Patient):
        s3 = boto3.client("s3", region_name="sa-east-1")
        s3.put_object(Bucket="b", Key="k", Body=p.email)  # privacy: retention=8y  # L:client_br


    def client_gb(p: Patient):
        s3 = boto3.client("s3", region_name="eu-west-2")
        s3.put_object(Bucket="b", Key="k", Body=p.email)  # privacy: retention=8y  # L:client_gb


    def module_clients(p: Patient):
        london.put_object(Bucket="b", Key="k", Body=p.email)  # privacy: retention=8y  # L:module_gb
        virginia.put_object(Bucket="b", Key="k", Body=p.email)  # privacy: retention=8y  # L:module_us


    def table_chained_gb(p: Patient):
        boto3.resource("dynamodb", region_name="eu-west-2").Table("x").put_item(Item={"e": p.email})  # privacy: retention=8y  # L:table_chained_gb


    def table_chained_us(p: Patient):
        boto3.resource("dynamodb", region_name="us-east-1").Table("x").put_item(Item={"e": p.email})  # privacy: retention=8y  # L:table_chained_us


    def table_split(p: Patient):
        ddb = boto3.resource("dynamodb", region_name="sa-east-1")
        table = ddb.Table("x")
        table.put_item(Item={"e": p.email})  # privacy: retention=8y  # L:table_split


    def table_half_split(p: Patient):
        table = boto3.resource("dynamodb", region_name="us-east-1").Table("x")
        table.put_item(Item={"e": p.email})  # privacy: retention=8y  # L:table_half_split


    def bucket_chained(p: Patient):
        boto3.resource("s3", region_name="us-east-1").Bucket("b").put_object(Key="k", Body=p.email)  # privacy: retention=8y  # L:bucket_chained


    def session_client(p: Patient):
        sess = boto3.session.Session(region_name="sa-east-1")
        s3 = sess.client("s3")
        s3.put_object(Bucket="b", Key="k", Body=p.email)  # privacy: retention=8y  # L:session_client


    def session_resource_gb(p: Patient):
        sess = boto3.Session(region_name="eu-west-2")
        sess.resource("dynamodb").Table("x").put_item(Item={"e": p.email})  # privacy: retention=8y  # L:session_resource_gb


    def session_overridden(p: Patient):
        sess = boto3.Session(region_name="eu-west-2")
        sess.client("s3", region_name="us-east-1").put_object(Bucket="b", Key="k", Body=p.email)  # privacy: retention=8y  # L:session_overridden


    def no_region(p: Patient):
        boto3.resource("dynamodb").Table("x").put_item(Item={"e": p.email})  # privacy: retention=8y  # L:no_region


    def bigquery_split(p: Patient):
        client = bigquery.Client(project="p", location="us-central1")
        client.insert_rows_json("t", [{"e": p.email}])  # privacy: retention=8y  # L:bigquery_us


    def bigquery_chained_gb(p: Patient):
        bigquery.Client(location="europe-west2").insert_rows_json("t", [{"e": p.email}])  # privacy: retention=8y  # L:bigquery_gb


    def translate(p: Patient):
        client = TextTranslationClient(credential=None, region="eastus")
        client.translate(body=[p.email], to_language=["de"])  # L:azure_us
'''

VENDORS = '''
    import mixpanel

    from app.models import Patient

    mp = mixpanel.Mixpanel("token")


    def track_visit(p: Patient):
        mp.track("id", "visit", {"ip": p.ip})  # L:mixpanel_named


    def track_record(p: Patient):
        mp.track("id", "visit", {"email": p.email})  # L:mixpanel_other_category


    def track_certified(p: Patient):
        mp.track("id", "visit", {"ip": p.ip})  # privacy: safeguard=uk_extension  # L:mixpanel_certified
'''

FILES = {"app/__init__.py": "", "app/models.py": MODELS, "app/cloud.py": CLOUD, "app/vendors.py": VENDORS}


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Run:
    return check(tmp_path_factory.mktemp("uk"), FILES, setup_cfg=CFG)


def at(run: Run, source: str, marker: str, code: str = "PRV") -> list:
    path = {MODELS: "app/models.py", CLOUD: "app/cloud.py", VENDORS: "app/vendors.py"}[source]
    return run.at(path, line_of(source, f"# L:{marker}"), code)


def test_the_test_policy_is_valid(tmp_path) -> None:
    out = run_cli(tmp_path, "policy", "validate", str(UK))
    assert out.returncode == 0, out.dump()


# ---- 1 and 2: the region written in code, through clients, resources, tables, buckets, sessions


@pytest.mark.parametrize(("marker", "country", "found_by"), [
    ("client_us", "US", "aws region us-east-1"),
    ("client_br", "BR", "aws region sa-east-1"),
    ("module_us", "US", "aws region us-east-1"),
    ("table_chained_us", "US", "aws region us-east-1"),
    ("table_split", "BR", "aws region sa-east-1"),
    ("table_half_split", "US", "aws region us-east-1"),
    ("bucket_chained", "US", "aws region us-east-1"),
    ("session_client", "BR", "aws region sa-east-1"),
    ("session_overridden", "US", "aws region us-east-1"),
    ("bigquery_us", "US", "gcp region us-central1"),
    ("azure_us", "US", "azure region eastus"),
])
def test_a_region_in_code_outside_the_declared_locations_is_a_transfer(run: Run, marker: str, country: str,
                                                                      found_by: str) -> None:
    """The hosting provider is declared at [GB]; the code puts the data elsewhere."""
    hits = at(run, CLOUD, marker, "PRV401")
    assert len(hits) == 1, run.dump()
    assert hits[0].message.endswith(f"goes to Our hosting provider in {country} without a safeguard"), hits[0]
    assert hits[0].detail("reason").endswith(f"{country} from {found_by}"), hits[0]
    assert not at(run, CLOUD, marker, "PRV003"), run.dump()


@pytest.mark.parametrize("marker", ["client_gb", "module_gb", "table_chained_gb", "session_resource_gb", "bigquery_gb"])
def test_a_region_inside_the_home_region_is_no_finding(run: Run, marker: str) -> None:
    assert not at(run, CLOUD, marker), run.dump()


def test_no_region_anywhere_is_still_unresolved(run: Run) -> None:
    (hit,) = at(run, CLOUD, "no_region", "PRV003")
    assert "no region given" in hit.detail("reason")


# ---- 3: messages in the policy's own terms


def test_transfer_messages_speak_the_uk_policy_s_terms(run: Run) -> None:
    (us,) = at(run, CLOUD, "client_us", "PRV401")
    assert us.detail("reason").startswith("outside GB: under UK adequacy regulations, US is covered for "
                                          "UK Extension participants only and no safeguard=uk_extension is "
                                          "declared")
    assert us.detail("promise") == ("transfers outside GB need a safeguard the notice relies on: "
                                    "safeguard=idta "
                                    "(notice 7); law: UK adequacy regulations, ico.org.uk, as of 2026-05-01")
    (br,) = at(run, CLOUD, "client_br", "PRV401")
    assert br.detail("reason").startswith("outside GB: under UK adequacy regulations, BR is not covered")
    assert "law: UK adequacy regulations, ico.org.uk, as of 2026-05-01" in br.detail("promise")
    for hit in run.hits:
        assert " EU" not in hit.text and "EEA" not in hit.text, hit


def test_a_certified_us_vendor_is_covered_by_the_uk_list(run: Run) -> None:
    assert not at(run, VENDORS, "mixpanel_certified", "PRV401"), run.dump()


# ---- 5: a class that names the vendor declares it plainly


def test_a_class_naming_the_vendor_is_no_vague_declaration(run: Run) -> None:
    assert not at(run, VENDORS, "mixpanel_named", "PRV302"), run.dump()
    (transfer,) = at(run, VENDORS, "mixpanel_named", "PRV401")  # at the class's locations: US
    assert "goes to Analytics providers (such as Mixpanel) in US" in transfer.message


def test_the_naming_class_covers_only_its_categories(run: Run) -> None:
    (hit,) = at(run, VENDORS, "mixpanel_other_category", "PRV303")
    assert hit.detail("promise") == "the policy declares analytics_providers only for: site_usage (notice 5)"
    assert not at(run, VENDORS, "mixpanel_other_category", "PRV302")


# ---- 4: a rule of the policy, not of this category


def test_a_rule_of_another_category_is_said_to_be_so(run: Run) -> None:
    (hit,) = at(run, MODELS, "other_categorys_rule", "PRV102")
    assert hit.message == ("retention rule 'required_by_law' is in the policy uk-clinic.yaml, but not one of "
                           "enquiry's")
    assert hit.detail("reason") == (
        "enquiry has retention=until_answered (Kept as long as needed to answer your enquiry, and at the latest "
        "1 year after the day we received the enquiry (§6))")


def test_an_unknown_rule_is_still_unknown(run: Run) -> None:
    (hit,) = at(run, MODELS, "unknown_rule", "PRV102")
    assert hit.message == ("unknown retention rule 'untill_answered' (not in the policy uk-clinic.yaml); "
                           "did you mean until_answered?")
    assert hit.detail("reason").startswith("enquiry has retention=until_answered")


# ---- 6 and 7: a written retention is judged wherever it is written, against caps, and against
# the numeric rule rather than a rule for another case


@pytest.mark.parametrize(("marker", "text"), [
    ("dataclass_long", "Visit.ip keeps site_usage for 24 months, longer than the notice's 12 months\n"
                       "promise: 12 months after the visit to the site (§6) (policy site_usage.after_visit, "
                       "notice 6)"),
    ("variable_long", "the data defined here keeps site_usage for 2 years, longer than the notice's 12 "
                      "months\n"
                      "promise: 12 months after the visit to the site (§6) (policy site_usage.after_visit, "
                      "notice 6)"),
    ("parameter_long", "the data defined here keeps site_usage for 36 months, longer than the notice's 12 "
                       "months\n"
                       "promise: 12 months after the visit to the site (§6) (policy site_usage.after_visit, "
                       "notice 6)"),
    ("cap_exceeded", "Enquiry.email keeps enquiry for 13 months, longer than the notice's 1 year\n"
                     "promise: Kept as long as needed to answer your enquiry, and at the latest 1 year "
                     "after the day "
                     "we received the enquiry (§6) (policy enquiry.until_answered, notice 6)"),
    ("numeric_rule_exceeded", "Donation.email keeps donation for 4 years, longer than the notice's 3 years\n"
                              "reason: if it is kept under another rule of the notice, name it: "
                              "retention=required_by_law\n"
                              "promise: 3 years after the day we received the enquiry (§6) "
                              "(policy donation.after_enquiry, notice 6)"),
])
def test_a_written_retention_longer_than_the_notice_allows_is_prv202(run: Run, marker: str,
                                                                     text: str) -> None:
    (hit,) = at(run, MODELS, marker, "PRV202")
    assert hit.text == text


@pytest.mark.parametrize(("marker", "why"), [
    ("dataclass_ok", "within the period, on a dataclass"),
    ("dataclass_none", "not stored: no retention needed"),
    ("cap_kept", "within the cap"),
    ("cap_rule", "the capped rule named"),
    ("numeric_rule_kept", "within the numeric rule"),
    ("named_rule", "the rule for another case named"),
])
def test_a_retention_the_notice_allows_is_quiet(run: Run, marker: str, why: str) -> None:
    assert not at(run, MODELS, marker), run.dump()


def test_a_cap_on_a_period_or_without_a_rule_is_a_policy_error(tmp_path) -> None:
    text = UK.read_text(encoding="utf-8").replace(
        "{id: after_care, section: \"6\", period: 8y, trigger: last_appointment,",
        "{id: after_care, section: \"6\", period: 8y, trigger: last_appointment, cap: {period: 9y, quote: x},")
    assert "cap: {period: 9y" in text
    bad = write_project(tmp_path, {"policy.yaml": text}, setup_cfg=None) / "policy.yaml"
    out = run_cli(tmp_path, "policy", "validate", str(bad))
    assert out.returncode == 2, out.dump()
    assert "notice.categories.patient_record.retention[0].cap: a cap belongs to a rule without a period" in out.stdout + out.stderr


def test_a_cap_with_an_unknown_trigger_or_bad_period_is_a_policy_error(tmp_path) -> None:
    text = UK.read_text(encoding="utf-8").replace("cap: {period: 1y, trigger: enquiry_received,",
                                                  "cap: {period: 1year, trigger: enquiry_recieved,")
    bad = write_project(tmp_path, {"policy.yaml": text}, setup_cfg=None) / "policy.yaml"
    out = run_cli(tmp_path, "policy", "validate", str(bad))
    assert out.returncode == 2, out.dump()
    said = out.stdout + out.stderr
    assert "retention[0].cap.period: '1year' is not a duration" in said
    assert "retention[0].cap.trigger: unknown trigger 'enquiry_recieved' (did you mean 'enquiry_received'?)" in said
