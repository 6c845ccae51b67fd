"""Reads for the partner API, built on `stories.selectors.stories_public` (the one filter for
what may leave) and `story_with_parts` (a story's parts in a fixed number of queries)."""

from dataclasses import dataclass
from datetime import datetime

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from sources.models import Citation
from stories.models import Entity, Story, StoryEntity, StorySection, StoryStatus
from stories.selectors import BYLINES, stories_public, story_with_parts

# PostgreSQL text search configuration for `q`: most of our copy is English.
SEARCH_CONFIG = "english"


def stories_for_api() -> QuerySet[Story]:
    """Public stories newest first, with what a list item shows (template, bylines)."""
    # A published story always has published_at (the workflow sets it); the keyset cursor
    # needs it, so a row that somehow lacks it is left out rather than breaking pagination.
    return (
        stories_public()
        .filter(published_at__isnull=False)
        .select_related("template")
        .prefetch_related(BYLINES)
        .order_by("-published_at", "-id")
    )


def stories_search(queryset: QuerySet[Story], *, q: str) -> QuerySet[Story]:
    """Stories whose headline, summary or any section matches `q`.

    PostgreSQL full-text search (websearch syntax: "quoted phrases", or, -not) when on
    PostgreSQL; every word as a case-insensitive substring elsewhere (SQLite on a laptop).
    """
    q = q.strip()
    if not q:
        return queryset
    if connection.vendor == "postgresql":
        query = SearchQuery(q, search_type="websearch", config=SEARCH_CONFIG)
        in_sections = StorySection.objects.annotate(
            document=SearchVector("body", config=SEARCH_CONFIG)
        ).filter(story=OuterRef("pk"), document=query)
        return queryset.annotate(
            document=SearchVector("headline", weight="A", config=SEARCH_CONFIG)
            + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
        ).filter(Q(document=query) | Exists(in_sections))
    for word in q.split():
        in_sections = StorySection.objects.filter(story=OuterRef("pk"), body__icontains=word)
        queryset = queryset.filter(
            Q(headline__icontains=word) | Q(summary__icontains=word) | Exists(in_sections)
        )
    return queryset


def stories_with_entity(queryset: QuerySet[Story], *, slug: str) -> QuerySet[Story]:
    """Stories linked to the entity (about or mentions)."""
    return queryset.filter(
        Exists(StoryEntity.objects.filter(story=OuterRef("pk"), entity__slug=slug))
    )


def stories_citing_outlet(queryset: QuerySet[Story], *, domain: str) -> QuerySet[Story]:
    """Stories with a citation from the outlet with this domain (www. is ignored)."""
    domain = domain.strip().lower().removeprefix("www.")
    return queryset.filter(
        Exists(Citation.objects.filter(story=OuterRef("pk"), outlet__domain__iexact=domain))
    )


@dataclass(frozen=True)
class StoryState:
    """The little a detail view needs before deciding to serialize: one cheap query."""

    id: int
    slug: str
    status: str
    version: int
    updated_at: datetime
    published_at: datetime | None
    embargo_until: datetime | None
    withdrawn_at: datetime | None
    withdrawn_reason: str

    @property
    def is_public(self) -> bool:
        return self.status == StoryStatus.PUBLISHED and (
            self.embargo_until is None or self.embargo_until <= timezone.now()
        )

    @property
    def is_tombstone(self) -> bool:
        """Withdrawn after partners could have seen it: answered with 410 Gone, not 404."""
        return (
            self.status == StoryStatus.WITHDRAWN
            and self.published_at is not None
            and (
                self.embargo_until is None
                or self.withdrawn_at is None
                or self.embargo_until <= self.withdrawn_at
            )
        )


def story_state(*, slug: str) -> StoryState | None:
    """Status, version and timestamps of the story at `slug`, or None when there is none."""
    row = (
        Story.objects.filter(slug=slug)
        .values(
            "id",
            "slug",
            "status",
            "version",
            "updated_at",
            "published_at",
            "embargo_until",
            "withdrawn_at",
            "withdrawn_reason",
        )
        .first()
    )
    return StoryState(**row) if row else None


def story_for_api(*, story_id: int) -> Story | None:
    """The public story with every part its representation shows, in a fixed query count."""
    return story_with_parts(stories_public().filter(pk=story_id)).first()


def story_withdrawn(*, story_id: int) -> Story | None:
    """A withdrawn story with what its ninjs tombstone shows (template and bylines)."""
    return (
        Story.objects.filter(pk=story_id, status=StoryStatus.WITHDRAWN)
        .select_related("template")
        .first()
    )


def _has_public_story():
    return Exists(
        StoryEntity.objects.filter(entity=OuterRef("pk"), story__in=stories_public().values("pk"))
    )


def entities_public() -> QuerySet[Entity]:
    """Entities linked to at least one public story: an entity only drafts use stays home."""
    return Entity.objects.filter(_has_public_story()).order_by("name", "id")


def entity_public(*, slug: str) -> Entity | None:
    return entities_public().filter(slug=slug).first()
