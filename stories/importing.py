"""Bring a story in from the text a journalist already wrote, and link entities to stories.

`story_text_parse` reads plain text or Markdown laid out like the seed stories (section headings
as lines, bullet items, FAQ questions followed by answers, entity cards as "Name is a …"
paragraphs, attributions like "(Al Jazeera, Nov 8)") into a `StoryDraft`: what the import
understood, shown to the journalist before anything is saved. `story_import` saves that draft
as a draft story in one transaction; `story_import_findings` runs the editorial checks on it
without keeping anything.

Nothing in the text is dropped: text that fits no section goes to the nearest one, and every
such decision is written to `draft.notes`.
"""

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from sources.models import Citation, LinkStatus, Outlet
from stories import services
from stories.checks import Finding, finding_labels, story_findings
from stories.models import (
    Entity,
    EntityKind,
    EntityRole,
    FAQItem,
    SectionKind,
    Story,
    StoryEntity,
    StoryTemplate,
)

MAX_TEXT_CHARS = 300_000


class StoryImportRefused(Exception):
    """The text cannot become a story as it is; the messages say what to fix."""

    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


# --- What the import understood -------------------------------------------------------------


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
    summary: str = ""
    dateline_place: str = ""
    dateline_date: dt.date | None = None
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


# --- Reading the text -----------------------------------------------------------------------

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip
MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)[a-z]*\.?"
FULL_DATE = re.compile(
    rf"\b(?P<m1>{MONTH})\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y1>\d{{4}})\b"
    rf"|\b(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m2>{MONTH})\s+(?P<y2>\d{{4}})\b"
    r"|\b(?P<y3>\d{4})-(?P<m3>\d{2})-(?P<d3>\d{2})\b"
)
SHORT_DATE = re.compile(
    rf"^(?P<m1>{MONTH})\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y1>\d{{4}}))?$"
    rf"|^(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m2>{MONTH})(?:,?\s+(?P<y2>\d{{4}}))?$"
    r"|^(?P<y3>\d{4})-(?P<m3>\d{2})-(?P<d3>\d{2})$"
)
DATELINE = re.compile(
    rf"^(?P<place>[^\W\d][^–—\n]{{1,80}}?)\s+[–—-]{{1,2}}\s+(?P<date>(?:{MONTH}\s+\d{{1,2}},?\s+"
    rf"\d{{4}}|\d{{1,2}}\s+{MONTH}\s+\d{{4}}))\b\s*(?:[–—-]{{1,2}}\s*(?P<rest>.*))?$"
)
BARE_BULLET = re.compile(r"^\s*[-*•–+]\s*$")
BULLET = re.compile(r"^\s*(?:[-*•–+]|\d{1,2}[.)])\s+(?P<text>\S.*)$")
MARKDOWN_HEADING = re.compile(r"^\s*(?P<level>#{1,6})\s+(?P<text>.+?)\s*#*\s*$")
ATTRIBUTION = re.compile(r"\s*\((?P<inside>[^()]*(?:\([^()]*\)[^()]*)*)\)")
MARKDOWN_LINK = re.compile(r"^\[(?P<text>[^\]]+)\]\((?P<url>https?://[^)\s]+)\)$")
QUOTED = re.compile(r"“([^”]+)”|\"([^\"]+)\"")
LABELLED_POINT = re.compile(r"^(?P<label>[A-Z][^:.!?]{1,60}):\s+(?P<text>\S.*)$")
SENTENCE_END = re.compile(r"(?<=[.!?])[”\"’)]?\s+(?=[“\"‘(]?[A-Z0-9])")
NOT_SENTENCE_END = re.compile(
    r"\b(?:Mr|Mrs|Ms|Dr|Gen|Sen|Rep|Gov|St|Lt|Col|Capt|Sgt|Prof|Jr|Sr|No|vs|etc|[A-Z]|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.$"
)

