"""GET /api/v1/changes/: every publish, update, correction and withdrawal, in order, resumable."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from partners import services as partner_services
from partners.models import ChangeEvent
from stories.models import Story, StoryStatus
from stories.signals import story_changed
from tests import factories
from tests.api import newsroom

pytestmark = pytest.mark.django_db

CHANGES = "/api/v1/changes/"


def changes(api, **params):
    response = api.get(CHANGES, params)
    assert response.status_code == 200, response.content
    return response.json()


def test_publish_update_correct_withdraw_arrive_in_order(api, journalist):
    story = newsroom.publish(factories.story(by=journalist))
    newsroom.update(story)
    newsroom.correct(story, "The launch was on Friday, not Thursday.")
    newsroom.withdraw(story, "Legal advice.")
    body = changes(api)
    assert [(c["event"], c["type"]) for c in body["results"]] == [
        ("published", "story.published"),
        ("updated", "story.updated"),
        ("corrected", "story.corrected"),
        ("withdrawn", "story.withdrawn"),
    ]
    versions = [c["version"] for c in body["results"]]
    assert versions == sorted(versions) and len(set(versions)) == 4
    assert all(c["slug"] == story.slug for c in body["results"])
    assert body["has_more"] is False


def test_withdrawal_is_a_tombstone(api, journalist):
    story = newsroom.publish(factories.story(by=journalist))
    newsroom.withdraw(story, "The source retracted.")
    published, tombstone = changes(api)["results"]
    assert published["withdrawn"] is False and published["reason"] == ""
    assert tombstone["withdrawn"] is True
    assert tombstone["slug"] == story.slug
    assert tombstone["reason"] == "The source retracted."
    assert tombstone["at"].endswith("Z")
    assert api.get(tombstone["api_url"].removeprefix("http://127.0.0.1:8000")).status_code == 410


def test_resume_from_a_cursor_sees_only_what_came_after(api, journalist):
    first = newsroom.publish(factories.story(by=journalist))
    body = changes(api)
    cursor = body["next_cursor"]
    assert changes(api, since=cursor)["results"] == []
    second = newsroom.publish(factories.story(by=journalist))
    newsroom.update(first)
    later = changes(api, since=cursor)
    assert [(c["slug"], c["event"]) for c in later["results"]] == [
        (second.slug, "published"),
        (first.slug, "updated"),
    ]
    assert later["next"] == f"http://127.0.0.1:8000/api/v1/changes/?since={later['next_cursor']}"


def test_paging_through_changes_with_page_size(api, journalist):
    stories = [newsroom.publish(factories.story(by=journalist)) for _ in range(5)]
    seen, since = [], None
    for _ in range(10):
        body = changes(api, page_size=2, **({"since": since} if since else {}))
        seen += [c["slug"] for c in body["results"]]
        since = body["next_cursor"]
        if not body["has_more"]:
            break
    assert seen == [s.slug for s in stories]


def test_each_entry_has_its_own_cursor(api, journalist):
    for _ in range(3):
        newsroom.publish(factories.story(by=journalist))
    results = changes(api)["results"]
    after_first = changes(api, since=results[0]["cursor"])["results"]
    assert [c["slug"] for c in after_first] == [c["slug"] for c in results[1:]]


def test_bad_cursor_is_400(api):
    for bad in ["garbage", "eyJ4Ijox", "WyJzdG9yaWVzIiwxXQ"]:  # the last is a stories cursor
        response = api.get(CHANGES, {"since": bad})
        assert response.status_code == 400, bad
        assert "since" in response.json()["errors"]


def test_an_embargoed_publish_appears_only_when_the_embargo_ends(api, journalist):
    story = newsroom.publish(factories.story(by=journalist), embargo_until=newsroom.in_an_hour())
    newsroom.update(story)  # an edit under embargo is not news to partners
    assert changes(api)["results"] == []
    assert api.get(f"/api/v1/stories/{story.slug}/").status_code == 404
    Story.objects.filter(pk=story.pk).update(embargo_until=timezone.now() - dt.timedelta(seconds=1))
    partner_services.change_events_release()
    results = changes(api)["results"]
    assert [(c["slug"], c["event"]) for c in results] == [(story.slug, "published")]


def test_release_waits_for_a_moved_embargo(journalist):
    story = newsroom.publish(factories.story(by=journalist), embargo_until=newsroom.in_an_hour())
    later = timezone.now() + dt.timedelta(hours=5)
    Story.objects.filter(pk=story.pk).update(embargo_until=later)
    assert partner_services.change_events_release(now=timezone.now() + dt.timedelta(hours=2)) == []
    event = ChangeEvent.objects.get(story=story)
    assert event.state == ChangeEvent.State.HELD and event.available_at == later


def test_a_story_withdrawn_under_embargo_never_appears(api, journalist):
    story = newsroom.publish(factories.story(by=journalist), embargo_until=newsroom.in_an_hour())
    newsroom.withdraw(story, "Spiked before release.")
    partner_services.change_events_release(now=timezone.now() + dt.timedelta(hours=2))
    assert changes(api)["results"] == []
    assert api.get(f"/api/v1/stories/{story.slug}/").status_code == 404
    assert set(ChangeEvent.objects.values_list("state", flat=True)) == {"suppressed"}


def test_a_change_that_rolls_back_leaves_no_trace(api, journalist):
    story = factories.story(by=journalist, published=True)
    with pytest.raises(RuntimeError), transaction.atomic():
        Story.objects.filter(pk=story.pk).update(status=StoryStatus.WITHDRAWN)
        story_changed.send(sender=Story, story=story, event="withdrawn", by=None)
        raise RuntimeError("the save failed after the signal")
    assert not ChangeEvent.objects.exists()
    assert changes(api)["results"] == []


def test_drafts_never_reach_the_change_log(api, journalist):
    draft = factories.story(by=journalist)
    # Even if some code announced a change to a draft, it is never released.
    with transaction.atomic():
        story_changed.send(sender=Story, story=draft, event="updated", by=None)
    partner_services.change_events_release()
    assert changes(api)["results"] == []


def test_events_are_released_in_commit_order_with_gapless_sequence(journalist):
    stories = [factories.story(by=journalist, published=True) for _ in range(3)]
    for story in stories:
        partner_services.change_record(story=story, kind="updated")
    released = partner_services.change_events_release()
    assert [e.sequence for e in released] == [1, 2, 3]
    newsroom.update(stories[0])
    assert ChangeEvent.objects.order_by("-sequence").first().sequence == 4


def test_unknown_event_kind_is_refused(journalist):
    story = factories.story(by=journalist, published=True)
    with pytest.raises(ValueError, match="Unknown story change"):
        partner_services.change_record(story=story, kind="deleted")
