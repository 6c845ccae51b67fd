"""Reading a story's text against a template into a `StoryDraft`; nothing is saved."""

import datetime as dt
import re

from django.utils import timezone

from sources.extraction import extract
from sources.models import Outlet
from stories.importing.dates import (
    DATELINE,
    FULL_DATE,
    PLAIN_DATELINE,
    SHORT_DATE,
    WIRE_DATELINE,
    date_from_match,
    latest_written_date,
    place_as_written,
    wire_date,
)
from stories.importing.draft import (
    MAX_TEXT_CHARS,
    ImportedCitation,
    ImportedEntity,
    ImportedFAQ,
    ImportedSection,
    StoryDraft,
)
from stories.importing.language import DEFAULT_LANGUAGE, language_detected, language_name
from stories.importing.limits import draft_limit_problems
from stories.importing.match import (
    card_aliases,
    card_kind,
    card_name,
    entity_key,
    entity_match,
    match_heading,
    outlet_match,
    section_lookup,
)
from stories.importing.text import (
    BULLET,
    LABELLED_POINT,
    MARKDOWN_HEADING,
    Block,
    looks_like_subheading,
    markdown_escaped,
    normalise_text,
    shorten,
    split_sentences,
    text_blocks,
    working_headline,
)
from stories.models import Entity, SectionKind, StoryTemplate
from stories.plain_text import text_cleaned

ATTRIBUTION = re.compile(r"\s*\((?P<inside>[^()]*(?:\([^()]*\)[^()]*)*)\)")
MARKDOWN_LINK = re.compile(r"^\[(?P<text>[^\]]+)\]\((?P<url>https?://[^)\s]+)\)$")
QUOTED = re.compile(r"“([^”]+)”|\"([^\"]+)\"")
FORMATS = ("markdown", "text", "html")
HTML_START = re.compile(
    r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>]|head[\s>])", re.I | re.S
)
# An HTML page is read as a page up to this size; its extracted text then meets MAX_TEXT_CHARS.
MAX_HTML_CHARS = 10_000_000
# All-caps words that open a line with a colon without being a place.
NOT_PLACES = {
    "warning", "update", "updated", "breaking", "exclusive", "watch", "listen", "note",
    "correction", "live", "video", "photos", "analysis", "opinion", "read", "summary", "editor's",
    "clarification", "advertisement", "sponsored", "q", "a",
}  # fmt: skip
BYLINE_LINE = re.compile(r"^\s*(?:By|Von|From)\s+[A-ZÄÖÜ][^.!?]{0,80}$")


