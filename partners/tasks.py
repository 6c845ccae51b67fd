"""Celery tasks for the webhook outbox. Each loads rows by id and calls a service."""

from celery import shared_task

from partners import selectors, services
from partners.models import WebhookDelivery


def outbox_flush() -> None:
    """Release the changes that may leave now, then hand every due delivery to a worker.

    Runs after each change commits and from the periodic sweep, so a delivery whose dispatch
    was lost (Redis down, worker killed) is picked up again by the next sweep.
    """
    services.change_events_release()
    for delivery_id in selectors.webhook_deliveries_due():
        webhook_delivery_task.delay(delivery_id)


@shared_task(bind=True, acks_late=True)
def webhook_delivery_task(self, delivery_id: int) -> str:
    """Send one delivery; schedule the next try when it failed and may be retried."""
    delivery = services.webhook_delivery_attempt(delivery_id=delivery_id)
    if delivery is None:
        return "skipped"
    if delivery.status == WebhookDelivery.Status.PENDING and not self.app.conf.task_always_eager:
        # In eager mode (no Redis) an eta would run at once; the sweep retries instead.
        self.apply_async((delivery.pk,), eta=delivery.next_attempt_at)
    return delivery.status


@shared_task
def outbox_sweep_task() -> None:
    """Every minute (beat): release due changes and send due deliveries."""
    outbox_flush()
