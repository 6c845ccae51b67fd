"""Fetch citations' links now, in this process, with a progress bar."""

from collections import Counter
from concurrent.futures import ThreadPoolExecutor, as_completed

from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from tqdm import tqdm

from sources import selectors, services
from stories.models import Story


def _fetch(citation_id: int, close: bool = True) -> str:
    try:
        # No queue here: a failure is final; run the command again (or --failed) to retry.
        return services.citation_fetch(citation_id=citation_id, final=True).status or "no link"
    finally:
        if close:
            # Each pool thread has its own database connection; do not leave it open.
            connections.close_all()


class Command(BaseCommand):
    help = (
        "Fetch, archive and check citations' links now. Without options: links never fetched "
        "or still pending. --story, --failed and --stale narrow or widen the selection."
    )

    def add_arguments(self, parser):
        parser.add_argument("--story", metavar="SLUG", help="Only this story's citations (all).")
        parser.add_argument("--failed", action="store_true", help="Only links that failed.")
        parser.add_argument(
            "--stale", metavar="DAYS", type=int, help="Only links not checked for DAYS days."
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=8,
            help="Links fetched at once (default 8; 1 fetches one by one in this thread).",
        )

    def handle(self, *args, story=None, failed=False, stale=None, workers=8, **options):
        if story and not Story.objects.filter(slug=story).exists():
            raise CommandError(f"No story with the slug {story!r}.")
        if stale is not None and stale < 0:
            raise CommandError("--stale takes a number of days, 0 or more.")
        if workers < 1:
            raise CommandError("--workers must be at least 1.")
        ids = list(
            selectors.citations_to_fetch(
                story_slug=story, failed=failed, stale_days=stale
            ).values_list("pk", flat=True)
        )
        if not ids:
            self.stdout.write("No citations to fetch.")
            return
        outcomes: Counter[str] = Counter()
        with tqdm(total=len(ids), unit="link", disable=None, file=self.stderr) as bar:
            if workers == 1:
                for citation_id in ids:
                    outcomes[_fetch(citation_id, close=False)] += 1
                    bar.update(1)
            else:
                with ThreadPoolExecutor(max_workers=workers) as pool:
                    futures = [pool.submit(_fetch, citation_id) for citation_id in ids]
                    for future in as_completed(futures):
                        outcomes[future.result()] += 1
                        bar.update(1)
        summary = ", ".join(f"{count} {status}" for status, count in sorted(outcomes.items()))
        self.stdout.write(self.style.SUCCESS(f"Fetched {len(ids)} citation(s): {summary}."))
