"""A story's representations (JSON, ninjs) as finished bytes, cached per what makes them.

(story id, version, rendition, REPRESENTATION_REVISION, kind) identifies a representation
exactly: `version` goes up on every editorial change (edits, corrections, workflow steps),
`rendition` when something the story shows but does not own changes (an entity card, an
outlet, a citation's link state), and the revision when the shape changes in code. A changed
story therefore never finds an old entry: nothing has to be deleted, and a partner can never be
handed a stale body. Entries expire after a day so old versions do not pile up.
"""

from datetime import date, datetime
from types import SimpleNamespace

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from rest_framework.renderers import JSONRenderer

from pictures.selectors import pictures_from_json, pictures_shown
from sources.models import LinkStatus
from stories.api import selectors as api_selectors
from stories.api.ninjs import story_ninjs
from stories.api.serializers import picture_data, site_url, story_urls

# Goes into every story ETag and cache key: bump it when a representation changes shape, so
# caches and partners holding an old ETag fetch the new shape though the story did not change.
REPRESENTATION_REVISION = 3

CACHE_SECONDS = 24 * 60 * 60


def _moment(value: datetime | None) -> str | None:
    """A timestamp as DRF's DateTimeField writes it (current time zone, `Z` for UTC)."""
    if value is None:
        return None
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _day(value: date | str | None) -> str | None:
    """A date as ISO text (SQLite's raw rows already hand it over as text)."""
    return value.isoformat() if isinstance(value, date) else value


def _name(byline: dict) -> str:
    """As `Byline.__str__`: the author's full name, else the user name."""
    full = f"{byline['first_name']} {byline['last_name']}".strip()
    return full or byline["username"]


def _archived_url(citation: dict) -> str | None:
    if citation["link_status"] == LinkStatus.GONE and citation["snapshot_id"]:
        return site_url(f"/sources/snapshots/{citation['snapshot_id']}/")
    return None


def story_document(row: dict) -> dict:
    """The story as `StorySerializer` shapes it (that serializer documents it in the OpenAPI
    schema, and a test holds the two equal), written as plain dicts from the one-query row of
    `story_document_rows`: DRF's field machinery and model instances would cost several times
    as long as the query."""
    has_dateline = bool(row["dateline_place"] and row["dateline_date"])
    return {
        "slug": row["slug"],
        "headline": row["headline"],
        "summary": row["summary"],
        "template": {"slug": row["template__slug"], "name": row["template__name"]},
        "language": row["language"],
        "bylines": [{"name": _name(byline)} for byline in row["bylines"]],
        "published_at": _moment(row["published_at"]),
        "updated_at": _moment(row["updated_at"]),
        "version": row["version"],
        **story_urls(row["slug"]),
        "dateline": (
            {"place": row["dateline_place"], "date": _day(row["dateline_date"])}
            if has_dateline
            else None
        ),
        "sections": [
            {"key": s["key"], "heading": s["heading"], "kind": s["kind"], "html": s["html"]}
            for s in row["sections"]
        ],
        "citations": [
            {
                "outlet": (
                    {"name": c["outlet_name"], "domain": c["outlet_domain"]}
                    if c["outlet_name"] is not None
                    else None
                ),
                "url": c["url"],
                "title": c["title"],
                "date": c["date"],
                "claim": c["claim"],
                "quote": c["quote"],
                "speaker": c["speaker"],
                "section": c["section"],
                "link_status": c["link_status"],
                "archived_url": _archived_url(c),
            }
            for c in row["citations"]
        ],
        "faq": [{"question": f["question"], "answer": f["answer"]} for f in row["faq"]],
        "entities": [
            {
                "slug": e["slug"],
                "name": e["name"],
                "kind": e["kind"],
                "description": e["description"],
                "role": e["role"],
                "api_url": site_url(reverse("api:entity-detail", kwargs={"slug": e["slug"]})),
            }
            for e in row["entities"]
        ],
        "corrections": [
            {"at": _moment(api_selectors.moment_from_json(c["created_at"])), "text": c["text"]}
            for c in row["corrections"]
        ],
        "pictures": [
            picture_data(picture)
            for picture in pictures_shown(
                pictures_from_json(
                    row["pictures"], section_keys={s["id"]: s["key"] for s in row["sections"]}
                )
            )
        ],
    }


def _build(story_ids: list[int], kind: str) -> list[tuple[SimpleNamespace, bytes]]:
    """(what identifies it, body) of each of the stories still published, built anew."""
    if kind == "json":
        rows = api_selectors.story_document_rows(story_ids)
        return [(_identity(row), render(story_document(row))) for row in rows]
    stories = api_selectors.stories_for_representation(
        api_selectors.stories_public().filter(pk__in=story_ids)
    )
    return [(_identity(vars(story)), render(story_ninjs(story))) for story in stories]


def _identity(values: dict) -> SimpleNamespace:
    return SimpleNamespace(
        id=values["id"],
        version=values["version"],
        rendition=values["rendition"],
        updated_at=values["updated_at"],
    )


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
    built = _build([state.id], kind)
    if not built:
        return None, None
    ((story, body),) = built
    _remember({_key_of(story, kind): body})
    return body, story


def stories_representations(stories, *, kind: str = "json") -> list[bytes]:
    """The bodies of `stories` (rows with id, version, rendition), in their order: from the
    cache, and every miss built together in one query whatever the page size."""
    if not stories:
        return []
    keys = [_key_of(story, kind) for story in stories]
    found = cache.get_many(keys) if settings.NEWSDESK_API_CACHE else {}
    missing = [story.id for story, key in zip(stories, keys, strict=True) if key not in found]
    if missing:
        built = {_key_of(story, kind): body for story, body in _build(missing, kind)}
        _remember(built)
        found.update(built)
    # A story that changed between the page query and the build is filed under its newer
    # key: the page shows it newer, never older; one unpublished in between is left out.
    by_id = {key.split(":")[2]: body for key, body in found.items()}
    bodies = (
        found.get(key) or by_id.get(str(story.id)) for story, key in zip(stories, keys, strict=True)
    )
    return [body for body in bodies if body is not None]
