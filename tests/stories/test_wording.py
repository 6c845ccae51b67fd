"""What people read in messages: dates that end a sentence, and refusals under "Fix this first:"."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import formats, timezone

from stories import workflow
from stories.models import Story
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["DATETIME_FORMAT", "SHORT_DATETIME_FORMAT", "TIME_FORMAT"])
def test_a_time_at_the_end_of_a_sentence_gets_one_full_stop(name):
    morning = timezone.make_aware(dt.datetime(2026, 5, 3, 9, 30))
    sentence = f"It goes live at {formats.date_format(timezone.localtime(morning), name)}."
    assert not sentence.endswith("..")
    assert "a.m." not in sentence


def test_the_scheduled_story_panel_ends_its_time_with_one_full_stop(client, editor):
    story = factories.story()
    at = timezone.make_aware(dt.datetime(2031, 5, 3, 9, 30))
    Story.objects.filter(pk=story.pk).update(status="scheduled", scheduled_for=at)
    client.force_login(editor)
    page = client.get(reverse("admin:stories_story_change", args=[story.pk])).content.decode()
    assert "Goes live on 3 May 2031, 09:30.</strong>" in page


def test_a_missing_comment_is_asked_for_once_under_fix_this_first(editor):
    story = factories.story()
    Story.objects.filter(pk=story.pk).update(status="in_review")
    with pytest.raises(workflow.TransitionRefused) as refused:
        workflow.story_request_changes(story=story, by=editor, comment=" ")
    # The admin shows it as "“Request changes” was refused. Fix this first: – <reason>".
    message = f"Fix this first: {refused.value.reasons[0]}"
    assert message.count("first") == 1
    assert refused.value.reasons[0] == (
        "Write a comment for the authors (what should they change?)."
    )
