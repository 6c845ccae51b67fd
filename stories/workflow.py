"""The editorial workflow: draft → in review → scheduled / published → withdrawn, as services.

Every step is one function the admin, the API, the beat task and the `story` command all call.
Each runs in one transaction around a row lock: it checks who is asking (`permissions`), whether
the state allows it (the model's django-fsm transitions) and what the step needs (a comment, a
time, passing checks), then moves the state, writes the audit row (`StoryTransition`), sends
`story_changed` when readers see something new, and queues e-mails for after the commit. A
refused step raises and changes nothing.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django_fsm import can_proceed

from stories import checks, notifications, permissions, revisions
from stories.models import Correction, Story, StoryStatus, StoryTransition
from stories.signals import story_changed


class WorkflowError(Exception):
    """A workflow step was refused; `reasons` says what to do about it."""

    forbidden = False

    def __init__(self, reasons: list[str] | str):
        self.reasons = [reasons] if isinstance(reasons, str) else list(reasons)
        super().__init__(" ".join(self.reasons))


class TransitionRefused(WorkflowError):
    """The story's state, its checks or the input do not allow the step (fix and retry)."""


class TransitionForbidden(WorkflowError):
    """This person may not take the step at all (HTTP 403, exit code 3)."""

    forbidden = True


@dataclass(frozen=True)
class Action:
    """A step people take: its admin button label, and the one input it asks for, if any."""

    name: str
    label: str
    done: str
    needs: str = ""  # "comment" (required), "note" (optional), "time" (required), "embargo"
    prompt: str = ""
    confirm: str = ""  # a step people cannot undo asks them to tick this first


ACTIONS = {
    action.name: action
    for action in [
        Action(
            "submit",
            "Submit for review",
            "submitted for review",
            "note",
            "Note to the editors (optional)",
        ),
        Action(
            "recall",
            "Recall to draft",
            "recalled to draft",
            "note",
            "Why you take it back (optional; editors see it in the history)",
        ),
        Action(
            "request_changes",
            "Request changes",
            "sent back to its authors",
            "comment",
            "What should the authors change? They see this.",
        ),
        Action("publish", "Publish", "published", "embargo", "Not before (embargo, optional)"),
        Action("schedule", "Schedule", "scheduled", "time", "Publish at"),
        Action(
            "withdraw",
            "Withdraw",
            "withdrawn",
            "comment",
            "Why is it withdrawn? Readers see this instead of the story.",
            "Take it down for good: readers and partners get the reason instead of the story.",
        ),
        Action(
            "correct",
            "Add correction",
            "corrected",
            "comment",
            "The correction note readers see, e.g. “An earlier version misstated…”.",
        ),
    ]
}


def story_actions_for(*, story: Story, user) -> list[Action]:
    """The steps this person may take on this story now: the buttons the admin shows."""
    return [
        action
        for action in ACTIONS.values()
        if can_proceed(getattr(story, action.name))
        and permissions.refusal(action.name, story, user) is None
    ]


def _run(
    *,
    story_id: int,
    by,
    action: str,
    comment: str = "",
    apply: Callable[[Story, dt.datetime], None] | None = None,
) -> Story:
    """Lock, check, move the state, log it; returns the locked, updated story.

    `apply` makes the step's own changes (and may refuse) before the state moves.
    """
    locked = (
        Story.objects.select_for_update(of=("self",))
        .select_related("template")
        .filter(pk=story_id)
        .first()
    )
    if locked is None:
        raise TransitionRefused("This story no longer exists.")
    method = getattr(locked, action)
    reason = permissions.refusal(action, locked, by)
    if reason:
        raise TransitionForbidden(reason)
    if not can_proceed(method):
        label = ACTIONS[action].label if action in ACTIONS else action.replace("_", " ")
        raise TransitionRefused(
            f"“{label}” is not possible while the story is {locked.get_status_display().lower()}."
        )
    now = timezone.now()
    from_status = locked.status
    if apply:
        apply(locked, now)
    method()  # its conditions may read the story as it was before this step
    locked.updated_at = now
    locked.version = F("version") + 1
    locked.updated_by = by
    locked.save()
    locked.refresh_from_db(fields=["version"])
    StoryTransition.objects.create(
        story=locked,
        action=action,
        from_status=from_status,
        to_status=locked.status,
        by=by,
        comment=comment,
        at=now,
    )
    return locked


