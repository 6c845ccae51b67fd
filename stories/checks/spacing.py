"""Spacing: a missing space after punctuation, a doubled word, a quotation left open."""

import re
from collections.abc import Iterable

from stories.checks.passages import Passage, excerpt
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


DOUBLED_WORD = re.compile(r"\b([^\W\d_]+)\s+\1\b", re.I)
DOUBLING_ALLOWED = {"had", "that", "is", "bye", "no", "very", "so"}


@register("spacing")
def spacing(story: Story) -> Iterable[Finding]:
    """A missing space after punctuation, a doubled word, a quotation left open."""
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
        for match in DOUBLED_WORD.finditer(passage.text):
            if match.group(1).casefold() not in DOUBLING_ALLOWED:
                yield Finding(
                    WARNING,
                    "doubled-word",
                    f"“{match.group()}” in {passage.label}: the word is doubled; remove one.",
                    passage.target,
                )
        yield from unbalanced_quotes(passage)


def unbalanced_quotes(passage: Passage) -> Iterable[Finding]:
    paragraphs = [p for p in re.split(r"\n\s*\n", passage.text) if p.strip()]
    for index, paragraph in enumerate(paragraphs):
        opening, closing = paragraph.count("“"), paragraph.count("”")
        straight = paragraph.count('"')
        # A quotation running on into the next paragraph leaves this one open by convention.
        runs_on = (
            opening == closing + 1
            and index + 1 < len(paragraphs)
            and paragraphs[index + 1].lstrip().startswith("“")
        )
        if (opening != closing and not runs_on) or straight % 2:
            yield Finding(
                WARNING,
                "unbalanced-quotes",
                f"Unbalanced quotation marks in {passage.label} (paragraph starting "
                f"“{excerpt(paragraph, 40)}”): close the quotation or remove the stray mark.",
                passage.target,
            )
