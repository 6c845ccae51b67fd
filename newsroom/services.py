"""Every write of the desk's conversation: threads, comments, mentions, inboxes, preview links.

Each service is one transaction. None touches the story: comments are not part of its version,
so commenting never bumps it, never writes a revision and never purges a cache. E-mails for
mentions follow the outbox pattern of `stories.notifications`: a row per person, sent by a
task queued after the commit, which gathers every mention of the burst into one e-mail.
"""

import datetime as dt
import hashlib
import logging
import re
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from newsdesk.dispatch import task_after_commit
from newsroom.models import (
    Anchor,
    Comment,
    CommentEdit,
    InboxItem,
    Mention,
    MentionEmail,
    PreviewLink,
    PreviewOpen,
    Thread,
)
from sources.models import Citation
from stories import checks, permissions, revisions
from stories.models import FAQItem, Story, StorySection, StoryTransition

MENTION_EMAIL_TASK = "newsroom.tasks.mention_email_send_task"
# A mention: "@jo" at the start or after a space or punctuation, never inside an e-mail address.
MENTION = re.compile(r"(?<![\w@.])@([A-Za-z0-9_.+-]*[A-Za-z0-9_+-])")
# The workflow steps a story's writers and editors hear about in their inbox.
STATE_EVENTS = {
    "submit": "submitted for review",
    "request_changes": "sent back to its authors",
    "publish": "published",
}

logger = logging.getLogger(__name__)


class CommentRefused(Exception):
    """The comment, or the step on a thread, was refused; the message says why."""

    forbidden = False


class CommentForbidden(CommentRefused):
    """This person may not take the step at all (HTTP 403)."""

    forbidden = True


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def _excerpt(text: str, length: int = 120) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise CommentRefused("Write a comment first.")
    if len(body) > 10_000:
        raise CommentRefused("A comment holds at most 10,000 characters.")
    return body


def _blocking_changed() -> None:
    # The checklist panel is cached per story version, which comments do not move.
    transaction.on_commit(checks.desk_changed)


def _anchor(story: Story, anchor: str) -> tuple[str, int | None, str]:
    """("citation", 12, "Citation 2 …") for "citation:12"; refuses a part of another story."""
    kind, _, pk = (anchor or "story").partition(":")
    if kind == Anchor.STORY or not kind:
        return Anchor.STORY, None, "The story"
    models = {Anchor.SECTION: StorySection, Anchor.CITATION: Citation, Anchor.FAQ: FAQItem}
    if kind not in models or not pk.isdigit():
        raise CommentRefused("Pick what the comment is about.")
    part = models[kind].objects.filter(pk=int(pk), story_id=story.pk).first()
    if part is None:
        raise CommentRefused("That part is not in this story (any more).")
    if kind == Anchor.SECTION:
        label = f"Section “{part.heading}”"
    elif kind == Anchor.CITATION:
        label = f"Citation: {_excerpt(part.claim, 80)}"
    else:
        label = f"FAQ: {_excerpt(part.question, 80)}"
    return kind, part.pk, label


def _mentioned(story: Story, body: str, by) -> list:
    """The people @named in `body`; refuses the comment if one of them may not see the story."""
    names = {name.lower() for name in MENTION.findall(body)}
    if not names:
        return []
    users = {
        user.get_username().lower(): user
        for user in get_user_model().objects.filter(username__iregex=_names_regex(names))
    }
    unknown = sorted(names - users.keys())
    if unknown:
        raise CommentRefused(f"Nobody is called {', '.join('@' + n for n in unknown)}.")
    barred = sorted(n for n, user in users.items() if not permissions.story_can_view(user, story))
    if barred:
        raise CommentRefused(
            f"{', '.join('@' + n for n in barred)} may not see this story, so cannot be "
            "mentioned: comments are for people who can read it."
        )
    return [user for user in users.values() if user.pk != by.pk]


def _names_regex(names: set[str]) -> str:
    return "^(" + "|".join(re.escape(name) for name in sorted(names)) + ")$"


