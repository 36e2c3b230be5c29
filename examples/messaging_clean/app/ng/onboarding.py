"""Onboarding of Nigerian customers: the registration contact goes to the CRM."""

from simple_salesforce import Salesforce

from .models import SenderRegistration

sf = Salesforce(username="api@example.com", password="...", security_token="...")


def push_registration_contact(reg: SenderRegistration):
    # The Salesforce org runs on a US instance. The Nigeria supplement allows transfers out of
    # Nigeria with the data subject's consent, which the registration form collects.
    sf.Contact.create({"LastName": reg.contact_name, "Email": reg.contact_email})  # privacy: country=US safeguard=consent
