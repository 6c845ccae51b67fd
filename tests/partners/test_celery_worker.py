"""A real Celery worker over Redis sends the webhook a committed change queued (in CI)."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from standardwebhooks import Webhook

from newsdesk.celery import app as celery_app
from partners import services
from partners.models import WebhookDelivery
from tests import factories
from tests.api import newsroom

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    """The test database, for the worker process (it must see the rows this test commits)."""
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return f"postgres://{db['USER']}{password}@{host}:{port}/{db['NAME']}"


@pytest.fixture
def webhook_worker(tmp_path):
    """A worker on a queue of its own; this process routes webhook tasks to it."""
    queue = f"newsdesk-webhooks-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "NEWSDESK_FETCH_ALLOW_PRIVATE_NETWORKS": "true",  # the receiver is on 127.0.0.1
        "DJANGO_SETTINGS_MODULE": "newsdesk.settings",
    }
    command = [sys.executable, "-m", "celery", "-A", "newsdesk", "worker", "--pool=solo"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    command += [f"--queues={queue}", f"--hostname=test-{queue}@%h", "--loglevel=INFO"]
    routes = celery_app.conf.task_routes
    # update() (not assignment) makes Celery rebuild its cached router.
    celery_app.conf.update(task_routes={"partners.tasks.webhook_delivery_task": {"queue": queue}})
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        yield {"log": log, "process": process}
    finally:
        celery_app.conf.update(task_routes=routes)
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_delivers_the_signed_webhook(webhook_worker, receiver, journalist):
    assert not celery_app.conf.task_always_eager, "this test needs the Redis broker"
    partner, _ = services.partner_create(name="Daily Planet", webhook_url=receiver.url)
    story = newsroom.publish(factories.story(by=journalist))

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not receiver.requests:
        time.sleep(0.1)
    assert receiver.requests, f"no webhook arrived:\n{webhook_worker['log'].read_text()[-3000:]}"
    headers, body = receiver.requests[0]
    payload = Webhook(partner.webhook_secret).verify(body, headers)
    assert payload["type"] == "story.published" and payload["data"]["slug"] == story.slug
    while time.monotonic() < deadline:
        if WebhookDelivery.objects.get().status == "delivered":
            break
        time.sleep(0.1)
    assert WebhookDelivery.objects.get().status == "delivered"
    assert webhook_worker["process"].poll() is None, "the worker died"
