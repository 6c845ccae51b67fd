"""Story states remembered in Redis (stories/api/states.py): a warm detail or a 304 costs no
SQL and one Redis round trip, and no remembered state outlives a committed change."""

import pytest
import redis
from django.conf import settings

from stories import services, workflow
from stories.api import states
from stories.models import Story
from tests import factories

pytestmark = [pytest.mark.redis, pytest.mark.django_db]


@pytest.fixture
def story(journalist):
    return factories.story(by=journalist, published=True, citations=2, faq=1, entities=1)


@pytest.fixture
def store():
    return redis.Redis.from_url(settings.REDIS_URL)


def remembered(client, url):
    """Two requests: the first has the key checked in the database, the second remembers
    the story's state (and, before it, the body)."""
    client.get(url)
    return client.get(url)


@pytest.fixture
def redis_commands(monkeypatch):
    """The names of the Redis commands the web process sends, in order (on any connection,
    pooled or the key check's own)."""
    from redis.connection import AbstractConnection

    sent = []
    original = AbstractConnection.send_command

    def spy(self, *args, **options):
        sent.append(args[0])
        return original(self, *args, **options)

    monkeypatch.setattr(AbstractConnection, "send_command", spy)
    return sent


def test_a_warm_detail_and_a_304_cost_one_round_trip_and_no_sql(
    api, story, redis_commands, django_assert_num_queries
):
    url = f"/api/v1/stories/{story.slug}/"
    etag = remembered(api, url)["ETag"]
    redis_commands.clear()
    with django_assert_num_queries(0):
        warm = api.get(url)
        revalidated = api.get(url, HTTP_IF_NONE_MATCH=etag)
    assert warm.status_code == 200 and warm["ETag"] == etag
    assert warm.json()["slug"] == story.slug
    assert revalidated.status_code == 304
    assert redis_commands == ["EVALSHA", "EVALSHA"]


@pytest.mark.django_db(transaction=True)
def test_a_state_read_just_before_a_change_commits_is_never_served(api, story, editor, monkeypatch):
    """The race every cache has: a request reads the old state, the change commits, then the
    request remembers what it read. Filed under the epoch it read first, it is never used."""
    url = f"/api/v1/stories/{story.slug}/"
    assert remembered(api, url).status_code == 200  # the body is cached, the state too
    store = redis.Redis.from_url(settings.REDIS_URL)
    store.delete(states._state_key(story.slug))  # ...until its entry expired
    read = states.story_state

    def read_then_change_commits(**kwargs):
        state = read(**kwargs)
        monkeypatch.setattr(states, "story_state", read)
        workflow.story_withdraw(story=story, by=editor, reason="The quote was invented.")
        return state  # the state from before the withdrawal, about to be remembered

    monkeypatch.setattr(states, "story_state", read_then_change_commits)
    first = api.get(url)
    assert first.status_code == 200  # it answered from what it read, as any reader would
    assert api.get(url).status_code == 410  # but never again once the change had committed
    assert api.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 410


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda s: services.story_record_change(story=s), id="save"),
        pytest.param(
            lambda s: services.stories_mark_shown_parts_changed(story_ids=[s.pk]), id="update"
        ),
        pytest.param(lambda s: Story.objects.filter(pk=s.pk).delete(), id="delete"),
    ],
)
def test_every_committed_change_to_a_story_row_forgets_remembered_states(api, story, change, store):
    url = f"/api/v1/stories/{story.slug}/"
    before = remembered(api, url)
    assert api.get(url, HTTP_IF_NONE_MATCH=before["ETag"]).status_code == 304
    epoch = store.get(states._story_epoch_key(story.slug))
    change(story)
    assert store.get(states._story_epoch_key(story.slug)) != epoch
    after = api.get(url, HTTP_IF_NONE_MATCH=before["ETag"])
    if Story.objects.filter(pk=story.pk).exists():
        assert after.status_code == 200
        assert after["ETag"] != before["ETag"]
    else:
        assert after.status_code == 404


