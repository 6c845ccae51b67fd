"""Comments are internal: no page, feed, sitemap, partner API answer, ninjs, change log,
revision or preview ever carries them, and commenting moves none of their caches."""

import pytest
from django.core.management import call_command
from django.test import Client
from reversion.models import Version

from newsroom import services
from partners import services as partner_services
from stories import workflow
from stories.models import Story

from .conftest import in_review

pytestmark = pytest.mark.django_db

SECRET = "SECRET-LEGAL-NOTE"


@pytest.fixture
def published(desk, django_capture_on_commit_callbacks):
    story = in_review(desk["story"])
    with django_capture_on_commit_callbacks(execute=True):
        story = workflow.story_publish(story=story, by=desk["editor"])
        thread = services.thread_start(
            story=story,
            by=desk["editor"],
            body=f"{SECRET} @jo",
            anchor=f"citation:{story.citations.first().pk}",
        )
        services.comment_reply(thread=thread, by=desk["author"], body=f"{SECRET} reply")
        services.thread_resolve(thread=thread, by=desk["editor"])
    return Story.objects.get(pk=story.pk)


def test_comments_appear_in_no_public_or_partner_output(published, client):
    _, key = partner_services.partner_create(name="Planet", rate_per_minute=10_000)
    api = Client(HTTP_AUTHORIZATION=f"Api-Key {key}")
    slug = published.slug
    answers = {
        "page": client.get(f"/stories/{slug}/"),
        "home": client.get("/"),
        "rss": client.get("/feeds/rss/"),
        "atom": client.get("/feeds/atom/"),
        "sitemap": client.get("/sitemap.xml"),
        "news sitemap": client.get("/sitemap-news.xml"),
        "api list": api.get("/api/v1/stories/"),
        "api detail": api.get(f"/api/v1/stories/{slug}/"),
        "ninjs": api.get(f"/api/v1/stories/{slug}/ninjs"),
        "changes": api.get("/api/v1/changes/"),
    }
    for name, response in answers.items():
        assert response.status_code == 200, name
        body = b"".join(response) if response.streaming else response.content
        assert SECRET.encode() not in body, name


def test_comments_are_not_in_the_storys_revisions(published, desk):
    data = " ".join(
        Version.objects.filter(object_id=str(published.pk)).values_list(
            "serialized_data", flat=True
        )
    )
    assert SECRET not in data
    assert not Version.objects.filter(content_type__app_label="newsroom").exists()


def test_commenting_moves_neither_version_nor_rendition(desk):
    story = desk["story"]
    before = Story.objects.values("version", "rendition", "updated_at").get(pk=story.pk)
    services.thread_start(story=story, by=desk["editor"], body=SECRET, blocking=True)
    assert Story.objects.values("version", "rendition", "updated_at").get(pk=story.pk) == before


def test_the_check_command_names_the_blocking_thread_without_its_text(desk, capsys):
    services.thread_start(story=desk["story"], by=desk["editor"], body=SECRET, blocking=True)
    call_command("check_story", desk["story"].slug, "--json")
    out = capsys.readouterr().out
    assert "blocking-thread" in out and SECRET not in out
