"""Web analytics of the customer portal: session replay and product events."""

import requests
import segment.analytics as analytics

from . import settings
from .models import AccountUser, PageVisit

analytics.write_key = settings.SEGMENT_WRITE_KEY


def identify_in_fullstory(visit: PageVisit):
    """FullStory is named in the notice for behavioural analytics; SCCs cover the US transfer."""
    requests.post(settings.FULLSTORY_USERS_URL, json={"uid": visit.session_id, "ip": visit.ip_address}, timeout=5)  # privacy: safeguard=scc


def track_page(user: AccountUser, visit: PageVisit):
    analytics.track(user.id, "Page viewed", {"path": visit.path, "at": visit.visited_at.isoformat()})
