"""Reads of pictures as stories show them, without a query of their own.

A story's placements, with their images, ride along as one JSON array: in the story row (the
partner API's documents, feeds, sitemaps: `placement_rows`) or in each of its section rows
(pages, ninjs, JSON-LD and checks: `SECTIONS_WITH_PICTURES`, the `sections` prefetch
`stories.selectors` already makes). Every rendition's URL follows from the image's fields
(`pictures.crops`), so no rendition is read either. `story_pictures` is the one way to read them.
"""

import json
from dataclasses import dataclass
from datetime import date
from functools import cached_property

from django.conf import settings
from django.core.files.storage import default_storage
from django.db.models import JSONField, OuterRef, Subquery
from django.db.models.functions import JSONObject

from pictures.crops import PlannedRendition, image_plan
from pictures.models import Placement, PlacementRole
from stories.models import StorySection

PLACEMENT_FIELDS = {
    "id": "pk",
    "role": "role",
    "section_id": "section_id",
    "paragraph": "paragraph",
    "order": "order",
    "alt_text": "alt_text",
    "caption": "caption",
    "image_id": "image_id",
    "file": "image__file",
    "content_hash": "image__content_hash",
    "width": "image__width",
    "height": "image__height",
    "focal_x": "image__focal_x",
    "focal_y": "image__focal_y",
    "title": "image__title",
    "credit": "image__credit",
    "copyright_notice": "image__copyright_notice",
    "licence": "image__licence",
    "licence_url": "image__licence_url",
    "usage_terms": "image__usage_terms",
    "rights_expire_on": "image__rights_expire_on",
    "renditions_revision": "image__renditions_revision",
    "taken_down": "image__taken_down_at",
}


class PictureRows(Subquery):
    """The placement rows as one JSON array, in their order (the partner API's `JSONRows`,
    which this module cannot import from an edge)."""

    output_field = JSONField()

    def as_sql(self, compiler, connection, template=None, **extra_context):
        sql, params = super().as_sql(compiler, connection, template, **extra_context)
        if connection.vendor == "postgresql":
            return f"COALESCE(array_to_json(ARRAY{sql}), '[]')::jsonb", params
        sql = f"(SELECT COALESCE(json_group_array(json(_rows.obj)), '[]') FROM {sql} _rows)"  # noqa: S608
        return sql, params


def placement_rows(story_ref: str = "pk") -> PictureRows:
    """A story's placements with their images as one JSON array (for `.annotate`)."""
    rows = Placement.objects.filter(story=OuterRef(story_ref)).order_by("order", "id")
    return PictureRows(rows.values(obj=JSONObject(**PLACEMENT_FIELDS)))


# The story's sections, each carrying the story's pictures: no query of their own.
SECTIONS_WITH_PICTURES = StorySection.objects.annotate(
    story_pictures_json=placement_rows("story_id")
)


@dataclass(frozen=True)
class ShownRendition:
    """One rendition as a page or a partner links it: `src` as storage gives it (on our own
    pages: right on any host the site answers on), `url` absolute (feeds, partners, crawlers)."""

    src: str
    width: int
    height: int
    format: str
    content_type: str
    crop: str
    aspect_ratio: str

    @property
    def url(self) -> str:
        return _absolute(self.src)


