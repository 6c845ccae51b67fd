"""Fetch one cited article through the guarded client and read it.

The one step `fetch_url` (which saves nothing) and the citation pipeline (which does) share, so
both give the same answer for the same link: an outcome, a reason people can read, and what the
page says about itself.
"""

from __future__ import annotations

import email.utils
import time
from dataclasses import dataclass, field

from sources import fetching
from sources.extraction import ArticleMetadata, extract

FETCHED, BLOCKED, FAILED, GONE = "fetched", "blocked", "failed", "gone"
GONE_STATUSES = {404, 410}
# Headers worth keeping with a snapshot: what the page was, and what the server said about it.
KEPT_HEADERS = (
    "content-type",
    "content-language",
    "content-length",
    "last-modified",
    "etag",
    "date",
    "retry-after",
    "location",
    "x-robots-tag",
)


@dataclass
class ArticleFetch:
    """What happened when we fetched a link, and what the page said about itself."""

    url: str
    outcome: str
    reason: str = ""
    final_url: str = ""
    http_status: int | None = None
    retryable: bool = False
    busy: bool = False
    retry_after: float | None = None
    html: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    metadata: ArticleMetadata | None = None

    def as_dict(self) -> dict:
        """The JSON `fetch_url` prints."""
        data = {
            "outcome": self.outcome,
            "reason": self.reason,
            "final_url": self.final_url or None,
            "http_status": self.http_status,
        }
        data.update((self.metadata or ArticleMetadata()).as_dict())
        return data


def retry_after_seconds(value: str | None) -> float | None:
    """Retry-After as seconds: either a number of seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def fetch_article(url: str, *, host_wait: float | None = None) -> ArticleFetch:
    """GET the link (HTML only, guarded) and classify the answer; read the page when it came.

    `gone`: a real 404 or 410, the outlet saying the page is no more. `failed` with `retryable`
    set: a host that does not resolve (DNS breaks for a while more often than outlets vanish),
    timeouts, transport errors, 429 and 5xx, worth trying again later; `busy` when the outlet already has
    its share of our requests in flight. `blocked`: the guard refused.
    """
    try:
        result = fetching.send("GET", url, html_only=True, host_wait=host_wait)
    except fetching.Blocked as exc:
        return ArticleFetch(url, BLOCKED, exc.reason)
    except fetching.Unresolvable as exc:
        return ArticleFetch(url, FAILED, exc.reason, retryable=True)
    except fetching.HostBusy as exc:
        return ArticleFetch(url, FAILED, exc.reason, retryable=True, busy=True)
    except fetching.FetchError as exc:
        return ArticleFetch(url, FAILED, exc.reason, retryable=exc.retryable)

    status = result.status_code
    headers = {k: result.headers[k] for k in KEPT_HEADERS if k in result.headers}
    common = {"final_url": result.final_url, "http_status": status, "headers": headers}
    if status in GONE_STATUSES:
        return ArticleFetch(url, GONE, f"HTTP {status}", **common)
    if status == 429 or status >= 500:
        return ArticleFetch(
            url,
            FAILED,
            f"HTTP {status}",
            retryable=True,
            retry_after=retry_after_seconds(result.headers.get("retry-after")),
            **common,
        )
    if not 200 <= status < 300:
        return ArticleFetch(url, FAILED, f"HTTP {status}", **common)
    metadata = extract(result.text, url=result.final_url)
    return ArticleFetch(url, FETCHED, "", html=result.content, metadata=metadata, **common)
