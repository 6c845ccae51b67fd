"""End to end through Redis and a real Celery worker process: the way production runs."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from sources import services
from sources.models import Citation, LinkStatus, QuoteCheck
from tests import factories

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


@pytest.fixture
def fetch_worker():
    """A worker on the fetch queue with a thread pool, pointed at the test database."""
    from newsdesk.celery import app

    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge("fetch")
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "NEWSDESK_FETCH_ALLOW_PRIVATE_NETWORKS": "true",
        "DEBUG": "true",
    }
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "newsdesk", "worker", "-Q", "fetch"]
        + ["--pool", "threads", "--concurrency", "4", "--loglevel", "WARNING"]
        + ["--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    yield worker
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=15)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


def wait_for(predicate, timeout: float = 60.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_fetches_the_citation_after_commit(article_server, fetch_worker):
    from newsdesk.celery import app

    assert not app.conf.task_always_eager
    citation = Citation.objects.create(
        story=factories.story(),
        url=article_server.url("/moved"),
        claim="Three navies held drills.",
        quote="we will respond to any provocation",
    )
    with transaction.atomic():
        services.citation_schedule_fetch(citation=citation)
        time.sleep(0.2)
        assert "/moved" not in article_server.hits  # nothing before the commit

    def settled():
        citation.refresh_from_db()
        return citation.link_status != LinkStatus.PENDING

    if not wait_for(settled):
        fetch_worker.terminate()
        pytest.fail(f"The worker did not fetch in time:\n{fetch_worker.communicate()[0][-3000:]}")
    assert citation.link_status == LinkStatus.FETCHED, citation.link_reason
    assert citation.title == "Allies hold drills as tension rises"
    assert citation.quote_check == QuoteCheck.VERIFIED
    assert citation.latest_snapshot.final_url == article_server.url("/article")
