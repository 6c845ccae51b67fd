"""GET /api/v1/stories/ and /api/v1/stories/<slug>/: what partners get, filtered and paged."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from sources.models import Citation, LinkStatus, Outlet
from stories.models import Correction, Story, StoryEntity
from tests import factories
from tests.api import newsroom

pytestmark = pytest.mark.django_db

STORIES = "/api/v1/stories/"
EXPLAINER = "north-korea-fires-missile-as-allies-drill"
NEWS_REPORT = "north-korea-warns-of-response-to-allied-displays"


def slugs(response):
    assert response.status_code == 200, response.content
    return [item["slug"] for item in response.json()["results"]]


def walk(api, params):
    """Follow `next` links to the end; every story seen, in order."""
    seen, url, pages = [], STORIES, 0
    while url:
        response = api.get(url, params if url == STORIES else None)
        seen += slugs(response)
        url = response.json()["next"]
        if url:
            assert url.startswith("http://127.0.0.1:8000/api/v1/stories/?")
            url = url.removeprefix("http://127.0.0.1:8000")
        pages += 1
        assert pages < 50
    return seen


def test_list_has_published_stories_newest_first(api, demo):
    response = api.get(STORIES)
    assert slugs(response) == [EXPLAINER, NEWS_REPORT]
    item = response.json()["results"][0]
    assert item["headline"] == "North Korea fires a short-range missile as allied drills continue"
    assert item["template"] == {"slug": "explainer", "name": "Explainer"}
    assert item["published_at"] == "2025-11-08T09:30:00Z"
    assert item["version"] >= 1
    assert item["url"] == f"http://127.0.0.1:8000/stories/{EXPLAINER}/"
    assert item["api_url"] == f"http://127.0.0.1:8000/api/v1/stories/{EXPLAINER}/"
    assert item["ninjs_url"] == f"http://127.0.0.1:8000/api/v1/stories/{EXPLAINER}/ninjs"
    assert response.json()["next"] is None


def test_filter_by_template(api, demo):
    assert slugs(api.get(STORIES, {"template": "news-report"})) == [NEWS_REPORT]
    assert slugs(api.get(STORIES, {"template": "no-such-template"})) == []


def test_filter_by_entity(api, demo):
    about_hegseth = slugs(api.get(STORIES, {"entity": "pete-hegseth"}))
    linked = Story.objects.filter(
        entity_links__entity__slug="pete-hegseth", status="published"
    ).values_list("slug", flat=True)
    assert about_hegseth and set(about_hegseth) == set(linked)
    assert slugs(api.get(STORIES, {"entity": "nobody"})) == []


def test_filter_by_outlet_domain(api, journalist):
    cited = factories.story(by=journalist, published=True, headline="Cites the Planet")
    factories.story(by=journalist, published=True, headline="Cites nobody")
    outlet = Outlet.objects.create(name="The Planet", domain="planet.example")
    Citation.objects.create(story=cited, outlet=outlet, claim="Said so.")
    assert slugs(api.get(STORIES, {"outlet": "planet.example"})) == [cited.slug]
    assert slugs(api.get(STORIES, {"outlet": "www.planet.example"})) == [cited.slug]


def test_full_text_q_matches_headline_summary_and_sections(api, journalist):
    by_headline = factories.story(by=journalist, published=True, headline="Volcano erupts")
    by_section = factories.story(by=journalist, published=True, headline="Quiet day")
    section = by_section.sections.first()
    section.body = "Later, the volcano fell silent."
    section.save()
    factories.story(by=journalist, published=True, headline="Budget talks")
    assert set(slugs(api.get(STORIES, {"q": "volcano"}))) == {by_headline.slug, by_section.slug}


@pytest.mark.postgres
def test_full_text_q_uses_postgres_search_syntax(api, journalist):
    match = factories.story(by=journalist, published=True, headline="Missiles launched at dawn")
    factories.story(by=journalist, published=True, headline="Budget talks")
    # Words as written (`simple`, as the admin searches; see test_search.py), any case.
    assert slugs(api.get(STORIES, {"q": "MISSILES launched"})) == [match.slug]
    assert slugs(api.get(STORIES, {"q": '"budget talks" -missiles'})) != [match.slug]
    assert slugs(api.get(STORIES, {"q": "missiles or budget"})) != []


def test_filter_by_publication_and_update_times(api, journalist):
    old = factories.story(by=journalist, published=True, headline="Old")
    new = factories.story(by=journalist, published=True, headline="New")
    now = timezone.now()
    Story.objects.filter(pk=old.pk).update(
        published_at=now - dt.timedelta(days=10), updated_at=now - dt.timedelta(days=10)
    )
    Story.objects.filter(pk=new.pk).update(
        published_at=now - dt.timedelta(days=1), updated_at=now - dt.timedelta(hours=1)
    )
    week_ago = (now - dt.timedelta(days=7)).isoformat()
    assert slugs(api.get(STORIES, {"published_after": week_ago})) == [new.slug]
    assert slugs(api.get(STORIES, {"published_before": week_ago})) == [old.slug]
    two_hours_ago = (now - dt.timedelta(hours=2)).isoformat()
    assert slugs(api.get(STORIES, {"updated_since": two_hours_ago})) == [new.slug]


def test_invalid_filters_and_paging_are_400_naming_the_parameter(api):
    for params, name in [
        ({"updated_since": "yesterday"}, "updated_since"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "1000"}, "page_size"),
        ({"page_size": "ten"}, "page_size"),
        ({"cursor": "not-a-cursor"}, "cursor"),
    ]:
        response = api.get(STORIES, params)
        assert response.status_code == 400, params
        assert response["Content-Type"] == "application/problem+json"
        assert name in response.json()["errors"], params


def test_keyset_pages_are_stable_when_stories_share_a_timestamp(api, journalist):
    same_moment = timezone.now() - dt.timedelta(hours=1)
    stories = [factories.story(by=journalist, published=True) for _ in range(7)]
    Story.objects.filter(pk__in=[s.pk for s in stories]).update(published_at=same_moment)
    seen = walk(api, {"page_size": 2})
    assert len(seen) == 7 and set(seen) == {s.slug for s in stories}
    # Ties are broken by id, newest first.
    assert seen == [s.slug for s in sorted(stories, key=lambda s: -s.pk)]


def test_a_story_published_while_paging_neither_repeats_nor_hides_older_ones(api, journalist):
    older = [factories.story(by=journalist, published=True) for _ in range(4)]
    first = api.get(STORIES, {"page_size": 2}).json()
    factories.story(by=journalist, published=True, headline="Breaking")
    rest = api.get(first["next"].removeprefix("http://127.0.0.1:8000"))
    seen = [i["slug"] for i in first["results"]] + slugs(rest)
    assert sorted(seen) == sorted(s.slug for s in older)


def test_next_page_link_header(api, journalist):
    for _ in range(3):
        factories.story(by=journalist, published=True)
    response = api.get(STORIES, {"page_size": 2})
    assert response["Link"] == f'<{response.json()["next"]}>; rel="next"'


def test_detail_is_the_whole_story(api, demo):
    response = api.get(f"{STORIES}{EXPLAINER}/")
    assert response.status_code == 200
    story = response.json()
    assert story["slug"] == EXPLAINER
    assert story["summary"].startswith("Pyongyang's latest launch")
    keys = [s["key"] for s in story["sections"]]
    db_story = Story.objects.get(slug=EXPLAINER)
    assert keys == list(db_story.sections.order_by("order").values_list("key", flat=True))
    whats = next(s for s in story["sections"] if s["key"] == "whats-happened")
    assert (
        whats["heading"] == "What's happened"
        and "<strong>7 November 2025</strong>" in whats["html"]
    )
    assert len(story["citations"]) == db_story.citations.count()
    citation = story["citations"][0]
    assert set(citation) >= {
        "outlet",
        "url",
        "title",
        "date",
        "claim",
        "quote",
        "speaker",
        "link_status",
        "archived_url",
    }
    assert any(
        c["outlet"]["name"] == "Al Jazeera" and c["date"] == "2025-11-08"
        for c in story["citations"]
    )
    assert story["faq"][0]["question"] == "Did North Korea launch a missile this week?"
    entity = story["entities"][0]
    assert set(entity) >= {"slug", "name", "kind", "description", "role"}
    assert {e["role"] for e in story["entities"]} <= {"about", "mentions"}
    assert story["corrections"] == []
    assert story["dateline"] is None


def test_detail_of_a_news_report_has_its_dateline_and_corrections(api, demo):
    story = Story.objects.get(slug=NEWS_REPORT)
    Correction.objects.create(story=story, text="An earlier version misspelt a name.")
    body = api.get(f"{STORIES}{NEWS_REPORT}/").json()
    assert body["dateline"] == {"place": "Seoul, South Korea", "date": "2025-11-03"}
    assert body["corrections"][0]["text"] == "An earlier version misspelt a name."
    assert body["corrections"][0]["at"].endswith("Z")


def test_gone_citation_offers_the_archived_copy(api, journalist):
    story = factories.story(by=journalist, published=True, citations=2)
    gone, fine = list(story.citations.order_by("order"))
    Citation.objects.filter(pk=gone.pk).update(
        url="https://old.example/a", link_status=LinkStatus.GONE
    )
    Citation.objects.filter(pk=fine.pk).update(
        url="https://ok.example/b", link_status=LinkStatus.FETCHED
    )
    snapshot_field = next(
        (f for f in Citation._meta.get_fields() if f.name == "latest_snapshot"), None
    )
    if snapshot_field is not None:  # archived copies come from the sources app
        snapshot = snapshot_field.related_model.objects.create(
            citation=gone,
            requested_url=gone.url,
            final_url=gone.url,
            http_status=200,
            html_gz=b"",
            content_hash="0" * 64,
        )
        Citation.objects.filter(pk__in=[gone.pk, fine.pk]).update(latest_snapshot=snapshot)
    body = api.get(f"{STORIES}{story.slug}/").json()
    by_url = {c["url"]: c for c in body["citations"]}
    assert by_url["https://ok.example/b"]["archived_url"] is None
    assert by_url["https://old.example/a"]["link_status"] == "gone"
    if snapshot_field is not None:
        assert by_url["https://old.example/a"]["archived_url"] == (
            f"http://127.0.0.1:8000/sources/snapshots/{snapshot.pk}/"
        )


def test_list_query_count_does_not_grow_with_page_size(api, journalist, django_assert_num_queries):
    for _ in range(12):
        factories.story(by=journalist, published=True, citations=3, entities=2)
    # Cold: key + page + the story rows with every part inside (as JSON arrays), all at once.
    with django_assert_num_queries(3):
        assert len(slugs(api.get(STORIES, {"page_size": 2}))) == 2
    cache.clear()
    with django_assert_num_queries(3):
        assert len(slugs(api.get(STORIES, {"page_size": 12}))) == 12


def test_filtered_list_query_count_is_the_same(api, demo, django_assert_num_queries):
    with django_assert_num_queries(3):
        api.get(STORIES, {"entity": "north-korea", "outlet": "apnews.com", "q": "missile"})


def test_detail_query_count_does_not_grow_with_the_story(
    api, journalist, django_assert_num_queries
):
    small = factories.story(by=journalist, published=True, citations=1, faq=1, entities=1)
    big = factories.story(by=journalist, published=True, citations=25, faq=10, entities=12)
    for i in range(5):
        Correction.objects.create(story=big, text=f"Fix {i}.")
    # key + state (ETag) + the story row with every part inside (as JSON arrays)
    for story in (small, big):
        cache.clear()
        with django_assert_num_queries(3):
            assert api.get(f"{STORIES}{story.slug}/").status_code == 200


def test_bylines_are_names_in_byline_order(api):
    first = factories.journalist(first_name="Ana", last_name="Reyes")
    second = factories.journalist(first_name="Ben", last_name="Okafor")
    story = factories.story(by=first, published=True)
    story.byline_links.create(user=second, order=1)
    body = api.get(f"{STORIES}{story.slug}/").json()
    assert [b["name"] for b in body["bylines"]] == ["Ana Reyes", "Ben Okafor"]
    assert "email" not in str(body["bylines"])


def test_entity_links_are_ordered_and_carry_their_role(api, journalist):
    story = factories.story(by=journalist, published=True, entities=2)
    StoryEntity.objects.filter(story=story, order=1).update(role="mentions")
    roles = [e["role"] for e in api.get(f"{STORIES}{story.slug}/").json()["entities"]]
    assert roles == ["about", "mentions"]


def test_withdrawn_story_is_410_with_the_reason(api, journalist):
    story = newsroom.publish(factories.story(by=journalist))
    newsroom.withdraw(story, "The main source retracted its account.")
    response = api.get(f"{STORIES}{story.slug}/")
    assert response.status_code == 410
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 410 and body["title"] == "Gone"
    assert body["reason"] == "The main source retracted its account."
    assert "retracted" in body["detail"]
    assert body["slug"] == story.slug and body["withdrawn_at"].endswith("Z")
    assert response["Surrogate-Key"] == f"story-{story.slug}"
    assert story.slug not in slugs(api.get(STORIES))
