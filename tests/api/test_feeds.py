"""RSS 2.0 and Atom feeds, parsed as a feed reader would (feedparser) and as XML (lxml)."""

import datetime as dt
import time

import feedparser
import pytest
from django.utils import timezone
from lxml import etree

from stories.models import Story, StoryEntity
from tests import factories

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def stories(journalist):
    older = factories.story(by=journalist, published=True, headline="Older & wiser", entities=1)
    newer = factories.story(
        by=journalist, published=True, template="news-report", headline="Newest report"
    )
    Story.objects.filter(pk=older.pk).update(published_at=timezone.now() - dt.timedelta(days=1))
    older.refresh_from_db()
    return older, newer


def test_rss_lists_latest_published_with_full_fields(client, stories, journalist):
    older, newer = stories
    response = client.get("/feeds/rss/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "rss20"
    assert feed.feed.title == "Newsdesk"
    assert feed.feed.link == "http://127.0.0.1:8000/"
    assert [e.title for e in feed.entries] == ["Newest report", "Older & wiser"]
    entry = feed.entries[1]
    assert entry.link == f"http://127.0.0.1:8000/stories/{older.slug}/"
    assert entry.id == entry.link
    assert entry.summary == older.summary
    assert time.mktime(entry.published_parsed) == pytest.approx(
        older.published_at.timestamp(), abs=1
    )
    assert entry.author == journalist.get_full_name()
    categories = {t.term for t in entry.tags}
    assert "Explainer" in categories
    assert older.entity_links.get().entity.name in categories

    root = etree.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    items = root.findall("./channel/item")
    assert len(items) == 2
    assert items[1].findtext("guid") == f"http://127.0.0.1:8000/stories/{older.slug}/"
    assert items[1].findtext("description") == older.summary
    self_link = root.find("./channel/{http://www.w3.org/2005/Atom}link")
    assert self_link.get("href") == "http://127.0.0.1:8000/feeds/rss/"


def test_atom_feed_has_entries_with_updated_and_summary(client, stories):
    older, newer = stories
    response = client.get("/feeds/atom/")
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo and feed.version == "atom10"
    assert [e.title for e in feed.entries] == ["Newest report", "Older & wiser"]
    root = etree.fromstring(response.content)
    entries = root.findall(f"{ATOM}entry")
    assert entries[0].findtext(f"{ATOM}id") == f"http://127.0.0.1:8000/stories/{newer.slug}/"
    assert entries[0].findtext(f"{ATOM}summary") == newer.summary
    assert entries[0].findtext(f"{ATOM}updated")
    assert entries[0].findtext(f"{ATOM}published")
    assert root.find(f"{ATOM}link[@rel='self']").get("href") == "http://127.0.0.1:8000/feeds/atom/"


def test_per_template_feeds(client, stories):
    older, newer = stories
    for kind in ("rss", "atom"):
        feed = feedparser.parse(client.get(f"/feeds/{kind}/templates/news-report/").content)
        assert [e.title for e in feed.entries] == ["Newest report"]
        assert feed.feed.title == "Newsdesk: News report"
    assert client.get("/feeds/rss/templates/no-such-template/").status_code == 404


def test_per_entity_feeds(client, stories, journalist):
    older, newer = stories
    entity = older.entity_links.get().entity
    another = factories.story(by=journalist, published=True, headline="Mentions it too")
    StoryEntity.objects.create(story=another, entity=entity, role="mentions")
    for kind in ("rss", "atom"):
        feed = feedparser.parse(client.get(f"/feeds/{kind}/entities/{entity.slug}/").content)
        assert [e.title for e in feed.entries] == ["Mentions it too", "Older & wiser"]
        assert feed.feed.title == f"Newsdesk: {entity.name}"
    assert client.get("/feeds/atom/entities/nobody/").status_code == 404


def test_feed_size_is_capped(client, journalist, settings):
    settings.NEWSDESK_FEED_ITEMS = 3
    for _ in range(5):
        factories.story(by=journalist, published=True)
    assert len(feedparser.parse(client.get("/feeds/rss/").content).entries) == 3


def test_feed_query_count_is_flat(client, journalist, django_assert_num_queries):
    for _ in range(8):
        factories.story(by=journalist, published=True, entities=3)
    with django_assert_num_queries(3):
        client.get("/feeds/rss/")


def test_feeds_leave_out_characters_xml_cannot_hold_whatever_is_stored(client, journalist):
    # Stored before the fields refused them (an update skips validation, as old rows did).
    story = factories.story(by=journalist, published=True, template="news-report", entities=1)
    Story.objects.filter(pk=story.pk).update(
        headline="Bell\x07 rings \u202eout\u202c loud",
        summary="First line\x0b\nsecond line\x0c ends",
    )
    entity = story.entity_links.get().entity
    type(entity).objects.filter(pk=entity.pk).update(name="Port\x1b Authority")
    urls = [
        "/feeds/rss/",
        "/feeds/atom/",
        "/feeds/rss/templates/news-report/",
        "/feeds/atom/templates/news-report/",
        f"/feeds/rss/entities/{entity.slug}/",
        f"/feeds/atom/entities/{entity.slug}/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        etree.fromstring(response.content)  # well-formed XML
        feed = feedparser.parse(response.content)
        assert not feed.bozo, (url, feed.bozo_exception)
        entry = feed.entries[0]
        assert entry.title == "Bell rings out loud"
        assert entry.summary == "First line\nsecond line ends"
        assert "Port Authority" in {t.term for t in entry.tags}
    entity_feed = feedparser.parse(client.get(f"/feeds/rss/entities/{entity.slug}/").content)
    assert entity_feed.feed.title == "Newsdesk: Port Authority"
