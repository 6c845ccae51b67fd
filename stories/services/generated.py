"""Many explainer-sized published stories, deterministic, for benchmarks and load tests.

Sizes follow the Wagtail comparison in docs/benchmarks.md: 6 text sections of about 120 words,
5 citations, 7 FAQ items and 10 entities drawn from a shared pool of 200. Bulk inserts keep
500 stories to a few seconds.

The one service that writes stories in bulk, and the one exception to "a revision per change":
nobody wrote these stories, so they start without a revision history. Each is still announced
(`story_changed`, "published") in the same transaction, so partners' change log and webhooks
know every one of them.
"""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from sources.models import Citation, Outlet
from stories.models import (
    Entity,
    FAQItem,
    Story,
    StoryEntity,
    StorySection,
    StoryStatus,
    StoryTemplate,
)
from stories.rendering import render_markdown
from stories.signals import story_changed

WORDS = (
    "minister talks border missile summit alliance drills sanctions coast launch analysts "
    "capital region security forces statement agency parliament budget election voters energy "
    "prices harbour carrier council treaty pressure dialogue economy trade exports officials "
    "report weapons tests neighbours response diplomats agreement leaders week crisis measures"
).split()
ENTITY_POOL = 200
SLUG_PREFIX = "bench-story-"


def _sentence(rng: random.Random, words: int = 12) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _paragraphs(rng: random.Random, words: int) -> str:
    sentences = [_sentence(rng) for _ in range(max(1, words // 12))]
    return "\n\n".join(" ".join(sentences[i : i + 3]) for i in range(0, len(sentences), 3))


def _entity_pool() -> list[Entity]:
    kinds = ["person", "country", "organisation", "place", "event"]
    Entity.objects.bulk_create(
        [
            Entity(
                slug=f"pool-entity-{i:03d}",
                name=f"Pool Entity {i:03d}",
                kind=kinds[i % len(kinds)],
                description=f"Shared benchmark entity number {i}, described in one sentence.",
            )
            for i in range(ENTITY_POOL)
        ],
        ignore_conflicts=True,
    )
    return list(Entity.objects.filter(slug__startswith="pool-entity-").order_by("slug"))


def _outlets() -> list[Outlet]:
    Outlet.objects.bulk_create(
        [Outlet(name=f"Bench Outlet {i}", domain=f"bench-outlet-{i}.example") for i in range(20)],
        ignore_conflicts=True,
    )
    return list(Outlet.objects.filter(name__startswith="Bench Outlet ").order_by("name"))


@transaction.atomic
def add_published_stories(count: int, *, seed: int = 42) -> int:
    """Add up to `count` bench stories (numbered 1..count); ones already there are kept."""
    template = StoryTemplate.objects.get(slug="explainer")
    template_sections = list(template.sections.all())
    text_sections = [ts for ts in template_sections if ts.kind == "text"][:6]
    entities, outlets = _entity_pool(), _outlets()
    existing = set(
        Story.objects.filter(slug__startswith=SLUG_PREFIX).values_list("slug", flat=True)
    )
    wanted = [n for n in range(1, count + 1) if f"{SLUG_PREFIX}{n:05d}" not in existing]
    now = timezone.now()
    stories = []
    for n in wanted:
        rng = random.Random(seed * 100_003 + n)
        when = now - dt.timedelta(minutes=n)
        stories.append(
            Story(
                slug=f"{SLUG_PREFIX}{n:05d}",
                headline=_sentence(rng, 9).rstrip("."),
                summary=_sentence(rng, 25),
                template=template,
                status=StoryStatus.PUBLISHED,
                published_at=when,
                updated_at=when,
                announced_at=when,
            )
        )
    Story.objects.bulk_create(stories, batch_size=500)
    stories = list(Story.objects.filter(slug__in=[s.slug for s in stories]))
    sections, citations, faq, links = [], [], [], []
    for story in stories:
        rng = random.Random(seed * 7919 + story.pk)
        papers = None
        for ts in template_sections:
            body = _paragraphs(rng, 120) if ts in text_sections else ""
            section = ts.copy_for(story, body=body)
            section.body_html = render_markdown(body)
            sections.append(section)
            papers = section if ts.kind == "citations" else papers
        for i in range(5):
            citations.append(
                (
                    papers,
                    Citation(
                        story=story,
                        outlet=outlets[rng.randrange(len(outlets))],
                        published_on=(now - dt.timedelta(days=rng.randrange(30))).date(),
                        claim=_sentence(rng, 20),
                        quote=_sentence(rng, 6) if i % 2 == 0 else "",
                        order=i,
                    ),
                )
            )
        for i in range(7):
            faq.append(
                FAQItem(
                    story=story,
                    question=_sentence(rng, 8).rstrip(".") + "?",
                    answer=_sentence(rng, 30),
                    order=i,
                )
            )
        for order, entity in enumerate(rng.sample(entities, 10)):
            role = "about" if order < 3 else "mentions"
            links.append(StoryEntity(story=story, entity=entity, role=role, order=order))
    StorySection.objects.bulk_create(sections, batch_size=1000)
    for section, citation in citations:
        citation.section = section
    Citation.objects.bulk_create([c for _, c in citations], batch_size=1000)
    FAQItem.objects.bulk_create(faq, batch_size=1000)
    StoryEntity.objects.bulk_create(links, batch_size=1000)
    for story in stories:
        story_changed.send(sender=Story, story=story, event="published", by=None)
    return len(stories)
