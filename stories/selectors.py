"""Reads of stories, each with the joins it needs so a page's query count stays flat."""

import functools
import re
from collections import defaultdict

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connections, router
from django.db.models import (
    Count,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)
from reversion.models import Version

from pictures.selectors import SECTIONS_WITH_PICTURES
from sources.models import Citation, LinkStatus
from stories import visibility
from stories.models import (
    Byline,
    CheckAcknowledgement,
    Entity,
    Story,
    StoryEntity,
    StorySection,
    StoryStatus,
    StoryTemplate,
    StoryTransition,
)

BYLINES = Prefetch("byline_links", queryset=Byline.objects.select_related("user"))


def stories_public(*, now=None) -> QuerySet[Story]:
    """Stories readers, feeds and partners may see (`stories.visibility` decides)."""
    return visibility.stories_visible(now=now)


def stories_latest(*, limit: int = 20) -> QuerySet[Story]:
    """The front page: newest published first, with template and bylines for the teaser."""
    return (
        stories_public()
        .select_related("template")
        .prefetch_related(BYLINES)
        .order_by("-published_at", "-id")[:limit]
    )


def _story_parts() -> tuple:
    return (
        # Each section row also carries the story's pictures (`pictures.selectors`).
        Prefetch("sections", queryset=SECTIONS_WITH_PICTURES),
        BYLINES,
        "faq_items",
        "corrections",
        Prefetch("citations", queryset=Citation.objects.select_related("outlet", "section")),
        Prefetch("entity_links", queryset=StoryEntity.objects.select_related("entity")),
    )


def story_with_parts(queryset: QuerySet[Story]) -> QuerySet[Story]:
    """Everything a story page or API representation shows, in a fixed number of queries."""
    return queryset.select_related("template").prefetch_related(*_story_parts())


def story_at_slug(*, slug: str) -> Story | None:
    """The story row at /stories/<slug>/ in any state, with its template: one query.

    The page decides from it who may see what (readers, staff, the 410 page) and keys its cache
    on its id, version and rendition; only a cache miss loads the parts (`story_load_parts`).
    It runs on every page view, so its SQL is compiled once per process and database: the
    ORM's compiling took longer than PostgreSQL's answer.
    """
    alias = router.db_for_read(Story)
    database = connections[alias]
    sql, columns, story_slots, template_slots = _story_at_slug_plan(alias)
    with database.cursor() as cursor:
        cursor.execute(sql, [slug])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for index, (converters, expression) in columns.items():
        for convert in converters:
            values[index] = convert(values[index], expression, database)
    story = Story.from_db(alias, story_slots[0], [values[i] for i in story_slots[1]])
    story.template = StoryTemplate.from_db(
        alias, template_slots[0], [values[i] for i in template_slots[1]]
    )
    return story


@functools.cache
def _story_at_slug_plan(alias: str):
    """The compiled SQL of `story_at_slug`, its columns' converters and which columns make the
    story and which its template (Django's own compiler says, so they never drift)."""
    queryset = Story.objects.select_related("template").filter(slug="").order_by()[:1]
    compiler = queryset.query.get_compiler(alias)
    sql, params = compiler.as_sql()
    assert params == ("",)  # noqa: S101 - the one parameter is the slug
    expressions = [expression for expression, _sql, _alias in compiler.select]
    converters = compiler.get_converters(expressions)

    def slots(klass_info):
        indexes = list(klass_info["select_fields"])
        return [expressions[i].target.attname for i in indexes], indexes

    (template_info,) = compiler.klass_info["related_klass_infos"]
    return sql, converters, slots(compiler.klass_info), slots(template_info)


def story_load_parts(story: Story) -> Story:
    """Load the parts `story_with_parts` would have, onto a story already in hand."""
    prefetch_related_objects([story], *_story_parts())
    return story


def entity_public_stories(*, entity: Entity) -> QuerySet[Story]:
    """An entity's page: the published stories linked to it, newest first."""
    return (
        stories_public()
        .filter(entity_links__entity=entity)
        .select_related("template")
        .order_by("-published_at", "-id")
        .distinct()
    )


def story_sections_with_items(story: Story) -> list[dict]:
    """Pair each section with what it shows: its citations, the FAQ items or the entity cards.

    Works on the prefetched parts only (no queries). Citations not tied to a section are shown
    in the story's first citations section, so none is ever hidden from readers.
    """
    sections = list(story.sections.all())
    citations = list(story.citations.all())
    first_citation_section = next((s for s in sections if s.kind == "citations"), None)
    shown = []
    for section in sections:
        items = []
        if section.kind == "citations":
            items = [
                c
                for c in citations
                if c.section_id == section.id
                or (c.section_id is None and section is first_citation_section)
            ]
        elif section.kind == "faq":
            items = list(story.faq_items.all())
        elif section.kind == "entities":
            items = list(story.entity_links.all())
        if section.body_html or items:
            shown.append({"section": section, "items": items})
    return shown


def story_loose_citations(story: Story) -> list[Citation]:
    """Citations with no section to show them in, when the template has no citations section."""
    if any(s.kind == "citations" for s in story.sections.all()):
        return []
    return [c for c in story.citations.all() if c.section_id is None]


