"""Sign-up age gates where no jurisdiction is declared: the notice's main body applies (section
12: no customers under 16)."""

MIN_CUSTOMER_AGE = 16
LEGACY_MIN_AGE = 13  # expect: PRV701


def may_open_account(applicant) -> bool:
    return applicant.age >= 16


def may_open_trial(applicant) -> bool:
    return applicant.age > 13  # expect: PRV701


def next_page(page: int) -> bool:
    return page > 3
