"""The pipeline: a citation's link is fetched, archived, read and its quote checked."""

import datetime as dt
from unittest import mock

import pytest
from django.utils import timezone

from sources import services
from sources.models import Citation, LinkStatus, Outlet, QuoteCheck, Snapshot
from tests import factories
from tests.sources.server import ARTICLE_JSONLD, Page

pytestmark = pytest.mark.django_db


def fetch(citation, **kwargs):
    done = services.citation_fetch(citation_id=citation.pk, **kwargs)
    citation.refresh_from_db()
    return done


def test_a_fetched_page_fills_the_empty_fields_and_is_archived(citation_at, hosted):
    citation = citation_at("/article")
    citation.url = hosted("news.daily.example", "/article")
    citation.save()
    done = fetch(citation)
    assert done.status == LinkStatus.FETCHED
    assert citation.link_status == LinkStatus.FETCHED
    assert citation.title == "Allies hold drills as tension rises"
    assert citation.published_on == dt.date(2025, 11, 3)
    assert citation.outlet.name == "The Daily Example"
    # The page's canonical URL is on the same registrable domain, so it names the outlet.
    assert citation.outlet.domain == "daily.example"
    snapshot = citation.latest_snapshot
    assert snapshot.http_status == 200
    assert snapshot.final_url == citation.url
    assert snapshot.headers["content-type"] == "text/html"
    assert b"Allies hold drills" in snapshot.html
    assert "largest joint exercise" in snapshot.text
    assert snapshot.metadata["authors"] == ["Kim Min-ji", "Jane Roe"]
    assert snapshot.metadata["published"] == "2025-11-03T08:15:00+09:00"
    assert len(snapshot.content_hash) == 64
    assert citation.link_checked_at is not None


def test_what_the_journalist_typed_is_never_overwritten(citation_at):
    outlet = factories.OutletFactory(name="Our Name For It", domain="somewhere.example")
    citation = citation_at(
        "/article", title="My own title", published_on=dt.date(2025, 1, 1), outlet=outlet
    )
    fetch(citation)
    assert (citation.title, citation.published_on, citation.outlet) == (
        "My own title",
        dt.date(2025, 1, 1),
        outlet,
    )


def test_outlets_are_matched_by_domain(citation_at, hosted):
    known = factories.OutletFactory(name="Daily Example", domain="daily.example")
    citation = citation_at("/article")
    citation.url = hosted("www.daily.example", "/article")
    citation.save()
    fetch(citation)
    assert citation.outlet == known
    assert Outlet.objects.filter(domain="daily.example").count() == 1


def test_a_page_cannot_claim_another_outlet_with_its_canonical_url(
    citation_at, hosted, article_server
):
    """The outlet is whoever served the page; a canonical link elsewhere proves nothing."""
    aljazeera = factories.OutletFactory(name="Al Jazeera", domain="aljazeera.com")
    factories.OutletFactory(name="The Daily Example", domain="daily.example")
    article_server.pages["/claims"] = Page(
        body=ARTICLE_JSONLD.replace(
            "https://daily.example/world/allies-drills",
            "https://www.aljazeera.com/news/2025/11/3/allies-drills",
        ).replace("The Daily Example", "Al Jazeera")
    )
    citation = citation_at("/claims")
    citation.url = hosted("copycat.example", "/claims")
    citation.save()
    fetch(citation)
    assert citation.link_status == LinkStatus.FETCHED
    assert citation.outlet != aljazeera
    assert citation.outlet.domain == "copycat.example"
    assert citation.outlet.name == "Al Jazeera (copycat.example)"


def test_a_page_on_an_address_takes_no_outlet_from_its_canonical_url(citation_at):
    factories.OutletFactory(name="The Daily Example", domain="daily.example")
    citation = citation_at("/article")  # on 127.0.0.1, canonical https://daily.example/…
    fetch(citation)
    assert citation.link_status == LinkStatus.FETCHED
    assert citation.outlet is None


def test_a_subdomain_matches_its_outlet():
    known = factories.OutletFactory(name="BBC", domain="bbc.co.uk")
    assert services.outlet_for_url(url="https://news.bbc.co.uk/x", site_name="BBC News") == known


def test_an_outlet_typed_without_a_domain_gets_it():
    typed = factories.OutletFactory(name="The Daily Example", domain="")
    outlet = services.outlet_for_url(url="https://daily.example/a", site_name="The Daily Example")
    assert outlet == typed
    typed.refresh_from_db()
    assert typed.domain == "daily.example"


