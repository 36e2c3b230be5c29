"""Tests for the ``# privacy:`` comment and ``PersonalData`` marker parser.

Tables of what a developer writes, with what the parser keeps and the problems it reports.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lint_privacy.annotations import (
    KEYS_BY_PLACE,
    PLACES,
    Annotation,
    find_comment,
    parse_comment,
    parse_marker,
)
from lint_privacy.iso3166 import COUNTRIES, is_country

DEFINITION_KEYS = "retention, purpose, basis, subject, jurisdiction, role"


def parse(text: str, place: str = "definition", column: int = 0) -> Annotation:
    return parse_comment(text, line=7, column=column, place=place)


def assert_problems(annotation: Annotation, expected: list[tuple[int, str]]) -> None:
    got = [(p.column, p.message) for p in annotation.problems]
    assert len(got) == len(expected), got
    for (column, message), (want_column, phrase) in zip(got, expected):
        assert phrase in message, (message, phrase)
        assert column == want_column, (message, column, want_column)


# --- the country table -------------------------------------------------------------------


def test_countries_are_the_249_assigned_alpha2_codes() -> None:
    assert len(COUNTRIES) == 249
    assert all(len(c) == 2 and c.isascii() and c.isupper() for c in COUNTRIES)
    assert {"GB", "US", "DE", "IN", "ID", "ZA", "NG", "AX", "SS", "BQ"} <= COUNTRIES


@pytest.mark.parametrize("code", ["UK", "EU", "EL", "XK", "gb", "", "GBR", "G"])
def test_reserved_lower_case_and_malformed_codes_are_not_countries(code: str) -> None:
    assert not is_country(code)


# --- finding the annotation in a comment --------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("# privacy: account_user_data retention=12mo  # noqa", ("privacy", 11)),
        ("#privacy: a", ("privacy", 10)),
        ("# privacy : a", ("privacy", 12)),
        ("#   privacy:a", ("privacy", 12)),
        ("#privacy-defaults: jurisdiction=IN", ("privacy-defaults", 19)),
        ("# privacy-defaults : jurisdiction=IN", ("privacy-defaults", 21)),
        ("# noqa: E501  # privacy: a", ("privacy", 25)),
        ("# noqa  # privacy: a", ("privacy", 19)),
        ("# privacy:", ("privacy", 10)),
        # misspelled openings that read like annotations are found, to be reported
        ("# privacy account_user_data", ("privacy", 10)),
        ("# privacy= x", ("privacy", 11)),
        ("# Privacy: x", ("privacy", 11)),
        ("# privacy a retention=1y", ("privacy", 10)),
        ("# privacy_defaults: jurisdiction=IN", ("privacy-defaults", 20)),
    ],
)
def test_find_comment_locates_the_body(text: str, expected: tuple[str, int]) -> None:
    assert find_comment(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "# privacy policy link below",
        "# privacy matters, always",
        "# Privacy: see the notice for details",
        "# privacy is_enabled flag",
        "# PRIVACY: TODO",
        "# Privacy:",
        "# privacy-policy: https://example.com/privacy",
        "# privacy_policy_url is set below",
        "# see the privacy: notes",
        "# privacyx: a",
        "# noqa: E501",
        "",
        "privacy: a",
    ],
)
def test_prose_about_privacy_is_not_an_annotation(text: str) -> None:
    assert find_comment(text) is None


# --- valid forms --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "place", "form", "categories", "suggested", "pairs"),
    [
        (
            "# privacy: account_user_data retention=12mo",
            "definition",
            "comment",
            ("account_user_data",),
            (),
            (("retention", "12mo"),),
        ),
        (
            "# privacy: support_data retention=7y subject=customer  # noqa: E501",
            "definition",
            "comment",
            ("support_data",),
            (),
            (("retention", "7y"), ("subject", "customer")),
        ),
        (
            "# privacy: a,b, c?  retention=P1Y6M basis=legitimate_interest role=processor",
            "definition",
            "comment",
            ("a", "b", "c"),
            ("c",),
            (("retention", "P1Y6M"), ("basis", "legitimate_interest"), ("role", "processor")),
        ),
        ("# privacy: account_user_data?", "definition", "comment", ("account_user_data",),
         ("account_user_data",), ()),
        (
            "# privacy: a jurisdiction=CA-QC purpose=support",
            "definition",
            "comment",
            ("a",),
            (),
            (("jurisdiction", "CA-QC"), ("purpose", "support")),
        ),
        # a lower-case retention or jurisdiction id is a policy name, checked later
        (
            "# privacy: a retention=end_of_contract jurisdiction=eu_eea",
            "definition",
            "comment",
            ("a",),
            (),
            (("retention", "end_of_contract"), ("jurisdiction", "eu_eea")),
        ),
        (
            "# privacy: recipient=salesforce country=US safeguard=scc retention=90d",
            "call",
            "comment",
            (),
            (),
            (("recipient", "salesforce"), ("country", "US"), ("safeguard", "scc"),
             ("retention", "90d")),
        ),
        ("# privacy: purpose=billing basis=contract", "def", "comment", (), (),
         (("purpose", "billing"), ("basis", "contract"))),
        (
            "# privacy-defaults: jurisdiction=IN purpose=support subject=customer role=controller",
            "defaults",
            "defaults",
            (),
            (),
            (("jurisdiction", "IN"), ("purpose", "support"), ("subject", "customer"),
             ("role", "controller")),
        ),
    ],
)
def test_valid_annotations_are_read_without_problems(
    text: str,
    place: str,
    form: str,
    categories: tuple[str, ...],
    suggested: tuple[str, ...],
    pairs: tuple[tuple[str, str], ...],
) -> None:
    annotation = parse(text, place)
    assert annotation.problems == ()
    assert (annotation.form, annotation.categories, annotation.suggested, annotation.pairs) == (
        form,
        categories,
        suggested,
        pairs,
    )


def test_annotation_after_noqa_is_located_in_the_line() -> None:
    annotation = parse("# noqa: E501  # privacy: a retention=1y", column=30)
    assert (annotation.line, annotation.column) == (7, 44)
    assert annotation.get("retention") == "1y"
    assert annotation.get("purpose") is None


# --- problems -----------------------------------------------------------------------------

PROBLEMS = [
    # (id, text, place, [(column, phrase), ...])
    ("empty-definition", "# privacy:", "definition",
     [(0, "empty annotation: a definition takes one or more category ids")]),
    ("empty-call", "# privacy:  # noqa", "call",
     [(0, "empty annotation: a call takes only key=value pairs: "
          "recipient, country, safeguard, retention")]),
    ("empty-defaults", "# privacy-defaults:", "defaults",
     [(0, "'# privacy-defaults:' takes only key=value pairs: "
          "purpose, subject, jurisdiction, role")]),
    ("upper-case-id", "# privacy: Account_Data", "definition",
     [(11, "'Account_Data' is not a category id: write lower-case letters, digits and '_'"),]),
    ("hyphen-id-suggests", "# privacy: account-data", "definition",
     [(11, "(did you mean 'account_data'?)")]),
    ("camel-id-suggests", "# privacy: AccountUserData", "definition",
     [(11, "(did you mean 'account_user_data'?)")]),
    ("digit-id", "# privacy: 2fa_codes", "definition",
     [(11, "'2fa_codes' is not a category id: write lower-case letters, digits and '_', "
           "starting with a letter")]),
    ("double-question-mark", "# privacy: a??", "definition",
     [(11, "'a?' is not a category id")]),
    ("pairs-before-ids", "# privacy: retention=1y account_user_data", "definition",
     [(24, "category ids come before key=value pairs: move 'account_user_data' to the front")]),
    ("missing-comma", "# privacy: a b retention=1y", "definition",
     [(13, "separate category ids with commas: 'a, b'")]),
    ("double-comma", "# privacy: a,,b", "definition",
     [(13, "a comma goes between two category ids")]),
    ("trailing-comma", "# privacy: a, retention=1y", "definition",
     [(12, "a comma goes between two category ids")]),
    ("pairs-without-category", "# privacy: retention=1y", "definition",
     [(11, "a definition needs a category id before its key=value pairs, "
           "e.g. '# privacy: account_user_data retention=12mo'")]),
    ("category-on-call", "# privacy: salesforce country=US", "call",
     [(11, "a call takes only key=value pairs: recipient, country, safeguard, retention")]),
    ("category-on-def", "# privacy: billing_data purpose=billing", "def",
     [(11, "a def takes only key=value pairs: purpose, basis")]),
    ("unknown-key", "# privacy: a retension=1y", "definition",
     [(13, f"unknown key 'retension' (did you mean 'retention'?); on a definition write: "
           f"{DEFINITION_KEYS}")]),
    ("unknown-key-no-guess", "# privacy: a size=big", "definition",
     [(13, f"unknown key 'size'; on a definition write: {DEFINITION_KEYS}")]),
    ("missing-key", "# privacy: a =1y", "definition",
     [(13, "a key is missing before '='")]),
    ("key-of-a-call", "# privacy: a recipient=salesforce", "definition",
     [(13, f"'recipient' describes a call; on a definition write: {DEFINITION_KEYS}")]),
    ("key-of-a-definition", "# privacy: subject=customer", "call",
     [(11, "'subject' describes a definition or '# privacy-defaults:'; on a call write: "
           "recipient, country, safeguard, retention")]),
    ("retention-on-def", "# privacy: retention=1y", "def",
     [(11, "'retention' describes a definition or a call; on a def write: purpose, basis")]),
    ("key-without-equals", "# privacy: a retention:12mo", "definition",
     [(13, "write 'retention=12mo' with '=' between key and value")]),
    ("bare-key", "# privacy: a purpose", "definition",
     [(13, "'purpose' is a key: write purpose=VALUE")]),
    ("repeated-key", "# privacy: a retention=1y retention=2y", "definition",
     [(26, "retention is given twice; keep one")]),
    ("repeated-category", "# privacy: a, a", "definition",
     [(14, "'a' is given twice; keep one")]),
    ("empty-value", "# privacy: a retention= basis=consent", "definition",
     [(13, "retention= has no value: retention takes a duration")]),
    ("quoted-value", "# privacy: a subject='customer'", "definition",
     [(21, "write the subject value without quotes or spaces")]),
    ("quoted-value-with-spaces", '# privacy: a subject="end user" role=processor', "definition",
     [(21, "write the subject value without quotes or spaces")]),
    ("comma-between-pairs", "# privacy: recipient=x, country=US", "call",
     [(21, "'recipient=x,' is not one key=value pair: separate pairs with spaces, not commas")]),
    ("comma-token-between-pairs", "# privacy: recipient=x , country=US", "call",
     [(23, "separate key=value pairs with spaces, not commas")]),
    ("retention-words", "# privacy: a retention=12months", "definition",
     [(23, "retention '12months' is not a duration: write a number and a unit")]),
    ("retention-decimal", "# privacy: a retention=1.5y", "definition",
     [(23, "retention '1.5y' is not a duration")]),
    ("retention-zero", "# privacy: a retention=0d", "definition",
     [(23, "retention '0d' is not a duration: it must be longer than zero")]),
    ("retention-bare-P", "# privacy: a retention=P", "definition",
     [(23, "retention 'P' is not a duration")]),
    ("retention-negative", "# privacy: a retention=-3d", "definition",
     [(23, "retention '-3d' is not a duration")]),
    ("retention-absurd", "# privacy: a retention=5000y", "definition",
     [(23, "retention '5000y' is longer than 1000 years")]),
    ("retention-huge-number", "# privacy: a retention=" + "9" * 5000 + "d", "definition",
     [(23, "is not a duration: the number is too large")]),
    ("retention-overflow", "# privacy: a retention=" + "9" * 400 + "d", "definition",
     [(23, "is not a duration")]),
    ("basis-typo", "# privacy: a basis=concent", "definition",
     [(19, "basis 'concent' is not allowed (did you mean 'consent'?); write one of: consent, "
           "contract, legal_obligation, legitimate_interest, vital_interest, public_task")]),
    ("role-unknown", "# privacy: a role=owner", "definition",
     [(18, "role 'owner' is not allowed; write one of: controller, processor")]),
    ("country-uk", "# privacy: country=uk", "call",
     [(19, "country 'uk' is not an ISO 3166-1 alpha-2 code: did you mean GB?")]),
    ("country-UK", "# privacy: country=UK", "call",
     [(19, "did you mean GB?")]),
    ("country-lower-case", "# privacy: country=de", "call",
     [(19, "write it upper case: DE")]),
    ("country-sharp-s-is-not-south-sudan", "# privacy: country=ß", "call",
     [(19, "country 'ß' is not an ISO 3166-1 alpha-2 code")]),
    ("country-unknown", "# privacy: country=Germany", "call",
     [(19, "country 'Germany' is not an ISO 3166-1 alpha-2 code in upper case (US, DE, IN)")]),
    ("country-subdivision", "# privacy: country=CA-QC", "call",
     [(19, "country 'CA-QC' is not an ISO 3166-1 alpha-2 code")]),
    ("jurisdiction-lower-region", "# privacy: a jurisdiction=ca-qc", "definition",
     [(26, "write it upper case: CA-QC")]),
    ("jurisdiction-alias", "# privacy-defaults: jurisdiction=UK", "defaults",
     [(33, "did you mean GB?")]),
    ("jurisdiction-unknown-country", "# privacy: a jurisdiction=XX-QC", "definition",
     [(26, "jurisdiction 'XX-QC' is not an ISO 3166-1 alpha-2 code (IN), a region code (CA-QC) "
           "or a jurisdiction id from the policy")]),
    ("jurisdiction-name", "# privacy: a jurisdiction=India", "definition",
     [(26, "jurisdiction 'India' is not")]),
    ("recipient-shape", "# privacy: recipient=Sales-Force", "call",
     [(21, "'Sales-Force' is not a recipient id: write lower-case letters, digits and '_'")]),
    ("safeguard-shape", "# privacy: safeguard=SCC", "call",
     [(21, "'SCC' is not a safeguard id")]),
    ("purpose-shape", "# privacy: purpose=1marketing", "def",
     [(19, "'1marketing' is not a purpose id")]),
    ("subject-shape", "# privacy: a subject=end-user", "definition",
     [(21, "'end-user' is not a subject id")]),
    ("missing-colon", "# privacy account_user_data retention=12mo", "definition",
     [(0, "write '# privacy:' with a colon after the word")]),
    ("equals-instead-of-colon", "# privacy= x", "definition",
     [(0, "write '# privacy:' with ':' after the word, not '='")]),
    ("wrong-case", "# Privacy: x", "definition",
     [(0, "write '# privacy:' in lower case")]),
    ("defaults-spelling", "# Privacy defaults jurisdiction=IN", "defaults",
     [(0, "write '# privacy-defaults:' in lower case, with a hyphen, "
          "with a colon after the word")]),
    ("defaults-misplaced", "# privacy-defaults: jurisdiction=IN", "definition",
     [(0, "'# privacy-defaults:' belongs in the first comment of a module or on a class line")]),
    ("privacy-as-defaults", "# privacy: jurisdiction=IN", "defaults",
     [(0, "defaults for a module or class are written '# privacy-defaults:'")]),
    ("after-noqa", "# noqa  # privacy: a retention=12mo,", "definition",
     [(31, "'retention=12mo,' is not one key=value pair")]),
]


@pytest.mark.parametrize(
    ("text", "place", "expected"), [case[1:] for case in PROBLEMS], ids=[c[0] for c in PROBLEMS]
)
def test_problem_says_what_is_wrong_and_points_at_it(
    text: str, place: str, expected: list[tuple[int, str]]
) -> None:
    assert_problems(parse(text, place), expected)


def test_problem_columns_count_from_the_start_of_the_line() -> None:
    annotation = parse("# privacy: a b", column=40)
    assert annotation.column == 40
    assert [p.column for p in annotation.problems] == [53]


def test_invalid_values_are_left_out_and_valid_ones_kept() -> None:
    annotation = parse("# privacy: a, Bad retention=12months basis=contract role=owner")
    assert annotation.categories == ("a",)
    assert annotation.pairs == (("basis", "contract"),)
    assert len(annotation.problems) == 3


def test_repeated_key_keeps_the_first_value() -> None:
    annotation = parse("# privacy: a retention=1y retention=2y")
    assert annotation.get("retention") == "1y"


def test_long_and_control_characters_are_clipped_and_escaped_in_messages() -> None:
    annotation = parse("# privacy: " + "A" * 10_000 + "\x00\n\u2028")
    (problem,) = annotation.problems
    assert len(problem.message) < 300
    assert "\x00" not in problem.message and "\n" not in problem.message


def test_text_that_is_not_an_annotation_gives_a_problem_not_an_error() -> None:
    annotation = parse("# just a comment", column=5)
    assert_problems(annotation, [(5, "not a privacy annotation")])


def test_unknown_place_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="place must be one of"):
        parse("# privacy: a", "module")


# --- typed markers ------------------------------------------------------------------------


def test_marker_is_read_like_a_definition_comment() -> None:
    annotation = parse_marker(
        ["account_user_data", "billing_data?"], [("retention", "12mo")], line=3, column=8
    )
    assert annotation.form == "marker"
    assert annotation.categories == ("account_user_data", "billing_data")
    assert annotation.suggested == ("billing_data",)
    assert annotation.pairs == (("retention", "12mo"),)
    assert annotation.problems == ()


@pytest.mark.parametrize(
    ("categories", "pairs", "phrase"),
    [
        ([], [], 'empty annotation: a definition takes one or more category ids, then key=value '
                 'pairs: retention, purpose, basis, subject, jurisdiction, role, e.g. '
                 'PersonalData("account_user_data", retention="12mo")'),
        ([], [("retention", "12mo")], "a definition needs a category id before its key=value"),
        (["Account Data"], [], "(did you mean 'account_data'?)"),
        (["a"], [("recipient", "salesforce")], "'recipient' describes a call"),
        (["a"], [("retention", "12 months")], "write the retention value without quotes or spaces"),
        (["a"], [("retention", "0d")], "it must be longer than zero"),
        (["a"], [("role", "owner")], "write one of: controller, processor"),
    ],
)
def test_marker_problems_are_reported_at_the_marker(
    categories: list[str], pairs: list[tuple[str, str]], phrase: str
) -> None:
    assert_problems(parse_marker(categories, pairs, line=3, column=8), [(8, phrase)])


# --- robustness ---------------------------------------------------------------------------

_ANNOTATION_ALPHABET = st.sampled_from(
    list("# privacy-defaults:=,?_'\"aAzZ09PYMWDUSde.") + ["retention", "country", "\x00", "\n", "é"]
)
_comment_text = st.one_of(
    st.text(),
    st.lists(_ANNOTATION_ALPHABET, max_size=40).map("".join),
    st.builds(lambda body: "# privacy: " + body, st.text()),
    st.builds(lambda body: "# privacy: " + body, st.lists(_ANNOTATION_ALPHABET).map("".join)),
)


@settings(max_examples=400, deadline=None)
@given(text=_comment_text, place=st.sampled_from(PLACES), column=st.integers(0, 200))
def test_parse_comment_never_raises_and_columns_stay_in_the_text(
    text: str, place: str, column: int
) -> None:
    annotation = parse_comment(text, line=1, column=column, place=place)
    assert column <= annotation.column <= column + len(text)
    for problem in annotation.problems:
        assert column <= problem.column <= column + len(text)
        assert problem.message and "\n" not in problem.message
    allowed = KEYS_BY_PLACE["defaults" if annotation.form == "defaults" else place]
    assert all(key in allowed for key, _ in annotation.pairs)
    if find_comment(text) is None:
        assert annotation.problems[0].message.startswith("not a privacy annotation")


@settings(max_examples=200, deadline=None)
@given(
    categories=st.lists(st.text(max_size=20), max_size=4),
    pairs=st.lists(st.tuples(st.text(max_size=12), st.text(max_size=20)), max_size=4),
)
def test_parse_marker_never_raises(categories: list[str], pairs: list[tuple[str, str]]) -> None:
    annotation = parse_marker(categories, pairs, line=1, column=4)
    assert all(problem.column == 4 for problem in annotation.problems)


def test_huge_comment_is_parsed_quickly() -> None:
    annotation = parse("# privacy: " + "a, " * 200_000 + "retention=" + "x" * 1_000_000)
    assert annotation.categories == ("a",)
    assert annotation.get("retention") == "x" * 1_000_000


def test_a_flood_of_problems_is_cut_short_and_counted() -> None:
    annotation = parse("# privacy: " + "A " * 100)
    assert len(annotation.problems) == 20
    assert annotation.problems[-1].message == "and 180 more problems in this annotation"
