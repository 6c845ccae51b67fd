"""The checklist panel: readable names for findings' targets, and the panel cached per version."""

import logging
from collections.abc import Iterable

from django.core.cache import cache
from django.db import transaction

from stories.checks.passages import citation_label
from stories.checks.registry import ERROR, Finding, story_findings
from stories.models import Story
from stories.selectors import story_with_parts

log = logging.getLogger(__name__)


def finding_record(target: str) -> tuple[str, int] | None:
    """("faq", 12) for the target "faq:12"; None for a section key or story field."""
    kind, _, pk = target.partition(":")
    return (kind, int(pk)) if pk.isdigit() else None


def finding_labels(story: Story, findings: Iterable[Finding] = ()) -> dict[str, str]:
    """Readable names for targets: section headings, "FAQ item 3", "Citation 2 (…)", entities.

    Reads the story's prefetched parts and the run's names only: no queries.
    """
    labels = {"story": "Story", "headline": "Headline", "summary": "Summary"}
    labels["dateline"] = "Dateline"
    labels["entities"] = "Entities"
    for section in story.sections.all():
        labels[section.key] = section.heading
    for number, item in enumerate(story.faq_items.all(), start=1):
        labels[f"faq:{item.pk}"] = f"FAQ item {number}"
    for number, citation in enumerate(story.citations.all(), start=1):
        label = citation_label(citation, number)
        labels[f"citation:{citation.pk}"] = label[0].upper() + label[1:]
    for link in story.entity_links.all():
        labels[f"entity:{link.entity_id}"] = link.entity.name
    run = getattr(story, "_check_run", None)
    entity_names = run.entity_names if run is not None else {}
    for finding in findings:
        record = finding_record(finding.target)
        if record and record[0] == "entity" and record[1] in entity_names:
            labels.setdefault(finding.target, entity_names[record[1]])
    return labels


CHECKLIST_SECONDS = 600
DESK_GENERATION_KEY = "checks:desk-generation"


def desk_generation() -> int:
    """Goes up when something every story's checks read changes: the dictionary, entities,
    outlets, published stories (see stories/receivers.py)."""
    return cache.get_or_set(DESK_GENERATION_KEY, 1, None)


def desk_changed() -> None:
    """Make every cached checklist stale. A cache that is down must not fail the save that
    called this: its checklists are not being served either."""
    try:
        cache.incr(DESK_GENERATION_KEY)
    except ValueError:
        cache.set(DESK_GENERATION_KEY, 2, None)
    except Exception:  # noqa: BLE001 - Redis unreachable
        log.warning("Could not mark cached checklists stale: the cache is unreachable.")


def checklist_cached(story: Story, *, remember_on_commit: bool = False) -> tuple[list, dict]:
    """The panel's findings and labels, computed once per story version and rendition and per
    desk generation: re-rendering the admin page does not run every check again.

    Freshness findings depend on the date too; the entry lives CHECKLIST_SECONDS at most.
    Computed inside a save (`remember_on_commit`), it is remembered only once the save
    commits: a rolled-back version number must not keep findings it never had.
    """
    try:
        key = f"checks:panel:{story.pk}:{story.version}:{story.rendition}:{desk_generation()}"
        cached = cache.get(key)
    except Exception:  # noqa: BLE001 - the cache is down: check without it
        key, cached = None, None
    if cached is None:
        full = story_with_parts(Story.objects.filter(pk=story.pk)).get()
        findings = story_findings(full)
        cached = (findings, finding_labels(full, findings))
        if key and remember_on_commit:
            entry = cached
            transaction.on_commit(lambda: _remember(key, entry, story.pk), robust=True)
        elif key:
            _remember(key, cached, story.pk)
    return cached


def _remember(key: str, entry, story_id: int) -> None:
    try:
        cache.set(key, entry, CHECKLIST_SECONDS)
    except Exception:  # noqa: BLE001
        log.warning("Could not cache the checklist of story %s.", story_id)


def checklist_open(findings: list, acknowledged: dict) -> tuple[list, list]:
    """The findings still to act on, and the warnings an editor accepted (with the
    acknowledgement), by each warning's exact wording. Errors are never set aside."""
    open_, accepted = [], []
    for finding in findings:
        ack = acknowledged.get(finding.fingerprint) if finding.severity != ERROR else None
        if ack is None:
            open_.append(finding)
        else:
            accepted.append((finding, ack))
    return open_, accepted
