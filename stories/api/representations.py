"""A story's representations (JSON, ninjs) as finished bytes, cached per what makes them.

(story id, version, rendition, REPRESENTATION_REVISION, kind) identifies a representation
exactly: `version` goes up on every editorial change (edits, corrections, workflow steps),
`rendition` when something the story shows but does not own changes (an entity card, an
outlet, a citation's link state), and the revision when the shape changes in code. A changed
story therefore never finds an old entry: nothing has to be deleted, and a partner can never be
handed a stale body. Entries expire after a day so old versions do not pile up.
"""

from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from stories.api import selectors as api_selectors
from stories.api.ninjs import story_ninjs
from stories.api.serializers import archived_copy_url, site_url, story_urls

# Goes into every story ETag and cache key: bump it when a representation changes shape, so
# caches and partners holding an old ETag fetch the new shape though the story did not change.
REPRESENTATION_REVISION = 2

CACHE_SECONDS = 24 * 60 * 60


def _moment(value: datetime | None) -> str | None:
    """A timestamp as DRF's DateTimeField writes it (current time zone, `Z` for UTC)."""
    if value is None:
        return None
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _day(value) -> str | None:
    return value.isoformat() if value is not None else None


def story_document(story) -> dict:
    """The story as `StorySerializer` shapes it (that serializer documents it in the OpenAPI
    schema, and a test holds the two equal), written as plain dicts: building it is most of a
    cold request, and DRF's field machinery would take several times as long."""
    document = {
        "slug": story.slug,
        "headline": story.headline,
        "summary": story.summary,
        "template": {"slug": story.template.slug, "name": story.template.name},
        "language": story.language,
        "bylines": [{"name": str(link)} for link in story.byline_links.all()],
        "published_at": _moment(story.published_at),
        "updated_at": _moment(story.updated_at),
        "version": story.version,
        **story_urls(story.slug),
        "dateline": (
            {"place": story.dateline_place, "date": _day(story.dateline_date)}
            if story.has_dateline
            else None
        ),
        "sections": [
            {"key": s.key, "heading": s.heading, "kind": s.kind, "html": s.body_html}
            for s in story.sections.all()
        ],
        "citations": [
            {
                "outlet": (
                    {"name": c.outlet.name, "domain": c.outlet.domain} if c.outlet else None
                ),
                "url": c.url,
                "title": c.title,
                "date": _day(c.published_on),
                "claim": c.claim,
                "quote": c.quote,
                "speaker": c.speaker,
                "section": c.section.key if c.section else None,
                "link_status": c.link_status,
                "archived_url": archived_copy_url(c),
            }
            for c in story.citations.all()
        ],
        "faq": [{"question": f.question, "answer": f.answer} for f in story.faq_items.all()],
        "entities": [
            {
                "slug": link.entity.slug,
                "name": link.entity.name,
                "kind": link.entity.kind,
                "description": link.entity.description,
                "role": link.role,
                "api_url": site_url(
                    reverse("api:entity-detail", kwargs={"slug": link.entity.slug})
                ),
            }
            for link in story.entity_links.all()
        ],
        "corrections": [
            {"at": _moment(c.created_at), "text": c.text} for c in story.corrections.all()
        ],
    }
    return document


BUILDERS = {"json": story_document, "ninjs": story_ninjs}

_renderer = JSONRenderer()


def render(data) -> bytes:
    """The bytes DRF's JSON renderer would send for `data`."""
    return _renderer.render(data)


def representation_key(*, story_id: int, version: int, rendition: int, kind: str) -> str:
    return f"api:story:{story_id}:{version}:{rendition}:{REPRESENTATION_REVISION}:{kind}"


def _key_of(story, kind: str) -> str:
    return representation_key(
        story_id=story.id, version=story.version, rendition=story.rendition, kind=kind
    )


def _remember(entries: dict[str, bytes]) -> None:
    if entries and settings.NEWSDESK_API_CACHE:
        cache.set_many(entries, timeout=CACHE_SECONDS)


def story_representation(*, state, kind: str = "json"):
    """(body, story) for the public story `state` describes; the story is None on a cache hit
    and the body None when it stopped being public in between.

    The story row is read before its parts, so a body built across a concurrent change can only
    be newer than the version it is filed under, never older.
    """
    key = representation_key(
        story_id=state.id, version=state.version, rendition=state.rendition, kind=kind
    )
    if settings.NEWSDESK_API_CACHE:
        body = cache.get(key)
        if body is not None:
            return body, None
    story = api_selectors.story_for_api(story_id=state.id)
    if story is None:
        return None, None
    body = render(BUILDERS[kind](story))
    _remember({_key_of(story, kind): body})
    return body, story


def stories_representations(stories, *, kind: str = "json") -> list[bytes]:
    """The bodies of `stories` (rows with id, version, rendition), in their order: from the
    cache, and every miss built in one batch of four queries whatever the page size."""
    if not stories:
        return []
    keys = [_key_of(story, kind) for story in stories]
    found = cache.get_many(keys) if settings.NEWSDESK_API_CACHE else {}
    missing = [story.id for story, key in zip(stories, keys, strict=True) if key not in found]
    if missing:
        built = {}
        for story in api_selectors.stories_for_representation(
            api_selectors.stories_public().filter(pk__in=missing)
        ):
            built[_key_of(story, kind)] = render(BUILDERS[kind](story))
        _remember(built)
        found.update(built)
    # A story that changed between the page query and the build is filed under its newer
    # key: the page shows it newer, never older; one unpublished in between is left out.
    by_id = {key.split(":")[2]: body for key, body in found.items()}
    bodies = (
        found.get(key) or by_id.get(str(story.id)) for story, key in zip(stories, keys, strict=True)
    )
    return [body for body in bodies if body is not None]
