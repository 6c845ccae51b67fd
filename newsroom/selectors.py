"""Reads for the desk's conversation: a story's threads, a person's inbox, preview links.

Each selector loads what its page shows in a fixed number of queries, however many threads,
comments or items there are.
"""

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet

from newsroom.models import Anchor, Comment, InboxItem, PreviewLink, Thread
from sources.models import Citation
from stories.models import FAQItem, Story, StorySection


def story_threads(*, story: Story) -> list[Thread]:
    """The story's threads, oldest first, with their comments and people: two queries.

    A section thread with a quote gets `quote_changed`: the span is no longer in the text.
    """
    threads = list(
        Thread.objects.filter(story_id=story.pk)
        .select_related("created_by", "resolved_by")
        .prefetch_related(Prefetch("comments", queryset=Comment.objects.select_related("author")))
    )
    quoted = {t.anchor_id for t in threads if t.anchor == Anchor.SECTION and t.quote}
    bodies = (
        dict(StorySection.objects.filter(pk__in=quoted).values_list("pk", "body")) if quoted else {}
    )
    for thread in threads:
        thread.quote_changed = bool(
            thread.quote
            and thread.anchor == Anchor.SECTION
            and thread.quote not in bodies.get(thread.anchor_id, "")
        )
    return threads


def story_anchors(*, story: Story) -> list[tuple[str, str]]:
    """What a thread can be about: ("story", "The story as a whole"), ("section:4", heading),
    ("citation:9", "Citation 2: …"), ("faq:3", "FAQ 1: …")."""
    anchors = [("story", "The story as a whole")]
    for pk, heading in StorySection.objects.filter(story_id=story.pk).values_list("pk", "heading"):
        anchors.append((f"section:{pk}", f"Section: {heading}"))
    citations = Citation.objects.filter(story_id=story.pk).order_by("order", "id")
    for number, (pk, claim) in enumerate(citations.values_list("pk", "claim"), start=1):
        anchors.append((f"citation:{pk}", f"Citation {number}: {claim[:60]}"))
    faq = FAQItem.objects.filter(story_id=story.pk).order_by("order", "id")
    for number, (pk, question) in enumerate(faq.values_list("pk", "question"), start=1):
        anchors.append((f"faq:{pk}", f"FAQ {number}: {question[:60]}"))
    return anchors


def story_open_blocking_threads(*, story_id: int) -> QuerySet[Thread]:
    """The threads that stop the story going to review or to readers until resolved."""
    return Thread.objects.filter(
        story_id=story_id, blocking=True, resolved_at__isnull=True
    ).select_related("created_by")


def staff_named(*, prefix: str = "", limit: int = 30) -> list:
    """Active staff whose username or name starts with `prefix`, by username: the @mention
    autocomplete's candidates (the view keeps those who may see the story)."""
    users = get_user_model().objects.filter(is_active=True, is_staff=True)
    if prefix:
        users = users.filter(
            Q(username__istartswith=prefix)
            | Q(first_name__istartswith=prefix)
            | Q(last_name__istartswith=prefix)
        )
    return list(users.order_by("username")[:limit])


def inbox_items(*, user, limit: int = 100) -> list[InboxItem]:
    """A person's inbox, newest first, with the story, the comment and who acted."""
    return list(
        InboxItem.objects.filter(user=user)
        .select_related("story", "by", "comment", "comment__thread")
        .order_by("-created_at", "-id")[:limit]
    )


def inbox_unread_count(*, user) -> int:
    """How many inbox items this person has not read."""
    return InboxItem.objects.filter(user=user, read_at__isnull=True).count()


def story_preview_links(*, story: Story) -> list[PreviewLink]:
    """The story's preview links, newest first, with who made them and how often they opened."""
    return list(
        PreviewLink.objects.filter(story_id=story.pk)
        .select_related("created_by", "revoked_by")
        .prefetch_related("opens")
    )
