"""The newsroom home: the admin's index page, showing each person what is on their desk.

Drafts sent back to them, their other drafts, the stories waiting for their review (editors),
the schedule, what went out this week, and the broken links and stale entity cards to fix:
each with its count, one click to each story and a "see all" link to the filtered admin list.
The admin's own list of everything one may manage stays below it.

Every panel is a count and a short list from `stories.selectors` (or `stories.checks` for
entity cards), so the page's query count does not grow with the newsroom
(tests/stories/test_home.py pins it). Who may review what is `stories.permissions`' answer.
"""

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib import admin
from django.db.models import F
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import Truncator

from stories import permissions, selectors
from stories.checks import entities_stale

# Stories shown in each panel; the count and "see all" cover the rest.
SHOWN = 5
# "Recently published" means this many days.
RECENT_DAYS = 7


@dataclass
class Entry:
    """One line of a panel: what it is, where one click leads, and a note on why it is here."""

    title: str
    url: str
    note: str = ""
    when: dt.datetime | dt.date | None = None
    when_label: str = ""


@dataclass
class Panel:
    """One question the home answers ("what did editors send back to me?"), with its count."""

    key: str
    title: str
    count: int
    entries: list[Entry]
    empty: str
    see_all_url: str = ""
    see_all_label: str = "See all"
    help: str = ""
    attention: bool = False  # something for this person to act on now
    extra: dict = field(default_factory=dict)


def _story_url(story, anchor: str = "") -> str:
    return reverse("admin:stories_story_change", args=[story.pk]) + anchor


def _list_url(name: str, **filters) -> str:
    return reverse(f"admin:{name}_changelist") + ("?" + urlencode(filters) if filters else "")


def _byline_note(story) -> str:
    names = [
        link.user.get_full_name() or link.user.get_username() for link in story.byline_links.all()
    ]
    return f"By {', '.join(names)}" if names else ""


def _panel(key, title, queryset, entry, **kwargs) -> Panel:
    """A count and the first `SHOWN` stories of `queryset`, each made an `Entry`."""
    return Panel(
        key=key,
        title=title,
        count=queryset.count(),
        entries=[entry(item) for item in queryset[:SHOWN]],
        **kwargs,
    )


def sent_back_panel(user) -> Panel:
    def entry(story):
        comment = Truncator(story.last_comment or "").chars(140)
        return Entry(
            story.headline,
            _story_url(story),
            note=f"Editor’s note: {comment}" if comment else "",
            when=story.updated_at,
            when_label="changed",
        )

    return _panel(
        "sent-back",
        "Sent back to you",
        selectors.stories_drafts_of(user=user, sent_back=True),
        entry,
        empty="Nothing sent back: no editor has asked you for changes.",
        help="Drafts an editor returned with a comment: fix them and submit them again.",
        see_all_url=_list_url("stories_story", status__exact="draft", bylines__id__exact=user.pk),
        see_all_label="All your drafts",
        attention=True,
    )


def drafts_panel(user) -> Panel:
    def entry(story):
        return Entry(
            story.headline,
            _story_url(story),
            note=story.template.name,
            when=story.updated_at,
            when_label="changed",
        )

    return _panel(
        "drafts",
        "Your drafts",
        selectors.stories_drafts_of(user=user, sent_back=False),
        entry,
        empty="No drafts on your byline.",
        see_all_url=_list_url("stories_story", status__exact="draft", bylines__id__exact=user.pk),
        see_all_label="All your drafts",
    )


def review_panel(user) -> Panel:
    """Stories in review that this editor may approve: never their own (four-eyes rule)."""
    waiting = selectors.stories_load_byline_user_ids(list(selectors.stories_in_review()))
    mine = [s for s in waiting if permissions.refusal("publish", s, user) is None]
    return Panel(
        key="review",
        title="Waiting for your review",
        count=len(mine),
        entries=[
            Entry(
                s.headline,
                _story_url(s),
                note=_byline_note(s),
                when=s.submitted_at or s.updated_at,
                when_label="submitted" if s.submitted_at else "changed",
            )
            for s in mine[:SHOWN]
        ],
        empty="Nothing to review. Stories you wrote go to another editor.",
        help="Submitted stories you may review, longest waiting first; not ones you wrote.",
        see_all_url=_list_url("stories_story", status__exact="in_review"),
        see_all_label="Everything in review",
        attention=True,
    )


