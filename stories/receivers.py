"""Keep cached story representations honest when an entity card or an outlet changes.

Entities and outlets are shared by many stories and edited from several places (admin, import,
desk pages); a receiver is the one spot every save passes, so no path can leave a partner or a
reader with a stale card.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from sources.models import Citation, Outlet
from stories.models import Entity, StoryEntity
from stories.services import stories_mark_shown_parts_changed


@receiver(post_save, sender=Entity, dispatch_uid="stories-entity-shown")
def entity_saved(sender, instance, created, **kwargs):
    if not created:
        stories_mark_shown_parts_changed(
            story_ids=StoryEntity.objects.filter(entity=instance).values("story_id")
        )


@receiver(post_save, sender=Outlet, dispatch_uid="stories-outlet-shown")
def outlet_saved(sender, instance, created, **kwargs):
    if not created:
        stories_mark_shown_parts_changed(
            story_ids=Citation.objects.filter(outlet=instance).values("story_id")
        )
