"""Writes to the image library: upload, edit, renditions, takedown.

A picture's *use* in a story (a `Placement`) is a story part, saved by
`stories.services.story_update` like a citation. What a story shows of the image itself (its
credit, rights, crops) is changed here, and every story using it counts the change: its version
goes up with a revision, and a published story's partners hear of it (`story_record_change`).
"""

import logging

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from newsdesk.dispatch import task_after_commit
from pictures import checks, renditions
from pictures.crops import image_plan
from pictures.intake import PictureRefused, original_from_upload, upload_hash
from pictures.models import Image, Placement, Rendition
from stories.models import Story
from stories.services import stories_mark_shown_parts_changed, story_record_change

logger = logging.getLogger(__name__)

RENDER_TASK = "pictures.tasks.image_render_task"
TAKEDOWN_NOTICE_TASK = "pictures.tasks.takedown_notice_task"
# Fields whose change readers and partners see in a story's credit line or rights.
SHOWN_FIELDS = ("title", "credit", "copyright_notice", "licence", "licence_url", "usage_terms")
RIGHTS_FIELDS = (*SHOWN_FIELDS, "rights_expire_on", "source_url")
EDITABLE_FIELDS = (*RIGHTS_FIELDS, "focal_x", "focal_y")


def _require(by, perm: str) -> None:
    if by is not None and not by.has_perm(perm):
        raise PermissionDenied("You may not change the picture library.")


def _check_focal(fields: dict) -> None:
    for axis in ("focal_x", "focal_y"):
        if axis in fields and not 0.0 <= float(fields[axis]) <= 1.0:
            raise PictureRefused(
                "The focal point must be on the picture (between 0 and 1 across and down)."
            )


@transaction.atomic
def image_upload(*, data: bytes, name: str = "", by=None, **fields) -> tuple[Image, bool]:
    """Add a picture to the library; returns (image, created).

    The same file uploaded again finds the existing record (by content hash) and changes
    nothing. Refuses (PictureRefused) what `pictures.intake` refuses and a focal point off the
    picture. Renditions are computed by a task after the commit.
    """
    _require(by, "pictures.add_image")
    existing = Image.objects.filter(content_hash=upload_hash(data)).first()
    if existing is not None:
        return existing, False
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise PictureRefused(f"Not editable here: {', '.join(sorted(unknown))}.")
    _check_focal(fields)
    original = original_from_upload(data, name=name)
    # Named by content: a file left by an upload that rolled back is simply reused.
    stored = (
        f"pictures/originals/{original.content_hash[:2]}/{original.content_hash}"
        f".{original.extension}"
    )
    if not default_storage.exists(stored):
        stored = default_storage.save(stored, ContentFile(original.content))
    image = Image(
        content_hash=original.content_hash,
        width=original.width,
        height=original.height,
        uploaded_by=by if getattr(by, "pk", None) else None,
        **fields,
    )
    image.file.name = stored
    image.full_clean(exclude=["file", "content_hash", "width", "height"])
    image.save()
    task_after_commit(RENDER_TASK, image.pk)
    return image, True


def _stories_using(image: Image) -> list[Story]:
    ids = Placement.objects.filter(image=image).values("story_id")
    return list(Story.objects.filter(pk__in=ids).order_by("pk"))


@transaction.atomic
def image_update(*, image: Image, by, fields: dict) -> Image:
    """Change a picture's rights, credit or focal point.

    A changed credit or rights counts as a change of every story using the picture (version,
    revision, change log and webhook for published ones); a moved focal point queues new crops,
    and the stories' renditions move when they are stored.
    """
    _require(by, "pictures.change_image")
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise PictureRefused(f"Not editable here: {', '.join(sorted(unknown))}.")
    _check_focal(fields)
    locked = Image.objects.select_for_update().get(pk=image.pk)
    changed = [name for name, value in fields.items() if getattr(locked, name) != value]
    if not changed:
        return locked
    for name in changed:
        setattr(locked, name, fields[name])
    locked.full_clean(exclude=["file", "content_hash", "width", "height"])
    if {"focal_x", "focal_y"} & set(changed):
        locked.crop_revision += 1
        task_after_commit(RENDER_TASK, locked.pk)
    locked.save()
    rights = [name for name in changed if name in RIGHTS_FIELDS]
    if rights:
        labels = ", ".join(Image._meta.get_field(n).verbose_name for n in rights)
        for story in _stories_using(locked):
            story_record_change(
                story=story, by=by, comment=f"Picture “{locked}”: {labels} changed."
            )
    for name, value in fields.items():
        setattr(image, name, value)
    return locked


