"""The page's own description of itself: <meta>, <link> and JSON-LD, read once."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html

from sources.extraction.text import clean

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


def types(node: dict) -> list[str]:
    """A JSON-LD node's schema.org types, without their namespace."""
    kind = node.get("@type", [])
    kinds = kind if isinstance(kind, list) else [kind]
    return [str(k).rsplit("/", 1)[-1] for k in kinds]


def article_node(nodes: list[dict], url: str) -> dict | None:
    """The node describing this article: the most specific article type, preferring one whose
    URL is this page's."""

    def rank(node):
        kinds = types(node)
        type_rank = min((ARTICLE_TYPES.index(k) for k in kinds if k in ARTICLE_TYPES), default=99)
        if type_rank >= len(ARTICLE_TYPES) - 1 and not node.get("headline"):
            type_rank = 99
        own = url and _same_page(node_url(node), url)
        return (type_rank == 99, not own, type_rank, not node.get("headline"))

    candidates = [n for n in nodes if any(k in ARTICLE_TYPES for k in types(n))]
    if not candidates:
        return None
    best = min(candidates, key=rank)
    return None if rank(best)[0] else best


def node_url(node: dict) -> str:
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


def domain_names(url: str) -> list[str]:
    """How a site's address names it: 'news.example.com' → ['news.example.com', 'news']."""
    host = urlsplit(url).hostname or ""
    host = host.removeprefix("www.")
    labels = host.split(".")
    return [host, labels[0]] if labels else []


def canonical(tree, meta: PageMeta, article: dict, url: str) -> str:
    for href in tree.xpath('//link[@rel="canonical"]/@href'):
        if href.strip():
            return urljoin(url, href.strip())
    value = meta.first("og:url") or node_url(article)
    if value and not value.startswith("#"):
        return urljoin(url, value)
    return url


def language(tree, meta: PageMeta, article: dict) -> str:
    value = tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang") or ""
    value = value or meta.first("content-language", "language", "dc.language")
    in_language = article.get("inLanguage")
    if isinstance(in_language, dict):
        in_language = in_language.get("name") or in_language.get("alternateName")
    value = value or clean(in_language) or meta.first("og:locale")
    value = value.strip().replace("_", "-")
    return value.split(",")[0].strip()


@dataclass
class Page:
    """A parsed page and what its description says about the article and the outlet."""

    tree: lxml.html.HtmlElement
    meta: PageMeta
    article: dict
    publisher: dict
    url: str
    base: str
    site_name: str

    def site_names(self) -> list[str]:
        """Every way the page names its outlet: og:site_name, the publisher, the domain."""
        names = [self.site_name, clean(self.publisher.get("name"))]
        return [n for n in names if n] + (domain_names(self.base) if self.base else [])


def read_page(html: str, url: str) -> Page | None:
    """Parse the page and read its description; None when it is no HTML document at all."""
    if not html or not html.strip():
        return None
    try:
        tree = lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return None
    meta = PageMeta(tree)
    article = article_node(meta.jsonld, url) or {}
    publisher = article.get("publisher") if isinstance(article.get("publisher"), dict) else {}
    base = canonical(tree, meta, article, url) or url
    site_name = (
        meta.first("og:site_name", "application-name", "twitter:app:name:iphone")
        or clean(publisher.get("name"))
        or next(
            (clean(n.get("name")) for n in meta.jsonld if "WebSite" in types(n) and n.get("name")),
            "",
        )
    )
    return Page(tree, meta, article, publisher, url, base, site_name)
