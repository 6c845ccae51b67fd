"""Citations on the story page: status, archived copy, quote check, fetch on save and again."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sources import services
from sources.models import Citation, LinkStatus, QuoteCheck
from tests import factories

pytestmark = pytest.mark.django_db


def change_url(story):
    return reverse("admin:stories_story_change", args=[story.pk])


def form_data(response) -> dict:
    """What a browser would post back from the story's change form."""
    from lxml import html

    form = html.fromstring(response.content).get_element_by_id("story_form")
    data = {}
    for field in form.inputs:
        kind = getattr(field, "type", None)
        if field.name is None or kind in {"submit", "button", "file"}:
            continue
        if kind == "checkbox":
            if field.checked:
                data[field.name] = field.value or "on"
        elif field.tag == "select":
            selected = [o.get("value") for o in field.xpath(".//option[@selected]")]
            data[field.name] = selected[0] if selected else ""
        else:
            data[field.name] = field.value or ""
    return data


def citation_prefix(data: dict, citation: Citation) -> str:
    return next(
        k
        for k, v in data.items()
        if k.startswith("citations-") and k.endswith("-id") and v == str(citation.pk)
    )[:-3]


def test_the_inline_shows_status_archived_copy_and_quote_check(client, superuser, citation_at):
    story = factories.story(by=superuser)
    citation = citation_at("/article", story=story, quote="planned months ago")
    services.citation_fetch(citation_id=citation.pk)
    citation.refresh_from_db()
    client.force_login(superuser)
    page = client.get(change_url(story)).content.decode()
    assert "Fetched" in page
    assert citation.archived_copy_url in page
    assert "quote found in the source" in page
    assert "Fetch again when saving" in page


def test_the_inline_says_why_a_link_failed(client, superuser, db, settings):
    settings.NEWSDESK_FETCH_ALLOW_PRIVATE_NETWORKS = False
    story = factories.story(by=superuser)
    citation = Citation.objects.create(story=story, url="http://10.0.0.5/", claim="x")
    services.citation_fetch(citation_id=citation.pk)
    client.force_login(superuser)
    page = client.get(change_url(story)).content.decode()
    assert "Blocked" in page
    assert "blocked: 10.0.0.5 is a private address" in page


def test_saving_a_new_url_fetches_it_after_the_save_commits(
    client, superuser, citation_at, article_server, eager_tasks, django_capture_on_commit_callbacks
):
    story = factories.story(by=superuser)
    citation = Citation.objects.create(story=story, claim="Drills were held.")
    client.force_login(superuser)
    data = form_data(client.get(change_url(story)))
    data[f"{citation_prefix(data, citation)}-url"] = article_server.url("/article")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change_url(story), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    citation.refresh_from_db()
    assert citation.link_status == LinkStatus.FETCHED
    assert citation.title == "Allies hold drills as tension rises"
    assert article_server.hits["/article"] == 1


def test_saving_without_touching_the_url_does_not_fetch(
    client, superuser, citation_at, article_server, eager_tasks, django_capture_on_commit_callbacks
):
    story = factories.story(by=superuser)
    citation = citation_at("/article", story=story)
    services.citation_fetch(citation_id=citation.pk)
    client.force_login(superuser)
    data = form_data(client.get(change_url(story)))
    data[f"{citation_prefix(data, citation)}-claim"] = "A better claim."
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(change_url(story), data).status_code == 302
    assert article_server.hits["/article"] == 1


def test_fetch_again_when_saving(
    client, superuser, citation_at, article_server, eager_tasks, django_capture_on_commit_callbacks
):
    story = factories.story(by=superuser)
    citation = citation_at("/article", story=story, quote="not on the page")
    services.citation_fetch(citation_id=citation.pk)
    client.force_login(superuser)
    data = form_data(client.get(change_url(story)))
    data[f"{citation_prefix(data, citation)}-fetch_again"] = "on"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(change_url(story), data).status_code == 302
    assert article_server.hits["/article"] == 2
    citation.refresh_from_db()
    assert citation.quote_check == QuoteCheck.NOT_FOUND


def test_fetch_again_action_on_the_citation_list(
    client, superuser, citation_at, article_server, eager_tasks, django_capture_on_commit_callbacks
):
    first, second = citation_at("/article"), citation_at("/opengraph")
    client.force_login(superuser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:sources_citation_changelist"),
            {"action": "fetch_again", "_selected_action": [first.pk, second.pk]},
            follow=True,
        )
    assert "2 link(s) will be fetched again" in response.content.decode()
    assert article_server.hits["/article"] == 1 and article_server.hits["/opengraph"] == 1
    first.refresh_from_db()
    assert first.link_status == LinkStatus.FETCHED


def test_citation_and_snapshot_pages_open(client, superuser, citation_at):
    citation = citation_at("/article")
    services.citation_fetch(citation_id=citation.pk)
    citation.refresh_from_db()
    client.force_login(superuser)
    page = client.get(reverse("admin:sources_citation_change", args=[citation.pk]))
    assert citation.archived_copy_url in page.content.decode()
    snapshot_page = client.get(
        reverse("admin:sources_snapshot_change", args=[citation.latest_snapshot_id])
    )
    assert snapshot_page.status_code == 200
    assert client.get(reverse("admin:sources_snapshot_changelist")).status_code == 200


