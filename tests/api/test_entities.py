"""GET /api/v1/entities/ and /api/v1/entities/<slug>/."""

import pytest

from stories.models import StoryEntity
from tests import factories

pytestmark = pytest.mark.django_db


def test_entities_of_published_stories_are_listed_by_name(api, demo):
    response = api.get("/api/v1/entities/")
    assert response.status_code == 200
    results = response.json()["results"]
    names = [e["name"] for e in results]
    assert names == sorted(names)
    assert "North Korea" in names
    korea = next(e for e in results if e["slug"] == "north-korea")
    assert korea["kind"] == "country"
    assert "DPRK" in korea["aliases"]
    assert korea["url"] == "http://127.0.0.1:8000/entities/north-korea/"
    assert korea["api_url"] == "http://127.0.0.1:8000/api/v1/entities/north-korea/"


def test_entity_pages_walk_with_a_cursor(api, journalist):
    factories.story(by=journalist, published=True, entities=5)
    first = api.get("/api/v1/entities/", {"page_size": 2}).json()
    seen = [e["slug"] for e in first["results"]]
    url = first["next"]
    while url:
        page = api.get(url.removeprefix("http://127.0.0.1:8000")).json()
        seen += [e["slug"] for e in page["results"]]
        url = page["next"]
    assert len(seen) == 5 == len(set(seen))


def test_entity_detail_lists_its_published_stories(api, journalist):
    published = factories.story(by=journalist, published=True, entities=1)
    entity = published.entity_links.get().entity
    draft = factories.story(by=journalist)
    StoryEntity.objects.create(story=draft, entity=entity)
    body = api.get(f"/api/v1/entities/{entity.slug}/").json()
    assert body["name"] == entity.name and body["description"] == entity.description
    assert [s["slug"] for s in body["stories"]] == [published.slug]
    assert body["stories_url"] == f"http://127.0.0.1:8000/api/v1/stories/?entity={entity.slug}"


def test_entity_only_in_drafts_is_not_there(api, journalist):
    draft = factories.story(by=journalist, entities=1)
    entity = draft.entity_links.get().entity
    assert entity.slug not in [e["slug"] for e in api.get("/api/v1/entities/").json()["results"]]
    response = api.get(f"/api/v1/entities/{entity.slug}/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_entity_detail_query_count_is_flat(api, journalist, django_assert_num_queries):
    stories = [factories.story(by=journalist, published=True) for _ in range(6)]
    entity = factories.EntityFactory()
    for story in stories:
        StoryEntity.objects.create(story=story, entity=entity)
    # key + entity + stories + bylines
    with django_assert_num_queries(4):
        assert len(api.get(f"/api/v1/entities/{entity.slug}/").json()["stories"]) == 6
