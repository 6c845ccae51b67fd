"""Celery tasks for the workflow. Each loads by id and calls a service; none decides anything."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(name="stories.tasks.publish_due_stories_task", ignore_result=True)
def publish_due_stories_task() -> dict:
    """Every minute (beat): publish scheduled stories whose time has come, and announce
    published stories whose embargo has just ended. Catches up on anything a missed run left."""
    from stories import workflow

    published = workflow.stories_publish_due()
    announced = workflow.stories_announce_embargo_lifted()
    if published or announced:
        logger.info(
            "Published %d scheduled stories, announced %d after their embargo",
            len(published),
            len(announced),
        )
    return {"published": [s.pk for s in published], "announced": [s.pk for s in announced]}


# SMTP errors are OSErrors: a mail server that is down gets five more tries, backing off.
@shared_task(
    name="stories.tasks.story_notify_task",
    ignore_result=True,
    autoretry_for=(OSError,),
    retry_backoff=30,
    max_retries=5,
)
def story_notify_task(story_id: int, event: str, by_id: int | None, comment: str = "") -> int:
    """E-mail the people a workflow step concerns (queued after the step's commit)."""
    from django.contrib.auth import get_user_model

    from stories import notifications
    from stories.models import Story

    story = Story.objects.filter(pk=story_id).first()
    if story is None:
        return 0
    by = get_user_model().objects.filter(pk=by_id).first() if by_id else None
    return notifications.story_notify(story=story, event=event, by=by, comment=comment)
