"""Import a story from a text or Markdown file as a draft; the new draft's slug comes last."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from stories.importing import StoryImportRefused, story_import, story_text_parse
from stories.models import StoryTemplate


class Command(BaseCommand):
    help = (
        "Read FILE (plain text or Markdown laid out like the seed stories) into a draft story of "
        "the given template. Prints what was understood, and the new draft's slug on the last line."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path to a UTF-8 .txt or .md file.")
        parser.add_argument("--template", required=True, help="Template slug, e.g. explainer.")
        parser.add_argument("--by", default="", help="Username of the author (the byline).")
        parser.add_argument("--headline", default="", help="Use this headline, not the text's.")

    def handle(self, *args, file, template, by, headline, **options):
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
        draft = story_text_parse(text=text, template=story_template, headline=headline)
        for note in draft.notes:
            self.stdout.write(f"note: {note}")
        try:
            story = story_import(draft=draft, by=author)
        except StoryImportRefused as refused:
            raise CommandError(" ".join(refused.problems)) from None
        counts = [
            (sum(1 for s in draft.sections if s.body.strip()), "section", "sections", " with text"),
            (len(draft.citations), "citation", "citations", ""),
            (len(draft.faq_items), "FAQ item", "FAQ items", ""),
            (len(draft.entities), "entity", "entities", ""),
        ]
        self.stdout.write(
            f"Imported “{story.headline}” as a draft ({story_template.name}): "
            + ", ".join(f"{n} {one if n == 1 else many}{tail}" for n, one, many, tail in counts)
            + f". Check it with: manage.py check_story {story.slug}"
        )
        self.stdout.write(story.slug)