def image_render(*, image_id: int) -> Image | None:
    """Store every rendition of the image's current crop revision that is not stored yet
    (idempotent: a task run twice encodes nothing twice), then switch readers to them and
    remove the renditions of earlier revisions."""
    image = Image.objects.filter(pk=image_id).first()
    if image is None:
        return None
    revision = image.crop_revision
    plan = image_plan(image, revision=revision)
    done = set(
        Rendition.objects.filter(image=image, crop_revision=revision).values_list(
            "crop", "width", "format"
        )
    )
    missing = [p for p in plan if (p.crop, p.width, p.format) not in done]
    if missing:
        stored = [
            Rendition(
                image=image,
                crop=planned.crop,
                width=planned.width,
                height=planned.height,
                format=planned.format,
                crop_revision=revision,
                file=planned.name,
                size=size,
            )
            for planned, size in renditions.renditions_encode(image, missing)
        ]
        Rendition.objects.bulk_create(stored, ignore_conflicts=True)
    with transaction.atomic():
        current = Image.objects.select_for_update().get(pk=image_id)
        if current.crop_revision != revision:
            return current  # moved again meanwhile: the newer task finishes the job
        Image.objects.filter(pk=image_id).update(renditions_revision=revision)
        old = list(Rendition.objects.filter(image=current).exclude(crop_revision=revision))
        Rendition.objects.filter(pk__in=[r.pk for r in old]).delete()
        story_ids = list(Placement.objects.filter(image=current).values_list("story_id", flat=True))
        stories_mark_shown_parts_changed(story_ids=story_ids)
        transaction.on_commit(lambda: _delete_files([r.file for r in old]))
    current.renditions_revision = revision
    return current


def _delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.warning("Could not delete the old rendition %s", name, exc_info=True)


def images_take_down_expired(*, today=None) -> list[Image]:
    """Take every agency or handout picture past its rights' last day down from every story.

    The placements stay (editors see what was there, and the revision history keeps them), but
    no page, feed, API response or ninjs document carries the picture from now on: each story
    using it counts the change (version up, revision, change log and webhook when published),
    so partners and CDNs learn of it. The desk is told by e-mail.
    """
    today = today or timezone.localdate()
    due = Image.objects.filter(
        licence__in=checks.TIME_LIMITED, rights_expire_on__lt=today, taken_down_at__isnull=True
    ).order_by("pk")
    taken = []
    for image in due:
        with transaction.atomic():
            locked = Image.objects.select_for_update().get(pk=image.pk)
            if locked.taken_down_at is not None or not checks.rights_expired(
                licence=locked.licence, expire_on=locked.rights_expire_on, today=today
            ):
                continue
            locked.taken_down_at = timezone.now()
            locked.save(update_fields=["taken_down_at", "updated_at"])
            stories = _stories_using(locked)
            for story in stories:
                story_record_change(
                    story=story,
                    comment=f"Picture “{locked}” taken down: its rights expired on "
                    f"{locked.rights_expire_on:%Y-%m-%d}.",
                )
            task_after_commit(TAKEDOWN_NOTICE_TASK, locked.pk, [s.pk for s in stories])
            taken.append(locked)
    return taken


@transaction.atomic
def image_delete(*, image: Image, by) -> None:
    """Remove a picture no story uses from the library, with its files."""
    _require(by, "pictures.delete_image")
    locked = Image.objects.select_for_update().get(pk=image.pk)
    if Placement.objects.filter(image=locked).exists():
        raise PictureRefused("This picture is used in a story: remove it from there first.")
    names = [
        locked.file.name,
        *Rendition.objects.filter(image=locked).values_list("file", flat=True),
    ]
    locked.delete()
    transaction.on_commit(lambda: _delete_files(names))
