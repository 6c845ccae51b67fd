"""End to end through Redis and real Celery worker processes: the way production runs, and
how it recovers when a worker is killed."""

import signal
import time

import pytest
from django.db import transaction

from sources import services
from sources.models import Citation, LinkStatus, QuoteCheck
from tests import factories
from tests.celery_worker import celery_worker, wait_for
from tests.sources.server import ARTICLE_JSONLD, Page


@pytest.fixture
def fetch_worker(tmp_path):
    """A worker on the fetch queue with a thread pool, pointed at the test database."""
    from newsdesk.celery import app

    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge("fetch")
    log = tmp_path / "worker.log"
    env = {"NEWSDESK_FETCH_ALLOW_PRIVATE_NETWORKS": "true", "DEBUG": "true"}
    with celery_worker(queues=["fetch"], pool="threads", concurrency=4, log=log, env=env):
        yield log


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
        pytest.fail(f"The worker did not fetch in time:\n{fetch_worker.read_text()[-3000:]}")
    assert citation.link_status == LinkStatus.FETCHED, citation.link_reason
    assert citation.title == "Allies hold drills as tension rises"
    assert citation.quote_check == QuoteCheck.VERIFIED
    assert citation.latest_snapshot.final_url == article_server.url("/article")


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_fetches_held_by_a_killed_worker_are_redone_by_another(article_server, tmp_path):
    """SIGKILL a worker in the middle of three fetches: a second worker redoes them once the
    broker's visibility timeout (here 3 s) has passed, and each is archived once."""
    from newsdesk.celery import app

    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge("fetch")
    env = {
        "NEWSDESK_FETCH_ALLOW_PRIVATE_NETWORKS": "true",
        "DEBUG": "true",
        "NEWSDESK_TASK_VISIBILITY_TIMEOUT": "3",
        "NEWSDESK_FETCH_PER_HOST": "10",
        "NEWSDESK_FETCH_TIMEOUT": "120",
        "NEWSDESK_FETCH_READ_TIMEOUT": "120",
    }
    article_server.pages["/hanging"] = Page(body=ARTICLE_JSONLD, delay=60)
    story = factories.story()
    citations = [
        Citation.objects.create(story=story, url=article_server.url("/hanging"), claim="x")
        for _ in range(3)
    ]
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    with celery_worker(
        queues=["fetch"], pool="threads", concurrency=4, log=first_log, env=env
    ) as first:
        for citation in citations:
            services.citation_schedule_fetch(citation=citation)  # queued at once: autocommit
        if not article_server.wait_for("/hanging", 3, timeout=60):
            pytest.fail(f"The first worker did not start the fetches:\n{first_log.read_text()}")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    assert all(c.link_status == LinkStatus.PENDING for c in Citation.objects.filter(story=story))

    article_server.pages["/hanging"] = Page(body=ARTICLE_JSONLD)  # the outlet is fast again
    started = time.monotonic()
    with celery_worker(queues=["fetch"], pool="threads", concurrency=4, log=second_log, env=env):

        def all_fetched():
            statuses = Citation.objects.filter(story=story).values_list("link_status", flat=True)
            return set(statuses) == {LinkStatus.FETCHED}

        if not wait_for(all_fetched, timeout=45):
            pytest.fail(f"The fetches were not redone:\n{second_log.read_text()[-3000:]}")
        time.sleep(4)  # longer than the visibility timeout: nothing more is handed out
    assert time.monotonic() - started < 45
    assert article_server.hits["/hanging"] == 6  # three cut off, three redone, none twice
    for citation in Citation.objects.filter(story=story):
        assert citation.snapshots.count() == 1
        assert (citation.fetch_attempts, citation.fetch_due_at) == (0, None)
        assert citation.title == "Allies hold drills as tension rises"
