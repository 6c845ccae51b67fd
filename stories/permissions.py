"""Who may do what to a story: the newsroom's roles and the four-eyes rule, in one place.

Editors hold `stories.publish_story` (the desk's powers) and `stories.change_any_story`;
journalists hold the plain model permissions and edit the drafts they are on the byline of.
Journalists may *read* every colleague's story, draft or not, and its revisions (a newsroom
works in the open), but not manage accounts. The workflow and editing services, the admin and
the commands all ask here, so a rule never lives twice.

The four-eyes rule holds past approval: someone who wrote a story (on its byline now or in
any revision) may neither approve it nor change it once another editor has scheduled or
published it; their change would reach readers unreviewed.
"""

from stories import selectors

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
SYSTEM_ACTIONS = {"publish_scheduled", "publish_archived"}
# Approved by an editor: what is in them reaches readers without another review.
APPROVED = {"scheduled", "published"}


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
    return user.pk in selectors.story_byline_user_ids(story)


def edit_refusal(user, story) -> str | None:
    """Why `user` may not change `story` (its text or parts) now, or None when they may.

    `None` as the user is the system (a management command run by an operator, a task).
    """
    if user is None:
        return None
    if not user.is_active:
        return f"The account {user.get_username()} is inactive."
    if story.status in APPROVED and has_written(user, story):
        return (
            "You wrote this story and another editor approved it: a change from you would reach "
            "readers unreviewed (four-eyes rule). Ask another editor to make it."
        )
    if user.has_perm(CHANGE_ANY):
        return None
    if not user.has_perm("stories.change_story"):
        return "You may not change stories."
    if story.status != "draft":
        return "Only editors can change a story once it has been submitted for review."
    if not is_author(user, story):
        return "Only the story's byline authors and editors can change this draft."
    return None


def story_can_edit(user, story) -> bool:
    """Editors edit any story their four-eyes rule allows; a journalist edits a draft they are
    on the byline of (creating a story puts its creator there; taken off, they stop)."""
    return user is not None and edit_refusal(user, story) is None


def needs_live_confirmation(story) -> bool:
    """A change to a published story reaches readers and partners on save: ask first."""
    return story.status == "published"


def may_accept_warnings(user, story) -> bool:
    """Accepting a checklist warning ("seen, it stands") is an editor's call, not the call of
    someone on the byline. Accepted warnings stay listed, so whoever approves still sees them."""
    return is_editor(user) and not is_author(user, story)


def manages_people(user) -> bool:
    """May see the newsroom's accounts, their e-mail addresses and roles: account managers
    only. Everyone on staff may still find a colleague by name for a byline."""
    return bool(user is not None and user.is_active and user.has_perm("auth.change_user"))


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
    if action == "recall":
        if is_author(user, story):
            return None
        return "Only the story's byline authors can recall it; an editor requests changes."
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


# --- The desk's conversation (newsroom): comments, mentions, preview links --------------------


def story_can_view(user, story) -> bool:
    """Sees the story in the admin (staff who may read stories: every journalist and editor),
    so may read and join its comment threads and be @mentioned in them."""
    return bool(
        user is not None
        and user.is_active
        and user.is_staff
        and (user.has_perm("stories.view_story") or user.has_perm(CHANGE_ANY))
    )


def story_can_comment(user, story) -> bool:
    """Comments are internal and never change the story: whoever may read it may discuss it."""
    return story_can_view(user, story)


def comment_can_change(user, comment) -> bool:
    """Edit or delete a comment: its author only, while active."""
    return bool(user is not None and user.is_active and user.pk == comment.author_id)


def thread_can_resolve(user, story) -> bool:
    """Resolving (or reopening) a thread, blocking ones included, is an edit of the story's
    standing: it needs the permission to edit the story."""
    return story_can_edit(user, story)


def preview_can_create(user, story) -> bool:
    """A preview link shows the draft to someone without an account: people who may edit the
    story create and revoke them."""
    return story_can_edit(user, story)
