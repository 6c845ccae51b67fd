"""Reads for partners: the changes feed (snapshot, then the released change log) and the
deliveries that are due.

The changes feed, and how a partner bootstraps from it: `since` left out (or a cursor at 0)
starts with a *snapshot*: every visible story as a `published` entry and every tombstone (a
withdrawn story partners could have seen) as a `withdrawn` one, by story id, a page at a time.
The snapshot remembers the log's last sequence number when it began (its horizon, read in the
same statement as the first page); once it is done the feed goes on with the events after that
horizon. A change made while the snapshot is being read is in the log after the horizon, so it
comes again as an event: nothing is lost, some stories come twice (partners fetch `api_url`
and keep the newest version). A cursor the log cannot continue from (its next events were
pruned, or the log was emptied) starts a new snapshot the same way, so partners never see a
gap. Every page is one or two bounded queries, whatever the number of stories.
"""

import datetime as dt
from dataclasses import dataclass

from django.db import connections, router
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from partners.models import ChangeEvent, WebhookDelivery
from stories import visibility
from stories.models import Story


@dataclass(frozen=True)
class ChangePosition:
    """Where a partner is in the changes feed: after the event `sequence` of the log or, while
    `snapshot_after` is set, in the snapshot whose horizon is `sequence`, after that story id."""

    sequence: int
    snapshot_after: int | None = None

    @property
    def is_start(self) -> bool:
        """Nothing seen yet: the feed starts with a snapshot."""
        return self.sequence == 0 and self.snapshot_after is None


@dataclass(frozen=True)
class ChangeEntry:
    """One entry of the changes feed: a released event, or a story of the snapshot."""

    kind: str
    slug: str
    version: int
    at: dt.datetime
    reason: str
    position: ChangePosition
    snapshot: bool = False

    @property
    def event_type(self) -> str:
        return f"story.{self.kind}"

    @classmethod
    def from_event(cls, event: ChangeEvent) -> "ChangeEntry":
        return cls(
            kind=event.kind,
            slug=event.slug,
            version=event.version,
            at=event.at,
            reason=event.reason,
            position=ChangePosition(event.sequence),
        )


@dataclass(frozen=True)
class ChangePage:
    entries: list[ChangeEntry]
    next_position: ChangePosition
    has_more: bool


# The position "after the snapshot" when there is no event to stand on (the log was empty).
SNAPSHOT_DONE = 2**63 - 1

SNAPSHOT_FIELDS = (
    "id",
    "slug",
    "status",
    "version",
    "updated_at",
    "published_at",
    "embargo_until",
    "withdrawn_at",
    "withdrawn_reason",
    "announced_at",
)


def _events_from(sequence: int, limit: int) -> list[ChangeEvent]:
    """Released changes from a position in the log on, oldest first."""
    return list(
        ChangeEvent.objects.filter(state=ChangeEvent.State.RELEASED, sequence__gte=sequence)
        .only("sequence", "slug", "kind", "version", "at", "reason")
        .order_by("sequence")[:limit]
    )


def _events_continuing(sequence: int, limit: int) -> list[ChangeEvent] | None:
    """Up to `limit` events after `sequence` (and one more, if there is, to tell there is
    more), or None when the log cannot continue from there:
    the events right after it were pruned, or the log no longer reaches it (emptied). Sequence
    numbers are given without gaps, so the event `sequence` (or the next) must still be there."""
    events = _events_from(sequence, limit + 2)
    if events and events[0].sequence == sequence:
        return events[1:]
    if events and events[0].sequence == sequence + 1:
        return events[: limit + 1]
    if not events and sequence == 0:
        return []
    return None


def change_feed_page(*, position: ChangePosition, limit: int) -> ChangePage:
    """A page of the changes feed after `position` (see the module's docstring)."""
    if not position.is_start and position.snapshot_after is None:
        events = _events_continuing(position.sequence, limit)
        if events is not None:
            entries = [ChangeEntry.from_event(e) for e in events[:limit]]
            last = entries[-1].position if entries else position
            return ChangePage(entries=entries, next_position=last, has_more=len(events) > limit)
        position = ChangePosition(0)
    if position.is_start:
        return _snapshot_first_page(limit)
    return _snapshot_page(position, limit)


def _snapshot_rows(after: int, limit: int, now: dt.datetime) -> QuerySet:
    return (
        Story.objects.filter(visibility.visible_q(now=now) | visibility.tombstone_q(), pk__gt=after)
        .order_by("pk")
        .values_list(*SNAPSHOT_FIELDS)[:limit]
    )


