"""Reads for the partner API, built on `stories.selectors.stories_public` (the one filter for
what may leave)."""

import functools
import json
from dataclasses import dataclass, fields
from datetime import UTC, datetime

from django.contrib.auth import get_user_model
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection, connections, router
from django.db.models import Exists, JSONField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import JSONObject
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from pictures.models import Placement
from pictures.selectors import PLACEMENT_FIELDS, SECTIONS_WITH_PICTURES
from sources.models import Citation
from stories import visibility
from stories.models import (
    Byline,
    Correction,
    Entity,
    FAQItem,
    Story,
    StoryEntity,
    StorySection,
    StoryStatus,
)
from stories.selectors import BYLINES, SEARCH_CONFIG, stories_public


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
    PostgreSQL, with the admin's configuration (`simple`: words as written, no stemming, as
    stories are in several languages), so the sections are searched through the index of
    migration 0007: the same expression, asked as one uncorrelated subquery the planner can
    answer from it. Every word as a case-insensitive substring elsewhere (SQLite on a laptop).
    """
    q = q.strip()
    if not q:
        return queryset
    if connection.vendor == "postgresql":
        query = SearchQuery(q, search_type="websearch", config=SEARCH_CONFIG)
        in_sections = (
            StorySection.objects.order_by()
            .annotate(document=SearchVector("body", config=SEARCH_CONFIG))
            .filter(document=query)
            .values("story_id")
        )
        return queryset.annotate(
            document=SearchVector("headline", weight="A", config=SEARCH_CONFIG)
            + SearchVector("summary", weight="B", config=SEARCH_CONFIG)
        ).filter(Q(document=query) | Q(pk__in=in_sections))
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
    rendition: int = 0

    @property
    def is_public(self) -> bool:
        return visibility.story_is_visible(self)

    @property
    def is_tombstone(self) -> bool:
        """Withdrawn after partners could have seen it: answered with 410 Gone, not 404."""
        return visibility.story_is_tombstone(self)


STATE_FIELDS = tuple(field.name for field in fields(StoryState))


def story_state(*, slug: str, using: str | None = None) -> StoryState | None:
    """Status, version and timestamps of the story at `slug`, or None when there is none.

    Runs on every detail request the state is not remembered for (stories/api/states.py): the
    SQL is compiled once per process (the ORM's compiling would cost about as much as
    PostgreSQL answering). From the replica for partner reads unless `using` says otherwise.
    """
    database = connections[using or router.db_for_read(Story)]
    with database.cursor() as cursor:
        cursor.execute(_state_sql(database.vendor), [slug])
        row = cursor.fetchone()
    if row is None:
        return None
    values = dict(zip(STATE_FIELDS, row, strict=True))
    for name in ("updated_at", "published_at", "embargo_until", "withdrawn_at"):
        values[name] = _aware(values[name])
    return StoryState(**values)


@functools.cache
def _state_sql(vendor: str) -> str:
    query = Story.objects.filter(slug="").values_list(*STATE_FIELDS).query
    sql, params = query.sql_with_params()
    assert params == ("",)  # noqa: S101 - the one parameter is the slug
    return sql


def _aware(value):
    """SQLite hands back datetimes as text or naive values; PostgreSQL already aware ones."""
    if value is None or isinstance(value, datetime) and timezone.is_aware(value):
        return value
    moment = value if isinstance(value, datetime) else parse_datetime(value)
    return moment.replace(tzinfo=UTC)


class JSONRows(Subquery):
    """The rows of a one-column queryset of JSON objects, in its order, as one JSON array:
    a story's small parts ride along in the story's own row instead of costing a query each.
    """

    output_field = JSONField()

    def as_sql(self, compiler, connection, template=None, **extra_context):
        sql, params = super().as_sql(compiler, connection, template, **extra_context)
        if connection.vendor == "postgresql":
            # ARRAY(...) keeps the subquery's order, which json_agg does not promise.
            return f"COALESCE(array_to_json(ARRAY{sql}), '[]')::jsonb", params
        # `sql` is Django's compiled subquery; its values travel separately in `params`.
        sql = f"(SELECT COALESCE(json_group_array(json(_rows.obj)), '[]') FROM {sql} _rows)"  # noqa: S608
        return sql, params


def _json_rows(model, **fields) -> JSONRows:
    rows = model.objects.filter(story=OuterRef("pk")).order_by(*model._meta.ordering)
    return JSONRows(rows.values(obj=JSONObject(**fields)))


def moment_from_json(value: str) -> datetime:
    """A timestamp from a JSON-aggregated row (SQLite's text is naive UTC)."""
    moment = parse_datetime(value)
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=UTC)


def _prefetched(model, instances: list):
    """A queryset that is already evaluated, as `prefetch_related` leaves one."""
    queryset = model.objects.all()
    queryset._result_cache, queryset._prefetch_done = instances, True
    return queryset


def _unpack_small_parts(story: Story) -> Story:
    user_model = get_user_model()
    bylines = [Byline(story=story, user=user_model(**row)) for row in _loaded(story.bylines_json)]
    faq = [FAQItem(story=story, **row) for row in _loaded(story.faq_json)]
    corrections = [
        Correction(story=story, text=row["text"], created_at=moment_from_json(row["created_at"]))
        for row in _loaded(story.corrections_json)
    ]
    story._prefetched_objects_cache.update(
        byline_links=_prefetched(Byline, bylines),
        faq_items=_prefetched(FAQItem, faq),
        corrections=_prefetched(Correction, corrections),
    )
    return story


def _loaded(value) -> list:
    return json.loads(value) if isinstance(value, str) else value


