"""Public pages. Each view asks a selector and renders; none decides anything itself."""

from django.core.paginator import Paginator
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from stories import history, selectors
from stories.models import Entity


def home(request):
    return render(request, "stories/home.html", {"stories": selectors.stories_latest(limit=30)})


def story_detail(request, slug):
    try:
        story = selectors.story_for_page(slug=slug, user=request.user)
    except Http404:
        withdrawn = history.story_withdrawn(slug=slug)
        if withdrawn is None:
            raise
        # Gone, not missing: readers and crawlers learn why, and never see the old text.
        return render(request, "stories/gone.html", {"story": withdrawn}, status=410)
    return render(
        request,
        "stories/story_detail.html",
        {
            "story": story,
            "sections": selectors.story_sections_with_items(story),
            "loose_citations": selectors.story_loose_citations(story),
            "is_preview": not story.is_public(),
            "public_history": history.story_public_history(story),
            "workflow_history": history.story_history(story) if request.user.is_staff else None,
        },
    )


def corrections(request):
    """/corrections/: every correction to a published story, newest first."""
    page = Paginator(history.corrections_public(), 50).get_page(request.GET.get("page"))
    return render(request, "stories/corrections.html", {"page": page})


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
