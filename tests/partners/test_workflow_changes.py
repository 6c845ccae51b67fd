"""The editorial workflow's own steps reach partners: through the change log and webhooks."""

import datetime as dt
import json

import pytest
from django.test import TestCase
from django.utils import timezone

from partners.models import WebhookDelivery
from stories import workflow
from stories.models import Story, StoryStatus
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks", "private_network_ok")]


@pytest.fixture
def in_review(journalist):
    story = factories.story(by=journalist, citations=2)
    Story.objects.filter(pk=story.pk).update(status=StoryStatus.IN_REVIEW)
    return Story.objects.get(pk=story.pk)


def run(step, **kwargs):
    """A workflow step as a request runs it: committed, then its on-commit hooks."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return step(**kwargs)


def test_publish_correct_withdraw_through_the_workflow(api, editor, in_review, receiver):
    from partners import services

    services.partner_create(name="Hooked", webhook_url=receiver.url)
    since = api.get("/api/v1/changes/").json()["next_cursor"]  # caught up, before the changes
    story = run(workflow.story_publish, story=in_review, by=editor)
    run(workflow.story_correct, story=story, by=editor, text="A date was wrong.")
    run(workflow.story_withdraw, story=Story.objects.get(pk=story.pk), by=editor, reason="Legal.")
    events = api.get("/api/v1/changes/", {"since": since}).json()["results"]
    assert [e["event"] for e in events] == ["published", "corrected", "withdrawn"]
    assert events[-1]["reason"] == "Legal."
    assert api.get(f"/api/v1/stories/{story.slug}/").status_code == 410
    assert WebhookDelivery.objects.filter(status="delivered").count() == 3
    assert len(receiver.requests) == 3


def test_an_embargoed_publish_reaches_partners_when_the_workflow_lifts_it(api, editor, in_review):
    embargo = timezone.now() + dt.timedelta(hours=1)
    story = run(workflow.story_publish, story=in_review, by=editor, embargo_until=embargo)
    assert api.get("/api/v1/changes/").json()["results"] == []
    assert api.get(f"/api/v1/stories/{story.slug}/").status_code == 404
    Story.objects.filter(pk=story.pk).update(embargo_until=timezone.now() - dt.timedelta(seconds=1))
    run(workflow.stories_announce_embargo_lifted)
    events = api.get("/api/v1/changes/").json()["results"]
    assert [(e["slug"], e["event"]) for e in events] == [(story.slug, "published")]
    assert api.get(f"/api/v1/stories/{story.slug}/").status_code == 200


def published_without_events(story, **fields) -> Story:
    """Published straight in the database, as seed_demo did and as stories published before
    the change log existed (or whose events were pruned) are: no change event at all."""
    fields.setdefault("published_at", timezone.now() - dt.timedelta(days=3))
    Story.objects.filter(pk=story.pk).update(status=StoryStatus.PUBLISHED, **fields)
    return Story.objects.get(pk=story.pk)


def test_a_story_published_before_the_change_log_is_tombstoned_when_withdrawn(
    api, editor, in_review, receiver
):
    from partners import services
    from partners.models import ChangeEvent

    partner, _ = services.partner_create(name="Hooked", webhook_url=receiver.url)
    story = published_without_events(in_review)
    assert not ChangeEvent.objects.exists()
    run(workflow.story_withdraw, story=story, by=editor, reason="Legal advice.")
    event = ChangeEvent.objects.get()
    assert (event.kind, event.state) == ("withdrawn", "released") and event.sequence == 1
    assert [e["event"] for e in api.get("/api/v1/changes/").json()["results"]] == ["withdrawn"]
    delivery = WebhookDelivery.objects.get(partner=partner)
    assert delivery.status == "delivered"
    (request,) = receiver.requests
    assert json.loads(request[1])["type"] == "story.withdrawn"
    assert api.get(f"/api/v1/stories/{story.slug}/").status_code == 410


def test_a_story_withdrawn_while_still_embargoed_leaves_no_tombstone(
    api, editor, in_review, receiver
):
    from partners import services
    from partners.models import ChangeEvent

    services.partner_create(name="Hooked", webhook_url=receiver.url)
    story = published_without_events(
        in_review, published_at=timezone.now(), embargo_until=timezone.now() + dt.timedelta(hours=2)
    )
    run(workflow.story_withdraw, story=story, by=editor, reason="Spiked before release.")
    assert ChangeEvent.objects.get().state == "suppressed"
    assert not ChangeEvent.objects.filter(state="released").exists()
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) <= {"cancelled"}
    assert receiver.requests == []
    assert api.get("/api/v1/changes/").json()["results"] == []
    assert api.get(f"/api/v1/stories/{story.slug}/").status_code == 404