class TextReader:
    """Reads one text against one template into a StoryDraft. Use `story_text_parse`."""

    def __init__(
        self,
        *,
        text: str,
        template: StoryTemplate,
        headline: str,
        today: dt.date,
        language: str = "",
        source_format: str = "markdown",
    ):
        self.draft = StoryDraft(template=template)
        self.source_format = source_format
        self.given_language = language.strip()
        self.page_language = ""
        if source_format == "html" or (
            len(text) <= MAX_HTML_CHARS and HTML_START.match(text[:2000])
        ):
            text, headline = self._from_html(text, headline)
        self.text, removed_from_text = text_cleaned(normalise_text(text), one_line=False)
        self.template = template
        self.given_headline, removed_from_headline = text_cleaned(
            " ".join(headline.split()), one_line=True
        )
        self.today = today
        self.template_sections = list(template.sections.all())
        self.lookup = section_lookup(self.template_sections)
        if removed_from_text:
            self.draft.notes.append(removed_note("the text", removed_from_text))
        if removed_from_headline:
            self.draft.notes.append(removed_note("the headline", removed_from_headline))
        self.line_per_paragraph = not re.search(r"\n[ \t]*\n", self.text.strip())
        self.known_outlets = {o.name.casefold(): o for o in Outlet.objects.all()}
        self.known_entities = self._known_entities()

    # The whole read, in order.
    def read(self) -> StoryDraft:
        draft = self.draft
        if draft.problems:  # an HTML page it could not read
            return draft
        if not self.text.strip():
            draft.problems.append("The text is empty: paste the story or choose a file.")
            return draft
        if len(self.text) > MAX_TEXT_CHARS:
            draft.problems.append(
                f"The text has {len(self.text):,} characters; the import takes at most "
                f"{MAX_TEXT_CHARS:,}: is it one story? Import the story's own text (without "
                "what follows it, such as appendices or comments), or split it."
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
        self._clean_one_line_fields()
        self._settle_language()
        self._note_missing_front_matter()
        draft.problems.extend(draft_limit_problems(draft))
        return draft

    # --- Formats and language ---

    def _from_html(self, html: str, headline: str) -> tuple[str, str]:
        """An HTML page: its headline and main text, read with the citation extractor."""
        if len(html) > MAX_HTML_CHARS:
            self.draft.problems.append(
                f"The file is an HTML page of {len(html):,} characters, more than the "
                f"{MAX_HTML_CHARS:,} the import reads: copy the article's text from the page "
                "and import it as .txt."
            )
            return "", headline
        article = extract(html)
        if not article.text.strip():
            self.draft.problems.append(
                "The file is an HTML page and no article text was found in it: copy the "
                "article's text from the page and import it as .txt."
            )
            return "", headline
        self.source_format = "text"
        self.draft.notes.append(
            "The file is an HTML page: its headline and main text were taken from it (the "
            "page's menus and links were left out). Check the text against the page: captions, "
            "teasers and ads may remain."
        )
        if not self.given_language and article.language:
            self.page_language = article.language.split("-")[0].lower()
        title = " ".join(article.title.split())
        return (f"{title}\n\n{article.text}" if title and not headline else article.text), headline

    def _settle_language(self) -> None:
        draft = self.draft
        if self.given_language:
            draft.language = self.given_language
            return
        body = "\n".join(s.body for s in draft.sections) or self.text
        detected = language_detected(f"{draft.headline}\n{body}")
        if detected:
            draft.language = detected
            draft.notes.append(
                f"Language: {language_name(detected)} ({detected}), detected from the text. "
                "If that is wrong, change it on the story (or import with --language)."
            )
        else:
            draft.language = self.page_language or DEFAULT_LANGUAGE
            draft.notes.append(
                f"Language: the text is too short to tell; {language_name(draft.language)} "
                f"({draft.language}) is assumed. Change it on the story if that is wrong."
            )

    def _note_missing_front_matter(self) -> None:
        draft = self.draft
        if not draft.summary:
            draft.notes.append(
                "No summary found (a “Summary:” line under the headline): write the summary "
                "before submitting."
            )
        if self.template.requires_dateline and not (draft.dateline_place and draft.dateline_date):
            draft.notes.append(
                f"No dateline found at the start of the text (such as “BERLIN (dpa) –”, "
                f"“PARIS, May 2 (Reuters) -” or “Seoul – November 3, 2025 –”): a "
                f"{self.template.name.lower()} needs one to be submitted; fill in its place "
                "and date."
            )

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
                draft.headline_source = "text"
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
                draft.headline_source = "text"
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
            if BYLINE_LINE.match(line) and index + 1 < len(remaining):
                continue  # "By Jane Doe" above the dateline
            rest = self._read_dateline(line.strip())
            if rest is not None:
                remaining[index] = rest
            break
        return remaining

    def _read_dateline(self, line: str) -> str | None:
        """The dateline at the start of a line, into the draft; what follows it, or None."""
        draft = self.draft
        dateline = DATELINE.match(line)
        if dateline:
            draft.dateline_place = dateline.group("place").strip().strip("*_").strip()
            date = FULL_DATE.search(dateline.group("date"))
            draft.dateline_date = date_from_match(date, self.today, self.today)
            return dateline.group("rest") or ""
        wire = WIRE_DATELINE.match(line) or PLAIN_DATELINE.match(line)
        if wire is None or wire.group("place").split(",")[0].strip().lower() in NOT_PLACES:
            return None
        draft.dateline_place = place_as_written(wire.group("place"))
        written = wire.group("date")
        draft.dateline_date = wire_date(written, self.today, self.today) if written else None
        agency = wire.groupdict().get("agency")
        if draft.dateline_date is None:
            draft.dateline_date = self.today
            draft.notes.append(
                f"The dateline “{line[: wire.start('rest')].strip()}” gives no date: today's "
                "date is used; correct it if the story is older."
            )
        if agency:
            draft.notes.append(
                f"Dateline read: {draft.dateline_place}, {draft.dateline_date:%-d %B %Y} "
                f"(copy from {agency.split('/')[0]})."
            )
        return wire.group("rest")

    def _settle_headline(self) -> None:
        draft = self.draft
        if self.given_headline:
            draft.headline = self.given_headline
            draft.headline_source = "given"
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
                draft.headline_source = "sentence"
                draft.notes.append(
                    f"The text has no headline: the first sentence of “{section.heading}” is "
                    "used for now. Write a real headline before submitting."
                )
                return
        draft.problems.append("The text has no headline: give one in the headline field.")

    def _clean_one_line_fields(self) -> None:
        """Headlines, places, questions and names hold no line breaks and nothing invisible:
        what the text had of those is removed, with a note (bodies were cleaned as text)."""
        draft = self.draft
        fields = [(draft, "headline", "the headline"), (draft, "dateline_place", "the dateline")]
        fields += [
            (item, "question", f"FAQ item {number}")
            for number, item in enumerate(draft.faq_items, start=1)
        ]
        fields += [
            (card, "name", f"the name of entity card {number}")
            for number, card in enumerate(draft.entities, start=1)
        ]
        fields += [
            (citation, "outlet_name", f"the outlet of citation {number}")
            for number, citation in enumerate(draft.citations, start=1)
        ]
        for record, name, label in fields:
            cleaned, removed = text_cleaned(getattr(record, name), one_line=True)
            if removed:
                setattr(record, name, cleaned)
                draft.notes.append(removed_note(label, removed))
        for card in draft.entities:
            cleaned = [text_cleaned(alias, one_line=True) for alias in card.aliases]
            removed = list(dict.fromkeys(name for _alias, names in cleaned for name in names))
            if removed:
                card.aliases = [alias for alias, _names in cleaned]
                draft.notes.append(removed_note(f"the aliases of “{card.name}”", removed))

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
                    label, text = (self._as_markdown(labelled.group(g)) for g in ("label", "text"))
                    first = f"**{label}:** {text}"
                else:
                    first = self._as_markdown(first)
                item = f"- {first}" + "".join(f"\n\n    {self._as_markdown(line)}" for line in rest)
                if parts and parts[-1].startswith("- "):
                    parts[-1] += "\n" + item
                else:
                    parts.append(item)
            else:
                section.paragraphs += 1
                parts.append(self._as_markdown("\n".join(block.lines)))
        return "\n\n".join(parts)

    def _as_markdown(self, text: str) -> str:
        """Text as the section's Markdown: plain text escaped so it reads as it was typed."""
        return markdown_escaped(text) if self.source_format == "text" else text

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
        known = outlet_match(outlet, url, self.known_outlets)
        return ImportedCitation(
            outlet_name=known.name if known else outlet,
            outlet_id=known.pk if known else None,
            claim="",
            published_on=published_on,
            url=url,
        )

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
                self._as_markdown(re.sub(r"^(?:A|Answer)\s*[:.]\s*", "", line, flags=re.I))
                for line in answer_lines
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
            entity = entity_match(name, aliases, self.known_entities)
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


def removed_note(label: str, removed: list[str]) -> str:
    """ "Removed from the headline: U+202E (RIGHT-TO-LEFT OVERRIDE). It is invisible…"."""
    subject = "They are" if len(removed) > 1 else "It is"
    return (
        f"Removed from {label}: {', '.join(removed)}. {subject} invisible and cannot be stored "
        "or published."
    )


def story_text_parse(
    *,
    text: str,
    template: StoryTemplate,
    headline: str = "",
    today: dt.date | None = None,
    language: str = "",
    source_format: str = "markdown",
) -> StoryDraft:
    """Read a story's text into what it would become; nothing is saved.

    `source_format` is "markdown" (the text is the story's Markdown), "text" (plain text, its
    Markdown characters escaped so it reads as typed) or "html" (a saved page: its headline and
    main text are extracted; an HTML page is recognised whatever the format says).
    `headline`, when given, replaces the one found in the text; `language` (a BCP 47 tag), when
    given, the one detected.
    """
    if source_format not in FORMATS:
        raise ValueError(f"Unknown format {source_format!r}: one of {', '.join(FORMATS)}.")
    reader = TextReader(
        text=text,
        template=template,
        headline=headline,
        today=today or timezone.localdate(),
        language=language,
        source_format=source_format,
    )
    return reader.read()


def source_format_for(filename: str) -> str:
    """The format a file's name says: .md/.markdown Markdown, .html/.htm a page, else text."""
    name = filename.lower()
    if name.endswith((".md", ".markdown")):
        return "markdown"
    if name.endswith((".html", ".htm")):
        return "html"
    return "text"
