"""Editorial checks: the desk's second pair of eyes, as one registry of small functions.

A check takes a story (with its parts prefetched) and yields findings. `error` findings block
submission for review; `warning` findings inform. Admin, workflow services, the review view and
`check_story` all call `story_findings`, so a rule lives here and nowhere else.
"""

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass

from stories.models import SectionKind, Story

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One thing to fix (error) or look at (warning), and where."""

    severity: str
    code: str
    message: str
    target: str = "story"

    def as_dict(self) -> dict:
        return asdict(self)


Check = Callable[[Story], Iterable[Finding]]
REGISTRY: list[tuple[str, Check, bool]] = []


def register(name: str, *, cheap: bool = True) -> Callable[[Check], Check]:
    """Add a check to the registry. `cheap` checks also run on every save."""

    def decorator(check: Check) -> Check:
        REGISTRY.append((name, check, cheap))
        return check

    return decorator


def story_findings(story: Story, *, cheap_only: bool = False) -> list[Finding]:
    """Run every registered check on a story; errors first, then warnings, in registry order."""
    from stories.selectors import story_with_parts

    if not hasattr(story, "_prefetched_objects_cache"):
        story = story_with_parts(Story.objects.filter(pk=story.pk)).get()
    findings = [
        finding
        for _name, check, cheap in REGISTRY
        if cheap or not cheap_only
        for finding in check(story)
    ]
    return sorted(findings, key=lambda f: f.severity != ERROR)


def story_errors(story: Story) -> list[Finding]:
    """The findings that stop a story going to review."""
    return [f for f in story_findings(story) if f.severity == ERROR]


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
