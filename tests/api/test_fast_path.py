"""The story fast path (StoryRepresentationView.dispatch) answers exactly as the DRF path does:
same status, headers and body, the same key check, throttle and state query."""

import pytest
from django.core.cache import cache
from django.test import Client

from partners import services as partner_services
from partners.models import PartnerKey
from stories import services, workflow
from tests import factories
from tests.api.conftest import state_queries

pytestmark = pytest.mark.django_db

SUFFIXES = ["/", "/ninjs"]


@pytest.fixture
def story(journalist):
    return factories.story(by=journalist, published=True, citations=2, faq=1, entities=1)


def both_ways(settings, send):
    """`send()`'s response through the fast path and through DRF alone, the caches emptied
    before each so both start from the same state."""
    answers = []
    for fast in (True, False):
        settings.NEWSDESK_API_FAST_PATH = fast
        cache.clear()
        answers.append(send())
    return answers


def assert_same(fast, drf):
    assert fast.status_code == drf.status_code
    assert dict(fast.headers) == dict(drf.headers)
    assert fast.content == drf.content


def fast_path_taken(monkeypatch):
    """Records the answers the fast path gave itself (None: handed on to DRF)."""
    from stories.api.views import StoryRepresentationView

    given = []
    original = StoryRepresentationView.fast_answer

    def spy(self, request, slug):
        response = original(self, request, slug)
        given.append(response)
        return response

    monkeypatch.setattr(StoryRepresentationView, "fast_answer", spy)
    return given


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_cache_hit_is_answered_alike(api, story, suffix, settings, monkeypatch):
    url = f"/api/v1/stories/{story.slug}{suffix}"

    def send():
        api.get(url)  # fills the representation cache
        return api.get(url)

    given = fast_path_taken(monkeypatch)
    fast, drf = both_ways(settings, send)
    assert fast.status_code == 200
    assert_same(fast, drf)
    assert len(given) == 2 and all(response is not None for response in given)
    assert fast["Allow"] == "GET, HEAD, OPTIONS"
    assert fast["Surrogate-Key"] == f"story-{story.slug}"


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_304_is_answered_alike(api, story, suffix, settings, django_assert_num_queries):
    url = f"/api/v1/stories/{story.slug}{suffix}"
    etag = api.get(url)["ETag"]
    fast, drf = both_ways(settings, lambda: api.get(url, HTTP_IF_NONE_MATCH=etag))
    assert fast.status_code == 304
    assert_same(fast, drf)
    settings.NEWSDESK_API_FAST_PATH = True
    api.get(url, HTTP_IF_NONE_MATCH=etag)
    with django_assert_num_queries(state_queries()):  # the key check is remembered
        assert api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


@pytest.mark.parametrize("headers", [{}, {"HTTP_AUTHORIZATION": "Api-Key nope.nope"}])
def test_401_is_answered_alike(client, story, headers, settings):
    url = f"/api/v1/stories/{story.slug}/"
    fast, drf = both_ways(settings, lambda: client.get(url, **headers))
    assert fast.status_code == 401
    assert fast["Content-Type"] == "application/problem+json"
    assert_same(fast, drf)


def test_404_and_410_are_answered_alike(
    api, journalist, editor, settings, django_assert_num_queries
):
    draft = factories.story(by=journalist, published=False)
    gone = factories.story(by=journalist, published=True)
    workflow.story_withdraw(story=gone, by=editor, reason="Sources retracted.")
    for slug, status in [("no-such-story", 404), (draft.slug, 404), (gone.slug, 410)]:
        for suffix in SUFFIXES:
            url = f"/api/v1/stories/{slug}{suffix}"
            fast, drf = both_ways(settings, lambda url=url: api.get(url))
            assert fast.status_code == status, url
            assert_same(fast, drf)
    api.get(f"/api/v1/stories/{gone.slug}/")
    settings.NEWSDESK_API_FAST_PATH = True
    with django_assert_num_queries(1):  # handed on to DRF without asking again
        assert api.get(f"/api/v1/stories/{gone.slug}/").status_code == 410


def test_429_is_answered_alike_and_each_request_counted_once(story, settings):
    """Rate 2: a hit and a 404 (handed on to DRF) count one each, the third is refused."""
    partner, key = partner_services.partner_create(name="Slow Partner", rate_per_minute=2)
    client = Client(HTTP_AUTHORIZATION=f"Api-Key {key}")

    def send():
        statuses = [
            client.get(f"/api/v1/stories/{story.slug}/").status_code,
            client.get("/api/v1/stories/no-such-story/").status_code,
        ]
        response = client.get(f"/api/v1/stories/{story.slug}/")
        return statuses, response

    (fast_statuses, fast), (drf_statuses, drf) = both_ways(settings, send)
    assert fast_statuses == drf_statuses == [200, 404]
    assert fast.status_code == drf.status_code == 429
    assert 1 <= int(fast["Retry-After"]) <= 60
    assert int(drf["Retry-After"]) - int(fast["Retry-After"]) in (-1, 0, 1)
    fast.headers.pop("Retry-After"), drf.headers.pop("Retry-After")
    assert dict(fast.headers) == dict(drf.headers)


