"""Small text tools shared by the extraction modules: one-line text, URLs, loose comparison."""

from __future__ import annotations

import html
import re

_SPACE = re.compile(r"\s+")
# Soft hyphens and zero-width spaces: invisible on the page, so not part of its text (the
# zero-width joiners stay: Persian and emoji need them).
_INVISIBLE = re.compile("[\u00ad\u200b\u2060\ufeff]")


def clean(value) -> str:
    """One line of text: entities decoded (twice-escaped ones too), tags and extra spaces gone."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), "")
    if not isinstance(value, str):
        return ""
    for _ in range(2):
        if "&" not in value:
            break
        value = html.unescape(value)
    if "<" in value and ">" in value:
        value = re.sub(r"<[^>]+>", " ", value)
    return _SPACE.sub(" ", _INVISIBLE.sub("", value)).strip()


def is_url(value: str) -> bool:
    return bool(re.match(r"^(https?:)?//|^www\.", value.strip(), re.I))


def loose(text: str) -> str:
    """Letters and digits only, case folded: for comparing names and titles."""
    return re.sub(r"[\W_]+", "", text.casefold())