# Headings as journalists write them, for the template section they mean: by the section's key,
# or by its kind (the template's first section of that kind).
HEADING_ALIASES = {
    "common question": "kind:faq",
    "common questions": "kind:faq",
    "faq": "kind:faq",
    "faqs": "kind:faq",
    "frequently asked questions": "kind:faq",
    "questions and answers": "kind:faq",
    "q a": "kind:faq",
    "reader questions": "kind:faq",
    "sources": "kind:citations",
    "references": "kind:citations",
    "what others say": "kind:citations",
    "what the press says": "kind:citations",
    "press review": "kind:citations",
    "entities": "kind:entities",
    "related topics": "kind:entities",
    "who s who": "kind:entities",
    "key players": "kind:entities",
    "people and organisations": "kind:entities",
    "people and organizations": "kind:entities",
    "what happened": "key:whats-happened",
    "the news": "key:whats-happened",
    "why it matters": "key:behind-the-headline",
    "behind the headline": "key:behind-the-headline",
    "forecast": "key:forecast",
    "implications": "key:forecast",
    "what next": "key:forecast",
    "what happens next": "key:forecast",
    "background": "key:how-we-got-here",
    "context": "key:how-we-got-here",
    "further questions": "key:go-deeper",
    "questions to explore": "key:go-deeper",
    "story": "kind:text",
    "report": "kind:text",
}

KIND_CUES = [
    (EntityKind.COUNTRY, r"country|nation|kingdom|republic|federation|emirate"),
    (
        EntityKind.PERSON,
        r"politician|official|officer|leader|president|minister|businessman|businesswoman|"
        r"attorney|lawyer|actor|actress|singer|writer|author|journalist|diplomat|general|"
        r"activist|chairman|chairwoman|spokesperson|secretary|chancellor|monarch|king|queen|"
        r"prince|princess|scientist|economist|footballer|player|presenter|born",
    ),
    (
        EntityKind.ORGANISATION,
        r"agency|organi[sz]ation|party|company|corporation|firm|ministry|department|command|"
        r"council|committee|union|alliance|bank|group|newspaper|broadcaster|university|army|"
        r"body|authority|association|federation of|club|charity|foundation|school|hospital|"
        r"navy|force|institute|bloc|movement|militia|court|parliament|government|network",
    ),
    (
        EntityKind.PLACE,
        r"city|town|village|province|region|island|peninsula|sea|ocean|river|mountain|county|"
        r"district|capital|port|border|territory|state of|strait|gulf|desert|continent",
    ),
    (
        EntityKind.EVENT,
        r"summit|war|election|conference|games|festival|crisis|attack|exercise|drill|"
        r"olympics|championship|referendum|protest|disaster|earthquake|storm|pandemic",
    ),
]
CARD_NAME_END = re.compile(
    r"\s+(?:is|was|are|were|has been|serves as)\s|,\s*(?:officially|commonly|historically|"
    r"formerly|also|known|better|born)\b|\s+\(|:\s|\s+[–—]\s"
)
ALIAS_PATTERNS = [
    re.compile(r"\bofficially(?: known as)?\s+(?:the\s+)?(?P<a>[^,();]+?)(?=,|\s+is\s|\s+\(|$)"),
    re.compile(
        r"\b(?:commonly|also|historically|formerly|better) known as\s+(?:the\s+)?(?P<a>[^,();]+?)"
        r"(?:\s+or\s+(?:the\s+)?(?P<b>[^,();]+?))?(?=,|\s+is\s|\s+\(|$)"
    ),
]


def normalise_text(text: str) -> str:
    """One form for what editors paste: NFC, Unix newlines, no BOM, no non-breaking spaces."""
    text = unicodedata.normalize("NFC", text).replace("\ufeff", "")
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    text = text.replace("\u00a0", " ").replace("\u202f", " ")
    return "\n".join(line.rstrip() for line in text.split("\n"))


def heading_key(text: str) -> str:
    """A heading with case, punctuation and plurals ignored: "Common question" = "Common questions"."""
    text = text.casefold().replace("’", "").replace("'", "").replace("&", " ")
    words = re.sub(r"[^\w]+", " ", text).split()
    return " ".join(w[:-1] if len(w) > 3 and w.endswith("s") else w for w in words)


def section_lookup(template_sections) -> dict[str, object]:
    """Heading key -> template section: its heading, its key and the aliases."""
    lookup: dict[str, object] = {}
    for section in template_sections:
        lookup.setdefault(heading_key(section.heading), section)
        lookup.setdefault(heading_key(section.key.replace("-", " ")), section)
    for alias, means in HEADING_ALIASES.items():
        how, _, value = means.partition(":")
        section = next(
            (s for s in template_sections if (s.kind if how == "kind" else s.key) == value), None
        )
        if section is not None:
            lookup.setdefault(heading_key(alias), section)
    return lookup


