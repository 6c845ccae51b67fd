"""`manage.py outbox_send`: release due changes and send due webhooks now.

Beat does this every minute when Redis is configured; on a laptop without Redis (eager Celery,
no beat) this is how failed deliveries are retried.
"""

from django.core.management.base import BaseCommand

from partners.models import WebhookDelivery
from partners.services import outbox_flush


class Command(BaseCommand):
    help = "Release due change-log entries and send every due webhook delivery."

    def handle(self, *args, **options):
        outbox_flush()
        counts = {
            status: WebhookDelivery.objects.filter(status=status).count()
            for status in WebhookDelivery.Status.values
        }
        self.stdout.write(", ".join(f"{count} {status}" for status, count in counts.items()))
