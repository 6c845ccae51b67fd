"""Signed webhooks to partners: written in the change's transaction, sent after commit through
the SSRF-safe client, retried with backoff, never lost. Verified with `standardwebhooks`."""

import datetime as dt
import json
import socket

import pytest
from django.db import transaction
from django.test import TestCase
from django.utils import timezone
from kombu.exceptions import OperationalError
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from partners import services
from partners.models import ChangeEvent, WebhookAttempt, WebhookDelivery
from partners.tasks import outbox_sweep_task, webhook_delivery_task
from stories.models import Story, StoryStatus
from stories.signals import story_changed
from tests import factories
from tests.api import newsroom

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks", "private_network_ok")]


def make_partner(url: str, name: str = "Daily Planet", **kwargs):
    partner, _ = services.partner_create(name=name, webhook_url=url, **kwargs)
    return partner


def verified(partner, request) -> dict:
    headers, body = request
    return Webhook(partner.webhook_secret).verify(body, headers)


def make_due(delivery: WebhookDelivery):
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=timezone.now() - dt.timedelta(seconds=1)
    )


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/hooks"


def test_publish_is_pushed_signed_to_every_active_partner_with_a_url(receiver, journalist):
    planet = make_partner(receiver.url, "Daily Planet")
    bugle = make_partner(receiver.url, "The Bugle")
    make_partner(receiver.url, "Asleep").__class__.objects.filter(name="Asleep").update(
        active=False
    )
    services.partner_create(name="No Hooks")
    story = newsroom.publish(factories.story(by=journalist))

    assert len(receiver.requests) == 2
    by_partner = {}
    for partner in (planet, bugle):
        for request in receiver.requests:
            try:
                by_partner[partner.name] = verified(partner, request)
            except WebhookVerificationError:
                continue
    assert set(by_partner) == {"Daily Planet", "The Bugle"}
    payload = by_partner["Daily Planet"]
    assert payload["type"] == "story.published"
    assert payload["data"]["slug"] == story.slug
    assert payload["data"]["version"] == story.version
    assert payload["data"]["api_url"] == f"http://127.0.0.1:8000/api/v1/stories/{story.slug}/"
    headers, _ = receiver.requests[0]
    assert headers["webhook-id"].startswith("msg_")
    assert headers["webhook-signature"].startswith("v1,")
    assert abs(int(headers["webhook-timestamp"]) - timezone.now().timestamp()) < 60
    assert headers["content-type"] == "application/json"
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"delivered"}


