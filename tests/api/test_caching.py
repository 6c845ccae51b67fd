"""Caching in the partner API: key checks and story representations are remembered, and a
partner never gets a stale representation, nor a 304 for a stale copy, once a change commits."""

import json

import pytest
from django.db import connection
from django.test import Client
from rest_framework.renderers import JSONRenderer

from partners import services as partner_services
from partners.models import PartnerKey
from sources import services as source_services
from sources.models import Citation, LinkStatus
from stories import services, workflow
from stories.api.serializers import StorySerializer
from stories.models import Correction, Story
from stories.selectors import story_with_parts
from tests import factories
from tests.api.conftest import state_queries

pytestmark = pytest.mark.django_db

STORIES = "/api/v1/stories/"


@pytest.fixture
def story(journalist):
    return factories.story(by=journalist, published=True, citations=3, faq=2, entities=2)


@pytest.fixture
def known(api):
    """The API client with its key already checked (and so remembered)."""
    assert api.get("/api/v1/changes/").status_code == 200
    connection.features.supports_json_field  # noqa: B018 - SQLite asks once per connection
    return api


# --- Query counts ----------------------------------------------------------------------------


def test_detail_query_counts_cold_warm_and_304(known, story, django_assert_num_queries):
    url = f"{STORIES}{story.slug}/"
    # Cold: the state + the story row with every part inside as JSON arrays.
    with django_assert_num_queries(2):
        cold = known.get(url)
    assert cold.status_code == 200
    # The state decides 404/410/304 before any cache; with Redis it is remembered too.
    with django_assert_num_queries(state_queries()):
        warm = known.get(url)
    assert warm.content == cold.content
    assert warm["ETag"] == cold["ETag"]
    with django_assert_num_queries(state_queries()):
        revalidated = known.get(url, HTTP_IF_NONE_MATCH=cold["ETag"])
    assert revalidated.status_code == 304


def test_ninjs_is_cached_apart_from_json(known, story, django_assert_num_queries):
    json_body = known.get(f"{STORIES}{story.slug}/").content
    with django_assert_num_queries(4 + state_queries()):  # the state is shared with JSON
        ninjs = known.get(f"{STORIES}{story.slug}/ninjs")
    with django_assert_num_queries(state_queries()):
        assert known.get(f"{STORIES}{story.slug}/ninjs").content == ninjs.content
    assert ninjs.content != json_body
    assert ninjs.json()["uri"]


@pytest.mark.parametrize("template", ["explainer", "news-report"])
def test_the_document_is_what_the_schema_serializer_says(known, journalist, template):
    """Built from plain dicts over JSON-aggregated parts, the document is exactly what the
    serializer documented in the OpenAPI schema gives for the fully loaded story."""
    story = factories.story(
        template=template, by=journalist, published=True, citations=3, faq=2, entities=2
    )
    citation = story.citations.first()
    Citation.objects.filter(pk=citation.pk).update(
        outlet=None, section=None, url="https://gone.example/a", link_status=LinkStatus.GONE
    )
    Correction.objects.create(story=story, text="A name was misspelled.")
    body = known.get(f"{STORIES}{story.slug}/").json()
    loaded = story_with_parts(Story.objects.filter(pk=story.pk)).get()
    assert body == json.loads(JSONRenderer().render(StorySerializer(loaded).data))
    assert body["corrections"][0]["text"] == "A name was misspelled."
    assert (body["dateline"] is not None) == (template == "news-report")


def test_list_items_are_whole_stories_from_the_cache(known, journalist, django_assert_num_queries):
    stories = [
        factories.story(by=journalist, published=True, citations=2, faq=1, entities=2)
        for _ in range(20)
    ]
    # Cold, whatever the page size: the page + the story rows with their parts.
    with django_assert_num_queries(2):
        small = known.get(STORIES, {"limit": 5})
    with django_assert_num_queries(2):
        full = known.get(STORIES, {"limit": 20})
    # Warm: the page query only.
    with django_assert_num_queries(1):
        assert known.get(STORIES, {"limit": 5}).content == small.content
    with django_assert_num_queries(1):
        assert known.get(STORIES, {"limit": 20}).content == full.content
    items = full.json()["results"]
    assert len(items) == 20
    detail = known.get(f"{STORIES}{stories[0].slug}/").json()
    assert next(item for item in items if item["slug"] == stories[0].slug) == detail
    assert {"sections", "citations", "faq", "entities", "corrections"} <= set(items[0])