def match_heading(line: str, lookup: dict) -> tuple[object | None, bool]:
    """(the template section a heading line names, whether it was a Markdown heading)."""
    markdown = MARKDOWN_HEADING.match(line)
    text = markdown.group("text") if markdown else line
    text = text.strip().strip("*_").rstrip(":").strip()
    if not text or len(text) > 80:
        return None, bool(markdown)
    return lookup.get(heading_key(text)), bool(markdown)


def make_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def date_from_match(match, reference: dt.date, today: dt.date) -> dt.date | None:
    """A date from a FULL_DATE or SHORT_DATE match; a missing year comes from the reference.

    The year is the reference's (the dateline, or the latest date the text names, or today),
    one less if that would put the cited piece more than a month after the reference, and
    never in the future.
    """
    groups = {k: v for k, v in match.groupdict().items() if v}
    if "y3" in groups:
        return make_date(int(groups["y3"]), int(groups["m3"]), int(groups["d3"]))
    month_name = (groups.get("m1") or groups.get("m2")).rstrip(".").casefold()
    month = MONTHS.get(month_name) or MONTHS.get(month_name[:3])
    day = int(groups.get("d1") or groups.get("d2"))
    year = groups.get("y1") or groups.get("y2")
    if month is None:
        return None
    if year:
        return make_date(int(year), month, day)
    found = make_date(reference.year, month, day)
    if found is None:
        return None
    if found > reference + dt.timedelta(days=31) or found > today:
        found = make_date(reference.year - 1, month, day)
    return found


def latest_written_date(text: str, today: dt.date) -> dt.date | None:
    """The latest full date ("November 7, 2025") the text names that is not in the future."""
    dates = [date_from_match(m, today, today) for m in FULL_DATE.finditer(text)]
    dates = [d for d in dates if d and d <= today]
    return max(dates) if dates else None


@dataclass
class Block:
    """A run of lines: a paragraph, a bullet item (with its continuation lines) or a sub-heading."""

    kind: str  # "para", "bullet" or "subheading"
    lines: list[str]


def text_blocks(lines: list[str], *, line_per_paragraph: bool) -> list[Block]:
    """Group a section's lines into paragraphs and bullet items.

    A bullet marker alone on its line ("-") means the item is on the next line, as in the
    seeds. Lines after a bullet item, before a blank line or the next marker, belong to it.
    """
    blocks: list[Block] = []
    current: Block | None = None
    awaiting_item = False
    for line in lines:
        if not line.strip():
            current = None
            continue
        if BARE_BULLET.match(line):
            current, awaiting_item = None, True
            continue
        bullet = BULLET.match(line)
        heading = MARKDOWN_HEADING.match(line)
        if awaiting_item or bullet:
            text = line.strip() if awaiting_item else bullet.group("text").strip()
            current = Block("bullet", [text])
            blocks.append(current)
            awaiting_item = False
        elif heading:
            blocks.append(Block("subheading", [heading.group("text").strip()]))
            current = None
        elif current is not None and (current.kind == "bullet" or not line_per_paragraph):
            current.lines.append(line.strip())
        else:
            current = Block("para", [line.strip()])
            blocks.append(current)
    return blocks


