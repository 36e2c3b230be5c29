"""Each category's retention, tied to the notice: the figure phrase is found in the category's own
section of the notice text, and the loaded policy holds exactly the period, trigger or rule it states."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pytest

from lint_privacy.policy import Policy, load_policy

REPO = Path(__file__).parents[1]
NOTICE = Path(__file__).parents[1] / "policies/notices/infobip-privacy-notice-2023-02-22.txt"
HEADING = re.compile(r"^\s?(5\.\d+(?:\.\d+)?|[6-9])\.? [A-Z]")

# (category, section, phrase in the notice, {(subjects, period, trigger, rule), ...})
# A term with no subjects applies to all of the category's data subjects.
TABLE = [
    ("account_user_data", "5.1.1", "dua belas (12) bulan setelah berakhirnya hubungan bisnis kami dengan pelanggan",
     {((), "12mo", "end_of_business_relationship", None)}),
    ("customer_individual_data", "5.1.1", "tujuh (7) tahun setelah berakhirnya hubungan bisnis kami",
     {((), "7y", "end_of_business_relationship", None)}),
    ("billing_data", "5.1.1", "Detail penagihan dan keuangan pelanggan",
     {(("account_user", "business_contact"), "12mo", "end_of_business_relationship", None),
      (("individual_customer",), "7y", "end_of_business_relationship", None)}),
    ("support_data", "5.1.1", "tujuh (7) tahun setelah penyelesaian permintaan dukungan",
     {((), "7y", "support_request_resolved", None)}),
    ("communication_content", "5.1.2", "disimpan atas nama pelanggan dan sesuai dengan instruksi pelanggan",
     {((), None, None, "customer_instructions")}),
    ("traffic_data_enduser", "5.1.2", "dua belas (12) bulan setelah berakhirnya bulan terkait",
     {((), "12mo", "end_of_communication_month", None)}),
    ("traffic_data", "5.1.2", "hingga sepuluh (10) tahun setelah tahun komunikasi",
     {((), "10y", "end_of_communication_year", None)}),
    ("usage_data", "5.1.2", "dapat disimpan hingga tiga (3) tahun",
     {((), "3y", None, "no_trigger_stated")}),
    ("behavioral_analytics", "5.1.3", "dua puluh lima (25) bulan setelah dibuat",
     {((), "25mo", "creation", None)}),
    ("supplier_contact_data", "5.2", "dua belas (12) bulan setelah berakhirnya hubungan bisnis kami dengan pemasok",
     {((), "12mo", "end_of_business_relationship", None)}),
    ("supplier_individual_data", "5.2", "tujuh (7) tahun setelah berakhirnya hubungan bisnis kami",
     {((), "7y", "end_of_business_relationship", None)}),
    ("prospect_data", "5.3", "enam (6) bulan setelah komunikasi terakhir kami",
     {((), "6mo", "last_communication", None)}),
    ("marketing_contact", "5.4", "hingga Anda berhenti berlangganan",
     {(("business_contact", "supplier_contact"), None, None, "business_relationship_b2b"),
      (("newsletter_subscriber",), None, None, "until_unsubscribe")}),
    ("marketing_suppression", "5.4", "hanya akan menyimpan daftar penolakan",
     {((), None, None, "suppression_list")}),
    ("event_registration", "5.5", "dua (2) tahun setelah acara",
     {((), "2y", "event", None)}),
    ("event_logistics", "5.5", "enam puluh (60) hari setelah hari acara",
     {((), "60d", "event_day", None)}),
    ("visa_documents", "5.5", "jangka waktu yang ditentukan oleh peraturan perundang-undangan yang berlaku",
     {((), None, None, "period_required_by_law")}),
    ("event_media", "5.5", "materi berupa foto, audio, dan video dari acara kami",
     {((), None, None, "no_period_stated")}),
    ("market_research_contact", "5.6.1", "itu akan segera dihapus",
     {((), None, None, "no_period_stated"), ((), None, None, "delete_immediately")}),
    ("research_interview", "5.6.2", "satu (1) tahun setelah tanggal wawancara",
     {((), "1y", "interview_date", None)}),
    ("ux_research", "5.6.3", "satu (1) tahun setelah tanggal wawancara",
     {((), "1y", "interview_date", None)}),
    ("website_visitor", "5.7", "periode retensi untuk jenis cookie tertentu",
     {((), None, None, "per_cookie_policy")}),
    ("recruitment_data", "5.8", "tiga puluh hari setelah menerima email",
     {((), None, None, "consented_period"), (("sourced_candidate",), "30d", "consent_request_received", None)}),
    ("job_alert_subscriber", "5.8", "periode yang telah Anda setujui",
     {((), None, None, "consented_period")}),
    ("social_impact_contact", "5.9", "selama diperlukan untuk memenuhi permintaan khusus Anda",
     {((), None, None, "until_request_fulfilled")}),
    ("social_impact_org_request", "5.9", "tiga (3) tahun setelah akhir tahun saat terakhir kali kami berkomunikasi",
     {((), "3y", "end_of_year_of_last_communication", None), ((), None, None, "period_required_by_law")}),
    ("office_visitor", "5.10", "segera setelah tidak diperlukan lagi",
     {((), None, None, "until_no_longer_needed"), ((), None, None, "until_request_fulfilled_or_consent_withdrawn")}),
    ("cctv_footage", "5.10", "sembilan puluh (90) hari setelah tanggal perekaman",
     {((), "90d", "recording", None)}),
]
# Caps the notice sets beside a rule ("and at the latest N after X"): (category, term, period, trigger).
CAPS = [("social_impact_contact", "until_fulfilled", "1y", "initial_communication")]
# Words that set a cap, in the main body (Indonesian) and the supplements (English).
CAP_WORDS = re.compile(r"paling lambat|selambat-lambatnya|at the latest|no later than|maximum", re.IGNORECASE)
# The number words a period must be written with in its quote: a period never comes from elsewhere.
NUMBER_WORDS = {1: "satu (1)", 2: "dua (2)", 3: "tiga (3)", 6: "enam (6)", 7: "tujuh (7)", 10: "sepuluh (10)",
                12: "dua belas (12)", 25: "dua puluh lima (25)", 30: "tiga puluh", 60: "enam puluh (60)",
                90: "sembilan puluh (90)"}


@lru_cache(maxsize=1)
def sections() -> dict[str, str]:
    """Main-body section number -> its text, whitespace collapsed (section 5 up to section 9)."""
    lines = NOTICE.read_text(encoding="utf-8").splitlines()
    out: dict[str, list[str]] = {}
    current = None
    for line in lines:
        match = HEADING.match(line)
        if match:
            current = match.group(1)
            if current in out or current == "9":  # the English supplements repeat 5.1.x: stop at 9
                break
            out[current] = []
        if current:
            out[current].append(line)
    return {k: re.sub(r"\s+", " ", " ".join(v)) for k, v in out.items()}


@pytest.fixture(scope="module")
def infobip() -> Policy:
    return load_policy(REPO / "policies/infobip.yaml")


def test_the_table_covers_every_category(infobip: Policy) -> None:
    assert [row[0] for row in TABLE] == list(infobip.categories)


@pytest.mark.parametrize(("category", "section", "phrase", "terms"), TABLE, ids=[row[0] for row in TABLE])
def test_retention_matches_the_notice(infobip: Policy, category: str, section: str, phrase: str,
                                      terms: set[tuple[tuple[str, ...], str | None, str | None, str | None]]) -> None:
    text = sections()[section]
    assert phrase in text, f"'{phrase}' not in notice section {section}"
    cat = infobip.categories[category]
    assert cat.section == section
    loaded = {(t.subjects, t.period.text if t.period else None, t.trigger, t.rule) for t in cat.retention}
    assert loaded == terms
    for term in cat.retention:
        assert term.section == section
        quote = re.sub(r"\s+", " ", term.quote)
        assert quote in text, f"{category}/{term.id}: quote not in section {section}"
        if term.period is not None:
            number = int(re.match(r"\d+", term.period.text).group())
            assert NUMBER_WORDS[number] in quote, f"{category}/{term.id}: {term.period.text} is not what the quote says"


def test_sections_are_found_in_the_notice() -> None:
    assert {"5.1.1", "5.1.2", "5.1.3", "5.6.2", "5.10", "6", "7"} <= set(sections())
    assert "dua puluh lima (25) bulan" in sections()["5.1.3"]
    assert "dua puluh lima (25) bulan" not in sections()["5.1.2"]


def test_every_cap_of_the_notice_is_encoded_with_its_words(infobip: Policy) -> None:
    """Each "at the latest" of the notice is the quoted cap of a term, with the number it says;
    and every cap of the policy is one of them."""
    text = re.sub(r"\s+", " ", NOTICE.read_text(encoding="utf-8"))
    encoded = []
    for cat in infobip.categories.values():
        for term in cat.retention:
            if term.cap is not None:
                quote = re.sub(r"\s+", " ", term.cap.quote)
                assert quote in sections()[term.cap.section or term.section], f"{cat.id}/{term.id}: cap quote not in its section"
                assert CAP_WORDS.search(quote), f"{cat.id}/{term.id}: the cap's quote says no 'at the latest'"
                assert NUMBER_WORDS[int(re.match(r"\d+", term.cap.period.text).group())] in quote
                assert term.rule and term.period is None
                encoded.append((cat.id, term.id, term.cap.period.text, term.cap.trigger))
    assert encoded == CAPS
    for found in CAP_WORDS.finditer(text):
        around = text[max(0, found.start() - 200):found.end() + 200]
        assert any(re.sub(r"\s+", " ", t.cap.quote).strip(".") in around or
                   around in re.sub(r"\s+", " ", t.cap.quote)
                   for c in infobip.categories.values() for t in c.retention if t.cap), \
            f"'{found.group()}' in the notice is no cap of the policy: ...{around}..."
