# privacy-defaults: jurisdiction=SA
"""Saudi customers (Saudi Arabia supplement): express consent where the notice relies on
legitimate interest and no other basis is available."""

import requests
from django.db import models

from ..consent import has_consent

SIEM_URL = "https://siem.internal/v1/events"


class SaudiLoginEvent(models.Model):
    sa_login_ip = models.GenericIPAddressField()  # privacy: usage_data retention=3y


def report_suspicious_login(event: SaudiLoginEvent):  # privacy: purpose=network_security
    requests.post(SIEM_URL, json={"ip": event.sa_login_ip}, timeout=10)  # expect: PRV503


def report_suspicious_login_checked(event: SaudiLoginEvent, user):  # privacy: purpose=network_security
    if has_consent(user, "security_monitoring"):
        requests.post(SIEM_URL, json={"ip": event.sa_login_ip}, timeout=10)
