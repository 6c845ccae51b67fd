"""Where a story's facts come from: outlets and the citations that point at their articles."""

from django.db import models
from django.db.models import Q


class Outlet(models.Model):
    """A publication cited by our stories (Al Jazeera, AP News…), matched by its domain."""

    name = models.CharField(max_length=200, unique=True)
    domain = models.CharField(
        max_length=253, blank=True, help_text="Without www., e.g. aljazeera.com."
    )
    homepage = models.URLField(blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["domain"], condition=~Q(domain=""), name="unique_outlet_domain"
            )
        ]

    def __str__(self):
        return self.name


class LinkStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    FETCHED = "fetched", "Fetched"
    FAILED = "failed", "Failed"
    BLOCKED = "blocked", "Blocked"
    GONE = "gone", "Gone"
    CHANGED = "changed", "Changed"


class QuoteCheck(models.TextChoices):
    UNCHECKED = "unchecked", "Unchecked"
    VERIFIED = "verified", "Verified"
    NOT_FOUND = "not_found", "Not found"


class Citation(models.Model):
    """A source a story relies on: who said what, when, and where to read it.

    The URL is optional: the seed's "(Al Jazeera, Nov 8)" is a citation without one.
    """

    story = models.ForeignKey("stories.Story", on_delete=models.CASCADE, related_name="citations")
    section = models.ForeignKey(
        "stories.StorySection",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="citations",
        help_text="The section this citation supports.",
    )
    outlet = models.ForeignKey(
        Outlet, on_delete=models.PROTECT, null=True, blank=True, related_name="citations"
    )
    url = models.URLField(max_length=2000, blank=True, verbose_name="URL")
    title = models.CharField(max_length=500, blank=True, help_text="The cited piece's headline.")
    published_on = models.DateField(
        null=True, blank=True, verbose_name="date", help_text="Date of the cited piece."
    )
    claim = models.TextField(help_text="What the source says, in our words.")
    quote = models.TextField(blank=True, help_text="Optional: the source's exact words.")
    speaker = models.CharField(max_length=200, blank=True, help_text="Who said the quote.")
    order = models.PositiveSmallIntegerField(default=0)
    link_status = models.CharField(
        max_length=10,
        choices=LinkStatus.choices,
        blank=True,
        db_index=True,
        help_text="State of the URL: empty when the citation has none.",
    )
    quote_check = models.CharField(
        max_length=10, choices=QuoteCheck.choices, default=QuoteCheck.UNCHECKED
    )

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        outlet = self.outlet.name if self.outlet_id else "Unknown outlet"
        return f"{outlet}, {self.published_on:%b %-d}" if self.published_on else outlet