def _notify(*, comment: Comment, story: Story, by, mentioned: list, thread: Thread) -> None:
    """Inbox items for the people @named and for the thread's earlier participants; an e-mail
    owed to each person mentioned."""
    told = set()
    for user in mentioned:
        InboxItem.objects.create(
            user=user,
            kind=InboxItem.Kind.MENTION,
            story=story,
            comment=comment,
            by=by,
            text=_excerpt(comment.body, 280),
            emailed=False,
        )
        told.add(user.pk)
        mention_email_queue(user=user)
    participants = {thread.created_by_id} | set(
        thread.comments.exclude(pk=comment.pk).values_list("author_id", flat=True)
    )
    for user_id in sorted(participants - told - {by.pk}):
        InboxItem.objects.create(
            user_id=user_id,
            kind=InboxItem.Kind.REPLY,
            story=story,
            comment=comment,
            by=by,
            text=_excerpt(comment.body, 280),
        )
    Mention.objects.bulk_create(Mention(comment=comment, user=user) for user in mentioned)


def thread_start(
    *,
    story: Story,
    by,
    body: str,
    anchor: str = "story",
    quote: str = "",
    blocking: bool = False,
) -> Thread:
    """Start a thread about the story or one of its parts, optionally on a quoted span of a
    section's text and optionally blocking submit and publish until it is resolved."""
    if not permissions.story_can_comment(by, story):
        raise CommentForbidden("You may not comment on this story.")
    body = _body(body)
    quote = (quote or "").strip()[:2000]
    with transaction.atomic():
        kind, anchor_id, label = _anchor(story, anchor)
        if quote and kind != Anchor.SECTION:
            raise CommentRefused("Only a section's text can be quoted.")
        mentioned = _mentioned(story, body, by)
        thread = Thread.objects.create(
            story=story,
            anchor=kind,
            anchor_id=anchor_id,
            anchor_label=label,
            quote=quote,
            blocking=blocking,
            created_by=by,
        )
        comment = Comment.objects.create(thread=thread, author=by, body=body)
        _notify(comment=comment, story=story, by=by, mentioned=mentioned, thread=thread)
        if blocking:
            _blocking_changed()
    return thread


def comment_reply(*, thread: Thread, by, body: str) -> Comment:
    """Answer in a thread; the thread's earlier participants hear of it in their inbox."""
    story = thread.story
    if not permissions.story_can_comment(by, story):
        raise CommentForbidden("You may not comment on this story.")
    body = _body(body)
    with transaction.atomic():
        mentioned = _mentioned(story, body, by)
        comment = Comment.objects.create(thread=thread, author=by, body=body)
        _notify(comment=comment, story=story, by=by, mentioned=mentioned, thread=thread)
    return comment


def comment_edit(*, comment: Comment, by, body: str) -> Comment:
    """Change one's own comment; the earlier text stays in its history. Mentions added by the
    edit are told like new ones."""
    if not permissions.comment_can_change(by, comment):
        raise CommentForbidden("Only its author can edit a comment.")
    if comment.deleted_at:
        raise CommentRefused("This comment was deleted.")
    body = _body(body)
    with transaction.atomic():
        locked = (
            Comment.objects.select_for_update().select_related("thread__story").get(pk=comment.pk)
        )
        story = locked.thread.story
        before = set(locked.mentions.values_list("user_id", flat=True))
        mentioned = [u for u in _mentioned(story, body, by) if u.pk not in before]
        CommentEdit.objects.create(comment=locked, body=locked.body, action="edit")
        locked.body, locked.edited_at = body, timezone.now()
        locked.save(update_fields=["body", "edited_at"])
        for user in mentioned:
            InboxItem.objects.create(
                user=user,
                kind=InboxItem.Kind.MENTION,
                story=story,
                comment=locked,
                by=by,
                text=_excerpt(body, 280),
                emailed=False,
            )
            mention_email_queue(user=user)
        Mention.objects.bulk_create(Mention(comment=locked, user=user) for user in mentioned)
    return locked


def comment_delete(*, comment: Comment, by) -> Comment:
    """Take one's own comment down: it shows as deleted, its text stays in history."""
    if not permissions.comment_can_change(by, comment):
        raise CommentForbidden("Only its author can delete a comment.")
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        if locked.deleted_at is None:
            CommentEdit.objects.create(comment=locked, body=locked.body, action="delete")
            locked.deleted_at = timezone.now()
            locked.save(update_fields=["deleted_at"])
    return locked


def thread_resolve(*, thread: Thread, by) -> Thread:
    """Close a thread; a blocking one stops blocking. Needs the permission to edit the story."""
    return _thread_resolved(thread, by, resolved=True)


def thread_reopen(*, thread: Thread, by) -> Thread:
    """Open a resolved thread again; a blocking one blocks again."""
    return _thread_resolved(thread, by, resolved=False)


