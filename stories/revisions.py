"""Revisions of a story *with* its parts, and what changed between two of them.

django-reversion stores each revision: the story, its sections, citations, FAQ items, entity
links, bylines and corrections, serialized together (`follow`). Citations belong to the
`sources` app but are part of a story's text, so they are registered here. This module reads
and writes revisions; the services that restore and recover stories are in `stories.services`.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher

import reversion
from django.contrib.auth import get_user_model
from django.db.models import Model
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from reversion.models import Revision, Version

from pictures.models import Placement
from sources import services as source_services
from sources.models import Citation, Outlet
from stories.models import (
    Byline,
    Correction,
    Entity,
    FAQItem,
    Story,
    StoryEntity,
    StorySection,
)

FOLLOW = (
    "sections",
    "citations",
    "faq_items",
    "entity_links",
    "byline_links",
    "corrections",
    "pictures",
)
# The story's own text. Workflow fields (status, times, version) are never restored from a
# revision: the workflow alone moves them.
STORY_TEXT_FIELDS = ("headline", "slug", "summary", "dateline_place", "dateline_date", "language")
# Restored in this order, so a citation's section exists before the citation.
# Pictures after sections too: a picture in a section points at it.
PART_MODELS: tuple[type[Model], ...] = (
    StorySection,
    Byline,
    StoryEntity,
    FAQItem,
    Citation,
    Placement,
)


def register_models() -> None:
    """Register the story and its parts with django-reversion (from StoriesConfig.ready)."""
    if not reversion.is_registered(Story):
        reversion.register(Story, follow=FOLLOW)
    for model in (*PART_MODELS, Correction):
        if not reversion.is_registered(model):
            reversion.register(model)


def story_save_revision(*, story: Story, by=None, comment: str = "") -> None:
    """Store the story as it is now, with all its parts, as one revision."""
    with reversion.create_revision():
        reversion.add_to_revision(story)
        reversion.set_comment(comment)
        if by is not None and by.pk:
            reversion.set_user(by)


def story_versions(story: Story):
    """The story's revisions, newest first, with who made each."""
    return (
        Version.objects.get_for_object(story)
        .select_related("revision", "revision__user")
        .order_by("-revision__date_created", "-pk")
    )


def version_number(version: Version) -> int | None:
    """The story's own version number as this revision stored it ("version 7"): the number
    people see on the story page. Reversion's revision ids run across every story and model,
    so they mean nothing to the people reading them."""
    number = version.field_dict.get("version")
    return int(number) if number is not None else None


def version_label(version: Version) -> str:
    """How people name a revision: "version 7" (or its time, for one stored without it)."""
    number = version_number(version)
    if number is not None:
        return f"version {number}"
    return f"the revision of {timezone.localtime(version.revision.date_created):%Y-%m-%d %H:%M}"


def deleted_story_versions():
    """The last revision of each deleted story, newest deletion first: what can be recovered."""
    return (
        Version.objects.get_deleted(Story)
        .select_related("revision", "revision__user")
        .order_by("-revision__date_created")
    )


def revision_objects(revision: Revision) -> dict[type[Model], dict[int, object]]:
    """The revision's stored objects by model and primary key, as deserialized objects."""
    objects: dict[type[Model], dict[int, object]] = defaultdict(dict)
    for version in revision.version_set.select_related("content_type"):
        model = version.content_type.model_class()
        if model is None:
            continue
        deserialized = version._object_version
        objects[model][deserialized.object.pk] = deserialized
    return objects


# --- What changed between two revisions ------------------------------------------------------


@dataclass
class Change:
    """One part that differs between two revisions, with an inline word diff."""

    group: str
    label: str
    kind: str  # "changed", "added" or "removed"
    diff: SafeString


@dataclass
class Snapshot:
    """A revision laid out part by part, each part as (key, label, text)."""

    story: list[tuple[str, str, str]] = field(default_factory=list)
    parts: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)


GROUPS = [
    "Story",
    "Sections",
    "Citations",
    "FAQ items",
    "Entities",
    "Bylines",
    "Pictures",
    "Corrections",
]

_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")


def word_diff(before: str, after: str) -> SafeString:
    """`before` → `after` as HTML: removed words in <del>, added words in <ins>.

    Changes separated only by spaces are merged, so a rewritten phrase reads as one
    replacement rather than alternating word by word.
    """
    a, b = _TOKENS.findall(before), _TOKENS.findall(after)
    segments: list[list] = []  # [changed, old text, new text]
    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        old, new = "".join(a[i1:i2]), "".join(b[j1:j2])
        segments.append([op != "equal", old, new])
    merged: list[list] = []
    for i, segment in enumerate(segments):
        between_changes = (
            not segment[0]
            and segment[1].isspace()
            and 0 < i < len(segments) - 1
            and segments[i + 1][0]
        )
        if (segment[0] or between_changes) and merged and merged[-1][0]:
            merged[-1][1] += segment[1]
            merged[-1][2] += segment[2]
        else:
            merged.append([segment[0] or between_changes, segment[1], segment[2]])
    html = []
    for changed, old, new in merged:
        if not changed:
            html.append(escape(old))
            continue
        if old:
            html.append(f"<del>{escape(old)}</del>")
        if new:
            html.append(f"<ins>{escape(new)}</ins>")
    return mark_safe("".join(html))  # noqa: S308 - every piece above is escaped


