"""Import a story from a text or Markdown file as a draft; the new draft's slug comes last."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from stories.importing import (
    StoryImportRefused,
    source_format_for,
    story_import,
    story_imported_before,
    story_text_parse,
)
from stories.models import StoryTemplate


class Command(BaseCommand):
    help = (
        "Read FILE (.txt plain text, .md Markdown, laid out like the seed stories; or a saved "
        ".html page, whose headline and main text are extracted) into a draft story of the given "
        "template. Prints what was understood, and the draft's slug on the last line."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to a UTF-8 .txt or .md file.")
        parser.add_argument("--template", required=True, help="Template slug, e.g. explainer.")
        parser.add_argument("--by", default="", help="Username of the author (the byline).")
        parser.add_argument("--headline", default="", help="Use this headline, not the text's.")
        parser.add_argument(
            "--language",
            default="",
            help="The story's language (BCP 47, e.g. en, de, de-CH); detected from the text if "
            "not given.",
        )
        again = parser.add_mutually_exclusive_group()
        again.add_argument(
            "--update",
            action="store_true",
            help="A story with this headline exists: replace its text and parts with the file's "
            "(drafts only).",
        )
        again.add_argument(
            "--new",
            action="store_true",
            help="A story with this headline exists: import a separate draft anyway.",
        )

    def handle(self, *args, file, template, by, headline, language, update, new, **options):
        path = Path(file)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise CommandError(f"No file at {path}.") from None
        except IsADirectoryError:
            raise CommandError(f"{path} is a directory: give the story's file.") from None
        except UnicodeDecodeError:
            raise CommandError(f"{path} is not UTF-8 text: save it as UTF-8 and retry.") from None
        story_template = StoryTemplate.objects.filter(slug=template).first()
        if story_template is None:
            known = ", ".join(StoryTemplate.objects.values_list("slug", flat=True))
            raise CommandError(f"No template “{template}”. Templates: {known}.")
        author = None
        if by:
            author = get_user_model().objects.filter(username=by).first()
            if author is None:
                raise CommandError(f"No user “{by}”: give an existing username to --by.")
        draft = story_text_parse(
            text=text,
            template=story_template,
            headline=headline,
            language=language,
            source_format=source_format_for(path.name),
        )
        for note in draft.notes:
            self.stdout.write(f"note: {note}")
        existing = story_imported_before(draft) if draft.can_save else None
        if existing is not None and not (update or new):
            raise CommandError(
                f"A story with this headline exists: “{existing.headline}” ({existing.slug}, "
                f"{existing.get_status_display().lower()}). Run again with --update to replace "
                "its text with this file's, or with --new to import a separate draft."
            )
        if update and existing is None:
            raise CommandError("No story has this headline: nothing to update; leave out --update.")
        try:
            story = story_import(draft=draft, by=author, update=existing if update else None)
        except StoryImportRefused as refused:
            raise CommandError(" ".join(refused.problems)) from None
        counts = [
            (sum(1 for s in draft.sections if s.body.strip()), "section", "sections", " with text"),
            (len(draft.citations), "citation", "citations", ""),
            (len(draft.faq_items), "FAQ item", "FAQ items", ""),
            (len(draft.entities), "entity", "entities", ""),
        ]
        self.stdout.write(
            f"{'Updated' if update else 'Imported'} “{story.headline}” as a draft "
            f"({story_template.name}, {story.language}): "
            + ", ".join(f"{n} {one if n == 1 else many}{tail}" for n, one, many, tail in counts)
            + f". Check it with: manage.py check_story {story.slug}"
        )
        self.stdout.write(story.slug)
