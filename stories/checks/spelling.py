"""Spelling: words the dictionary does not know, minus the names the desk and the story know."""

import re
from collections.abc import Iterable
from functools import lru_cache

from spellchecker import SpellChecker
from wordfreq import get_frequency_dict, get_frequency_list

from stories.checks.languages import story_language
from stories.checks.passages import (
    POSSESSIVE,
    WORD,
    at_sentence_start,
    normalise_quotes,
    without_addresses,
)
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
LANGUAGE_NAMES = {"en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian"}
ENGLISH_INFLECTIONS = [
    ("s", ""), ("es", ""), ("ed", ""), ("ed", "e"), ("d", ""), ("ing", ""), ("ing", "e"),
    ("ers", ""), ("er", ""), ("ly", ""),
]  # fmt: skip
DERIVED_ENDINGS = [
    ("ization", "ize"), ("izations", "ize"), ("ation", "ate"), ("ations", "ate"),
    ("atory", "ate"),
]  # fmt: skip
# Latin and French words of phrases English uses as they are ("status quo", "de facto").
LOANWORDS = {
    "en": frozenset(
        "quo facto hoc versa fide bona affaires priori posteriori situ vitro alia carte blanche "
        "verbatim sui generis mea culpa bête noire raison etre détente entente naïveté "
        "rapprochement".split()
    )
}
# Prefixes written joined to a word ("nonprofit", "rebuild"): what follows must be a word.
PREFIXES = {
    "en": (
        "anti", "counter", "cyber", "de", "inter", "micro", "mid", "multi", "non", "over", "post",
        "pre", "re", "semi", "sub", "super", "trans", "un", "under",
    ),
    "de": ("anti", "ex", "mega", "multi", "nicht", "post", "super", "un", "ur", "vize"),
}  # fmt: skip
# Prefixes before a hyphen ("pre-war", "co-ordinator", "ex-minister"): not checked themselves.
HYPHEN_PREFIXES = {
    "en": PREFIXES["en"] + ("co", "ex", "self", "pro", "mega", "neo", "geo", "bio", "eco", "e"),
    "de": PREFIXES["de"] + ("ko", "pro", "öko", "bio", "geo", "e"),
}
# A capitalised word followed by another is a name at a sentence start too ("Keir Starmer").
NEXT_IS_NAME = re.compile(r"\s+[A-ZÄÖÜ][\w'’-]+")
VOWEL = re.compile(r"[aeiouyäöüéèáàíóú]", re.I)
# Words are common when wordfreq sees them at least once per million words (Zipf 3), sure
# when ten times as often (Zipf 4); between Zipf 2.3 and 4 a word is accepted unless a word
# one edit away is TYPO_RATIO times more frequent (then it is likely that word, misspelt).
COMMON_FREQUENCY = 1e-6
SURE_FREQUENCY = 1e-5
RARE_FREQUENCY = 2e-7
TYPO_RATIO = 50
# A French or Italian elided article before a word: "d'affaires", "l'état".
ELISION = re.compile(r"^(?:[dlDL]|qu|dell|all|nell|sull)'(?=[^\W\d_])")


@lru_cache(maxsize=16)
def speller(language: str):
    """pyspellchecker's offline word list for a language, loaded once per process.

    Its lists are lower-cased, not case-folded ("heißt" is there as "heißt"), and so are the words
    looked up in them here.
    """
    return SpellChecker(language=language, distance=1)


@lru_cache(maxsize=16)
def word_frequencies(language: str) -> dict[str, float]:
    """wordfreq's frequencies of a language (its offline lists of web, news, books and
    subtitles) down to RARE_FREQUENCY; the rest is mostly noise and typos.

    A dict of strings and floats, which the garbage collector never traverses; wordfreq's own
    cached lists (lists of lists, traversed on every full collection, which slowed every run
    by a third) are dropped once read. wordfreq folds "ß" into "ss" in its own lists, so words
    are looked up in its form (`word_is_common`).
    """
    try:
        frequencies = get_frequency_dict(language, wordlist="large")
    except LookupError:
        return {}
    kept = {w: f for w, f in frequencies.items() if f >= RARE_FREQUENCY}
    get_frequency_dict.cache_clear()
    get_frequency_list.cache_clear()
    return kept


