# privacy-defaults: jurisdiction=CA-QC
"""Quebec account users (Canada supplement): express consent to any collection, use or
communication, except where the law allows it."""

import requests
from django.db import models

from ..consent import consent_required

CRM_SYNC_URL = "https://crm-sync.internal/v1/contacts"


class QuebecAccountUser(models.Model):
    qc_work_email = models.EmailField()  # privacy: account_user_data subject=account_user retention=12mo


def sync_contact(user: QuebecAccountUser):  # privacy: purpose=customer_relationship
    requests.post(CRM_SYNC_URL, json={"email": user.qc_work_email}, timeout=10)  # expect: PRV503


@consent_required("crm")
def sync_contact_with_consent(user: QuebecAccountUser):  # privacy: purpose=customer_relationship
    requests.post(CRM_SYNC_URL, json={"email": user.qc_work_email}, timeout=10)
