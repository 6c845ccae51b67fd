"""Conditional GET and CDN headers: partners re-fetch a story only when it changed."""

import pytest
from django.utils.http import http_date

from stories import services
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(journalist):
    return factories.story(by=journalist, published=True, citations=3, faq=2, entities=2)


@pytest.mark.parametrize("suffix", ["/", "/ninjs"])
def test_etag_and_last_modified_follow_the_version(api, story, suffix):
    url = f"/api/v1/stories/{story.slug}{suffix}"
    first = api.get(url)
    assert first.status_code == 200
    assert first["ETag"].startswith(f'"{story.pk}-{story.version}-')
    assert first["Last-Modified"] == http_date(story.updated_at.timestamp())
    services.story_record_change(story=story)
    second = api.get(url)
    assert second["ETag"] != first["ETag"]
    assert second["ETag"].startswith(f'"{story.pk}-{story.version}-')


def test_json_and_ninjs_have_different_etags(api, story):
    json_etag = api.get(f"/api/v1/stories/{story.slug}/")["ETag"]
    ninjs_etag = api.get(f"/api/v1/stories/{story.slug}/ninjs")["ETag"]
    assert json_etag != ninjs_etag


@pytest.mark.parametrize("suffix", ["/", "/ninjs"])
def test_if_none_match_gives_304_without_loading_the_story(
    api, story, suffix, django_assert_num_queries
):
    url = f"/api/v1/stories/{story.slug}{suffix}"
    etag = api.get(url)["ETag"]
    # The story's state only (the key check is cached): nothing else is loaded or serialized.
    with django_assert_num_queries(1):
        response = api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""
    assert response["ETag"] == etag
    assert response["Surrogate-Key"] == f"story-{story.slug}"
    assert "max-age" in response["Cache-Control"]


def test_stale_etag_gets_the_new_version(api, story):
    url = f"/api/v1/stories/{story.slug}/"
    old = api.get(url)["ETag"]
    services.story_record_change(story=story)
    response = api.get(url, HTTP_IF_NONE_MATCH=old)
    assert response.status_code == 200
    assert response.json()["version"] == story.version


def test_if_modified_since(api, story):
    url = f"/api/v1/stories/{story.slug}/"
    last_modified = api.get(url)["Last-Modified"]
    assert api.get(url, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    assert api.get(url, HTTP_IF_MODIFIED_SINCE="Mon, 01 Jan 2001 00:00:00 GMT").status_code == 200


def test_cache_headers_suit_a_cdn_and_name_the_story(api, story, settings):
    response = api.get(f"/api/v1/stories/{story.slug}/")
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert "public" in cache_control
    assert f"max-age={settings.NEWSDESK_API_MAX_AGE}" in cache_control
    assert f"s-maxage={settings.NEWSDESK_API_CDN_MAX_AGE}" in cache_control
    assert "Authorization" in response["Vary"]
    assert response["Surrogate-Key"] == f"story-{story.slug}"


def test_list_names_every_story_on_it_for_purges(api, story, journalist):
    other = factories.story(by=journalist, published=True)
    keys = api.get("/api/v1/stories/")["Surrogate-Key"].split()
    assert keys[0] == "stories"
    assert {f"story-{story.slug}", f"story-{other.slug}"} <= set(keys)


def test_errors_are_not_marked_cacheable(api):
    response = api.get("/api/v1/stories/missing/")
    assert response.status_code == 404
    assert "public" not in response.get("Cache-Control", "")
