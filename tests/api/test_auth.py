"""Keys: only valid keys of active partners get in; each partner has its own rate."""

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from partners import services
from partners.models import PartnerKey
from tests import factories

pytestmark = pytest.mark.django_db

STORIES = "/api/v1/stories/"


def assert_problem(response, status: int):
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert body["title"] and body["detail"]
    return body


def test_no_key_is_401_problem_with_www_authenticate(client):
    response = client.get(STORIES)
    body = assert_problem(response, 401)
    assert response["WWW-Authenticate"] == "Api-Key"
    assert "Api-Key" in body["detail"]


@pytest.mark.parametrize(
    "header",
    ["Api-Key nonsense", "Api-Key abc.def", "Bearer something", "Api-Key "],
)
def test_wrong_keys_are_401(client, partner_key, header):
    response = client.get(STORIES, HTTP_AUTHORIZATION=header)
    assert_problem(response, 401)


def test_valid_key_gets_in(api):
    assert api.get(STORIES).status_code == 200


def test_key_is_stored_hashed_never_in_clear(partner_key):
    partner, key = partner_key
    stored = PartnerKey.objects.get(partner=partner)
    assert key.startswith(stored.prefix + ".")
    assert key not in stored.hashed_key and key not in stored.id
    assert stored.hashed_key.startswith("sha512$$")


def test_revoked_key_is_401_at_once(client, partner_key):
    partner, key = partner_key
    auth = {"HTTP_AUTHORIZATION": f"Api-Key {key}"}
    assert client.get(STORIES, **auth).status_code == 200
    services.partner_key_revoke(key=PartnerKey.objects.get(partner=partner))
    body = assert_problem(client.get(STORIES, **auth), 401)
    assert "revoked" in body["detail"]


def test_expired_key_is_401(client, partner_key):
    partner, key = partner_key
    PartnerKey.objects.filter(partner=partner).update(
        expiry_date=timezone.now() - dt.timedelta(minutes=1)
    )
    assert_problem(client.get(STORIES, HTTP_AUTHORIZATION=f"Api-Key {key}"), 401)


def test_deactivated_partner_keys_stop_working(client, partner_key):
    partner, key = partner_key
    partner.active = False
    partner.save()
    assert_problem(client.get(STORIES, HTTP_AUTHORIZATION=f"Api-Key {key}"), 401)


def test_a_second_key_works_alongside_the_first(client, partner_key):
    partner, first = partner_key
    second = services.partner_key_issue(partner=partner, name="rotation")
    for key in (first, second):
        assert client.get(STORIES, HTTP_AUTHORIZATION=f"Api-Key {key}").status_code == 200


def test_partner_create_command_prints_a_working_key_and_secret_once(client, capsys):
    call_command(
        "partner_create", "The Bugle", "--webhook-url", "https://bugle.example/hooks/newsdesk"
    )
    out = capsys.readouterr().out
    key = next(line.split(": ", 1)[1] for line in out.splitlines() if line.startswith("API key"))
    secret = next(
        line.split(": ", 1)[1] for line in out.splitlines() if line.startswith("Webhook secret")
    )
    assert secret.startswith("whsec_")
    assert client.get(STORIES, HTTP_AUTHORIZATION=f"Api-Key {key}").status_code == 200


def test_partner_create_command_refuses_a_bad_webhook_url():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="webhook_url"):
        call_command("partner_create", "Broken", "--webhook-url", "not a url")


def test_over_the_partners_rate_is_429_with_retry_after(client):
    _, key = services.partner_create(name="Small Partner", rate_per_minute=3)
    auth = {"HTTP_AUTHORIZATION": f"Api-Key {key}"}
    assert [client.get(STORIES, **auth).status_code for _ in range(3)] == [200, 200, 200]
    response = client.get(STORIES, **auth)
    body = assert_problem(response, 429)
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "try again" in body["detail"]


def test_rates_are_counted_per_partner_not_shared(client):
    _, small = services.partner_create(name="Small Partner", rate_per_minute=2)
    _, other = services.partner_create(name="Other Partner", rate_per_minute=2)
    for _ in range(2):
        client.get(STORIES, HTTP_AUTHORIZATION=f"Api-Key {small}")
    assert client.get(STORIES, HTTP_AUTHORIZATION=f"Api-Key {small}").status_code == 429
    assert client.get(STORIES, HTTP_AUTHORIZATION=f"Api-Key {other}").status_code == 200


def test_all_keys_of_a_partner_share_its_rate(client):
    partner, first = services.partner_create(name="Two Keys", rate_per_minute=2)
    second = services.partner_key_issue(partner=partner)
    client.get(STORIES, HTTP_AUTHORIZATION=f"Api-Key {first}")
    client.get(STORIES, HTTP_AUTHORIZATION=f"Api-Key {second}")
    assert client.get(STORIES, HTTP_AUTHORIZATION=f"Api-Key {first}").status_code == 429


@pytest.mark.redis
def test_throttle_counts_are_shared_through_redis(settings):
    """Two web processes share the count: it lives in Redis, not in process memory."""
    import redis

    assert settings.CACHES["default"]["BACKEND"] == "django_redis.cache.RedisCache"
    partner, key = services.partner_create(name="Busy Partner", rate_per_minute=2)
    auth = {"HTTP_AUTHORIZATION": f"Api-Key {key}"}
    first_process, second_process = Client(**auth), Client(**auth)
    assert first_process.get(STORIES).status_code == 200
    assert second_process.get(STORIES).status_code == 200
    stored = redis.Redis.from_url(settings.REDIS_URL).keys(f"*throttle:partner:{partner.pk}")
    assert stored, "the partner's request count is not in Redis"
    response = first_process.get(STORIES)
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1


def test_problem_details_for_a_bad_parameter_name_the_parameter(api):
    body = assert_problem(api.get(STORIES, {"published_after": "last tuesday"}), 400)
    assert "published_after" in body["errors"]
    assert "published_after" in body["detail"]


def test_unknown_api_path_is_a_json_404(api):
    body = assert_problem(api.get("/api/v1/nothing-here/"), 404)
    assert "/api/docs/" in body["detail"]
    body = assert_problem(api.get("/api/v1/stories"), 404)
    assert "/api/v1/stories/" in body["detail"]


def test_errors_are_json_not_html_even_for_404(api):
    factories.story(published=False)
    response = api.get("/api/v1/stories/no-such-story/")
    assert_problem(response, 404)
    json.loads(response.content)
