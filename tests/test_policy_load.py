"""The shipped policies load into the model with what the notice and the law say.
Infobip: every SPEC id, the notice's metadata, recipients, transfers, jurisdictions; Acme: the format alone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lint_privacy.policy import Policy, load_policy

REPO = Path(__file__).parents[1]
NOTICE = Path(__file__).parents[1] / "policies/notices/infobip-privacy-notice-2023-02-22.txt"

SPEC_CATEGORIES = """account_user_data customer_individual_data billing_data support_data communication_content
traffic_data_enduser traffic_data usage_data behavioral_analytics supplier_contact_data supplier_individual_data
prospect_data marketing_contact marketing_suppression event_registration event_logistics visa_documents event_media
market_research_contact research_interview ux_research website_visitor recruitment_data job_alert_subscriber
social_impact_contact social_impact_org_request office_visitor cctv_footage""".split()
KOREAN_PROCESSORS = "salesforce oracle zendesk atlassian docusign gainsight fullstory workday microsoft aws google gooddata".split()
SECTION_6_CLASSES = "telecom_operators service_providers authorities advertising_partners ma_stakeholders".split()


@pytest.fixture(scope="module")
def infobip() -> Policy:
    return load_policy(REPO / "policies/infobip.yaml")


def normalise(text: str) -> str:
    """Whitespace collapsed and typographic quotes made plain, so quotes survive the PDF's line breaks."""
    text = text.replace("\u201c", '"').replace("\u201d", '"').replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\s+", " ", text)


def test_infobip_has_exactly_the_spec_categories_and_recipients(infobip: Policy) -> None:
    assert list(infobip.categories) == SPEC_CATEGORIES
    assert set(infobip.recipients) == set(KOREAN_PROCESSORS) | set(SECTION_6_CLASSES) | {"infobip_affiliates"}
    assert {r.kind for r in map(infobip.recipients.get, SECTION_6_CLASSES)} == {"class"}
    assert infobip.recipients["infobip_affiliates"].kind == "group"


def test_notice_metadata_is_the_notice_of_22_february_2023(infobip: Policy) -> None:
    n = infobip.notice
    assert (n.last_updated, n.previous_version) == ("2023-02-22", "2022-10-29")
    assert n.controller.name == "Infobip Limited"
    assert n.controller.registration_number == "7085757"
    assert "London EC4V 6BW" in n.controller.address and n.controller.country == "GB"
    roles = {c.role: c for c in n.contacts}
    assert roles["dpo"].email == "data-protection-officer@infobip.com" and roles["dpo"].section == "3"
    assert "eu_representative" in roles
    assert infobip.min_customer_age == 16 and infobip.min_customer_age_section == "12"


def test_every_category_entry_carries_its_section_and_element_kinds(infobip: Policy) -> None:
    for cat in infobip.categories.values():
        assert re.fullmatch(r"5\.\d+(\.\d+)?", cat.section), cat.id
        assert cat.elements and cat.purposes and cat.retention and cat.subjects
        for term in cat.retention:
            assert term.section == cat.section and term.quote, (cat.id, term.id)
    assert infobip.categories["communication_content"].role == "processor"
    assert infobip.categories["cctv_footage"].elements == ("cctv_image",)


def test_every_quote_in_the_policy_is_in_the_notice(infobip: Policy) -> None:
    notice = normalise(NOTICE.read_text(encoding="utf-8"))
    quotes = [t.quote for c in infobip.categories.values() for t in c.retention]
    quotes += [r.quote for r in infobip.recipients.values() if r.quote]
    quotes += [s.quote for s in infobip.safeguards.values() if s.quote]
    quotes += [j.quote for j in infobip.jurisdictions.values() if j.quote]
    rules = [infobip.transfer] + [j.transfer for j in infobip.jurisdictions.values() if j.transfer]
    quotes += [r.quote for r in rules] + [q.quote for r in rules for q in r.requirements]
    assert len(quotes) > 60
    for quote in quotes:
        for piece in normalise(quote).split(" ... "):  # " ... " marks words left out
            assert piece.strip() in notice, piece


