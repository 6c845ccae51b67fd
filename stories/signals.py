"""Signals other apps listen to. Sent inside the transaction that made the change, so a
receiver's writes (partner outbox rows, cache invalidation records) commit or roll back with it."""

import django.dispatch

# Sent with: story (Story), event (one of STORY_EVENTS), by (User or None).
story_changed = django.dispatch.Signal()

STORY_EVENTS = ("published", "updated", "corrected", "withdrawn")

# Sent by `Story.objects.filter(...).update(...)` inside its transaction, just before it runs,
# with: slugs (those of the stories it changes, its new slug included; None: possibly any
# story), using (the database alias). Saves and deletes have Django's own
# post_save/post_delete.
story_rows_updating = django.dispatch.Signal()
