"""@mentions: refused for people who may not see the story, told in the inbox and by one
e-mail per person per burst, after the commit and never on a rollback."""

import pytest
from django.core import mail
from django.db import transaction

from newsdesk.celery import app
from newsroom import services
from newsroom.models import InboxItem, Mention, MentionEmail

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def queued(monkeypatch):
    """The mention e-mail tasks queued, not run: (email_id, countdown) pairs."""
    calls = []

    def record(args, **options):
        calls.append((args[0], options.get("countdown")))

    monkeypatch.setattr(app.tasks[services.MENTION_EMAIL_TASK], "apply_async", record)
    return calls


def test_a_mention_notifies_in_the_inbox_and_by_one_email_after_commit(desk, eager_tasks):
    services.thread_start(story=desk["story"], by=desk["editor"], body="@jo please check")
    (item,) = InboxItem.objects.filter(user=desk["author"])
    assert item.kind == "mention" and item.by == desk["editor"] and item.emailed
    assert Mention.objects.get().user == desk["author"]
    assert [m.to for m in mail.outbox] == [["jo@newsdesk.invalid"]]
    assert "please check" in mail.outbox[0].body


def test_a_burst_of_mentions_is_one_email(desk, queued):
    thread = services.thread_start(story=desk["story"], by=desk["editor"], body="@jo one")
    services.comment_reply(thread=thread, by=desk["editor"], body="@jo two")
    services.thread_start(story=desk["story"], by=desk["colleague"], body="and @jo three")
    (email,) = MentionEmail.objects.all()
    assert queued == [(email.pk, 120)]
    services.mention_email_send(email_id=email.pk)
    assert len(mail.outbox) == 1
    assert all(word in mail.outbox[0].body for word in ("one", "two", "three"))
    assert "3 times" in mail.outbox[0].subject
    # Sent once: the task running again sends nothing.
    services.mention_email_send(email_id=email.pk)
    assert len(mail.outbox) == 1
    # The next burst gets a new e-mail.
    services.comment_reply(thread=thread, by=desk["editor"], body="@jo four")
    assert MentionEmail.objects.filter(state="pending").count() == 1


def test_no_notification_when_the_transaction_rolls_back(desk, eager_tasks):
    with pytest.raises(RuntimeError), transaction.atomic():
        services.thread_start(story=desk["story"], by=desk["editor"], body="@jo hi")
        raise RuntimeError("the surrounding work failed")
    assert not InboxItem.objects.exists() and not MentionEmail.objects.exists()
    assert mail.outbox == []


def test_mentioning_someone_who_may_not_see_the_story_is_refused(desk, eager_tasks):
    with pytest.raises(services.CommentRefused, match="@guest may not see this story"):
        services.thread_start(story=desk["story"], by=desk["editor"], body="Ask @guest")
    with pytest.raises(services.CommentRefused, match="Nobody is called @nobody"):
        services.thread_start(story=desk["story"], by=desk["editor"], body="Ask @nobody")
    assert not InboxItem.objects.exists() and mail.outbox == []


def test_an_email_address_is_not_a_mention(desk, eager_tasks):
    services.thread_start(story=desk["story"], by=desk["editor"], body="Mail x@jo.invalid")
    assert not Mention.objects.exists()


def test_a_broker_that_is_down_leaves_the_email_for_the_sweep(desk, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionError("Redis unreachable")

    monkeypatch.setattr(app.tasks[services.MENTION_EMAIL_TASK], "apply_async", refuse)
    services.thread_start(story=desk["story"], by=desk["editor"], body="@jo hi")
    assert MentionEmail.objects.get().state == "pending"
    MentionEmail.objects.update(created_at=MentionEmail.objects.get().created_at.replace(year=2020))
    assert services.mention_emails_sweep() == 1
    assert len(mail.outbox) == 1
