"""Background jobs (Celery): delivery, inbound forwarding, product analytics."""

import logging

import mixpanel
import requests
from celery import shared_task
from openai import OpenAI
from twilio.rest import Client

from . import settings
from .models import Customer, MessageRecord

logger = logging.getLogger(__name__)
moderation = OpenAI()
mp = mixpanel.Mixpanel(settings.MIXPANEL_TOKEN)
twilio = Client("ACxxxxxxxx", "token")


@shared_task
def track_signup(user_id, email, plan):
    mp.track(user_id, "signup", {"email": email, "plan": plan})  # expect: PRV302 PRV401


@shared_task
def deliver(record_id, to_number, body):
    if not to_number.startswith("+"):
        raise ValueError(f"cannot route {to_number}")  # expect: PRV603
    logger.info("delivering %s (%d chars)", record_id, len(body))
    twilio.messages.create(to=to_number, from_="+15005550006", body=body)  # expect: PRV302 PRV401


@shared_task
def forward_inbound(record_id):
    """Inbound messages go to the customer's webhook: processor data, on the customer's instructions."""
    record = MessageRecord.objects.get(pk=record_id)
    customer = Customer.objects.get(pk=record.customer_id)
    requests.post(customer.webhook_url, json={"id": record.id, "text": record.body}, timeout=10)


@shared_task
def screen_for_spam(record_id):
    """Spam screening the customer's contract asks for: the message text (processor data) only."""
    record = MessageRecord.objects.get(pk=record_id)
    verdict = moderation.moderations.create(input=record.body)
    if verdict.results[0].flagged:
        MessageRecord.objects.filter(pk=record_id).update(status="blocked")
