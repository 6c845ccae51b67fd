"""Does the source really say it? Looking for a citation's quote in the archived text.

Typography differs between our copy and the publisher's, so the comparison ignores case, curly
versus straight quotes, dashes, runs of whitespace and punctuation at the quote's ends. An
ellipsis ("…", "...", "[…]") in the quote marks left-out words: the pieces must appear in order.
"""

import re
import unicodedata

_TYPOGRAPHY = str.maketrans(
    {
        "\u2018": "'",  # ‘
        "\u2019": "'",  # ’
        "\u201a": "'",  # ‚
        "\u201b": "'",  # ‛
        "\u2032": "'",  # ′
        "\u00b4": "'",  # ´
        "`": "'",
        "\u201c": '"',  # “
        "\u201d": '"',  # ”
        "\u201e": '"',  # „
        "\u201f": '"',  # ‟
        "\u2033": '"',  # ″
        "\u00ab": '"',  # «
        "\u00bb": '"',  # »
        "\u2039": "'",  # ‹
        "\u203a": "'",  # ›
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",  # –
        "\u2014": "-",  # —
        "\u2212": "-",
        "\u00ad": None,  # soft hyphen
        "\u200b": None,  # zero-width space
        "\u200d": None,
        "\ufeff": None,
    }
)
_SPACE = re.compile(r"\s+")
_ELLIPSIS = re.compile(r"\s*(?:\[\s*\.\.\.\s*\]|\(\s*\.\.\.\s*\)|\.\.\.)\s*")
_END_PUNCTUATION = " \t\n.,;:!?'\"-()[]"


def normalize(text: str) -> str:
    """Text as the quote check compares it: one case, one kind of quote mark, single spaces."""
    text = unicodedata.normalize("NFKC", text or "").translate(_TYPOGRAPHY).casefold()
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    return _SPACE.sub(" ", text).strip()


def quote_pieces(quote: str) -> list[str]:
    """The parts of a quote that must appear, in order (split at ellipses)."""
    pieces = _ELLIPSIS.split(normalize(quote))
    return [p.strip(_END_PUNCTUATION) for p in pieces if p.strip(_END_PUNCTUATION)]


def quote_in_text(quote: str, text: str) -> bool:
    """True when every piece of the quote is in the text, in order."""
    pieces = quote_pieces(quote)
    if not pieces:
        return False
    haystack = normalize(text)
    position = 0
    for piece in pieces:
        found = haystack.find(piece, position)
        if found < 0:
            return False
        position = found + len(piece)
    return True