def test_processors_of_the_korean_supplement_and_their_vendors(infobip: Policy) -> None:
    r = infobip.recipients
    assert r["workday"].locations == ("EU",) and "recruitment_data" in (r["workday"].categories or ())
    assert r["atlassian"].vendors == ("atlassian", "jira", "slack") and "Slack" in r["atlassian"].note
    assert infobip.recipient_for_vendor("jira") is r["atlassian"]
    assert infobip.recipient_for_vendor("microsoft") is r["microsoft"]
    assert infobip.recipient_for_vendor("stripe") is None
    assert [c.id for c in infobip.classes_covering("crm")] == ["service_providers"]
    assert [c.id for c in infobip.classes_covering("advertising")] == ["advertising_partners"]
    # Meta is a social vendor, but section 6 names WhatsApp and Facebook as telecom channels.
    assert [c.id for c in infobip.classes_covering("social", "meta")] == ["telecom_operators", "advertising_partners"]
    assert {"meta", "viber", "telegram", "kakaotalk", "line"} <= set(r["telecom_operators"].vendors)
    assert infobip.recipient_for_vendor("infobip") is r["infobip_affiliates"]
    assert r["infobip_affiliates"].safeguards == ("intra_group_agreement",)
    # SCCs are promised "where needed", for no named recipient: code declares them at the transfer.
    assert {r[p].safeguards for p in KOREAN_PROCESSORS} == {("dpa",)}
    assert r["microsoft"].categories is None  # cloud hosting: the notice does not restrict it


def test_default_transfer_rule_is_the_eea_with_sccs_and_the_uk_by_adequacy(infobip: Policy) -> None:
    t = infobip.transfer
    assert t.inside_as_written == ("EEA",) and len(t.inside) == 30
    assert {"DE", "NO", "IS", "LI"} <= set(t.inside) and "GB" not in t.inside
    assert t.adequacy == "eu" and t.accepted_safeguards == ("scc", "intra_group_agreement")
    assert "United Kingdom" in t.note
    eu = infobip.law.adequacy["eu"]
    assert eu.source.startswith("https://commission.europa.eu/") and eu.as_of
    assert eu.decision_for("GB") is not None and "December 2025" in eu.decision_for("GB").note
    assert eu.decision_for("US").requires_safeguard == "dpf"
    assert eu.decision_for("BR").since == "2026-01"
    assert eu.decision_for("CN") is None
    assert len(eu.decisions) == 16
    assert infobip.safeguards["dpf"].source == "law" and infobip.safeguards["scc"].source == "notice"
    assert infobip.law.region_sources["EEA"].startswith("https://")


def test_country_supplement_transfer_rules(infobip: Policy) -> None:
    rule = infobip.transfer_rule
    assert rule("CA").accepted_safeguards[0] == "contractual_safeguards"
    assert rule("CA-QC") is infobip.jurisdictions["CA-QC"].transfer and rule("CA-QC").jurisdiction == "CA"
    assert rule("JP").accepted_safeguards == ("equivalent_action",) and rule("JP").covered_recipients == ("infobip_affiliates",)
    assert (rule("NG").inside, rule("NG").adequacy, rule("NG").accepted_safeguards) == (("NG",), "", ("consent",))
    za = rule("ZA")
    assert (za.inside, za.adequacy, za.accepted_safeguards) == (("ZA",), "", ("binding_transfer_agreement",))
    assert {(q.applies_to, q.requires) for q in za.requirements} == {
        ("special_categories", ("regulator_authorisation",)), ("children", ("regulator_authorisation",))}
    assert rule("PH").accepted_safeguards == ("consent",) and "workday" in rule("PH").covered_recipients
    assert rule("KR").covered_recipients == ("infobip_affiliates",) and rule("KR").accepted_safeguards == ()
    assert rule("FR") is infobip.transfer and rule(None) is infobip.transfer