def test_story_page_query_count_stays_flat_with_archived_citations(client, superuser, citation_at):
    def story_with(n):
        story = factories.story(by=superuser, citations=n)
        for citation in story.citations.all():
            citation.url = citation_at("/article").url
            citation.quote = "planned months ago"
            citation.save()
            services.citation_fetch(citation_id=citation.pk)
        return story

    small, big = story_with(1), story_with(30)
    client.force_login(superuser)
    for story in (small, big):  # warm caches (content types, sessions, the checklist)
        client.get(change_url(story))
    with CaptureQueriesContext(connection) as small_queries:
        assert client.get(change_url(small)).status_code == 200
    with CaptureQueriesContext(connection) as big_queries:
        page = client.get(change_url(big)).content.decode()
    assert page.count("archived copy") == 30
    assert len(big_queries) == len(small_queries)


@pytest.mark.django_db
def test_journalists_and_editors_may_view_archived_snapshots():
    from django.contrib.auth.models import Group

    for name in ["Journalists", "Editors"]:
        codes = set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))
        assert "view_snapshot" in codes and "change_snapshot" not in codes


# --- The standalone citation admin: read-only, citations are edited through their story ----


def citation_admin_urls(citation) -> dict[str, str]:
    return {
        "change": reverse("admin:sources_citation_change", args=[citation.pk]),
        "delete": reverse("admin:sources_citation_delete", args=[citation.pk]),
        "add": reverse("admin:sources_citation_add"),
    }


@pytest.mark.parametrize("role", ["journalist", "editor", "superuser"])
def test_the_citation_admin_refuses_changes_deletes_and_adds(client, request, role):
    user = request.getfixturevalue(role)
    story = factories.story(by=user, published=True)
    citation = Citation.objects.create(story=story, claim="Three navies held drills.", url="")
    client.force_login(user)
    urls = citation_admin_urls(citation)
    edit = {"story": story.pk, "claim": "Something else entirely.", "order": 0}
    assert client.post(urls["change"], edit).status_code == 403
    assert client.post(urls["delete"], {"post": "yes"}).status_code == 403
    assert client.post(urls["add"], edit).status_code == 403
    citation.refresh_from_db()
    assert citation.claim == "Three navies held drills."
    assert Citation.objects.filter(story=story).count() == 1


def test_the_citation_page_links_to_its_story(client, journalist):
    story = factories.story(by=journalist)
    citation = Citation.objects.create(story=story, claim="Three navies held drills.")
    client.force_login(journalist)
    page = client.get(reverse("admin:sources_citation_change", args=[citation.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Edit in its story" in html
    assert reverse("admin:stories_story_change", args=[story.pk]) in html
    assert 'name="_save"' not in html
    assert reverse("admin:sources_citation_delete", args=[citation.pk]) not in html
    listing = client.get(reverse("admin:sources_citation_changelist")).content.decode()
    assert reverse("admin:stories_story_change", args=[story.pk]) in listing
    assert "delete_selected" not in listing


# --- Actions need a permission ----------------------------------------------------------------


@pytest.fixture
def viewer(db):
    """Staff who may look at citations, and nothing more."""
    from django.contrib.auth.models import Permission

    user = factories.UserFactory(username="viewer")
    user.user_permissions.add(
        Permission.objects.get(codename="view_citation", content_type__app_label="sources")
    )
    return user


def test_a_view_only_user_cannot_fetch_again(
    client, viewer, citation_at, article_server, eager_tasks, django_capture_on_commit_callbacks
):
    citation = citation_at("/article")
    client.force_login(viewer)
    assert client.get(reverse("admin:sources_citation_changelist")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:sources_citation_changelist"),
            {"action": "fetch_again", "_selected_action": [citation.pk]},
            follow=True,
        )
    assert "/article" not in article_server.hits
    citation.refresh_from_db()
    assert citation.link_status == ""


def test_fetching_again_needs_the_right_to_change_citations(viewer, journalist, citation_at):
    from django.core.exceptions import PermissionDenied

    citation = citation_at("/article")
    with pytest.raises(PermissionDenied, match="change citations"):
        services.citations_fetch_again(citations=Citation.objects.all(), by=viewer)
    citation.refresh_from_db()
    assert citation.link_status == ""
    assert services.citations_fetch_again(citations=Citation.objects.all(), by=journalist) == 1
    citation.refresh_from_db()
    assert citation.link_status == LinkStatus.PENDING


def test_journalists_may_fetch_again_from_the_list(
    client, journalist, citation_at, article_server, eager_tasks, django_capture_on_commit_callbacks
):
    citation = citation_at("/article")
    client.force_login(journalist)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:sources_citation_changelist"),
            {"action": "fetch_again", "_selected_action": [citation.pk]},
            follow=True,
        )
    assert "1 link(s) will be fetched again" in response.content.decode()
    assert article_server.hits["/article"] == 1


def test_an_editor_still_deletes_a_story_with_its_citations(client, editor):
    """The story's delete page asks each related admin whether its rows may go with it."""
    story = factories.story(by=editor, citations=2)
    client.force_login(editor)
    response = client.post(reverse("admin:stories_story_delete", args=[story.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Citation.objects.filter(story_id=story.pk).exists()
