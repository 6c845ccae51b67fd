"""Who may do what to a story: the newsroom's roles and the four-eyes rule, in one place.

Editors hold `stories.publish_story` (the desk's powers) and `stories.change_any_story`;
journalists hold the plain model permissions and may edit only their own drafts. The model's
transitions, the admin and the `story` command all ask here, so a rule never lives twice.

This module imports no models: `stories.models` uses it to guard its transitions.
"""

JOURNALISTS = "Journalists"
EDITORS = "Editors"

PUBLISH = "stories.publish_story"
CHANGE_ANY = "stories.change_any_story"

# What each action needs, for the refusal message: "Only editors can publish a story."
_EDITOR_ONLY = {
    "request_changes": "request changes",
    "publish": "publish a story",
    "schedule": "schedule a story",
    "withdraw": "withdraw a story",
    "correct": "add a correction",
}
# The four-eyes rule: nobody approves their own story for readers.
_NOT_BY_AN_AUTHOR = {"publish", "schedule"}
# Run by the beat task, never by a person.
SYSTEM_ACTIONS = {"publish_scheduled"}


def is_editor(user) -> bool:
    """Holds the desk's powers: review, publish, schedule, withdraw and correct."""
    return bool(user is not None and user.is_active and user.has_perm(PUBLISH))


def is_author(user, story) -> bool:
    """On the story's byline. Reads prefetched byline links when the caller has them."""
    if user is None or not user.pk or not story.pk:
        return False
    cache = getattr(story, "_prefetched_objects_cache", {})
    if "byline_links" in cache:
        return any(link.user_id == user.pk for link in cache["byline_links"])
    return story.byline_links.filter(user_id=user.pk).exists()


def has_written(user, story) -> bool:
    """On the byline now or in any saved revision of the story: an editor who takes their own
    name off a story still wrote it, and may not approve it either."""
    if is_author(user, story):
        return True
    if user is None or not user.pk or not story.pk:
        return False
    from stories.revisions import story_byline_user_ids  # this module imports no models

    return user.pk in story_byline_user_ids(story)


def story_can_edit(user, story) -> bool:
    """Editors edit any story; a journalist edits a draft they are on the byline of."""
    if user is None or not user.is_active:
        return False
    if user.has_perm(CHANGE_ANY):
        return True
    return (
        user.has_perm("stories.change_story")
        and story.status == "draft"
        and (is_author(user, story) or story.created_by_id == user.pk)
    )


def story_can_delete(user, story) -> bool:
    """Deleting is for editors, and a published story is withdrawn first so readers are told."""
    return bool(
        user is not None
        and user.is_active
        and user.has_perm("stories.delete_story")
        and user.has_perm(CHANGE_ANY)
        and story.status != "published"
    )


def refusal(action: str, story, user) -> str | None:
    """Why `user` may not take `action` on `story`, or None when they may.

    Only who is asking matters here; whether the story's state allows the action is the state
    machine's business (`django_fsm.can_proceed`).
    """
    if action in SYSTEM_ACTIONS:
        return None if user is None else "Scheduled stories are published by the scheduler."
    if user is None or not user.is_authenticated:
        return "Sign in first: every workflow step records who took it."
    if not user.is_active:
        return f"The account {user.get_username()} is inactive."
    if action == "submit":
        if is_author(user, story) or is_editor(user):
            return None
        return "Only the story's byline authors or an editor can submit it for review."
    if action in _EDITOR_ONLY:
        if not is_editor(user):
            return f"Only editors can {_EDITOR_ONLY[action]}."
        if action in _NOT_BY_AN_AUTHOR and has_written(user, story):
            return (
                "You are or were on this story's byline: another editor must approve it "
                "(four-eyes rule)."
            )
        return None
    return f"Unknown action “{action}”."


def allows(action: str):
    """A django-fsm `permission=` callable for one action."""

    def permission(story, user) -> bool:
        return refusal(action, story, user) is None

    permission.__name__ = f"may_{action}"
    return permission
