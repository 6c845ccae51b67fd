"""E-mails the workflow sends: to the editors when a story is submitted, to its authors when
changes are requested or it is published. Sent after the step commits (`stories.tasks`)."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.urls import reverse

from stories import visibility
from stories.models import Story

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