def test_fetching_again_an_unchanged_page_changes_nothing(citation_at):
    citation = citation_at("/article", quote="we will respond to any provocation")
    fetch(citation)
    before = Citation.objects.values().get(pk=citation.pk)
    done = fetch(citation)
    after = Citation.objects.values().get(pk=citation.pk)
    assert not done.snapshot_created
    assert Snapshot.objects.filter(citation=citation).count() == 1
    before.pop("link_checked_at"), after.pop("link_checked_at")
    assert after == before


def test_a_changed_page_gets_a_new_snapshot_and_is_marked_changed(citation_at, article_server):
    citation = citation_at("/article")
    fetch(citation)
    first = citation.latest_snapshot
    article_server.pages["/article"] = Page(
        body=ARTICLE_JSONLD.replace("six destroyers", "seven destroyers")
    )
    done = fetch(citation)
    assert done.snapshot_created
    assert citation.link_status == LinkStatus.CHANGED
    assert citation.latest_snapshot != first
    assert Snapshot.objects.filter(citation=citation).count() == 2
    # The page goes back to what was cited: the status follows the cited version.
    article_server.pages["/article"] = Page(body=ARTICLE_JSONLD)
    fetch(citation)
    assert citation.link_status == LinkStatus.FETCHED


def test_ads_and_tokens_in_the_html_are_not_a_change(citation_at, article_server):
    citation = citation_at("/article")
    fetch(citation)
    article_server.pages["/article"] = Page(
        body=ARTICLE_JSONLD.replace("</head>", '<meta name="csrf" content="a1b2c3"></head>')
    )
    done = fetch(citation)
    assert not done.snapshot_created
    assert citation.link_status == LinkStatus.FETCHED


def test_a_new_url_is_fetched_as_new_not_as_changed(citation_at, article_server):
    citation = citation_at("/article")
    fetch(citation)
    Citation.objects.filter(pk=citation.pk).update(url=article_server.url("/opengraph"))
    fetch(citation)
    assert citation.link_status == LinkStatus.FETCHED
    assert citation.latest_snapshot.requested_url.endswith("/opengraph")
    assert citation.fetched_url.endswith("/opengraph")


@pytest.mark.parametrize("status", [404, 410])
def test_a_dead_link_is_gone_and_keeps_its_archived_copy(citation_at, article_server, status):
    citation = citation_at("/article")
    fetch(citation)
    snapshot = citation.latest_snapshot
    article_server.pages["/article"] = Page(status=status, body="<html>gone</html>")
    done = fetch(citation)
    assert done.retry_in is None
    assert citation.link_status == LinkStatus.GONE
    assert citation.link_reason == f"HTTP {status}"
    assert citation.latest_snapshot == snapshot


def test_a_host_that_does_not_resolve_has_failed_not_gone(db, private_ok):
    """DNS breaks for a while (an outlet's misconfigured zone, our resolver): not link rot."""
    citation = Citation.objects.create(
        story=factories.story(), url="https://no-such-outlet.invalid/story", claim="x"
    )
    done = fetch(citation)
    assert done.retry_in is not None  # from the queue: tried again later
    assert "does not resolve" in citation.link_reason
    done = fetch(citation, final=True)
    assert citation.link_status == LinkStatus.FAILED
    assert "no-such-outlet.invalid does not resolve" in citation.link_reason


def test_a_redirect_to_an_unparsable_location_fails_with_the_reason(citation_at):
    citation = citation_at("/to-data", link_status=LinkStatus.PENDING)
    done = fetch(citation)
    assert done.retry_in is None
    assert citation.link_status == LinkStatus.FAILED
    assert "redirect" in citation.link_reason
    assert citation.fetch_due_at is None