def _thread_resolved(thread: Thread, by, *, resolved: bool) -> Thread:
    if not permissions.thread_can_resolve(by, thread.story):
        verb = "Resolving" if resolved else "Reopening"
        raise CommentForbidden(f"{verb} a thread needs the permission to edit the story.")
    with transaction.atomic():
        locked = Thread.objects.select_for_update().get(pk=thread.pk)
        if (locked.resolved_at is None) == resolved:
            locked.resolved_at = timezone.now() if resolved else None
            locked.resolved_by = by if resolved else None
            locked.save(update_fields=["resolved_at", "resolved_by"])
            if locked.blocking:
                _blocking_changed()
    return locked


# --- Inbox ------------------------------------------------------------------------------------


def inbox_mark_read(*, user, item_ids: list[int] | None = None) -> int:
    """Mark a person's inbox items read (all of them without `item_ids`); returns how many."""
    items = InboxItem.objects.filter(user=user, read_at__isnull=True)
    if item_ids is not None:
        items = items.filter(pk__in=item_ids)
    return items.update(read_at=timezone.now())


def inbox_story_transition(*, transition: StoryTransition) -> int:
    """Tell the story's writers and the people who took its earlier steps that it was
    submitted, sent back or published (not the person who took the step)."""
    event = STATE_EVENTS.get(transition.action)
    if event is None:
        return 0
    story = transition.story
    people = set(story.byline_links.values_list("user_id", flat=True))
    people |= set(
        StoryTransition.objects.filter(story_id=story.pk, by__isnull=False)
        .exclude(pk=transition.pk)
        .values_list("by_id", flat=True)
    )
    people.discard(transition.by_id)
    who = _name(transition.by) if transition.by else "The scheduler"
    InboxItem.objects.bulk_create(
        InboxItem(
            user_id=user_id,
            kind=InboxItem.Kind.STATE,
            story=story,
            by=transition.by,
            text=f"{who}: “{_excerpt(story.headline, 150)}” was {event}.",
            created_at=transition.at,
        )
        for user_id in sorted(people)
    )
    return len(people)


# --- Mention e-mails (an outbox) --------------------------------------------------------------


def mention_email_queue(*, user) -> MentionEmail | None:
    """Owe `user` one e-mail for this burst of mentions: one pending row per person, its task
    queued after the commit with a short delay, so the mentions that follow join it."""
    if not user.email:
        InboxItem.objects.filter(user=user, emailed=False).update(emailed=True)
        return None
    pending = (
        MentionEmail.objects.select_for_update()
        .filter(user=user, state=MentionEmail.State.PENDING)
        .first()
    )
    if pending is not None:
        return pending
    email = MentionEmail.objects.create(user=user)
    task_after_commit(
        MENTION_EMAIL_TASK, email.pk, countdown=settings.NEWSDESK_MENTION_EMAIL_DELAY_SECONDS
    )
    return email


def _mention_message(user, items: list[InboxItem]) -> tuple[str, str]:
    site = settings.NEWSDESK_SITE_NAME
    subject = (
        f"[{site}] {_name(items[0].by) if items[0].by else 'Someone'} mentioned you"
        if len(items) == 1
        else f"[{site}] You were mentioned {len(items)} times"
    )
    lines = []
    for item in items:
        url = settings.NEWSDESK_SITE_URL + reverse(
            "admin:stories_story_change", args=[item.story_id]
        )
        who = _name(item.by) if item.by else "Someone"
        lines += [f"{who} on “{item.story.headline}”:", f"  {item.text}", f"  {url}", ""]
    lines.append("Your inbox: " + settings.NEWSDESK_SITE_URL + reverse("newsroom:inbox"))
    return subject, "\n".join(lines) + "\n"


