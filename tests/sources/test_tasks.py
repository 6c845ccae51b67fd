"""The sources' Celery wiring: the fetch queue and the beat entries."""

from django.conf import settings

from newsdesk.celery import app


def test_fetches_go_to_the_fetch_queue():
    assert settings.CELERY_TASK_ROUTES["sources.tasks.citation_fetch_task"] == {"queue": "fetch"}


def test_beat_runs_link_health_daily_and_the_pending_sweep_every_few_minutes():
    app.loader.import_default_modules()
    beat = settings.CELERY_BEAT_SCHEDULE
    health, sweep = beat["sources-link-health"], beat["sources-pending-sweep"]
    assert health["schedule"] == 24 * 60 * 60
    assert sweep["schedule"] <= 10 * 60
    assert {health["task"], sweep["task"]} <= set(app.tasks)


def test_a_killed_workers_tasks_come_back_within_minutes_not_an_hour():
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    assert options["visibility_timeout"] == settings.NEWSDESK_TASK_VISIBILITY_TIMEOUT
    assert 60 <= options["visibility_timeout"] <= 30 * 60
    # Above the longest task run: a fetch stops at its deadline.
    assert options["visibility_timeout"] > 10 * settings.NEWSDESK_FETCH_TIMEOUT
    assert app.conf.broker_transport_options["visibility_timeout"] == options["visibility_timeout"]


def test_the_sources_tasks_are_acknowledged_after_they_ran():
    from sources import tasks

    for task in (tasks.citation_fetch_task, tasks.pending_sweep_task, tasks.link_health_task):
        assert task.acks_late and task.reject_on_worker_lost, task.name
