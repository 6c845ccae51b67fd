"""`?q=` on the partner API: one text-search configuration with the admin (`simple`, the one
the section index of migration 0007 is built with), so the index answers it."""

import pytest
from django.db import connection

from stories.api import selectors as api_selectors
from stories.selectors import SEARCH_CONFIG
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

STORIES = "/api/v1/stories/"


def slugs(response):
    assert response.status_code == 200, response.content
    return [item["slug"] for item in response.json()["results"]]


def test_partner_search_is_answered_from_the_section_index(journalist):
    factories.story(by=journalist, published=True, headline="Volcano erupts")
    queryset = api_selectors.stories_search(api_selectors.stories_for_api_page(), q="volcano")
    with connection.cursor() as cursor:
        # Tiny tables: without this the planner rightly prefers reading them whole.
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = queryset.explain()
    assert "stories_section_body_fts" in plan, plan
    assert "english" not in str(queryset.query)
    assert SEARCH_CONFIG == "simple"


def test_partner_search_matches_words_as_the_admin_does_without_stemming(api, journalist):
    match = factories.story(by=journalist, published=True, headline="Missiles launched at dawn")
    in_section = factories.story(by=journalist, published=True, headline="Quiet day")
    section = in_section.sections.first()
    section.body = "Later, the MISSILES were launched again."
    section.save()
    factories.story(by=journalist, published=True, headline="Budget talks")
    assert set(slugs(api.get(STORIES, {"q": "missiles launched"}))) == {
        match.slug,
        in_section.slug,
    }
    # `simple` keeps every word as written: no English stemming ("launch" is not "launched"),
    # and no English stop words dropped.
    assert slugs(api.get(STORIES, {"q": "missile launch"})) == []
    assert slugs(api.get(STORIES, {"q": '"missiles launched" -budget'})) == [match.slug]
