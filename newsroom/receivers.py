"""The newsroom's answers to the stories app's events: a story's workflow step (a
`StoryTransition` row) goes to its people's inboxes.

An open blocking thread is an error in the checklist (`stories/checks/threads.py`), which the
workflow runs before submit, publish and schedule: no receiver of ours decides a step.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from newsroom import services
from stories.models import StoryTransition


@receiver(post_save, sender=StoryTransition, dispatch_uid="newsroom-inbox-transition")
def transition_to_inbox(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        services.inbox_story_transition(transition=instance)