def test_unexpected_errors_are_recorded_and_stop_being_requeued_after_a_few(citation_at, settings):
    settings.NEWSDESK_FETCH_MAX_ERRORS = 3
    citation = citation_at("/article", link_status=LinkStatus.PENDING)
    from sources import articles, tasks

    def overdue():
        Citation.objects.filter(pk=citation.pk).update(
            fetch_due_at=timezone.now() - dt.timedelta(hours=1)
        )

    with mock.patch.object(articles, "fetch_article", side_effect=RuntimeError("boom")):
        for n in (1, 2):
            done = fetch(citation)
            assert done.retry_in is None
            assert citation.link_status == LinkStatus.PENDING
            assert citation.link_reason == f"unexpected error ({n} of 3): RuntimeError: boom"
            overdue()
            with mock.patch.object(tasks.citation_fetch_task, "apply_async"):
                assert services.citations_requeue_overdue() == 1
        fetch(citation)
    assert citation.link_status == LinkStatus.FAILED
    assert citation.link_reason.startswith("failed 3 times with an unexpected error")
    assert "RuntimeError: boom" in citation.link_reason
    assert citation.fetch_due_at is None
    with mock.patch.object(tasks.citation_fetch_task, "apply_async") as queued:
        assert services.citations_requeue_overdue() == 0
    queued.assert_not_called()
    # Asking again starts afresh.
    services.citation_schedule_fetch(citation=citation)
    fetch(citation)
    assert citation.link_status == LinkStatus.FETCHED
    assert citation.fetch_errors == 0


def test_the_fetch_command_records_an_unexpected_error_at_once(citation_at):
    citation = citation_at("/article")
    from sources import articles

    with mock.patch.object(articles, "fetch_article", side_effect=RuntimeError("boom")):
        fetch(citation, final=True)
    assert citation.link_status == LinkStatus.FAILED
    assert "RuntimeError: boom" in citation.link_reason


def test_a_blocked_link_says_why_and_is_not_retried(db, settings):
    settings.NEWSDESK_FETCH_ALLOW_PRIVATE_NETWORKS = False
    citation = Citation.objects.create(
        story=factories.story(), url="http://10.0.0.5/admin", claim="x"
    )
    done = fetch(citation)
    assert done.retry_in is None
    assert citation.link_status == LinkStatus.BLOCKED
    assert citation.link_reason == "blocked: 10.0.0.5 is a private address"


def test_429_is_retried_no_sooner_than_retry_after(citation_at):
    citation = citation_at("/busy")
    citation.link_status = LinkStatus.PENDING
    citation.save()
    done = fetch(citation, attempt=0)
    assert done.retry_in is not None and done.retry_in >= 7
    assert citation.link_status == LinkStatus.PENDING
    assert "HTTP 429" in citation.link_reason
    assert citation.fetch_due_at > timezone.now() + dt.timedelta(seconds=6)


def test_5xx_is_retried_with_growing_jittered_backoff(citation_at, settings):
    settings.NEWSDESK_FETCH_RETRY_BASE = 30.0
    delays = [services.retry_delay(attempt=n) for n in range(5)]
    assert all(15 * 2**n <= d <= 30 * 2**n for n, d in enumerate(delays))
    assert len({round(services.retry_delay(attempt=3), 3) for _ in range(10)}) > 1
    citation = citation_at("/broken")
    assert fetch(citation).retry_in is not None


def test_the_last_attempt_marks_the_link_failed(citation_at):
    citation = citation_at("/broken", fetch_attempts=5, link_status=LinkStatus.PENDING)
    done = fetch(citation, attempt=5, final=True)
    assert done.retry_in is None
    assert citation.link_status == LinkStatus.FAILED
    assert citation.link_reason == "HTTP 503"


@pytest.mark.parametrize(
    ("path", "says"),
    [("/huge", "too large"), ("/paper.pdf", "not HTML"), ("/slow", "timed out")],
)
def test_too_large_not_html_and_timeouts(citation_at, path, says):
    citation = citation_at(path)
    done = fetch(citation, final=path == "/slow")
    assert says in citation.link_reason
    if path != "/slow":
        assert done.retry_in is None  # retrying will not make it smaller or HTML
        assert citation.link_status == LinkStatus.FAILED


def test_a_4xx_other_than_gone_fails_without_retry(citation_at, article_server):
    article_server.pages["/forbidden"] = Page(status=403, body="<html>no</html>")
    citation = citation_at("/forbidden")
    done = fetch(citation)
    assert done.retry_in is None
    assert (citation.link_status, citation.link_reason) == (LinkStatus.FAILED, "HTTP 403")


