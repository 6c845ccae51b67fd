"""A story's representations (JSON, ninjs) as finished bytes, cached per what makes them.

(story id, version, rendition, REPRESENTATION_REVISION, kind) identifies a representation
exactly: `version` goes up on every editorial change (edits, corrections, workflow steps),
`rendition` when something the story shows but does not own changes (an entity card, an
outlet, a citation's link state), and the revision when the shape changes in code. A changed
story therefore never finds an old entry: nothing has to be deleted, and a partner can never be
handed a stale body. Entries expire after a day so old versions do not pile up.
"""

from django.conf import settings
from django.core.cache import cache
from rest_framework.renderers import JSONRenderer

from stories.api import selectors as api_selectors
from stories.api.ninjs import story_ninjs
from stories.api.serializers import StorySerializer

# Goes into every story ETag and cache key: bump it when a representation changes shape, so
# caches and partners holding an old ETag fetch the new shape though the story did not change.
REPRESENTATION_REVISION = 2

CACHE_SECONDS = 24 * 60 * 60

BUILDERS = {
    "json": lambda story: StorySerializer(story).data,
    "ninjs": story_ninjs,
}

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
