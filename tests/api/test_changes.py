"""GET /api/v1/changes/: every publish, update, correction and withdrawal, in order, resumable."""

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from partners import services as partner_services
from partners.models import ChangeEvent
from partners.selectors import ChangePosition
from stories import visibility
from stories.api.pagination import change_cursor
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


def start(api) -> str:
    """A partner's cursor taken now (after the snapshot of what is already live)."""
    since = None
    while True:
        body = changes(api, **({"since": since} if since else {}))
        since = body["next_cursor"]
        if not body["has_more"]:
            return since


def walk(api, *, since=None, page_size=None) -> tuple[list[dict], str]:
    """Every entry from `since` (the start when None) until has_more is false, and the cursor."""
    entries = []
    for _ in range(1000):
        params = {"page_size": page_size} if page_size else {}
        body = changes(api, **params, **({"since": since} if since else {}))
        entries += body["results"]
        since = body["next_cursor"]
        if not body["has_more"]:
            return entries, since
    raise AssertionError("the feed never ends")


def test_publish_update_correct_withdraw_arrive_in_order(api, journalist):
    since = start(api)
    story = newsroom.publish(factories.story(by=journalist))
    newsroom.update(story)
    newsroom.correct(story, "The launch was on Friday, not Thursday.")
    newsroom.withdraw(story, "Legal advice.")
    body = changes(api, since=since)
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
    since = start(api)
    story = newsroom.publish(factories.story(by=journalist))
    newsroom.withdraw(story, "The source retracted.")
    published, tombstone = changes(api, since=since)["results"]
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
    since = start(api)
    with pytest.raises(RuntimeError), transaction.atomic():
        Story.objects.filter(pk=story.pk).update(status=StoryStatus.WITHDRAWN)
        story_changed.send(sender=Story, story=story, event="withdrawn", by=None)
        raise RuntimeError("the save failed after the signal")
    assert not ChangeEvent.objects.exists()
    assert changes(api, since=since)["results"] == []


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


# --- Syncing from scratch: a snapshot, then the log ------------------------------------------


def live_and_gone():
    """What a partner must end up with: the visible stories' slugs, and the tombstones'."""
    live = set(visibility.stories_visible().values_list("slug", flat=True))
    gone = set(visibility.stories_tombstoned().values_list("slug", flat=True))
    return live, gone


def replay(entries) -> tuple[set, set]:
    """A partner's copy after applying the entries in order."""
    live, gone = set(), set()
    for entry in entries:
        if entry["withdrawn"]:
            live.discard(entry["slug"])
            gone.add(entry["slug"])
        else:
            live.add(entry["slug"])
            gone.discard(entry["slug"])
    return live, gone


def test_a_sync_from_scratch_on_an_empty_change_log_gets_every_published_story(api, demo):
    """A log emptied (pruned to nothing, or older than the stories): the feed has every story."""
    ChangeEvent.objects.all().delete()
    live, gone = live_and_gone()
    assert len(live) >= 2
    entries, since = walk(api, page_size=3)
    assert all(e["snapshot"] for e in entries)
    assert [e["slug"] for e in entries if not e["withdrawn"]] and replay(entries) == (live, gone)
    assert len(entries) == len(live) + len(gone)  # each story once
    hidden = Story.objects.exclude(slug__in=live | gone).values_list("slug", flat=True)
    assert not {e["slug"] for e in entries} & set(hidden)
    # Caught up: polling again neither repeats the snapshot nor misses what comes next.
    assert changes(api, since=since)["results"] == []
    story = newsroom.publish(factories.story(headline="After the snapshot"))
    later = changes(api, since=since)["results"]
    assert [(e["slug"], e["event"], e["snapshot"]) for e in later] == [
        (story.slug, "published", False)
    ]


def test_since_zero_starts_with_the_snapshot_too(api, demo):
    entries, _ = walk(api, since=change_cursor(ChangePosition(0)), page_size=50)
    assert replay(entries) == live_and_gone()


def test_a_cursor_older_than_the_pruned_log_starts_again_from_a_snapshot(api, journalist):
    stories = [newsroom.publish(factories.story(by=journalist)) for _ in range(4)]
    first = changes(api, page_size=1)  # a snapshot entry, then…
    old_cursor = start(api)
    newsroom.update(stories[0])
    newsroom.withdraw(stories[1], "Legal advice.")
    lagging = changes(api, since=old_cursor, page_size=1)["next_cursor"]  # read one event
    newsroom.update(stories[2])
    newsroom.publish(factories.story(by=journalist, headline="Newest"))
    ChangeEvent.objects.update(at=timezone.now() - dt.timedelta(days=100))
    assert partner_services.change_log_prune(before=timezone.now() - dt.timedelta(days=90)) > 0
    newest = ChangeEvent.objects.get()  # only the newest stays
    assert newest.sequence == 8
    entries, since = walk(api, since=lagging, page_size=2)
    assert entries and all(e["snapshot"] for e in entries)
    assert replay(entries) == live_and_gone()
    assert stories[1].slug in replay(entries)[1]  # the tombstone of the withdrawn one
    assert first["results"][0]["snapshot"] is True
    # The numbering goes on after the pruned events: the partner continues from the log.
    newsroom.update(stories[3])
    (event,) = changes(api, since=since)["results"]
    assert event["slug"] == stories[3].slug and event["snapshot"] is False


def test_a_change_while_the_snapshot_is_read_comes_after_it(api, journalist):
    stories = [newsroom.publish(factories.story(by=journalist)) for _ in range(3)]
    page = changes(api, page_size=1)
    assert [e["slug"] for e in page["results"]] == [stories[0].slug]
    newsroom.withdraw(stories[0], "Wrong person named.")  # already passed by the snapshot
    newsroom.update(stories[2])  # not yet reached
    rest, _ = walk(api, since=page["next_cursor"], page_size=1)
    assert [(e["slug"], e["event"], e["snapshot"]) for e in rest] == [
        (stories[1].slug, "published", True),
        (stories[2].slug, "published", True),
        (stories[0].slug, "withdrawn", False),
        (stories[2].slug, "updated", False),
    ]
    assert replay(page["results"] + rest) == live_and_gone()


def test_snapshot_pages_cost_at_most_two_queries(api, journalist, django_assert_max_num_queries):
    for _ in range(3):
        newsroom.publish(factories.story(by=journalist))
    template = Story.objects.first().template
    Story.objects.bulk_create(
        Story(
            headline=f"Archive {i}",
            slug=f"archive-{i}",
            template=template,
            status=StoryStatus.PUBLISHED,
            published_at=timezone.now() - dt.timedelta(days=i + 1),
        )
        for i in range(250)
    )
    api.get(CHANGES)  # the key is remembered
    since, seen = None, []
    for _ in range(10):
        with django_assert_max_num_queries(2):
            body = changes(api, page_size=100, **({"since": since} if since else {}))
        seen += body["results"]
        since = body["next_cursor"]
        if not body["has_more"]:
            break
    # 253 stories, each once; the 3 events are behind the snapshot's horizon.
    assert len(seen) == len({e["slug"] for e in seen if e["snapshot"]}) == 253
