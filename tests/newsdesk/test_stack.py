"""The Procfile's stack, started with honcho as `make stack` does: gunicorn answers /healthz, beat
and the prefork worker publish a due story (which gunicorn's partner API then serves at once,
though it remembered the story's earlier state), and the thread-pool worker fetches a cited
page from a local server. Then everything is stopped. PostgreSQL and Redis (CI)."""

import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from newsdesk.celery import app as celery_app
from partners import services as partner_services
from sources.models import Citation, LinkStatus
from stories import workflow
from stories.models import Story, StoryStatus
from tests import factories
from tests.celery_worker import wait_for, worker_database_url
from tests.sources.server import ArticleServer

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stack_redis_url() -> str:
    """A Redis database of the stack's own (8 above the tests'), so its workers never take
    tasks other tests left on the shared queues."""
    parts = urlsplit(settings.REDIS_URL)
    number = int(parts.path.strip("/") or 0)
    return urlunsplit(parts._replace(path=f"/{(number + 8) % 16}"))


def _status(url: str, key: str) -> int:
    request = urllib.request.Request(url, headers={"Authorization": f"Api-Key {key}"})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - ours
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own server
            return response.status == 200
    except OSError:
        return False


@pytest.fixture
def stack(tmp_path):
    port, log = _free_port(), tmp_path / "stack.log"
    redis_url = _stack_redis_url()
    venv_bin = str(Path(sys.executable).parent)
    env = {
        **os.environ,
        "PATH": f"{venv_bin}:{os.environ.get('PATH', '')}",
        "DJANGO_SETTINGS_MODULE": "newsdesk.settings",
        "DATABASE_URL": worker_database_url(),
        "REDIS_URL": redis_url,
        "WEB_CONCURRENCY": "1",
        "WORKER_CONCURRENCY": "1",
        "FETCH_CONCURRENCY": "4",
        "NEWSDESK_PUBLISH_CHECK_SECONDS": "1",
        "NEWSDESK_FETCH_ALLOW_PRIVATE_NETWORKS": "true",  # the cited page is on 127.0.0.1
        "CELERY_BEAT_SCHEDULE_FILE": str(tmp_path / "beat-schedule"),
    }
    env.pop("DATABASE_REPLICA_URL", None)
    command = [f"{venv_bin}/honcho", "start", "-f", "Procfile", "-p", str(port)]
    with log.open("w") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield {
            "url": f"http://127.0.0.1:{port}",
            "redis": redis_url,
            "log": log,
            "process": process,
        }
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_procfile_stack_serves_publishes_and_fetches(stack):
    def tail() -> str:
        return stack["log"].read_text()[-4000:]

    # A story whose scheduled time has passed: only beat + the prefork worker can publish it.
    author, editor = factories.journalist(username="stack-jo"), factories.editor(username="ed")
    story = factories.story(by=author, citations=2, headline="Published by the stack")
    workflow.story_submit(story=story, by=author)
    workflow.story_schedule(
        story=story, by=editor, publish_at=timezone.now() + dt.timedelta(days=1)
    )
    assert wait_for(lambda: _healthy(f"{stack['url']}/healthz"), timeout=30), tail()

    # A partner asks for it while it is scheduled: 404, and gunicorn remembers that state in
    # the stack's Redis (stories/api/states.py).
    _, key = partner_services.partner_create(name="Stack Partner", rate_per_minute=1000)
    detail = f"{stack['url']}/api/v1/stories/{story.slug}/"
    assert [_status(detail, key) for _ in range(3)] == [404, 404, 404]
    assert redis.Redis.from_url(stack["redis"]).keys(f"*api:state:*:{story.slug}")

    Story.objects.filter(pk=story.pk).update(scheduled_for=timezone.now() - dt.timedelta(hours=1))
    assert wait_for(
        lambda: Story.objects.get(pk=story.pk).status == StoryStatus.PUBLISHED, timeout=30
    ), f"beat and the worker did not publish the due story:\n{tail()}"
    # Published by another process (the worker): the remembered state must not outlive it
    # (it would for NEWSDESK_API_STATE_SECONDS, 60 s, had the worker's commit not moved the
    # story's epoch).
    assert wait_for(lambda: _status(detail, key) == 200, timeout=5), tail()
    page = urllib.request.urlopen(f"{stack['url']}/stories/{story.slug}/", timeout=5)  # noqa: S310
    assert b"Published by the stack" in page.read()

    # A citation fetch, sent to the stack's "fetch" queue: the thread-pool worker takes it.
    with ArticleServer() as server:
        citation = Citation.objects.create(
            story=story, url=server.url("/article"), claim="What the source says."
        )
        Citation.objects.filter(pk=citation.pk).update(link_status=LinkStatus.PENDING)
        with celery_app.connection_for_write(stack["redis"]) as connection:
            celery_app.send_task(
                "sources.tasks.citation_fetch_task",
                args=[citation.pk],
                queue="fetch",
                connection=connection,
            )
        assert wait_for(
            lambda: Citation.objects.get(pk=citation.pk).link_status == LinkStatus.FETCHED,
            timeout=30,
        ), f"the I/O worker did not fetch the page:\n{tail()}"
    assert Citation.objects.get(pk=citation.pk).title == "Allies hold drills as tension rises"
    assert stack["process"].poll() is None, f"the stack stopped early:\n{tail()}"
