"""Text safe to store and show anywhere: no control characters, and in one-line fields
(headlines, datelines, titles, names) nothing invisible and nothing that turns the text around.

A control character (BEL, NUL…) cannot be written in XML, so one in a headline broke every
feed; a right-to-left override or a zero-width space makes a headline or a name read other
than it is written, and defeats search. Model fields refuse them (`validate_one_line_text`,
`validate_multi_line_text`); the import and the feeds remove them (`text_cleaned`).
"""

import unicodedata

from django.core.exceptions import ValidationError

# Line breaks and tabs are text in a body or an answer, not in a headline.
MULTI_LINE_ALLOWED = frozenset("\n\r\t")
# Embeddings, overrides and isolates: U+202A–U+202E and U+2066–U+2069.
BIDI_CONTROLS = frozenset(chr(c) for c in [*range(0x202A, 0x202F), *range(0x2066, 0x206A)])
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff\u180e")
# Zero-width (non-)joiners are part of correct spelling in Persian, Arabic-script and Indic
# names and in emoji; between two non-ASCII characters they are allowed.
JOINERS = frozenset("\u200c\u200d")
LINE_SEPARATORS = frozenset("\u2028\u2029")

C0_NAMES = (
    "NUL SOH STX ETX EOT ENQ ACK BEL BS TAB LF VT FF CR SO SI DLE DC1 DC2 DC3 DC4 NAK SYN ETB "
    "CAN EM SUB ESC FS GS RS US"
).split()


def character_name(char: str) -> str:
    """ "U+0007 (BEL, a control character)", "U+202E (RIGHT-TO-LEFT OVERRIDE)"."""
    code = ord(char)
    if code < 0x20:
        what = f"{C0_NAMES[code]}, a control character"
    elif unicodedata.category(char) == "Cc":
        what = "DEL, a control character" if code == 0x7F else "a control character"
    else:
        what = unicodedata.name(char, "an invisible character")
    return f"U+{code:04X} ({what})"


def _joiner_allowed(text: str, index: int) -> bool:
    before = text[index - 1] if index else " "
    after = text[index + 1] if index + 1 < len(text) else " "
    return all(not c.isascii() and not c.isspace() and c not in ZERO_WIDTH for c in (before, after))


def unsafe_characters(text: str, *, one_line: bool) -> list[tuple[int, str]]:
    """(index, character) of every character the text may not hold, in order."""
    found = []
    for index, char in enumerate(text):
        if unicodedata.category(char) == "Cc":
            unsafe = one_line or char not in MULTI_LINE_ALLOWED
        elif one_line and char in JOINERS:
            unsafe = not _joiner_allowed(text, index)
        else:
            unsafe = one_line and (
                char in BIDI_CONTROLS or char in ZERO_WIDTH or char in LINE_SEPARATORS
            )
        if unsafe:
            found.append((index, char))
    return found


def _validate(text: str, *, one_line: bool) -> None:
    if not isinstance(text, str):
        return
    found = unsafe_characters(text, one_line=one_line)
    if not found:
        return
    index, char = found[0]
    more = len(found) - 1
    others = f" (and {more} more such character{'s' * (more != 1)})" if more else ""
    where = "one-line text" if one_line else "text"
    raise ValidationError(
        "This contains %(char)s at position %(position)s%(others)s, which %(where)s may not "
        "hold: it is invisible or changes how the words show. Remove it (retype the text "
        "around it if you cannot see it).",
        code="unsafe_character",
        params={
            "char": character_name(char),
            "position": index + 1,
            "others": others,
            "where": where,
        },
    )


def validate_one_line_text(text: str) -> None:
    """For headlines, datelines, titles and names: no control, bidi-override or zero-width
    characters, no line breaks."""
    _validate(text, one_line=True)


def validate_multi_line_text(text: str) -> None:
    """For bodies, summaries and answers: no control characters but line breaks and tabs."""
    _validate(text, one_line=False)


def text_cleaned(text: str, *, one_line: bool) -> tuple[str, list[str]]:
    """The text without what it may not hold, and the names of what was removed (each once).

    In one-line text, line breaks and tabs become spaces rather than glue two words together.
    """
    found = unsafe_characters(text, one_line=one_line)
    if not found:
        return text, []
    drop = {index for index, _char in found}
    kept = []
    for index, char in enumerate(text):
        if index not in drop:
            kept.append(char)
        elif one_line and (char in "\n\r\t" or char in LINE_SEPARATORS):
            kept.append(" ")
    cleaned = "".join(kept)
    removed = list(dict.fromkeys(character_name(char) for _index, char in found))
    return cleaned, removed