@dataclass
class StoryPicture:
    """A placement as readers see it: this use's alt text and caption, the image's credit and
    rights, its renditions (or only the original while they are being computed)."""

    id: int
    role: str
    section_id: int | None
    paragraph: int
    order: int
    alt_text: str
    caption: str
    image_id: int
    file: str
    content_hash: str
    width: int
    height: int
    focal_x: float
    focal_y: float
    title: str
    credit: str
    copyright_notice: str
    licence: str
    licence_url: str
    usage_terms: str
    rights_expire_on: date | None
    renditions_revision: int
    taken_down: bool
    # The key of its section: from the story's sections, which every reader has at hand (a join
    # in the JSON's subquery would cost PostgreSQL more planning than the rest of it).
    section_key: str | None = None

    @classmethod
    def from_row(cls, row: dict) -> "StoryPicture":
        values = dict(row)
        expiry = values["rights_expire_on"]
        values["rights_expire_on"] = (
            date.fromisoformat(expiry) if isinstance(expiry, str) else expiry
        )
        values["taken_down"] = bool(values["taken_down"])
        return cls(**values)

    @property
    def is_lead(self) -> bool:
        return self.role == PlacementRole.LEAD

    @property
    def original_url(self) -> str:
        return _absolute(default_storage.url(self.file))

    @property
    def credit_line(self) -> str:
        """“Photo: Jane Doe / Reuters” with the copyright notice, as shown under the picture."""
        return " · ".join(bit for bit in (self.credit, self.copyright_notice) if bit)

    @cached_property
    def renditions(self) -> list[ShownRendition]:
        """Every stored rendition, widest last per crop and format; none while computing."""
        if not self.renditions_revision:
            return []
        plan = image_plan(self, revision=self.renditions_revision)
        return [_shown(planned) for planned in plan]

    @property
    def renditions_or_original(self) -> list[ShownRendition]:
        """The renditions, or the original alone while they are being computed."""
        return self.renditions or [self._original()]

    def _original(self) -> ShownRendition:
        return ShownRendition(
            default_storage.url(self.file),
            self.width,
            self.height,
            "original",
            _type(self.file),
            "original",
            "",
        )

    @property
    def crop_revision(self) -> int:  # what `image_plan` reads off an image
        return self.renditions_revision

    def crop(self, crop: str, fmt: str | None = None) -> list[ShownRendition]:
        """The renditions of one crop (in one format), narrowest first."""
        found = [r for r in self.renditions if r.crop == crop and fmt in (None, r.format)]
        return sorted(found, key=lambda r: r.width)

    def best(self, crop: str, *, min_width: int = 1200) -> ShownRendition:
        """The JPEG of a crop at least `min_width` wide (else its widest): for JSON-LD,
        OpenGraph and feeds, which want one universally readable file. The original while
        renditions are being computed."""
        jpegs = self.crop(crop, "jpeg")
        if not jpegs:
            return self._original()
        return next((r for r in jpegs if r.width >= min_width), jpegs[-1])


def _absolute(url: str) -> str:
    return url if "://" in url else f"{settings.NEWSDESK_SITE_URL}{url}"


def _type(name: str) -> str:
    extension = name.rsplit(".", 1)[-1].lower()
    return {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}.get(
        extension, f"image/{extension}"
    )


def _shown(planned: PlannedRendition) -> ShownRendition:
    return ShownRendition(
        src=default_storage.url(planned.name),
        width=planned.width,
        height=planned.height,
        format=planned.format,
        content_type=planned.content_type,
        crop=planned.crop,
        aspect_ratio=planned.aspect_ratio,
    )


def pictures_from_json(value, *, section_keys: dict | None = None) -> list[StoryPicture]:
    """Placements from a JSON array of `placement_rows` (text on SQLite), with their sections'
    keys when `section_keys` (id → key) is given."""
    pictures = [StoryPicture.from_row(row) for row in json_loaded(value)]
    for picture in pictures:
        picture.section_key = (section_keys or {}).get(picture.section_id)
    return pictures


def json_loaded(value) -> list:
    return json.loads(value) if isinstance(value, str) else (value or [])


def story_pictures(story, *, taken_down: bool = False) -> list[StoryPicture]:
    """The story's pictures, lead first, from what its query already carried.

    Taken-down pictures (expired rights) are left out unless `taken_down` is asked for (the
    desk's checks): readers, feeds and partners never get them.
    """
    pictures = getattr(story, "_story_pictures", None)
    if pictures is None:
        pictures = _carried(story)
        story._story_pictures = pictures
    return pictures_shown(pictures, taken_down=taken_down)


def pictures_shown(pictures: list[StoryPicture], *, taken_down: bool = False) -> list[StoryPicture]:
    """Lead first, then in order; without taken-down pictures unless asked for."""
    shown = pictures if taken_down else [p for p in pictures if not p.taken_down]
    return sorted(shown, key=lambda p: (not p.is_lead, p.order, p.id))


def _carried(story) -> list[StoryPicture]:
    if hasattr(story, "pictures_json"):
        return pictures_from_json(story.pictures_json)
    sections = getattr(story, "_prefetched_objects_cache", {}).get("sections", ())
    keys = {section.pk: section.key for section in sections}
    for section in sections:
        if hasattr(section, "story_pictures_json"):
            return pictures_from_json(section.story_pictures_json, section_keys=keys)
    # Loaded some other way (or a story without sections): one query.
    rows = Placement.objects.filter(story_id=story.pk).order_by("order", "id")
    values = list(rows.values_list(JSONObject(**PLACEMENT_FIELDS), flat=True))
    if not keys:
        keys = dict(StorySection.objects.filter(story_id=story.pk).values_list("pk", "key"))
    return pictures_from_json(values, section_keys=keys)


def story_lead_picture(story) -> StoryPicture | None:
    """The story's lead picture as readers see it, or None."""
    return next((p for p in story_pictures(story) if p.is_lead), None)


def section_pictures(story, section_id: int) -> list[StoryPicture]:
    """The pictures placed in one section, in order."""
    return [p for p in story_pictures(story) if p.section_id == section_id]
