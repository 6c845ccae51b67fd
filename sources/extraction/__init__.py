"""What a fetched page says about itself: headline, outlet, authors, date, language and text.

Publishers describe their articles for search engines and social networks (JSON-LD, OpenGraph,
meta tags); that is the most reliable source, so it is read first. trafilatura (main text,
fallback metadata) and htmldate (dates from URLs, bylines and visible text) fill what is left.
Nothing here knows any particular publisher: every rule is about how pages are built in general.

    page.py      the page's <meta>, <link> and JSON-LD, read once
    title.py     the headline, reconciled from its candidates, without the site's name
    authors.py   people's names from JSON-LD, meta tags, links and bylines
    dates.py     the publishing date-time
    cascade.py   `extract`: all of the above, then trafilatura and htmldate
"""

from sources.extraction.cascade import ArticleMetadata, extract
from sources.extraction.dates import parse_datetime
from sources.extraction.text import clean
from sources.extraction.title import strip_site_suffix

__all__ = ["ArticleMetadata", "clean", "extract", "parse_datetime", "strip_site_suffix"]
