"""The service layer: every write to a story or to a record it owns comes through here.

Admin forms and inlines, management commands, Celery tasks and signal receivers call these
functions; none of them saves, updates or deletes a story-owned record itself (a test holds
every edge to that: tests/write_contract.py). See docs/architecture.md.

- `editing`: create, update (fields and parts), restore, delete and recover stories.
- `stories.workflow`: the editorial steps (submit, publish, withdraw…).
- `sources.services`: what fetching a cited page changes on its citation.
"""

from stories.services.checklist import (
    story_checklist,
    story_warning_accept,
    story_warning_reopen,
)
from stories.services.editing import (
    EDITABLE_FIELDS,
    STORY_PARTS,
    LiveUpdateUnconfirmed,
    PartChange,
    StoryChanges,
    StoryConflict,
    stories_mark_shown_parts_changed,
    story_create,
    story_delete,
    story_edit_refusal,
    story_link_entity,
    story_record_change,
    story_recover,
    story_restore_revision,
    story_sections_from_template,
    story_slug_from,
    story_unique_slug,
    story_update,
)

__all__ = [
    "story_checklist",
    "story_warning_accept",
    "story_warning_reopen",
    "EDITABLE_FIELDS",
    "STORY_PARTS",
    "LiveUpdateUnconfirmed",
    "PartChange",
    "StoryChanges",
    "StoryConflict",
    "stories_mark_shown_parts_changed",
    "story_create",
    "story_delete",
    "story_edit_refusal",
    "story_link_entity",
    "story_record_change",
    "story_recover",
    "story_restore_revision",
    "story_sections_from_template",
    "story_slug_from",
    "story_unique_slug",
    "story_update",
]
