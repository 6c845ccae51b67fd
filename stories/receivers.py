"""Keep caches honest: story representations when an entity card or an outlet changes, the
editorial checklist when the desk's shared names (dictionary, entities, outlets) change, and
the partner API's remembered story states when any story row changes.

Entities and outlets are shared by many stories and edited from several places (admin, import,
desk pages); a receiver is the one spot every save passes, so no path can leave a partner or a
reader with a stale card.
"""

from django.db.models.signals import post_delete, post_migrate, post_save
from django.dispatch import receiver

from sources.models import Citation, Outlet
from sources.signals import citation_shown_changed
from stories.api.states import stories_changed, stories_changed_on_commit
from stories.checks import desk_changed
from stories.models import DictionaryWord, Entity, Story, StoryEntity
from stories.services import stories_mark_shown_parts_changed
from stories.signals import story_changed, story_rows_updating


@receiver(post_save, sender=Entity, dispatch_uid="stories-entity-shown")
def entity_saved(sender, instance, created, **kwargs):
    desk_changed()  # a new or renamed entity changes every story's suggestions
    if not created:
        stories_mark_shown_parts_changed(
            story_ids=StoryEntity.objects.filter(entity=instance).values("story_id")
        )


@receiver(post_save, sender=Outlet, dispatch_uid="stories-outlet-shown")
def outlet_saved(sender, instance, created, **kwargs):
    desk_changed()  # outlet names are known words to the spelling check
    if not created:
        stories_mark_shown_parts_changed(
            story_ids=Citation.objects.filter(outlet=instance).values("story_id")
        )


@receiver(citation_shown_changed, dispatch_uid="stories-citation-shown")
def citation_shown(sender, story_ids, **kwargs):
    stories_mark_shown_parts_changed(story_ids=story_ids)


@receiver(post_save, sender=DictionaryWord, dispatch_uid="checks-dictionary-saved")
@receiver(post_delete, sender=DictionaryWord, dispatch_uid="checks-dictionary-deleted")
def dictionary_changed(sender, **kwargs):
    desk_changed()


@receiver(story_changed, dispatch_uid="checks-published-stories-changed")
def published_story_changed(sender, **kwargs):
    # Other stories' checklists compare their FAQ with published stories' questions.
    desk_changed()


@receiver(post_save, sender=Story, dispatch_uid="api-story-saved")
@receiver(post_delete, sender=Story, dispatch_uid="api-story-deleted")
def story_row_changed(sender, instance, using, **kwargs):
    # Whatever changed (status, version, the row itself), the states remembered at its slug,
    # and at the slug it was loaded with, are stale once it commits (stories/api/states.py).
    slugs = {instance.slug, getattr(instance, "loaded_slug", None)} - {None}
    instance.loaded_slug = instance.slug  # a second rename of this instance starts from here
    stories_changed_on_commit(slugs=slugs, using=using)


@receiver(story_rows_updating, sender=Story, dispatch_uid="api-story-rows-updating")
def story_rows_changing(sender, slugs, using, **kwargs):
    stories_changed_on_commit(slugs=slugs, using=using)


@receiver(post_migrate, dispatch_uid="api-stories-migrated")
def stories_migrated(sender, **kwargs):
    stories_changed()  # a data migration may have changed stories behind every signal
