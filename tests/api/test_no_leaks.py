"""Only published, un-embargoed stories leave: through the API, ninjs, feeds, sitemaps, JSON-LD
and the change log. Each hidden story carries a unique marker that must appear nowhere."""

import pytest
from django.utils import timezone

from stories.models import StoryEntity, StoryStatus
from tests import factories
from tests.api import newsroom

pytestmark = pytest.mark.django_db


@pytest.fixture
def newsroom_state(journalist):
    shared = factories.EntityFactory(slug="shared-entity", name="Shared Entity")
    secret = factories.EntityFactory(slug="secret-entity", name="Secret Entity")
    public = newsroom.publish(factories.story(by=journalist, headline="Public story"))
    StoryEntity.objects.create(story=public, entity=shared)

    hidden = {
        "draft": factories.story(by=journalist, headline="Leakmarker draft"),
        "in_review": newsroom.set_status(
            factories.story(by=journalist, headline="Leakmarker review"), StoryStatus.IN_REVIEW
        ),
        "scheduled": newsroom.set_status(
            factories.story(by=journalist, headline="Leakmarker scheduled"),
            StoryStatus.SCHEDULED,
            scheduled_for=newsroom.in_an_hour(),
        ),
        "embargoed": newsroom.publish(
            factories.story(by=journalist, headline="Leakmarker embargoed"),
            embargo_until=newsroom.in_an_hour(),
        ),
    }
    # Edits and corrections of hidden stories are announced by the workflow too.
    newsroom.update(hidden["embargoed"])
    newsroom.correct(hidden["embargoed"], "Leakmarker correction")
    for story in hidden.values():
        StoryEntity.objects.create(story=story, entity=shared, role="mentions")
        StoryEntity.objects.create(story=story, entity=secret)
        story.sections.update(body="Leakmarker body")
    return public, hidden


def assert_no_leak(body: bytes | str, hidden: dict, where: str):
    text = body.decode() if isinstance(body, bytes) else body
    assert "Leakmarker" not in text, where
    assert "secret-entity" not in text, where
    for state, story in hidden.items():
        assert story.slug not in text, f"{state} story leaks through {where}"


def test_partner_api_shows_only_public_stories(api, newsroom_state):
    public, hidden = newsroom_state
    for url in [
        "/api/v1/stories/",
        "/api/v1/stories/?page_size=100",
        "/api/v1/stories/?q=Leakmarker",
        "/api/v1/stories/?entity=shared-entity",
        "/api/v1/stories/?entity=secret-entity",
        "/api/v1/entities/",
        "/api/v1/entities/shared-entity/",
        "/api/v1/changes/",
    ]:
        response = api.get(url)
        assert response.status_code == 200, url
        assert_no_leak(response.content, hidden, url)
    assert public.slug in api.get("/api/v1/stories/").content.decode()
    assert api.get("/api/v1/entities/secret-entity/").status_code == 404
    for state, story in hidden.items():
        for suffix in ("/", "/ninjs"):
            response = api.get(f"/api/v1/stories/{story.slug}{suffix}")
            assert response.status_code == 404, (state, suffix)
            assert "Leakmarker" not in response.content.decode()


def test_feeds_show_only_public_stories(client, newsroom_state):
    public, hidden = newsroom_state
    for url in [
        "/feeds/rss/",
        "/feeds/atom/",
        "/feeds/rss/templates/explainer/",
        "/feeds/atom/templates/explainer/",
        "/feeds/rss/entities/shared-entity/",
        "/feeds/atom/entities/shared-entity/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_no_leak(response.content, hidden, url)
    assert public.slug in client.get("/feeds/rss/").content.decode()
    assert client.get("/feeds/rss/entities/secret-entity/").status_code == 404


def test_sitemaps_show_only_public_stories(client, newsroom_state):
    public, hidden = newsroom_state
    for url in ["/sitemap.xml", "/sitemap-news.xml"]:
        response = client.get(url)
        assert response.status_code == 200
        assert_no_leak(response.content, hidden, url)
        assert public.slug in response.content.decode()


def test_json_ld_never_describes_a_hidden_story(client, editor, newsroom_state):
    public, hidden = newsroom_state
    page = client.get(f"/stories/{public.slug}/").content.decode()
    assert "application/ld+json" in page
    assert_no_leak(page, hidden, "the public story's page")
    for story in hidden.values():
        assert client.get(f"/stories/{story.slug}/").status_code == 404
    client.force_login(editor)  # staff previews are pages, never structured data
    for state, story in hidden.items():
        preview = client.get(f"/stories/{story.slug}/").content.decode()
        assert "application/ld+json" not in preview, state


def test_change_log_stays_silent_until_the_embargo_ends(api, newsroom_state):
    public, hidden = newsroom_state
    events = api.get("/api/v1/changes/").json()["results"]
    assert [(e["slug"], e["event"]) for e in events] == [(public.slug, "published")]
    embargoed = hidden["embargoed"]
    embargoed.__class__.objects.filter(pk=embargoed.pk).update(embargo_until=timezone.now())
    from partners.services import change_events_release

    change_events_release()
    events = api.get("/api/v1/changes/").json()["results"]
    assert [(e["slug"], e["event"]) for e in events] == [
        (public.slug, "published"),
        (embargoed.slug, "published"),
    ]
