"""Who may see a story now: the one answer pages, feeds, sitemaps, the partner API, ninjs and
JSON-LD all use.

A story is *visible* while it is published and past any embargo. A withdrawn story is a
*tombstone* (410 Gone, a `withdrawn` change for partners) only if readers could have seen it
before it was withdrawn; one withdrawn while still under embargo never existed for them (404,
no tombstone, no webhook). "Could have seen it" is read from the story's own publication
history (published, embargo, withdrawn times), not from any log that may have been pruned.

Works on `Story` rows and on anything with the same attributes (the API's `StoryState`).
"""

import datetime as dt

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from stories.models import Story, StoryStatus


def visible_q(*, now: dt.datetime | None = None, through: str = "") -> Q:
    """The filter for stories readers, feeds and partners may see at `now`; `through` names
    the relation from another model ("story_links__story" on entities)."""
    now = now or timezone.now()
    at = f"{through}__" if through else ""
    return Q(**{f"{at}status": StoryStatus.PUBLISHED}) & (
        Q(**{f"{at}embargo_until__isnull": True}) | Q(**{f"{at}embargo_until__lte": now})
    )


def tombstone_q() -> Q:
    """The filter for withdrawn stories that had been visible before they were withdrawn."""
    return Q(status=StoryStatus.WITHDRAWN, published_at__isnull=False) & (
        Q(announced_at__isnull=False)
        | Q(embargo_until__isnull=True)
        | Q(withdrawn_at__isnull=True)
        | Q(embargo_until__lte=F("withdrawn_at"))
    )


def stories_visible(*, now: dt.datetime | None = None) -> QuerySet[Story]:
    """Stories readers, feeds and partners may see: published and past any embargo."""
    return Story.objects.filter(visible_q(now=now))


def stories_tombstoned() -> QuerySet[Story]:
    """Withdrawn stories partners and readers are told about (410, tombstones)."""
    return Story.objects.filter(tombstone_q())


def story_is_visible(story, *, now: dt.datetime | None = None) -> bool:
    """Published and past any embargo: readers, feeds and partners may see it now."""
    now = now or timezone.now()
    return story.status == StoryStatus.PUBLISHED and (
        story.embargo_until is None or story.embargo_until <= now
    )


def story_was_visible(story, *, now: dt.datetime | None = None) -> bool:
    """Could readers or partners have seen this story at some moment until now (or until it
    was withdrawn)? Answered from its own publication history."""
    if story.published_at is None or story.status not in (
        StoryStatus.PUBLISHED,
        StoryStatus.WITHDRAWN,
    ):
        return False
    if getattr(story, "announced_at", None) is not None:
        return True
    until = story.withdrawn_at if story.status == StoryStatus.WITHDRAWN else None
    until = until or now or timezone.now()
    return story.embargo_until is None or story.embargo_until <= until


def story_is_tombstone(story) -> bool:
    """Withdrawn after it had been visible: answered with 410 Gone and its reason, and told
    to partners as a withdrawal. A story withdrawn under embargo is not one (404)."""
    return story.status == StoryStatus.WITHDRAWN and story_was_visible(story)