def _announce_if_visible(story: Story, now: dt.datetime, by) -> None:
    """Tell partners and caches the moment readers can see it: now, or when the embargo ends."""
    if story.embargo_until and story.embargo_until > now:
        return
    Story.objects.filter(pk=story.pk).update(announced_at=now)
    story.announced_at = now
    story_changed.send(sender=Story, story=story, event="published", by=by)


def _notify(story: Story, event: str, by, comment: str = "") -> None:
    notifications.notification_queue(story=story, event=event, by=by, comment=comment)


def _require_text(text: str, what: str) -> str:
    text = (text or "").strip()
    if not text:
        raise TransitionRefused(f"Write {what}.")  # shown after "Fix this first:"
    return text


def _refuse_on_errors(locked: Story) -> None:
    """The template's rules and every blocking check gate submit, publish and schedule (never
    a save): what the checklist calls an error stops the step, with each reason."""
    errors = checks.story_errors(locked)
    if errors:
        raise TransitionRefused([f"{e.message}" for e in errors])


@transaction.atomic
def story_submit(*, story: Story, by, comment: str = "") -> Story:
    """Send a draft to the editors; refuse it while the template's checks fail."""

    def apply(locked, now):
        _refuse_on_errors(locked)

    story = _run(story_id=story.pk, by=by, action="submit", comment=comment.strip(), apply=apply)
    _notify(story, "submitted", by, comment.strip())
    return story


@transaction.atomic
def story_recall(*, story: Story, by, comment: str = "") -> Story:
    """Take a submitted story back to draft before any editor has acted on it."""
    try:
        return _run(story_id=story.pk, by=by, action="recall", comment=comment.strip())
    except TransitionRefused as refused:
        if (
            refused.forbidden
            or not Story.objects.filter(pk=story.pk, status=StoryStatus.IN_REVIEW).exists()
        ):
            raise
        raise TransitionRefused(
            "Someone has changed this story since it was submitted, so it can no longer be "
            "recalled: ask the editors to request changes."
        ) from refused


@transaction.atomic
def story_request_changes(*, story: Story, by, comment: str) -> Story:
    """Send a story back to its authors with what to change; it becomes a draft again."""
    comment = _require_text(comment, "a comment for the authors (what should they change?)")

    def apply(locked, now):
        locked.scheduled_for = None

    story = _run(story_id=story.pk, by=by, action="request_changes", comment=comment, apply=apply)
    _notify(story, "changes_requested", by, comment)
    return story


@transaction.atomic
def story_publish(
    *, story: Story, by, embargo_until: dt.datetime | None = None, comment: str = ""
) -> Story:
    """Publish a reviewed story, optionally not before `embargo_until`.

    Until the embargo time it stays invisible to readers, feeds and partners; the beat task
    announces it when the time comes.
    """

    def apply(locked, now):
        _refuse_on_errors(locked)
        locked.embargo_until = embargo_until
        locked.published_at = embargo_until if embargo_until and embargo_until > now else now
        locked.scheduled_for = None

    story = _run(story_id=story.pk, by=by, action="publish", comment=comment, apply=apply)
    _announce_if_visible(story, timezone.now(), by)
    _notify(story, "published", by)
    return story


@transaction.atomic
def story_schedule(*, story: Story, by, publish_at: dt.datetime | None, comment: str = "") -> Story:
    """Approve a story now and publish it automatically at `publish_at` (the beat task does)."""

    def apply(locked, now):
        _refuse_on_errors(locked)
        if publish_at is None:
            raise TransitionRefused("Pick the time to publish at.")
        if publish_at <= now:
            raise TransitionRefused(
                "Pick a time in the future to schedule, or press “Publish” to publish now."
            )
        locked.scheduled_for = publish_at

    story = _run(story_id=story.pk, by=by, action="schedule", comment=comment, apply=apply)
    return story


@transaction.atomic
def story_withdraw(*, story: Story, by, reason: str) -> Story:
    """Take a published story down for good; its page answers 410 Gone with the reason."""
    reason = _require_text(reason, "the reason for withdrawing it (readers see it)")

    def apply(locked, now):
        locked.withdrawn_at = now
        locked.withdrawn_reason = reason

    story = _run(story_id=story.pk, by=by, action="withdraw", comment=reason, apply=apply)
    story_changed.send(sender=Story, story=story, event="withdrawn", by=by)
    return story


