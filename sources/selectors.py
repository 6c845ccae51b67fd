"""Reads of citations and snapshots, each with the joins its page needs."""

import datetime as dt

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from sources.models import Citation, LinkStatus, Snapshot
from stories import visibility

# The story admin shows a citation's status and snapshot link, never the archived page itself.
SNAPSHOT_HEAVY_FIELDS = ("latest_snapshot__html_gz", "latest_snapshot__text")


def citations_with_snapshot(queryset: QuerySet[Citation]) -> QuerySet[Citation]:
    """Citations with their outlet and latest snapshot's summary (not its HTML or text)."""
    return queryset.select_related("outlet", "latest_snapshot").defer(*SNAPSHOT_HEAVY_FIELDS)


def citations_overdue(*, now=None) -> QuerySet[Citation]:
    """Citations whose fetch should have happened minutes ago but has not: the sweep's work.

    A citation is owed a fetch while its `fetch_due_at` is set (every fetch that finishes
    clears it), or while it is pending or has a URL but no status."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(minutes=settings.NEWSDESK_FETCH_PENDING_MINUTES)
    pending = Q(fetch_due_at__lt=cutoff) | (
        Q(link_status=LinkStatus.PENDING) & Q(fetch_due_at__isnull=True)
    )
    never_queued = Q(link_status="")
    return (
        Citation.objects.exclude(url="")
        .filter(pending | never_queued)
        .order_by(F("fetch_due_at").asc(nulls_first=True), "id")
    )


def citations_due_for_link_health(*, now=None) -> QuerySet[Citation]:
    """Published stories' citations not checked for a day and not already queued, oldest check
    first."""
    now = now or timezone.now()
    return (
        Citation.objects.exclude(url="")
        .filter(story__in=visibility.stories_visible(now=now))
        .exclude(link_status__in=[LinkStatus.PENDING, LinkStatus.BLOCKED])
        .filter(fetch_due_at__isnull=True)  # not already owed a fetch (queued, or retrying)
        .filter(
            Q(link_checked_at__isnull=True)
            | Q(link_checked_at__lt=now - dt.timedelta(hours=settings.NEWSDESK_LINK_HEALTH_HOURS))
        )
        .order_by(F("link_checked_at").asc(nulls_first=True), "id")
    )


def citations_to_fetch(
    *, story_slug: str | None = None, failed: bool = False, stale_days: int | None = None
) -> QuerySet[Citation]:
    """What `fetch_citations` works through. Without options: links never fetched or pending."""
    queryset = Citation.objects.exclude(url="").select_related("story")
    if story_slug:
        queryset = queryset.filter(story__slug=story_slug)
    if failed:
        queryset = queryset.filter(link_status=LinkStatus.FAILED)
    if stale_days is not None:
        cutoff = timezone.now() - dt.timedelta(days=stale_days)
        queryset = queryset.filter(Q(link_checked_at__isnull=True) | Q(link_checked_at__lt=cutoff))
    if not (story_slug or failed or stale_days is not None):
        queryset = queryset.filter(link_status__in=[LinkStatus.PENDING, ""])
    return queryset.order_by("story_id", "order", "id")


def snapshot_for_viewer(*, snapshot_id: int, user) -> Snapshot:
    """The archived page at /sources/snapshots/<id>/: staff see any; readers only the copy of a
    link that is gone, cited by a published story."""
    snapshot = (
        Snapshot.objects.select_related("citation", "citation__story", "citation__outlet")
        .filter(pk=snapshot_id)
        .first()
    )
    if snapshot is None:
        raise Http404("No such snapshot.")
    if user.is_staff:
        return snapshot
    citation = snapshot.citation
    if (
        citation is not None
        and citation.link_status == LinkStatus.GONE
        and visibility.stories_visible().filter(pk=citation.story_id).exists()
    ):
        return snapshot
    raise Http404("No such snapshot.")
