"""schema.org JSON-LD on public story pages."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml import html

from sources.models import Citation, Outlet
from stories.models import Correction, Story, StoryEntity
from tests import factories

pytestmark = pytest.mark.django_db


def jsonld(page: bytes) -> list[dict]:
    tree = html.fromstring(page)
    return [json.loads(s.text) for s in tree.xpath('//script[@type="application/ld+json"]')]


def test_demo_explainer_has_news_article_and_faq_page(client, demo):
    slug = "north-korea-fires-missile-as-allies-drill"
    story = Story.objects.get(slug=slug)
    article, faq = jsonld(client.get(f"/stories/{slug}/").content)
    assert article["@context"] == "https://schema.org" and article["@type"] == "NewsArticle"
    assert article["headline"] == story.headline
    assert article["url"] == f"http://127.0.0.1:8000/stories/{slug}/"
    assert article["datePublished"] == "2025-11-08T09:30:00Z"
    assert article["dateModified"].endswith("Z")
    assert article["publisher"]["name"] == "Newsdesk"
    about = {a["name"] for a in article["about"]}
    mentions = {m["name"] for m in article.get("mentions", [])}
    links = StoryEntity.objects.filter(story=story).select_related("entity")
    assert about == {link.entity.name for link in links if link.role == "about"}
    assert mentions == {link.entity.name for link in links if link.role == "mentions"}
    assert len(article["citation"]) == story.citations.count()
    assert any(c["publisher"]["name"] == "Al Jazeera" for c in article["citation"])
    assert faq["@type"] == "FAQPage"
    first = faq["mainEntity"][0]
    assert first["@type"] == "Question"
    assert first["name"] == "Did North Korea launch a missile this week?"
    assert first["acceptedAnswer"]["@type"] == "Answer" and first["acceptedAnswer"]["text"]


def test_authors_corrections_and_citation_links(client):
    author = factories.journalist(first_name="Ana", last_name="Reyes")
    story = factories.story(by=author, published=True, faq=0)
    Correction.objects.create(story=story, text="A date was wrong.")
    Citation.objects.create(
        story=story,
        outlet=Outlet.objects.create(name="AP News", domain="apnews.com"),
        url="https://apnews.com/article/x",
        title="The wire story",
        claim="It happened.",
    )
    scripts = jsonld(client.get(f"/stories/{story.slug}/").content)
    assert [s["@type"] for s in scripts] == ["NewsArticle"]  # no FAQ items, no FAQPage
    article = scripts[0]
    assert article["author"] == [{"@type": "Person", "name": "Ana Reyes"}]
    assert article["correction"][0]["@type"] == "CorrectionComment"
    assert article["correction"][0]["text"] == "A date was wrong."
    assert article["citation"][0] == {
        "@type": "CreativeWork",
        "name": "The wire story",
        "url": "https://apnews.com/article/x",
        "publisher": {"@type": "Organization", "name": "AP News"},
    }


def test_story_text_cannot_break_out_of_the_script(client, journalist):
    story = factories.story(
        by=journalist, published=True, headline='Tags </script><script>alert("x")</script>'
    )
    page = client.get(f"/stories/{story.slug}/").content.decode()
    assert '<script>alert("x")' not in page
    (article,) = jsonld(page.encode())
    assert article["headline"] == story.headline


def test_json_ld_adds_no_queries_whatever_the_story_size(client, journalist):
    small = factories.story(by=journalist, published=True, citations=1, faq=1, entities=1)
    big = factories.story(by=journalist, published=True, citations=20, faq=8, entities=10)
    counts = []
    for story in (small, big):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/stories/{story.slug}/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
