"""Listens to the stories app: each announced story change goes into the change log."""

from django.dispatch import receiver

from partners import services
from stories.signals import story_changed


@receiver(story_changed, dispatch_uid="partners.change_record")
def record_story_change(sender, story, event, by=None, **kwargs):
    # Sent inside the change's transaction, so the change event and its webhook rows commit
    # or roll back together with the change itself.
    services.change_record(story=story, kind=event, by=by)
