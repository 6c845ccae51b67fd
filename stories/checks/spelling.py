"""Spelling: words the dictionary does not know, minus the names the desk and the story know."""

from collections.abc import Iterable
from functools import lru_cache

from spellchecker import SpellChecker

from stories.checks.passages import POSSESSIVE, WORD, at_sentence_start, normalise_quotes
from stories.checks.registry import WARNING, Finding, check_run, register
from stories.checks.run import CheckRun
from stories.models import Story

SPELLING_LANGUAGES = {"en", "es", "fr", "de", "it", "pt", "nl", "ru", "ar", "eu", "fa", "lv"}
# British spellings the (American) English dictionary lacks, as (ending, American ending).
BRITISH_ENDINGS = [
    ("isation", "ization"), ("isations", "izations"), ("ise", "ize"), ("ised", "ized"),
    ("ises", "izes"), ("ising", "izing"), ("yse", "yze"), ("ysed", "yzed"), ("ysing", "yzing"),
    ("our", "or"), ("ours", "ors"), ("oured", "ored"), ("ouring", "oring"), ("ourite", "orite"),
    ("tre", "ter"), ("tres", "ters"), ("ence", "ense"), ("ences", "enses"), ("ogue", "og"),
    ("ogues", "ogs"), ("mme", "m"), ("mmes", "ms"), ("lled", "led"), ("lling", "ling"),
    ("ller", "ler"), ("llers", "lers"),
]  # fmt: skip
DERIVED_ENDINGS = [("ization", "ize"), ("izations", "ize"), ("ation", "ate"), ("ations", "ate")]
PREFIXES = (
    "anti", "counter", "cyber", "de", "inter", "micro", "mid", "multi", "non", "over", "post",
    "pre", "re", "semi", "sub", "super", "trans", "un", "under",
)  # fmt: skip


@lru_cache(maxsize=16)
def speller(language: str):
    """pyspellchecker's offline word list for a language, loaded once per process."""
    return SpellChecker(language=language, distance=1)


@lru_cache(maxsize=100_000)
def word_is_known(word: str, language: str) -> bool:
    """Whether the dictionary knows a lower-case word, British spellings and compounds included."""
    known = speller(language).word_frequency.dictionary
    if word in known:
        return True
    if language != "en":
        return False
    spellings = {word}
    for ending, american in BRITISH_ENDINGS:
        if word.endswith(ending):
            spellings.add(word[: -len(ending)] + american)
    for spelling in list(spellings):
        for ending, base in DERIVED_ENDINGS:
            if spelling.endswith(ending):
                spellings.add(spelling[: -len(ending)] + base)
    if any(s in known for s in spellings):
        return True
    for prefix in PREFIXES:
        rest = word[len(prefix) :]
        if word.startswith(prefix) and len(rest) >= 4 and word_is_known(rest, language):
            return True
    # Compounds of two real words ("lockdown"); both halves long, so "andthe" is still caught.
    return any(word[:i] in known and word[i:] in known for i in range(4, len(word) - 3))


@lru_cache(maxsize=10_000)
def spelling_suggestion(word: str, language: str) -> str | None:
    """The likeliest word one edit away, or None."""
    suggestion = speller(language).correction(word)
    return suggestion if suggestion and suggestion != word else None


def unknown_words(text: str, *, run: CheckRun, language: str) -> list[str]:
    """Words of `text` the dictionary does not know, skipping what is sensibly a name.

    Skipped: acronyms, capitalised words mid-sentence (proper nouns), names the desk knows,
    words glued to digits ("5km", "G7"), URLs and e-mail addresses (removed earlier).
    """
    found = []
    for match in WORD.finditer(text):
        start, end = match.span()
        if end - start < 3:
            continue
        unknown = unknown_parts(match.group(), language)
        if not unknown:
            continue
        if (start and text[start - 1].isdigit()) or (end < len(text) and text[end].isdigit()):
            continue
        token = unknown[0]
        if token[0].isupper():
            if not at_sentence_start(text, start) or token.casefold() in run.proper_nouns:
                continue
        if all(part in run.names.words for part in unknown[1:]):
            continue
        found.append(token)
    return found


@lru_cache(maxsize=100_000)
def unknown_parts(token: str, language: str) -> tuple[str, ...]:
    """(the word as checked, its parts the dictionary lacks), or () when there is nothing to flag.

    Context-free, so cached: acronyms (DMZ), camel case (iPhone) and, in English, words with
    non-English letters are never flagged; a hyphenated word is checked part by part.
    """
    token = POSSESSIVE.sub("", normalise_quotes(token)).strip("'")
    if len(token) < 3 or (language == "en" and not token.isascii()):
        return ()
    if any(ch.isupper() for ch in token[1:]):
        return ()
    parts = tuple(
        part.casefold()
        for part in token.split("-")
        if len(part) >= 3 and not word_is_known(part.casefold(), language)
    )
    return (token, *parts) if parts else ()


@register("spelling")
def spelling(story: Story) -> Iterable[Finding]:
    """Words the dictionary does not know, minus the names and words the desk knows."""
    language = story.language.split("-")[0].casefold()
    if language not in SPELLING_LANGUAGES:
        return
    run = check_run(story)
    for passage in run.passages:
        reported = set()
        for word in unknown_words(passage.text, run=run, language=language):
            if word.casefold() in reported:
                continue
            reported.add(word.casefold())
            suggestion = spelling_suggestion(word.casefold(), language)
            hint = f" Did you mean “{suggestion}”?" if suggestion else ""
            yield Finding(
                WARNING,
                "unknown-word",
                f"“{word}” in {passage.label} is not in the dictionary.{hint} If it is right, "
                "add it to the newsroom dictionary.",
                passage.target,
                subject=word,
            )
