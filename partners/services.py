"""Writes for partners: partners and keys, the change log and the webhook outbox.

A story change becomes a `ChangeEvent` and one `WebhookDelivery` per partner in the transaction
of the change (`change_record`), so a change can never commit without its notifications, nor
a notification leave for a change that rolled back. Sending happens after commit and is retried
from the rows, so a Redis or partner outage delays deliveries but never loses them.
"""

import logging
import random
import time
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from newsdesk.celery import app as celery_app
from newsdesk.dispatch import task_after_commit
from partners import selectors
from partners.authentication import (
    partner_forget,
    partner_keys_forget,
    partner_keys_forget_waiting,
)
from partners.models import ChangeEvent, Partner, PartnerKey, WebhookAttempt, WebhookDelivery
from partners.webhooks import webhook_body, webhook_headers, webhook_secret_new
from sources.fetching import Blocked, FetchError, send
from stories import visibility
from stories.models import Story, StoryStatus

log = logging.getLogger(__name__)

# Any constant will do: it names the one lock that orders releases of the change log.
CHANGE_LOG_LOCK = 0x4E44_4348  # "NDCH"
MAX_BACKOFF = timedelta(hours=6)
# How long a revocation waits for a Redis that refuses writes to take it: past a failover or
# a short `CLIENT PAUSE`, short enough for the admin request that waits.
REVOKE_WAIT_SECONDS = 8


# --- Partners and keys -----------------------------------------------------------------------


# Queued by name, not imported: the task module calls these services (newsdesk/dispatch.py).
WEBHOOK_TASK = "partners.tasks.webhook_delivery_task"


@transaction.atomic
def partner_create(
    *,
    name: str,
    webhook_url: str = "",
    contact_name: str = "",
    contact_email: str = "",
    rate_per_minute: int | None = None,
    active: bool = True,
    notes: str = "",
) -> tuple[Partner, str]:
    """Register a partner and issue its first key.

    Returns the key in clear: the only time it exists outside the partner's hands (only its
    hash is stored). A partner with a webhook URL gets its signing secret too.
    """
    partner = Partner(
        name=name.strip(),
        webhook_url=webhook_url.strip(),
        contact_name=contact_name,
        contact_email=contact_email,
        active=active,
        notes=notes,
    )
    if rate_per_minute is not None:
        partner.rate_per_minute = rate_per_minute
    if partner.webhook_url:
        partner.webhook_secret = webhook_secret_new()
    partner.full_clean()
    partner.save()
    return partner, partner_key_issue(partner=partner)


def partner_key_issue(*, partner: Partner, name: str = "") -> str:
    """A new key for the partner (e.g. to rotate); returns it in clear, once."""
    _, key = PartnerKey.objects.create_key(partner=partner, name=(name or partner.name)[:50])
    return key


def partner_key_revoke(*, key: PartnerKey) -> PartnerKey:
    """Stop a key working at once. Revocation cannot be undone."""
    partner_keys_revoke(keys=[key])
    return key


def partner_keys_revoke(*, keys: list[PartnerKey]) -> bool:
    """Stop keys working. Revocation cannot be undone.

    Returns whether they stopped at once everywhere: True once the database says revoked and
    the cache has dropped their remembered checks. A Redis that refuses writes is tried again
    for `REVOKE_WAIT_SECONDS`; meanwhile every request that finds it refusing
    checks keys in the database. False: it still refused, and servers may accept the keys
    from a remembered check for up to `NEWSDESK_API_KEY_CACHE_SECONDS` once it writes again.
    """
    prefixes = [key.prefix for key in keys]
    with transaction.atomic():
        PartnerKey.objects.filter(pk__in=[key.pk for key in keys]).update(revoked=True)
        for key in keys:
            key.revoked = True
        told = partner_keys_forget(prefixes=prefixes)  # now, after the commit, barred a while
    if told or connection.in_atomic_block:  # the caller's commit forgets them again
        return told
    return partner_keys_forget_waiting(prefixes=prefixes, seconds=REVOKE_WAIT_SECONDS)


