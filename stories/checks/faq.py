"""FAQ: a question asked twice in a story, or already answered by another published story."""

from collections.abc import Iterable
from functools import lru_cache

from stories.checks.passages import name_tokens
from stories.checks.registry import ERROR, WARNING, Finding, check_run, register
from stories.models import Story

QUESTION_FILLER = {
    "a", "an", "the", "is", "are", "was", "were", "be", "been", "do", "does", "did", "to", "of",
    "in", "on", "at", "for", "by", "with", "and", "or", "it", "its", "this", "that", "these",
    "those", "there", "their", "they", "can", "could", "will", "would", "should", "has", "have",
    "had", "any", "about", "from", "as", "s", "many", "much",
}  # fmt: skip


@lru_cache(maxsize=50_000)
def question_words(question: str) -> frozenset[str]:
    """The words that carry a question's meaning, roughly stemmed ("tests" = "testing")."""
    words = set()
    for token in name_tokens(question.casefold()):
        if token in QUESTION_FILLER:
            continue
        for suffix, replacement in (("ies", "y"), ("ing", ""), ("ed", ""), ("s", "")):
            if (
                token.endswith(suffix)
                and len(token) - len(suffix) >= 4
                and not token.endswith("ss")
            ):
                token = token[: -len(suffix)] + replacement
                break
        words.add(token)
    return frozenset(words)


def question_key(question: str) -> str:
    """A question with case, punctuation and spacing ignored: equal keys are the same question."""
    return " ".join(name_tokens(question.casefold()))


def questions_likeness(a: frozenset[str], b: frozenset[str]) -> float:
    """How alike two questions are, 0 when they are not near-duplicates.

    Near-duplicates share nearly all their meaningful words. Word overlap, not character
    similarity: "the capital of France" and "the capital of Spain" look 88% alike letter by
    letter but ask different things.
    """
    if min(len(a), len(b)) < 3:
        return 0.0
    shared = len(a & b)
    if shared / min(len(a), len(b)) >= 0.8 and shared / max(len(a), len(b)) >= 0.7:
        return shared / max(len(a), len(b))
    return 0.0


@register("faq_duplicates")
def faq_duplicates(story: Story) -> Iterable[Finding]:
    """A question asked twice in one story, word for word (error) or nearly (warning)."""
    seen: list[tuple[int, str, str, frozenset[str]]] = []
    for number, item in enumerate(story.faq_items.all(), start=1):
        key, words = question_key(item.question), question_words(item.question)
        if not key:
            continue
        same = next((s for s in seen if s[1] == key), None)
        if same:
            yield Finding(
                ERROR,
                "faq-duplicate",
                f"FAQ item {number} “{item.question}” repeats FAQ item {same[0]} word for word: "
                "remove one of them.",
                f"faq:{item.pk}",
            )
        else:
            likeness, alike = max(
                ((questions_likeness(s[3], words), s) for s in seen),
                default=(0.0, None),
                key=lambda pair: pair[0],
            )
            if likeness:
                yield Finding(
                    WARNING,
                    "faq-near-duplicate",
                    f"FAQ item {number} “{item.question}” asks nearly the same as FAQ item "
                    f"{alike[0]} “{alike[2]}”: merge them or make them ask different things.",
                    f"faq:{item.pk}",
                )
        seen.append((number, key, item.question, words))


@register("faq_answered_elsewhere", cheap=False)
def faq_answered_elsewhere(story: Story) -> Iterable[Finding]:
    """A question another published story already answers: link to it or ask something new."""
    published = check_run(story).published_questions
    if not published or not story.faq_items.all():
        return
    # An index from word to questions, so each item is compared only with questions sharing one.
    by_word: dict[str, list[int]] = {}
    prepared = []
    for index, (question, headline, slug) in enumerate(published):
        words = question_words(question)
        prepared.append((question_key(question), words, headline, slug))
        for word in words:
            by_word.setdefault(word, []).append(index)
    for number, item in enumerate(story.faq_items.all(), start=1):
        key, words = question_key(item.question), question_words(item.question)
        candidates = sorted({i for word in words for i in by_word.get(word, [])})
        match = next(
            (
                prepared[i]
                for i in candidates
                if prepared[i][0] == key or questions_likeness(prepared[i][1], words)
            ),
            None,
        )
        if match:
            yield Finding(
                WARNING,
                "faq-answered-elsewhere",
                f"FAQ item {number} “{item.question}” is already answered in the published "
                f"story “{match[2]}” (/stories/{match[3]}/): link to it or ask something new.",
                f"faq:{item.pk}",
            )
