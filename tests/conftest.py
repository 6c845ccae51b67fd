"""Shared fixtures. Tests marked `postgres` or `redis` need the real service: without it they
skip with the reason locally, and fail under CI=true, where both services must be there."""

import os

import pytest
from django.conf import settings
from django.db import connection

from tests import factories, write_contract

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _missing(reason: str):
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: service-backed tests must run, not skip)", pytrace=False)
    pytest.skip(reason)


def pytest_collection_modifyitems(items):
    """Give every transactional test `serialized_rollback`: it starts from the migrated data
    (templates, groups) and leaves it for the next one. Without it, the first transactional
    test's flush empties the database for all that follow, and the content types the flush
    re-creates collide with those a serialized test restores."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        kwargs = dict(marker.kwargs) if marker else {}
        uses = set(getattr(item, "fixturenames", ()))
        if not (kwargs.get("transaction") or {"transactional_db", "live_server"} & uses):
            continue
        if kwargs.get("serialized_rollback"):
            continue
        kwargs.update(transaction=True, serialized_rollback=True)
        args = marker.args if marker else ()
        item.add_marker(pytest.mark.django_db(*args, **kwargs), append=False)


@pytest.fixture(autouse=True)
def _require_services(request):
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        _missing("needs PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsdesk")
    if request.node.get_closest_marker("redis"):
        if not settings.REDIS_URL:
            _missing("needs Redis: set REDIS_URL=redis://127.0.0.1:6379/0")
        import redis

        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2).ping()
        except redis.RedisError as exc:
            _missing(f"Redis at {settings.REDIS_URL} does not answer: {exc}")


@pytest.fixture(autouse=True)
def _write_contract():
    """Every story write in every test must come from the service layer (tests/write_contract)."""
    with write_contract.enforced():
        yield


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 costs ~0.3 s per user: most of a test's time, for no test's benefit.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture
def explainer_template(db):
    from stories.models import StoryTemplate

    return StoryTemplate.objects.get(slug="explainer")


@pytest.fixture
def news_report_template(db):
    from stories.models import StoryTemplate

    return StoryTemplate.objects.get(slug="news-report")


@pytest.fixture
def journalist(db):
    return factories.journalist()


@pytest.fixture
def editor(db):
    return factories.editor()


@pytest.fixture
def superuser(db):
    return factories.UserFactory(is_staff=True, is_superuser=True, username="chief")


@pytest.fixture
def eager_tasks():
    """Run queued tasks in-process, as on a laptop, whatever REDIS_URL says (CI sets it)."""
    from newsdesk.celery import app

    before = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield app
    app.conf.task_always_eager, app.conf.task_eager_propagates = before
