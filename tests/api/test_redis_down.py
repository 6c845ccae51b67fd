"""When Redis (cache, throttle counts, remembered keys) is down, partners and readers are still
served from the database, and a revoked key is still refused."""

import pytest

from partners import services

pytestmark = pytest.mark.django_db

DEAD_REDIS = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {
            "SOCKET_CONNECT_TIMEOUT": 0.2,
            "SOCKET_TIMEOUT": 0.2,
            "IGNORE_EXCEPTIONS": True,
        },
    }
}
SLUG = "north-korea-fires-missile-as-allies-drill"


@pytest.fixture
def redis_down(settings):
    settings.CACHES = DEAD_REDIS
    return settings


def test_story_list_and_page_are_served_without_redis(api, demo, redis_down, client):
    detail = api.get(f"/api/v1/stories/{SLUG}/")
    assert detail.status_code == 200 and detail.json()["slug"] == SLUG
    assert api.get(f"/api/v1/stories/{SLUG}/", HTTP_IF_NONE_MATCH=detail["ETag"]).status_code == 304
    assert SLUG in [item["slug"] for item in api.get("/api/v1/stories/").json()["results"]]
    assert client.get(f"/stories/{SLUG}/").status_code == 200


def test_a_revoked_key_is_refused_without_redis(api, partner_key, demo, redis_down):
    partner, _ = partner_key
    for key in partner.keys.all():
        services.partner_key_revoke(key=key)
    assert api.get(f"/api/v1/stories/{SLUG}/").status_code == 401
