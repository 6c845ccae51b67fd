"""Preview links: signed and unguessable, expiring, revocable, optionally locked to a version;
private, logged and throttled against guessing."""

import datetime as dt

import pytest
from django.utils import timezone

from newsroom import services
from newsroom.models import PreviewLink, PreviewOpen
from stories.services import StoryChanges, story_update
from tests import factories

pytestmark = pytest.mark.django_db


def url(link, token):
    return f"/preview/{link.pk}/{token}/"


def edit_headline(story, by, headline):
    return story_update(
        story=story,
        by=by,
        changes=StoryChanges(fields={"headline": headline}),
        expected_version=story.version,
    )


def test_a_preview_shows_the_latest_draft_with_a_banner_and_private_headers(desk, client):
    link, token = services.preview_link_create(story=desk["story"], by=desk["author"])
    assert link.expires_at - link.created_at == dt.timedelta(hours=72)
    assert token not in link.token_hash and len(token) >= 40
    response = client.get(url(link, token))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Preview — not published" in html and desk["story"].headline in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Cache-Control"] == "private, no-store"
    story = edit_headline(desk["story"], desk["author"], "A newer headline")
    assert "A newer headline" in client.get(url(link, token)).content.decode()
    assert story.version > 1


def test_a_locked_link_shows_its_version_after_later_edits(desk, client):
    story = edit_headline(desk["story"], desk["author"], "Headline of version two")
    link, token = services.preview_link_create(story=story, by=desk["author"], lock_version=True)
    assert link.version == story.version
    edit_headline(story, desk["author"], "Headline after the link")
    html = client.get(url(link, token)).content.decode()
    assert "Headline of version two" in html and "Headline after the link" not in html
    assert "Text for" in html  # the sections come from the revision too


def test_expired_and_revoked_links_answer_410(desk, client):
    link, token = services.preview_link_create(story=desk["story"], by=desk["author"], hours=1)
    PreviewLink.objects.filter(pk=link.pk).update(expires_at=timezone.now() - dt.timedelta(1))
    response = client.get(url(link, token))
    assert response.status_code == 410 and b"expired" in response.content
    assert desk["story"].headline.encode() not in response.content
    other, other_token = services.preview_link_create(story=desk["story"], by=desk["author"])
    services.preview_link_revoke(link=other, by=desk["editor"])
    response = client.get(url(other, other_token))
    assert response.status_code == 410 and b"revoked" in response.content
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_lifetimes_are_bounded_and_only_editors_of_the_story_create_links(desk):
    with pytest.raises(services.CommentRefused, match="14 days"):
        services.preview_link_create(story=desk["story"], by=desk["author"], hours=15 * 24)
    with pytest.raises(services.CommentForbidden):
        services.preview_link_create(story=desk["story"], by=desk["colleague"])
    link, _ = services.preview_link_create(story=desk["story"], by=desk["editor"], hours=14 * 24)
    with pytest.raises(services.CommentForbidden):
        services.preview_link_revoke(link=link, by=desk["colleague"])


def test_a_token_opens_only_its_own_link_and_a_wrong_one_is_a_404(desk, client):
    other_story = factories.story(by=desk["author"], headline="Another secret story")
    link, token = services.preview_link_create(story=desk["story"], by=desk["author"])
    other, other_token = services.preview_link_create(story=other_story, by=desk["author"])
    assert client.get(f"/preview/{link.pk}/{other_token}/").status_code == 404
    assert client.get(f"/preview/{link.pk}/{token[:-1]}x/").status_code == 404
    html = client.get(url(link, token)).content.decode()
    assert "Another secret story" not in html


def test_opening_is_logged_and_the_panel_lists_who_made_the_link(desk, client):
    link, token = services.preview_link_create(
        story=desk["story"], by=desk["author"], note="For the lawyer"
    )
    client.get(url(link, token), HTTP_USER_AGENT="LawyerBrowser/1.0")
    opened = PreviewOpen.objects.get()
    assert opened.link == link and opened.agent == "LawyerBrowser/1.0" and opened.address
    client.force_login(desk["author"])
    html = client.get(f"/admin/newsroom/stories/{desk['story'].pk}/panel/").content.decode()
    assert "For the lawyer" in html and "opened 1×" in html


def test_guessing_tokens_is_throttled_per_address(desk, client, settings):
    settings.NEWSDESK_PREVIEW_MISSES_PER_HOUR = 3
    link, token = services.preview_link_create(story=desk["story"], by=desk["author"])
    for _ in range(3):
        assert client.get(f"/preview/{link.pk}/wrong-token/").status_code == 404
    assert client.get(url(link, token)).status_code == 429
    other = client.get(url(link, token), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200


def test_creating_a_link_in_the_panel_shows_it_once(desk, client):
    client.force_login(desk["author"])
    response = client.post(
        f"/admin/newsroom/stories/{desk['story'].pk}/previews/",
        {"newsroom_preview_hours": "24", "newsroom_preview_lock": "on"},
        HTTP_X_NEWSROOM="1",
    )
    html = response.content.decode()
    assert response.status_code == 200 and "/preview/" in html
    link = PreviewLink.objects.get()
    assert link.version == desk["story"].version
    assert link.expires_at - link.created_at == dt.timedelta(hours=24)


def test_preview_links_are_not_in_the_sitemap_or_feeds(desk, client):
    link, token = services.preview_link_create(story=desk["story"], by=desk["author"])
    for path in ("/sitemap.xml", "/feeds/rss/", "/"):
        assert b"/preview/" not in client.get(path).content
