"""What a fetched page says about itself: headline, outlet, authors, date, language and text.

Publishers describe their articles for search engines and social networks (JSON-LD, OpenGraph,
meta tags); that is the most reliable source, so it is read first. trafilatura (main text,
fallback metadata) and htmldate (dates from URLs, bylines and visible text) fill what is left.
Nothing here knows any particular publisher: every rule is about how pages are built in general.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import logging
import re
import warnings
from dataclasses import asdict, dataclass, field
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html
import trafilatura
from dateutil import parser as date_parser
from htmldate import find_date

log = logging.getLogger(__name__)

# schema.org types that are the article itself (NewsArticle and kin), best first.
ARTICLE_TYPES = (
    "NewsArticle",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "BackgroundNewsArticle",
    "ReviewNewsArticle",
    "AskPublicNewsArticle",
    "LiveBlogPosting",
    "Article",
    "BlogPosting",
    "SocialMediaPosting",
    "Report",
    "ScholarlyArticle",
    "TechArticle",
    "VideoObject",
    "WebPage",
)


@dataclass
class ArticleMetadata:
    """The extraction result; `as_dict` is what `extract_article` prints."""

    title: str = ""
    site_name: str = ""
    authors: list[str] = field(default_factory=list)
    published: dt.datetime | None = None
    description: str = ""
    canonical_url: str = ""
    language: str = ""
    text: str = ""

    def as_dict(self) -> dict:
        data = asdict(self)
        data["published"] = self.published.isoformat() if self.published else None
        return data


# --- Small text tools ------------------------------------------------------------------------

_SPACE = re.compile(r"\s+")


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
    return _SPACE.sub(" ", value).strip()


def _is_url(value: str) -> bool:
    return bool(re.match(r"^(https?:)?//|^www\.", value.strip(), re.I))


# --- Reading the page's own description ------------------------------------------------------


class PageMeta:
    """The page's <meta>, <link> and JSON-LD, read once."""

    def __init__(self, tree: lxml.html.HtmlElement):
        self.tree = tree
        self.meta: dict[str, list[str]] = {}
        for element in tree.iter("meta"):
            key = (
                element.get("property") or element.get("name") or element.get("itemprop") or ""
            ).strip()
            content = element.get("content")
            if key and content is not None and content.strip():
                self.meta.setdefault(key.lower(), []).append(content.strip())
        self.jsonld = list(_jsonld_nodes(tree))

    def first(self, *keys: str) -> str:
        for key in keys:
            for value in self.meta.get(key.lower(), []):
                text = clean(value)
                if text:
                    return text
        return ""

    def all(self, *keys: str) -> list[str]:
        return [clean(v) for key in keys for v in self.meta.get(key.lower(), []) if clean(v)]


def _load_json(raw: str):
    raw = raw.strip()
    raw = re.sub(r"^\s*(<!--|/\*\s*<!\[CDATA\[\s*\*/|<!\[CDATA\[)", "", raw)
    raw = re.sub(r"(-->|/\*\s*\]\]>\s*\*/|\]\]>)\s*$", "", raw).strip().rstrip(";")
    try:
        return json.loads(raw, strict=False)
    except ValueError:
        pass
    # Trailing commas are the most common slip in hand-written JSON-LD.
    try:
        return json.loads(re.sub(r",\s*([}\]])", r"\1", raw), strict=False)
    except ValueError:
        log.debug("Unreadable JSON-LD block skipped")
        return None


def _jsonld_nodes(tree):
    for script in tree.xpath('//script[contains(translate(@type, "LDJSON", "ldjson"), "ld+json")]'):
        data = _load_json(script.text or "")
        if data is not None:
            yield from _walk(data, depth=0)


def _walk(data, depth: int):
    if depth > 4:
        return
    if isinstance(data, list):
        for item in data:
            yield from _walk(item, depth + 1)
    elif isinstance(data, dict):
        if "@type" in data:
            yield data
        for key in ("@graph", "mainEntity", "itemListElement"):
            if key in data:
                yield from _walk(data[key], depth + 1)


def _types(node: dict) -> list[str]:
    kind = node.get("@type", [])
    kinds = kind if isinstance(kind, list) else [kind]
    return [str(k).rsplit("/", 1)[-1] for k in kinds]