def common_words(language: str) -> dict[str, float]:
    """Load the language's wordfreq list (for warming it up, as the benchmark does)."""
    return word_frequencies(language)


def word_is_common(word: str, language: str) -> bool:
    """Written at least once per million words (app, bitcoin, selfie, organisers, maths).

    pyspellchecker's list is older and American; common misspellings ("goverment",
    "recieved") are rarer than this and still flagged.
    """
    return word_frequencies(language).get(word.casefold(), 0.0) >= COMMON_FREQUENCY


def word_is_rare_not_typo(word: str, language: str) -> bool:
    """A rare word (written a few times in ten million: skillset, upskilling, folate) that is
    not one letter away from a much more frequent word, as a common misspelling is
    ("goverment", "recieved", "thier")."""
    frequencies = word_frequencies(language)
    frequency = frequencies.get(word.casefold(), 0.0)
    if not frequency or frequency >= SURE_FREQUENCY:
        return bool(frequency)
    # A misspelling keeps its first letter ("goverment"); "mould" is no misspelt "would".
    neighbours = (n for n in speller(language).edit_distance_1(word) if n[:1] == word[:1])
    return not any(frequencies.get(n, 0.0) >= frequency * TYPO_RATIO for n in neighbours)


@lru_cache(maxsize=100_000)
def word_is_known(word: str, language: str) -> bool:
    """Whether the dictionary knows a lower-case word: British and American spellings, common
    modern words, prefixes ("non-", "pre") and compounds of two real words included."""
    known = speller(language).word_frequency.dictionary
    if word in known or word_is_rare_not_typo(word, language):
        return True
    if word in LOANWORDS.get(language, ()):
        return True
    if language == "en":
        spellings = {word}
        for ending, american in BRITISH_ENDINGS:
            if word.endswith(ending):
                spellings.add(word[: -len(ending)] + american)
        for spelling in list(spellings):
            for ending, base in DERIVED_ENDINGS:
                if spelling.endswith(ending):
                    spellings.add(spelling[: -len(ending)] + base)
        if "ae" in word or "oe" in word:  # paedophile, foetus, manoeuvre
            spellings.add(word.replace("ae", "e").replace("oe", "e"))
        for spelling in list(spellings):  # hijabs, helmed, anonymized, upskilling
            for ending, base in ENGLISH_INFLECTIONS:
                if spelling.endswith(ending) and len(spelling) - len(ending) >= 3:
                    spellings.add(spelling[: -len(ending)] + base)
        if any(s in known or word_is_common(s, language) for s in spellings if s != word):
            return True
    for prefix in PREFIXES.get(language, ()):
        rest = word[len(prefix) :]
        if word.startswith(prefix) and len(rest) >= 4 and word_is_known(rest, language):
            return True
    if language == "de" and german_form_known(word):
        return True
    # Compounds of two real words ("lockdown"); both halves long, so "andthe" is still caught.
    # German joins words with a linking "s" ("Arbeitsmarkt"), which is allowed between them.
    minimum = 4
    for i in range(minimum, len(word) - minimum + 1):
        head, tail = word[:i], word[i:]
        if part_known(tail, language) and (
            part_known(head, language)
            or (language == "de" and head.endswith("s") and part_known(head[:-1], language))
        ):
            return True
    return False


# German inflects: an adjective or participle takes -e/-en/-er/-es/-em, a verb -t/-te/-ten/-st.
GERMAN_ENDINGS = ("en", "er", "es", "em", "e", "n", "t", "te", "ten", "st", "s")
GERMAN_STEMS = ("", "e", "en", "n", "t", "isch")


def german_form_known(word: str) -> bool:
    """An inflected form of a known word ("peruanische" of "peruanisch"), or a separable verb
    ("wegzukommen": weg + zu + kommen, "umfiel": um + fiel)."""
    for ending in GERMAN_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            stem = word[: -len(ending)]
            if any(part_known(stem + tail, "de") for tail in GERMAN_STEMS):
                return True
    for prefix in GERMAN_SEPARABLE:
        if word.startswith(prefix):
            rest = word[len(prefix) :]
            rest = rest[2:] if rest.startswith("zu") and len(rest) > 6 else rest
            if len(rest) >= 3 and (part_known(rest, "de") or rest in SHORT_GERMAN_VERBS):
                return True
    return False


