"""Event registrations (notice 5.5): the purpose decides the legal basis. Webinar delivery rests on
consent; invitations to future events on legitimate interest."""

import requests
from django.db import models

from .consent import consent_required

EVENTS_MAILER_URL = "https://mailer.internal/v1/events"


class WebinarRegistration(models.Model):
    registrant_email = models.EmailField()  # privacy: event_registration subject=event_participant retention=2y
    webinar = models.CharField(max_length=100)


def notify_registrant(reg: WebinarRegistration, subject: str):
    """No purpose declared, and the purpose decides whether consent is needed."""
    requests.post(EVENTS_MAILER_URL, json={"to": reg.registrant_email, "subject": subject}, timeout=10)  # expect: PRV504


def send_webinar_reminder(reg: WebinarRegistration):  # privacy: purpose=webinar_delivery
    requests.post(EVENTS_MAILER_URL, json={"to": reg.registrant_email, "subject": "Starts soon"}, timeout=10)  # expect: PRV502


@consent_required("webinars")
def send_webinar_recording(reg: WebinarRegistration):  # privacy: purpose=webinar_delivery
    requests.post(EVENTS_MAILER_URL, json={"to": reg.registrant_email, "subject": "Recording"}, timeout=10)


def invite_past_attendee(reg: WebinarRegistration):  # privacy: purpose=event_invitations
    requests.post(EVENTS_MAILER_URL, json={"to": reg.registrant_email, "subject": "Next event"}, timeout=10)