def _snapshot_first_page(limit: int) -> ChangePage:
    """The snapshot's first page and its horizon, read in one statement: one view of the
    database (and one round trip) for both."""
    now = timezone.now()
    database = connections[router.db_for_read(Story)]
    quote = database.ops.quote_name
    page_sql, params = _snapshot_rows(0, limit + 1, now).query.sql_with_params()
    horizon_sql = f"SELECT MAX({quote('sequence')}) FROM {quote(ChangeEvent._meta.db_table)}"  # noqa: S608
    # A one-row base, so the horizon comes back even when there is no story at all.
    sql = (
        f"SELECT ({horizon_sql}), page.* FROM (SELECT 1 AS one) base "  # noqa: S608
        f"LEFT JOIN ({page_sql}) page ON 1 = 1 ORDER BY page.{quote('id')}"
    )
    with database.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    horizon = rows[0][0] or 0
    stories = [row[1:] for row in rows if row[1] is not None]
    # Nothing after the horizon can be in the same statement's view: no events to add.
    return _snapshot_answer(horizon, stories, [], limit, now)


def _snapshot_page(position: ChangePosition, limit: int) -> ChangePage:
    now = timezone.now()
    horizon = position.sequence
    stories = []
    if position.snapshot_after != SNAPSHOT_DONE:
        stories = list(_snapshot_rows(position.snapshot_after, limit + 1, now))
    events = []
    if len(stories) <= limit:  # the snapshot ends on this page: the log goes on after it
        events = _events_continuing(horizon, limit - len(stories))
        if events is None:  # pruned past the horizon while the partner was reading
            entries = [_snapshot_entry(row, horizon, now) for row in stories]
            return ChangePage(entries=entries, next_position=ChangePosition(0), has_more=True)
    return _snapshot_answer(horizon, stories, events, limit, now)


def _snapshot_answer(horizon, stories, events, limit, now) -> ChangePage:
    entries = [_snapshot_entry(row, horizon, now) for row in stories[:limit]]
    if len(stories) > limit:
        return ChangePage(entries=entries, next_position=entries[-1].position, has_more=True)
    room = limit - len(entries)
    entries += [ChangeEntry.from_event(e) for e in events[:room]]
    if entries and not entries[-1].snapshot:
        next_position = entries[-1].position
    elif horizon:
        next_position = ChangePosition(horizon)
    else:
        # An empty log: "after the snapshot, before any event" (a cursor at 0 would start
        # the snapshot again).
        next_position = ChangePosition(0, snapshot_after=SNAPSHOT_DONE)
    return ChangePage(entries=entries, next_position=next_position, has_more=len(events) > room)


def _snapshot_entry(row, horizon: int, now: dt.datetime) -> ChangeEntry:
    story = _SnapshotStory(*row)
    visible = visibility.story_is_visible(story, now=now)
    return ChangeEntry(
        kind=ChangeEvent.Kind.PUBLISHED if visible else ChangeEvent.Kind.WITHDRAWN,
        slug=story.slug,
        version=story.version,
        at=story.updated_at if visible else (story.withdrawn_at or story.updated_at),
        reason="" if visible else story.withdrawn_reason,
        position=ChangePosition(horizon, snapshot_after=story.id),
        snapshot=True,
    )


@dataclass(frozen=True)
class _SnapshotStory:
    """A story row of the snapshot, with the attributes `stories.visibility` reads."""

    id: int
    slug: str
    status: str
    version: int
    updated_at: dt.datetime
    published_at: dt.datetime | None
    embargo_until: dt.datetime | None
    withdrawn_at: dt.datetime | None
    withdrawn_reason: str
    announced_at: dt.datetime | None

    def __post_init__(self):
        # Raw rows: SQLite hands datetimes back as text.
        for name in ("updated_at", "published_at", "embargo_until", "withdrawn_at", "announced_at"):
            value = getattr(self, name)
            if isinstance(value, str):
                value = parse_datetime(value)
            if value is not None and timezone.is_naive(value):
                value = value.replace(tzinfo=dt.UTC)
            object.__setattr__(self, name, value)


def webhook_deliveries_due(*, now=None, limit: int = 500) -> list[int]:
    """Ids of pending deliveries whose time has come and that no worker is sending."""
    now = now or timezone.now()
    return list(
        WebhookDelivery.objects.filter(
            status=WebhookDelivery.Status.PENDING,
            next_attempt_at__lte=now,
            event__state=ChangeEvent.State.RELEASED,
        )
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )


def partner_deliveries(*, partner_id: int) -> QuerySet[WebhookDelivery]:
    """A partner's deliveries, newest first, with their event for the admin list."""
    return (
        WebhookDelivery.objects.filter(partner_id=partner_id)
        .select_related("event", "partner")
        .order_by("-created_at", "-id")
    )