@transaction.atomic
def partner_webhook_secret_rotate(*, partner: Partner) -> str:
    """A new signing secret; deliveries still pending are signed with it from now on."""
    partner.webhook_secret = webhook_secret_new()
    partner.save(update_fields=["webhook_secret"])
    return partner.webhook_secret


def partner_webhook_set(*, partner: Partner, webhook_url: str) -> Partner:
    """Change where webhooks go; a first URL gets a signing secret."""
    partner.webhook_url = webhook_url
    return partner_update(partner=partner)


@transaction.atomic
def partner_update(*, partner: Partner) -> Partner:
    """Save an edited partner (as the admin's form left it) in one save: a first webhook URL
    gets its signing secret, and its keys' remembered checks go (it may have been deactivated
    or given a new rate), now and once this commits."""
    partner.webhook_url = partner.webhook_url.strip()
    if partner.webhook_url and not partner.webhook_secret:
        partner.webhook_secret = webhook_secret_new()
    partner.full_clean()
    partner.save()
    partner_forget(partner_id=partner.pk)
    return partner


# --- The change log --------------------------------------------------------------------------


def outbox_flush() -> None:
    """Release the changes that may leave now, then hand every due delivery to a worker.

    Runs after each change commits and from the periodic sweep, so a delivery whose dispatch
    was lost (Redis down, worker killed) is picked up again by the next sweep.
    """
    change_events_release()
    for delivery_id in selectors.webhook_deliveries_due():
        celery_app.tasks[WEBHOOK_TASK].delay(delivery_id)


@transaction.atomic
def change_record(*, story: Story, kind: str, by=None) -> ChangeEvent:
    """Log a story change and queue a webhook for every active partner, in the caller's
    transaction (the outbox); release and sending start once it commits."""
    if kind not in ChangeEvent.Kind.values:
        raise ValueError(
            f"Unknown story change {kind!r}; expected one of {ChangeEvent.Kind.values}"
        )
    now = timezone.now()
    embargoed = kind != ChangeEvent.Kind.WITHDRAWN and bool(
        story.embargo_until and story.embargo_until > now
    )
    event = ChangeEvent.objects.create(
        story=story,
        slug=story.slug,
        kind=kind,
        version=story.version,
        at=now,
        available_at=story.embargo_until if embargoed else now,
        reason=story.withdrawn_reason if kind == ChangeEvent.Kind.WITHDRAWN else "",
        by=by if getattr(by, "pk", None) else None,
        # Edits and corrections under embargo are not news to partners: they fetch the story
        # when its "published" event is released at the embargo's end, edits included.
        state=ChangeEvent.State.SUPPRESSED
        if embargoed and kind != ChangeEvent.Kind.PUBLISHED
        else ChangeEvent.State.HELD,
    )
    if event.state == ChangeEvent.State.SUPPRESSED:
        return event
    body = webhook_body(event)
    WebhookDelivery.objects.bulk_create(
        WebhookDelivery(partner=partner, event=event, body=body, next_attempt_at=event.available_at)
        for partner in Partner.objects.filter(active=True).exclude(webhook_url="")
    )
    # robust: a broker outage must not turn the journalist's committed save into an error;
    # the periodic sweep sends what this could not.
    transaction.on_commit(outbox_flush, robust=True)
    return event


