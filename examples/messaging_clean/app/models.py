"""Models of a small messaging platform (Django): customers and their account users, the
customers' contacts, message traffic, support tickets, marketing lists and web analytics.

This is the variant that keeps the notice: every personal field says its category and a
retention within what the notice promises.
"""

from django.db import models


class Customer(models.Model):
    """A company that buys the messaging service: not personal data in itself."""

    company_name = models.CharField(max_length=200)
    country = models.CharField(max_length=2)
    created_at = models.DateTimeField(auto_now_add=True)
    monthly_volume = models.IntegerField(default=0)
    webhook_url = models.URLField(blank=True)  # where inbound messages are forwarded


class AccountUser(models.Model):
    """A person a customer authorises to log in to the web interface."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE)
    email = models.EmailField(unique=True)  # privacy: account_user_data retention=12mo
    email_verified = models.BooleanField(default=False)
    full_name = models.CharField(max_length=200)  # privacy: account_user_data retention=12mo
    # privacy: account_user_data retention=12mo
    phone = models.CharField(max_length=32)
    job_title = models.CharField(max_length=100)  # privacy: account_user_data retention=1y
    last_login_ip = models.GenericIPAddressField(null=True)  # privacy: usage_data retention=3y
    password_hash = models.CharField(max_length=128)
    is_active = models.BooleanField(default=True)


class Contact(models.Model):
    """An end user of a customer: someone the customer sends messages to."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE)
    msisdn = models.CharField(max_length=20)  # privacy: traffic_data_enduser retention=12mo
    email = models.EmailField(blank=True)  # privacy: traffic_data_enduser retention=12mo
    opted_in = models.BooleanField(default=False)


class MessageRecord(models.Model):
    """One message sent on a customer's behalf: content and traffic record."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE)
    to_number = models.CharField(max_length=20)  # privacy: traffic_data_enduser retention=12mo
    sender_id = models.CharField(max_length=11)
    body = models.TextField()  # privacy: communication_content role=processor retention=customer_instructions
    status = models.CharField(max_length=16, default="queued")
    parts = models.IntegerField(default=1)
    sent_at = models.DateTimeField(null=True)


class SupportTicket(models.Model):
    account_user = models.ForeignKey(AccountUser, on_delete=models.CASCADE)
    subject = models.CharField(max_length=200)
    description = models.TextField()  # privacy: support_data retention=7y
    requester_email = models.EmailField()  # privacy: support_data retention=84mo
    status = models.CharField(max_length=16, default="open")
    priority = models.IntegerField(default=3)


class Subscriber(models.Model):
    """Someone who signed up for the newsletter on the website."""

    email = models.EmailField(unique=True)  # privacy: marketing_contact subject=newsletter_subscriber retention=until_unsubscribe
    # privacy: marketing_contact subject=newsletter_subscriber retention=until_unsubscribe
    first_name = models.CharField(max_length=100)
    confirmed = models.BooleanField(default=False)


class SuppressedAddress(models.Model):
    """Addresses that must never be mailed again (the opt-out list)."""

    email = models.EmailField(unique=True)  # privacy: marketing_suppression retention=suppression_list
    reason = models.CharField(max_length=32)


class PageVisit(models.Model):
    """Web analytics of the customer portal."""

    session_id = models.CharField(max_length=64)  # privacy: behavioral_analytics retention=25mo
    ip_address = models.GenericIPAddressField()  # privacy: behavioral_analytics retention=25mo
    path = models.CharField(max_length=300)
    visited_at = models.DateTimeField(auto_now_add=True)
