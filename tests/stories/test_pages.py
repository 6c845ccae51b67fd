import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from stories.models import Byline, Correction, Story
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0)
    return {s.slug: s for s in Story.objects.all()}


def test_demo_explainer_page_shows_every_section_citations_faq_and_entity_cards(client, demo):
    story = demo["north-korea-fires-missile-as-allies-drill"]
    page = client.get(f"/stories/{story.slug}/").content.decode()
    for heading in [
        "What&#x27;s happened",
        "What&#x27;s behind the headline?",
        "Forecast and Implications",
        "What the papers say",
        "How we got here",
        "Go deeper",
        "Common questions",
        "More on these topics",
    ]:
        assert f">{heading}</h2>" in page, heading
    assert page.count('class="source"') >= 2
    assert "(Al Jazeera, 8 November 2025)" in page
    assert "Did North Korea launch a missile this week?" in page
    assert page.count("entity-card") == 5
    assert 'class="preview-banner"' not in page


def test_news_report_shows_its_dateline(client, demo):
    page = client.get("/stories/north-korea-warns-of-response-to-allied-displays/").content.decode()
    assert "Seoul, South Korea – 3 November 2025" in page


def test_unpublished_story_is_404_to_readers_and_a_marked_preview_to_staff(client, demo, editor):
    url = "/stories/what-the-apec-summit-means-for-the-peninsula/"
    assert client.get(url).status_code == 404
    client.force_login(editor)
    response = client.get(url)
    assert response.status_code == 200
    assert 'class="preview-banner"' in response.content.decode()


def test_embargoed_story_is_hidden_until_its_time(client, journalist):
    story = factories.story(by=journalist, published=True)
    Story.objects.filter(pk=story.pk).update(embargo_until=timezone.now() + dt.timedelta(hours=1))
    assert client.get(f"/stories/{story.slug}/").status_code == 404
    assert story.headline not in client.get("/").content.decode()
    Story.objects.filter(pk=story.pk).update(embargo_until=timezone.now() - dt.timedelta(minutes=1))
    assert client.get(f"/stories/{story.slug}/").status_code == 200


def test_script_in_a_body_never_reaches_the_page(client, journalist):
    story = factories.story(by=journalist, published=True)
    section = story.sections.first()
    section.body = 'Fine text <script>alert("x")</script> <b onclick="x()">bold</b>'
    section.save()
    page = client.get(f"/stories/{story.slug}/").content.decode()
    assert "alert(" not in page and "onclick" not in page


def test_home_lists_latest_published_stories_only(client, demo):
    page = client.get("/").content.decode()
    assert "North Korea fires a short-range missile" in page
    assert "North Korea warns of a response" in page
    assert "What the APEC summit means" not in page
    assert page.index("North Korea fires") < page.index("North Korea warns")


def test_entity_page_lists_its_published_stories(client, demo):
    page = client.get("/entities/pete-hegseth/").content.decode()
    assert "Pete Hegseth" in page
    assert "North Korea fires a short-range missile" in page
    assert "North Korea warns of a response" in page
    south_korea = client.get("/entities/south-korea/").content.decode()
    assert "What the APEC summit means" not in south_korea


def test_pages_load_no_external_assets(client, demo):
    page = client.get("/stories/north-korea-fires-missile-as-allies-drill/").content.decode()
    assert "<script src" not in page and "stylesheet" not in page and "cdn" not in page.lower()


def test_story_page_query_count_does_not_grow_with_content(
    client, journalist, django_assert_num_queries
):
    small = factories.story(by=journalist, published=True, citations=2, faq=1, entities=1)
    big = factories.story(by=journalist, published=True, citations=30, faq=15, entities=20)
    with django_assert_num_queries(7):
        client.get(f"/stories/{small.slug}/")
    with django_assert_num_queries(7):
        client.get(f"/stories/{big.slug}/")


