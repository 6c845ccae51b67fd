"""Celery tasks for the workflow. Each loads by id and calls a service; none decides anything."""

import logging

from celery import shared_task

from stories import notifications, workflow

logger = logging.getLogger(__name__)


@shared_task(name="stories.tasks.publish_due_stories_task", ignore_result=True)
def publish_due_stories_task() -> dict:
    """Every minute (beat): publish scheduled stories whose time has come, and announce
    published stories whose embargo has just ended. Catches up on anything a missed run left."""
    published = workflow.stories_publish_due()
    announced = workflow.stories_announce_embargo_lifted()
    if published or announced:
        logger.info(
            "Published %d scheduled stories, announced %d after their embargo",
            len(published),
            len(announced),
        )
    return {"published": [s.pk for s in published], "announced": [s.pk for s in announced]}


@shared_task(name="stories.tasks.notification_send_task", ignore_result=True)
def notification_send_task(notification_id: int) -> int:
    """Send the e-mails a workflow step owes (queued after the step's commit)."""
    notification = notifications.notification_send(notification_id=notification_id)
    return notification.recipients if notification else 0


@shared_task(name="stories.tasks.notifications_sweep_task", ignore_result=True)
def notifications_sweep_task() -> int:
    """Every minute (beat): send e-mails a broker outage or a mail server held back."""
    return notifications.notifications_sweep()
