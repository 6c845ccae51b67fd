"""Reads for partners: the released change log and the deliveries that are due."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from partners.models import ChangeEvent, WebhookDelivery


def change_log_after(*, sequence: int, limit: int) -> list[ChangeEvent]:
    """Released changes after a position in the log, oldest first: what a partner syncs from."""
    return list(
        ChangeEvent.objects.filter(state=ChangeEvent.State.RELEASED, sequence__gt=sequence)
        .only("sequence", "slug", "kind", "version", "at", "reason")
        .order_by("sequence")[:limit]
    )


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
