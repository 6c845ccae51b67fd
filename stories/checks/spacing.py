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
MEASURE_MARKS = re.compile(r"(?<=\d)['′’]\s?\d{1,2}(?:\.\d+)?[\"″]|(?<=\d)″")


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


def quote_marks(language: str) -> str:
    """Every double quotation mark of the language's pairs, and the straight one."""
    return "".join(dict.fromkeys(m for pair in language_rules(language).quote_pairs for m in pair))


def unbalanced_quotes(passage: Passage, language: str = "en") -> Iterable[Finding]:
    """A paragraph with an odd number of quotation marks (any style: copy mixes “…" and "…”),
    unless its quotation runs on into the next paragraph (which opens with a mark, by
    convention) or the next paragraph closes it (a paragraph broken in two)."""
    text = passage.text
    if '"' in text or "″" in text:
        text = MEASURE_MARKS.sub(" ", text)
    marks = set(quote_marks(language) + '"')
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    odd = [sum(1 for ch in p if ch in marks) % 2 == 1 for p in paragraphs]
    for index, paragraph in enumerate(paragraphs):
        if not odd[index]:
            continue
        if index + 1 < len(paragraphs) and (
            paragraphs[index + 1].lstrip()[:1] in marks or odd[index + 1]
        ):
            continue
        if index > 0 and odd[index - 1]:
            continue  # the end of the quotation the paragraph before left open
        yield Finding(
            WARNING,
            "unbalanced-quotes",
            f"Unbalanced quotation marks in {passage.label} (paragraph starting "
            f"“{excerpt(paragraph, 40)}”): close the quotation or remove the stray mark.",
            passage.target,
        )
