"""Public pages. Each view asks a selector and renders; none decides anything itself."""

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from stories import selectors
from stories.models import Entity


def home(request):
    return render(request, "stories/home.html", {"stories": selectors.stories_latest(limit=30)})


def story_detail(request, slug):
    story = selectors.story_for_page(slug=slug, user=request.user)
    return render(
        request,
        "stories/story_detail.html",
        {
            "story": story,
            "sections": selectors.story_sections_with_items(story),
            "loose_citations": selectors.story_loose_citations(story),
            "is_preview": not story.is_public(),
        },
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
    from django.conf import settings

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