def test_a_wrong_secret_or_a_changed_body_fails_verification(receiver, journalist):
    partner = make_partner(receiver.url)
    newsroom.publish(factories.story(by=journalist))
    headers, body = receiver.requests[0]
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + "QUJD" * 8).verify(body, headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(partner.webhook_secret).verify(body.replace(b"published", b"withdrawn"), headers)
    assert verified(partner, (headers, body))["type"] == "story.published"


def test_every_kind_of_change_is_pushed_in_order(receiver, journalist):
    partner = make_partner(receiver.url)
    story = newsroom.publish(factories.story(by=journalist))
    newsroom.update(story)
    newsroom.correct(story, "Fixed a date.")
    newsroom.withdraw(story, "Legal advice.")
    payloads = [verified(partner, r) for r in receiver.requests]
    assert [p["type"] for p in payloads] == [
        "story.published",
        "story.updated",
        "story.corrected",
        "story.withdrawn",
    ]
    assert payloads[-1]["data"]["reason"] == "Legal advice."
    assert [p["data"]["version"] for p in payloads] == sorted(
        p["data"]["version"] for p in payloads
    )
    assert len({r[0]["webhook-id"] for r in receiver.requests}) == 4


def test_failed_delivery_is_retried_with_backoff_under_the_same_id(receiver, journalist, settings):
    partner = make_partner(receiver.url)
    receiver.answers = [500]
    newsroom.publish(factories.story(by=journalist))
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and delivery.attempt_count == 1
    wait = (delivery.next_attempt_at - timezone.now()).total_seconds()
    base = settings.NEWSDESK_WEBHOOK_BACKOFF_SECONDS
    assert 0.85 * base <= wait <= 1.15 * base
    attempt = WebhookAttempt.objects.get()
    assert attempt.status_code == 500 and "500" in attempt.error

    outbox_sweep_task()  # not due yet: nothing is sent
    assert len(receiver.requests) == 1
    make_due(delivery)
    outbox_sweep_task()
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and delivery.attempt_count == 2
    first, second = receiver.requests
    assert first[0]["webhook-id"] == second[0]["webhook-id"] == delivery.message_id
    assert first[1] == second[1]
    assert verified(partner, second)["type"] == "story.published"
    assert [a.status_code for a in delivery.attempts.all()] == [500, 200]


def test_backoff_doubles(settings):
    settings.NEWSDESK_WEBHOOK_BACKOFF_SECONDS = 30
    waits = [services.webhook_backoff(attempt_count=n).total_seconds() for n in (1, 2, 3, 4)]
    for wait, expected in zip(waits, (30, 60, 120, 240), strict=True):
        assert 0.9 * expected <= wait <= 1.1 * expected
    assert services.webhook_backoff(attempt_count=30) == dt.timedelta(hours=6)


def test_retry_after_from_the_partner_is_honoured(receiver, journalist):
    make_partner(receiver.url)
    receiver.answers = [503]
    receiver.extra_headers = {"Retry-After": "600"}
    newsroom.publish(factories.story(by=journalist))
    delivery = WebhookDelivery.objects.get()
    assert (delivery.next_attempt_at - timezone.now()).total_seconds() > 590


def test_partner_down_then_back_loses_nothing(receiver, journalist):
    partner = make_partner(closed_port_url())
    newsroom.publish(factories.story(by=journalist))
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and delivery.attempt_count == 1
    assert delivery.last_error  # says why: connection refused
    services.partner_webhook_set(partner=partner, webhook_url=receiver.url)
    make_due(delivery)
    outbox_sweep_task()
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    assert verified(partner, receiver.requests[0])["data"]["version"] == delivery.event.version


def test_broker_down_at_commit_loses_nothing(receiver, journalist, monkeypatch):
    partner = make_partner(receiver.url)

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(webhook_delivery_task, "delay", broker_down)
    story = newsroom.publish(factories.story(by=journalist))  # the save itself still succeeds
    assert Story.objects.get(pk=story.pk).status == StoryStatus.PUBLISHED
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and delivery.attempt_count == 0
    assert receiver.requests == []
    monkeypatch.undo()
    outbox_sweep_task()  # beat, once Redis is back
    delivery.refresh_from_db()
    assert delivery.status == "delivered"
    assert verified(partner, receiver.requests[0])["type"] == "story.published"


def test_gives_up_after_the_last_attempt(receiver, journalist, settings):
    settings.NEWSDESK_WEBHOOK_MAX_ATTEMPTS = 2
    make_partner(receiver.url)
    receiver.answers = [500, 502]
    newsroom.publish(factories.story(by=journalist))
    delivery = WebhookDelivery.objects.get()
    make_due(delivery)
    outbox_sweep_task()
    delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.attempt_count == 2
    assert "gave up after 2 attempts" in delivery.last_error


def test_a_url_the_guard_refuses_fails_at_once(journalist, settings, receiver):
    settings.NEWSDESK_FETCH_ALLOW_PRIVATE_NETWORKS = False
    make_partner(receiver.url)  # 127.0.0.1: refused by the SSRF guard in production
    newsroom.publish(factories.story(by=journalist))
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed" and delivery.attempt_count == 1
    assert "blocked" in delivery.last_error
    assert receiver.requests == []


def test_rolled_back_change_sends_nothing(receiver, journalist):
    make_partner(receiver.url)
    story = factories.story(by=journalist, published=True)
    with pytest.raises(RuntimeError), transaction.atomic():
        story_changed.send(sender=Story, story=story, event="updated", by=None)
        raise RuntimeError("the save failed")
    outbox_sweep_task()
    assert not WebhookDelivery.objects.exists() and receiver.requests == []


def test_delivery_rows_are_written_in_the_changes_transaction(receiver, journalist):
    make_partner(receiver.url)
    story = factories.story(by=journalist, published=True)
    with transaction.atomic():
        story_changed.send(sender=Story, story=story, event="updated", by=None)
        # Before commit: the outbox row exists, nothing has been sent.
        assert WebhookDelivery.objects.filter(status="pending").count() == 1
        assert receiver.requests == []


def test_embargoed_story_is_pushed_when_the_embargo_ends(receiver, journalist):
    partner = make_partner(receiver.url)
    story = newsroom.publish(factories.story(by=journalist), embargo_until=newsroom.in_an_hour())
    outbox_sweep_task()
    assert receiver.requests == []
    Story.objects.filter(pk=story.pk).update(embargo_until=timezone.now())
    outbox_sweep_task()
    assert [verified(partner, r)["type"] for r in receiver.requests] == ["story.published"]


def test_deliveries_for_a_story_that_never_became_public_are_cancelled(receiver, journalist):
    make_partner(receiver.url)
    story = newsroom.publish(factories.story(by=journalist), embargo_until=newsroom.in_an_hour())
    newsroom.withdraw(story, "Spiked.")
    outbox_sweep_task()
    assert receiver.requests == []
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"cancelled"}