def stories_for_representation(queryset: QuerySet[Story]) -> list[Story]:
    """Stories with every part their representation shows, in four queries however many.

    The story rows carry bylines, FAQ and corrections as JSON arrays; sections, citations
    (with outlet and section) and entity links (with the entity) are prefetched.
    """
    stories = list(
        queryset.select_related("template")
        .annotate(
            bylines_json=_json_rows(
                Byline,
                first_name="user__first_name",
                last_name="user__last_name",
                username="user__username",
            ),
            faq_json=_json_rows(FAQItem, question="question", answer="answer"),
            corrections_json=_json_rows(Correction, text="text", created_at="created_at"),
        )
        .prefetch_related(
            Prefetch("sections", queryset=SECTIONS_WITH_PICTURES),
            Prefetch("citations", queryset=Citation.objects.select_related("outlet", "section")),
            Prefetch("entity_links", queryset=StoryEntity.objects.select_related("entity")),
        )
    )
    for story in stories:
        story._prefetched_objects_cache = getattr(story, "_prefetched_objects_cache", {})
        _unpack_small_parts(story)
    return stories


def story_for_api(*, story_id: int) -> Story | None:
    """The public story with every part its representation shows, in four queries."""
    found = stories_for_representation(stories_public().filter(pk=story_id))
    return found[0] if found else None


def stories_for_api_page() -> QuerySet[Story]:
    """Public stories newest first with only what a list page needs to find each story's
    cached representation; the rest is built (or fetched from the cache) per story."""
    return (
        stories_public()
        .filter(published_at__isnull=False)
        .only("id", "slug", "version", "rendition", "published_at")
        .order_by("-published_at", "-id")
    )


def story_withdrawn(*, story_id: int) -> Story | None:
    """A withdrawn story with what its ninjs tombstone shows (template and bylines)."""
    return visibility.stories_tombstoned().filter(pk=story_id).select_related("template").first()


def _has_public_story():
    return Exists(
        StoryEntity.objects.filter(entity=OuterRef("pk"), story__in=stories_public().values("pk"))
    )


def entities_public() -> QuerySet[Entity]:
    """Entities linked to at least one public story: an entity only drafts use stays home."""
    return Entity.objects.filter(_has_public_story()).order_by("name", "id")


def entity_public(*, slug: str) -> Entity | None:
    return entities_public().filter(slug=slug).first()


# --- Whole stories in one query, for the JSON representation -----------------------------------

DOCUMENT_FIELDS = (
    "id",
    "slug",
    "headline",
    "summary",
    "language",
    "published_at",
    "updated_at",
    "version",
    "rendition",
    "dateline_place",
    "dateline_date",
    "template__slug",
    "template__name",
)
DOCUMENT_PARTS = {
    "bylines": (
        Byline,
        {
            "first_name": "user__first_name",
            "last_name": "user__last_name",
            "username": "user__username",
        },
    ),
    "sections": (
        StorySection,
        {"id": "pk", "key": "key", "heading": "heading", "kind": "kind", "html": "body_html"},
    ),
    "citations": (
        Citation,
        {
            "outlet_name": "outlet__name",
            "outlet_domain": "outlet__domain",
            "url": "url",
            "title": "title",
            "date": "published_on",
            "claim": "claim",
            "quote": "quote",
            "speaker": "speaker",
            "section": "section__key",
            "link_status": "link_status",
            "snapshot_id": "latest_snapshot_id",
        },
    ),
    "faq": (FAQItem, {"question": "question", "answer": "answer"}),
    "entities": (
        StoryEntity,
        {
            "slug": "entity__slug",
            "name": "entity__name",
            "kind": "entity__kind",
            "description": "entity__description",
            "role": "role",
        },
    ),
    "corrections": (Correction, {"text": "text", "created_at": "created_at"}),
    "pictures": (Placement, PLACEMENT_FIELDS),
}
# Placeholder ids the SQL is compiled with once; each request swaps in the real ones.
_SENTINEL = -7_340_000_000


@functools.cache
def _documents_sql(vendor: str, count: int) -> tuple[str, tuple, tuple[int, ...]]:
    sentinels = [_SENTINEL - i for i in range(count)]
    queryset = (
        Story.objects.filter(pk__in=sentinels, status=StoryStatus.PUBLISHED)
        .annotate(
            **{
                f"{name}_json": _json_rows(model, **cols)
                for name, (model, cols) in DOCUMENT_PARTS.items()
            }
        )
        .values_list(*DOCUMENT_FIELDS, *(f"{name}_json" for name in DOCUMENT_PARTS))
        .order_by()
    )
    sql, params = queryset.query.sql_with_params()
    slots = tuple(i for i, value in enumerate(params) if value in sentinels)
    assert len(slots) == count  # noqa: S101 - each id appears once in the compiled SQL
    return sql, tuple(params), slots


def story_document_rows(story_ids: list[int]) -> list[dict]:
    """Published stories with every part their JSON document shows, in ONE query whatever
    their number: the parts come as JSON arrays in the story rows, and the SQL is compiled once
    per page size (compiling it costs more than PostgreSQL takes to answer it).

    Callers have established the stories are public (the detail's state query, the list's
    page query); published is checked again so one withdrawn in between is left out.
    """
    if not story_ids:
        return []
    database = connections[router.db_for_read(Story)]
    sql, params, slots = _documents_sql(database.vendor, len(story_ids))
    params = list(params)
    for slot, story_id in zip(slots, story_ids, strict=True):
        params[slot] = story_id
    with database.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    names = (*DOCUMENT_FIELDS, *DOCUMENT_PARTS)
    documents = []
    for row in rows:
        values = dict(zip(names, row, strict=True))
        for name in ("published_at", "updated_at"):
            values[name] = _aware(values[name])
        for name in DOCUMENT_PARTS:
            values[name] = _loaded(values[name])
        documents.append(values)
    return documents
