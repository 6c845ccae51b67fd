"""Saving: a draft becomes a draft story, all of it or nothing, through the story services
(`story_create`, then one `story_update` with every part), like any other edit.

New outlets and entity cards the copy names are created here: they are shared desk records,
not parts of the story.
"""

from django.db import transaction
from django.utils.text import slugify

from sources.models import Citation, LinkStatus, Outlet
from stories import services
from stories.checks import Finding, finding_labels, story_findings
from stories.importing.draft import ImportedCitation, StoryDraft, StoryImportRefused
from stories.importing.limits import draft_limit_problems
from stories.importing.match import url_domain
from stories.models import Entity, EntityRole, FAQItem, Story, StoryEntity, StoryStatus
from stories.selectors import story_with_parts


def entity_unique_slug(name: str) -> str:
    base = slugify(name)[:180] or "entity"
    slug, n = base, 1
    while Entity.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _outlet_for(citation: ImportedCitation, created: dict[str, Outlet]) -> Outlet:
    if citation.outlet_id:
        return Outlet.objects.get(pk=citation.outlet_id)
    key = citation.outlet_name.casefold()
    if key not in created:
        outlet = Outlet.objects.filter(name__iexact=citation.outlet_name).first()
        if outlet is None:
            domain = url_domain(citation.url)
            if domain and Outlet.objects.filter(domain=domain).exists():
                domain = ""
            outlet = Outlet.objects.create(name=citation.outlet_name, domain=domain)
        created[key] = outlet
    return created[key]


def _save(draft: StoryDraft, by, *, existing: Story | None = None) -> Story:
    if existing is None:
        story = services.story_create(
            by=by,
            template=draft.template,
            headline=draft.headline,
            summary=draft.summary,
            dateline_place=draft.dateline_place,
            dateline_date=draft.dateline_date,
            language=draft.language,
        )
        changes = services.StoryChanges(note="Imported.")
    else:
        # The text replaces what the story had: its fields, section texts and parts.
        story = existing
        changes = services.StoryChanges(
            note="Imported again (--update).",
            fields={
                "headline": draft.headline,
                "summary": draft.summary,
                "dateline_place": draft.dateline_place,
                "dateline_date": draft.dateline_date,
                "language": draft.language,
            },
            deleted=[
                *story.citations.all(),
                *story.faq_items.all(),
                *story.entity_links.all(),
            ],
        )
    sections = {s.key: s for s in story.sections.all()}
    for imported in draft.sections:
        section = sections.get(imported.key)
        if section is not None and (imported.body or existing is not None):
            section.body = imported.body
            changes.saved.append(services.PartChange(part=section, changed=["body"]))
    outlets: dict[str, Outlet] = {}
    for order, c in enumerate(draft.citations):
        citation = Citation(
            section=sections.get(c.section_key) if c.section_key else None,
            outlet=_outlet_for(c, outlets),
            url=c.url,
            published_on=c.published_on,
            claim=c.claim,
            quote=c.quote,
            order=order,
            link_status=LinkStatus.PENDING if c.url else "",
        )
        # A link is fetched once the import commits (story_update queues it).
        changes.saved.append(services.PartChange(part=citation, changed=["url"] if c.url else []))
    for order, item in enumerate(draft.faq_items):
        faq = FAQItem(question=item.question, answer=item.answer, order=order)
        changes.saved.append(services.PartChange(part=faq))
    for order, card in enumerate(draft.entities):
        if card.entity_id:
            entity = Entity.objects.get(pk=card.entity_id)
        else:
            entity = Entity.objects.create(
                name=card.name,
                slug=entity_unique_slug(card.name),
                kind=card.kind,
                description=card.description,
                aliases="\n".join(card.aliases),
                reviewed_at=None,
            )
        link = StoryEntity(entity=entity, role=EntityRole.ABOUT, order=order)
        changes.saved.append(services.PartChange(part=link))
    return services.story_update(
        story=story,
        by=by,
        changes=changes,
        expected_version=existing.version if existing is not None else None,
    )


def story_imported_before(draft: StoryDraft) -> Story | None:
    """A story with the draft's headline (case ignored): importing the same text again."""
    return Story.objects.filter(headline__iexact=draft.headline.strip()).order_by("-pk").first()


def story_import(*, draft: StoryDraft, by=None, update: Story | None = None) -> Story:
    """Save what the import understood as a draft story, all of it or nothing; with `update`,
    replace that draft's text and parts with it instead (one `story_update`).

    A story that is no longer a draft is not replaced: it is in review or published, and its
    editors change it in the admin. Citations with a URL are queued for fetching once the
    transaction commits.
    """
    problems = draft.problems or draft_limit_problems(draft)
    if problems:
        raise StoryImportRefused(problems)
    if update is not None and update.status != StoryStatus.DRAFT:
        raise StoryImportRefused(
            [
                f"“{update.headline}” is no longer a draft ({update.get_status_display().lower()}):"
                " the import does not replace it. Change it in the admin, or import with --new "
                "for a separate draft."
            ]
        )
    with transaction.atomic():
        return _save(draft, by, existing=update)


def story_import_findings(*, draft: StoryDraft, by=None) -> list[tuple[Finding, str]]:
    """The checks' findings on the draft as if it were saved, each with a readable target.

    The draft is written inside a transaction that is then rolled back: the checks see exactly
    what saving would produce, and nothing is kept.
    """
    if draft.problems or draft_limit_problems(draft):
        return []
    with transaction.atomic():
        story = _save(draft, by)
        story = story_with_parts(Story.objects.filter(pk=story.pk)).get()
        findings = story_findings(story)
        labels = finding_labels(story, findings)
        transaction.set_rollback(True)
    return [(finding, labels.get(finding.target, finding.target)) for finding in findings]
