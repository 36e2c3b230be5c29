# privacy-defaults: jurisdiction=IN
"""Indian customers (India supplement): customers from 18, or from 16 with a parent's or
guardian's consent; billing and financial details only with consent."""

import requests
from django.db import models

from ..consent import has_consent, has_parental_consent

INVOICING_URL = "https://invoicing.internal/v1/in"
MIN_SIGNUP_AGE = 16  # expect: PRV701
PARENTAL_CONSENT_AGE = 16


class IndianBillingProfile(models.Model):
    gst_bank_account = models.CharField(max_length=34)  # privacy: billing_data subject=individual_customer retention=7y


def can_register(customer) -> bool:
    if customer.age >= 18:
        return True
    return customer.age >= 16 and has_parental_consent(customer)


def can_register_teen(customer) -> bool:
    return customer.age >= 15 and has_parental_consent(customer)  # expect: PRV701


def send_invoice(profile: IndianBillingProfile):  # privacy: purpose=customer_contract
    requests.post(INVOICING_URL, json={"account": profile.gst_bank_account}, timeout=10)  # expect: PRV503


def send_invoice_with_consent(profile: IndianBillingProfile, customer):  # privacy: purpose=customer_contract
    if not has_consent(customer, "billing"):
        return
    requests.post(INVOICING_URL, json={"account": profile.gst_bank_account}, timeout=10)
