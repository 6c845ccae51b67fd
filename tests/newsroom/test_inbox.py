"""The inbox: mentions, replies and the steps of one's stories, with an unread count."""

import pytest

from newsroom import services
from newsroom.models import InboxItem
from stories import workflow

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _eager(eager_tasks):
    yield


def test_writers_and_editors_hear_when_their_story_changes_state(desk):
    story = workflow.story_submit(story=desk["story"], by=desk["author"])
    assert not InboxItem.objects.filter(user=desk["author"]).exists()  # their own step
    story = workflow.story_request_changes(story=story, by=desk["editor"], comment="Tighten.")
    (sent_back,) = InboxItem.objects.filter(user=desk["author"], kind="state")
    assert "sent back" in sent_back.text
    story = workflow.story_submit(story=story, by=desk["author"])
    submitted = InboxItem.objects.filter(user=desk["editor"], kind="state").get()
    assert "submitted for review" in submitted.text
    workflow.story_publish(story=story, by=desk["editor"])
    texts = list(InboxItem.objects.filter(user=desk["author"]).values_list("text", flat=True))
    assert any("was published" in text for text in texts)
    assert not InboxItem.objects.filter(user=desk["colleague"]).exists()


def test_the_inbox_page_lists_items_and_marks_them_read(desk, client):
    services.thread_start(story=desk["story"], by=desk["editor"], body="@jo see this")
    client.force_login(desk["author"])
    assert client.get("/admin/newsroom/inbox/count/").json() == {"unread": 1}
    html = client.get("/admin/newsroom/inbox/").content.decode()
    assert "see this" in html and desk["story"].headline in html and "1 unread" in html
    client.post("/admin/newsroom/inbox/read/")
    assert client.get("/admin/newsroom/inbox/count/").json() == {"unread": 0}


def test_the_admin_header_links_the_inbox_with_its_count_loaded_by_script(desk, client):
    client.force_login(desk["author"])
    html = client.get("/admin/").content.decode()
    assert 'id="newsroom-inbox-link"' in html and "newsroom/inbox_count.js" in html


def test_one_persons_inbox_is_theirs_alone(desk, client):
    services.thread_start(story=desk["story"], by=desk["editor"], body="@jo private")
    client.force_login(desk["colleague"])
    assert "private" not in client.get("/admin/newsroom/inbox/").content.decode()
    client.post("/admin/newsroom/inbox/read/")
    assert InboxItem.objects.get().read_at is None