def test_a_url_changed_while_fetching_is_left_to_its_own_fetch(citation_at, article_server):
    citation = citation_at("/article")
    real = services.articles.fetch_article

    def fetch_then_edit(url, **kwargs):
        result = real(url, **kwargs)
        Citation.objects.filter(pk=citation.pk).update(url=article_server.url("/opengraph"))
        return result

    with mock.patch.object(services.articles, "fetch_article", fetch_then_edit):
        done = fetch(citation)
    assert done.reason == "URL changed while fetching"
    assert citation.latest_snapshot is None and citation.title == ""


# --- Quote check ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quote", "result"),
    [
        ('"We will respond to any provocation with overwhelming force."', QuoteCheck.VERIFIED),
        ("we will RESPOND to any   provocation", QuoteCheck.VERIFIED),
        ("We will respond … overwhelming force", QuoteCheck.VERIFIED),
        ("We will respond with nuclear weapons", QuoteCheck.NOT_FOUND),
        ("", QuoteCheck.UNCHECKED),
    ],
)
def test_the_quote_is_checked_against_the_archived_page(citation_at, quote, result):
    citation = citation_at("/article", quote=quote)
    fetch(citation)
    assert citation.quote_check == result


def test_editing_the_quote_rechecks_it_without_fetching(citation_at, article_server):
    citation = citation_at("/article", quote="something nobody said")
    fetch(citation)
    assert citation.quote_check == QuoteCheck.NOT_FOUND
    hits = article_server.hits["/article"]
    citation.quote = "the drills were planned months ago"
    citation.save()
    services.citation_after_edit(citation=citation, changed=["quote"], fetch_again=False)
    citation.refresh_from_db()
    assert citation.quote_check == QuoteCheck.VERIFIED
    assert article_server.hits["/article"] == hits


def test_a_quote_outside_the_main_text_is_found_in_the_page(citation_at):
    citation = citation_at("/article", quote="© The Daily Example")
    fetch(citation)
    assert citation.quote_check == QuoteCheck.VERIFIED


# --- Scheduling, sweep and link health -----------------------------------------------------------


def test_the_fetch_is_queued_only_after_the_transaction_commits(
    citation_at, eager_tasks, django_capture_on_commit_callbacks, article_server
):
    citation = citation_at("/article")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.citation_schedule_fetch(citation=citation)
        citation.refresh_from_db()
        assert citation.link_status == LinkStatus.PENDING
    assert "/article" not in article_server.hits
    for callback in callbacks:
        callback()
    citation.refresh_from_db()
    assert citation.link_status == LinkStatus.FETCHED


def test_a_citation_without_url_has_no_status(db):
    citation = Citation.objects.create(
        story=factories.story(), url="", claim="x", link_status=LinkStatus.FAILED
    )
    services.citation_schedule_fetch(citation=citation)
    citation.refresh_from_db()
    assert citation.link_status == ""


