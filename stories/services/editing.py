"""Editing a story and its parts: create, update, restore, delete, recover.

Every call is one transaction around the story's row lock; it checks who is asking
(`stories.permissions`) and ends in `story_record_change`, which counts the change exactly once:
the version goes up, a revision is stored, and, for a story readers can see, `story_changed`
tells partners (change log + webhook outbox, `partners.receivers`) and caches.
"""

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import slugify
from reversion.models import Version

from pictures.models import Placement
from sources import services as source_services
from sources.models import Citation
from stories import permissions, revisions
from stories.models import (
    Byline,
    Correction,
    FAQItem,
    Story,
    StoryEntity,
    StorySection,
    StoryStatus,
    StoryTemplate,
    StoryTransition,
)
from stories.signals import story_changed
from stories.workflow import TransitionForbidden, TransitionRefused

SLUG_WORDS_UP_TO = 80


def story_slug_from(headline: str) -> str:
    """The headline as a URL slug of at most 80 characters, cut after a whole word."""
    slug = slugify(headline)
    if len(slug) > SLUG_WORDS_UP_TO:
        cut = slug[: SLUG_WORDS_UP_TO + 1]
        slug = cut.rsplit("-", 1)[0] if "-" in cut else slug[:SLUG_WORDS_UP_TO]
    return slug or "story"


def story_unique_slug(*, headline: str, exclude_id: int | None = None) -> str:
    """A slug from the headline, suffixed with -2, -3… when another story has it already,
    whatever the case of its letters."""
    base = story_slug_from(headline)
    slug, n = base, 1
    taken = Story.objects.exclude(pk=exclude_id) if exclude_id else Story.objects.all()
    while taken.filter(slug__iexact=slug).exists():
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


# The records a story owns and that its editors change with it.
STORY_PARTS = (StorySection, Byline, Citation, FAQItem, StoryEntity, Placement)
# Story fields people edit; status, times, version and rendition belong to the workflow.
EDITABLE_FIELDS = (
    "headline",
    "slug",
    "summary",
    "template",
    "dateline_place",
    "dateline_date",
    "language",
)


class StoryConflict(TransitionRefused):
    """Someone saved the story after this edit was begun: nothing is saved, nothing lost."""

    def __init__(self, reasons, *, current: Story):
        super().__init__(reasons)
        self.current = current


class LiveUpdateUnconfirmed(TransitionRefused):
    """A change to a published story was saved without confirming it goes live at once."""


@dataclass
class PartChange:
    """A part to save (new or changed), with the fields that changed and whether to fetch a
    citation's link again."""

    part: object
    changed: list[str] = field(default_factory=list)
    fetch_again: bool = False


@dataclass
class StoryChanges:
    """One edit: story fields, parts saved and parts deleted, and the note for the revision."""

    fields: dict = field(default_factory=dict)
    saved: list[PartChange] = field(default_factory=list)
    deleted: list = field(default_factory=list)
    note: str = ""
    # An edge's own bookkeeping (the admin's form prefix of each new part), untouched here.
    new_by_prefix: dict = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.fields or self.saved or self.deleted)


def story_edit_refusal(
    *, story: Story, by, expected_version: int | None = None, live_update: bool = False
) -> TransitionRefused | TransitionForbidden | None:
    """Why this edit may not be saved now, or None: the one check the form runs early (to
    show it next to the typed text) and `story_update` runs again under the lock."""
    if expected_version is not None and expected_version != story.version:
        return StoryConflict(
            f"This story was changed after you opened it: it is now version {story.version}, "
            f"you opened version {expected_version}. Nothing was saved.",
            current=story,
        )
    reason = permissions.edit_refusal(by, story)
    if reason:
        return TransitionForbidden(reason)
    if permissions.needs_live_confirmation(story) and not live_update:
        return LiveUpdateUnconfirmed(
            "This story is published: readers and partners get your change as soon as you "
            "save. Tick “Update the live story” to confirm, or leave the page to discard it."
        )
    return None


