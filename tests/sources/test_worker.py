"""End to end through Redis and a real Celery worker process: the way production runs."""

import time

import pytest
from django.db import transaction

from sources import services
from sources.models import Citation, LinkStatus, QuoteCheck
from tests import factories
from tests.celery_worker import celery_worker, wait_for


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
