"""Scheduled publishing through the beat task: a real Celery worker process over Redis (in CI),
and the same journey in eager mode (everywhere)."""

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from stories import visibility, workflow
from stories.models import Story, StoryStatus
from stories.signals import story_changed
from stories.tasks import publish_due_stories_task
from tests import factories
from tests.celery_worker import celery_worker, wait_for


def scheduled_stories(editor):
    """One story whose time came while nobody was looking, one due tomorrow."""
    author = factories.journalist(username="jo")
    due, later = (
        factories.story(by=author, citations=2, headline=headline)
        for headline in ("Due while the beat was down", "Due tomorrow")
    )
    for story in (due, later):
        workflow.story_submit(story=story, by=author)
        workflow.story_schedule(
            story=story, by=editor, publish_at=timezone.now() + dt.timedelta(days=1)
        )
    Story.objects.filter(pk=due.pk).update(scheduled_for=timezone.now() - dt.timedelta(hours=2))
    return due, later


def assert_published_once(due, later, events):
    due.refresh_from_db()
    later.refresh_from_db()
    assert (due.status, later.status) == (StoryStatus.PUBLISHED, StoryStatus.SCHEDULED)
    assert visibility.story_is_visible(due) and due.announced_at is not None
    step = due.transitions.latest("id")
    assert (step.action, step.by_id, step.to_status) == ("publish_scheduled", None, "published")
    assert events == [due.pk]


@pytest.fixture
def published_events():
    seen = []

    def receiver(sender, story, event, **kwargs):
        if event == "published":
            seen.append(story.pk)

    story_changed.connect(receiver, dispatch_uid="test-celery-published")
    yield seen
    story_changed.disconnect(dispatch_uid="test-celery-published")


@pytest.mark.django_db
def test_the_task_publishes_due_stories_in_eager_mode(published_events):
    from newsdesk.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    try:
        due, later = scheduled_stories(factories.editor(username="eddie"))
        publish_due_stories_task.delay()
        publish_due_stories_task.delay()  # an overlapping run publishes nothing twice
    finally:
        app.conf.task_always_eager = before
    assert_published_once(due, later, published_events)


@pytest.fixture
def worker(tmp_path):
    """A Celery worker process on a queue of its own, against the test database and Redis."""
    queue = f"newsdesk-test-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"
    with celery_worker(queues=[queue], log=log) as process:
        yield {"queue": queue, "log": log, "process": process}


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_publishes_due_stories(worker, published_events):
    due, later = scheduled_stories(factories.editor(username="eddie"))
    # What the beat sends every minute, sent once here to the worker's own queue.
    publish_due_stories_task.apply_async(queue=worker["queue"])

    def published():
        return Story.objects.get(pk=due.pk).status == StoryStatus.PUBLISHED

    finished = wait_for(published, timeout=60)
    assert finished, f"the worker did not publish the story:\n{worker['log'].read_text()[-3000:]}"
    assert worker["process"].poll() is None, "the worker died"
    # The signal went out in the worker's process, not here; the row says it was announced.
    due.refresh_from_db()
    assert due.announced_at is not None
    assert_published_once(due, later, [due.pk])
    assert published_events == []
