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