def test_deactivated_partner_gets_nothing_more(receiver, journalist, monkeypatch):
    partner = make_partner(receiver.url)
    monkeypatch.setattr(webhook_delivery_task, "delay", lambda *a, **k: None)
    newsroom.publish(factories.story(by=journalist))
    monkeypatch.undo()
    partner.active = False
    partner.save()
    outbox_sweep_task()
    assert receiver.requests == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "cancelled" and "inactive" in delivery.last_error


def test_a_claimed_delivery_is_sent_once(receiver, journalist, monkeypatch):
    make_partner(receiver.url)
    monkeypatch.setattr(webhook_delivery_task, "delay", lambda *a, **k: None)
    newsroom.publish(factories.story(by=journalist))
    delivery = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        claimed_until=timezone.now() + dt.timedelta(seconds=30)
    )
    assert services.webhook_delivery_attempt(delivery_id=delivery.pk) is None
    assert receiver.requests == []


def test_retry_now_sends_a_failed_delivery_again(receiver, journalist, settings):
    settings.NEWSDESK_WEBHOOK_MAX_ATTEMPTS = 1
    make_partner(receiver.url)
    receiver.answers = [500]
    newsroom.publish(factories.story(by=journalist))
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed"
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.webhook_delivery_retry(delivery=delivery)
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and len(receiver.requests) == 2


def test_change_event_keeps_the_tombstone_when_the_story_is_deleted(journalist):
    story = newsroom.publish(factories.story(by=journalist))
    newsroom.withdraw(story, "Gone for good.")
    slug = story.slug
    Story.objects.filter(pk=story.pk).delete()
    tombstone = ChangeEvent.objects.get(kind="withdrawn")
    assert tombstone.story_id is None and tombstone.slug == slug and tombstone.reason


def test_payload_is_compact_json_with_the_story_links(receiver, journalist):
    partner = make_partner(receiver.url)
    story = newsroom.publish(factories.story(by=journalist))
    _, body = receiver.requests[0]
    payload = json.loads(body)
    assert payload == verified(partner, receiver.requests[0])
    assert payload["data"]["url"] == f"http://127.0.0.1:8000/stories/{story.slug}/"
    assert payload["data"]["ninjs_url"].endswith(f"/api/v1/stories/{story.slug}/ninjs")
    assert payload["timestamp"].endswith("Z")


@pytest.mark.parametrize("backoff, queued", [(30, True), (3600, False)])
def test_a_retry_longer_than_the_visibility_timeout_waits_for_the_sweep(
    receiver, journalist, settings, monkeypatch, backoff, queued
):
    """Redis hands a task waiting on an eta out again after its visibility timeout: a retry due
    later than half of it is left in the database for the sweep, not queued."""
    from newsdesk.celery import app

    settings.NEWSDESK_WEBHOOK_BACKOFF_SECONDS = backoff
    make_partner(receiver.url)
    receiver.answers = [200]
    newsroom.publish(factories.story(by=journalist))
    delivery = WebhookDelivery.objects.get()
    receiver.answers = [500]
    make_due(delivery)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status="pending")
    sent = []
    monkeypatch.setattr(webhook_delivery_task, "apply_async", lambda *a, **k: sent.append(k))
    eager, app.conf.task_always_eager = app.conf.task_always_eager, False
    try:
        webhook_delivery_task(delivery.pk)
    finally:
        app.conf.task_always_eager = eager
    assert WebhookDelivery.objects.get(pk=delivery.pk).status == "pending"
    assert bool(sent) is queued
