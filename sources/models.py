"""Where a story's facts come from: outlets and the citations that point at their articles."""

import gzip

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone


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
    latest_snapshot = models.ForeignKey(
        "Snapshot",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The newest archived copy of the page.",
    )
    link_reason = models.CharField(
        max_length=300,
        blank=True,
        help_text="Why the link has its status, e.g. “HTTP 404” or “blocked: … private address”.",
    )
    link_checked_at = models.DateTimeField(
        null=True, blank=True, db_index=True, help_text="When the link was last fetched."
    )
    fetched_url = models.URLField(
        max_length=2000, blank=True, help_text="The URL the status and snapshot belong to."
    )
    fetch_due_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the pending fetch should have run; the sweep re-queues overdue ones.",
    )
    fetch_attempts = models.PositiveSmallIntegerField(
        default=0,
        help_text="Retries the current fetch has used; a queued task for another is a stale copy.",
    )
    fetch_errors = models.PositiveSmallIntegerField(
        default=0,
        help_text="Unexpected errors in a row while fetching; after a few the link is failed.",
    )

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        outlet = self.outlet.name if self.outlet_id else "Unknown outlet"
        return f"{outlet}, {self.published_on:%b %-d}" if self.published_on else outlet

    @property
    def archived_copy_url(self) -> str:
        """Where readers and editors see the archived page ("" before the first snapshot)."""
        if not self.latest_snapshot_id:
            return ""
        return reverse("sources:snapshot", args=[self.latest_snapshot_id])


class Snapshot(models.Model):
    """An archived copy of a cited page, so the citation survives link rot.

    A new snapshot is kept only when the article's content changed: the hash is taken over the
    extracted title and text, so a rotating ad or a new CSRF token in the HTML is not a change.
    """

    citation = models.ForeignKey(
        Citation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="snapshots",
        help_text="Kept when the citation is deleted: an archive outlives its use.",
    )
    requested_url = models.URLField(max_length=2000)
    final_url = models.URLField(max_length=2000, help_text="After redirects.")
    http_status = models.PositiveSmallIntegerField()
    headers = models.JSONField(default=dict, blank=True, help_text="The headers that matter.")
    fetched_at = models.DateTimeField(default=timezone.now, db_index=True)
    html_gz = models.BinaryField(help_text="The page as served, gzip-compressed.")
    size = models.PositiveIntegerField(default=0, help_text="Bytes of HTML before compression.")
    text = models.TextField(blank=True, help_text="The article's main text.")
    metadata = models.JSONField(
        default=dict, blank=True, help_text="Title, site, authors, date… as extracted."
    )
    content_hash = models.CharField(max_length=64, db_index=True)

    class Meta:
        ordering = ["-fetched_at", "-id"]
        get_latest_by = "fetched_at"

    def __str__(self):
        return f"{self.final_url} at {self.fetched_at:%Y-%m-%d %H:%M}"

    def get_absolute_url(self):
        return reverse("sources:snapshot", args=[self.pk])

    @property
    def html(self) -> bytes:
        return gzip.decompress(bytes(self.html_gz)) if self.html_gz else b""