def _owned(part, story: Story) -> None:
    if not isinstance(part, STORY_PARTS):
        raise TransitionRefused(f"A {type(part).__name__} is not part of a story.")
    if part.story_id is None:
        part.story_id = story.pk
    if part.story_id != story.pk:
        raise TransitionRefused("That part belongs to another story: reload the page.")
    section_id = getattr(part, "section_id", None)
    if section_id and not StorySection.objects.filter(pk=section_id, story=story).exists():
        raise TransitionRefused("That section belongs to another story: reload the page.")


@transaction.atomic
def story_update(
    *,
    story: Story,
    by: AbstractBaseUser | None,
    changes: StoryChanges,
    expected_version: int | None = None,
    live_update: bool = False,
) -> Story:
    """Apply one edit from any edge (the story form, import --update, a command).

    Refuses a stale `expected_version` so nobody's text is overwritten, an edit by someone who
    may not make it, and an unconfirmed change to a published story. Template rules (required
    sections, item counts) never refuse a save: they gate submit and publish.
    """
    locked = Story.objects.select_for_update(of=("self",)).filter(pk=story.pk).first()
    if locked is None:
        raise TransitionRefused(
            "This story was deleted while you were editing it; an editor can recover it from "
            "the deleted stories list."
        )
    if not changes:
        return locked  # nothing to overwrite or to publish: a workflow button on its own
    refusal = story_edit_refusal(
        story=locked, by=by, expected_version=expected_version, live_update=live_update
    )
    if refusal:
        raise refusal
    unknown = set(changes.fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TransitionRefused(f"Not editable here: {', '.join(sorted(unknown))}.")
    if "slug" in changes.fields and locked.published_at and changes.fields["slug"] != locked.slug:
        raise TransitionRefused("The slug of a story that has been published is fixed.")
    for name, value in changes.fields.items():
        setattr(locked, name, value)
    if changes.fields:
        locked.save(update_fields=list(changes.fields))
    for change in changes.saved:
        _owned(change.part, locked)
    for part in changes.deleted:
        _owned(part, locked)
        part.delete()
    for change in changes.saved:
        change.part.save()
        if isinstance(change.part, Citation):
            source_services.citation_after_edit(
                citation=change.part, changed=change.changed, fetch_again=change.fetch_again
            )
    note = changes.note or "Saved."
    if live_update and locked.status == StoryStatus.PUBLISHED:
        note = f"Live update. {note}"
        StoryTransition.objects.create(
            story=locked,
            action="update_live",
            from_status=locked.status,
            to_status=locked.status,
            by=by if getattr(by, "pk", None) else None,
            comment=note,
        )
    recorded = story_record_change(story=locked, by=by, comment=note)
    story.version, story.updated_at = recorded.version, recorded.updated_at
    return recorded


@transaction.atomic
def story_link_entity(
    *, story: Story, entity, by: AbstractBaseUser | None, role: str = "mentions"
) -> StoryEntity:
    """Link an entity to a story after its existing links; linking twice changes nothing."""
    existing = StoryEntity.objects.filter(story=story, entity=entity).first()
    if existing:
        return existing
    last = StoryEntity.objects.filter(story=story).order_by("-order").first()
    link = StoryEntity(entity=entity, role=role, order=(last.order + 1) if last else 0)
    story_update(
        story=story,
        by=by,
        changes=StoryChanges(
            saved=[PartChange(part=link)], note=f"Linked the entity “{entity.name}”."
        ),
        live_update=True,  # the checklist's one-click fix, asked for by pressing it
    )
    return link


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
    restoring = revisions.version_label(version)
    revisions.story_save_revision(story=locked, by=by, comment=f"Before restoring {restoring}.")
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
        comment=f"Restored {restoring} (saved {when:%Y-%m-%d %H:%M}).{note}",
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
        comment=f"Recovered from {revisions.version_label(version)}.",
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
