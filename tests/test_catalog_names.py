"""Name-based classification from the shipped ``names.yaml``: every kind of the design's
vocabulary, positives for every personal kind, and negatives for every exclusion we promise.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lint_privacy.catalog import CatalogError, NameMatch, load_catalog, split_words

# docs/design.md, "Element kinds" (* = special).
PERSONAL = (
    "email phone person_name postal_address postcode date_of_birth age gender nationality "
    "ip_address mac_address device_id cookie_id user_agent geolocation national_id "
    "passport_number ssn tax_id drivers_license iban bank_account card_number salary "
    "credit_score photo signature username user_object contact_details author_name written_text"
).split()
SPECIAL = (
    "health ethnicity religion political_opinion sexual_orientation biometric "
    "criminal_record trade_union"
).split()
CONTEXT = (
    "company_name industry job_title login_details vat_number billing_details "
    "payment_behaviour support_ticket message_content communication_metadata usage_activity "
    "browsing_activity cv education employment_history interview_notes assessment_results "
    "references background_check country dietary_needs travel_details accommodation "
    "passport_details event_media audio_video_recording survey_answers opinions cctv_image "
    "email_engagement"
).split()


@pytest.fixture(scope="module")
def names():
    return load_catalog().names


def test_kinds_are_exactly_the_design_vocabulary(names):
    assert set(names.kinds) == set(PERSONAL) | set(SPECIAL) | set(CONTEXT)
    for kid in PERSONAL:
        assert names.kinds[kid].personal and not names.kinds[kid].special, kid
    for kid in SPECIAL:
        assert names.kinds[kid].personal and names.kinds[kid].special, kid
    for kid in CONTEXT:
        assert not names.kinds[kid].personal and not names.kinds[kid].special, kid
    assert all(k.label for k in names.kinds.values())


@pytest.mark.parametrize(
    ("identifier", "words"),
    [
        ("billingEmail", ("billing", "email")),
        ("EMAIL_ADDR2", ("email", "addr")),
        ("IPAddress", ("ip", "address")),
        ("HTTPUserAgent", ("http", "user", "agent")),
        ("date-of-birth", ("date", "of", "birth")),
        ("First Name", ("first", "name")),
        ("x", ("x",)),
        ("__", ()),
    ],
)
def test_split_words(identifier, words):
    assert split_words(identifier) == words


POSITIVES = [
    # email
    ("email", "email"), ("e_mail", "email"), ("billingEmail", "email"),
    ("EMAIL_ADDR2", "email"), ("email_address", "email"), ("mailAddress", "email"),
    ("customer_emails", "email"), ("verified_email", "email"), ("e-mail", "email"),
    # phone
    ("phone", "phone"), ("phone_number", "phone"), ("mobile", "phone"), ("msisdn", "phone"),
    ("tel", "phone"), ("contactPhones", "phone"), ("telephone", "phone"),
    ("caller_id", "phone"), ("to_number", "phone"), ("destination_number", "phone"),
    # person_name
    ("first_name", "person_name"), ("lastName", "person_name"), ("surname", "person_name"),
    ("full_name", "person_name"), ("contact_name", "person_name"),
    ("customer_name", "person_name"), ("FirstName", "person_name"),
    ("noc_contact", "contact_details"), ("contact_info", "contact_details"),
    ("author", "author_name"), ("maintainer", "author_name"),
    # username
    ("username", "username"), ("user_name", "username"),
    # postal_address / postcode
    ("address", "postal_address"), ("home_address", "postal_address"),
    ("street", "postal_address"), ("billing_address_line1", "postal_address"),
    ("postcode", "postcode"), ("zip_code", "postcode"), ("postal_code", "postcode"),
    # date_of_birth / age
    ("dob", "date_of_birth"), ("date_of_birth", "date_of_birth"),
    ("birth_date", "date_of_birth"), ("birthDate", "date_of_birth"),
    ("birthday", "date_of_birth"), ("age", "age"), ("customer_age", "age"),
    # gender / nationality
    ("gender", "gender"), ("sex", "gender"), ("nationality", "nationality"),
    # network and device identifiers
    ("ip", "ip_address"), ("ip_address", "ip_address"), ("remote_addr", "ip_address"),
    ("client_ip", "ip_address"), ("ipv4", "ip_address"), ("x_forwarded_for", "ip_address"),
    ("mac_address", "mac_address"), ("device_id", "device_id"),
    ("deviceToken", "device_id"), ("idfa", "device_id"), ("imsi", "device_id"), ("cookie_id", "cookie_id"),
    ("session_id", "cookie_id"), ("anonymousId", "cookie_id"), ("user_agent", "user_agent"),
    # geolocation
    ("lat", "geolocation"), ("lng", "geolocation"), ("latitude", "geolocation"),
    ("longitude", "geolocation"), ("gps_location", "geolocation"), ("geoip_info", "geolocation"),
    # government ids
    ("national_id", "national_id"), ("nik", "national_id"),
    ("passport", "passport_number"), ("passport_number", "passport_number"),
    ("ssn", "ssn"), ("social_security_number", "ssn"), ("tax_id", "tax_id"),
    ("pan_number", "tax_id"), ("drivers_license", "drivers_license"),
    ("driving_licence_number", "drivers_license"),
    # financial
    ("iban", "iban"), ("bank_account_number", "bank_account"), ("card_number", "card_number"),
    ("credit_card", "card_number"), ("card_pan", "card_number"), ("cvv", "card_number"),
    ("salary", "salary"), ("annual_income", "salary"), ("credit_score", "credit_score"),
    # photo / signature
    ("avatar", "photo"), ("profile_photo", "photo"), ("handwritten_signature", "signature"),
    # special categories
    ("health", "health"), ("medical_history", "health"), ("diagnosis", "health"),
    ("allergies", "health"), ("hiv_status", "health"), ("ethnicity", "ethnicity"),
    ("race", "ethnicity"), ("religion", "religion"), ("political_party", "political_opinion"),
    ("sexual_orientation", "sexual_orientation"), ("fingerprint", "biometric"),
    ("face_encoding", "biometric"), ("criminal_record", "criminal_record"),
    ("convictions", "criminal_record"), ("trade_union_member", "trade_union"),
]


@pytest.mark.parametrize(("identifier", "kind"), POSITIVES)
def test_positive(names, identifier, kind):
    match = names.classify(identifier)
    assert match is not None, identifier
    assert match.kind == kind


def test_every_personal_kind_has_a_positive():
    assert {k for _, k in POSITIVES} | set(WHOLE) | set(BY_CLASS_ONLY) == set(PERSONAL) | set(SPECIAL)


WHOLE = ["user_object"]  # objects, found by object_kind only
BY_CLASS_ONLY = ["written_text"]  # found by field_kind in a class family only (tests/test_inventory.py)


@pytest.mark.parametrize("identifier", ["user", "requested_user", "current_user", "users", "remote_user"])
def test_an_object_named_user_is_a_whole_user_object(names, identifier):
    kind = names.object_kind(identifier)
    assert kind is not None and kind.id == "user_object" and kind.whole, identifier
    assert names.classify(identifier) is None or names.classify(identifier).kind != "user_object", identifier


@pytest.mark.parametrize("identifier", ["user_id", "user_email", "db_user", "is_user", "num_users",
                                        "service_user", "USER", "userland"])
def test_names_that_are_no_user_object(names, identifier):
    kind = names.object_kind(identifier)
    assert kind is None or kind.id != "user_object", identifier


NEGATIVES = [
    # booleans
    "email_verified", "is_email_public", "has_phone", "phone_enabled", "email_confirmed",
    "email_opt_in", "emailVerified", "should_send_email",
    # counts
    "email_count", "phone_count", "num_phones", "n_emails", "ip_count", "total_phones",
    # hashes, tokens
    "password_hash", "hashed_email", "email_hash", "phone_token", "email_digest",
    # templates and configuration
    "email_template", "email_backend", "email_subject", "EMAIL_HOST", "EMAIL_PORT",
    "EMAIL_USE_TLS", "DEFAULT_FROM_EMAIL", "email_format", "phone_regex", "email_pattern",
    "name_field", "email_field", "email_column", "phone_type", "email_status",
    "phone_length", "max_email_length", "email_provider",
    # accounts the application logs in with (a bug tracker's API user, the SMTP login)
    "api_username", "SMTP_USERNAME", "DB_USERNAME", "bot_username",
    # timestamps
    "created_at", "updated_at", "email_sent_at", "phone_verified_on", "email_date",
    # noisy single words and look-alikes
    "name", "product_name", "page", "usage", "message", "storage", "image", "cold",
    "is_cold", "cold_storage", "location", "title", "signature", "photo",
    # age of things that are not people
    "max_age", "cache_age", "SESSION_COOKIE_AGE", "account_age",
    # addresses that are not postal
    "web_address", "server_address", "bind_addr", "wallet_address",
    # health of services
    "health_check", "healthcheck_url", "service_health", "customer_health_score",
    # other look-alikes
    "zip_file", "mobile_app_version", "race_condition", "ssh_key_fingerprint",
    "allowed_ips", "ip_version", "company_name", "password",
    # careful short words: a bare PAN, a MAC (message authentication code), lat/long look-alikes
    "pan", "camera_pan", "mac", "hmac_signature", "latency", "long_description", "hotel",
    "template", "translation", "platform",
    # parts and parameters of a value, not the value
    "phone_country_code", "email_code", "lat_offset", "latitude_delta", "coordinates_system",
    "node_address",
]


@pytest.mark.parametrize("identifier", NEGATIVES)
def test_negative(names, identifier):
    assert names.classify(identifier) is None


@pytest.mark.parametrize(
    ("identifier", "kind", "matched"),
    [
        # the longest pattern wins: neither is a postal address
        ("email_address", "email", "email address"),
        ("ip_address", "ip_address", "ip address"),
        ("mac_addr", "mac_address", "mac addr"),
        # words inside the match never exclude it
        ("device_token", "device_id", "device token"),
        ("birth_date", "date_of_birth", "birth date"),
        # the head noun (last match) wins a tie
        ("contact_phone_email", "email", "email"),
    ],
)
def test_precedence(names, identifier, kind, matched):
    assert names.classify(identifier) == NameMatch(kind, matched)


def test_context_kinds_only_on_request(names):
    assert names.classify("company_name") is None
    assert names.classify("company_name", context=True).kind == "company_name"
    assert names.classify("job_title", context=True).kind == "job_title"
    # personal kinds still win where they match
    assert names.classify("company_email", context=True).kind == "email"


def test_config_names_extend_and_remove():
    catalog = load_catalog(
        extra_names={
            "email": ["courriel"],
            "kinds": {"geolocation": {"remove_patterns": ["lat"]}},
            "exclusions": {"after": ["preview"]},
        }
    )
    names = catalog.names
    assert names.classify("courriel_client").kind == "email"
    assert names.classify("lat") is None
    assert names.classify("latitude").kind == "geolocation"
    assert names.classify("phone_preview") is None
    # the shipped catalog is untouched
    assert load_catalog().names.classify("lat").kind == "geolocation"


def test_user_file_adds_a_kind_pattern(tmp_path: Path):
    path = tmp_path / "catalog.yaml"
    path.write_text("kinds:\n  national_id:\n    patterns: [nomor induk]\n", encoding="utf-8")
    assert load_catalog([path]).names.classify("nomor_induk").kind == "national_id"


class _Field:
    """A class attribute as field_kind reads it: a CharField with no literal value."""

    def __init__(self, name: str) -> None:
        self.name, self.value_call, self.type_text, self.constant, self.fixed_text = (
            name, "models.CharField", "", False, False)


def test_user_file_adds_a_class_family_and_its_patterns(tmp_path: Path):
    path = tmp_path / "catalog.yaml"
    path.write_text(
        "class_families:\n  ticket:\n    words: [ticket]\n    not: [type]\n"
        "  person:\n    words: [driver]\n"
        "kinds:\n  email:\n    class_patterns: {ticket: [requester]}\n",
        encoding="utf-8",
    )
    names = load_catalog([path]).names
    assert names.field_kind(_Field("requester"), "app.models.SupportTicket").id == "email"
    assert names.field_kind(_Field("requester"), "app.models.TicketType") is None
    assert names.field_kind(_Field("requester"), "app.models.Order") is None
    assert names.field_kind(_Field("name"), "app.models.DriverProfile").id == "person_name"


def test_class_patterns_name_a_known_family(tmp_path: Path):
    path = tmp_path / "catalog.yaml"
    path.write_text("kinds:\n  email:\n    class_patterns: {tickets: [requester]}\n", encoding="utf-8")
    with pytest.raises(CatalogError) as err:
        load_catalog([path])
    assert str(err.value) == (f"{path}:3:31: unknown class family 'tickets'; the families are: person, mail, writing, equipment, organisation, holder")


def test_new_kind_needs_label_and_personal(tmp_path: Path):
    path = tmp_path / "catalog.yaml"
    path.write_text("kinds:\n  shoe_size:\n    patterns: [shoe size]\n", encoding="utf-8")
    with pytest.raises(CatalogError) as err:
        load_catalog([path])
    assert str(err.value) == f"{path}:3:5: new kind 'shoe_size' needs 'label' and 'personal'"


def test_bad_config_names_have_no_position():
    with pytest.raises(CatalogError) as err:
        load_catalog(extra_names={"email": {"patterns": "courriel"}})
    assert str(err.value) == "lint-privacy config: 'patterns' must be a list of text items"
