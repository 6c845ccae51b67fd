"""The desk talking about its stories: comment threads, mentions, inboxes, preview links.

None of this is part of a story's version: a comment never bumps it, never reaches readers or
partners, and is never stored in a story's revision.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class Anchor(models.TextChoices):
    STORY = "story", "The story"
    SECTION = "section", "A section"
    CITATION = "citation", "A citation"
    FAQ = "faq", "A FAQ item"


class Thread(models.Model):
    """A conversation about a story, or about one of its sections, citations or FAQ items.

    `quote` keeps the span of section text the thread is about, so the thread still reads
    when the text later changes.
    """

    story = models.ForeignKey("stories.Story", on_delete=models.CASCADE, related_name="threads")
    anchor = models.CharField(max_length=10, choices=Anchor.choices, default=Anchor.STORY)
    anchor_id = models.PositiveBigIntegerField(null=True, blank=True)
    # What the anchor was called when the thread started ("Citation 2 (Reuters)").
    anchor_label = models.CharField(max_length=300, blank=True)
    quote = models.TextField(blank=True)
    blocking = models.BooleanField(
        default=False, help_text="Open, it blocks submitting and publishing the story."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["story"],
                condition=Q(blocking=True, resolved_at__isnull=True),
                name="thread_open_blocking",
            )
        ]

    def __str__(self):
        return f"Thread on {self.anchor_label or self.get_anchor_display()}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    @property
    def target(self) -> str:
        """The checklist's target for the anchor: "citation:12", "faq:3" or "story"; a
        section's key is read from the story's sections by the check."""
        if self.anchor in (Anchor.CITATION, Anchor.FAQ) and self.anchor_id:
            return f"{self.anchor}:{self.anchor_id}"
        return "story"


class Comment(models.Model):
    """One message in a thread, in Markdown. Deleting keeps it (and its edits) in history."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"Comment by {self.author} on {self.thread}"


class CommentEdit(models.Model):
    """The text a comment had before an edit or a deletion."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="edits")
    body = models.TextField()
    at = models.DateTimeField(default=timezone.now)
    action = models.CharField(max_length=10, default="edit")  # "edit" or "delete"

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.action} of comment {self.comment_id} at {self.at:%Y-%m-%d %H:%M}"


class Mention(models.Model):
    """Someone @named in a comment."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="mentions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "user"], name="unique_mention_per_comment")
        ]

    def __str__(self):
        return f"@{self.user_id} in comment {self.comment_id}"


class InboxItem(models.Model):
    """Something a person should know: a mention, a reply to their thread, a story of theirs
    that changed state."""

    class Kind(models.TextChoices):
        MENTION = "mention", "Mentioned you"
        REPLY = "reply", "Replied in your thread"
        STATE = "state", "Story changed state"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="inbox_items"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    story = models.ForeignKey("stories.Story", on_delete=models.CASCADE, related_name="+")
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # Mentions are e-mailed too, gathered per person (MentionEmail).
    emailed = models.BooleanField(default=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="inbox_unread"),
            models.Index(fields=["user", "-created_at"], name="inbox_latest"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.text}"


class MentionEmail(models.Model):
    """One e-mail owed to a person for the mentions of a burst: an outbox row, at most one
    pending per person; its task, queued with a short delay, sends what accumulated."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        SENT = "sent", "Sent"
        FAILED = "failed", "Gave up"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    mentions = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=Q(state="pending"), name="one_pending_mention_email"
            )
        ]

    def __str__(self):
        return f"Mention e-mail to {self.user_id} ({self.state})"


class PreviewLink(models.Model):
    """A signed, expiring link to a story's draft for someone without an account.

    Only a hash of the token is stored: the database does not hold working links.
    `version` locks it to one version of the story; empty, it follows the latest draft.
    """

    story = models.ForeignKey(
        "stories.Story", on_delete=models.CASCADE, related_name="preview_links"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    version = models.PositiveIntegerField(null=True, blank=True)
    revision_id = models.PositiveBigIntegerField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Preview link {self.pk} of story {self.story_id}"

    def is_live(self, now=None) -> bool:
        return self.revoked_at is None and self.expires_at > (now or timezone.now())


class PreviewOpen(models.Model):
    """Someone opened a preview link: when, from where."""

    link = models.ForeignKey(PreviewLink, on_delete=models.CASCADE, related_name="opens")
    at = models.DateTimeField(default=timezone.now)
    address = models.GenericIPAddressField(null=True, blank=True)
    agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"Preview link {self.link_id} opened {self.at:%Y-%m-%d %H:%M}"
