"""Run one link through the guarded client and the extraction, saving nothing."""

import json

from django.core.management.base import BaseCommand

from sources.articles import FETCHED, fetch_article


class Command(BaseCommand):
    help = (
        "Fetch URL through the same guarded client and extraction the citation pipeline uses, "
        "without saving, and print JSON: outcome (fetched, blocked, failed, gone), reason, "
        "final_url, http_status and the page's metadata. Exit status 0 only when fetched."
    )

    def add_arguments(self, parser):
        parser.add_argument("url")

    def handle(self, *args, url: str, **options):
        fetched = fetch_article(url)
        self.stdout.write(json.dumps(fetched.as_dict(), ensure_ascii=False, indent=2))
        if fetched.outcome != FETCHED:
            raise SystemExit(1)