def test_jurisdiction_ages_consent_and_breach_rules(infobip: Policy) -> None:
    j = infobip.jurisdictions
    ages = {k: infobip.minimum_age(k) for k in ("IN", "ID", "SG", "TH", "MY", "PK", "FR")}
    assert ages == {"IN": 18, "ID": 21, "SG": 21, "TH": 20, "MY": 18, "PK": 18, "FR": 16}
    assert [(e.kind, e.from_age) for e in j["IN"].age_exceptions] == [("parental_consent", 16)]
    assert [e.kind for e in j["TH"].age_exceptions] == ["marriage"]
    assert [e.kind for e in j["MY"].age_exceptions] == ["parental_consent"]
    assert (j["SA"].express_consent, j["AE"].express_consent, j["CA-QC"].express_consent) == (
        "legitimate_interest_only", "legitimate_interest_only", "always")
    assert j["IN"].consent_categories == ("billing_data",) and j["IN"].sensitive_categories == ("billing_data",)
    assert j["MY"].forbidden_categories == ("billing_data",)
    assert "trade union" in j["NG"].special_category_controls
    assert [(b.notify, b.hours, b.after) for b in j["EG"].breach_notification] == [
        ("authority", 72, ""), ("data_subjects", 72, "authority_notified")]
    assert [(b.notify, b.hours) for b in j["NG"].breach_notification] == [("authority", 72)]


def test_positions_point_into_the_policy_file(infobip: Policy) -> None:
    lines = (REPO / "policies/infobip.yaml").read_text(encoding="utf-8").splitlines()
    cat = infobip.categories["cctv_footage"]
    assert lines[cat.where.line - 1].strip() == "cctv_footage:"
    term = cat.retention[0]
    assert lines[term.where.line - 1].strip() == "- id: after_recording"


def test_schema_vocabularies_match_the_catalog() -> None:
    """Policy elements are the catalog's element kinds; classes cover the catalog's vendor kinds."""
    from lint_privacy.catalog import load_catalog
    from lint_privacy.policy.loader import schema

    catalog = load_catalog()
    defs = schema()["$defs"]
    assert set(defs["category"]["properties"]["elements"]["items"]["enum"]) == set(catalog.names.kinds)
    assert {v.kind for v in catalog.vendors.values()} <= set(defs["recipient"]["properties"]["covers_kinds"]["items"]["enum"])


def test_infobip_vendor_ids_exist_in_the_sink_catalog(infobip: Policy) -> None:
    from lint_privacy.catalog import load_catalog

    vendors = set(load_catalog().vendors)
    for rid in KOREAN_PROCESSORS + ["infobip_affiliates", "telecom_operators"]:
        assert set(infobip.recipients[rid].vendors) <= vendors, rid


def test_acme_example_loads_with_nothing_infobip_specific() -> None:
    acme = load_policy(str(REPO / "policies/acme-example.yaml"))
    assert acme.notice.controller.name == "Acme Velo GmbH"
    assert set(acme.categories) == {"rider_account", "ride_location", "payment_card", "support_chat", "newsletter_contact"}
    assert acme.categories["payment_card"].retention[0].period.days == pytest.approx(365.25)
    assert acme.minimum_age("CH") == 16 and acme.minimum_age(None) == 18
    assert acme.recipient_for_vendor("stripe").id == "stripe"
    assert not set(acme.categories) & set(SPEC_CATEGORIES)


def test_jsonschema_is_imported_only_when_a_policy_is_loaded() -> None:
    import subprocess
    import sys

    code = ("import sys, lint_privacy.policy as p; before = 'jsonschema' in sys.modules; "
            f"p.load_policy({str(REPO / 'policies/acme-example.yaml')!r}); print(before, 'jsonschema' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "True"]


def test_legal_bases_and_roles_are_one_vocabulary_in_annotations_and_the_policy_schema() -> None:
    """annotations.BASES and ROLES are the vocabulary (``basis=``, ``role=``); the schema, which
    editors read, spells it for a policy's purposes and categories and must not drift from it."""
    from lint_privacy.annotations import BASES, ROLES
    from lint_privacy.policy.loader import schema

    defs = schema()["$defs"]
    assert defs["purpose_use"]["properties"]["bases"]["items"]["enum"] == list(BASES)
    assert defs["category"]["properties"]["role"]["enum"] == list(ROLES)
