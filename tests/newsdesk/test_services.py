"""The real services production runs on: PostgreSQL and Redis."""

import pytest
from django.db import IntegrityError, connection, transaction


@pytest.mark.postgres
@pytest.mark.django_db
def test_runs_on_postgresql_with_conditional_unique_outlet_domains():
    from sources.models import Outlet

    assert connection.vendor == "postgresql"
    Outlet.objects.create(name="No domain one")
    Outlet.objects.create(name="No domain two")
    Outlet.objects.create(name="AP", domain="apnews.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        Outlet.objects.create(name="AP again", domain="apnews.com")


@pytest.mark.redis
def test_cache_and_celery_broker_use_redis(settings):
    from django.core.cache import cache

    from newsdesk.celery import app

    assert settings.CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache"
    cache.set("newsdesk-test-key", {"a": 1}, 10)
    assert cache.get("newsdesk-test-key") == {"a": 1}
    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1)
        assert conn.transport_cls == "redis"
