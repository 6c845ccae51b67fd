"""Reads of the public record: corrections, withdrawn stories and a story's workflow history.

Selectors like those in `stories.selectors` (which another part of the team owns), for the
pages the workflow adds: /corrections/, the 410 page of a withdrawn story, and the history
shown on a story's page.
"""

from django.db.models import QuerySet

from stories import visibility
from stories.models import Correction, Story, StoryTransition
from stories.selectors import stories_public


def corrections_public() -> QuerySet[Correction]:
    """Corrections to stories readers can see, newest first, with the story for the link."""
    return (
        Correction.objects.filter(story__in=stories_public())
        .select_related("story")
        .order_by("-created_at", "-id")
    )


def story_withdrawn(*, slug: str) -> Story | None:
    """The withdrawn story at this slug, with only what its 410 page may show: never the text."""
    return (
        visibility.stories_tombstoned()
        .filter(slug=slug)
        .only("slug", "status", "withdrawn_at", "withdrawn_reason", "language")
        .first()
    )


def story_history(story: Story) -> QuerySet[StoryTransition]:
    """Every workflow step on a story, oldest first, with who took it: for staff."""
    return StoryTransition.objects.filter(story=story).select_related("by").order_by("at", "id")


def story_public_history(story: Story) -> list[tuple]:
    """What readers are told about a story's life, from data the page already holds (no query):
    when it was published, each correction, and the last update."""
    events = []
    if story.published_at:
        events.append((story.published_at, "Published", ""))
    events += [(c.created_at, "Corrected", c.text) for c in story.corrections.all()]
    if story.published_at and story.updated_at and story.updated_at > story.published_at:
        if not any(when == story.updated_at for when, _, _ in events):
            events.append((story.updated_at, "Updated", ""))
    return sorted(events, key=lambda event: event[0])
