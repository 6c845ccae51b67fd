"""What the database takes: a draft's fields checked with the models' own validators and
lengths before anything is written, so a text the form would refuse is refused here too, with
what to fix, never half-saved or a 500 (PostgreSQL enforces lengths that SQLite ignores)."""

from django.core.exceptions import ValidationError
from django.db import models

from sources.models import Citation, Outlet
from stories.importing.draft import StoryDraft
from stories.importing.match import url_domain
from stories.models import Entity, FAQItem, Story, StorySection

# Where the headline came from, as the message names it and what to do about it.
HEADLINE_SOURCES = {
    "text": ("The first line (the headline)", "put the headline on its own first line."),
    "given": ("The headline you gave", "shorten it."),
}


def field_problem(
    model: type[models.Model], name: str, value: str, *, label: str, plural: str, fix: str
) -> str | None:
    """What is wrong with `value` for the model's field, in the desk's words, or None."""
    field = model._meta.get_field(name)
    if field.max_length is not None and len(value) > field.max_length:
        return (
            f"{label} is {len(value):,} characters; {plural} are at most {field.max_length:,}: "
            f"{fix}"
        )
    try:
        field.run_validators(value)
    except ValidationError as invalid:
        return f"{label}: {' '.join(invalid.messages)}"
    return None


def draft_limit_problems(draft: StoryDraft) -> list[str]:
    """Every field of the draft the models would refuse, in the order the story reads."""
    label, fix = HEADLINE_SOURCES.get(draft.headline_source, ("The headline", "shorten it."))
    checks = [
        (Story, "headline", draft.headline, label, "headlines", fix),
        (Story, "summary", draft.summary, "The summary", "summaries", "shorten it."),
        (
            Story,
            "dateline_place",
            draft.dateline_place,
            "The dateline's place",
            "places",
            "shorten it.",
        ),
    ]
    for section in draft.sections:
        checks.append(
            (StorySection, "body", section.body, f"“{section.heading}”", "sections", "shorten it.")
        )
    for number, c in enumerate(draft.citations, start=1):
        name = f"citation {number} ({c.outlet_name})"
        checks += [
            (
                Citation,
                "url",
                c.url,
                f"The link of {name}",
                "links",
                "shorten it (leave out its tracking parameters) or cite another page.",
            ),
            (Citation, "claim", c.claim, f"The claim of {name}", "claims", "shorten it."),
            (Citation, "quote", c.quote, f"The quote of {name}", "quotes", "shorten it."),
        ]
        if c.outlet_id is None:
            checks += [
                (Outlet, "name", c.outlet_name, f"The outlet of {name}", "names", "shorten it."),
                (Outlet, "domain", url_domain(c.url), f"The domain of {name}", "domains", ""),
            ]
    for number, item in enumerate(draft.faq_items, start=1):
        checks += [
            (FAQItem, "question", item.question, f"FAQ item {number}", "questions", "shorten it."),
            (FAQItem, "answer", item.answer, f"The answer to FAQ item {number}", "answers", ""),
        ]
    for card in draft.entities:
        if card.entity_id is None:
            label = f"The card “{card.name[:60]}”"
            checks += [
                (Entity, "name", card.name, f"{label}'s name", "names", "shorten it."),
                (Entity, "description", card.description, label, "cards", "shorten it."),
                (Entity, "aliases", "\n".join(card.aliases), f"{label}'s aliases", "", ""),
            ]
    problems = []
    for model, name, value, label, plural, fix in checks:
        if value:
            problem = field_problem(model, name, value, label=label, plural=plural, fix=fix)
            if problem:
                problems.append(problem)
    return problems