def test_limit_and_page_size_are_one_knob(known, journalist):
    for _ in range(3):
        factories.story(by=journalist, published=True)
    assert len(known.get(STORIES, {"limit": 2}).json()["results"]) == 2
    assert len(known.get(STORIES, {"page_size": 2, "limit": 2}).json()["results"]) == 2
    response = known.get(STORIES, {"page_size": 2, "limit": 3})
    assert response.status_code == 400
    assert "limit" in response.json()["errors"]
    assert known.get(STORIES, {"limit": 0}).status_code == 400


def test_cache_off_builds_every_time(known, story, settings, django_assert_num_queries):
    settings.NEWSDESK_API_CACHE = False
    url = f"{STORIES}{story.slug}/"
    first = known.get(url)
    with django_assert_num_queries(2):
        assert known.get(url).content == first.content


# --- Key checks ------------------------------------------------------------------------------


def test_revoked_key_stops_at_once(known, partner_key):
    partner, _ = partner_key
    partner_services.partner_key_revoke(key=partner.keys.get())
    assert known.get(STORIES).status_code == 401


@pytest.mark.parametrize("how", ["service", "key admin page", "partner deactivated"])
def test_a_check_read_just_before_a_revocation_commits_is_not_remembered(
    known, partner_key, superuser, committed, how
):
    """The race: a request reads the key's row, the revocation commits and forgets the
    remembered check, then the request remembers what it read. The key must stay refused."""
    from partners import authentication

    partner, key = partner_key
    api_key = PartnerKey.objects.get_from_key(key)  # the request's read, before the change
    with committed():
        if how == "service":
            partner_services.partner_key_revoke(key=partner.keys.get())
        elif how == "key admin page":
            admin = Client()
            admin.force_login(superuser)
            admin.post(
                f"/admin/partners/partnerkey/{api_key.pk}/change/",
                {"name": api_key.name, "expiry_date_0": "", "expiry_date_1": "", "revoked": "on"},
            )
        else:
            partner.active = False
            partner.save()
            authentication.partner_forget(partner_id=partner.pk)
    authentication._remember(key, api_key)  # ...and remembers it after the commit
    assert known.get(STORIES).status_code == 401
    assert known.get(f"{STORIES}no-such-story/").status_code == 401


