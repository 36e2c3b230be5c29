"""Nightly exports of traffic records and support tickets."""

import csv
import json

import boto3

from . import settings
from .models import MessageRecord, SupportTicket


def export_traffic(day):
    rows = [{"to": r.to_number, "status": r.status, "parts": r.parts} for r in MessageRecord.objects.filter(sent_at__date=day)]
    body = json.dumps(rows)
    s3_us = boto3.client("s3", region_name="us-east-1")
    s3_us.put_object(Bucket=settings.EXPORT_BUCKET, Key=f"traffic/{day}.json", Body=body)  # privacy: retention=30d  # expect: PRV401
    s3_eu = boto3.client("s3", region_name="eu-central-1")
    s3_eu.put_object(Bucket=settings.EXPORT_BUCKET, Key=f"traffic-eu/{day}.json", Body=body)  # privacy: retention=30d
    s3_eu.put_object(Bucket=settings.EXPORT_BUCKET, Key=f"traffic-archive/{day}.json", Body=body)  # privacy: retention=11y  # expect: PRV202


def export_tickets(path):
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        for t in SupportTicket.objects.all():
            writer.writerow([t.id, t.requester_email, t.status])  # expect: PRV203
