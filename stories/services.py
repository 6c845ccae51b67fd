"""Writes to stories. Admin, API, tasks and management commands all come through here."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify

from stories.models import Byline, Story, StorySection, StoryStatus
from stories.signals import story_changed


def story_unique_slug(*, headline: str, exclude_id: int | None = None) -> str:
    """A slug from the headline, suffixed with -2, -3… when another story has it already."""
    base = slugify(headline)[:180] or "story"
    slug, n = base, 1
    taken = Story.objects.exclude(pk=exclude_id) if exclude_id else Story.objects.all()
    while taken.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def story_sections_from_template(*, story: Story) -> list[StorySection]:
    """Give a story its own empty copy of each template section it does not have yet."""
    have = set(story.sections.values_list("key", flat=True))
    new = [
        StorySection(
            story=story,
            template_section=ts,
            key=ts.key,
            heading=ts.heading,
            help_text=ts.help_text,
            kind=ts.kind,
            required=ts.required,
            min_items=ts.min_items,
            max_items=ts.max_items,
            order=ts.order,
        )
        for ts in story.template.sections.all()
        if ts.key not in have
    ]
    for section in new:
        section.save()
    return new


@transaction.atomic
def story_create(
    *,
    by: AbstractBaseUser | None,
    story: Story | None = None,
    bylines: list | None = None,
    **fields,
) -> Story:
    """Start a draft from a template, with its empty sections and its author on the byline.

    Pass either the story's fields (`template`, `headline`, …) or an unsaved `story`, as the
    admin's form builds one.
    """
    story = story or Story(**fields)
    story.slug = story.slug or story_unique_slug(headline=story.headline)
    story.created_by = story.created_by or by
    story.save()
    story_sections_from_template(story=story)
    authors = bylines if bylines is not None else ([by] if by else [])
    Byline.objects.bulk_create(
        Byline(story=story, user=user, order=i) for i, user in enumerate(authors)
    )
    return story


@transaction.atomic
def story_record_change(*, story: Story, by: AbstractBaseUser | None = None) -> Story:
    """Count a saved change: the version goes up and `updated_at` moves, in the database.

    An F() expression, so two saves racing each other both count. A change to a published
    story is announced (`story_changed`, event "updated") to partners and caches.
    """
    now = timezone.now()
    Story.objects.filter(pk=story.pk).update(version=F("version") + 1, updated_at=now)
    story.refresh_from_db(fields=["version", "updated_at"])
    if story.status == StoryStatus.PUBLISHED:
        story_changed.send(sender=Story, story=story, event="updated", by=by)
    return story
