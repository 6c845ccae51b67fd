"""The archived copy at /sources/snapshots/<id>/: who may see it, and that it is inert."""

import pytest
from django.urls import reverse

from sources import services
from sources.models import Citation, LinkStatus
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def archived(citation_at):
    def make(*, published: bool, status: str):
        citation = citation_at("/article", story=factories.story(published=published))
        services.citation_fetch(citation_id=citation.pk)
        Citation.objects.filter(pk=citation.pk).update(link_status=status)
        citation.refresh_from_db()
        return citation

    return make


def test_readers_see_the_archived_copy_of_a_gone_link_in_a_published_story(client, archived):
    citation = archived(published=True, status=LinkStatus.GONE)
    response = client.get(citation.archived_copy_url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Allies hold drills as tension rises" in page
    assert "largest joint exercise" in page
    assert "The original link no longer works" in page
    assert citation.story.get_absolute_url() in page


@pytest.mark.parametrize(
    ("published", "status"),
    [(True, LinkStatus.FETCHED), (False, LinkStatus.GONE), (True, LinkStatus.CHANGED)],
)
def test_readers_do_not_see_other_snapshots(client, archived, published, status):
    citation = archived(published=published, status=status)
    assert client.get(citation.archived_copy_url).status_code == 404
    raw = reverse("sources:snapshot_raw", args=[citation.latest_snapshot_id])
    assert client.get(raw).status_code == 404


def test_staff_see_any_snapshot(client, archived, journalist):
    citation = archived(published=False, status=LinkStatus.FETCHED)
    client.force_login(journalist)
    assert client.get(citation.archived_copy_url).status_code == 200


def test_no_such_snapshot(client, db):
    assert client.get(reverse("sources:snapshot", args=[999999])).status_code == 404


def test_the_page_as_served_is_sandboxed(client, archived):
    citation = archived(published=True, status=LinkStatus.GONE)
    response = client.get(reverse("sources:snapshot_raw", args=[citation.latest_snapshot_id]))
    assert response.status_code == 200
    assert "sandbox" in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "<h1>Allies hold drills as tension rises</h1>" in response.content.decode()


def test_archived_copies_are_private_to_the_browser(client, archived, journalist):
    """Staff see any snapshot: a shared cache must never hand one to a reader."""
    citation = archived(published=False, status=LinkStatus.FETCHED)
    client.force_login(journalist)
    raw = reverse("sources:snapshot_raw", args=[citation.latest_snapshot_id])
    for url in (citation.archived_copy_url, raw):
        response = client.get(url)
        assert response.status_code == 200
        assert "private" in response["Cache-Control"]
        assert "public" not in response["Cache-Control"]
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
