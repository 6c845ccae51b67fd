"""The Standard Webhooks message: what a delivery's body says and how it is signed.

https://www.standardwebhooks.com/: `webhook-id` (the same on every retry), `webhook-timestamp`
(seconds, per attempt) and `webhook-signature` (`v1,` + base64 HMAC-SHA256 of
`id.timestamp.body` with the partner's `whsec_` secret). The `standardwebhooks` package signs,
so partners can verify with the same package or any implementation of the spec.
"""

import base64
import json
import secrets
from datetime import datetime

from django.conf import settings
from django.urls import reverse
from standardwebhooks import Webhook

from partners.models import ChangeEvent


def webhook_secret_new() -> str:
    """A fresh signing secret in the spec's `whsec_<base64>` form (24 random bytes)."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode("ascii")


def webhook_body(event: ChangeEvent) -> str:
    """The JSON body for a change: the event type and where to fetch the story's new version.

    Serialized once, when the delivery row is written, so every retry signs the same bytes.
    """
    site = settings.NEWSDESK_SITE_URL
    data = {
        "slug": event.slug,
        "version": event.version,
        "api_url": site + reverse("api:story-detail", kwargs={"slug": event.slug}),
        "ninjs_url": site + reverse("api:story-ninjs", kwargs={"slug": event.slug}),
        "url": site + reverse("stories:story", kwargs={"slug": event.slug}),
    }
    if event.kind == ChangeEvent.Kind.WITHDRAWN:
        data["reason"] = event.reason
    message = {
        "type": event.event_type,
        "timestamp": event.at.isoformat().replace("+00:00", "Z"),
        "data": data,
    }
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False)


def webhook_headers(*, secret: str, message_id: str, body: str, at: datetime) -> dict[str, str]:
    """The headers that make a delivery verifiable: id, timestamp and v1 signature."""
    return {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, at, body),
    }
