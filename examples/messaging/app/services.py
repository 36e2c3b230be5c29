"""Account and contact services: what the views and the tasks call."""

import hashlib
import logging

import requests
from django.core.cache import cache
from simple_salesforce import Salesforce
from zenpy import Zenpy
from zenpy.lib.api_objects import Ticket, User

from . import settings
from .models import AccountUser, Contact, MessageRecord, SupportTicket
from .text import audit, normalise

logger = logging.getLogger(__name__)
sf = Salesforce(username="api@example.com", password="...", security_token="...")
zendesk = Zenpy(subdomain="msgplatform", email="support-bot@example.com", token="...")


def register_account_user(customer, email, full_name):
    user = AccountUser.objects.create(customer=customer, email=email, full_name=full_name)  # privacy: retention=12mo
    logger.info("new account user %s", user.id)
    logger.info("welcome %s", normalise(email))  # expect: PRV601
    audit("signup", user.email)
    audit("status", normalise("ACTIVE"))
    return user


def sync_to_crm(user: AccountUser):
    """Account users go to Salesforce, as the notice says (section 6, Korean delegation table)."""
    sf.Contact.create({"Email": user.email, "LastName": user.full_name, "Title": user.job_title})  # expect: PRV003


def sync_contact_to_crm(contact: Contact):
    """End users' numbers are traffic data: Salesforce is not declared for them."""
    sf.Lead.create({"MobilePhone": contact.msisdn, "Email": contact.email})  # expect: PRV303 PRV003


def cache_profile(user: AccountUser):
    cache.set(f"profile:{user.id}", {"email": user.email, "name": user.full_name})  # expect: PRV203


def enrich_lead(email):
    requests.post(settings.LEAD_ENRICHMENT_URL, json={"email": email}, timeout=10)  # expect: PRV304


def forward_to_crm_webhook(contact: Contact):
    requests.post(settings.CRM_WEBHOOK_URL, json={"email": contact.email}, timeout=10)  # expect: PRV003


def message_fingerprint(record: MessageRecord):
    """A digest of the text to spot duplicates: hashed, but still personal data."""
    digest = hashlib.sha256(record.body.encode()).hexdigest()
    logger.debug("duplicate check %s", digest)  # expect: PRV601
    return digest


def ticket_summary(ticket: SupportTicket):
    logger.info("ticket %s is %s", ticket.id, normalise(ticket.status))
    print(f"ticket {ticket.id} from {ticket.requester_email}")  # expect: PRV602


def open_zendesk_ticket(ticket: SupportTicket):
    """Support tickets go to Zendesk, which the notice names for support data."""
    zendesk.tickets.create(Ticket(subject=ticket.subject, description=ticket.description,  # expect: PRV003
                                  requester=User(email=ticket.requester_email)))
