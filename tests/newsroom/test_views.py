"""The panel's endpoints: autocomplete among people who may see the story, actions that answer
the panel or a clear refusal, and the panel's queries flat however long the discussion."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from newsroom import services
from newsroom.models import Thread

pytestmark = pytest.mark.django_db


def test_mention_autocomplete_lists_only_people_who_may_see_the_story(desk, client):
    client.force_login(desk["author"])
    url = f"/admin/newsroom/stories/{desk['story'].pk}/mentions/"
    names = [u["username"] for u in client.get(url, {"q": ""}).json()["users"]]
    assert {"jo", "eddie", "kim"} <= set(names) and "guest" not in names
    assert [u["username"] for u in client.get(url, {"q": "ed"}).json()["users"]] == ["eddie"]


def test_a_refused_mention_answers_a_clear_message(desk, client):
    client.force_login(desk["editor"])
    response = client.post(
        f"/admin/newsroom/stories/{desk['story'].pk}/threads/",
        {"newsroom_body": "@guest look"},
        HTTP_X_NEWSROOM="1",
    )
    assert response.status_code == 400
    assert "may not see this story" in response.json()["error"]


def test_starting_replying_and_resolving_through_the_panel(desk, client):
    story, citation = desk["story"], desk["story"].citations.first()
    client.force_login(desk["editor"])
    response = client.post(
        f"/admin/newsroom/stories/{story.pk}/threads/",
        {
            "newsroom_body": "Legal must see this",
            "newsroom_anchor": f"citation:{citation.pk}",
            "newsroom_blocking": "on",
        },
        HTTP_X_NEWSROOM="1",
    )
    assert response.status_code == 200 and "Legal must see this" in response.content.decode()
    thread = Thread.objects.get()
    assert thread.blocking and thread.anchor_id == citation.pk
    client.force_login(desk["author"])
    client.post(
        f"/admin/newsroom/threads/{thread.pk}/reply/", {f"newsroom_reply_{thread.pk}": "Done"}
    )
    assert thread.comments.count() == 2
    client.force_login(desk["colleague"])
    refused = client.post(f"/admin/newsroom/threads/{thread.pk}/resolve/", HTTP_X_NEWSROOM="1")
    assert refused.status_code == 403
    client.force_login(desk["editor"])
    back = client.post(f"/admin/newsroom/threads/{thread.pk}/resolve/")
    assert back.status_code == 302 and back["Location"].endswith("#discussion")
    thread.refresh_from_db()
    assert thread.resolved_by == desk["editor"]


def test_people_who_are_not_staff_get_nothing(desk, client):
    client.force_login(desk["outsider"])
    response = client.get(f"/admin/newsroom/stories/{desk['story'].pk}/panel/")
    assert response.status_code == 302  # to the admin login


def _panel_queries(client, story) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"/admin/newsroom/stories/{story.pk}/panel/").status_code == 200
    return len(queries)


def test_the_panel_query_count_stays_flat_with_50_threads_and_200_comments(desk, client):
    story = desk["story"]
    client.force_login(desk["editor"])
    first = services.thread_start(story=story, by=desk["editor"], body="First")
    services.comment_reply(thread=first, by=desk["author"], body="Reply")
    few = _panel_queries(client, story)
    for j in range(2):
        services.comment_reply(thread=first, by=desk["editor"], body=f"Reply {j}")
    section = story.sections.first()
    for i in range(49):
        anchor = f"section:{section.pk}" if i % 2 else "story"
        thread = services.thread_start(
            story=story,
            by=desk["author"],
            body=f"Thread {i}",
            anchor=anchor,
            quote="Text" if i % 2 else "",
        )
        for j in range(3):
            services.comment_reply(thread=thread, by=desk["editor"], body=f"Reply {j}")
    assert Thread.objects.count() == 50
    assert sum(t.comments.count() for t in Thread.objects.all()) == 200
    many = _panel_queries(client, story)
    assert many <= few + 1  # the quoted sections' text: one query however many
    assert many <= 16


def test_the_story_page_includes_the_panel_and_keeps_its_queries(desk, client):
    story = desk["story"]
    client.force_login(desk["editor"])
    url = f"/admin/stories/story/{story.pk}/change/"
    client.get(url)  # the checklist is cached from here on
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    for i in range(50):  # 50 threads, 200 comments
        thread = services.thread_start(story=story, by=desk["author"], body=f"T{i}")
        for j in range(3):
            services.comment_reply(thread=thread, by=desk["editor"], body=f"R{j}")
    with CaptureQueriesContext(connection) as after:
        html = client.get(url).content.decode()
    assert 'id="discussion"' in html and "newsroom/newsroom.js" in html
    assert len(after) == len(before)


def test_the_admin_lists_threads_and_preview_links_read_only(desk, superuser, client):
    services.thread_start(story=desk["story"], by=desk["editor"], body="Note", blocking=True)
    services.preview_link_create(story=desk["story"], by=desk["editor"])
    client.force_login(superuser)
    assert client.get("/admin/newsroom/thread/").status_code == 200
    html = client.get("/admin/newsroom/previewlink/").content.decode()
    assert desk["story"].headline in html and "token_hash" not in html
    assert client.get("/admin/newsroom/thread/add/").status_code == 403
