"""Which language a text is in: py3langid, whose model ships inside its package (offline)."""

from functools import lru_cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

# Below this probability, or on fewer words, the guess is not trusted and the default is kept.
CONFIDENT = 0.60
MIN_WORDS = 20
DEFAULT_LANGUAGE = "en"
LANGUAGE_NAMES = {
    "en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian",
    "nl": "Dutch", "pt": "Portuguese", "pl": "Polish", "sv": "Swedish", "da": "Danish",
}  # fmt: skip


@lru_cache(maxsize=1)
def identifier() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def language_detected(text: str) -> str | None:
    """The primary language subtag of a text, or None when the text is too short or the
    detector unsure. The first 5,000 characters suffice."""
    if len(text.split()) < MIN_WORDS:
        return None
    language, probability = identifier().classify(text[:5000])
    return language if probability >= CONFIDENT else None


def language_name(language: str) -> str:
    return LANGUAGE_NAMES.get(language, language)