def test_deactivated_partner_stops_at_once(known, partner_key, superuser):
    partner, _ = partner_key
    admin = Client()
    admin.force_login(superuser)
    response = admin.post(
        f"/admin/partners/partner/{partner.pk}/change/",
        {
            "name": partner.name,
            "rate_per_minute": partner.rate_per_minute,
            "webhook_url": "",
            "notes": "",
            "contact_name": "",
            "contact_email": "",
            "keys-TOTAL_FORMS": "1",
            "keys-INITIAL_FORMS": "1",
            "keys-MIN_NUM_FORMS": "0",
            "keys-MAX_NUM_FORMS": "1000",
            "keys-0-id": partner.keys.get().pk,
            "keys-0-partner": partner.pk,
            "keys-0-expiry_date_0": "",
            "keys-0-expiry_date_1": "",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    partner.refresh_from_db()
    assert not partner.active
    assert known.get(STORIES).status_code == 401


def test_key_revoked_in_its_admin_page_stops_at_once(known, partner_key, superuser):
    key = partner_key[0].keys.get()
    admin = Client()
    admin.force_login(superuser)
    response = admin.post(
        f"/admin/partners/partnerkey/{key.pk}/change/",
        {"name": key.name, "expiry_date_0": "", "expiry_date_1": "", "revoked": "on"},
    )
    assert response.status_code == 302, response.content[:2000]
    assert known.get(STORIES).status_code == 401


def test_a_new_rate_counts_at_once(known, partner_key, settings):
    partner, _ = partner_key
    partner.rate_per_minute = 2  # the request that remembered the key counts as one
    partner.save()
    from partners.authentication import partner_forget

    partner_forget(partner_id=partner.pk)
    assert known.get(STORIES).status_code == 200
    throttled = known.get(STORIES)
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0


def test_a_remembered_prefix_does_not_let_another_secret_in(known, partner_key):
    _, key = partner_key
    prefix = key.partition(".")[0]
    forged = Client(HTTP_AUTHORIZATION=f"Api-Key {prefix}.{'x' * 32}")
    assert forged.get(STORIES).status_code == 401
    assert known.get(STORIES).status_code == 200


def test_key_cache_can_be_turned_off(api, partner_key, settings, django_assert_num_queries):
    settings.NEWSDESK_API_KEY_CACHE_SECONDS = 0
    api.get("/api/v1/changes/")
    with django_assert_num_queries(2):  # the key and the change log
        api.get("/api/v1/changes/")
    assert PartnerKey.objects.count() == 1


# --- Never stale -----------------------------------------------------------------------------


def _edit_headline(story, journalist):
    type(story).objects.filter(pk=story.pk).update(headline="A new headline")
    services.story_record_change(story=story, by=journalist)
    return lambda body: body["headline"] == "A new headline"


def _correct(story, journalist):
    workflow.story_correct(story=story, by=factories.editor(), text="We misspelled a name.")
    return lambda body: [c["text"] for c in body["corrections"]] == ["We misspelled a name."]


def _edit_entity(story, journalist):
    entity = story.entity_links.first().entity
    entity.description = "A freshly reviewed card."
    entity.save()
    return lambda body: "A freshly reviewed card." in [e["description"] for e in body["entities"]]


def _edit_outlet(story, journalist):
    outlet = story.citations.first().outlet
    outlet.name = "The Renamed Gazette"
    outlet.save()
    return lambda body: (
        "The Renamed Gazette" in [c["outlet"]["name"] for c in body["citations"] if c["outlet"]]
    )


def _refetch_citation(story, journalist):
    citation = story.citations.first()
    citation.url = "https://example.org/cited"
    citation.save()
    source_services.citation_schedule_fetch(citation=citation)
    # Pending, or already the fetch's outcome where tasks run eagerly at the commit.
    return lambda body: any(
        c["url"] == "https://example.org/cited" and c["link_status"] for c in body["citations"]
    )


def _clear_link(story, journalist):
    citation = story.citations.first()
    type(citation).objects.filter(pk=citation.pk).update(
        url="https://example.org/gone", link_status=LinkStatus.GONE
    )
    services.stories_mark_shown_parts_changed(story_ids=[story.pk])
    citation.refresh_from_db()
    source_services.citation_clear_link(citation=citation)
    return lambda body: LinkStatus.GONE not in [c["link_status"] for c in body["citations"]]


@pytest.mark.parametrize(
    "change",
    [_edit_headline, _correct, _edit_entity, _edit_outlet, _refetch_citation, _clear_link],
)
@pytest.mark.parametrize("suffix", ["/", "/ninjs"])
def test_a_partner_never_gets_a_stale_copy(known, story, journalist, change, suffix, committed):
    url = f"{STORIES}{story.slug}{suffix}"
    before = known.get(url)
    known.get(STORIES)  # the list cache holds the old version too
    assert known.get(url).content == before.content  # served from the cache
    with committed():
        shows_change = change(story, journalist)
    after = known.get(url)
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    revalidated = known.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
    assert revalidated.status_code == 200
    assert revalidated.content == after.content
    if suffix == "/":  # (ninjs shows no entity descriptions, say; its ETag moves all the same)
        assert after.content != before.content
        assert shows_change(after.json())
        item = next(i for i in known.get(STORIES).json()["results"] if i["slug"] == story.slug)
        assert item == after.json()
    if change not in (_edit_headline, _correct):
        # Nor a 304 on a date: `updated_at` does not move for these changes.
        since = known.get(url, HTTP_IF_MODIFIED_SINCE=before["Last-Modified"])
        assert since.status_code == 200


@pytest.mark.parametrize("suffix", ["/", "/ninjs"])
def test_withdrawal_is_410_at_once_even_when_cached(known, story, editor, suffix, committed):
    url = f"{STORIES}{story.slug}{suffix}"
    before = known.get(url)
    assert known.get(url).status_code == 200
    with committed():
        workflow.story_withdraw(story=story, by=editor, reason="The source recanted.")
    assert known.get(url).status_code == 410
    assert known.get(url, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 410
    assert story.slug not in [i["slug"] for i in known.get(STORIES).json()["results"]]


@pytest.mark.redis
def test_a_revocation_redis_cannot_hear_of_is_logged(partner_key, monkeypatch, caplog):
    import redis

    from partners.authentication import partner_keys_forget

    def unreachable(self, *args, **kwargs):
        raise redis.ConnectionError("Connection refused")

    monkeypatch.setattr(redis.client.Pipeline, "execute", unreachable)
    partner_keys_forget(prefixes=["abc123"])
    assert "Could not drop the remembered checks of keys abc123" in caplog.text


@pytest.mark.redis
def test_the_key_checks_own_connection_is_not_taken_from_the_pool(api, partner_key):
    import threading

    from django.db import connections
    from django_redis import get_redis_connection

    pool = get_redis_connection("default").connection_pool
    api.get("/api/v1/stories/no-such-story/")
    made = pool._created_connections

    def ask():
        try:
            api.get("/api/v1/stories/x/")
        finally:
            connections.close_all()  # the thread's own database connection

    threads = [threading.Thread(target=ask) for _ in range(5)]
    for thread in threads:
        thread.start()
        thread.join()
    assert pool._created_connections <= made + 1  # threads' own ones are not the pool's