def story_ids_with_text(text: str, *, phrase: bool = False) -> QuerySet:
    """The ids of stories with `text` in a section (a subquery, for the admin's search).

    On PostgreSQL a word search answered from the full-text index of migration 0007: every
    word of `text`, or a word it begins, in one section (a phrase: those words in that order).
    A word found in most of a large archive's sections takes tens of milliseconds this way,
    where `icontains` reads all their text. Elsewhere (SQLite) a plain substring match.
    """
    sections = StorySection.objects.order_by()
    if connections[router.db_for_read(StorySection)].vendor != "postgresql":
        return sections.filter(body__icontains=text).values("story_id")
    if phrase:
        query = SearchQuery(text, search_type="phrase", config=SEARCH_CONFIG)
    else:
        words = re.findall(r"\w+", text.lower())
        if not words:
            return sections.none().values("story_id")
        # Built from word characters only, so no user input reaches tsquery's syntax.
        query = SearchQuery(
            " & ".join(f"{w}:*" for w in words), search_type="raw", config=SEARCH_CONFIG
        )
    return (
        sections.annotate(document=SearchVector("body", config=SEARCH_CONFIG))
        .filter(document=query)
        .values("story_id")
    )


# No stemming and no stop words: stories are in several languages, and editors search for
# names and exact words. Migration 0007 indexes the same expression.
SEARCH_CONFIG = "simple"


def story_byline_user_ids(story: Story) -> set[int]:
    """Everyone on the story's byline in any of its saved revisions (the four-eyes rule).

    Answered without a query for stories `stories_load_byline_user_ids` has loaded.
    """
    loaded = getattr(story, "_byline_user_ids", None)
    if loaded is not None:
        return loaded
    revisions = Version.objects.get_for_object(story).values("revision_id")
    bylines = Version.objects.get_for_model(Byline).filter(revision_id__in=revisions)
    return {version.field_dict["user_id"] for version in bylines}


def stories_load_byline_user_ids(stories: list[Story]) -> list[Story]:
    """Load `story_byline_user_ids` for many stories at once (two queries), so a list that asks
    the four-eyes rule of each story does not query once a story."""
    by_id = {str(story.pk): story for story in stories}
    revision_story = dict(
        Version.objects.get_for_model(Story)
        .filter(object_id__in=list(by_id))
        .values_list("revision_id", "object_id")
    )
    written: dict[str, set[int]] = defaultdict(set)
    bylines = Version.objects.get_for_model(Byline).filter(revision_id__in=list(revision_story))
    for version in bylines:
        written[revision_story[version.revision_id]].add(version.field_dict["user_id"])
    for key, story in by_id.items():
        story._byline_user_ids = written[key]
    return stories


# --- The newsroom home: what each person has on their desk -----------------------------------

# A draft whose last workflow step is an editor's "request changes" was sent back to its authors.
SENT_BACK = "request_changes"
# Links that readers can no longer follow: the page is gone, or fetching it keeps failing.
BROKEN_LINKS = (LinkStatus.GONE, LinkStatus.FAILED)


def _last_step(field_name: str) -> Subquery:
    steps = StoryTransition.objects.filter(story=OuterRef("pk")).order_by("-at", "-id")
    return Subquery(steps.values(field_name)[:1])


def stories_drafts_of(*, user, sent_back: bool) -> QuerySet[Story]:
    """Drafts on `user`'s byline, last changed first: those an editor sent back to them with
    a comment (`sent_back=True`, annotated `last_comment`), or the rest."""
    drafts = (
        Story.objects.filter(status=StoryStatus.DRAFT, byline_links__user=user)
        .annotate(last_action=_last_step("action"), last_comment=_last_step("comment"))
        .select_related("template")
        .order_by("-updated_at", "-id")
    )
    if sent_back:
        return drafts.filter(last_action=SENT_BACK)
    return drafts.filter(Q(last_action__isnull=True) | ~Q(last_action=SENT_BACK))


def stories_in_review() -> QuerySet[Story]:
    """Stories waiting for an editor, longest waiting first, with bylines (who wrote them) and
    when they were submitted (`submitted_at`, the last workflow step)."""
    return (
        Story.objects.filter(status=StoryStatus.IN_REVIEW)
        .annotate(submitted_at=_last_step("at"))
        .select_related("template")
        .prefetch_related(BYLINES)
        .order_by("updated_at", "id")
    )


def stories_scheduled() -> QuerySet[Story]:
    """Stories an editor has scheduled, next to go live first."""
    return (
        Story.objects.filter(status=StoryStatus.SCHEDULED)
        .select_related("template")
        .prefetch_related(BYLINES)
        .order_by("scheduled_for", "id")
    )


def stories_published_since(*, since) -> QuerySet[Story]:
    """Stories published since `since` (embargoed ones too: staff see them), newest first."""
    return (
        Story.objects.filter(status=StoryStatus.PUBLISHED, published_at__gte=since)
        .select_related("template")
        .prefetch_related(BYLINES)
        .order_by("-published_at", "-id")
    )


def citations_broken_on_published() -> QuerySet[Citation]:
    """Citations of published stories whose link is gone or keeps failing: readers hit them."""
    return Citation.objects.filter(
        story__status=StoryStatus.PUBLISHED, link_status__in=BROKEN_LINKS
    )


def stories_with_broken_links() -> QuerySet[Story]:
    """Published stories with broken citation links, the most broken first (`broken` each)."""
    return (
        Story.objects.filter(status=StoryStatus.PUBLISHED)
        .annotate(broken=Count("citations", filter=Q(citations__link_status__in=BROKEN_LINKS)))
        .filter(broken__gt=0)
        .order_by("-broken", "-published_at", "-id")
    )


def author_public_stories(*, user) -> QuerySet[Story]:
    """An author's page: the stories on their byline readers may see, newest first."""
    return (
        stories_public()
        .filter(byline_links__user=user)
        .select_related("template")
        .prefetch_related(BYLINES)
        .order_by("-published_at", "-id")
    )


def story_acknowledgements(story: Story) -> dict:
    """The checklist warnings editors accepted on this story, by the warning's fingerprint."""
    return {
        ack.fingerprint: ack
        for ack in CheckAcknowledgement.objects.filter(story=story).select_related("by")
    }
