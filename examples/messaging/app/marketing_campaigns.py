# privacy-defaults: purpose=marketing_communications
"""Campaigns of the marketing team. The module's purpose is marketing_communications (the
defaults comment above); a function or class may declare its own."""

import requests
from django.db import models

from .consent import has_consent

MAILER_URL = "https://mailer.internal/v1/send"
SMS_URL = "https://sms-gateway.internal/v1/send"


class NewsletterSignup(models.Model):
    """Someone who subscribed through the web form: consent is the basis (notice 5.4)."""

    # privacy: marketing_contact subject=newsletter_subscriber retention=until_unsubscribe basis=consent
    newsletter_email = models.EmailField(unique=True)
    confirmed = models.BooleanField(default=False)


class DeliveryReceipt(models.Model):  # privacy-defaults: purpose=traffic_management
    """A delivery report from an operator: end users' traffic data, kept for traffic management."""

    receipt_msisdn = models.CharField(max_length=20)  # privacy: traffic_data_enduser retention=12mo
    status = models.CharField(max_length=16)


def sms_blast_to_recent_recipients(text: str):
    """Traffic records reused as a marketing audience: not a purpose of traffic data."""
    for receipt in DeliveryReceipt.objects.filter(status="delivered"):
        requests.post(SMS_URL, json={"to": receipt.receipt_msisdn, "text": text}, timeout=10)  # expect: PRV501


def send_newsletter(signup: NewsletterSignup, issue_html: str):
    """Subscribers of the web form were promised consent-based mailing: no check here."""
    requests.post(MAILER_URL, json={"to": signup.newsletter_email, "html": issue_html}, timeout=10)  # expect: PRV502


def send_newsletter_checked(signup: NewsletterSignup, issue_html: str):
    if not has_consent(signup, "newsletter"):
        return
    requests.post(MAILER_URL, json={"to": signup.newsletter_email, "html": issue_html}, timeout=10)


def delivery_stats(receipt: DeliveryReceipt):  # privacy: purpose=traffic_management
    """Traffic data for traffic management: a purpose the notice gives it."""
    requests.post("https://stats.internal/v1/delivery", json={"to": receipt.receipt_msisdn}, timeout=10)
