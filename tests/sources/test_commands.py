"""fetch_url and fetch_citations, against the local server."""

import json

import pytest
from django.core.management import CommandError, call_command

from sources import services
from sources.models import Citation, LinkStatus
from tests import factories


def run_fetch_url(url, capsys):
    code = 0
    try:
        call_command("fetch_url", url)
    except SystemExit as exc:
        code = exc.code
    return code, json.loads(capsys.readouterr().out)


def test_fetch_url_prints_the_outcome_and_metadata(private_ok, article_server, capsys):
    code, printed = run_fetch_url(article_server.url("/moved"), capsys)
    assert code == 0
    assert printed["outcome"] == "fetched"
    assert printed["reason"] == ""
    assert printed["final_url"] == article_server.url("/article")
    assert printed["http_status"] == 200
    assert printed["title"] == "Allies hold drills as tension rises"
    assert printed["authors"] == ["Kim Min-ji", "Jane Roe"]
    assert printed["published"] == "2025-11-03T08:15:00+09:00"
    assert {"site_name", "description", "canonical_url", "language", "text"} <= printed.keys()


@pytest.mark.parametrize(
    ("path", "outcome", "reason"),
    [
        ("/removed", "gone", "HTTP 410"),
        ("/broken", "failed", "HTTP 503"),
        ("/paper.pdf", "failed", "not HTML: the page is application/pdf"),
    ],
)
def test_fetch_url_exits_non_zero_unless_fetched(
    private_ok, article_server, capsys, path, outcome, reason
):
    code, printed = run_fetch_url(article_server.url(path), capsys)
    assert code == 1
    assert (printed["outcome"], printed["reason"]) == (outcome, reason)


def test_fetch_url_blocked(settings, capsys):
    settings.NEWSDESK_FETCH_ALLOW_PRIVATE_NETWORKS = False
    code, printed = run_fetch_url("http://169.254.169.254/latest/meta-data/", capsys)
    assert code == 1
    assert printed["outcome"] == "blocked"
    assert (
        printed["reason"]
        == "blocked: 169.254.169.254 is a link-local address (cloud metadata lives here)"
    )


@pytest.mark.django_db
def test_fetch_citations_fetches_what_was_never_fetched(citation_at, capsys):
    new = citation_at("/article")
    done = citation_at("/opengraph")
    services.citation_fetch(citation_id=done.pk)
    dead = citation_at("/missing")
    call_command("fetch_citations", "--workers", "1")
    out = capsys.readouterr().out
    assert "Fetched 2 citation(s): 1 fetched, 1 gone." in out
    new.refresh_from_db(), dead.refresh_from_db()
    assert (new.link_status, dead.link_status) == (LinkStatus.FETCHED, LinkStatus.GONE)


@pytest.mark.django_db
def test_fetch_citations_options(citation_at, article_server, capsys):
    story = factories.story()
    mine = citation_at("/article", story=story)
    other = citation_at("/broken")
    services.citation_fetch(citation_id=other.pk, final=True)
    call_command("fetch_citations", "--workers", "1", "--story", story.slug)
    mine.refresh_from_db()
    assert mine.link_status == LinkStatus.FETCHED
    assert article_server.hits["/broken"] == 1  # not this story's

    article_server.pages["/broken"] = article_server.pages["/plain"]
    call_command("fetch_citations", "--workers", "1", "--failed")
    other.refresh_from_db()
    assert other.link_status == LinkStatus.FETCHED

    capsys.readouterr()
    call_command("fetch_citations", "--workers", "1", "--stale", "1")
    assert "No citations to fetch." in capsys.readouterr().out
    call_command("fetch_citations", "--workers", "1", "--stale", "0")
    assert "Fetched 2 citation(s)" in capsys.readouterr().out


@pytest.mark.django_db
def test_fetch_citations_failed_tries_a_host_that_did_not_resolve_again(private_ok, capsys):
    citation = Citation.objects.create(
        story=factories.story(), url="https://no-such-outlet.invalid/story", claim="x"
    )
    call_command("fetch_citations", "--workers", "1")
    citation.refresh_from_db()
    assert citation.link_status == LinkStatus.FAILED
    capsys.readouterr()
    call_command("fetch_citations", "--workers", "1", "--failed")
    assert "Fetched 1 citation(s): 1 failed." in capsys.readouterr().out


@pytest.mark.django_db
def test_fetch_citations_refuses_an_unknown_story():
    with pytest.raises(CommandError, match="No story with the slug"):
        call_command("fetch_citations", "--workers", "1", "--story", "no-such-story")


@pytest.mark.django_db
def test_fetch_citations_ignores_citations_without_a_link(capsys):
    Citation.objects.create(story=factories.story(), claim="No link.")
    call_command("fetch_citations", "--workers", "1")
    assert "No citations to fetch." in capsys.readouterr().out
