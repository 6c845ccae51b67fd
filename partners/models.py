"""Partner sites that syndicate our stories: their keys, the change log they sync from, and the
webhook deliveries pushed to them (an outbox: rows first, sending after commit)."""

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from rest_framework_api_key.models import AbstractAPIKey, APIKeyManager


def new_message_id() -> str:
    return f"msg_{uuid.uuid4().hex}"


def default_rate_per_minute() -> int:
    return settings.NEWSDESK_API_RATE_PER_MINUTE


class Partner(models.Model):
    """A site that consumes our published stories through the API, feeds and webhooks."""

    name = models.CharField(max_length=200, unique=True)
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    active = models.BooleanField(
        default=True, help_text="Inactive partners' keys stop working and webhooks stop."
    )
    rate_per_minute = models.PositiveIntegerField(
        default=default_rate_per_minute,
        validators=[MinValueValidator(1)],
        help_text="API requests allowed per minute, counted per partner across all its keys.",
    )
    webhook_url = models.URLField(
        max_length=2000,
        blank=True,
        verbose_name="webhook URL",
        help_text="Where change notifications are POSTed; empty for none.",
    )
    webhook_secret = models.CharField(
        max_length=100,
        blank=True,
        editable=False,
        help_text="whsec_… signing secret (Standard Webhooks), shown once when created.",
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class PartnerKeyManager(APIKeyManager):
    def get_usable_keys(self):
        # The partner comes along in the same query: authentication is one query per request.
        return super().get_usable_keys().select_related("partner").filter(partner__active=True)


class PartnerKey(AbstractAPIKey):
    """A hashed API key of a partner (the key itself is shown once, never stored)."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="keys")

    objects = PartnerKeyManager()

    class Meta(AbstractAPIKey.Meta):
        verbose_name = "partner API key"
        verbose_name_plural = "partner API keys"


class ChangeEvent(models.Model):
    """One publish, update, correction or withdrawal, in the order partners see them.

    Written in the transaction of the change; `sequence` is given when the event is *released*
    (committed, and the story public, i.e. past any embargo), under a lock, so a partner reading
    `sequence > cursor` can never skip an event that commits later with a smaller number.
    """

    class Kind(models.TextChoices):
        PUBLISHED = "published", "Published"
        UPDATED = "updated", "Updated"
        CORRECTED = "corrected", "Corrected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    class State(models.TextChoices):
        HELD = "held", "Held (not yet public)"
        RELEASED = "released", "Released"
        SUPPRESSED = "suppressed", "Suppressed (story never public)"

    story = models.ForeignKey(
        "stories.Story", on_delete=models.SET_NULL, null=True, related_name="change_events"
    )
    slug = models.SlugField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    version = models.PositiveIntegerField()
    at = models.DateTimeField(default=timezone.now, help_text="When the change happened.")
    available_at = models.DateTimeField(
        default=timezone.now, help_text="Not before: the story's embargo, if it has one."
    )
    reason = models.TextField(blank=True, help_text="The withdrawal reason, for tombstones.")
    state = models.CharField(max_length=10, choices=State.choices, default=State.HELD)
    sequence = models.BigIntegerField(null=True, blank=True, unique=True, editable=False)
    released_at = models.DateTimeField(null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["sequence", "id"]
        indexes = [models.Index(fields=["state", "available_at"], name="change_held_due")]

    def __str__(self):
        return f"{self.slug} {self.kind} (v{self.version})"

    @property
    def event_type(self) -> str:
        return f"story.{self.kind}"


class WebhookDelivery(models.Model):
    """One change notification owed to one partner, kept until it is delivered or given up."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed (gave up)"
        CANCELLED = "cancelled", "Cancelled"

    message_id = models.CharField(
        max_length=40,
        unique=True,
        default=new_message_id,
        editable=False,
        help_text="The webhook-id header: the same on every retry, so partners can deduplicate.",
    )
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey(ChangeEvent, on_delete=models.CASCADE, related_name="deliveries")
    body = models.TextField(editable=False, help_text="The signed JSON payload, byte for byte.")
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempt_count = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_until = models.DateTimeField(
        null=True, blank=True, help_text="A worker is sending it until then."
    )
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "webhook deliveries"
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]

    def __str__(self):
        return f"{self.event.event_type} → {self.partner}"


class WebhookAttempt(models.Model):
    """One try at sending a delivery: what the partner answered, or why it did not."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveSmallIntegerField()
    at = models.DateTimeField(default=timezone.now)
    duration_ms = models.PositiveIntegerField(default=0)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    response_excerpt = models.TextField(blank=True)

    class Meta:
        ordering = ["number", "id"]

    def __str__(self):
        return f"Attempt {self.number}: {self.status_code or self.error}"

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300
