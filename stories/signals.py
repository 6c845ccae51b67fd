"""Signals other apps listen to. Sent inside the transaction that made the change, so a
receiver's writes (partner outbox rows, cache invalidation records) commit or roll back with it."""

import django.dispatch

# Sent with: story (Story), event (one of STORY_EVENTS), by (User or None).
story_changed = django.dispatch.Signal()

STORY_EVENTS = ("published", "updated", "corrected", "withdrawn")
