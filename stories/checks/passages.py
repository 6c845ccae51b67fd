"""The story's own words as plain text, and the word patterns every check family shares."""

import html
import re
from dataclasses import dataclass

from stories.checks.languages import COMMON_ABBREVIATIONS, GERMAN_ABBREVIATIONS
from stories.models import SectionKind, Story


@dataclass(frozen=True)
class Passage:
    """A piece of the story's own words, as plain text, with where it sits."""

    target: str
    label: str
    text: str
    is_body: bool = False


def name_tokens(text: str) -> list[str]:
    """The words of a name or a text, apostrophes unified and possessive endings dropped."""
    return NAME_TOKEN.findall(normalise_quotes(text))


FIRST_WORDS = re.compile(r"^[^\w\n]*([^\W_]*)", re.M)
# A possessive "'s" never continues a word: "Korea's" is "Korea", "o'clock" stays whole.
NAME_TOKEN = re.compile(r"[^\W_]+(?:'(?!s\b)[^\W_]+)*")
POSSESSIVE = re.compile(r"'s?$")
WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
MARKDOWN_CODE = re.compile(r"```.*?```|`[^`\n]*`", re.S)
MARKDOWN_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
URL = re.compile(r"<?(?:https?://|www\.)[^\s<>)\]]+>?|[\w.+-]+@[\w-]+\.[\w.]+")
HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
# Handles, hashtags and bare domains ("@newsdesk", "#budget2026", "bbc.co.uk") are not words.
HANDLE = re.compile(r"(?<![\w@])[@#][^\W_][\w]*")
DOMAIN = re.compile(
    r"\b(?:[a-z0-9-]+\.)+(?:com|org|net|gov|edu|int|io|co|uk|de|at|ch|fr|eu|info|news|tv|ly|me|"
    r"app|ai|us|ca|au|in|es|it|nl|be)\b(?:/\S*)?",
    re.I,
)
# A Markdown backslash escape ("\*" for an asterisk the writer typed) is the character itself.
MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~<])")
LINE_MARKUP = re.compile(r"^\s*(?:#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+)", re.M)
EMPHASIS = re.compile(r"(?<!\\)(\*\*|__|\*|~~)")
SENTENCE_ABBREVIATIONS = COMMON_ABBREVIATIONS | GERMAN_ABBREVIATIONS


def normalise_quotes(text: str) -> str:
    return text.replace("’", "'").replace("‘", "'")


def markdown_plain(body: str) -> str:
    """A Markdown body as the words a reader sees: no code, URLs, tags or markup characters."""
    # Entities are characters ("&lt;" is what plain text's "<" became on import).
    text = html.unescape(body) if "&" in body else body
    text = MARKDOWN_CODE.sub(" ", text)
    text = MARKDOWN_IMAGE.sub(r"\1", text)
    text = MARKDOWN_LINK.sub(r"\1", text)
    text = URL.sub(" ", text)
    text = HTML_TAG.sub(" ", text)
    text = LINE_MARKUP.sub("", text)
    text = EMPHASIS.sub("", text)
    return MARKDOWN_ESCAPE.sub(r"\1", text)


def without_addresses(text: str) -> str:
    """The text with handles, hashtags and bare domains blanked (same length, so offsets hold)."""
    if "@" in text or "#" in text:
        text = HANDLE.sub(lambda m: " " * len(m.group()), text)
    if "." in text:
        text = DOMAIN.sub(lambda m: " " * len(m.group()), text)
    return text


def story_passages(story: Story) -> list[Passage]:
    """Everything the story says in its own words: headline, summary, sections, FAQ, claims.

    Citation quotes are left out on purpose: they are the source's words, not ours.
    """
    passages = [
        Passage("headline", "the headline", story.headline),
        Passage("summary", "the summary", story.summary),
    ]
    for section in story.sections.all():
        if section.body.strip():
            passages.append(
                Passage(
                    section.key,
                    f"“{section.heading}”",
                    markdown_plain(section.body),
                    is_body=section.kind == SectionKind.TEXT,
                )
            )
    for number, item in enumerate(story.faq_items.all(), start=1):
        text = f"{item.question}\n\n{markdown_plain(item.answer)}"
        passages.append(Passage(f"faq:{item.pk}", f"FAQ item {number}", text))
    for number, citation in enumerate(story.citations.all(), start=1):
        passages.append(
            Passage(f"citation:{citation.pk}", citation_label(citation, number), citation.claim)
        )
    return [p for p in passages if p.text.strip()]


def citation_label(citation, number: int) -> str:
    outlet = citation.outlet.name if citation.outlet_id else "no outlet"
    when = (
        f", {citation.published_on:%b} {citation.published_on.day}" if citation.published_on else ""
    )
    return f"citation {number} ({outlet}{when})"


def at_sentence_start(text: str, index: int) -> bool:
    """Whether the word at `index` opens a sentence, a line or a quotation."""
    i = index - 1
    while i >= 0 and text[i] in " \t“\"‘'([*_„»«":
        i -= 1
    if i < 0 or text[i] in "!?:;\n…":
        return True
    if text[i] != ".":
        return False
    # "vs. Notre Dame", "Roger M. Mahony", "Dr. Ruth": a full stop after an abbreviation or an
    # initial does not end the sentence.
    start = i
    while start > 0 and text[start - 1].isalpha():
        start -= 1
    before = text[start:i]
    if not before:
        return True
    return not ((len(before) == 1 and before.isupper()) or before.lower() in SENTENCE_ABBREVIATIONS)


def excerpt(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"
