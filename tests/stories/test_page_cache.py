"""The public story page is cached per (story, version, rendition): fast for readers, never stale
after a change commits, never cached for staff."""

import datetime as dt

import pytest
from django.utils import timezone

from sources import services as source_services
from sources.models import Citation, Snapshot
from stories import services, workflow
from stories.models import Story, StoryStatus
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def story(journalist):
    return factories.story(by=journalist, published=True, citations=3, faq=2, entities=2)


def page(client, story, **headers):
    return client.get(f"/stories/{story.slug}/", headers=headers)


def test_a_reader_hit_costs_one_query_and_carries_cdn_headers(
    client, story, django_assert_num_queries
):
    first = page(client, story)
    with django_assert_num_queries(1):
        again = page(client, story)
    assert again.status_code == 200
    assert again.content == first.content
    assert story.headline in again.content.decode()
    assert again["ETag"] == first["ETag"]
    assert again["Last-Modified"]
    assert again["Surrogate-Key"] == f"story-{story.slug}"
    cache_control = again["Cache-Control"]
    assert "public" in cache_control and "max-age=60" in cache_control
    assert "s-maxage=300" in cache_control


def test_revalidation_answers_304_with_one_query(client, story, django_assert_num_queries):
    etag = page(client, story)["ETag"]
    with django_assert_num_queries(1):
        response = page(client, story, if_none_match=etag)
    assert response.status_code == 304
    assert response["ETag"] == etag
    assert response["Surrogate-Key"] == f"story-{story.slug}"


def test_an_edit_shows_at_once_and_changes_the_etag(client, story, journalist):
    old = page(client, story)
    section = story.sections.exclude(kind__in=["citations", "faq", "entities"]).first()
    section.body = "A **freshly edited** paragraph."
    section.save()
    services.story_record_change(story=story, by=journalist)
    new = page(client, story, if_none_match=old["ETag"])
    assert new.status_code == 200
    assert "<strong>freshly edited</strong>" in new.content.decode()
    assert new["ETag"] != old["ETag"]


def test_a_correction_shows_at_once(client, story, editor):
    page(client, story)
    workflow.story_correct(story=story, by=editor, text="An earlier version misspelt the name.")
    assert "An earlier version misspelt the name." in page(client, story).content.decode()


def test_a_withdrawn_story_answers_410_not_the_cached_text(client, story, editor):
    assert page(client, story).status_code == 200
    workflow.story_withdraw(story=story, by=editor, reason="The source retracted the report.")
    gone = page(client, story)
    assert gone.status_code == 410
    text = gone.content.decode()
    assert "The source retracted the report." in text
    assert story.headline not in text
    assert gone["Surrogate-Key"] == f"story-{story.slug}"


def test_an_entity_card_edit_shows_at_once(client, story):
    page(client, story)
    entity = story.entity_links.first().entity
    entity.description = "Renamed and re-described by the research desk."
    entity.save()
    assert "Renamed and re-described by the research desk." in page(client, story).content.decode()


def test_an_outlet_edit_shows_at_once(client, story):
    page(client, story)
    outlet = story.citations.first().outlet
    outlet.name = "The Renamed Gazette"
    outlet.save()
    assert "The Renamed Gazette" in page(client, story).content.decode()


def test_a_citation_link_change_shows_at_once(client, story):
    citation = story.citations.first()
    snapshot = Snapshot.objects.create(
        citation=citation,
        requested_url="https://example.org/a",
        final_url="https://example.org/a",
        http_status=200,
        html_gz=b"",
        content_hash="x" * 64,
    )
    Citation.objects.filter(pk=citation.pk).update(
        url="https://example.org/a", link_status="gone", latest_snapshot=snapshot
    )
    services.stories_mark_shown_parts_changed(story_ids=[story.pk])
    assert 'class="archived-copy"' in page(client, story).content.decode()
    citation.refresh_from_db()
    source_services.citation_clear_link(citation=citation)
    assert 'class="archived-copy"' not in page(client, story).content.decode()


def test_staff_previews_are_never_cached_nor_served_to_readers(client, story, editor):
    reader_page = page(client, story).content.decode()
    client.force_login(editor)
    staff = page(client, story)
    assert "no-cache" in staff["Cache-Control"] and "private" in staff["Cache-Control"]
    assert "Newsroom admin" in staff.content.decode()
    assert "Newsroom admin" not in reader_page
    client.logout()
    assert "Newsroom admin" not in page(client, story).content.decode()


def test_an_unpublished_story_is_a_preview_for_staff_and_404_for_readers(
    client, journalist, editor
):
    draft = factories.story(by=journalist)
    assert page(client, draft).status_code == 404
    client.force_login(editor)
    preview = page(client, draft)
    assert preview.status_code == 200
    assert "Preview" in preview.content.decode()
    client.logout()
    assert page(client, draft).status_code == 404


def test_a_story_under_embargo_stays_hidden_after_readers_were_served_it(client, story):
    page(client, story)
    Story.objects.filter(pk=story.pk).update(
        status=StoryStatus.PUBLISHED, embargo_until=timezone.now() + dt.timedelta(hours=1)
    )
    assert page(client, story).status_code == 404


def test_readers_still_get_the_page_when_the_cache_is_down(client, story, monkeypatch):
    from django.core.cache import cache

    def down(*args, **kwargs):
        raise ConnectionError("Redis is restarting")

    monkeypatch.setattr(cache, "get", down)
    monkeypatch.setattr(cache, "set", down)
    response = page(client, story)
    assert response.status_code == 200
    assert story.headline in response.content.decode()