GERMAN_SEPARABLE = (
    "ab", "an", "auf", "aus", "bei", "dabei", "dazu", "durch", "ein", "fest", "fort", "frei",
    "her", "heraus", "herein", "hin", "hinaus", "hinein", "hinter", "los", "mit", "nach",
    "nieder", "um", "vor", "voran", "vorbei", "weg", "weiter", "wieder", "zu", "zurück",
    "zusammen", "über", "unter", "voll", "hoch", "kennen", "statt", "teil", "tot",
)  # fmt: skip
SHORT_GERMAN_VERBS = {"kam", "fiel", "ging", "gab", "sah", "lag", "bot", "rief", "zog", "hielt"}


def part_known(word: str, language: str) -> bool:
    """A half of a compound: four letters at least, in either word list as it stands."""
    return len(word) >= 4 and (
        word in speller(language).word_frequency.dictionary or word_is_common(word, language)
    )


@lru_cache(maxsize=10_000)
def spelling_suggestion(word: str, language: str) -> str | None:
    """The likeliest word one edit away, or None."""
    suggestion = speller(language).correction(word)
    return suggestion if suggestion and suggestion != word else None


def unknown_words(text: str, *, run: CheckRun, language: str) -> list[str]:
    """Words of `text` the dictionary does not know, skipping what is sensibly a name.

    Skipped: acronyms, capitalised words mid-sentence (proper nouns; in German, every noun),
    capitalised words the story uses as names elsewhere or the desk knows, words after an
    abbreviation or an initial ("vs. Notre Dame"), words glued to digits ("5km", "G7"), URLs,
    e-mail addresses, handles, hashtags and domains.
    """
    found = []
    text = without_addresses(text)
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
        if token[0].isupper() and (
            not at_sentence_start(text, start)
            or token.lower() in run.proper_nouns
            or NEXT_IS_NAME.match(text, end)
        ):
            continue
        if not VOWEL.search(token):  # "Cllr", "Ltd": an abbreviation, not a word
            continue
        if all(run.names.knows(part, language) for part in unknown[1:]):
            continue
        found.append(token)
    return found


@lru_cache(maxsize=100_000)
def unknown_parts(token: str, language: str) -> tuple[str, ...]:
    """(the word as checked, its parts the dictionary lacks), or () when there is nothing to flag.

    Context-free, so cached: acronyms (DMZ), camel case (iPhone) and, in English, words with
    non-English letters (chargé) are never flagged; a hyphenated word is checked part by part,
    prefixes ("pre-", "non-") and French elisions ("d'affaires") by what follows them. Words are
    lower-cased, never case-folded: "heißt" is looked up as "heißt", not "heisst".
    """
    token = POSSESSIVE.sub("", normalise_quotes(token)).strip("'")
    if len(token) < 3 or (language == "en" and not token.isascii()):
        return ()
    if any(ch.isupper() for ch in token[1:]):
        return ()
    elision = ELISION.match(token)
    if elision:
        token = token[elision.end() :]
        if len(token) < 3:
            return ()
    prefixes = HYPHEN_PREFIXES.get(language, ())
    parts = tuple(
        part.lower()
        for part in token.split("-")
        if len(part) >= 3
        and part.lower() not in prefixes
        and not word_is_known(part.lower(), language)
    )
    return (token, *parts) if parts else ()


@register("spelling")
def spelling(story: Story) -> Iterable[Finding]:
    """Words the dictionary does not know, minus the names and words the desk knows."""
    language = story_language(story)
    if language not in SPELLING_LANGUAGES:
        return
    run = check_run(story)
    for passage in run.passages:
        reported = set()
        for word in unknown_words(passage.text, run=run, language=language):
            if word.lower() in reported:
                continue
            reported.add(word.lower())
            suggestion = spelling_suggestion(word.lower(), language)
            hint = f" Did you mean “{suggestion}”?" if suggestion else ""
            yield Finding(
                WARNING,
                "unknown-word",
                f"“{word}” in {passage.label} is not in the dictionary.{hint} If it is right, "
                f"add it to the newsroom's {LANGUAGE_NAMES.get(language, language)} dictionary.",
                passage.target,
                subject=word,
            )
