"""Writes to citations, snapshots and outlets. Admin, tasks and commands all come through here.

The database is the source of truth for the fetch pipeline: a citation waiting for its page is
`pending` with a `fetch_due_at`, so nothing is lost when the queue is: the sweep re-queues it.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import logging
import random
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlsplit

import lxml.etree
import lxml.html
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from publicsuffixlist import PublicSuffixList

from newsdesk.celery import app as celery_app
from sources import articles, selectors
from sources.articles import ArticleFetch
from sources.models import Citation, LinkStatus, Outlet, QuoteCheck, Snapshot
from sources.quotes import normalize, quote_in_text
from sources.signals import citation_shown_changed

log = logging.getLogger(__name__)


@dataclass
class FetchDone:
    """What `citation_fetch` did: the status it left, and when to try again as which attempt
    (`retry_in` None: don't; the sweep does when the wait was too long for the queue)."""

    status: str
    reason: str = ""
    retry_in: float | None = None
    snapshot_created: bool = False
    busy: bool = False
    attempt: int = 0
    stale: bool = False


# --- Scheduling --------------------------------------------------------------------------------


FETCH_TASK = "sources.tasks.citation_fetch_task"


def citation_schedule_fetch(*, citation: Citation) -> None:
    """Mark the citation's link pending and fetch it once the transaction commits.

    Call it whenever a citation gets a new or changed URL, or someone asks to fetch again. If
    the queue is unreachable the citation stays pending and the sweep picks it up.
    """
    if not citation.url:
        citation_clear_link(citation=citation)
        return
    now = timezone.now()
    fresh = {
        "link_status": LinkStatus.PENDING,
        "fetch_due_at": now,
        "fetch_attempts": 0,
        "fetch_errors": 0,
    }
    Citation.objects.filter(pk=citation.pk).update(**fresh)
    for name, value in fresh.items():
        setattr(citation, name, value)
    citation_shown_changed.send(sender=Citation, story_ids=[citation.story_id])
    citation_id = citation.pk
    transaction.on_commit(lambda: _enqueue(citation_id))


def citation_may_fetch_again(user) -> bool:
    """Fetching again changes what a citation shows (status, archived copy, quote check), so it
    takes the right to change citations, not just to see them."""
    return bool(user is not None and user.is_active and user.has_perm("sources.change_citation"))


def citations_fetch_again(*, citations: Iterable[Citation], by) -> int:
    """Queue a fresh fetch of each citation's link, for someone allowed to; returns how many."""
    if not citation_may_fetch_again(by):
        raise PermissionDenied("Fetching links again needs the permission to change citations.")
    count = 0
    for citation in citations:
        if citation.url:
            citation_schedule_fetch(citation=citation)
            count += 1
    return count


def longest_countdown() -> float:
    """The longest wait a fetch may spend in the queue. Redis keeps a task with a countdown
    unacknowledged in a worker until it is due, and hands it out again after the broker's
    visibility timeout: a longer wait would run twice. Longer waits stay in the database
    (`fetch_due_at`) for the sweep."""
    return settings.NEWSDESK_TASK_VISIBILITY_TIMEOUT / 2


def _enqueue(citation_id: int, countdown: float | None = None, attempt: int = 0) -> bool:
    # Named, not imported: the task module calls this one (newsdesk/dispatch.py says why).
    try:
        celery_app.tasks[FETCH_TASK].apply_async(
            (citation_id,), kwargs={"attempt": attempt}, countdown=countdown
        )
    except Exception:  # noqa: BLE001 - the broker is down: the row stays pending for the sweep
        log.warning("Could not queue the fetch of citation %s; the sweep will.", citation_id)
        return False
    return True


def citation_clear_link(*, citation: Citation) -> None:
    """A citation without a URL has no link status, no archived copy and nothing to check its
    quote against (its old snapshots stay in the archive)."""
    fields = {
        "link_status": "",
        "link_reason": "",
        "fetch_due_at": None,
        "fetch_attempts": 0,
        "fetched_url": "",
        "latest_snapshot": None,
        "quote_check": QuoteCheck.UNCHECKED,
    }
    Citation.objects.filter(pk=citation.pk).update(**fields)
    for name, value in fields.items():
        setattr(citation, name, value)
    citation_shown_changed.send(sender=Citation, story_ids=[citation.story_id])


def citations_requeue_overdue(*, limit: int = 1000) -> int:
    """Queue again the fetches overdue by minutes: lost by the queue (Redis was down, a worker
    died), retries that waited longer than the queue may hold them, link checks spread beyond
    it, and links saved by a path that never queued them."""
    now = timezone.now()
    rows = list(selectors.citations_overdue(now=now).values_list("pk", "fetch_attempts")[:limit])
    ids = [pk for pk, _ in rows]
    Citation.objects.filter(pk__in=ids, link_status="").update(link_status=LinkStatus.PENDING)
    Citation.objects.filter(pk__in=ids).update(fetch_due_at=now)
    for citation_id, attempt in rows:
        _enqueue(citation_id, attempt=attempt)
    return len(ids)


def citations_schedule_link_health(*, limit: int | None = None) -> int:
    """Queue re-checks of published stories' citations, oldest check first, spread out in time
    so a day's re-checks do not arrive at the outlets at once. Each is marked as owed a fetch
    (`fetch_due_at`); those due later than the queue may hold a task are left to the sweep."""
    limit = limit or settings.NEWSDESK_LINK_HEALTH_BATCH
    rows = list(
        selectors.citations_due_for_link_health().values_list("pk", "fetch_attempts")[:limit]
    )
    gap = 60.0 / max(1, settings.NEWSDESK_LINK_HEALTH_PER_MINUTE)
    now = timezone.now()
    for i, (citation_id, attempt) in enumerate(rows):
        countdown = i * gap
        Citation.objects.filter(pk=citation_id).update(
            fetch_due_at=now + dt.timedelta(seconds=countdown)
        )
        if countdown <= longest_countdown():
            _enqueue(citation_id, countdown=countdown, attempt=attempt)
    return len(rows)


# --- Fetching ----------------------------------------------------------------------------------


def retry_delay(*, attempt: int, retry_after: float | None = None) -> float:
    """Exponential backoff with full jitter, never sooner than the server's Retry-After."""
    base = settings.NEWSDESK_FETCH_RETRY_BASE
    ceiling = min(base * (2**attempt), 3600.0)
    delay = random.uniform(ceiling / 2, ceiling)
    if retry_after is not None:
        delay = max(delay, min(retry_after, 6 * 3600.0))
    return delay


def citation_fetch(
    *,
    citation_id: int,
    attempt: int | None = None,
    final: bool = False,
    host_wait: float | None = None,
) -> FetchDone:
    """Fetch a citation's page, archive it, fill the citation's empty fields and check its quote.

    Idempotent: run again on an unchanged page it creates no snapshot and changes nothing but
    the time of the check. Transient failures (timeouts, 429, 5xx) ask to be retried
    (`retry_in`) until `final`, when they become `failed`. A busy outlet (politeness limit)
    asks for a retry in a few seconds that does not count as an attempt (`busy`).

    A queued task passes its `attempt`: a copy of a task whose fetch is done or has moved on
    (Redis hands a task out again when a worker dies, or a countdown outlives its visibility
    timeout) changes nothing (`stale`). Without `attempt` (`fetch_citations`) it always fetches.
    """
    citation = Citation.objects.filter(pk=citation_id).first()
    if citation is None:
        return FetchDone(status="", reason="citation deleted")
    if not citation.url:
        citation_clear_link(citation=citation)
        return FetchDone(status="")
    if _is_stale(citation, attempt):
        return FetchDone(status=citation.link_status, reason="done already", stale=True)
    url = citation.url
    try:
        fetched = articles.fetch_article(url, host_wait=host_wait)
        return _record(
            citation_id=citation_id, url=url, fetched=fetched, attempt=attempt, final=final
        )
    except Exception as exc:  # noqa: BLE001 - a bug must not leave the link pending for ever
        log.exception("Fetching citation %s (%s) failed unexpectedly", citation_id, url)
        return _record_error(
            citation_id=citation_id, url=url, error=exc, attempt=attempt, final=final
        )


@transaction.atomic
def _record_error(
    *, citation_id: int, url: str, error: Exception, attempt: int | None, final: bool
) -> FetchDone:
    """Count an unexpected error: the sweep tries again later, until it happened
    NEWSDESK_FETCH_MAX_ERRORS times in a row; then the link is failed, with the error."""
    citation = Citation.objects.select_for_update(of=("self",)).filter(pk=citation_id).first()
    if citation is None or citation.url != url or _is_stale(citation, attempt):
        return FetchDone(status=citation.link_status if citation else "", reason="changed")
    limit = max(1, settings.NEWSDESK_FETCH_MAX_ERRORS)
    what = f"{type(error).__name__}: {error}"
    citation.fetch_errors += 1
    now = timezone.now()
    if final or citation.fetch_errors >= limit:
        shown_before = _shown(citation)
        times = "once" if citation.fetch_errors == 1 else f"{citation.fetch_errors} times"
        citation.link_status = LinkStatus.FAILED
        citation.link_reason = (
            f"failed {times} with an unexpected error ({what}); "
            "“Fetch again” once the link or Newsdesk is fixed"
        )[:300]
        citation.link_checked_at, citation.fetched_url, citation.fetch_due_at = now, url, None
        citation.fetch_attempts = 0
        citation.save(
            update_fields=[
                "fetch_attempts",
                "fetch_errors",
                "link_status",
                "link_reason",
                "link_checked_at",
                "fetched_url",
                "fetch_due_at",
            ]
        )
        if _shown(citation) != shown_before:
            citation_shown_changed.send(sender=Citation, story_ids=[citation.story_id])
        return FetchDone(status=citation.link_status, reason=citation.link_reason)
    # Left pending with a due time: the sweep queues it again when it is overdue.
    citation.link_reason = f"unexpected error ({citation.fetch_errors} of {limit}): {what}"[:300]
    citation.fetch_due_at = now
    citation.save(update_fields=["fetch_errors", "link_reason", "fetch_due_at"])
    return FetchDone(
        status=citation.link_status, reason=citation.link_reason, attempt=citation.fetch_attempts
    )


def _is_stale(citation: Citation, attempt: int | None) -> bool:
    """A queued fetch is owed while the link is pending (or never fetched) or has a due time,
    and only for the attempt the citation is at."""
    if attempt is None:
        return False
    owed = citation.link_status in (LinkStatus.PENDING, "") or citation.fetch_due_at is not None
    return not owed or citation.fetch_attempts != attempt


@transaction.atomic
def _record(
    *, citation_id: int, url: str, fetched: ArticleFetch, attempt: int | None, final: bool
) -> FetchDone:
    citation = (
        Citation.objects.select_for_update(of=("self",))
        .select_related("latest_snapshot")
        .filter(pk=citation_id)
        .first()
    )
    if citation is None:
        return FetchDone(status="", reason="citation deleted")
    if citation.url != url:
        # The journalist changed the link while we fetched the old one; its own fetch is queued.
        return FetchDone(status=citation.link_status, reason="URL changed while fetching")
    if _is_stale(citation, attempt):
        # Another copy of this task recorded its fetch while we were fetching.
        return FetchDone(status=citation.link_status, reason="done already", stale=True)
    shown_before = _shown(citation)
    if citation.fetch_errors:
        citation.fetch_errors = 0
        citation.save(update_fields=["fetch_errors"])
    done = _record_outcome(citation, fetched, attempt=attempt, final=final)
    if _shown(citation) != shown_before:
        citation_shown_changed.send(sender=Citation, story_ids=[citation.story_id])
    return done


def _shown(citation: Citation) -> tuple:
    """What readers and partners see of a citation's link: a change here refreshes the story."""
    return (
        citation.link_status,
        citation.latest_snapshot_id,
        citation.title,
        citation.outlet_id,
        citation.published_on,
        citation.quote_check,
    )


def _record_outcome(
    citation: Citation, fetched: ArticleFetch, *, attempt: int | None, final: bool
) -> FetchDone:
    now = timezone.now()
    attempt = attempt or 0
    if fetched.outcome == articles.FETCHED:
        return _record_page(citation, fetched, now)

    if fetched.busy and not final:
        delay = random.uniform(1.0, 5.0)
        Citation.objects.filter(pk=citation.pk).update(
            fetch_due_at=now + dt.timedelta(seconds=delay)
        )
        return FetchDone(
            status=citation.link_status,
            reason=fetched.reason,
            retry_in=delay,
            busy=True,
            attempt=attempt,
        )

    if fetched.retryable and not final:
        delay = retry_delay(attempt=attempt, retry_after=fetched.retry_after)
        citation.link_reason = f"{fetched.reason}; trying again"[:300]
        citation.fetch_due_at = now + dt.timedelta(seconds=delay)
        citation.fetch_attempts = attempt + 1
        citation.save(update_fields=["link_reason", "fetch_due_at", "fetch_attempts"])
        return FetchDone(
            status=citation.link_status,
            reason=fetched.reason,
            retry_in=delay if delay <= longest_countdown() else None,
            attempt=citation.fetch_attempts,
        )

    status = {
        articles.GONE: LinkStatus.GONE,
        articles.BLOCKED: LinkStatus.BLOCKED,
    }.get(fetched.outcome, LinkStatus.FAILED)
    citation.link_status = status
    citation.link_reason = fetched.reason[:300]
    citation.link_checked_at = now
    citation.fetched_url = citation.url
    citation.fetch_due_at, citation.fetch_attempts = None, 0
    citation.save(
        update_fields=[
            "link_status",
            "link_reason",
            "link_checked_at",
            "fetched_url",
            "fetch_due_at",
            "fetch_attempts",
        ]
    )
    return FetchDone(status=status, reason=fetched.reason)


def content_hash(*, title: str, text: str, html: bytes) -> str:
    """The article's identity for "has it changed": its title and main text, normalized."""
    if text.strip():
        material = f"{normalize(title)}\n{normalize(text)}".encode()
    else:
        material = html
    return hashlib.sha256(material).hexdigest()


def _record_page(citation: Citation, fetched: ArticleFetch, now) -> FetchDone:
    metadata = fetched.metadata
    digest = content_hash(title=metadata.title, text=metadata.text, html=fetched.html)
    latest = citation.latest_snapshot
    created = False
    if latest is None or latest.content_hash != digest or latest.requested_url != citation.url:
        latest = Snapshot.objects.create(
            citation=citation,
            requested_url=citation.url,
            final_url=fetched.final_url,
            http_status=fetched.http_status,
            headers=fetched.headers,
            fetched_at=now,
            html_gz=gzip.compress(fetched.html, mtime=0),
            size=len(fetched.html),
            text=metadata.text,
            metadata={k: v for k, v in metadata.as_dict().items() if k != "text"},
            content_hash=digest,
        )
        created = True
    # "Changed" compares with the page as it was when first archived for this link: the
    # version the journalist cited.
    first = (
        Snapshot.objects.filter(citation=citation, requested_url=citation.url)
        .order_by("fetched_at", "id")
        .values_list("content_hash", flat=True)
        .first()
    )
    status = LinkStatus.CHANGED if first and first != digest else LinkStatus.FETCHED
    reason = "the page changed since it was first archived" if status == LinkStatus.CHANGED else ""

    fields = ["link_status", "link_reason", "link_checked_at", "fetched_url", "fetch_due_at"]
    fields.append("fetch_attempts")
    citation.link_status, citation.link_reason = status, reason
    citation.link_checked_at, citation.fetched_url, citation.fetch_due_at = now, citation.url, None
    citation.fetch_attempts = 0
    if citation.latest_snapshot_id != latest.pk:
        citation.latest_snapshot = latest
        fields.append("latest_snapshot")
    fields += _fill_empty_fields(citation, fetched)
    citation.quote_check = quote_check_result(citation=citation, snapshot=latest)
    fields.append("quote_check")
    citation.save(update_fields=fields)
    return FetchDone(status=status, reason=reason, snapshot_created=created)


def _fill_empty_fields(citation: Citation, fetched: ArticleFetch) -> list[str]:
    """Fill what the journalist left empty; never overwrite what they typed."""
    metadata = fetched.metadata
    changed = []
    if not citation.title and metadata.title:
        citation.title = metadata.title[:500]
        changed.append("title")
    if citation.published_on is None and metadata.published:
        citation.published_on = metadata.published.date()
        changed.append("published_on")
    if citation.outlet_id is None:
        outlet = outlet_for_url(
            url=outlet_url(
                fetched_url=fetched.final_url or citation.url, canonical_url=metadata.canonical_url
            ),
            site_name=metadata.site_name,
        )
        if outlet:
            citation.outlet = outlet
            changed.append("outlet")
    return changed


# --- Outlets -----------------------------------------------------------------------------------


def outlet_url(*, fetched_url: str, canonical_url: str) -> str:
    """The URL that names a page's outlet: where we fetched it from. The page's own canonical
    URL counts only on the same registrable domain (news.bbc.co.uk → www.bbc.co.uk): any page
    can claim to be on aljazeera.com."""
    if not canonical_url:
        return fetched_url
    fetched_site = registrable_domain(outlet_domain(fetched_url))
    if fetched_site and fetched_site == registrable_domain(outlet_domain(canonical_url)):
        return canonical_url
    return fetched_url


def registrable_domain(host: str) -> str:
    """The part of a host name one owner registers (bbc.co.uk for news.bbc.co.uk), by the
    Public Suffix List that ships with `publicsuffixlist` (no network); "" for an address or a
    bare public suffix."""
    if not host or _is_address(host):
        return ""
    return _public_suffixes().privatesuffix(host) or ""


@cache
def _public_suffixes() -> PublicSuffixList:
    return PublicSuffixList()


def outlet_domain(url: str) -> str:
    """The domain an outlet is known by: the link's host without "www."."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    return host.removeprefix("www.")


def outlet_for_url(*, url: str, site_name: str = "") -> Outlet | None:
    """The outlet a link belongs to, matched by domain (news.bbc.co.uk → bbc.co.uk when that is
    known); a new outlet named after the site when none matches."""
    domain = outlet_domain(url)
    if not domain or _is_address(domain):
        return None
    labels = domain.split(".")
    candidates = [".".join(labels[i:]) for i in range(len(labels) - 1)]
    known = {o.domain: o for o in Outlet.objects.filter(domain__in=candidates)}
    for candidate in candidates:
        if candidate in known:
            return known[candidate]
    name = (site_name or domain)[:200]
    unnamed = Outlet.objects.filter(name__iexact=name, domain="").first()
    if unnamed:
        unnamed.domain = domain
        unnamed.save(update_fields=["domain"])
        return unnamed
    if Outlet.objects.filter(name__iexact=name).exists():
        name = f"{name} ({domain})"[:200]
    try:
        with transaction.atomic():
            return Outlet.objects.create(name=name, domain=domain, homepage=f"https://{domain}/")
    except IntegrityError:
        # Another fetch created it a moment ago.
        return Outlet.objects.filter(domain=domain).first()


def _is_address(host: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True


# --- Quote check -------------------------------------------------------------------------------


def quote_check_result(*, citation: Citation, snapshot: Snapshot | None) -> str:
    """Verified when the quote is in the archived page, not found when it is not, unchecked
    when there is no quote or no archived page to look in."""
    if not citation.quote.strip() or snapshot is None:
        return QuoteCheck.UNCHECKED
    metadata = snapshot.metadata or {}
    text = "\n".join(
        [metadata.get("title") or "", metadata.get("description") or "", snapshot.text]
    )
    if quote_in_text(citation.quote, text):
        return QuoteCheck.VERIFIED
    # The main text can miss a pull quote or a caption: look in the whole visible page too.
    if quote_in_text(citation.quote, visible_text(snapshot.html)):
        return QuoteCheck.VERIFIED
    return QuoteCheck.NOT_FOUND


def visible_text(html: bytes) -> str:
    if not html:
        return ""
    try:
        tree = lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return ""
    for element in tree.xpath("//script|//style|//noscript|//template"):
        element.drop_tree()
    return tree.text_content()


def citation_check_quote(*, citation: Citation) -> str:
    """Check the citation's quote against its latest snapshot (after the quote was edited)."""
    snapshot = (
        Snapshot.objects.filter(pk=citation.latest_snapshot_id).first()
        if citation.latest_snapshot_id
        else None
    )
    result = quote_check_result(citation=citation, snapshot=snapshot)
    if result != citation.quote_check:
        Citation.objects.filter(pk=citation.pk).update(quote_check=result)
        citation.quote_check = result
        citation_shown_changed.send(sender=Citation, story_ids=[citation.story_id])
    return result


def citation_after_edit(*, citation: Citation, changed: list[str], fetch_again: bool) -> None:
    """What an edit to a citation sets off: a fetch for a new or changed URL (or when asked),
    a quote check when only the quote changed."""
    if "url" in changed or fetch_again or (citation.url and not citation.link_status):
        citation_schedule_fetch(citation=citation)
    elif "quote" in changed:
        citation_check_quote(citation=citation)
