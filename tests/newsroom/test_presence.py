"""Presence: who else has the story open, in Redis with a TTL or in the cache without it;
a store that fails never stops editing."""

import pytest

from newsroom import presence

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["cache", "redis"])
def store(request, settings):
    if request.param == "cache":
        settings.REDIS_URL = ""
    else:
        request.applymarker(pytest.mark.redis)
        request.getfixturevalue("_require_services")
        if not settings.REDIS_URL:
            pytest.skip("needs Redis")
        client = presence._redis()
        for key in client.scan_iter("newsdesk:presence:*"):
            client.delete(key)
    return request.param


def test_people_see_each_other_and_the_section_they_edit(desk, store):
    story_id = desk["story"].pk
    assert presence.presence_beat(story_id=story_id, user=desk["author"]) == []
    others = presence.presence_beat(story_id=story_id, user=desk["editor"], section="forecast")
    initials = (desk["author"].first_name[0] + desk["author"].last_name[0]).upper()
    assert [(o["user"], o["initials"]) for o in others] == [(desk["author"].pk, initials)]
    (seen,) = presence.presence_beat(story_id=story_id, user=desk["author"], section="forecast")
    assert seen["user"] == desk["editor"].pk and seen["section"] == "forecast"


def test_an_entry_goes_stale_after_its_ttl_and_leaving_removes_it(desk, store, monkeypatch):
    story_id = desk["story"].pk
    presence.presence_beat(story_id=story_id, user=desk["author"])
    presence.presence_leave(story_id=story_id, user=desk["author"])
    assert presence.presence_beat(story_id=story_id, user=desk["editor"]) == []
    presence.presence_beat(story_id=story_id, user=desk["author"])
    now = presence.time.time()
    monkeypatch.setattr(presence.time, "time", lambda: now + 120)
    assert presence.presence_beat(story_id=story_id, user=desk["editor"]) == []


def test_a_store_that_fails_answers_nobody(desk, settings, monkeypatch):
    settings.REDIS_URL = ""

    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(presence.cache, "get", down)
    assert presence.presence_beat(story_id=desk["story"].pk, user=desk["author"]) == []


def test_the_heartbeat_endpoint(desk, client, settings):
    settings.REDIS_URL = ""
    client.force_login(desk["author"])
    url = f"/admin/newsroom/stories/{desk['story'].pk}/presence/"
    assert client.post(url).json()["others"] == []
    client.force_login(desk["editor"])
    answer = client.post(url, {"section": "forecast"}).json()
    assert [o["user"] for o in answer["others"]] == [desk["author"].pk]
    assert answer["every"] == 20
    client.force_login(desk["outsider"])
    assert client.post(url).status_code == 302