def test_healthz_reports_database_and_redis_state(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["redis"] in {"ok", "not configured"}


def test_healthz_answers_503_when_redis_is_configured_but_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"].startswith("error")


def test_a_gone_link_points_readers_to_the_archived_copy(client, journalist):
    from sources.models import Citation, Snapshot

    story = factories.story(by=journalist, published=True, citations=2)
    gone, alive = story.citations.all()
    snapshot = Snapshot.objects.create(
        citation=gone,
        requested_url="https://example.org/a",
        final_url="https://example.org/a",
        http_status=200,
        html_gz=b"",
        content_hash="x" * 64,
    )
    Citation.objects.filter(pk=gone.pk).update(
        url="https://example.org/a", link_status="gone", latest_snapshot=snapshot
    )
    Citation.objects.filter(pk=alive.pk).update(url="https://example.org/b", link_status="fetched")
    page = client.get(f"/stories/{story.slug}/").content.decode()
    assert page.count('class="archived-copy"') == 1
    assert f'href="/sources/snapshots/{snapshot.pk}/"' in page
    assert client.get(f"/sources/snapshots/{snapshot.pk}/").status_code == 200


# --- Corrections, headings, dates and authors ------------------------------------------------


def test_every_public_page_links_to_corrections_from_its_footer(client, demo):
    for url in ["/", "/stories/north-korea-fires-missile-as-allies-drill/", "/corrections/"]:
        page = client.get(url).content.decode()
        footer = page[page.index('<footer class="site"') :]
        assert 'href="/corrections/"' in footer, url


def test_a_corrected_story_says_so_under_its_headline_and_links_to_corrections(client, journalist):
    story = factories.story(by=journalist, published=True)
    page = client.get(f"/stories/{story.slug}/").content.decode()
    assert 'class="corrected-notice"' not in page
    Correction.objects.create(story=story, text="An earlier version misspelt the minister's name.")
    Story.objects.filter(pk=story.pk).update(version=story.version + 1)
    page = client.get(f"/stories/{story.slug}/").content.decode()
    notice = page[page.index('class="corrected-notice"') :]
    notice = notice[: notice.index("</p>")]
    assert 'href="#corrections"' in notice and 'href="/corrections/"' in notice


def _style_sizes(page: str) -> dict[str, float]:
    """Font sizes (rem) the page's own stylesheet gives bare headings."""
    style = "\n".join(re.findall(r"(?s)<style>(.*?)</style>", page))
    sizes = {}
    for selector, size in re.findall(r"(?m)^([^{}]+)\{[^}]*?font-size:\s*([\d.]+)rem", style):
        for name in selector.split(","):
            name = name.strip()
            if name in {"h1", "h2", "h3", "h4", "article h3", "article h4"}:
                sizes[name.replace("article ", "")] = float(size)
    return sizes


def test_story_headings_get_smaller_from_h1_to_h4(client, journalist):
    story = factories.story(by=journalist, published=True)
    page = client.get(f"/stories/{story.slug}/").content.decode()
    sizes = _style_sizes(page)
    assert sizes["h1"] > sizes["h2"] > sizes["h3"] > sizes["h4"]


TIME_TEXT = re.compile(r"^\d{1,2} [A-Z][a-z]+ \d{4}(, \d{2}:\d{2} [A-Z]{3,4})?$")


def test_story_page_writes_every_date_one_way(client, demo, journalist):
    story = demo["north-korea-fires-missile-as-allies-drill"]
    Correction.objects.create(story=story, text="A date was wrong.")
    Story.objects.filter(pk=story.pk).update(version=story.version + 1)
    page = client.get(f"/stories/{story.slug}/").content.decode()
    times = re.findall(r"<time [^>]*>([^<]*)</time>", page)
    assert len(times) >= 3
    assert all(TIME_TEXT.match(text) for text in times), times
    assert "(Al Jazeera, 8 November 2025)" in page
    report = client.get("/stories/north-korea-warns-of-response-to-allied-displays/")
    assert "Seoul, South Korea – 3 November 2025" in report.content.decode()


def test_byline_links_each_author_to_their_page(client, journalist):
    colleague = factories.journalist(first_name="Kim", last_name="Writer", username="kim")
    story = factories.story(by=journalist, published=True)
    Byline.objects.create(story=story, user=colleague, order=1)
    Story.objects.filter(pk=story.pk).update(version=story.version + 1)
    page = client.get(f"/stories/{story.slug}/").content.decode()
    assert 'href="/authors/kim/"' in page
    assert f'href="/authors/{journalist.username}/"' in page
    assert f'href="/authors/{journalist.username}/"' in client.get("/").content.decode()


def test_author_page_lists_their_visible_stories_newest_first_paginated(
    client, journalist, django_assert_max_num_queries
):
    now = timezone.now()
    for i in range(23):
        story = factories.story(by=journalist, published=True, headline=f"Visible story {i:02d}")
        Story.objects.filter(pk=story.pk).update(published_at=now - dt.timedelta(hours=i))
    factories.story(by=journalist, headline="A draft nobody may see")
    embargoed = factories.story(by=journalist, published=True, headline="Embargoed story")
    Story.objects.filter(pk=embargoed.pk).update(embargo_until=now + dt.timedelta(hours=1))
    factories.story(published=True, headline="Someone else's story")

    with django_assert_max_num_queries(4):
        response = client.get(f"/authors/{journalist.username}/")
    assert response.status_code == 200
    page = response.content.decode()
    name = journalist.get_full_name()
    assert f"<h1>{name}</h1>" in page.replace("&#x27;", "'")
    assert page.index("Visible story 00") < page.index("Visible story 01")
    assert "Visible story 19" in page and "Visible story 20" not in page
    assert "A draft nobody may see" not in page and "Embargoed story" not in page
    assert "Someone else" not in page
    second = client.get(f"/authors/{journalist.username}/?page=2").content.decode()
    assert "Visible story 20" in second and "Visible story 22" in second
    assert "Visible story 19" not in second


def test_author_page_is_404_for_staff_with_nothing_visible(client, journalist, editor):
    factories.story(by=journalist, headline="Only a draft")
    embargoed = factories.story(by=journalist, published=True)
    Story.objects.filter(pk=embargoed.pk).update(
        embargo_until=timezone.now() + dt.timedelta(hours=1)
    )
    assert client.get(f"/authors/{journalist.username}/").status_code == 404
    assert client.get(f"/authors/{editor.username}/").status_code == 404
    assert client.get("/authors/nobody-here/").status_code == 404