def _names(objects_list: list[dict]) -> dict[str, dict]:
    """Labels for the outlets, entities and people two revisions point at, in three queries."""
    ids = defaultdict(set)
    for objects in objects_list:
        for obj in objects.get(Citation, {}).values():
            ids["outlet"].add(obj.object.outlet_id)
        for obj in objects.get(StoryEntity, {}).values():
            ids["entity"].add(obj.object.entity_id)
        for obj in objects.get(Byline, {}).values():
            ids["user"].add(obj.object.user_id)
    users = get_user_model().objects.filter(pk__in=ids["user"] - {None})
    return {
        "outlet": dict(
            Outlet.objects.filter(pk__in=ids["outlet"] - {None}).values_list("pk", "name")
        ),
        "entity": dict(
            Entity.objects.filter(pk__in=ids["entity"] - {None}).values_list("pk", "name")
        ),
        "user": {u.pk: u.get_full_name() or u.get_username() for u in users},
    }


def _snapshot(objects: dict, names: dict) -> Snapshot:
    snap = Snapshot()
    story = next(iter(objects.get(Story, {}).values()), None)
    if story is not None:
        for name in STORY_TEXT_FIELDS:
            value = getattr(story.object, name)
            label = Story._meta.get_field(name).verbose_name.capitalize()
            snap.story.append((name, label, "" if value is None else str(value)))
    sections = sorted((o.object for o in objects.get(StorySection, {}).values()), key=_by_order)
    headings = {s.pk: s.heading for s in sections}
    snap.parts["Sections"] = [(s.key, s.heading, s.body) for s in sections]
    snap.parts["Citations"] = [
        (
            str(c.pk),
            names["outlet"].get(c.outlet_id, "Unknown outlet")
            + (f", {c.published_on:%b %-d, %Y}" if c.published_on else ""),
            "\n".join(
                line
                for line in [
                    c.claim,
                    f"“{c.quote}”" + (f" — {c.speaker}" if c.speaker else "") if c.quote else "",
                    c.title,
                    c.url,
                    f"In: {headings[c.section_id]}" if c.section_id in headings else "",
                ]
                if line
            ),
        )
        for c in sorted((o.object for o in objects.get(Citation, {}).values()), key=_by_order)
    ]
    snap.parts["FAQ items"] = [
        (str(f.pk), f.question, f"{f.question}\n{f.answer}")
        for f in sorted((o.object for o in objects.get(FAQItem, {}).values()), key=_by_order)
    ]
    snap.parts["Entities"] = [
        (str(e.entity_id), names["entity"].get(e.entity_id, "?"), f"{e.get_role_display()}")
        for e in sorted((o.object for o in objects.get(StoryEntity, {}).values()), key=_by_order)
    ]
    bylines = sorted((o.object for o in objects.get(Byline, {}).values()), key=_by_order)
    snap.parts["Bylines"] = [
        ("bylines", "Bylines", ", ".join(names["user"].get(b.user_id, "?") for b in bylines))
    ]
    snap.parts["Pictures"] = [
        (
            str(p.pk),
            p.get_role_display(),
            "\n".join(bit for bit in (f"Image #{p.image_id}", p.alt_text, p.caption) if bit),
        )
        for p in sorted((o.object for o in objects.get(Placement, {}).values()), key=_by_order)
    ]
    snap.parts["Corrections"] = [
        (str(c.pk), f"{c.created_at:%Y-%m-%d %H:%M}", c.text)
        for c in sorted(
            (o.object for o in objects.get(Correction, {}).values()), key=lambda c: c.created_at
        )
    ]
    return snap


def _by_order(obj) -> tuple:
    return (getattr(obj, "order", 0), obj.pk or 0)


Part = tuple[str, str, str]  # (key, label, text)


def _pairs_by_key(before: list[Part], after: list[Part]) -> list[tuple[Part | None, Part | None]]:
    """Each part with its earlier self, matched by key: (old, new), (None, added), (removed,
    None); in the newer revision's order, removed parts last."""
    old = {part[0]: part for part in before}
    new = {part[0] for part in after}
    return [(old.get(part[0]), part) for part in after] + [
        (part, None) for part in before if part[0] not in new
    ]


def _question(part: Part) -> str:
    return " ".join(part[1].split()).casefold()