def test_entries_expire_on_their_own_should_a_change_go_unheard(api, story, store, settings):
    """Redis unreachable when a change commits cannot move the epoch; the entry's life is
    then the bound on how long partners may see the old state."""
    settings.NEWSDESK_API_STATE_SECONDS = 30
    remembered(api, f"/api/v1/stories/{story.slug}/")
    ttl = store.ttl(states._state_key(story.slug))
    assert 0 < ttl <= 30


@pytest.mark.parametrize("lost", ["all stories", "the slug"])
def test_a_lost_epoch_starts_again_at_a_value_no_old_entry_carries(api, story, store, lost):
    """Redis restarted, was emptied, or evicted or expired an epoch."""
    url = f"/api/v1/stories/{story.slug}/"
    states.stories_changed(slugs=[story.slug])  # the story was changed once
    remembered(api, url)
    entry = store.get(states._state_key(story.slug))
    store.delete(
        states._epoch_key() if lost == "all stories" else states._story_epoch_key(story.slug)
    )
    response = api.get(url)
    assert response.status_code == 200
    slug_epoch = store.get(states._story_epoch_key(story.slug)) or b"0"  # 0: never moved
    tag = b"%s.%s" % (store.get(states._epoch_key()), slug_epoch)
    assert not entry.startswith(tag + b" ")  # the old entry was not used...
    assert store.get(states._state_key(story.slug)).startswith(tag + b" ")  # ...but replaced


def test_asking_for_made_up_slugs_leaves_nothing_behind_in_redis(api, store):
    before = set(store.keys("*"))
    for number in range(5):
        assert api.get(f"/api/v1/stories/made-up-{number}/").status_code == 404
    added = {key for key in set(store.keys("*")) - before if b"made-up" in key}
    assert added == set()


@pytest.mark.django_db(transaction=True)
def test_a_change_to_one_story_keeps_every_other_story_remembered(
    api, story, journalist, django_assert_num_queries
):
    other = factories.story(by=journalist, published=True)
    draft = factories.story(by=journalist, published=False)
    url = f"/api/v1/stories/{story.slug}/"
    etag = remembered(api, url)["ETag"]
    services.story_record_change(story=draft)  # a journalist saves a draft...
    services.story_record_change(story=other)  # ...an editor updates another story
    with django_assert_num_queries(0):
        assert api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


@pytest.mark.django_db(transaction=True)
def test_a_story_saved_under_a_new_slug_is_forgotten_at_the_old_one(api, journalist, store):
    draft = factories.story(by=journalist, published=False)
    old = f"/api/v1/stories/{draft.slug}/"
    remembered(api, old)  # a 404: the draft's state is remembered at its slug
    old_epoch = store.get(states._story_epoch_key(draft.slug))
    draft = Story.objects.get(pk=draft.pk)
    draft.slug = "a-better-slug"
    draft.save()
    assert store.get(states._story_epoch_key(draft.loaded_slug)) != old_epoch
    assert api.get(old).status_code == 404


def test_turned_off_every_request_reads_the_state(api, story, settings, django_assert_num_queries):
    settings.NEWSDESK_API_STATE_SECONDS = 0
    url = f"/api/v1/stories/{story.slug}/"
    etag = api.get(url)["ETag"]
    with django_assert_num_queries(1):
        assert api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_a_change_whose_commit_cannot_reach_redis_is_saved_and_logged(
    story, monkeypatch, caplog, committed
):
    from redis.exceptions import ConnectionError as RedisConnectionError

    def unreachable(**kwargs):
        raise RedisConnectionError("Connection refused")

    monkeypatch.setattr(states, "_bump_script", lambda: unreachable)
    version = story.version
    with committed():
        services.story_record_change(story=story)
    assert Story.objects.get(pk=story.pk).version == version + 1
    assert "Partners may see the previous state for up to 60 s" in caplog.text


