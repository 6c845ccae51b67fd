"""Run the editorial checks on one story: a readable list, or JSON for scripts and CI."""

import json

from django.core.management.base import BaseCommand, CommandError

from stories.checks import ERROR, story_findings
from stories.models import Story


class Command(BaseCommand):
    help = (
        "Run the editorial checks on a story. --json prints a JSON list of findings, each with "
        "severity, code, message and target (a section key or a record such as faq:12)."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The story's slug, as in /stories/<slug>/.")
        parser.add_argument("--json", action="store_true", help="Print the findings as JSON.")
        parser.add_argument(
            "--cheap", action="store_true", help="Only the checks that also run on every save."
        )
        parser.add_argument(
            "--strict",
            action="store_true",
            help="Exit with status 2 when there are errors (findings that block submission).",
        )

    def handle(self, *args, slug, **options):
        story = Story.objects.filter(slug=slug).first()
        if story is None:
            raise CommandError(f"No story has the slug “{slug}”. Check it in the story's URL.")
        findings = story_findings(story, cheap_only=options["cheap"])
        if options["json"]:
            self.stdout.write(json.dumps([f.as_dict() for f in findings], ensure_ascii=False))
        else:
            for finding in findings:
                style = self.style.ERROR if finding.severity == ERROR else self.style.WARNING
                self.stdout.write(
                    f"{style(f'{finding.severity:7}')} {finding.code:22} {finding.target:24} "
                    f"{finding.message}"
                )
            errors = sum(1 for f in findings if f.severity == ERROR)
            self.stdout.write(
                f"{story.slug}: {errors} error{'s' * (errors != 1)}, "
                f"{len(findings) - errors} warning{'s' * (len(findings) - errors != 1)}."
            )
        if options["strict"] and any(f.severity == ERROR for f in findings):
            raise SystemExit(2)