def _pairs_by_question(
    before: list[Part], after: list[Part]
) -> list[tuple[Part | None, Part | None]]:
    """FAQ items matched by their question first, then by identity.

    A row can come back holding another question (an update that rewrites the items in
    order): matched by key alone, one question's answer would be diffed against another's.
    So an unchanged question finds its earlier answer wherever it moved; only a row whose
    question was edited in place is matched by its key, and the rest are added or removed.
    """
    unmatched = list(before)
    matched: dict[int, Part] = {}
    for i, part in enumerate(after):
        same = [o for o in unmatched if _question(o) == _question(part)]
        if same:
            # Of several earlier items with this question, the same row is the best match.
            choice = next((o for o in same if o[0] == part[0]), same[0])
            matched[i] = choice
            unmatched.remove(choice)
    taken_questions = {_question(part) for part in before}
    for i, part in enumerate(after):
        if i in matched or _question(part) in taken_questions:
            continue
        same_row = next((o for o in unmatched if o[0] == part[0]), None)
        if same_row is not None and not any(_question(same_row) == _question(n) for n in after):
            matched[i] = same_row
            unmatched.remove(same_row)
    return [(matched.get(i), part) for i, part in enumerate(after)] + [
        (part, None) for part in unmatched
    ]


def _compare(group: str, pairs: list[tuple[Part | None, Part | None]]) -> list[Change]:
    changes = []
    for old, new in pairs:
        if old is None and new is not None and new[2]:
            changes.append(Change(group, new[1], "added", word_diff("", new[2])))
        elif new is None and old is not None and old[2]:
            changes.append(Change(group, old[1], "removed", word_diff(old[2], "")))
        elif old is not None and new is not None and old[2] != new[2]:
            changes.append(Change(group, new[1], "changed", word_diff(old[2], new[2])))
    return changes


def revision_changes(older: Version, newer: Version) -> list[Change]:
    """What changed from `older` to `newer`, field by field and section by section."""
    objects = [revision_objects(older.revision), revision_objects(newer.revision)]
    names = _names(objects)
    a, b = (_snapshot(o, names) for o in objects)
    changes = _compare("Story", _pairs_by_key(a.story, b.story))
    for group in GROUPS[1:]:
        match = _pairs_by_question if group == "FAQ items" else _pairs_by_key
        changes += _compare(group, match(a.parts.get(group, []), b.parts.get(group, [])))
    return changes


# --- Putting stored objects back -----------------------------------------------------------


def with_live_references(obj: Model, known: dict[type[Model], set]) -> Model | None:
    """The object ready to save, or None when something it cannot do without is gone.

    An optional reference to a since-deleted row (an outlet, a user) is cleared; a required one
    (the byline's person, the linked entity) means the object is skipped.
    """
    for f in obj._meta.concrete_fields:
        if not f.is_relation or f.related_model is None:
            continue
        value = getattr(obj, f.attname)
        if value is None:
            continue
        if value not in known[f.related_model]:
            if not f.null:
                return None
            setattr(obj, f.attname, None)
    return obj


def references_that_exist(objs: list[Model]) -> dict[type[Model], set]:
    wanted = defaultdict(set)
    for obj in objs:
        for f in obj._meta.concrete_fields:
            if f.is_relation and f.related_model is not None:
                value = getattr(obj, f.attname)
                if value is not None:
                    wanted[f.related_model].add(value)
    return defaultdict(
        set,
        {
            model: set(model._base_manager.filter(pk__in=pks).values_list("pk", flat=True))
            for model, pks in wanted.items()
        },
    )


def restore_parts(*, story: Story, objects: dict, models=PART_MODELS) -> list[str]:
    """Make the story's parts exactly those stored in a revision. Returns what was skipped.

    Parts added since the revision are deleted first (so unique keys never collide), then the
    stored parts are saved back, sections before the citations that point at them.
    """
    live = {c.pk: c for c in Citation.objects.filter(story=story, pk__in=objects.get(Citation, {}))}
    for model in models:
        keep = set(objects.get(model, {}))
        model._base_manager.filter(story=story).exclude(pk__in=keep).delete()
    skipped, refetch = [], []
    for model in models:
        stored = list(objects.get(model, {}).values())
        known = references_that_exist([d.object for d in stored])
        for deserialized in stored:
            deserialized.object.story_id = story.pk
            if with_live_references(deserialized.object, known) is None:
                skipped.append(f"{model._meta.verbose_name} #{deserialized.object.pk}")
                continue
            if model is Citation:
                refetch += _keep_live_link_state(
                    deserialized.object, live.get(deserialized.object.pk)
                )
            deserialized.save()
    for citation in refetch:
        source_services.citation_schedule_fetch(citation=citation)
    return skipped


# What the fetcher last learnt about a citation's link is a fact about the web now, not part of
# the text a revision restores.
CITATION_LIVE_FIELDS = (
    "link_status",
    "link_reason",
    "link_checked_at",
    "latest_snapshot_id",
    "fetched_url",
    "fetch_due_at",
    "fetch_attempts",
    "fetch_errors",
    "quote_check",
)


def _keep_live_link_state(citation: Citation, current: Citation | None) -> list[Citation]:
    """Carry the current link state over to a restored citation; returns it when its URL or
    quote now differs from what was last checked, so it is fetched and checked again."""
    if current is not None:
        for name in CITATION_LIVE_FIELDS:
            setattr(citation, name, getattr(current, name))
        if citation.url == current.url and citation.quote == current.quote:
            return []
    else:
        for name in CITATION_LIVE_FIELDS:
            setattr(
                citation, name, Citation._meta.get_field(name.removesuffix("_id")).get_default()
            )
    return [citation] if citation.url else []
