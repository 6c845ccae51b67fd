"""Print what a saved page says about itself, as JSON: `extract_article --html FILE [--url URL]`."""

import gzip
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from sources.extraction import extract


class Command(BaseCommand):
    help = (
        "Extract title, site name, authors, date, description, canonical URL, language and "
        "main text from an HTML file (gzip is fine) and print them as JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("--html", required=True, type=Path, help="The page, as saved.")
        parser.add_argument("--url", default="", help="Where the page was published.")

    def handle(self, *args, html: Path, url: str, **options):
        try:
            page = html.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {html}: {exc.strerror or exc}") from exc
        if page[:2] == b"\x1f\x8b":
            page = gzip.decompress(page)
        result = extract(page, url=url)
        self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
