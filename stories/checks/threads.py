"""The desk's conversation as a check: an open blocking comment thread is an error, so the
story goes neither to review nor to readers until someone who may edit it resolves it."""

from collections.abc import Iterable

from newsroom.models import Anchor, Thread
from stories.checks.registry import ERROR, Finding, register
from stories.models import Story


@register("blocking_threads")
def blocking_threads(story: Story) -> Iterable[Finding]:
    """One error per open blocking thread, pointing at the part it is about."""
    open_threads = Thread.objects.filter(
        story_id=story.pk, blocking=True, resolved_at__isnull=True
    ).select_related("created_by")
    keys = {section.pk: section.key for section in story.sections.all()}
    for thread in open_threads:
        target = thread.target
        if thread.anchor == Anchor.SECTION and thread.anchor_id in keys:
            target = keys[thread.anchor_id]
        who = thread.created_by.get_full_name() or thread.created_by.get_username()
        yield Finding(
            ERROR,
            "blocking-thread",
            f"A blocking comment by {who} on {thread.anchor_label or 'the story'} is open: "
            "it must be resolved first.",
            target,
        )