def looks_like_subheading(block: Block, following: Block | None) -> bool:
    """A short line without end punctuation that introduces a paragraph: "Strategic Signaling"."""
    if block.kind != "para" or len(block.lines) != 1 or following is None:
        return False
    line = block.lines[0]
    return (
        len(line.split()) <= 12
        and len(line) <= 90
        and line[0].isupper()
        and line[-1] not in '.!?:;,…"”’)'
        and following.kind in {"para", "bullet"}
    )


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph, not split after "Mr." or initials."""
    sentences, start = [], 0
    for match in SENTENCE_END.finditer(text):
        candidate = text[start : match.start() + len(match.group().rstrip())].strip()
        if NOT_SENTENCE_END.search(candidate.rstrip('”"’)')):
            continue
        sentences.append(candidate)
        start = match.end()
    rest = text[start:].strip()
    if rest:
        sentences.append(rest)
    return sentences


class TextReader:
    """Reads one text against one template into a StoryDraft. Use `story_text_parse`."""

    def __init__(self, *, text: str, template: StoryTemplate, headline: str, today: dt.date):
        self.text = normalise_text(text)
        self.template = template
        self.given_headline = " ".join(headline.split())
        self.today = today
        self.template_sections = list(template.sections.all())
        self.lookup = section_lookup(self.template_sections)
        self.draft = StoryDraft(template=template)
        self.line_per_paragraph = not re.search(r"\n[ \t]*\n", self.text.strip())
        self.known_outlets = {o.name.casefold(): o for o in Outlet.objects.all()}
        self.known_entities = self._known_entities()

    # The whole read, in order.
    def read(self) -> StoryDraft:
        draft = self.draft
        if not self.text.strip():
            draft.problems.append("The text is empty: paste the story or choose a file.")
            return draft
        if len(self.text) > MAX_TEXT_CHARS:
            draft.problems.append(
                f"The text has {len(self.text):,} characters; the import takes at most "
                f"{MAX_TEXT_CHARS:,}. Split it, or import the story without its appendices."
            )
            return draft
        if not self.template_sections:
            draft.problems.append(
                f"The template “{self.template.name}” has no sections to import into: add "
                "sections to it in the admin, or choose another template."
            )
            return draft
        lines = self.text.split("\n")
        lines = self._read_front_matter(lines)
        per_section = self._split_by_heading(lines)
        self.reference_date = (
            draft.dateline_date or latest_written_date(self.text, self.today) or self.today
        )
        for template_section in self.template_sections:
            found_as, section_lines = per_section.get(template_section.key, ("", []))
            imported = ImportedSection(
                key=template_section.key,
                heading=template_section.heading,
                kind=template_section.kind,
                found_as=found_as,
            )
            draft.sections.append(imported)
            if section_lines:
                self._read_section(imported, section_lines)
            elif template_section.required:
                draft.notes.append(f"“{template_section.heading}” is not in the text: it is empty.")
        self._settle_headline()
        return draft

    # --- Headline, summary, dateline ---

    def _read_front_matter(self, lines: list[str]) -> list[str]:
        """Take the headline, a "Summary:" line and the dateline from the top of the text."""
        draft = self.draft
        remaining = list(lines)
        first = next((i for i, line in enumerate(remaining) if line.strip()), None)
        if first is not None:
            line = remaining[first]
            heading = MARKDOWN_HEADING.match(line)
            section, _ = match_heading(line, self.lookup)
            more = any(line.strip() for line in remaining[first + 1 :])
            if heading and heading.group("level") == "#" and section is None:
                draft.headline = heading.group("text").strip()
                remaining[first] = ""
            elif (
                section is None
                and more
                and not DATELINE.match(line.strip())
                and not BULLET.match(line)
                and len(line.strip()) <= 200
                and not line.strip().endswith((".", ":", ";", ","))
            ):
                draft.headline = line.strip().strip("*_").strip()
                remaining[first] = ""
        for index, line in enumerate(remaining):
            if not line.strip():
                continue
            if match_heading(line, self.lookup)[0] is not None:
                break
            summary = re.match(r"^\s*(?:summary|dek|standfirst)\s*:\s*(?P<text>\S.*)$", line, re.I)
            if summary and not draft.summary:
                draft.summary = summary.group("text").strip()
                remaining[index] = ""
                continue
            dateline = DATELINE.match(line.strip())
            if dateline and not draft.dateline_place:
                draft.dateline_place = dateline.group("place").strip().strip("*_").strip()
                date = FULL_DATE.search(dateline.group("date"))
                draft.dateline_date = date_from_match(date, self.today, self.today)
                remaining[index] = dateline.group("rest") or ""
            break
        return remaining

    def _settle_headline(self) -> None:
        draft = self.draft
        if self.given_headline:
            draft.headline = self.given_headline
            return
        if draft.headline:
            return
        for section in draft.sections:
            if section.kind == SectionKind.TEXT and section.body.strip():
                first = next(p for p in section.body.split("\n\n") if p.strip())
                if first.startswith("#"):
                    continue
                plain = re.sub(r"\*\*|__|^[>\s]+", "", first.split("\n")[0])
                sentence = split_sentences(plain)[0]
                draft.headline = working_headline(sentence)
                draft.notes.append(
                    f"The text has no headline: the first sentence of “{section.heading}” is "
                    "used for now. Write a real headline before submitting."
                )
                return
        draft.problems.append("The text has no headline: give one in the headline field.")

    # --- Sections ---

    def _split_by_heading(self, lines: list[str]) -> dict[str, tuple[str, list[str]]]:
        """Section key -> (heading as written, its lines). Text before any heading goes first."""
        per_section: dict[str, tuple[str, list[str]]] = {}
        current_key, preamble = None, []
        for line in lines:
            section, _ = match_heading(line, self.lookup) if line.strip() else (None, False)
            if section is not None:
                if section.key in per_section:
                    self.draft.notes.append(
                        f"“{line.strip()}” appears twice: both parts went into “{section.heading}”."
                    )
                    per_section[section.key][1].append("")
                else:
                    per_section[section.key] = (line.strip().lstrip("#").strip(), [])
                current_key = section.key
                continue
            if current_key is None:
                preamble.append(line)
            else:
                per_section[current_key][1].append(line)
        if any(line.strip() for line in preamble):
            nearest = self._nearest_section_for_preamble()
            found_as, section_lines = per_section.get(nearest.key, ("", []))
            per_section[nearest.key] = (found_as, preamble + [""] + section_lines)
            if per_section.keys() == {nearest.key} and not found_as:
                self.draft.notes.append(
                    f"The text has no section headings: all of it went into “{nearest.heading}”."
                )
            else:
                self.draft.notes.append(
                    f"Text before the first section heading went into “{nearest.heading}”."
                )
        return per_section

    def _nearest_section_for_preamble(self):
        """Where text before any heading goes: the template's first text section."""
        text_sections = [s for s in self.template_sections if s.kind == SectionKind.TEXT]
        return (text_sections or self.template_sections)[0]

    def _read_section(self, section: ImportedSection, lines: list[str]) -> None:
        blocks = text_blocks(lines, line_per_paragraph=self.line_per_paragraph)
        if section.kind == SectionKind.CITATIONS:
            leftover = self._read_citations(section, blocks)
        elif section.kind == SectionKind.FAQ:
            leftover = self._read_faq(section, blocks)
        elif section.kind == SectionKind.ENTITIES:
            leftover = self._read_entities(section, blocks)
        else:
            leftover = blocks
            for block in blocks:
                for sentence in split_sentences(" ".join(block.lines)):
                    self._citations_in(sentence, section_key=None, keep_text=True)
        section.body = self._markdown(section, leftover)

    def _markdown(self, section: ImportedSection, blocks: list[Block]) -> str:
        """Blocks as Markdown: sub-headings as ###, labelled points with the label in bold."""
        parts: list[str] = []
        for index, block in enumerate(blocks):
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            if block.kind == "subheading" or looks_like_subheading(block, following):
                parts.append(f"### {block.lines[0]}")
                self.draft.notes.append(
                    f"“{block.lines[0]}” is not a section of the {self.template.name.lower()}: "
                    f"kept as a sub-heading in “{section.heading}”."
                )
            elif block.kind == "bullet":
                section.bullets += 1
                first, *rest = block.lines
                labelled = LABELLED_POINT.match(first)
                if labelled and len(labelled.group("label").split()) <= 6:
                    first = f"**{labelled.group('label')}:** {labelled.group('text')}"
                item = f"- {first}" + "".join(f"\n\n    {line}" for line in rest)
                if parts and parts[-1].startswith("- "):
                    parts[-1] += "\n" + item
                else:
                    parts.append(item)
            else:
                section.paragraphs += 1
                parts.append("\n".join(block.lines))
        return "\n\n".join(parts)

    # --- Citations ---

    def _first_citations_key(self) -> str | None:
        first = next((s for s in self.template_sections if s.kind == SectionKind.CITATIONS), None)
        return first.key if first else None

    def _read_citations(self, section: ImportedSection, blocks: list[Block]) -> list[Block]:
        """Attributed sentences become citations; the rest stays as the section's text."""
        leftover: list[Block] = []
        for block in blocks:
            if block.kind == "subheading":
                leftover.append(block)
                continue
            kept = [
                sentence
                for sentence in split_sentences(" ".join(block.lines))
                if not self._citations_in(sentence, section_key=section.key, keep_text=False)
            ]
            if kept:
                leftover.append(Block(block.kind, [" ".join(kept)]))
        return leftover

    def _citations_in(self, sentence: str, *, section_key: str | None, keep_text: bool) -> bool:
        """Citations for every "(Outlet, date)" in a sentence; whether there was one."""
        found: list[ImportedCitation] = []
        claim = sentence
        for match in ATTRIBUTION.finditer(sentence):
            parts = [self._attribution(part) for part in match.group("inside").split(";")]
            if not parts or not all(parts):
                continue
            claim = claim.replace(match.group(), "")
            found.extend(parts)
        if not found:
            return False
        claim = re.sub(r"\s+([.,;:!?])", r"\1", " ".join(claim.split())).strip()
        quotes = [q1 or q2 for q1, q2 in QUOTED.findall(claim)]
        for citation in found:
            citation.claim = claim
            citation.section_key = section_key or self._first_citations_key()
            if len(quotes) == 1 and len(quotes[0].split()) >= 3:
                citation.quote = quotes[0].strip().rstrip(",")
            self.draft.citations.append(citation)
        if keep_text:
            self.draft.notes.append(
                f"“{shorten(sentence, 70)}” is attributed in the text: it stays there and is "
                "also added as a citation."
            )
        return True

    def _attribution(self, text: str) -> ImportedCitation | None:
        """ "Al Jazeera, Nov 8" (optionally with a URL, or the outlet as a Markdown link)."""
        pieces = [p.strip() for p in text.split(",")]
        url = ""
        if len(pieces) >= 3 and pieces[-1].startswith(("http://", "https://")):
            url = pieces.pop()
        if len(pieces) == 3 and re.fullmatch(r"\d{4}", pieces[2]):
            pieces = [pieces[0], f"{pieces[1]} {pieces[2]}"]
        if len(pieces) != 2:
            return None
        outlet, when = pieces
        link = MARKDOWN_LINK.match(outlet)
        if link:
            outlet, url = link.group("text").strip(), link.group("url")
        date_match = SHORT_DATE.match(when.strip())
        if not date_match or not outlet or len(outlet) > 60 or not outlet[0].isupper():
            return None
        published_on = date_from_match(date_match, self.reference_date, self.today)
        if published_on is None:
            return None
        known = self._known_outlet(outlet, url)
        return ImportedCitation(
            outlet_name=known.name if known else outlet,
            outlet_id=known.pk if known else None,
            claim="",
            published_on=published_on,
            url=url,
        )

    def _known_outlet(self, name: str, url: str) -> Outlet | None:
        """By name (any case), by initials ("SCMP"), or by the URL's domain."""
        outlet = self.known_outlets.get(name.casefold())
        if outlet:
            return outlet
        if name.isupper() and len(name) >= 2:
            for candidate in self.known_outlets.values():
                words = [w for w in candidate.name.split() if w.casefold() != "the"]
                if "".join(w[0] for w in words).upper() == name:
                    return candidate
        domain = url_domain(url)
        if domain:
            return next((o for o in self.known_outlets.values() if o.domain == domain), None)
        return None

    # --- FAQ ---

    def _read_faq(self, section: ImportedSection, blocks: list[Block]) -> list[Block]:
        """A block whose first line is a question starts an item; what follows is its answer."""
        leftover: list[Block] = []
        current: ImportedFAQ | None = None
        joiner = "\n\n" if self.line_per_paragraph else "\n"
        for block in blocks:
            first = block.lines[0].strip().strip("*_").strip()
            question = re.sub(r"^(?:Q|Question)\s*[:.]\s*", "", first, flags=re.I)
            if block.kind != "subheading" and question.endswith("?") and len(question) <= 300:
                current = ImportedFAQ(question=question, answer="")
                self.draft.faq_items.append(current)
                answer_lines = block.lines[1:]
            elif current is not None:
                answer_lines = block.lines
            else:
                leftover.append(block)
                continue
            answer = joiner.join(
                re.sub(r"^(?:A|Answer)\s*[:.]\s*", "", line, flags=re.I) for line in answer_lines
            )
            current.answer = "\n\n".join(p for p in (current.answer, answer) if p.strip())
        for item in self.draft.faq_items:
            if not item.answer.strip():
                self.draft.notes.append(f"The question “{item.question}” has no answer yet.")
        return leftover

    # --- Entities ---

    def _known_entities(self) -> dict[str, Entity]:
        known: dict[str, Entity] = {}
        for entity in Entity.objects.only("id", "name", "aliases"):
            for name in [entity.name, *entity.alias_list]:
                known.setdefault(entity_key(name), entity)
        return known

    def _read_entities(self, section: ImportedSection, blocks: list[Block]) -> list[Block]:
        """Each bullet item or paragraph is a card "Name is a …"; more lines extend the card."""
        leftover: list[Block] = []
        cards: list[list[str]] = []
        extends_card = False  # a nameless paragraph right after a card is more of that card
        for block in blocks:
            if block.kind == "subheading":
                leftover.append(block)
                extends_card = False
            elif block.kind == "para" and extends_card and card_name(block.lines[0]) is None:
                cards[-1].extend(block.lines)
            else:
                cards.append(list(block.lines))
                extends_card = True
        seen: set[str] = set()
        for lines in cards:
            joiner = "\n\n" if self.line_per_paragraph else " "
            text = joiner.join(lines).replace("**", "")
            name = card_name(lines[0])
            if name is None:
                leftover.append(Block("para", lines))
                self.draft.notes.append(
                    f"Could not tell whose card “{shorten(lines[0], 60)}” is (start it with the "
                    f"name, e.g. “Name is a …”): kept as text in “{section.heading}”."
                )
                continue
            aliases = card_aliases(lines[0], name)
            entity = self._match_entity(name, aliases)
            key = f"id:{entity.pk}" if entity else entity_key(name)
            if key in seen:
                leftover.append(Block("para", lines))
                self.draft.notes.append(
                    f"“{name}” has two cards: the second is kept as text in “{section.heading}”."
                )
                continue
            seen.add(key)
            self.draft.entities.append(
                ImportedEntity(
                    name=name,
                    kind=card_kind(lines[0]),
                    description=text,
                    aliases=aliases,
                    entity_id=entity.pk if entity else None,
                    matched_name=entity.name if entity else "",
                )
            )
        return leftover

    def _match_entity(self, name: str, aliases: list[str]) -> Entity | None:
        words = name.split()
        candidates = [name, *aliases]
        if len(words) >= 3:
            candidates.append(f"{words[0]} {words[-1]}")  # "Peter Brian Hegseth" = "Peter Hegseth"
        for candidate in candidates:
            entity = self.known_entities.get(entity_key(candidate))
            if entity:
                return entity
        return None


