"""When the article was first published, with its UTC offset."""

from __future__ import annotations

import datetime as dt
import re
import warnings

from dateutil import parser as date_parser
from htmldate import find_date

from sources.extraction.page import PageMeta
from sources.extraction.text import clean

DATE_META = (
    "article:published_time",
    "og:article:published_time",
    "article:published",
    "published_time",
    "datepublished",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "date",
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "article.published",
    "article_date_original",
    "cxenseparse:recs:publishtime",
    "og:published_time",
    "originalpublicationdate",
)


# 06.01.2026 is the 6th of January wherever dots separate the parts.
_DOTTED = re.compile(r"^\d{1,2}\.\d{1,2}\.\d{2,4}\b")


def parse_datetime(value: str) -> dt.datetime | None:
    """A date-time from what pages write (ISO 8601 mostly), keeping its UTC offset."""
    value = clean(value)
    if not value:
        return None
    if re.fullmatch(r"\d{10}(\d{3})?", value):
        seconds = int(value[:10])
        return dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        pass
    try:
        with warnings.catch_warnings():
            # "tzname CEST identified but not understood": the date is still right.
            warnings.simplefilter("ignore", date_parser.UnknownTimezoneWarning)
            parsed = date_parser.parse(value, fuzzy=False, dayfirst=bool(_DOTTED.match(value)))
    except (ValueError, OverflowError):
        return None
    if not 1990 <= parsed.year <= dt.date.today().year + 1:
        return None
    return parsed


def published(tree, meta: PageMeta, article: dict, base: str) -> dt.datetime | None:
    """JSON-LD's datePublished, then meta tags, then marked-up times, then htmldate's guess."""
    found = parse_datetime(clean(article.get("datePublished")))
    if found is None:
        for key in DATE_META:
            for value in meta.all(key):
                found = parse_datetime(value)
                if found:
                    return found
    if found is None:
        for element in tree.xpath('//*[@itemprop="datePublished"] | //time[@datetime]'):
            found = parse_datetime(element.get("datetime") or element.get("content") or "")
            if found:
                return found
    if found is None:
        try:
            guess = find_date(
                tree, url=base or None, original_date=True, outputformat="%Y-%m-%dT%H:%M:%S%z"
            )
        except Exception:  # noqa: BLE001 - a fallback must never break the cascade
            guess = None
        found = parse_datetime(guess) if guess else None
    return found