def _article_node(nodes: list[dict], url: str) -> dict | None:
    """The node describing this article: the most specific article type, preferring one whose
    URL is this page's."""

    def rank(node):
        kinds = _types(node)
        type_rank = min((ARTICLE_TYPES.index(k) for k in kinds if k in ARTICLE_TYPES), default=99)
        if type_rank >= len(ARTICLE_TYPES) - 1 and not node.get("headline"):
            type_rank = 99
        own = url and _same_page(_node_url(node), url)
        return (type_rank == 99, not own, type_rank, not node.get("headline"))

    candidates = [n for n in nodes if any(k in ARTICLE_TYPES for k in _types(n))]
    if not candidates:
        return None
    best = min(candidates, key=rank)
    return None if rank(best)[0] else best


def _node_url(node: dict) -> str:
    for key in ("url", "mainEntityOfPage", "@id"):
        value = node.get(key)
        if isinstance(value, dict):
            value = value.get("@id") or value.get("url")
        if isinstance(value, str) and value:
            return value
    return ""


def _same_page(a: str, b: str) -> bool:
    if not a or not b:
        return False
    pa, pb = urlsplit(a), urlsplit(b)
    return (pa.netloc.removeprefix("www."), pa.path.rstrip("/")) == (
        pb.netloc.removeprefix("www."),
        pb.path.rstrip("/"),
    )


# --- Title -------------------------------------------------------------------------------------

_SEPARATORS = r"\s+[|\-–—:·•»«/ㅣ｜]\s+|\s*[ㅣ｜]\s*|:\s+"


def strip_site_suffix(title: str, site_names: list[str]) -> str:
    """'Headline | The Daily Example' → 'Headline', when the tail (or head) names the site."""
    names = {_loose(n) for n in site_names if n}
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
    loose = _loose(part)
    if loose in names:
        return True
    return len(part.split()) <= 4 and any(len(n) >= 4 and n in loose for n in names)


