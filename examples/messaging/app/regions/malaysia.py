# privacy-defaults: jurisdiction=MY
"""Malaysian customers (Malaysia supplement): customers from 18 (a parent or guardian may consent
for a minor), and billing and financial details are not used at all."""

import requests
from django.db import models

from ..consent import has_parental_consent

BILLING_URL = "https://billing.internal/v1/my"
MINIMUM_AGE = 18


class MalaysianPaymentMethod(models.Model):
    my_bank_account = models.CharField(max_length=34)  # privacy: billing_data retention=12mo  # expect: PRV702


def charge(method: MalaysianPaymentMethod, amount: int):
    requests.post(BILLING_URL, json={"account": method.my_bank_account, "amount": amount}, timeout=10)  # expect: PRV702


def can_register(customer) -> bool:
    if customer.age < 18 and not has_parental_consent(customer):
        return False
    return True
