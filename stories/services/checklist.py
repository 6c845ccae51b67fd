"""The checklist's own records: an editor accepting a warning ("seen, it stands"), or
reopening it. Internal to the desk: no version, revision or partner change."""

from django.db import transaction

from stories import checks, permissions, selectors
from stories.models import CheckAcknowledgement, Story
from stories.workflow import TransitionForbidden, TransitionRefused


@transaction.atomic
def story_warning_accept(*, story: Story, by, fingerprint: str, note: str) -> CheckAcknowledgement:
    """Quiet one warning on a story until the text it is about changes, saying why."""
    if not permissions.may_accept_warnings(by, story):
        raise TransitionForbidden(
            "Only an editor who is not on this story's byline can accept its warnings."
        )
    note = (note or "").strip()
    if not note:
        raise TransitionRefused("Say why the warning stands (the note is kept with it).")
    findings, _ = checks.checklist_cached(story)
    finding = next((f for f in findings if f.fingerprint == fingerprint), None)
    if finding is None:
        raise TransitionRefused(
            "That warning is no longer on the checklist (the text changed): reload the page."
        )
    if finding.severity == checks.ERROR:
        raise TransitionRefused("Errors cannot be accepted: fix them, they block publishing.")
    acknowledgement, _ = CheckAcknowledgement.objects.update_or_create(
        story=story,
        code=finding.code,
        target=finding.target,
        fingerprint=fingerprint,
        defaults={"note": note, "by": by},
    )
    return acknowledgement


@transaction.atomic
def story_warning_reopen(*, story: Story, by, fingerprint: str) -> int:
    """Put an accepted warning back on the checklist."""
    if not permissions.may_accept_warnings(by, story):
        raise TransitionForbidden("Only an editor who is not on the byline can reopen it.")
    deleted, _ = CheckAcknowledgement.objects.filter(story=story, fingerprint=fingerprint).delete()
    return deleted


def story_checklist(story: Story, *, in_save: bool = False) -> dict:
    """What the checklist shows, the same everywhere (the panel, the message after a save):
    findings still open, accepted warnings, labels and counts. `in_save`: computed inside a
    save's transaction, remembered once it commits."""
    findings, labels = checks.checklist_cached(story, remember_on_commit=in_save)
    open_, accepted = checks.checklist_open(findings, selectors.story_acknowledgements(story))
    errors = sum(1 for f in open_ if f.severity == checks.ERROR)
    return {
        "open": open_,
        "accepted": accepted,
        "labels": labels,
        "errors": errors,
        "warnings": len(open_) - errors,
    }
