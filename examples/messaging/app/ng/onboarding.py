"""Onboarding of Nigerian customers: the registration contact goes to the CRM."""

from simple_salesforce import Salesforce

from .models import SenderRegistration

sf = Salesforce(username="api@example.com", password="...", security_token="...")


def push_registration_contact(reg: SenderRegistration):
    # The Salesforce org runs on a US instance; SCCs are in place, but the Nigeria supplement
    # allows transfers out of Nigeria only with the data subject's consent.
    sf.Contact.create({"LastName": reg.contact_name, "Email": reg.contact_email})  # privacy: country=US safeguard=scc  # expect: PRV402
