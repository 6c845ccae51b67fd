"""Entities: cards the research desk has not reviewed lately, and known names left unlinked."""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from stories.checks.passages import name_tokens
from stories.checks.registry import WARNING, Finding, check_run, register
from stories.checks.run import MentionIndex
from stories.models import Entity, Story


def entity_review_cutoff(today: dt.date | None = None) -> dt.date:
    """Cards reviewed before this day are stale (NEWSDESK_ENTITY_REVIEW_DAYS ago)."""
    today = today or timezone.localdate()
    return today - dt.timedelta(days=settings.NEWSDESK_ENTITY_REVIEW_DAYS)


def entity_is_stale(entity, today: dt.date | None = None) -> bool:
    return entity.reviewed_at is None or entity.reviewed_at < entity_review_cutoff(today)


def entities_stale(today: dt.date | None = None) -> QuerySet:
    """Entity cards due for the research desk: never reviewed, or not for too long."""
    return Entity.objects.filter(
        Q(reviewed_at__isnull=True) | Q(reviewed_at__lt=entity_review_cutoff(today))
    )


@register("entity_freshness")
def entity_freshness(story: Story) -> Iterable[Finding]:
    """Entity cards linked to the story that the research desk has not reviewed lately."""
    today = check_run(story).today
    days = settings.NEWSDESK_ENTITY_REVIEW_DAYS
    never = [link.entity for link in story.entity_links.all() if link.entity.reviewed_at is None]
    if len(never) > 1:
        # New cards (an import, the demo) come in numbers: one item says it, not one a card.
        names = ", ".join(f"“{entity.name}”" for entity in never)
        yield Finding(
            WARNING,
            "entity-stale",
            f"{len(never)} entity cards have never been reviewed ({names}): ask the research "
            "desk to check them before publishing.",
            "entities",
        )
    for link in story.entity_links.all():
        entity = link.entity
        if entity.reviewed_at is None:
            if len(never) > 1:
                continue
            message = (
                f"The card for “{entity.name}” has never been reviewed: ask the research desk to "
                "check it before publishing."
            )
        elif entity_is_stale(entity, today):
            message = (
                f"The card for “{entity.name}” was last reviewed on "
                f"{entity.reviewed_at:%d %b %Y}, more than {days} days ago: ask the research "
                "desk to check it is still accurate."
            )
        else:
            continue
        yield Finding(WARNING, "entity-stale", message, f"entity:{entity.pk}")


def entity_mentions(text: str, names: MentionIndex) -> set[int]:
    """Ids of known entities whose name or alias appears in the text, as a name.

    Case matters where it makes a name: "US" is not "us", "Apple" is not "apple".
    """
    tokens = name_tokens(text)
    folded = [t.casefold() for t in tokens]
    found = set()
    for start in range(len(tokens)):
        if folded[start] not in names.first_words:
            continue
        for length in range(min(names.longest, len(tokens) - start), 0, -1):
            key = tuple(folded[start : start + length])
            if length == 1 and start and inside_longer_name(tokens[start - 1], tokens[start]):
                continue
            for entity, name in names.names.get(key, ()):
                if all(
                    same_case_shape(written, wanted)
                    for written, wanted in zip(tokens[start : start + length], name, strict=True)
                ):
                    found.add(entity.id)
    return found


# Capitalised words that may stand before a name without making a longer one: titles, and
# words that open a sentence ("In America", "President Biden").
BEFORE_A_NAME = {
    "in", "the", "of", "for", "and", "but", "at", "on", "to", "a", "an", "by", "with", "from",
    "as", "this", "that", "when", "while", "after", "before", "if", "so", "then", "across",
    "mr", "mrs", "ms", "dr", "president", "minister", "senator", "sen", "rep", "gov", "governor",
    "chancellor", "prime", "general", "gen", "king", "queen", "prince", "pope", "judge",
    "mayor", "secretary", "chief", "leader", "coach", "captain", "sir", "lord", "lady", "saint",
    "st", "north", "south", "east", "west", "im", "der", "die", "das", "und", "nach", "frau",
    "herr", "bundeskanzler", "präsident", "präsidentin", "kanzler", "ministerin",
}  # fmt: skip


def inside_longer_name(before: str, word: str) -> bool:
    """A one-word name right after another capitalised word belongs to a longer name ("Latin
    America", "Hunter Biden"), unless that word is a title or opens the sentence."""
    return (
        word[:1].isupper()
        and before[:1].isupper()
        and not before.isupper()
        and before.lower() not in BEFORE_A_NAME
    )


def same_case_shape(written: str, wanted: str) -> bool:
    if wanted.isupper() and len(wanted) > 1:
        return written == wanted
    return not wanted[0].isupper() or written[0].isupper()


@register("entity_suggestions")
def entity_suggestions(story: Story) -> Iterable[Finding]:
    """Known entities the story mentions but does not link: one click away in the checklist."""
    run = check_run(story)
    linked = {link.entity_id for link in story.entity_links.all()}
    where: dict[int, list[str]] = {}
    for passage in run.passages:
        mentioned = entity_mentions(passage.text, run.mentions)
        run.mentioned |= mentioned
        for entity_id in mentioned - linked:
            where.setdefault(entity_id, []).append(passage.label)
    for entity_id, labels in where.items():
        entity = run.names.entities[entity_id]
        places = ", ".join(dict.fromkeys(labels))
        yield Finding(
            WARNING,
            "entity-not-linked",
            f"“{entity.name}” is mentioned in {places} but not linked: link the entity so "
            "readers get its card.",
            f"entity:{entity_id}",
            subject=str(entity_id),
        )
