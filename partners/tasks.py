"""Celery tasks for the webhook outbox. Each loads rows by id and calls a service."""

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from partners import services
from partners.models import WebhookDelivery
from partners.services import outbox_flush


@shared_task(bind=True, acks_late=True)
def webhook_delivery_task(self, delivery_id: int) -> str:
    """Send one delivery; schedule the next try when it failed and may be retried."""
    delivery = services.webhook_delivery_attempt(delivery_id=delivery_id)
    if delivery is None:
        return "skipped"
    if delivery.status == WebhookDelivery.Status.PENDING and not self.app.conf.task_always_eager:
        # In eager mode (no Redis) an eta would run at once; the sweep retries instead. A wait
        # longer than half the broker's visibility timeout stays in the database for the sweep
        # too: Redis would hand such a task out again before it is due.
        wait = (delivery.next_attempt_at - timezone.now()).total_seconds()
        if wait <= settings.NEWSDESK_TASK_VISIBILITY_TIMEOUT / 2:
            self.apply_async((delivery.pk,), eta=delivery.next_attempt_at)
    return delivery.status


@shared_task
def outbox_sweep_task() -> None:
    """Every minute (beat): release due changes and send due deliveries."""
    outbox_flush()
