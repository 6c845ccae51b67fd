"""`manage.py change_log_prune --days 90`: drop change-log events (and their deliveries) older
than that. Partners further behind start again from a snapshot of the live stories."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from partners import services


class Command(BaseCommand):
    help = "Delete change-log events older than --days (the newest event always stays)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=90)

    def handle(self, *args, days, **options):
        deleted = services.change_log_prune(before=timezone.now() - timedelta(days=days))
        self.stdout.write(f"{deleted} rows deleted (events and their deliveries).")
