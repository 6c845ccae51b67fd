"""Stand-ins for the workflow's transitions in tests: each changes a story the way an editor's
action does and announces it with `story_changed` inside the transaction, as the workflow
contract says, then runs the on-commit hooks (the test itself never commits)."""

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.test import TestCase
from django.utils import timezone

from stories.models import Correction, Story, StoryStatus
from stories.signals import story_changed


def _announce(story: Story, event: str, **changes) -> Story:
    with TestCase.captureOnCommitCallbacks(execute=True), transaction.atomic():
        Story.objects.filter(pk=story.pk).update(
            version=F("version") + 1,
            updated_at=changes.pop("updated_at", timezone.now()),
            **changes,
        )
        story.refresh_from_db()
        story_changed.send(sender=Story, story=story, event=event, by=None)
    return story


def publish(story: Story, *, at=None, embargo_until=None) -> Story:
    at = at or timezone.now()
    return _announce(
        story,
        "published",
        status=StoryStatus.PUBLISHED,
        published_at=at,
        embargo_until=embargo_until,
        updated_at=at,
    )


def update(story: Story, **fields) -> Story:
    return _announce(story, "updated", **fields)


def correct(story: Story, text: str) -> Story:
    Correction.objects.create(story=story, text=text)
    return _announce(story, "corrected")


def withdraw(story: Story, reason: str) -> Story:
    return _announce(
        story,
        "withdrawn",
        status=StoryStatus.WITHDRAWN,
        withdrawn_at=timezone.now(),
        withdrawn_reason=reason,
    )


def set_status(story: Story, status: str, **fields) -> Story:
    """Move a story silently (no announcement), e.g. to in review or scheduled."""
    Story.objects.filter(pk=story.pk).update(status=status, **fields)
    story.refresh_from_db()
    return story


def in_an_hour():
    return timezone.now() + dt.timedelta(hours=1)