def entity_key(name: str) -> str:
    name = name.casefold().replace("’", "'")
    name = re.sub(r"^the\s+", "", name)
    return " ".join(re.sub(r"[^\w']+", " ", name).split())


def card_name(line: str) -> str | None:
    """The entity a card is about: the words before "is", ", officially", " (" and the like."""
    line = line.strip()
    bold = re.match(r"^\*\*(?P<name>[^*]+)\*\*", line)
    if bold:
        name = bold.group("name")
    else:
        end = CARD_NAME_END.search(line)
        if end is None:
            return None
        name = line[: end.start()]
    name = re.sub(r"^the\s+", "", name.strip().strip("*_:").strip(), flags=re.I)
    if not name or len(name) > 80 or len(name.split()) > 8 or not name[0].isupper():
        return None
    return name


def card_aliases(line: str, name: str) -> list[str]:
    head = line[: m.start()] if (m := re.search(r"\s(?:is|was|are|were)\s", line)) else line
    aliases = []
    for pattern in ALIAS_PATTERNS:
        for match in pattern.finditer(head):
            for alias in match.groupdict().values():
                if alias and alias.strip() and alias.strip() != name:
                    aliases.append(alias.strip())
    return list(dict.fromkeys(aliases))


def card_kind(line: str) -> str:
    """A kind from the words after "is a": the earliest cue word wins ("a coastal city" = place)."""
    after = re.split(r"\s(?:is|was|are|were)\s", line, maxsplit=1)
    phrase = after[1][:120].casefold() if len(after) == 2 else line[:120].casefold()
    if re.search(r"\(born\b", line[:200]):
        return EntityKind.PERSON
    best: tuple[int, str] | None = None
    for kind, words in KIND_CUES:
        match = re.search(rf"\b(?:{words})\b", phrase)
        if match and (best is None or match.start() < best[0]):
            best = (match.start(), kind)
    return best[1] if best else EntityKind.OTHER


