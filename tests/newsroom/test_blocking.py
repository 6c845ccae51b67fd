"""A blocking thread stops submit, publish and schedule until it is resolved."""

import datetime as dt

import pytest
from django.utils import timezone

from newsroom import services
from stories import checks, workflow
from stories.models import StoryStatus

from .conftest import in_review

pytestmark = pytest.mark.django_db


def test_an_open_blocking_thread_is_an_error_on_its_citation(desk):
    story = desk["story"]
    citation = story.citations.first()
    services.thread_start(
        story=story,
        by=desk["editor"],
        body="Legal must see this",
        anchor=f"citation:{citation.pk}",
        blocking=True,
    )
    errors = [f for f in checks.story_errors(story) if f.code == "blocking-thread"]
    assert [e.target for e in errors] == [f"citation:{citation.pk}"]


def test_a_thread_that_does_not_block_is_no_finding(desk):
    services.thread_start(story=desk["story"], by=desk["editor"], body="Just a thought")
    assert not [f for f in checks.story_findings(desk["story"]) if f.code == "blocking-thread"]


def test_a_blocking_thread_prevents_submit_until_resolved(desk):
    story = desk["story"]
    thread = services.thread_start(story=story, by=desk["editor"], body="Stop", blocking=True)
    with pytest.raises(workflow.TransitionRefused, match="blocking comment"):
        workflow.story_submit(story=story, by=desk["author"])
    services.thread_resolve(thread=thread, by=desk["editor"])
    assert workflow.story_submit(story=story, by=desk["author"]).status == StoryStatus.IN_REVIEW


def test_a_blocking_thread_prevents_publish_and_schedule_until_resolved(desk):
    story = in_review(desk["story"])
    thread = services.thread_start(story=story, by=desk["editor"], body="Legal", blocking=True)
    with pytest.raises(workflow.TransitionRefused, match="blocking comment"):
        workflow.story_publish(story=story, by=desk["editor"])
    later = timezone.now() + dt.timedelta(hours=2)
    with pytest.raises(workflow.TransitionRefused, match="blocking comment"):
        workflow.story_schedule(story=story, by=desk["editor"], publish_at=later)
    story.refresh_from_db()
    assert story.status == StoryStatus.IN_REVIEW and story.published_at is None
    services.thread_resolve(thread=thread, by=desk["editor"])
    assert workflow.story_publish(story=story, by=desk["editor"]).status == StoryStatus.PUBLISHED


def test_reopening_a_blocking_thread_blocks_again(desk):
    story = in_review(desk["story"])
    thread = services.thread_start(story=story, by=desk["editor"], body="Legal", blocking=True)
    services.thread_resolve(thread=thread, by=desk["editor"])
    services.thread_reopen(thread=thread, by=desk["editor"])
    with pytest.raises(workflow.TransitionRefused):
        workflow.story_publish(story=story, by=desk["editor"])


def test_the_cached_checklist_shows_a_new_blocking_thread(desk, django_capture_on_commit_callbacks):
    story = desk["story"]
    findings, _ = checks.checklist_cached(story)
    assert not [f for f in findings if f.code == "blocking-thread"]
    with django_capture_on_commit_callbacks(execute=True):
        services.thread_start(story=story, by=desk["editor"], body="Legal", blocking=True)
    findings, _ = checks.checklist_cached(story)
    assert [f.code for f in findings if f.code == "blocking-thread"] == ["blocking-thread"]