@transaction.atomic
def story_correct(*, story: Story, by, text: str) -> Correction:
    """Add a public correction note to a published story (listed on it and on /corrections/)."""
    text = _require_text(text, "the correction note")
    created = []

    def apply(locked, now):
        created.append(
            Correction.objects.create(story=locked, text=text, created_by=by, created_at=now)
        )

    story = _run(story_id=story.pk, by=by, action="correct", comment=text, apply=apply)
    revisions.story_save_revision(story=story, by=by, comment="Correction added.")
    story_changed.send(sender=Story, story=story, event="corrected", by=by)
    return created[0]


def story_act(*, story: Story, action: str, by, comment: str = "", at=None) -> Story:
    """Run a step by name, as the admin buttons and the `story` command do.

    `at` is the time to publish at for "schedule" and the embargo ("not before") for "publish";
    `comment` is the note to the editors, the request to the authors, the withdrawal reason or
    the correction text.
    """
    if action == "submit":
        return story_submit(story=story, by=by, comment=comment)
    if action == "recall":
        return story_recall(story=story, by=by, comment=comment)
    if action == "request_changes":
        return story_request_changes(story=story, by=by, comment=comment)
    if action == "publish":
        return story_publish(story=story, by=by, embargo_until=at, comment=comment)
    if action == "schedule":
        return story_schedule(story=story, by=by, publish_at=at, comment=comment)
    if action == "withdraw":
        return story_withdraw(story=story, by=by, reason=comment)
    if action == "correct":
        story_correct(story=story, by=by, text=comment)
        return Story.objects.get(pk=story.pk)
    raise TransitionRefused(f"Unknown action “{action}”: use one of {', '.join(ACTIONS)}.")


def _stamp_published(locked: Story, now: dt.datetime) -> None:
    locked.published_at = now


@transaction.atomic
def story_publish_archived(*, story: Story, published_at: dt.datetime, comment: str) -> Story:
    """Load a story that was already published elsewhere, with its original time.

    For operators' commands only (the demo, archive imports): no person approves it here, so
    no person may call it. Partners are told as of any other publication.
    """

    def apply(locked, now):
        locked.published_at = published_at

    story = _run(
        story_id=story.pk, by=None, action="publish_archived", comment=comment, apply=apply
    )
    _announce_if_visible(story, timezone.now(), None)
    return story


def stories_publish_due(*, now: dt.datetime | None = None) -> list[Story]:
    """Publish every scheduled story whose time has come, however late (a missed run catches up).

    One transaction per story, so one failure does not hold back the rest; the row lock makes
    two overlapping runs publish each story once.
    """
    now = now or timezone.now()
    due = Story.objects.filter(status=StoryStatus.SCHEDULED, scheduled_for__lte=now)
    published = []
    for pk in due.order_by("scheduled_for", "pk").values_list("pk", flat=True):
        try:
            with transaction.atomic():
                story = _run(
                    story_id=pk, by=None, action="publish_scheduled", apply=_stamp_published
                )
                _announce_if_visible(story, timezone.now(), None)
                _notify(story, "published", None)
        except TransitionRefused:
            continue  # published, or sent back, by someone else since we looked
        published.append(story)
    return published


def stories_announce_embargo_lifted(*, now: dt.datetime | None = None) -> list[Story]:
    """Announce ("published") each published story whose embargo has just passed, once."""
    now = now or timezone.now()
    waiting = Story.objects.filter(
        status=StoryStatus.PUBLISHED, announced_at__isnull=True, embargo_until__lte=now
    )
    announced = []
    for pk in waiting.values_list("pk", flat=True):
        with transaction.atomic():
            claimed = Story.objects.filter(
                pk=pk, status=StoryStatus.PUBLISHED, announced_at__isnull=True
            ).update(announced_at=now)
            if not claimed:
                continue  # another run got there first
            story = Story.objects.get(pk=pk)
            StoryTransition.objects.create(
                story=story,
                action="embargo_lifted",
                from_status=StoryStatus.PUBLISHED,
                to_status=StoryStatus.PUBLISHED,
                comment="The embargo ended: readers and partners can see it now.",
                at=now,
            )
            story_changed.send(sender=Story, story=story, event="published", by=None)
        announced.append(story)
    return announced
