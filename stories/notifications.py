"""E-mails the workflow sends: to the editors when a story is submitted, to its authors when
changes are requested or it is published.

An outbox: the step writes a `Notification` in its own transaction (`notification_queue`), a
task sends it once the step commits, and a sweep sends whatever a broker outage or a mail
server kept back, so a committed step's e-mail is never lost.
"""

import datetime as dt
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from newsdesk.dispatch import task_after_commit
from stories import visibility
from stories.models import Notification, Story

SEND_TASK = "stories.tasks.notification_send_task"

logger = logging.getLogger(__name__)


def editors():
    """Active people with the desk's powers and an e-mail address."""
    publish = Permission.objects.filter(codename="publish_story", content_type__app_label="stories")
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(email="")
        .filter(Q(groups__permissions__in=publish) | Q(user_permissions__in=publish))
        .distinct()
    )


def authors(story: Story):
    """The story's byline authors with an e-mail address."""
    return (
        get_user_model()
        .objects.filter(bylined_stories=story, is_active=True)
        .exclude(email="")
        .distinct()
    )


def _name(user) -> str:
    if user is None:
        return "The scheduler"
    return user.get_full_name() or user.get_username()


def _message(story: Story, event: str, by, comment: str) -> tuple[str, str]:
    admin_url = settings.NEWSDESK_SITE_URL + reverse("admin:stories_story_change", args=[story.pk])
    public_url = settings.NEWSDESK_SITE_URL + story.get_absolute_url()
    site = settings.NEWSDESK_SITE_NAME
    if event == "submitted":
        subject = f"[{site}] For review: {story.headline}"
        lines = [f"{_name(by)} submitted “{story.headline}” for review."]
        if comment:
            lines += ["", "Their note:", comment]
        lines += ["", f"Review it: {admin_url}"]
    elif event == "changes_requested":
        subject = f"[{site}] Changes requested: {story.headline}"
        lines = [
            f"{_name(by)} sent “{story.headline}” back to you with these requests:",
            "",
            comment,
            "",
            f"Edit it and submit it again: {admin_url}",
        ]
    elif event == "published":
        subject = f"[{site}] Published: {story.headline}"
        if story.embargo_until and not visibility.story_is_visible(story):
            when = f"It goes live at {story.embargo_until:%Y-%m-%d %H:%M %Z} (embargo)."
        else:
            when = "It is live now."
        lines = [f"{_name(by)} published “{story.headline}”. {when}", "", public_url]
    else:
        raise ValueError(f"No e-mail for the event “{event}”.")
    return subject, "\n".join(lines) + "\n"


def notification_queue(*, story: Story, event: str, by=None, comment: str = "") -> Notification:
    """Owe the people a step concerns an e-mail: written in the caller's transaction, sent
    once it commits (and never if it rolls back)."""
    notification = Notification.objects.create(
        story=story, event=event, by=by if getattr(by, "pk", None) else None, comment=comment
    )
    task_after_commit(SEND_TASK, notification.pk)
    return notification


def notification_send(*, notification_id: int) -> Notification | None:
    """Send one owed e-mail, once: the row is locked and marked sent in the same transaction.

    A mail server that fails leaves it pending with the error, for the sweep to try again,
    up to NEWSDESK_NOTIFY_MAX_ATTEMPTS times.
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("story", "by")
            .filter(pk=notification_id, state=Notification.State.PENDING)
            .first()
        )
        if notification is None:
            return None  # sent already, given up on, or being sent by another worker
        notification.attempts += 1
        try:
            if notification.story is not None:
                notification.recipients = story_notify(
                    story=notification.story,
                    event=notification.event,
                    by=notification.by,
                    comment=notification.comment,
                )
        except OSError as error:  # SMTP errors are OSErrors
            notification.last_error = str(error)[:1000]
            if notification.attempts >= settings.NEWSDESK_NOTIFY_MAX_ATTEMPTS:
                notification.state = Notification.State.FAILED
            logger.warning("Notification %s not sent: %s", notification.pk, error)
        else:
            notification.state, notification.sent_at = Notification.State.SENT, timezone.now()
            notification.last_error = ""
        notification.save(
            update_fields=["attempts", "recipients", "state", "sent_at", "last_error"]
        )
    return notification


def notifications_sweep(*, now: dt.datetime | None = None) -> int:
    """Send what is still owed a while after its step: queued while the broker was down, or
    kept back by a mail server. Returns how many were sent."""
    now = now or timezone.now()
    due = Notification.objects.filter(
        state=Notification.State.PENDING,
        created_at__lte=now - dt.timedelta(seconds=settings.NEWSDESK_NOTIFY_SWEEP_SECONDS),
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(due[:500]):
        done = notification_send(notification_id=pk)
        sent += bool(done and done.state == Notification.State.SENT)
    return sent


def story_notify(*, story: Story, event: str, by=None, comment: str = "") -> int:
    """Send the e-mails for one workflow event; returns how many were sent.

    The person who took the step is not told about it.
    """
    recipients = editors() if event == "submitted" else authors(story)
    if by is not None:
        recipients = recipients.exclude(pk=by.pk)
    addresses = sorted({user.email for user in recipients})
    if not addresses:
        return 0
    subject, body = _message(story, event, by, comment)
    messages = [
        EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in addresses
    ]
    sent = get_connection().send_messages(messages) or 0
    logger.info("Sent %d “%s” e-mails for story %s", sent, event, story.pk)
    return sent
