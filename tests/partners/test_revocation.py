"""Revoking a key while Redis refuses writes: the database decides until Redis has forgotten
the key's remembered check, and the admin says what happened. Against a real Redis of the
test's own (pausing or demoting the shared one would stall every other test using it)."""

import shutil
import socket
import subprocess
import time

import pytest
import redis
from django.contrib.messages import get_messages
from django.test import Client

from partners import services
from partners.models import PartnerKey
from tests import factories

# Transactional: a revocation waits for the cache once its own transaction has committed.
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.redis]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def own_redis(settings):
    """A redis-server of this test's own, as the default cache (as production's Redis is)."""
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    port = free_port()
    server = subprocess.Popen(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    store = redis.Redis(port=port)
    for _ in range(50):
        try:
            store.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.1)
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "KEY_PREFIX": "newsdesk",
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 1,
                "SOCKET_TIMEOUT": 1,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
    yield store
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture
def remembered(own_redis, journalist):
    """A partner whose key the cache remembers (detail and list answered from it)."""
    story = factories.story(by=journalist, published=True)
    partner, key = services.partner_create(name="Daily Planet", rate_per_minute=10_000)
    client = Client(HTTP_AUTHORIZATION=f"Api-Key {key}")
    urls = [f"/api/v1/stories/{story.slug}/", "/api/v1/stories/"]
    for url in urls:
        assert client.get(url).status_code == 200
    assert own_redis.keys("*api:keytoken:*")
    return partner, client, urls


def admin_revoke(superuser, partner):
    admin = Client()
    admin.force_login(superuser)
    response = admin.post(
        "/admin/partners/partnerkey/",
        {"action": "revoke", "_selected_action": [partner.keys.get().pk]},
        follow=True,
    )
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def test_a_revocation_outlasts_a_write_pause_and_stops_the_key_at_once(
    own_redis, remembered, superuser
):
    partner, client, urls = remembered
    own_redis.execute_command("CLIENT", "PAUSE", "2500", "WRITE")
    started = time.monotonic()
    message = admin_revoke(superuser, partner)
    assert time.monotonic() - started >= 1  # it waited for Redis to take the deletion
    assert "stop working at once" in message
    assert not own_redis.keys("*api:keytoken:*")
    for url in urls:
        assert client.get(url).status_code == 401, url


def test_while_redis_refuses_writes_the_database_decides_and_the_admin_says_so(
    own_redis, remembered, superuser, monkeypatch
):
    partner, client, urls = remembered
    monkeypatch.setattr(services, "REVOKE_WAIT_SECONDS", 0.5)
    # A replica is read-only: every write (and every script that writes) is refused.
    own_redis.execute_command("REPLICAOF", "127.0.0.1", str(free_port()))
    message = admin_revoke(superuser, partner)
    assert PartnerKey.objects.get(partner=partner).revoked
    assert "Redis refused" in message and "up to 60 s" in message
    assert "at once" not in message.replace("checked in the database", "")
    assert own_redis.keys("*api:keytoken:*")  # the remembered check is still there…
    for url in urls:  # …yet the key is refused: the database decides, on both paths
        response = client.get(url)
        assert response.status_code == 401, url
        assert "revoked" in response.json()["detail"]