def test_a_migration_forgets_remembered_states(api, story, store):
    """A data migration changes rows behind every signal; its post_migrate moves the epoch."""
    from django.core.management.sql import emit_post_migrate_signal

    url = f"/api/v1/stories/{story.slug}/"
    etag = remembered(api, url)["ETag"]
    epoch = store.get(states._epoch_key())
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert store.get(states._epoch_key()) not in (None, epoch)
    assert not store.get(states._state_key(story.slug)).startswith(
        b"%s." % store.get(states._epoch_key())
    )
    assert api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_an_entry_this_release_cannot_read_counts_as_not_remembered(api, story, store, caplog):
    """A deploy runs two releases side by side; an entry in another shape is a miss, not a 500."""
    url = f"/api/v1/stories/{story.slug}/"
    remembered(api, url)
    entry = store.get(states._state_key(story.slug))
    tag, identity, _ = entry.split(b" ", 2)
    store.set(states._state_key(story.slug), tag + b" " + identity + b' {"new_field": 1}')
    states._decoded.cache_clear()
    response = api.get(url)
    assert response.status_code == 200 and response.json()["slug"] == story.slug
    assert "could not be read" in caplog.text


def test_an_epoch_restored_from_an_older_snapshot_moves_past_every_tag_seen(store):
    states.stories_changed()
    first = int(store.get(states._epoch_key()))
    states.stories_changed()
    second = int(store.get(states._epoch_key()))
    assert second > first
    store.set(states._epoch_key(), first)  # Redis came back from an older snapshot
    states.stories_changed()
    assert int(store.get(states._epoch_key())) > second


def test_a_state_to_remember_is_read_from_the_primary(api, story, monkeypatch):
    """A lagging replica must not be remembered as current (partner reads otherwise go to
    DATABASE_REPLICA_URL: newsdesk/db_routers.py)."""
    reads = []
    read = states.story_state
    monkeypatch.setattr(states, "story_state", lambda **kw: reads.append(kw) or read(**kw))
    remembered(api, f"/api/v1/stories/{story.slug}/")
    assert reads[-1] == {"slug": story.slug, "using": "default"}


def test_a_redis_that_lost_its_scripts_loads_them_again(api, story, store, redis_commands):
    url = f"/api/v1/stories/{story.slug}/"
    etag = remembered(api, url)["ETag"]
    store.script_flush()  # a restarted Redis keeps no scripts
    redis_commands.clear()
    assert api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert "EVALSHA" in redis_commands and (
        "EVAL" in redis_commands or "SCRIPT LOAD" in redis_commands
    )
    redis_commands.clear()
    assert api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert redis_commands == ["EVALSHA"]


def test_a_dropped_connection_costs_one_database_check_then_reconnects(
    api, story, store, redis_commands, django_assert_num_queries
):
    """Redis restarted or a network blip: the key check's own connection is dropped."""
    url = f"/api/v1/stories/{story.slug}/"
    etag = remembered(api, url)["ETag"]
    store.client_kill_filter(_type="normal", skipme=True)  # every other client's connection
    assert api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304  # from the database
    redis_commands.clear()
    with django_assert_num_queries(0):  # a new connection (its handshake), then the script
        assert api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
        assert redis_commands.count("EVALSHA") == 1
        redis_commands.clear()
        assert api.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert redis_commands == ["EVALSHA"]


@pytest.mark.django_db(transaction=True)
def test_a_bulk_update_outside_a_transaction_moves_the_epoch_only_once_it_committed(
    story, monkeypatch
):
    """An admin action runs outside any transaction: had the epoch moved before the UPDATE,
    a request in between would file the old row under the new epoch."""
    seen = []
    move = states.stories_changed

    def moved(**kwargs):
        seen.append((kwargs, Story.objects.get(pk=story.pk).rendition))
        move(**kwargs)

    monkeypatch.setattr(states, "stories_changed", moved)
    services.stories_mark_shown_parts_changed(story_ids=[story.pk])
    assert seen == [({"slugs": [story.slug]}, story.rendition + 1)]


@pytest.mark.django_db(transaction=True)
def test_a_bulk_update_of_many_stories_moves_every_changed_storys_epoch(
    journalist, store, monkeypatch
):
    from stories.models import StoryQuerySet

    stories = [factories.story(by=journalist, published=True) for _ in range(3)]
    before = {s.slug: store.get(states._story_epoch_key(s.slug)) for s in stories}
    monkeypatch.setattr(StoryQuerySet, "UPDATE_BATCH", 2)  # two batches
    assert Story.objects.all().update(rendition=7) == 3
    for story in stories:
        assert store.get(states._story_epoch_key(story.slug)) != before[story.slug]
    assert set(Story.objects.values_list("rendition", flat=True)) == {7}
