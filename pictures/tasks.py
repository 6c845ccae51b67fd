"""Celery tasks for pictures. Each loads by id and calls a service; none decides anything."""

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail

from pictures import services
from pictures.models import Image
from stories import notifications
from stories.models import Story

logger = logging.getLogger(__name__)


@shared_task(name="pictures.tasks.image_render_task", ignore_result=True)
def image_render_task(image_id: int) -> int:
    """After an upload or a moved focal point: store the image's renditions."""
    image = services.image_render(image_id=image_id)
    return image.renditions_revision if image else 0


@shared_task(name="pictures.tasks.pictures_take_down_expired_task", ignore_result=True)
def pictures_take_down_expired_task() -> list[int]:
    """Every hour (beat): take pictures whose rights expired down from every story."""
    return [image.pk for image in services.images_take_down_expired()]


@shared_task(name="pictures.tasks.takedown_notice_task", ignore_result=True)
def takedown_notice_task(image_id: int, story_ids: list[int]) -> int:
    """Tell the desk a picture was taken down, and from which stories."""
    image = Image.objects.filter(pk=image_id).first()
    if image is None:
        return 0
    headlines = list(Story.objects.filter(pk__in=story_ids).values_list("headline", flat=True))
    recipients = list(notifications.editors().values_list("email", flat=True))
    logger.warning(
        "Picture %s taken down (rights expired) from %d stories", image_id, len(story_ids)
    )
    if not recipients:
        return 0
    lines = [
        f"The rights to the picture “{image}” ({image.credit or 'no credit'}) expired on "
        f"{image.rights_expire_on:%Y-%m-%d}. It was taken down from:",
        "",
        *(f"- {headline}" for headline in headlines),
        "",
        "Replace it in those stories, or renew the licence and clear the expiry date.",
    ]
    return send_mail(
        f"[{settings.NEWSDESK_SITE_NAME}] Picture taken down: {image}",
        "\n".join(lines) + "\n",
        None,
        recipients,
    )
