# privacy-defaults: jurisdiction=NG
"""Sender-ID registrations of Nigerian customers (the notice's Nigeria supplement applies to the
account users named in them)."""

from django.db import models


class SenderRegistration(models.Model):
    sender_id = models.CharField(max_length=11)
    contact_name = models.CharField(max_length=200)  # privacy: account_user_data retention=12mo
    contact_email = models.EmailField()  # privacy: account_user_data retention=12mo
    approved = models.BooleanField(default=False)
