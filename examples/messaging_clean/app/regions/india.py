# privacy-defaults: jurisdiction=IN
"""Indian customers (India supplement): customers from 18, or from 16 with a parent's or
guardian's consent; billing and financial details only with consent."""

import requests
from django.db import models

from ..consent import has_consent, has_parental_consent

INVOICING_URL = "https://invoicing.internal/v1/in"
MIN_SIGNUP_AGE = 18
PARENTAL_CONSENT_AGE = 16


class IndianBillingProfile(models.Model):
    gst_bank_account = models.CharField(max_length=34)  # privacy: billing_data subject=individual_customer retention=7y


def can_register(customer) -> bool:
    if customer.age >= 18:
        return True
    return customer.age >= 16 and has_parental_consent(customer)


def send_invoice(profile: IndianBillingProfile, customer):  # privacy: purpose=customer_contract
    if not has_consent(customer, "billing"):
        return
    requests.post(INVOICING_URL, json={"account": profile.gst_bank_account}, timeout=10)