def mention_email_send(*, email_id: int) -> MentionEmail | None:
    """Send one person every mention not yet e-mailed, in one e-mail, once."""
    with transaction.atomic():
        email = (
            MentionEmail.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("user")
            .filter(pk=email_id, state=MentionEmail.State.PENDING)
            .first()
        )
        if email is None:
            return None
        items = list(
            InboxItem.objects.select_for_update(of=("self",))
            .filter(user=email.user, kind=InboxItem.Kind.MENTION, emailed=False)
            .select_related("story", "by")
            .order_by("created_at", "id")
        )
        email.attempts += 1
        try:
            if items and email.user.email and email.user.is_active:
                subject, body = _mention_message(email.user, items)
                message = EmailMessage(
                    subject, body, settings.DEFAULT_FROM_EMAIL, [email.user.email]
                )
                get_connection().send_messages([message])
        except OSError as error:
            email.last_error = str(error)[:1000]
            if email.attempts >= settings.NEWSDESK_NOTIFY_MAX_ATTEMPTS:
                email.state = MentionEmail.State.FAILED
            logger.warning("Mention e-mail %s not sent: %s", email.pk, error)
        else:
            email.state, email.sent_at = MentionEmail.State.SENT, timezone.now()
            email.mentions, email.last_error = len(items), ""
            InboxItem.objects.filter(pk__in=[i.pk for i in items]).update(emailed=True)
        email.save(update_fields=["attempts", "state", "sent_at", "mentions", "last_error"])
    return email


def mention_emails_sweep(*, now: dt.datetime | None = None) -> int:
    """Send mention e-mails still owed well after their delay (a broker outage, a mail server
    that failed). Returns how many were sent."""
    now = now or timezone.now()
    wait = settings.NEWSDESK_MENTION_EMAIL_DELAY_SECONDS + settings.NEWSDESK_NOTIFY_SWEEP_SECONDS
    due = MentionEmail.objects.filter(
        state=MentionEmail.State.PENDING, created_at__lte=now - dt.timedelta(seconds=wait)
    ).values_list("pk", flat=True)
    sent = 0
    for pk in list(due[:500]):
        done = mention_email_send(email_id=pk)
        sent += bool(done and done.state == MentionEmail.State.SENT)
    return sent


# --- Preview links ----------------------------------------------------------------------------


def preview_token_hash(token: str) -> str:
    """What is stored of a token: a keyed hash, so the database holds no working link."""
    key = settings.SECRET_KEY.encode()
    return hashlib.blake2b(token.encode(), key=key[:64], digest_size=32).hexdigest()


def preview_link_create(
    *, story: Story, by, hours: int | None = None, lock_version: bool = False, note: str = ""
) -> tuple[PreviewLink, str]:
    """A new preview link and its token (shown once). It expires after `hours` (72 by
    default, 14 days at most) and shows the latest draft, or this version only."""
    if not permissions.preview_can_create(by, story):
        raise CommentForbidden("Preview links are for people who may edit the story.")
    hours = settings.NEWSDESK_PREVIEW_HOURS if hours is None else int(hours)
    if not 1 <= hours <= settings.NEWSDESK_PREVIEW_MAX_HOURS:
        raise CommentRefused(
            f"A preview link lasts between 1 hour and {settings.NEWSDESK_PREVIEW_MAX_HOURS // 24}"
            " days."
        )
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        current = Story.objects.get(pk=story.pk)
        version = revision_id = None
        if lock_version:
            version, revision_id = current.version, _revision_of(current)
            if revision_id is None:
                raise CommentRefused("This version has no saved revision to lock the link to.")
        link = PreviewLink.objects.create(
            story=current,
            token_hash=preview_token_hash(token),
            version=version,
            revision_id=revision_id,
            note=note.strip()[:200],
            created_by=by,
            created_at=now,
            expires_at=now + dt.timedelta(hours=hours),
        )
    return link, token


def _revision_of(story: Story) -> int | None:
    for version in story_versions_of(story):
        if version.field_dict.get("version") == story.version:
            return version.revision_id
    return None


def story_versions_of(story: Story):
    """The story's stored revisions, newest first (reversion's own query)."""
    return revisions.story_versions(story)


def preview_link_revoke(*, link: PreviewLink, by) -> PreviewLink:
    """Stop a preview link working now; it answers 410 from then on."""
    if not permissions.preview_can_create(by, link.story):
        raise CommentForbidden("Preview links are revoked by people who may edit the story.")
    with transaction.atomic():
        locked = PreviewLink.objects.select_for_update().get(pk=link.pk)
        if locked.revoked_at is None:
            locked.revoked_at, locked.revoked_by = timezone.now(), by
            locked.save(update_fields=["revoked_at", "revoked_by"])
    return locked


def preview_link_opened(*, link: PreviewLink, address: str | None, agent: str) -> PreviewOpen:
    """Log that a preview link was opened, when and from where."""
    return PreviewOpen.objects.create(link=link, address=address or None, agent=agent[:300])
