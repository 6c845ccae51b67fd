"""Template rules (the workflow's rules, as findings): headline, summary, dateline, sections."""

from collections.abc import Iterable

from stories.checks.registry import ERROR, Finding, register
from stories.models import SectionKind, Story


def _section_items(story: Story, section) -> int:
    if section.kind == SectionKind.CITATIONS:
        first = next((s for s in story.sections.all() if s.kind == SectionKind.CITATIONS), None)
        return sum(
            1
            for c in story.citations.all()
            if c.section_id == section.id or (c.section_id is None and section is first)
        )
    if section.kind == SectionKind.FAQ:
        return len(story.faq_items.all())
    if section.kind == SectionKind.ENTITIES:
        return len(story.entity_links.all())
    return 0


@register("template_rules")
def template_rules(story: Story) -> Iterable[Finding]:
    """What the story's template asks for: headline, summary, dateline, required sections, counts."""
    if not story.headline.strip():
        yield Finding(ERROR, "missing-headline", "Add a headline.", "headline")
    if not story.summary.strip():
        yield Finding(
            ERROR, "missing-summary", "Add a summary (the dek under the headline).", "summary"
        )
    if story.template.requires_dateline and not story.has_dateline:
        yield Finding(
            ERROR,
            "missing-dateline",
            f"A {story.template.name.lower()} needs a dateline: fill in its place and date.",
            "dateline",
        )
    for section in story.sections.all():
        items = _section_items(story, section)
        noun = {"citations": "citations", "faq": "FAQ items", "entities": "entities"}.get(
            section.kind
        )
        if section.required and section.kind == SectionKind.TEXT and not section.body.strip():
            yield Finding(
                ERROR, "empty-section", f"“{section.heading}” is required: write it.", section.key
            )
        if section.required and noun and items == 0 and not section.body.strip():
            yield Finding(
                ERROR, "empty-section", f"“{section.heading}” is required: add {noun}.", section.key
            )
        if noun and section.min_items and items < section.min_items:
            yield Finding(
                ERROR,
                "too-few-items",
                f"“{section.heading}” needs at least {section.min_items} {noun}; it has {items}.",
                section.key,
            )
        if noun and section.max_items is not None and items > section.max_items:
            yield Finding(
                ERROR,
                "too-many-items",
                f"“{section.heading}” takes at most {section.max_items} {noun}; it has {items}.",
                section.key,
            )
