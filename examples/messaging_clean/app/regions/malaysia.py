# privacy-defaults: jurisdiction=MY
"""Malaysian customers (Malaysia supplement): customers from 18 (a parent or guardian may consent
for a minor), and billing and financial details are not used at all: Malaysian customers pay
through a provider that never hands their details to us."""

import requests

from ..consent import has_parental_consent

BILLING_URL = "https://billing.internal/v1/my"
MINIMUM_AGE = 18


def charge(customer_ref: str, amount: int):
    requests.post(BILLING_URL, json={"customer": customer_ref, "amount": amount}, timeout=10)


def can_register(customer) -> bool:
    if customer.age < 18 and not has_parental_consent(customer):
        return False
    return True
