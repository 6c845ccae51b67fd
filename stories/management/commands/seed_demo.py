"""Load the demo newsroom: two published stories, one draft and, in DEBUG, demo accounts.

Stories are written through the services like any other: created, edited, then published as
archived copies, so the revisions, the change log and partners' webhooks all know them.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from pictures import services as picture_services
from pictures.models import Placement
from sources.models import Citation, Outlet
from stories import demo_content, services, workflow
from stories.models import (
    Entity,
    FAQItem,
    Story,
    StoryEntity,
    StoryTemplate,
)
from stories.services import generated

DEMO_ACCOUNTS = [
    # username, first name, last name, group, superuser
    ("journalist", "Jo", "Reporter", "Journalists", False),
    ("editor", "Eddie", "Desk", "Editors", False),
    ("admin", "Ada", "Admin", "Editors", True),
]


class Command(BaseCommand):
    help = "Load demo stories (idempotent). In DEBUG, also the demo accounts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--stories",
            type=int,
            default=0,
            metavar="N",
            help="Also add N published explainer-sized stories (for benchmarks and load tests).",
        )

    def handle(self, *args, **options):
        with transaction.atomic():
            accounts = self.demo_accounts() if settings.DEBUG else {}
            author = accounts.get("journalist")
            entities = self.entities()
            outlets = self.outlets()
            created = [
                self.story(demo_content.EXPLAINER, "explainer", author, entities, outlets),
                self.story(demo_content.NEWS_REPORT, "news-report", author, entities, outlets),
                self.story(demo_content.DRAFT, "explainer", author, entities, outlets),
            ]
        for story, is_new in created:
            verb = "created" if is_new else "already there"
            self.stdout.write(f"{story.get_status_display():10} {story.slug} ({verb})")
        if accounts:
            self.stdout.write(
                "Demo accounts: journalist, editor, admin; password from NEWSDESK_DEMO_PASSWORD."
            )
        if options["stories"]:
            added = generated.add_published_stories(options["stories"])
            self.stdout.write(f"Bulk stories: {added} added, {options['stories']} wanted.")

    def demo_accounts(self):
        User = get_user_model()
        accounts = {}
        for username, first, last, group_name, superuser in DEMO_ACCOUNTS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@newsdesk.invalid",
                    "is_staff": True,
                    "is_superuser": superuser,
                },
            )
            if created:
                user.set_password(settings.NEWSDESK_DEMO_PASSWORD)
                user.save()
            group = Group.objects.filter(name=group_name).first()
            if group:
                user.groups.add(group)
            accounts[username] = user
        return accounts

    def entities(self):
        entities = {}
        for slug, name, kind, aliases, description in demo_content.ENTITIES:
            entities[slug], _ = Entity.objects.get_or_create(
                slug=slug,
                defaults={
                    "name": name,
                    "kind": kind,
                    "aliases": aliases,
                    "description": description,
                },
            )
        return entities

    def outlets(self):
        outlets = {}
        for name, domain, homepage in demo_content.OUTLETS:
            outlets[name], _ = Outlet.objects.get_or_create(
                name=name, defaults={"domain": domain, "homepage": homepage}
            )
        return outlets

    def story(self, content, template_slug, author, entities, outlets):
        existing = Story.objects.filter(slug=content["slug"]).first()
        if existing:
            return existing, False
        place, date = content.get("dateline", ("", None))
        story = services.story_create(
            by=author,
            template=StoryTemplate.objects.get(slug=template_slug),
            slug=content["slug"],
            headline=content["headline"],
            summary=content["summary"],
            dateline_place=place,
            dateline_date=date,
        )
        changes = services.StoryChanges(note="Demo content loaded by seed_demo.")
        sections = {s.key: s for s in story.sections.all()}
        for key, body in content["sections"].items():
            sections[key].body = body
            changes.saved.append(services.PartChange(part=sections[key], changed=["body"]))
        citation_section = next((s for s in sections.values() if s.kind == "citations"), None)
        for order, (outlet, date, claim, quote, speaker) in enumerate(content["citations"]):
            citation = Citation(
                section=citation_section,
                outlet=outlets[outlet],
                published_on=date,
                claim=claim,
                quote=quote,
                speaker=speaker,
                order=order,
            )
            changes.saved.append(services.PartChange(part=citation))
        for order, (question, answer) in enumerate(content["faq"]):
            faq = FAQItem(question=question, answer=answer, order=order)
            changes.saved.append(services.PartChange(part=faq))
        for order, (slug, role) in enumerate(content["entities"]):
            link = StoryEntity(entity=entities[slug], role=role, order=order)
            changes.saved.append(services.PartChange(part=link))
        for order, picture in enumerate(content.get("pictures", [])):
            changes.saved.append(services.PartChange(part=self.picture(picture, sections, order)))
        story = services.story_update(story=story, by=None, changes=changes)
        if content.get("published"):
            # As if an editor had approved it on the day.
            story = workflow.story_publish_archived(
                story=story,
                published_at=content["published"],
                comment="Demo content loaded by seed_demo.",
            )
        return story, True

    def picture(self, picture: dict, sections: dict, order: int) -> Placement:
        """A demo illustration in the library (drawn now; the same drawing is found again)."""
        image, _ = picture_services.image_upload(
            data=demo_content.demo_picture(picture["drawing"]),
            name=f"{picture['drawing']}.jpg",
            by=None,
            title=picture["title"],
            focal_x=picture["focal"][0],
            focal_y=picture["focal"][1],
            **demo_content.PICTURE_RIGHTS,
        )
        section = sections[picture["section"]] if picture.get("section") else None
        return Placement(
            image=image,
            role=picture["role"],
            section=section,
            paragraph=picture.get("paragraph", 0),
            alt_text=picture["alt_text"],
            caption=picture["caption"],
            order=order,
        )
