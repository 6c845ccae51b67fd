"""Public pages. Each view asks a selector and renders; none decides anything itself."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_cache_control,
)
from django.utils.http import http_date
from django.views.decorators.cache import never_cache

from stories import history, selectors, visibility
from stories.models import Entity

logger = logging.getLogger(__name__)


def home(request):
    return render(request, "stories/home.html", {"stories": selectors.stories_latest(limit=30)})


# Goes into every page cache key and ETag: bump it when the story page's markup changes, so
# cached copies and browsers holding an old ETag get the new page.
PAGE_REVISION = 2


def story_surrogate_key(slug: str) -> str:
    """The CDN purge key for everything about one story (the same as the partner API's)."""
    return f"story-{slug}"


def story_detail(request, slug):
    """One story. Readers get a copy cached per (id, version, rendition): an edit, correction,
    entity, outlet or citation-link change moves one of these, so no copy outlives its change.
    Staff get the live page with its preview banner and workflow history, never cached."""
    story = selectors.story_at_slug(slug=slug)
    if story is None:
        raise Http404("No such story.")
    if request.user.is_staff:
        response = _render_story(request, story, staff=True)
        add_never_cache_headers(response)
        return response
    if visibility.story_is_tombstone(story):
        # Gone, not missing: readers and crawlers learn why, and never see the old text.
        response = render(request, "stories/gone.html", {"story": story}, status=410)
        return _public(response, story)
    if not visibility.story_is_visible(story):
        raise Http404("No such story.")
    etag = f'"page-{story.id}-{story.version}-{story.rendition}-{PAGE_REVISION}"'
    # Revalidation by ETag only: Last-Modified is the editorial update time, which an entity,
    # outlet or link change (rendition) does not move, so If-Modified-Since could keep a stale copy.
    not_modified = get_conditional_response(request, etag=etag)
    if not_modified is None:
        key = f"story-page:{PAGE_REVISION}:{story.id}:{story.version}:{story.rendition}"
        html = _cache_call(cache.get, key)
        if html is None:
            html = _render_story(request, story, staff=False).content
            _cache_call(cache.set, key, html, settings.NEWSDESK_PAGE_CACHE_SECONDS)
        response = HttpResponse(html)
    else:
        response = not_modified
    response["ETag"] = etag
    response["Last-Modified"] = http_date(story.updated_at.timestamp())
    return _public(response, story)


def _cache_call(method, *args):
    """A cache that is down (Redis restarting) costs readers speed, not the page."""
    try:
        return method(*args)
    except Exception:  # noqa: BLE001 - any cache failure: render without it
        logger.warning("Story page cache unavailable", exc_info=True)
        return None


def _render_story(request, story, *, staff: bool):
    selectors.story_load_parts(story)
    return render(
        request,
        "stories/story_detail.html",
        {
            "story": story,
            "sections": selectors.story_sections_with_items(story),
            "loose_citations": selectors.story_loose_citations(story),
            "is_preview": staff and not visibility.story_is_visible(story),
            "public_history": history.story_public_history(story),
            "workflow_history": history.story_history(story) if staff else None,
        },
    )


def _public(response, story):
    """Headers for browsers and a CDN: short in browsers, longer at the edge, purged by story."""
    patch_cache_control(
        response,
        public=True,
        max_age=settings.NEWSDESK_PAGE_MAX_AGE,
        s_maxage=settings.NEWSDESK_PAGE_CDN_MAX_AGE,
    )
    response["Surrogate-Key"] = story_surrogate_key(story.slug)
    return response


def corrections(request):
    """/corrections/: every correction to a published story, newest first."""
    page = Paginator(history.corrections_public(), 50).get_page(request.GET.get("page"))
    return render(request, "stories/corrections.html", {"page": page})


# Stories on one page of an author's list.
AUTHOR_PAGE_SIZE = 20


def author_detail(request, username):
    """/authors/<username>/: the stories on someone's byline that readers may see, newest first.

    Someone with none visible (staff who only wrote drafts, or nobody by that name) is a 404
    alike, so the page never tells readers who works in the newsroom.
    """
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise Http404("No such author.")
    paginator = Paginator(selectors.author_public_stories(user=user), AUTHOR_PAGE_SIZE)
    if paginator.count == 0:
        raise Http404("No such author.")
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "stories/author_detail.html",
        {"author": user, "name": user.get_full_name() or user.get_username(), "page": page},
    )


def entity_detail(request, slug):
    entity = get_object_or_404(Entity, slug=slug)
    return render(
        request,
        "stories/entity_detail.html",
        {"entity": entity, "stories": selectors.entity_public_stories(entity=entity)},
    )


@never_cache
def healthz(request):
    """Liveness for load balancers: the database always, Redis when it is configured."""
    checks, healthy = {}, True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure is the answer here
        checks["database"], healthy = f"error: {exc.__class__.__name__}", False
    if settings.REDIS_URL:
        import redis

        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
            checks["redis"] = "ok"
        except Exception as exc:  # noqa: BLE001
            checks["redis"], healthy = f"error: {exc.__class__.__name__}", False
    else:
        checks["redis"] = "not configured"
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )
