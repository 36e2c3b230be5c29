"""Settings the services read (Django style)."""

import os

TIME_ZONE = "UTC"
CRM_WEBHOOK_URL = os.environ.get("CRM_WEBHOOK_URL", "")
FULLSTORY_USERS_URL = "https://api.fullstory.com/v2/users"
SMS_GATEWAY_URL = "https://smpp-gateway.internal/v1/submit"
MIXPANEL_TOKEN = "dev-token"
SEGMENT_WRITE_KEY = "dev-key"
EXPORT_BUCKET = "msg-platform-exports"