def url_domain(url: str) -> str:
    host = urlsplit(url).hostname or "" if url else ""
    return host.removeprefix("www.")


def working_headline(sentence: str, limit: int = 120) -> str:
    """A sentence cut to headline length at a clause ("…, escalating tensions" goes)."""
    sentence = " ".join(sentence.split()).rstrip(".")
    if len(sentence) <= limit:
        return sentence
    cut = sentence.rfind(", ", 0, limit)
    return sentence[:cut] if cut >= 40 else shorten(sentence, limit)


def shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def story_text_parse(
    *, text: str, template: StoryTemplate, headline: str = "", today: dt.date | None = None
) -> StoryDraft:
    """Read a story's text (plain or Markdown) into what it would become; nothing is saved.

    `headline`, when given, replaces the one found in the text.
    """
    reader = TextReader(
        text=text, template=template, headline=headline, today=today or timezone.localdate()
    )
    return reader.read()


# --- Saving ---------------------------------------------------------------------------------


def story_entity_link(
    *, story: Story, entity: Entity, by=None, role: str = EntityRole.MENTIONS
) -> StoryEntity:
    """Link an entity to a story, after its existing links; linking twice changes nothing."""
    with transaction.atomic():
        existing = StoryEntity.objects.filter(story=story, entity=entity).first()
        if existing:
            return existing
        last = StoryEntity.objects.filter(story=story).order_by("-order").first()
        link = StoryEntity.objects.create(
            story=story, entity=entity, role=role, order=(last.order + 1) if last else 0
        )
        services.story_record_change(story=story, by=by)
    return link


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