def _loose(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


def _domain_names(url: str) -> list[str]:
    host = urlsplit(url).hostname or ""
    host = host.removeprefix("www.")
    labels = host.split(".")
    return [host, labels[0]] if labels else []


# --- Authors -----------------------------------------------------------------------------------

_BY = re.compile(r"^\s*(by|von|par|por|di|door|av|af|de)\s+", re.I)


def _names(value) -> list[str]:
    """Author names from a JSON-LD value: a string, a Person, or a list of either."""
    if value is None:
        return []
    if isinstance(value, list):
        return [name for item in value for name in _names(item)]
    if isinstance(value, dict):
        name = value.get("name")
        if isinstance(name, dict | list):
            return _names(name)
        if not name and (value.get("givenName") or value.get("familyName")):
            name = f"{value.get('givenName', '')} {value.get('familyName', '')}"
        return _names(name) if name else []
    if isinstance(value, str):
        text = clean(value)
        if not text or _is_url(text):
            return []
        return [_BY.sub("", text).strip()]
    return []


def _dedupe(names: list[str]) -> list[str]:
    seen, out = set(), []
    for name in names:
        name = clean(name).strip(" ,;")
        key = name.casefold()
        if name and key not in seen:
            seen.add(key)
            out.append(name)
    return out


_SEPARATOR = re.compile(r"\s*(?:;|,|\s(?:and|und|et|og|och|en|y|e|&)\s)\s*", re.I)


def _split_names(text: str) -> list[str]:
    return [p.strip() for p in _SEPARATOR.split(text) if p and p.strip()]


_PARENTHESIS = re.compile(r"\s*\([^)]*\)?\s*$")
# Job titles that follow a name in a byline, in languages whose bylines put them there.
_TRAILING_TITLE = re.compile(r"\s+(기자|특파원|記者|记者|特派員)$")


def _tidy_name(name: str) -> str:
    name = _PARENTHESIS.sub("", clean(name))
    name = _TRAILING_TITLE.sub("", name)
    return name.strip(" ,;|")


def _person_names(names: list[str]) -> list[str]:
    """Split 'A und B, dpa' style strings into names and drop what is not a name."""
    out = []
    for name in names:
        if name.startswith("("):
            continue
        parts = _split_names(name) if _SEPARATOR.search(name) else [name]
        out.extend(_tidy_name(p) for p in parts)
    return _dedupe([n for n in out if n and not _is_url(n)])


def _authors(article: dict, meta: PageMeta, traf, publisher_names: list[str]) -> list[str]:
    """People who wrote the article, from the first source that names any. The outlet's own
    name is dropped from a list that also names people ("Hankook Ilbo, Shin Hyun-joo")."""
    publishers = {_loose(n) for n in publisher_names if n}

    def sources():
        yield _names(article.get("author")) or _names(article.get("creator"))
        for key in ("author", "parsely-author", "sailthru.author", "dc.creator", "byl"):
            found = [_BY.sub("", v) for v in meta.all(key) if not _is_url(v)]
            if found:
                yield found
        result = traf()
        if result and result.author:
            yield [a.strip() for a in result.author.split(";")]

    for found in sources():
        names = _person_names(found)
        if names:
            people = [n for n in names if _loose(n) not in publishers]
            return people or names
    return []


# --- Dates ---------------------------------------------------------------------------------------

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


# --- The cascade -------------------------------------------------------------------------------


def extract(page: str | bytes, url: str = "") -> ArticleMetadata:
    """Read a page's metadata and main text: the page's own description first, then
    trafilatura and htmldate for whatever it leaves out."""
    if isinstance(page, bytes):
        from sources.fetching import decode_body

        page = decode_body(page)
    if not page or not page.strip():
        return ArticleMetadata(canonical_url=url)
    try:
        tree = lxml.html.document_fromstring(page)
    except (lxml.etree.ParserError, ValueError):
        return ArticleMetadata(canonical_url=url)
    meta = PageMeta(tree)
    article = _article_node(meta.jsonld, url) or {}
    publisher = article.get("publisher") if isinstance(article.get("publisher"), dict) else {}
    result = ArticleMetadata()

    result.canonical_url = _canonical(tree, meta, article, url)
    base = result.canonical_url or url
    result.site_name = (
        meta.first("og:site_name", "application-name", "twitter:app:name:iphone")
        or clean(publisher.get("name"))
        or next(
            (clean(n.get("name")) for n in meta.jsonld if "WebSite" in _types(n) and n.get("name")),
            "",
        )
    )
    result.language = _language(tree, meta, article)
    result.description = meta.first(
        "og:description", "description", "twitter:description"
    ) or clean(article.get("description"))

    fallback = None

    def traf():
        nonlocal fallback
        if fallback is None:
            try:
                fallback = trafilatura.extract_metadata(tree, default_url=base or None)
            except Exception:  # noqa: BLE001 - a fallback must never break the cascade
                log.debug("trafilatura metadata failed", exc_info=True)
                fallback = False
        return fallback or None

    site_names = [result.site_name, *(_domain_names(base) if base else [])]
    title = (
        clean(article.get("headline"))
        or meta.first("og:title", "twitter:title")
        or clean(article.get("name"))
    )
    if not title:
        h1 = tree.xpath("//h1")
        title = clean(h1[0].text_content()) if h1 else ""
    if not title:
        title_tag = tree.find(".//title")
        title = clean(title_tag.text_content()) if title_tag is not None else ""
    if not title and traf():
        title = clean(traf().title)
    result.title = strip_site_suffix(title, site_names) if title else ""

    result.authors = _authors(article, meta, traf, [result.site_name, clean(publisher.get("name"))])

    published = parse_datetime(clean(article.get("datePublished")))
    if published is None:
        for key in DATE_META:
            for value in meta.all(key):
                published = parse_datetime(value)
                if published:
                    break
            if published:
                break
    if published is None:
        for element in tree.xpath('//*[@itemprop="datePublished"] | //time[@datetime]'):
            published = parse_datetime(element.get("datetime") or element.get("content") or "")
            if published:
                break
    if published is None:
        try:
            found = find_date(
                tree, url=base or None, original_date=True, outputformat="%Y-%m-%dT%H:%M:%S%z"
            )
        except Exception:  # noqa: BLE001
            found = None
        published = parse_datetime(found) if found else None
    result.published = published

    try:
        text = trafilatura.extract(
            tree, url=base or None, include_comments=False, include_tables=False, fast=True
        )
    except Exception:  # noqa: BLE001
        log.debug("trafilatura text failed", exc_info=True)
        text = None
    result.text = (text or clean(article.get("articleBody")) or "").strip()
    return result


def _canonical(tree, meta: PageMeta, article: dict, url: str) -> str:
    for href in tree.xpath('//link[@rel="canonical"]/@href'):
        if href.strip():
            return urljoin(url, href.strip())
    value = meta.first("og:url") or _node_url(article)
    if value and not value.startswith("#"):
        return urljoin(url, value)
    return url


def _language(tree, meta: PageMeta, article: dict) -> str:
    value = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang") or ""
    value = value or meta.first("content-language", "language", "dc.language")
    in_language = article.get("inLanguage")
    if isinstance(in_language, dict):
        in_language = in_language.get("name") or in_language.get("alternateName")
    value = value or clean(in_language) or meta.first("og:locale")
    value = value.strip().replace("_", "-")
    return value.split(",")[0].strip()
