"""Settings the services read (Django style)."""

import os

TIME_ZONE = "UTC"
CRM_WEBHOOK_URL = os.environ.get("CRM_WEBHOOK_URL", "")
LEAD_ENRICHMENT_URL = "https://api.leadfinder.example.io/v2/enrich"
FULLSTORY_USERS_URL = "https://api.fullstory.com/v2/users"
MIXPANEL_TOKEN = "dev-token"
SEGMENT_WRITE_KEY = "dev-key"
EXPORT_BUCKET = "msg-platform-exports"