def _save(draft: StoryDraft, by) -> tuple[Story, list[Citation]]:
    story = services.story_create(
        by=by,
        template=draft.template,
        headline=draft.headline,
        summary=draft.summary,
        dateline_place=draft.dateline_place,
        dateline_date=draft.dateline_date,
    )
    sections = {s.key: s for s in story.sections.all()}
    for imported in draft.sections:
        section = sections.get(imported.key)
        if section is not None and imported.body:
            section.body = imported.body
            section.save()
    outlets: dict[str, Outlet] = {}
    citations = [
        Citation.objects.create(
            story=story,
            section=sections.get(c.section_key) if c.section_key else None,
            outlet=_outlet_for(c, outlets),
            url=c.url,
            published_on=c.published_on,
            claim=c.claim,
            quote=c.quote,
            order=order,
            link_status=LinkStatus.PENDING if c.url else "",
        )
        for order, c in enumerate(draft.citations)
    ]
    FAQItem.objects.bulk_create(
        FAQItem(story=story, question=item.question, answer=item.answer, order=order)
        for order, item in enumerate(draft.faq_items)
    )
    links = []
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
        links.append(StoryEntity(story=story, entity=entity, role=EntityRole.ABOUT, order=order))
    StoryEntity.objects.bulk_create(links)
    return story, citations