def test_when_the_queue_is_down_the_citation_stays_pending_and_the_sweep_requeues_it(
    citation_at, django_capture_on_commit_callbacks, settings
):
    citation = citation_at("/article")
    from sources import tasks

    with (
        mock.patch.object(
            tasks.citation_fetch_task, "apply_async", side_effect=ConnectionError("Redis down")
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.citation_schedule_fetch(citation=citation)
    citation.refresh_from_db()
    assert citation.link_status == LinkStatus.PENDING
    # Not overdue yet: the sweep leaves it alone.
    with mock.patch.object(tasks.citation_fetch_task, "apply_async") as queued:
        assert services.citations_requeue_overdue() == 0
    # Minutes later, Redis is back.
    Citation.objects.filter(pk=citation.pk).update(
        fetch_due_at=timezone.now()
        - dt.timedelta(minutes=settings.NEWSDESK_FETCH_PENDING_MINUTES + 1)
    )
    with mock.patch.object(tasks.citation_fetch_task, "apply_async") as queued:
        assert services.citations_requeue_overdue() == 1
    queued.assert_called_once_with((citation.pk,), kwargs={"attempt": 0}, countdown=None)


def test_the_sweep_also_finds_links_saved_without_a_status(db):
    citation = Citation.objects.create(story=factories.story(), url="https://a.example/", claim="x")
    from sources.selectors import citations_overdue

    assert list(citations_overdue()) == [citation]


def test_link_health_rechecks_published_stories_oldest_first_and_spaced_out(db, settings):
    settings.NEWSDESK_LINK_HEALTH_PER_MINUTE = 30
    published = factories.story(published=True)
    draft = factories.story()
    now = timezone.now()

    def cite(story, status, checked_hours_ago):
        return Citation.objects.create(
            story=story,
            url=f"https://news.example/{status}-{checked_hours_ago}",
            claim="x",
            link_status=status,
            link_checked_at=now - dt.timedelta(hours=checked_hours_ago),
        )

    old = cite(published, LinkStatus.FETCHED, 100)
    older = cite(published, LinkStatus.GONE, 200)
    cite(published, LinkStatus.FETCHED, 1)  # checked an hour ago
    cite(published, LinkStatus.BLOCKED, 100)  # the link itself is refused
    cite(draft, LinkStatus.FETCHED, 100)  # not published
    from sources import tasks

    with mock.patch.object(tasks.citation_fetch_task, "apply_async") as queued:
        assert services.citations_schedule_link_health() == 2
    assert [c.args for c in queued.call_args_list] == [((older.pk,),), ((old.pk,),)]
    assert [c.kwargs["countdown"] for c in queued.call_args_list] == [0.0, 2.0]


def test_link_health_marks_a_dead_link_gone(citation_at, article_server):
    citation = citation_at("/article", story=factories.story(published=True))
    fetch(citation)
    article_server.pages["/article"] = Page(status=404)
    Citation.objects.filter(pk=citation.pk).update(
        link_checked_at=timezone.now() - dt.timedelta(days=2)
    )
    from sources import tasks

    with mock.patch.object(tasks.citation_fetch_task, "apply_async") as queued:
        services.citations_schedule_link_health()
    for call in queued.call_args_list:
        tasks.citation_fetch_task.apply(args=call.args[0])
    citation.refresh_from_db()
    assert citation.link_status == LinkStatus.GONE


def test_a_busy_outlet_is_retried_in_seconds_without_using_an_attempt(citation_at, private_ok):
    private_ok.NEWSDESK_FETCH_PER_HOST = 1
    citation = citation_at("/article")
    citation.link_status = LinkStatus.PENDING
    citation.save()
    from sources import fetching

    host = "127.0.0.1"
    with fetching.host_slot(host, wait=1, hold=5):  # another fetch holds the only slot
        done = fetch(citation, host_wait=0.05)
    assert done.busy and 1 <= done.retry_in <= 5
    assert citation.link_status == LinkStatus.PENDING
    assert citation.link_reason == ""


@pytest.mark.parametrize(
    "done",
    [
        services.FetchDone(status="pending", retry_in=3.0, busy=True, attempt=2),
        services.FetchDone(status="pending", retry_in=60.0, attempt=3),
    ],
)
def test_the_task_retries_as_the_attempt_the_service_recorded(done):
    from sources import tasks

    with (
        mock.patch.object(services, "citation_fetch", return_value=done) as work,
        mock.patch.object(tasks.citation_fetch_task, "retry", side_effect=RuntimeError) as retry,
        pytest.raises(RuntimeError),
    ):
        tasks.citation_fetch_task(7, attempt=2)
    assert work.call_args.kwargs["final"] is False
    retry.assert_called_once_with(countdown=done.retry_in, kwargs={"attempt": done.attempt})


def test_a_busy_outlet_keeps_the_attempt_and_a_failure_uses_one(citation_at, private_ok):
    private_ok.NEWSDESK_FETCH_PER_HOST = 1
    citation = citation_at("/broken", link_status=LinkStatus.PENDING, fetch_attempts=2)
    from sources import fetching

    with fetching.host_slot("127.0.0.1", wait=1, hold=5):
        done = fetch(citation, attempt=2, host_wait=0.05)
    assert (done.busy, done.attempt, citation.fetch_attempts) == (True, 2, 2)
    done = fetch(citation, attempt=2)
    assert (done.busy, done.attempt, citation.fetch_attempts) == (False, 3, 3)
    assert done.retry_in is not None


def test_the_task_gives_up_after_the_last_attempt(settings):
    from sources import tasks

    settings.NEWSDESK_FETCH_MAX_RETRIES = 5
    with mock.patch.object(
        services, "citation_fetch", return_value=services.FetchDone(status="failed")
    ) as work:
        assert tasks.citation_fetch_task(7, attempt=5) == "failed"
    assert work.call_args.kwargs["final"] is True


def test_removing_the_url_clears_status_archive_link_and_quote_check(citation_at):
    citation = citation_at("/article", quote="planned months ago")
    fetch(citation)
    assert citation.quote_check == QuoteCheck.VERIFIED
    citation.url = ""
    citation.save()
    services.citation_after_edit(citation=citation, changed=["url"], fetch_again=False)
    citation.refresh_from_db()
    assert (citation.link_status, citation.quote_check) == ("", QuoteCheck.UNCHECKED)
    assert citation.latest_snapshot is None and citation.archived_copy_url == ""
    assert Snapshot.objects.filter(citation=citation).count() == 1  # the archive keeps it


# --- Redelivered tasks: a fetch is idempotent ----------------------------------------------------


def queued_fetch(citation):
    """The citation as `citation_schedule_fetch` leaves it, without running the task."""
    services.citation_schedule_fetch(citation=citation)
    citation.refresh_from_db()


def test_a_copy_of_a_finished_fetch_changes_nothing(citation_at, article_server):
    citation = citation_at("/article")
    queued_fetch(citation)
    assert fetch(citation, attempt=0).status == LinkStatus.FETCHED
    checked = citation.link_checked_at
    done = fetch(citation, attempt=0)  # Redis hands the same task out again
    assert done.stale
    assert article_server.hits["/article"] == 1
    assert citation.snapshots.count() == 1
    assert citation.link_checked_at == checked


def test_two_copies_fetching_at_once_record_once(citation_at):
    from sources import articles

    citation = citation_at("/article")
    queued_fetch(citation)
    slower_copy = articles.fetch_article(citation.url)
    fetch(citation, attempt=0)
    done = services._record(
        citation_id=citation.pk, url=citation.url, fetched=slower_copy, attempt=0, final=False
    )
    assert done.stale
    assert citation.snapshots.count() == 1


def test_a_copy_of_an_attempt_that_has_moved_on_changes_nothing(citation_at, article_server):
    citation = citation_at("/broken")
    queued_fetch(citation)
    done = fetch(citation, attempt=0)
    assert (done.attempt, citation.fetch_attempts) == (1, 1)
    assert fetch(citation, attempt=0).stale
    assert article_server.hits["/broken"] == 1
    assert citation.fetch_attempts == 1


def test_a_wait_longer_than_the_queue_may_hold_is_left_to_the_sweep(
    citation_at, article_server, settings
):
    settings.NEWSDESK_TASK_VISIBILITY_TIMEOUT = 60
    article_server.pages["/later"] = Page(
        status=503, body="down", headers={"Content-Type": "text/plain", "Retry-After": "3600"}
    )
    citation = citation_at("/later")
    queued_fetch(citation)
    done = fetch(citation, attempt=0)
    assert done.retry_in is None  # not a countdown the broker would hand out twice
    assert citation.link_status == LinkStatus.PENDING
    assert citation.fetch_attempts == 1
    assert citation.fetch_due_at > timezone.now() + dt.timedelta(minutes=59)
    from sources import tasks

    with mock.patch.object(tasks.citation_fetch_task, "apply_async") as queued:
        assert services.citations_requeue_overdue() == 0
        Citation.objects.filter(pk=citation.pk).update(
            fetch_due_at=timezone.now() - dt.timedelta(hours=1)
        )
        assert services.citations_requeue_overdue() == 1
    queued.assert_called_once_with((citation.pk,), kwargs={"attempt": 1}, countdown=None)


def test_link_health_leaves_checks_due_beyond_the_queue_to_the_sweep(db, settings):
    settings.NEWSDESK_TASK_VISIBILITY_TIMEOUT = 60  # countdowns up to 30 s
    settings.NEWSDESK_LINK_HEALTH_PER_MINUTE = 6  # one every 10 s
    story = factories.story(published=True)
    citations = [
        Citation.objects.create(
            story=story, url=f"https://news.example/{i}", claim="x", link_status="fetched"
        )
        for i in range(6)
    ]
    from sources import tasks

    with mock.patch.object(tasks.citation_fetch_task, "apply_async") as queued:
        assert services.citations_schedule_link_health() == 6
        assert [c.kwargs["countdown"] for c in queued.call_args_list] == [0, 10, 20, 30]
        # All six are owed a fetch now: the next run does not queue them again.
        assert services.citations_schedule_link_health() == 0
    assert all(
        c.fetch_due_at is not None
        for c in Citation.objects.filter(pk__in=[c.pk for c in citations])
    )