def test_other_requests_go_to_drf_unchanged(api, story, settings):
    """Query parameters and an Accept DRF cannot serve keep DRF's answers (400, 406)."""
    url = f"/api/v1/stories/{story.slug}/"
    fast, drf = both_ways(settings, lambda: api.get(url, {"fields": "slug"}))
    assert fast.status_code == 400
    assert_same(fast, drf)
    fast, drf = both_ways(settings, lambda: api.get(url, HTTP_ACCEPT="text/csv"))
    assert fast.status_code == 406
    assert_same(fast, drf)


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_revoked_key_is_refused_at_once_through_the_fast_path(
    client, partner_key, story, suffix, monkeypatch
):
    partner, key = partner_key
    auth = {"HTTP_AUTHORIZATION": f"Api-Key {key}"}
    url = f"/api/v1/stories/{story.slug}{suffix}"
    given = fast_path_taken(monkeypatch)
    etag = client.get(url, **auth)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag, **auth).status_code == 304
    assert given[-1] is not None  # answered by the fast path, with the key remembered
    partner_services.partner_key_revoke(key=PartnerKey.objects.get(partner=partner))
    response = client.get(url, HTTP_IF_NONE_MATCH=etag, **auth)
    assert response.status_code == 401
    assert "revoked" in response.json()["detail"]
    assert given[-1] is None
    response = client.get(url, **auth)
    assert response.status_code == 401


def test_a_change_is_never_answered_stale_by_the_fast_path(api, story, editor, committed):
    url = f"/api/v1/stories/{story.slug}/"
    first = api.get(url)
    etag = first["ETag"]
    assert api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    with committed():
        services.story_record_change(story=story)
    changed = api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    with committed():
        workflow.story_withdraw(story=story, by=editor, reason="Wrong person named.")
    assert api.get(url, HTTP_IF_NONE_MATCH=changed["ETag"]).status_code == 410


@pytest.mark.redis
def test_key_check_and_count_share_one_redis_round_trip(story, settings, monkeypatch):
    """With Redis, a remembered key is checked and counted by one script; a revocation
    deletes its plain token with the entry."""
    import redis

    from partners import throttling

    partner, key = partner_services.partner_create(name="Lua Partner", rate_per_minute=3)
    client = Client(HTTP_AUTHORIZATION=f"Api-Key {key}")
    url = f"/api/v1/stories/{story.slug}/"
    assert client.get(url).status_code == 200  # remembers the key
    fallbacks = []
    original = throttling.partner_key_check
    monkeypatch.setattr(
        throttling, "partner_key_check", lambda k: fallbacks.append(k) or original(k)
    )
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    assert fallbacks == []  # both answered from the script alone
    response = client.get(url)
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    store = redis.Redis.from_url(settings.REDIS_URL)
    assert store.keys(f"*api:keytoken:{key.partition('.')[0]}")
    partner_services.partner_key_revoke(key=PartnerKey.objects.get(partner=partner))
    assert not store.keys(f"*api:keytoken:{key.partition('.')[0]}")
    assert client.get(url).status_code == 401


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_IF_MATCH": '"not-the-etag"'},
        {"HTTP_IF_UNMODIFIED_SINCE": "Mon, 01 Jan 2001 00:00:00 GMT"},
        {"HTTP_IF_NONE_MATCH": 'W/"other", "also-other"'},
    ],
    ids=["if-match", "if-unmodified-since", "if-none-match-list"],
)
def test_other_preconditions_are_answered_alike(api, story, settings, headers):
    url = f"/api/v1/stories/{story.slug}/"

    def send():
        api.get(url)
        api.get(url)  # the body and the state are remembered
        return api.get(url, **headers)

    fast, drf = both_ways(settings, send)
    assert fast.status_code == (200 if "HTTP_IF_NONE_MATCH" in headers else 412)
    assert_same(fast, drf)


def test_a_host_not_allowed_is_refused_by_the_fast_path_too(api, story, settings):
    url = f"/api/v1/stories/{story.slug}/"
    api.get(url)
    api.get(url)
    fast, drf = both_ways(settings, lambda: api.get(url, HTTP_HOST="evil.example"))
    assert fast.status_code == drf.status_code == 400
