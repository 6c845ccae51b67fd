"""The newsroom home (stories/admin/home.py): the admin's index shows each person their desk."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sources.models import Citation, LinkStatus
from stories import revisions
from stories.models import Byline, Entity, Story, StoryStatus, StoryTransition
from tests import factories

pytestmark = pytest.mark.django_db

HOME = "/admin/"


def set_status(story, status, **fields):
    Story.objects.filter(pk=story.pk).update(status=status, **fields)
    story.refresh_from_db()
    return story


def send_back(story, *, editor, comment):
    set_status(story, StoryStatus.DRAFT)
    StoryTransition.objects.create(
        story=story,
        action="request_changes",
        from_status=StoryStatus.IN_REVIEW,
        to_status=StoryStatus.DRAFT,
        by=editor,
        comment=comment,
    )


def panel(html: str, key: str) -> str:
    match = re.search(
        rf'<section class="[^"]*home-panel[^"]*" id="panel-{key}".*?</section>', html, re.S
    )
    assert match, f"no panel {key}"
    return match.group(0)


def count(html: str, key: str) -> int:
    return int(re.search(r'data-count="(\d+)"', panel(html, key)).group(1))


@pytest.fixture
def newsroom(db):
    jo = factories.journalist(username="jo", first_name="Jo", last_name="Reporter")
    kim = factories.journalist(username="kim", first_name="Kim", last_name="Writer")
    eddie = factories.editor(username="eddie", first_name="Eddie", last_name="Desk")
    return {"jo": jo, "kim": kim, "eddie": eddie}


def test_journalist_sees_drafts_sent_back_with_the_editors_note_and_their_other_drafts(
    client, newsroom
):
    jo, kim, eddie = newsroom["jo"], newsroom["kim"], newsroom["eddie"]
    mine = factories.story(by=jo, headline="My fresh draft")
    returned = factories.story(by=jo, headline="Draft the desk returned")
    send_back(returned, editor=eddie, comment="Add a second source for the casualty figure.")
    factories.story(by=kim, headline="Kim's own draft")
    client.force_login(jo)

    html = client.get(HOME).content.decode()

    sent_back = panel(html, "sent-back")
    assert count(html, "sent-back") == 1
    assert "Draft the desk returned" in sent_back
    assert "Add a second source for the casualty figure." in sent_back
    assert reverse("admin:stories_story_change", args=[returned.pk]) in sent_back
    drafts = panel(html, "drafts")
    assert count(html, "drafts") == 1
    assert "My fresh draft" in drafts and "Draft the desk returned" not in drafts
    assert reverse("admin:stories_story_change", args=[mine.pk]) in drafts
    assert "Kim&#x27;s own draft" not in html
    # Journalists review nothing.
    assert 'id="panel-review"' not in html


def test_a_resubmitted_and_returned_draft_counts_as_sent_back_until_it_moves_on(client, newsroom):
    jo, eddie = newsroom["jo"], newsroom["eddie"]
    story = factories.story(by=jo, headline="Back and forth")
    send_back(story, editor=eddie, comment="Tighten the intro.")
    client.force_login(jo)
    assert count(client.get(HOME).content.decode(), "sent-back") == 1
    StoryTransition.objects.create(
        story=story, action="submit", from_status="draft", to_status="in_review", by=jo
    )
    set_status(story, StoryStatus.IN_REVIEW)
    html = client.get(HOME).content.decode()
    assert count(html, "sent-back") == 0 and count(html, "drafts") == 0


def test_journalist_home_has_no_user_or_group_management(client, newsroom):
    client.force_login(newsroom["jo"])
    html = client.get(HOME).content.decode()
    assert "/admin/auth/" not in html
    assert "Users" not in html and "Groups" not in html
    # The rest of the admin stays one click away.
    assert reverse("admin:stories_story_changelist") in html
    assert "Everything you can manage" in html


def test_account_manager_keeps_user_management_in_the_app_list(client, superuser):
    client.force_login(superuser)
    html = client.get(HOME).content.decode()
    assert reverse("admin:auth_user_changelist") in html


def test_editor_is_asked_to_review_colleagues_stories_never_their_own(client, newsroom):
    jo, kim, eddie = newsroom["jo"], newsroom["kim"], newsroom["eddie"]
    first = set_status(factories.story(by=jo, headline="Jo's story to review"), "in_review")
    second = set_status(factories.story(by=kim, headline="Kim's story to review"), "in_review")
    set_status(factories.story(by=eddie, headline="Eddie wrote this one"), "in_review")
    # Eddie was on this byline in an earlier revision and took his name off: still his.
    former = factories.story(by=kim, headline="Eddie was on its byline")
    Byline.objects.create(story=former, user=eddie, order=1)
    revisions.story_save_revision(story=former)
    Byline.objects.filter(story=former, user=eddie).delete()
    revisions.story_save_revision(story=former)
    set_status(former, "in_review")
    client.force_login(eddie)

    html = client.get(HOME).content.decode()

    review = panel(html, "review")
    assert count(html, "review") == 2
    assert "Jo&#x27;s story to review" in review and "Kim&#x27;s story to review" in review
    assert "Eddie wrote this one" not in review and "Eddie was on its byline" not in review
    assert reverse("admin:stories_story_change", args=[first.pk]) in review
    assert reverse("admin:stories_story_change", args=[second.pk]) in review
    assert "By Jo Reporter" in review
    assert "?status__exact=in_review" in review


def test_schedule_recent_publications_broken_links_and_stale_cards_are_counted(client, newsroom):
    jo, eddie = newsroom["jo"], newsroom["eddie"]
    soon = timezone.now() + dt.timedelta(hours=3)
    set_status(factories.story(by=jo, headline="Goes out tonight"), "scheduled", scheduled_for=soon)
    fresh = factories.story(by=jo, headline="Out this morning", published=True, citations=3)
    old = factories.story(by=jo, headline="Out last month", published=True, citations=1)
    Story.objects.filter(pk=old.pk).update(published_at=timezone.now() - dt.timedelta(days=30))
    draft = factories.story(by=jo, headline="A draft with a dead link", citations=1)
    Citation.objects.filter(story=fresh).update(link_status=LinkStatus.GONE)
    Citation.objects.filter(story=fresh, order=2).update(link_status=LinkStatus.FAILED)
    Citation.objects.filter(story=old).update(link_status=LinkStatus.FETCHED)
    Citation.objects.filter(story=draft).update(link_status=LinkStatus.GONE)
    Entity.objects.all().delete()
    factories.EntityFactory(name="Never reviewed", reviewed_at=None)
    factories.EntityFactory(name="Checked long ago", reviewed_at=dt.date(2001, 1, 1))
    factories.EntityFactory(name="Checked today", reviewed_at=timezone.localdate())
    client.force_login(eddie)

    html = client.get(HOME).content.decode()

    assert count(html, "scheduled") == 1 and "Goes out tonight" in panel(html, "scheduled")
    published = panel(html, "published")
    assert count(html, "published") == 1
    assert "Out this morning" in published and "Out last month" not in published
    broken = panel(html, "broken-links")
    assert count(html, "broken-links") == 3  # the draft's dead link is not on a reader's page
    assert "Out this morning" in broken and "3 broken links" in broken
    assert reverse("admin:stories_story_change", args=[fresh.pk]) in broken
    cards = panel(html, "stale-entities")
    assert count(html, "stale-entities") == 2
    assert "Never reviewed" in cards and "Checked long ago" in cards
    assert "Checked today" not in cards
    assert reverse("desk:stale-entities") in cards


def test_every_see_all_link_opens_for_the_person_it_is_shown_to(client, newsroom):
    jo, eddie = newsroom["jo"], newsroom["eddie"]
    set_status(factories.story(by=jo), "in_review")
    set_status(factories.story(by=jo), "scheduled", scheduled_for=timezone.now())
    story = factories.story(by=jo, published=True, citations=1)
    Citation.objects.filter(story=story).update(link_status=LinkStatus.GONE)
    factories.story(by=jo)
    send_back(factories.story(by=jo), editor=eddie, comment="More.")
    factories.EntityFactory(reviewed_at=None)
    for person in (jo, eddie):
        client.force_login(person)
        html = client.get(HOME).content.decode()
        links = re.findall(r'<p class="see-all"><a href="([^"]+)"', html)
        assert len(links) >= 5
        for link in links:
            response = client.get(link.replace("&amp;", "&"))
            assert response.status_code == 200, link
            assert "?e=1" not in response.get("Location", ""), link


def _home_queries(client, user) -> int:
    client.force_login(user)
    client.get(HOME)  # warm: content types, permissions cache
    with CaptureQueriesContext(connection) as queries:
        assert client.get(HOME).status_code == 200
    return len(queries)


def _desk(jo, kim, eddie, n: int):
    for i in range(n):
        factories.story(by=jo, headline=f"Draft {i}", fill_sections=False)
        returned = factories.story(by=jo, headline=f"Returned {i}", fill_sections=False)
        send_back(returned, editor=eddie, comment=f"Note {i}")
        in_review = factories.story(by=kim if i % 2 else jo, fill_sections=False)
        revisions.story_save_revision(story=in_review)
        set_status(in_review, "in_review")
        set_status(factories.story(by=kim, fill_sections=False), "scheduled")
        published = factories.story(by=kim, published=True, citations=2, fill_sections=False)
        Citation.objects.filter(story=published).update(link_status=LinkStatus.FAILED)
        factories.EntityFactory(reviewed_at=None)


def test_home_query_count_does_not_grow_with_the_newsroom(client, newsroom):
    jo, kim, eddie = newsroom["jo"], newsroom["kim"], newsroom["eddie"]
    _desk(jo, kim, eddie, 1)
    small = {who: _home_queries(client, newsroom[who]) for who in ("jo", "eddie")}
    _desk(jo, kim, eddie, 8)
    large = {who: _home_queries(client, newsroom[who]) for who in ("jo", "eddie")}
    assert large == small
    # Pinned: a new panel or a lost join shows up here (session, user, and two per panel).
    assert small == {"jo": 18, "eddie": 22}
