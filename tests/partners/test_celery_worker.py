"""A real Celery worker over Redis sends the webhook a committed change queued (in CI)."""

import uuid

import pytest
from standardwebhooks import Webhook

from newsdesk.celery import app as celery_app
from partners import services
from partners.models import WebhookDelivery
from tests import factories
from tests.api import newsroom
from tests.celery_worker import celery_worker, wait_for


@pytest.fixture
def webhook_worker(tmp_path):
    """A worker on a queue of its own; this process routes webhook tasks to it."""
    queue = f"newsdesk-webhooks-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"
    routes = celery_app.conf.task_routes
    # update() (not assignment) makes Celery rebuild its cached router.
    celery_app.conf.update(task_routes={"partners.tasks.webhook_delivery_task": {"queue": queue}})
    env = {"NEWSDESK_FETCH_ALLOW_PRIVATE_NETWORKS": "true"}  # the receiver is on 127.0.0.1
    try:
        with celery_worker(queues=[queue], log=log, env=env) as process:
            yield {"log": log, "process": process}
    finally:
        celery_app.conf.update(task_routes=routes)


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_delivers_the_signed_webhook(webhook_worker, receiver, journalist):
    assert not celery_app.conf.task_always_eager, "this test needs the Redis broker"
    partner, _ = services.partner_create(name="Daily Planet", webhook_url=receiver.url)
    story = newsroom.publish(factories.story(by=journalist))

    arrived = wait_for(lambda: receiver.requests)
    assert arrived, f"no webhook arrived:\n{webhook_worker['log'].read_text()[-3000:]}"
    headers, body = receiver.requests[0]
    payload = Webhook(partner.webhook_secret).verify(body, headers)
    assert payload["type"] == "story.published" and payload["data"]["slug"] == story.slug
    assert wait_for(lambda: WebhookDelivery.objects.get().status == "delivered")
    assert webhook_worker["process"].poll() is None, "the worker died"
