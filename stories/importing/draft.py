"""What the import understood from a text, before anything is saved."""

import datetime as dt
from dataclasses import dataclass, field

from stories.models import StoryTemplate

MAX_TEXT_CHARS = 300_000


class StoryImportRefused(Exception):
    """The text cannot become a story as it is; the messages say what to fix."""

    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


@dataclass
class ImportedSection:
    """A template section and the Markdown the import puts in it."""

    key: str
    heading: str
    kind: str
    body: str = ""
    found_as: str = ""  # the heading as written in the text, if it was there
    paragraphs: int = 0
    bullets: int = 0


@dataclass
class ImportedCitation:
    """A claim attributed to an outlet and a date, as "(Al Jazeera, Nov 8)" wrote it."""

    outlet_name: str
    claim: str
    published_on: dt.date | None = None
    quote: str = ""
    url: str = ""
    section_key: str | None = None
    outlet_id: int | None = None  # an outlet the desk already has


@dataclass
class ImportedFAQ:
    question: str
    answer: str


@dataclass
class ImportedEntity:
    """An entity card from the text, matched to a known entity or to be created unreviewed."""

    name: str
    kind: str
    description: str
    aliases: list[str] = field(default_factory=list)
    entity_id: int | None = None
    matched_name: str = ""  # the known entity's own name, when matched


@dataclass
class StoryDraft:
    """Everything the import understood, before it is saved."""

    template: StoryTemplate
    headline: str = ""
    headline_source: str = ""  # "text" (its first line), "given" or "sentence"
    summary: str = ""
    dateline_place: str = ""
    dateline_date: dt.date | None = None
    language: str = "en"  # BCP 47, detected or given
    sections: list[ImportedSection] = field(default_factory=list)
    citations: list[ImportedCitation] = field(default_factory=list)
    faq_items: list[ImportedFAQ] = field(default_factory=list)
    entities: list[ImportedEntity] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def can_save(self) -> bool:
        return not self.problems

    def section(self, key: str) -> ImportedSection:
        return next(s for s in self.sections if s.key == key)
