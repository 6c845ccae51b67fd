"""Writes to stories. Admin, API, tasks and management commands all come through here."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from reversion.models import Version

from stories import permissions, revisions
from stories.models import (
    Byline,
    Correction,
    Story,
    StorySection,
    StoryStatus,
    StoryTemplate,
    StoryTransition,
)
from stories.signals import story_changed
from stories.workflow import TransitionForbidden, TransitionRefused


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
    new = [ts.copy_for(story) for ts in story.template.sections.all() if ts.key not in have]
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
    revisions.story_save_revision(story=story, by=by, comment="Created.")
    return story


@transaction.atomic
def story_record_change(
    *, story: Story, by: AbstractBaseUser | None = None, comment: str = ""
) -> Story:
    """Count a saved change: the version goes up, `updated_at` moves, a revision is stored.

    An F() expression, so two saves racing each other both count. The revision holds the story
    with all its parts, so any saved text can be seen and restored later. A change to a
    published story is announced (`story_changed`, event "updated") to partners and caches.
    """
    now = timezone.now()
    by_id = by.pk if by is not None and by.pk else None
    Story.objects.filter(pk=story.pk).update(
        version=F("version") + 1, updated_at=now, updated_by_id=by_id
    )
    story.refresh_from_db(fields=["version", "updated_at", "updated_by"])
    revisions.story_save_revision(story=story, by=by, comment=comment or "Saved.")
    if story.status == StoryStatus.PUBLISHED:
        story_changed.send(sender=Story, story=story, event="updated", by=by)
    return story


def _story_version(version: Version, story_id: int | None = None) -> Version:
    if version.content_type.model_class() is not Story or (
        story_id is not None and version.object_id != str(story_id)
    ):
        raise TransitionRefused("That revision is not one of this story's.")
    return version


@transaction.atomic
def story_restore_revision(*, story: Story, version: Version, by: AbstractBaseUser) -> Story:
    """Put a story's text and parts back as they were in an earlier revision.

    The current text is stored as a revision first, so restoring never loses anything. The
    workflow state, times and slug of a published story stay as they are.
    """
    version = _story_version(version, story.pk)
    locked = Story.objects.select_for_update().get(pk=story.pk)
    if not permissions.story_can_edit(by, locked):
        raise TransitionForbidden("You may not change this story.")
    number = version.revision_id
    revisions.story_save_revision(
        story=locked, by=by, comment=f"Before restoring revision #{number}."
    )
    objects = revisions.revision_objects(version.revision)
    stored = objects[Story][locked.pk].object
    changed = {}
    for name in revisions.STORY_TEXT_FIELDS:
        if name == "slug" and (
            locked.published_at
            or Story.objects.filter(slug=stored.slug).exclude(pk=locked.pk).exists()
        ):
            continue
        changed[name] = getattr(stored, name)
    Story.objects.filter(pk=locked.pk).update(**changed)
    skipped = revisions.restore_parts(story=locked, objects=objects)
    locked.refresh_from_db()
    note = f" Not restored (gone since): {', '.join(skipped)}." if skipped else ""
    when = timezone.localtime(version.revision.date_created)
    return story_record_change(
        story=locked,
        by=by,
        comment=f"Restored revision #{number} of {when:%Y-%m-%d %H:%M}.{note}",
    )


@transaction.atomic
def story_delete(*, story: Story, by: AbstractBaseUser) -> None:
    """Delete a story (editors only), keeping a last revision so it can be recovered."""
    locked = Story.objects.select_for_update().filter(pk=story.pk).first()
    if locked is None:
        return
    if not permissions.story_can_delete(by, locked):
        if locked.status == StoryStatus.PUBLISHED and permissions.is_editor(by):
            raise TransitionRefused("Withdraw a published story before deleting it.")
        raise TransitionForbidden("Only editors can delete stories.")
    name = by.get_full_name() or by.get_username()
    revisions.story_save_revision(story=locked, by=by, comment=f"Deleted by {name}.")
    locked.delete()


@transaction.atomic
def story_recover(*, version: Version, by: AbstractBaseUser) -> Story:
    """Bring a deleted story back from its last revision, as a draft (a withdrawn one stays
    withdrawn), with its sections, citations, FAQ items, entity links, bylines and corrections."""
    version = _story_version(version)
    if not (permissions.is_editor(by) and by.has_perm("stories.delete_story")):
        raise TransitionForbidden("Only editors can recover deleted stories.")
    if Story.objects.filter(pk=version.object_id).exists():
        raise TransitionRefused("That story is not deleted.")
    objects = revisions.revision_objects(version.revision)
    deserialized = objects[Story][int(version.object_id)]
    stored = deserialized.object
    if not StoryTemplate.objects.filter(pk=stored.template_id).exists():
        raise TransitionRefused("Its template has been deleted since: it cannot come back.")
    revisions.with_live_references(stored, revisions.references_that_exist([stored]))
    was = stored.status
    if Story.objects.filter(slug=stored.slug).exists():
        stored.slug = story_unique_slug(headline=stored.headline)
    deserialized.save()
    status = StoryStatus.WITHDRAWN if was == StoryStatus.WITHDRAWN else StoryStatus.DRAFT
    Story.objects.filter(pk=stored.pk).update(
        status=status,
        scheduled_for=None,
        version=F("version") + 1,
        updated_at=timezone.now(),
        updated_by=by,
    )
    story = Story.objects.get(pk=stored.pk)
    revisions.restore_parts(
        story=story, objects=objects, models=(*revisions.PART_MODELS, Correction)
    )
    StoryTransition.objects.create(
        story=story,
        action="recover",
        from_status=was,
        to_status=status,
        by=by,
        comment=f"Recovered from revision #{version.revision_id}.",
    )
    name = by.get_full_name() or by.get_username()
    revisions.story_save_revision(story=story, by=by, comment=f"Recovered by {name}.")
    return story


def stories_mark_shown_parts_changed(*, story_ids) -> int:
    """Something stories show but do not own changed: an entity card, an outlet, a citation's
    link state. Their cached representations and ETags follow `rendition`, so this makes every
    cache miss and every partner's conditional GET fetch anew; the version (an editorial
    change) stays as it is."""
    return Story.objects.filter(pk__in=story_ids).update(rendition=F("rendition") + 1)
