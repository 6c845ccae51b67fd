"""Where pictures appear: the public page and its head, JSON-LD, RSS/Atom, the news sitemap,
ninjs (validated) and the partner API's JSON; all without queries of their own, and none of
them carries a picture once it is taken down."""

import datetime as dt
import json
import re

import feedparser
import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from lxml import etree, html
from rest_framework.renderers import JSONRenderer

from partners import services as partner_services
from pictures import services
from stories import services as story_services
from stories.api.serializers import StorySerializer
from stories.models import Story
from stories.selectors import story_with_parts
from tests import factories
from tests.api.conftest import state_queries
from tests.api.test_ninjs import assert_valid, ninjs_validator  # noqa: F401 - a fixture
from tests.pictures.conftest import picture_bytes, place

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(db):
    _, key = partner_services.partner_create(name="Daily Planet", rate_per_minute=10_000)
    client = Client(HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert client.get("/api/v1/changes/").status_code == 200  # the key check, remembered
    connection.features.supports_json_field  # noqa: B018 - SQLite asks once per connection
    return client


@pytest.fixture
def pictured(upload, journalist, editor, django_capture_on_commit_callbacks, eager_tasks):
    """A published story with a rendered lead picture and one in its first text section."""
    with django_capture_on_commit_callbacks(execute=True):
        lead = upload(
            picture_bytes((2400, 1600), seed=1),
            title="Harbour",
            credit="Jane Doe / Agency",
            copyright_notice="© 2026 Agency",
            licence="cc",
            licence_url="https://creativecommons.org/licenses/by/4.0/",
        )
        inline = upload(picture_bytes((1600, 1200), seed=2), credit="Staff photographer")
    story = factories.story(by=journalist, published=True, citations=2, faq=1, entities=1)
    section = story.sections.filter(kind="text").first()
    section.body = "First paragraph.\n\nSecond paragraph.\n\nThird paragraph."
    story_services.story_update(
        story=story,
        by=editor,
        changes=story_services.StoryChanges(saved=[story_services.PartChange(part=section)]),
        live_update=True,
    )
    place(story, lead, by=editor, alt_text="Boats in the harbour at dawn", caption="Dawn.")
    place(
        story,
        inline,
        by=editor,
        role="section",
        section=section,
        paragraph=1,
        alt_text="A crane over the quay",
        caption="The new crane.",
    )
    story.refresh_from_db()
    return story


def _page(client, story):
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_shows_the_lead_picture_responsive_with_alt_caption_and_credit(client, pictured):
    page = _page(client, pictured)
    doc = html.fromstring(page)
    (lead,) = doc.xpath('//figure[contains(@class, "lead-picture")]')
    source = lead.xpath(".//picture/source")[0]
    assert source.get("type") == "image/webp"
    assert "1600w" in source.get("srcset") and "320w" in source.get("srcset")
    img = lead.xpath(".//img")[0]  # lxml nests it in <source>: HTML4 knows no void <source>
    assert img.get("alt") == "Boats in the harbour at dawn"
    assert (img.get("width"), img.get("height")) == ("960", "540")  # 16:9, no layout shift
    assert img.get("sizes") and "1600w" in img.get("srcset")
    assert img.get("loading") is None and img.get("fetchpriority") == "high"
    caption = lead.xpath(".//figcaption")[0].text_content()
    assert "Dawn." in caption and "Jane Doe / Agency" in caption and "© 2026 Agency" in caption


def test_a_picture_in_a_section_sits_after_its_paragraph_and_loads_lazily(client, pictured):
    doc = html.fromstring(_page(client, pictured))
    (figure,) = doc.xpath('//section//figure[contains(@class, "picture")]')
    assert figure.getprevious().text_content() == "First paragraph."
    assert figure.getnext().text_content() == "Second paragraph."
    img = figure.xpath(".//img")[0]
    assert img.get("loading") == "lazy" and img.get("alt") == "A crane over the quay"
    assert (img.get("width"), img.get("height")) == ("960", "720")
    assert "Staff photographer" in figure.text_content()


def test_the_head_has_canonical_opengraph_and_a_large_twitter_card(client, pictured, settings):
    doc = html.fromstring(_page(client, pictured))
    meta = {m.get("property") or m.get("name"): m.get("content") for m in doc.xpath("//head/meta")}
    url = f"{settings.NEWSDESK_SITE_URL}/stories/{pictured.slug}/"
    assert doc.xpath('//link[@rel="canonical"]')[0].get("href") == url
    assert meta["og:type"] == "article"
    assert meta["og:url"] == url
    assert meta["og:title"] == pictured.headline
    assert meta["og:description"] == pictured.summary
    assert meta["og:image"].endswith("/16x9-1200.jpg")
    assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", "675")
    assert meta["og:image:alt"] == "Boats in the harbour at dawn"
    assert meta["twitter:card"] == "summary_large_image"


def test_json_ld_has_three_ratios_at_1200_px_with_credit_copyright_and_licence(client, pictured):
    doc = html.fromstring(_page(client, pictured))
    scripts = [json.loads(s.text) for s in doc.xpath('//script[@type="application/ld+json"]')]
    article = next(s for s in scripts if s["@type"] == "NewsArticle")
    images = article["image"]
    ratios = sorted(round(i["width"] / i["height"], 2) for i in images)
    assert ratios == [1.0, 1.33, 1.78]
    for image in images:
        assert image["@type"] == "ImageObject" and image["width"] >= 1200
        assert image["creditText"] == "Jane Doe / Agency"
        assert image["copyrightNotice"] == "© 2026 Agency"
        assert image["license"] == "https://creativecommons.org/licenses/by/4.0/"


@pytest.mark.parametrize("feed", ["/feeds/rss/", "/feeds/atom/"])
def test_feeds_carry_the_lead_picture_with_its_credit(client, pictured, feed):
    body = client.get(feed).content
    root = etree.fromstring(body)
    ns = {"media": "http://search.yahoo.com/mrss/"}
    (content,) = root.xpath("//media:content", namespaces=ns)
    assert content.get("url").endswith("/16x9-1200.jpg") and content.get("medium") == "image"
    assert (content.get("width"), content.get("height")) == ("1200", "675")
    assert content.xpath("media:credit", namespaces=ns)[0].text == "Jane Doe / Agency"
    assert feedparser.parse(body).entries[0].media_content[0]["url"] == content.get("url")


def test_the_news_sitemap_lists_the_story_pictures(client, pictured):
    root = etree.fromstring(client.get("/sitemap-news.xml").content)
    ns = {"image": "http://www.google.com/schemas/sitemap-image/1.1"}
    locs = [e.text for e in root.xpath("//image:image/image:loc", namespaces=ns)]
    assert len(locs) == 2 and all(loc.startswith("http") for loc in locs)


def test_ninjs_associations_carry_renditions_credit_and_usage_terms(
    api,
    pictured,
    ninjs_validator,  # noqa: F811
):
    document = api.get(f"/api/v1/stories/{pictured.slug}/ninjs").json()
    assert_valid(ninjs_validator, document)
    pictures = [a for a in document["associations"] if a["type"] == "picture"]
    lead, inline = pictures
    assert lead["name"] == "featureimage" and lead["by"] == "Jane Doe / Agency"
    assert lead["copyrightNotice"] == "© 2026 Agency"
    assert "creativecommons.org" in lead["usageTerms"]
    assert {"role": "alt", "value": "Boats in the harbour at dawn"} in lead["descriptions"]
    rendition = next(r for r in lead["renditions"] if r["name"] == "16x9-1200-jpeg")
    assert rendition["href"].endswith("/16x9-1200.jpg")
    assert (rendition["width"], rendition["height"], rendition["contentType"]) == (
        1200,
        675,
        "image/jpeg",
    )
    assert rendition["aspectRatio"] == "16:9"
    assert inline["rel"] == "picture"


def test_the_api_json_carries_pictures_exactly_as_the_serializer_documents(api, pictured):
    body = api.get(f"/api/v1/stories/{pictured.slug}/").json()
    loaded = story_with_parts(Story.objects.filter(pk=pictured.pk)).get()
    assert body == json.loads(JSONRenderer().render(StorySerializer(loaded).data))
    lead, inline = body["pictures"]
    assert (lead["role"], lead["alt_text"], lead["credit"]) == (
        "lead",
        "Boats in the harbour at dawn",
        "Jane Doe / Agency",
    )
    assert inline["section"] == pictured.sections.filter(kind="text").first().key
    hrefs = {(r["crop"], r["width"], r["content_type"]) for r in lead["renditions"]}
    assert ("1x1", 1200, "image/webp") in hrefs and ("4x3", 1600, "image/jpeg") in hrefs
    listed = api.get("/api/v1/stories/").json()["results"][0]
    assert listed["pictures"] == body["pictures"]


# --- Query counts: pictures ride along in queries the page and the API already make -----------


def test_api_detail_and_list_keep_their_query_counts(api, pictured, django_assert_num_queries):
    # Cold (nothing cached), as tests/api/test_caching.py pins them for stories without pictures.
    with django_assert_num_queries(2):
        assert api.get("/api/v1/stories/").json()["results"][0]["pictures"]
    cache.clear()
    assert api.get("/api/v1/changes/").status_code == 200  # the key check, remembered again
    with django_assert_num_queries(2):
        assert api.get(f"/api/v1/stories/{pictured.slug}/").json()["pictures"]
    with django_assert_num_queries(4 + state_queries()):
        assert "associations" in api.get(f"/api/v1/stories/{pictured.slug}/ninjs").json()


def test_the_page_and_feed_keep_their_query_counts(client, pictured, django_assert_num_queries):
    with django_assert_num_queries(7):
        assert "<picture>" in _page(client, pictured)
    with django_assert_num_queries(3):
        assert b"media:content" in client.get("/feeds/rss/").content


# --- Taken down: gone everywhere --------------------------------------------------------------


def test_a_taken_down_picture_leaves_page_feeds_sitemap_api_and_ninjs(client, api, pictured):
    lead = pictured.pictures.get(role="lead").image
    services.image_update(
        image=lead,
        by=None,
        fields={"licence": "agency", "rights_expire_on": dt.date(2026, 1, 1)},
    )
    services.images_take_down_expired(today=dt.date(2026, 1, 2))
    page = _page(client, pictured)
    assert "Boats in the harbour" not in page and "lead-picture" not in page
    assert "A crane over the quay" in page  # the other picture stays
    assert b"media:content" not in client.get("/feeds/rss/").content
    locs = re.findall(r"<image:loc>", client.get("/sitemap-news.xml").content.decode())
    assert len(locs) == 1
    body = api.get(f"/api/v1/stories/{pictured.slug}/").json()
    assert [p["role"] for p in body["pictures"]] == ["section"]
    ninjs = api.get(f"/api/v1/stories/{pictured.slug}/ninjs").json()
    assert [a["name"] for a in ninjs["associations"] if a["type"] == "picture"] == ["picture-1"]
