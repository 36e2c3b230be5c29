"""The consent checks of the app. ``[tool.lint-privacy] consent-checks`` can name them
(``app.consent.has_consent``, ``app.consent.consent_required``); unconfigured, any call or
decorator named like *consent* counts as one."""

import functools

_GIVEN: set[tuple[int, str]] = set()


def has_consent(person, purpose: str) -> bool:
    """Whether the person gave (and has not withdrawn) consent for this purpose."""
    return (id(person), purpose) in _GIVEN


def has_parental_consent(person) -> bool:
    """Whether a parent or guardian consented for a minor (India, Malaysia)."""
    return (id(person), "parental") in _GIVEN


def consent_required(purpose: str):
    """Run the decorated function only for people who consented to ``purpose``."""

    def wrap(func):
        @functools.wraps(func)
        def inner(person, *args, **kwargs):
            if not has_consent(person, purpose):
                return None
            return func(person, *args, **kwargs)

        return inner

    return wrap
