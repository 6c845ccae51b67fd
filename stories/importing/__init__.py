"""Bring a story in from the text a journalist already wrote, and link entities to stories.

`story_text_parse` reads plain text or Markdown laid out like the seed stories (section headings
as lines, bullet items, FAQ questions followed by answers, entity cards as "Name is a …"
paragraphs, attributions like "(Al Jazeera, Nov 8)") into a `StoryDraft`: what the import
understood, shown to the journalist before anything is saved. `story_import` saves that draft
as a draft story in one transaction; `story_import_findings` runs the editorial checks on it
without keeping anything.

Nothing in the text is dropped: text that fits no section goes to the nearest one, and every
such decision is written to `draft.notes`.

The modules: `draft` (what the import understood), `text` (paragraphs, bullets, sentences),
`dates` (dates and datelines, wire styles included), `language` (which language a text is in),
`match` (headings, outlets and entities to what the desk has), `parse` (the reading
itself) and `build` (every write to the database).
"""

from stories.importing.build import (
    entity_unique_slug,
    story_import,
    story_import_findings,
    story_imported_before,
)
from stories.importing.dates import date_from_match, latest_written_date, make_date
from stories.importing.draft import (
    MAX_TEXT_CHARS,
    ImportedCitation,
    ImportedEntity,
    ImportedFAQ,
    ImportedSection,
    StoryDraft,
    StoryImportRefused,
)
from stories.importing.language import language_detected, language_name
from stories.importing.match import (
    card_aliases,
    card_kind,
    card_name,
    entity_key,
    entity_match,
    heading_key,
    match_heading,
    outlet_match,
    section_lookup,
    url_domain,
)
from stories.importing.parse import TextReader, source_format_for, story_text_parse
from stories.importing.text import (
    Block,
    looks_like_subheading,
    normalise_text,
    shorten,
    split_sentences,
    text_blocks,
    working_headline,
)

__all__ = [
    "MAX_TEXT_CHARS",
    "Block",
    "ImportedCitation",
    "ImportedEntity",
    "ImportedFAQ",
    "ImportedSection",
    "StoryDraft",
    "StoryImportRefused",
    "TextReader",
    "card_aliases",
    "card_kind",
    "card_name",
    "date_from_match",
    "entity_key",
    "entity_match",
    "entity_unique_slug",
    "heading_key",
    "latest_written_date",
    "looks_like_subheading",
    "make_date",
    "match_heading",
    "normalise_text",
    "outlet_match",
    "section_lookup",
    "shorten",
    "split_sentences",
    "story_import",
    "story_import_findings",
    "story_imported_before",
    "language_detected",
    "language_name",
    "source_format_for",
    "story_text_parse",
    "text_blocks",
    "url_domain",
    "working_headline",
]
