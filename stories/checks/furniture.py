"""Page furniture: the web page around an article, pasted in with it ("opens new tab",
"Most read", "Sign up", "Advertisement", a lone "Photo: AFP" line, a teaser of another story)."""

from collections.abc import Iterable

from stories.checks.languages import language_rules, story_language
from stories.checks.passages import excerpt
from stories.checks.registry import WARNING, Finding, check_run, register
from stories.models import Story

# A line is judged on its own: furniture is a short line that is nothing but furniture.
FURNITURE_LINE_CHARS = 160


def furniture_lines(text: str, language: str) -> list[str]:
    """The lines of a text that are page furniture in the language (English ones always)."""
    pattern = language_rules(language).furniture
    return [
        line.strip()
        for line in text.split("\n")
        if line.strip() and len(line) <= FURNITURE_LINE_CHARS and pattern.match(line.strip())
    ]


@register("furniture")
def furniture(story: Story) -> Iterable[Finding]:
    """Lines of the story's body that belong to the web page it was copied from."""
    language = story_language(story)
    for passage in check_run(story).passages:
        if not passage.is_body:
            continue
        for line in furniture_lines(passage.text, language):
            yield Finding(
                WARNING,
                "page-furniture",
                f"“{excerpt(line, 80)}” in {passage.label} looks like part of the web page the "
                "text was copied from, not of the story: remove the line.",
                passage.target,
            )
