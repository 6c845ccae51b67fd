"""The image library (`Image`, with its rights), an image's use in a story (`Placement`) and
the stored renditions of an image (`Rendition`).

Alt text and caption belong to a placement, not to the file: the same photo of a minister needs
other words in a story about the budget than in one about a resignation.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from stories.plain_text import validate_multi_line_text, validate_one_line_text

UNIT = [MinValueValidator(0.0), MaxValueValidator(1.0)]


class Licence(models.TextChoices):
    STAFF = "staff", "Staff (ours)"
    AGENCY = "agency", "Agency"
    HANDOUT = "handout", "Handout"
    CREATIVE_COMMONS = "cc", "Creative Commons"
    OTHER = "other", "Other"


class Image(models.Model):
    """A picture in the library: the file (EXIF location stripped, orientation applied), its
    size, its content hash (the same file uploaded twice is one record), its rights and its
    focal point, from which every crop is computed."""

    file = models.FileField(upload_to="pictures/originals/", max_length=300, editable=False)
    content_hash = models.CharField(max_length=64, unique=True, editable=False)
    width = models.PositiveIntegerField(editable=False)
    height = models.PositiveIntegerField(editable=False)
    title = models.CharField(max_length=300, blank=True, validators=[validate_one_line_text])
    credit = models.CharField(
        max_length=300,
        blank=True,
        help_text="Photographer and agency, as readers see it: “Jane Doe / Reuters”.",
        validators=[validate_one_line_text],
    )
    copyright_notice = models.CharField(
        max_length=300,
        blank=True,
        help_text="“© 2026 Reuters”.",
        validators=[validate_one_line_text],
    )
    licence = models.CharField(max_length=10, choices=Licence.choices, blank=True)
    licence_url = models.URLField(
        blank=True, help_text="The licence itself, e.g. a Creative Commons deed."
    )
    usage_terms = models.TextField(
        blank=True,
        help_text="What we may do with it: “Editorial use only, no archive”.",
        validators=[validate_multi_line_text],
    )
    rights_expire_on = models.DateField(
        null=True,
        blank=True,
        help_text="After this day an agency or handout picture is taken down from every story.",
    )
    source_url = models.URLField(blank=True, help_text="Where the picture came from.")
    focal_x = models.FloatField(default=0.5, validators=UNIT)
    focal_y = models.FloatField(default=0.5, validators=UNIT)
    # Goes up when the focal point moves; rendition names carry it, so no CDN keeps old crops.
    crop_revision = models.PositiveIntegerField(default=1, editable=False)
    # The crop revision whose renditions are all stored (0: none yet; readers use the original).
    renditions_revision = models.PositiveIntegerField(default=0, editable=False)
    taken_down_at = models.DateTimeField(null=True, blank=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(focal_x__gte=0, focal_x__lte=1, focal_y__gte=0, focal_y__lte=1),
                name="image_focal_point_inside",
            )
        ]

    def __str__(self):
        return self.title or self.file.name.rsplit("/", 1)[-1]


class PlacementRole(models.TextChoices):
    LEAD = "lead", "Lead picture"
    SECTION = "section", "In a text section"


class Placement(models.Model):
    """An image used in a story: as its lead picture, or in a text section after a paragraph,
    with the caption and alt text of this use. A story part like a citation: written only
    through `stories.services.story_update`."""

    story = models.ForeignKey("stories.Story", on_delete=models.CASCADE, related_name="pictures")
    image = models.ForeignKey(Image, on_delete=models.PROTECT, related_name="placements")
    role = models.CharField(
        max_length=10, choices=PlacementRole.choices, default=PlacementRole.LEAD
    )
    section = models.ForeignKey(
        "stories.StorySection",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="pictures",
        help_text="For a picture in a text section: which section.",
    )
    paragraph = models.PositiveSmallIntegerField(
        default=0, help_text="In a section: shown after this paragraph (0: before the first)."
    )
    alt_text = models.CharField(
        max_length=300,
        blank=True,
        help_text="What the picture shows, for people who cannot see it. Required to publish.",
        validators=[validate_one_line_text],
    )
    caption = models.TextField(blank=True, validators=[validate_multi_line_text])
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = "picture"
        constraints = [
            models.UniqueConstraint(
                fields=["story"],
                condition=models.Q(role="lead"),
                name="one_lead_picture_per_story",
            ),
            models.CheckConstraint(
                condition=models.Q(role="lead", section__isnull=True)
                | models.Q(role="section", section__isnull=False),
                name="placement_section_matches_role",
            ),
        ]

    def __str__(self):
        return f"{self.get_role_display()}: {self.image_id}"

    def clean(self):
        if self.role == PlacementRole.SECTION and not self.section_id:
            raise ValidationError({"section": "Choose the text section the picture goes in."})
        if self.role == PlacementRole.LEAD and self.section_id:
            raise ValidationError({"section": "A lead picture is not in a section."})


class Rendition(models.Model):
    """One stored rendition: the cache of (image, crop, width, format), computed once by a task
    after upload or a focal-point change and never on a page view."""

    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="renditions")
    crop = models.CharField(max_length=10)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    format = models.CharField(max_length=5)
    crop_revision = models.PositiveIntegerField()
    file = models.CharField(max_length=300)
    size = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["image", "crop", "width", "format", "crop_revision"],
                name="unique_rendition",
            )
        ]

    def __str__(self):
        return self.file
