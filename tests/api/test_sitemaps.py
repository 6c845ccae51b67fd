"""/sitemap.xml and the Google News sitemap, read as XML."""

import datetime as dt

import pytest
from django.utils import timezone
from lxml import etree

from stories.models import Story
from tests import factories

pytestmark = pytest.mark.django_db

NS = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "n": "http://www.google.com/schemas/sitemap-news/0.9",
}


def test_sitemap_lists_public_stories_entities_and_home(client, demo):
    response = client.get("/sitemap.xml", HTTP_HOST="localhost")
    assert response.status_code == 200
    root = etree.fromstring(response.content)
    urls = {u.findtext("s:loc", namespaces=NS): u for u in root.findall("s:url", NS)}
    site = "http://127.0.0.1:8000"  # NEWSDESK_SITE_URL, not the request's Host
    assert f"{site}/" in urls
    for story in Story.objects.filter(status="published"):
        entry = urls[f"{site}/stories/{story.slug}/"]
        assert entry.findtext("s:lastmod", namespaces=NS).startswith(
            story.updated_at.date().isoformat()
        )
    assert f"{site}/stories/what-the-apec-summit-means-for-the-peninsula/" not in urls
    assert f"{site}/entities/north-korea/" in urls


def test_news_sitemap_has_only_the_last_two_days_with_news_fields(client, journalist):
    fresh = factories.story(by=journalist, published=True, headline="Fresh & new", language="de-CH")
    stale = factories.story(by=journalist, published=True, headline="Stale")
    Story.objects.filter(pk=stale.pk).update(published_at=timezone.now() - dt.timedelta(days=3))
    response = client.get("/sitemap-news.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = etree.fromstring(response.content)
    urls = root.findall("s:url", NS)
    assert [u.findtext("s:loc", namespaces=NS) for u in urls] == [
        f"http://127.0.0.1:8000/stories/{fresh.slug}/"
    ]
    news = urls[0].find("n:news", NS)
    assert news.findtext("n:publication/n:name", namespaces=NS) == "Newsdesk"
    assert news.findtext("n:publication/n:language", namespaces=NS) == "de"
    assert news.findtext("n:title", namespaces=NS) == "Fresh & new"
    published = dt.datetime.fromisoformat(news.findtext("n:publication_date", namespaces=NS))
    assert abs(published - fresh.published_at) < dt.timedelta(seconds=1)