def _lock_change_log() -> None:
    """Serialize releases, so sequence numbers become visible in the order they are given."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHANGE_LOG_LOCK])
    # SQLite: writers are already serialized (transaction_mode IMMEDIATE in settings).


@transaction.atomic
def change_events_release(*, now=None) -> list[ChangeEvent]:
    """Give due held events their place in the change log, or suppress the ones that must
    never show (the story was withdrawn or unpublished before it ever became public).

    An event is released only while its story is public, so an embargoed story appears in the
    change log, and its webhooks leave, when the embargo ends and not before.
    """
    _lock_change_log()
    now = now or timezone.now()
    # Held events are few (a change waits only for its commit, or for an embargo), so they are
    # all read through the state index and sorted out here.
    held = [
        event
        for event in ChangeEvent.objects.filter(state=ChangeEvent.State.HELD)
        .select_related("story")
        .order_by("id")
        # Due; or decided early: public already (the embargo was brought forward), or never
        # to be (withdrawn or unpublished while embargoed).
        if event.available_at <= now
        or event.story is None
        or event.story.status != StoryStatus.PUBLISHED
        or visibility.story_is_visible(event.story, now=now)
    ]
    if not held:
        return []
    sequence = ChangeEvent.objects.aggregate(top=Max("sequence"))["top"] or 0
    released, suppressed, postponed = [], [], []
    for event in held:
        story = event.story
        if event.kind == ChangeEvent.Kind.WITHDRAWN:
            # A tombstone only for stories partners could have seen, as the story's own
            # publication history tells: it may have been published before the log existed,
            # or its events pruned since.
            tombstone = story is not None and visibility.story_is_tombstone(story)
            (released if tombstone else suppressed).append(event)
        elif story is None or story.status != StoryStatus.PUBLISHED:
            suppressed.append(event)
        elif not visibility.story_is_visible(story, now=now):
            event.available_at = story.embargo_until
            postponed.append(event)
        else:
            released.append(event)
    for event in released:
        sequence += 1
        event.sequence, event.state, event.released_at = sequence, ChangeEvent.State.RELEASED, now
    for event in suppressed:
        event.state = ChangeEvent.State.SUPPRESSED
    ChangeEvent.objects.bulk_update(released, ["sequence", "state", "released_at"])
    ChangeEvent.objects.bulk_update(suppressed, ["state"])
    ChangeEvent.objects.bulk_update(postponed, ["available_at"])
    if released:
        WebhookDelivery.objects.filter(
            event__in=released, status=WebhookDelivery.Status.PENDING, next_attempt_at__gt=now
        ).update(next_attempt_at=now)
    if suppressed:
        WebhookDelivery.objects.filter(
            event__in=suppressed, status=WebhookDelivery.Status.PENDING
        ).update(
            status=WebhookDelivery.Status.CANCELLED,
            last_error="Not sent: the story never became public.",
        )
    for event in postponed:
        event.deliveries.filter(status=WebhookDelivery.Status.PENDING).update(
            next_attempt_at=event.available_at
        )
    return released


@transaction.atomic
def change_log_prune(*, before) -> int:
    """Delete released and suppressed events older than `before`; returns how many went.

    The newest released event always stays, so the next release continues its numbering (a
    partner's cursor never comes back to mean another event). Events with a delivery still
    pending stay too. Partners whose cursor is now older than the log start again from a
    snapshot (partners/selectors.py), so pruning loses nobody a story.
    """
    _lock_change_log()
    newest = ChangeEvent.objects.aggregate(top=Max("sequence"))["top"]
    old = (
        ChangeEvent.objects.filter(
            state__in=[ChangeEvent.State.RELEASED, ChangeEvent.State.SUPPRESSED], at__lt=before
        )
        .exclude(sequence=newest)
        .exclude(deliveries__status=WebhookDelivery.Status.PENDING)
    )
    deleted, _ = ChangeEvent.objects.filter(pk__in=list(old.values_list("pk", flat=True))).delete()
    return deleted


# --- Webhook deliveries ----------------------------------------------------------------------


def webhook_backoff(*, attempt_count: int, retry_after: int | None = None) -> timedelta:
    """How long to wait before the next try: doubling from the base, capped at six hours, with
    a little jitter so deliveries failed together do not all retry in the same second."""
    base = settings.NEWSDESK_WEBHOOK_BACKOFF_SECONDS * 2 ** max(attempt_count - 1, 0)
    delay = timedelta(seconds=base * random.uniform(0.9, 1.1))
    if retry_after:
        delay = max(delay, timedelta(seconds=retry_after))
    return min(delay, MAX_BACKOFF)


def _retry_after_seconds(headers) -> int | None:
    value = (headers.get("retry-after") or "").strip()
    return int(value) if value.isdigit() else None


def _claim(delivery_id: int, now) -> bool:
    """Take the delivery for one worker: a retry and a sweep racing each other send it once."""
    hold = timedelta(seconds=settings.NEWSDESK_WEBHOOK_TIMEOUT + 30)
    return bool(
        WebhookDelivery.objects.filter(
            pk=delivery_id,
            status=WebhookDelivery.Status.PENDING,
            next_attempt_at__lte=now,
        )
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_until=now + hold)
    )


def webhook_delivery_attempt(*, delivery_id: int) -> WebhookDelivery | None:
    """Try to send one due delivery through the SSRF-safe client and record the attempt.

    Returns the delivery (delivered, rescheduled with backoff, failed or cancelled), or None
    when it was not due or another worker holds it.
    """
    now = timezone.now()
    if not _claim(delivery_id, now):
        return None
    delivery = WebhookDelivery.objects.select_related("partner", "event").get(pk=delivery_id)
    partner, event = delivery.partner, delivery.event
    if event.state == ChangeEvent.State.HELD:
        return _delivery_save(delivery, next_attempt_at=event.available_at)
    if event.state == ChangeEvent.State.SUPPRESSED:
        return _delivery_save(
            delivery,
            status=WebhookDelivery.Status.CANCELLED,
            last_error="Not sent: the story never became public.",
        )
    if not partner.active or not partner.webhook_url or not partner.webhook_secret:
        return _delivery_save(
            delivery,
            status=WebhookDelivery.Status.CANCELLED,
            last_error="Not sent: the partner is inactive or has no webhook URL any more.",
        )

    number = delivery.attempt_count + 1
    headers = webhook_headers(
        secret=partner.webhook_secret, message_id=delivery.message_id, body=delivery.body, at=now
    )
    started = time.monotonic()
    status_code, error, excerpt, retry_after, permanent = None, "", "", None, False
    try:
        result = send(
            "POST",
            partner.webhook_url,
            content=delivery.body.encode("utf-8"),
            headers=headers,
            timeout=settings.NEWSDESK_WEBHOOK_TIMEOUT,
        )
    except Blocked as exc:
        error, permanent = exc.reason, True
    except FetchError as exc:
        error = exc.reason
    else:
        status_code = result.status_code
        excerpt = result.content[:500].decode("utf-8", "replace")
        retry_after = _retry_after_seconds(result.headers)
        if not 200 <= status_code < 300:
            error = f"The partner answered HTTP {status_code}."
    WebhookAttempt.objects.create(
        delivery=delivery,
        number=number,
        at=now,
        duration_ms=int((time.monotonic() - started) * 1000),
        status_code=status_code,
        error=error,
        response_excerpt=excerpt,
    )
    if not error:
        return _delivery_save(
            delivery,
            attempt_count=number,
            status=WebhookDelivery.Status.DELIVERED,
            delivered_at=timezone.now(),
            last_error="",
        )
    if permanent or number >= settings.NEWSDESK_WEBHOOK_MAX_ATTEMPTS:
        why = "refused by the network guard" if permanent else f"gave up after {number} attempts"
        log.warning("Webhook %s to %s %s: %s", delivery.message_id, partner, why, error)
        return _delivery_save(
            delivery,
            attempt_count=number,
            status=WebhookDelivery.Status.FAILED,
            last_error=f"{error} ({why})",
        )
    return _delivery_save(
        delivery,
        attempt_count=number,
        next_attempt_at=timezone.now()
        + webhook_backoff(attempt_count=number, retry_after=retry_after),
        last_error=error,
    )


def _delivery_save(delivery: WebhookDelivery, **changes) -> WebhookDelivery:
    for field, value in changes.items():
        setattr(delivery, field, value)
    delivery.claimed_until = None
    delivery.save(update_fields=[*changes, "claimed_until"])
    return delivery


def webhook_delivery_retry(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a failed or pending delivery again now (an editor's "retry" in the admin).

    Only deliveries of released events: a cancelled one was for a story that never became
    public, and stays cancelled.
    """
    if delivery.event.state != ChangeEvent.State.RELEASED:
        raise ValidationError("Only deliveries of changes partners may see can be sent.")
    if delivery.status == WebhookDelivery.Status.DELIVERED:
        raise ValidationError("This delivery has already been delivered.")
    delivery.status = WebhookDelivery.Status.PENDING
    delivery.next_attempt_at = timezone.now()
    delivery.claimed_until = None
    delivery.save(update_fields=["status", "next_attempt_at", "claimed_until"])
    task_after_commit(WEBHOOK_TASK, delivery.pk)
    return delivery