def story_import(*, draft: StoryDraft, by=None) -> Story:
    """Save what the import understood as a draft story, all of it or nothing.

    Citations with a URL are queued for fetching once the transaction commits.
    """
    if draft.problems:
        raise StoryImportRefused(draft.problems)
    with transaction.atomic():
        story, citations = _save(draft, by)
        try:
            from sources.services import citation_schedule_fetch
        except ImportError:  # the sources app schedules nothing yet
            citation_schedule_fetch = None
        if citation_schedule_fetch is not None:
            for citation in citations:
                if citation.url:
                    citation_schedule_fetch(citation=citation)
    return story


def story_import_findings(*, draft: StoryDraft, by=None) -> list[tuple[Finding, str]]:
    """The checks' findings on the draft as if it were saved, each with a readable target.

    The draft is written inside a transaction that is then rolled back: the checks see exactly
    what saving would produce, and nothing is kept.
    """
    from stories.selectors import story_with_parts

    if draft.problems:
        return []
    with transaction.atomic():
        story, _ = _save(draft, by)
        story = story_with_parts(Story.objects.filter(pk=story.pk)).get()
        findings = story_findings(story)
        labels = finding_labels(story, findings)
        transaction.set_rollback(True)
    return [(finding, labels.get(finding.target, finding.target)) for finding in findings]
