"""The newsroom's answers to the stories app's events.

- A story's workflow step (a `StoryTransition` row) goes to its people's inboxes.
- Publishing or scheduling a story with an open blocking thread is refused: django-fsm's
  `pre_transition` runs inside the step's transaction, before the state moves, so the refusal
  rolls the whole step back (submit refuses through the checklist already).
"""

from django.db.models.signals import post_save
from django.dispatch import receiver
from django_fsm.signals import pre_transition

from newsroom import selectors, services
from stories.models import Story, StoryTransition
from stories.workflow import TransitionRefused

GUARDED_STEPS = {"publish", "schedule"}


@receiver(post_save, sender=StoryTransition, dispatch_uid="newsroom-inbox-transition")
def transition_to_inbox(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        services.inbox_story_transition(transition=instance)


@receiver(pre_transition, sender=Story, dispatch_uid="newsroom-blocking-threads")
def refuse_with_blocking_threads(sender, instance, name, **kwargs):
    if name not in GUARDED_STEPS:
        return
    blocking = list(selectors.story_open_blocking_threads(story_id=instance.pk))
    if blocking:
        raise TransitionRefused(
            [
                f"A blocking comment on {thread.anchor_label or 'the story'} is open: "
                "resolve it first."
                for thread in blocking
            ]
        )