def scheduled_panel() -> Panel:
    def entry(story):
        return Entry(
            story.headline,
            _story_url(story),
            note=_byline_note(story),
            when=story.scheduled_for,
            when_label="goes live",
        )

    return _panel(
        "scheduled",
        "Scheduled",
        selectors.stories_scheduled(),
        entry,
        empty="Nothing is scheduled.",
        help="Approved stories the scheduler publishes at their time, next first.",
        see_all_url=_list_url("stories_story", status__exact="scheduled"),
    )


def published_panel(*, today: dt.date) -> Panel:
    since = today - dt.timedelta(days=RECENT_DAYS)
    start = timezone.make_aware(dt.datetime.combine(since, dt.time.min))

    def entry(story):
        embargo = story.embargo_until and story.embargo_until > timezone.now()
        return Entry(
            story.headline,
            _story_url(story),
            note=" · ".join(
                part for part in ("Under embargo" if embargo else "", _byline_note(story)) if part
            ),
            when=story.published_at,
            when_label="published",
        )

    return _panel(
        "published",
        "Published this week",
        selectors.stories_published_since(since=start),
        entry,
        empty=f"Nothing published in the last {RECENT_DAYS} days.",
        see_all_url=_list_url(
            "stories_story", status__exact="published", published_at__gte=start.isoformat()
        ),
    )


def broken_links_panel(user) -> Panel:
    def entry(story):
        links = "link" if story.broken == 1 else "links"
        return Entry(
            story.headline,
            _story_url(story, "#citations-group"),
            note=f"{story.broken} broken {links}",
        )

    stories = selectors.stories_with_broken_links()
    see_all = ""
    if user.has_perm("sources.view_citation"):
        see_all = _list_url("sources_citation", link_status__in="gone,failed")
    return Panel(
        key="broken-links",
        title="Broken links on published stories",
        count=selectors.citations_broken_on_published().count(),
        entries=[entry(story) for story in stories[:SHOWN]],
        empty="Every cited link on a published story works.",
        help="Cited pages that are gone or keep failing: readers follow these. Link an "
        "archived copy or another source.",
        see_all_url=see_all,
        see_all_label="All broken links",
    )


def stale_entities_panel(user) -> Panel:
    cards = entities_stale().order_by(F("reviewed_at").asc(nulls_first=True), "name", "pk")

    def entry(entity):
        return Entry(
            entity.name,
            reverse("admin:stories_entity_change", args=[entity.pk]),
            note=f"{entity.get_kind_display()} · "
            + (
                f"last reviewed {formats.date_format(entity.reviewed_at, 'j M Y')}"
                if entity.reviewed_at
                else "never reviewed"
            ),
        )

    return _panel(
        "stale-entities",
        "Entity cards due for review",
        cards,
        entry,
        empty="Every entity card has been reviewed lately.",
        help="Cards readers see next to stories, not checked by the research desk lately.",
        see_all_url=reverse("desk:stale-entities"),
    )


def newsroom_panels(request) -> list[Panel]:
    """The home's panels for this person, in the order they read them."""
    user = request.user
    panels = []
    if permissions.is_editor(user):
        panels.append(review_panel(user))  # an editor's first question
    if user.has_perm("stories.add_story"):
        panels += [sent_back_panel(user), drafts_panel(user)]
    if user.has_perm("stories.view_story"):
        panels += [
            scheduled_panel(),
            published_panel(today=timezone.localdate()),
            broken_links_panel(user),
        ]
    if user.has_perm("stories.view_entity"):
        panels.append(stale_entities_panel(user))
    return panels


_admin_index = admin.site.index


def newsroom_index(request, extra_context=None):
    """The admin's index with the newsroom's panels above its app list.

    Django's AdminSite has no hook for the index's context short of replacing `admin.site`
    with a subclass everywhere it is imported; wrapping this one view keeps the site as it is.
    """
    context = {"newsroom_panels": newsroom_panels(request), **(extra_context or {})}
    return _admin_index(request, extra_context=context)


admin.site.index = newsroom_index
