"""The headline: read from the page's description, without the site's name around it."""

from __future__ import annotations

import re

from sources.extraction.text import loose

_SEPARATORS = r"\s+[|\-–—:·•»«/ㅣ｜]\s+|\s*[ㅣ｜]\s*|:\s+"


def strip_site_suffix(title: str, site_names: list[str]) -> str:
    """'Headline | The Daily Example' → 'Headline', when the tail (or head) names the site."""
    names = {loose(n) for n in site_names if n}
    parts = re.split(f"({_SEPARATORS})", title)
    if len(parts) < 3:
        return title
    head, tail = "".join(parts[:-2]).strip(), parts[-1].strip()
    if _names_site(tail, names):
        return strip_site_suffix(head, site_names)
    first, rest = parts[0].strip(), "".join(parts[2:]).strip()
    if _names_site(first, names):
        return rest
    return title


def _names_site(part: str, names: set[str]) -> bool:
    """The part is the site's name, or a short label containing it ("Politics | Sky News")."""
    folded = loose(part)
    if folded in names:
        return True
    return len(part.split()) <= 4 and any(len(n) >= 4 and n in folded for n in names)
