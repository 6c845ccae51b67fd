"""Who may see a story: the page, the 410 and the partner API all ask `stories.visibility`."""

import datetime as dt

import pytest
from django.utils import timezone

from stories import visibility, workflow
from stories.models import Story, StoryStatus
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(db):
    return factories.editor(username="eddie")


def in_review(**kwargs):
    story = factories.story(citations=2, **kwargs)
    Story.objects.filter(pk=story.pk).update(status=StoryStatus.IN_REVIEW)
    return Story.objects.get(pk=story.pk)


def test_story_withdrawn_under_embargo_looks_as_if_it_never_existed(client, editor):
    story = in_review()
    later = timezone.now() + dt.timedelta(days=1)
    workflow.story_publish(story=story, by=editor, embargo_until=later)
    workflow.story_withdraw(story=story, by=editor, reason="The source retracted it.")
    story.refresh_from_db()

    response = client.get(story.get_absolute_url())

    assert response.status_code == 404
    assert "retracted" not in response.content.decode()
    assert not visibility.story_is_tombstone(story)
    assert not visibility.stories_tombstoned().filter(pk=story.pk).exists()


def test_story_withdrawn_after_readers_saw_it_answers_410_with_its_reason(client, editor):
    story = in_review()
    workflow.story_publish(story=story, by=editor)
    workflow.story_withdraw(story=story, by=editor, reason="The source retracted it.")
    story.refresh_from_db()

    response = client.get(story.get_absolute_url())

    assert response.status_code == 410
    assert "The source retracted it." in response.content.decode()
    assert visibility.stories_tombstoned().filter(pk=story.pk).exists()


def test_embargo_that_had_ended_before_the_withdrawal_makes_a_tombstone(editor):
    story = in_review()
    workflow.story_publish(story=story, by=editor)
    past = timezone.now() - dt.timedelta(hours=2)
    # Published under an embargo that ended two hours ago, then withdrawn now.
    Story.objects.filter(pk=story.pk).update(embargo_until=past, announced_at=None)
    workflow.story_withdraw(story=story, by=editor, reason="Legal.")
    story.refresh_from_db()

    assert visibility.story_was_visible(story)
    assert visibility.stories_tombstoned().filter(pk=story.pk).exists()


def test_visible_means_published_and_past_any_embargo(editor):
    story = in_review()
    assert not visibility.story_is_visible(story)
    workflow.story_publish(
        story=story, by=editor, embargo_until=timezone.now() + dt.timedelta(hours=1)
    )
    story.refresh_from_db()
    assert not visibility.story_is_visible(story)
    assert visibility.story_is_visible(story, now=timezone.now() + dt.timedelta(hours=2))
    assert not visibility.stories_visible().filter(pk=story.pk).exists()
