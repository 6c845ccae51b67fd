"""Workflow e-mails go through an outbox: a broker or mail server that is down delays them,
never loses them, and nothing is sent twice or for a step that rolled back."""

import datetime as dt

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from newsdesk.celery import app
from stories import notifications, workflow
from stories.models import Notification, Story, StoryStatus
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def desk(db):
    author = factories.journalist(username="jo", email="jo@newsdesk.invalid")
    editor = factories.editor(username="eddie", email="eddie@newsdesk.invalid")
    story = factories.story(by=author, citations=2)
    Story.objects.filter(pk=story.pk).update(status=StoryStatus.IN_REVIEW)
    return {"author": author, "editor": editor, "story": Story.objects.get(pk=story.pk)}


@pytest.fixture
def broker_down(monkeypatch):
    """Queueing any task fails, as it does while Redis is unreachable."""

    def refuse(*args, **kwargs):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(app.tasks[notifications.SEND_TASK], "apply_async", refuse)


@pytest.fixture
def eager():
    before = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, False
    yield
    app.conf.task_always_eager, app.conf.task_eager_propagates = before


def test_the_published_email_queued_while_the_broker_is_down_is_sent_by_the_sweep(
    desk, broker_down, eager
):
    workflow.story_publish(story=desk["story"], by=desk["editor"])
    assert mail.outbox == []  # the step committed; the e-mail could not be queued
    owed = Notification.objects.get(story=desk["story"], event="published")
    assert owed.state == Notification.State.PENDING

    later = timezone.now() + dt.timedelta(minutes=5)
    assert notifications.notifications_sweep(now=later) == 1
    assert [m.to for m in mail.outbox] == [["jo@newsdesk.invalid"]]
    assert notifications.notifications_sweep(now=later) == 0  # sent once
    assert len(mail.outbox) == 1


def test_a_step_that_rolls_back_owes_no_email(desk, eager):
    with pytest.raises(RuntimeError), transaction.atomic():
        workflow.story_publish(story=desk["story"], by=desk["editor"])
        raise RuntimeError("something after the step failed")
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_a_mail_server_that_fails_keeps_the_email_owed_then_gives_up(desk, eager, settings):
    settings.NEWSDESK_NOTIFY_MAX_ATTEMPTS = 2
    settings.EMAIL_BACKEND = "tests.stories.test_notifications.BrokenMailBackend"
    workflow.story_publish(story=desk["story"], by=desk["editor"])
    owed = Notification.objects.get(event="published")
    assert (owed.state, owed.attempts) == (Notification.State.PENDING, 1)
    assert "mail server" in owed.last_error
    notifications.notifications_sweep(now=timezone.now() + dt.timedelta(minutes=5))
    owed.refresh_from_db()
    assert (owed.state, owed.attempts) == (Notification.State.FAILED, 2)


class BrokenMailBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("The mail server refused the connection.")


def test_the_outbox_shows_in_the_admin_read_only(client, desk, eager):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    workflow.story_publish(story=desk["story"], by=desk["editor"])
    admin_user = get_user_model().objects.create_superuser("ada", "ada@newsdesk.invalid", "x")
    client.force_login(admin_user)
    page = client.get(reverse("admin:stories_notification_changelist")).content.decode()
    assert "published" in page and "Sent" in page
    assert client.get(reverse("admin:stories_notification_add")).status_code == 403
