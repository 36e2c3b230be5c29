"""Account and contact services: what the views and the tasks call."""

import hashlib
import logging

import requests
from django.core.cache import cache
from simple_salesforce import Salesforce
from zenpy import Zenpy
from zenpy.lib.api_objects import Ticket, User

from . import settings
from .models import AccountUser, MessageRecord, SupportTicket
from .text import audit, normalise

logger = logging.getLogger(__name__)
sf = Salesforce(username="api@example.com", password="...", security_token="...")
zendesk = Zenpy(subdomain="msgplatform", email="support-bot@example.com", token="...")


def register_account_user(customer, email, full_name):
    user = AccountUser.objects.create(customer=customer, email=normalise(email), full_name=full_name)  # privacy: retention=12mo
    logger.info("new account user %s", user.id)
    audit("signup", user.id)
    audit("status", normalise("ACTIVE"))
    return user


def sync_to_crm(user: AccountUser):
    """Account users go to Salesforce, as the notice says (section 6, Korean delegation table)."""
    sf.Contact.create({"Email": user.email, "LastName": user.full_name, "Title": user.job_title})  # privacy: country=US safeguard=scc


def record_lead(email):
    """Sales enquiries from the website: prospects go to the CRM too."""
    sf.Lead.create({"Email": email, "LeadSource": "website"})  # privacy: country=US safeguard=scc


def cache_profile(user: AccountUser):
    cache.set(f"profile:{user.id}", {"email": user.email, "name": user.full_name}, timeout=3600)


def forward_to_crm_webhook(user: AccountUser):
    """The URL comes from the environment, so the call says where it goes."""
    requests.post(settings.CRM_WEBHOOK_URL, json={"email": user.email}, timeout=10)  # privacy: recipient=salesforce country=US safeguard=scc


def message_fingerprint(record: MessageRecord):
    """A digest of the text to spot duplicates; it stays in the process, it is not logged."""
    return hashlib.sha256(record.body.encode()).hexdigest()


def ticket_summary(ticket: SupportTicket):
    logger.info("ticket %s is %s", ticket.id, normalise(ticket.status))
    print(f"ticket {ticket.id} ({ticket.priority})")


def open_zendesk_ticket(ticket: SupportTicket):
    """Support tickets go to Zendesk, which the notice names for support data."""
    zendesk.tickets.create(Ticket(subject=ticket.subject, description=ticket.description,  # privacy: country=US safeguard=scc
                                  requester=User(email=ticket.requester_email)))
