"""Editorial checks: the desk's second pair of eyes, as one registry of small functions.

A check takes a story (with its parts prefetched) and yields findings. `error` findings block
submission for review; `warning` findings inform. Admin, workflow services, the review view and
`check_story` all call `story_findings`, so a rule lives here and nowhere else.

A finding's `target` says what it concerns: a section key (`whats-happened`), a story field
(`headline`, `summary`, `dateline`), or a record as `faq:<id>`, `citation:<id>` or `entity:<id>`.

Checks read the story's prefetched parts only. What they need beyond the story (the names the
desk knows, other stories' FAQ questions) is loaded once per run by `CheckRun`, so a run costs
the same few queries for a story with 2 citations or 30.

The modules: `registry` (findings, registering and running checks), `run` (what a run reads),
`passages` (the story's words as plain text), one module per check family (`structure`, `faq`,
`spelling`, `spacing`, `attribution`, `furniture`, `entities`), `languages` (what
they know per language) and `checklist` (the admin panel, cached).
The families are imported here in the order their checks run, which is the findings' order:
keep that order, not the alphabetical one (tests/stories/test_checks.py pins it).
"""

# ruff: noqa: I001
from stories.checks.registry import (
    CHECKED_PARTS,
    ERROR,
    REGISTRY,
    WARNING,
    Check,
    Finding,
    check_run,
    findings_summary,
    register,
    story_errors,
    story_findings,
)
from stories.checks.run import (
    PUBLISHED_QUESTIONS_READ,
    CheckRun,
    DeskNames,
    KnownEntity,
    MentionIndex,
)
from stories.checks.passages import (
    Passage,
    at_sentence_start,
    citation_label,
    excerpt,
    markdown_plain,
    name_tokens,
    normalise_quotes,
    story_passages,
)
from stories.checks.structure import template_rules
from stories.checks.faq import (
    faq_answered_elsewhere,
    faq_duplicates,
    question_key,
    question_words,
    questions_likeness,
)
from stories.checks.spelling import (
    common_words,
    speller,
    spelling,
    spelling_suggestion,
    unknown_parts,
    unknown_words,
    word_is_known,
)
from stories.checks.spacing import doubled_words, glued_words, spacing, unbalanced_quotes
from stories.checks.attribution import attribution
from stories.checks.furniture import furniture, furniture_lines
from stories.checks.languages import LanguageRules, language_rules, story_language
from stories.checks.entities import (
    entities_stale,
    entity_freshness,
    entity_is_stale,
    entity_mentions,
    entity_review_cutoff,
    entity_suggestions,
    same_case_shape,
)
from stories.checks.pictures import pictures  # noqa: F401 - registers the pictures checks
from stories.checks.checklist import (
    CHECKLIST_SECONDS,
    DESK_GENERATION_KEY,
    checklist_cached,
    checklist_open,
    desk_changed,
    desk_generation,
    finding_labels,
    finding_record,
)
from stories.checks.threads import blocking_threads  # noqa: F401

__all__ = [
    "CHECKED_PARTS",
    "CHECKLIST_SECONDS",
    "DESK_GENERATION_KEY",
    "ERROR",
    "PUBLISHED_QUESTIONS_READ",
    "REGISTRY",
    "WARNING",
    "Check",
    "CheckRun",
    "DeskNames",
    "Finding",
    "KnownEntity",
    "MentionIndex",
    "Passage",
    "at_sentence_start",
    "attribution",
    "check_run",
    "checklist_cached",
    "checklist_open",
    "citation_label",
    "desk_changed",
    "desk_generation",
    "entities_stale",
    "entity_freshness",
    "entity_is_stale",
    "entity_mentions",
    "entity_review_cutoff",
    "entity_suggestions",
    "excerpt",
    "faq_answered_elsewhere",
    "faq_duplicates",
    "finding_labels",
    "finding_record",
    "findings_summary",
    "glued_words",
    "markdown_plain",
    "name_tokens",
    "normalise_quotes",
    "question_key",
    "question_words",
    "questions_likeness",
    "register",
    "same_case_shape",
    "spacing",
    "speller",
    "spelling",
    "spelling_suggestion",
    "story_errors",
    "story_findings",
    "story_passages",
    "template_rules",
    "unbalanced_quotes",
    "unknown_parts",
    "unknown_words",
    "word_is_known",
    "doubled_words",
    "furniture",
    "furniture_lines",
    "LanguageRules",
    "language_rules",
    "story_language",
    "common_words",
]
