"""Spacing: a missing space after punctuation, a doubled word, a quotation left open."""

import re
from collections.abc import Iterable

from stories.checks.languages import language_rules, story_language
from stories.checks.passages import Passage, at_sentence_start, excerpt
from stories.checks.registry import WARNING, Finding, check_run, register
from stories.models import Story

# Found by the punctuation mark itself (fast), then shown with the words around it.
MISSING_SPACE = re.compile(r"(?<=[^\W\d_])[,;](?=[^\W\d_])|(?<=[a-z]{2})[.!?](?=[A-Z][a-z])")
WORD_BEFORE = re.compile(r"[^\W\d_]+$")
WORD_AFTER = re.compile(r"^[^\W\d_]+")


def glued_words(text: str) -> list[str]:
    """ "exercises,known" for every punctuation mark with no space after it."""
    glued = []
    for match in MISSING_SPACE.finditer(text):
        before = WORD_BEFORE.search(text, max(0, match.start() - 40), match.start())
        after = WORD_AFTER.match(text[match.end() : match.end() + 40])
        glued.append(f"{before.group() if before else ''}{match.group()}{after.group()}")
    return glued


# Written twice on one line: a word repeated on the next line is a heading or a list, and a
# capitalised pair mid-sentence is a name ("Bela Bela", "Sirhan Sirhan").
DOUBLED_WORD = re.compile(r"\b([^\W\d_]+)[ \t]+\1\b", re.I)
# Inches and feet (5'10", a 12" pipe) are not quotation marks.
MEASURE_MARKS = re.compile(r"(?<=\d)(?:['′’]\s?\d{1,2}(?:\.\d+)?)?[\"″](?![\w])")


def doubled_words(text: str, language: str) -> list[str]:
    """Every word written twice in a row, less the pairs the language's grammar makes."""
    allowed = language_rules(language).doubling_allowed
    found = []
    for match in DOUBLED_WORD.finditer(text):
        word = match.group(1).lower()
        first, second = match.group().split()[0], match.group().split()[-1]
        if (
            first[0].isupper()
            and second[0].isupper()
            and not at_sentence_start(text, match.start())
        ):
            continue
        if word in allowed:
            before = allowed[word]
            if before is None or before.search(text, max(0, match.start() - 40), match.start()):
                continue
        found.append(match.group())
    return found


@register("spacing")
def spacing(story: Story) -> Iterable[Finding]:
    """A missing space after punctuation, a doubled word, a quotation left open."""
    language = story_language(story)
    for passage in check_run(story).passages:
        glued = glued_words(passage.text)
        if glued:
            shown = ", ".join(f"“{g}”" for g in glued)
            yield Finding(
                WARNING,
                "missing-space",
                f"Missing space after punctuation in {passage.label}: {shown}. Add a space after "
                "the comma, semicolon or full stop.",
                passage.target,
            )
        for doubled in doubled_words(passage.text, language):
            yield Finding(
                WARNING,
                "doubled-word",
                f"“{doubled}” in {passage.label}: the word is doubled; remove one.",
                passage.target,
            )
        yield from unbalanced_quotes(passage, language)


def quote_pair(text: str, language: str) -> tuple[str, str]:
    """The typographic marks the text quotes with: of the language's pairs, the one whose
    opening mark comes first (German copy uses „…“, or »…«, or Swiss «…»)."""
    pairs = language_rules(language).quote_pairs
    present = [(text.find(opening), (opening, closing)) for opening, closing in pairs]
    present = [(at, pair) for at, pair in present if at >= 0]
    return min(present)[1] if present else pairs[0]


def unbalanced_quotes(passage: Passage, language: str = "en") -> Iterable[Finding]:
    """A paragraph whose quotation is not closed, unless it runs on into the next paragraph
    (which then opens with a quotation mark, by convention), with straight quotes too."""
    text = passage.text
    if '"' in text or "″" in text:
        text = MEASURE_MARKS.sub(" ", text)
    opening_mark, closing_mark = quote_pair(text, language)
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    for index, paragraph in enumerate(paragraphs):
        opening, closing = paragraph.count(opening_mark), paragraph.count(closing_mark)
        straight = paragraph.count('"')
        following = paragraphs[index + 1].lstrip() if index + 1 < len(paragraphs) else ""
        # A quotation running on into the next paragraph leaves this one open by convention.
        typographic_ok = opening == closing or (
            opening == closing + 1 and following.startswith(opening_mark)
        )
        straight_ok = straight % 2 == 0 or following.startswith('"')
        if not (typographic_ok and straight_ok):
            yield Finding(
                WARNING,
                "unbalanced-quotes",
                f"Unbalanced quotation marks in {passage.label} (paragraph starting "
                f"“{excerpt(paragraph, 40)}”): close the quotation or remove the stray mark.",
                passage.target,
            )
