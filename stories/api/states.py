"""Story states remembered in Redis, so a cached detail or a 304 costs no SQL at all.

A detail request needs the story's state (public? withdrawn? which version?) before anything
else. Read from the database, that query alone is as long as the whole of a plain Django view.
Here the state rides along in the partner key check's Redis script (partners/throttling.py):
one round trip brings the key verdict, the partner's count, the state and, when the partner has
no copy yet, the cached representation itself.

Kept honest by one counter, the stories epoch: every committed change to any story row (a save,
an `update()`, a delete, a migration; stories/receivers.py) moves it on, and a remembered state
counts only while the epoch it was read under is still the current one. The epoch is read
*before* the database, so a state read just before a change is filed under the old epoch and
never served once the change has committed; no entry has to be found and deleted, and a slug
that changed or a story that was deleted needs nothing special. Should Redis be unreachable at
the moment a change commits, the epoch cannot move: entries then live
`NEWSDESK_API_STATE_SECONDS` at most, which bounds how long such a change can go unseen.

Only with Redis (the same script does the key check); on a laptop's local-memory cache every
request reads the state from the database, as it would with the setting at 0.
"""

import functools
import json
import logging
from dataclasses import asdict
from datetime import datetime

from django.conf import settings
from django.core.cache import cache, caches
from django.db import DEFAULT_DB_ALIAS, transaction
from django_redis import get_redis_connection
from django_redis.cache import RedisCache
from redis.exceptions import RedisError

from partners.throttling import PLAIN, Rider
from stories.api.representations import REPRESENTATION_REVISION, representation_key
from stories.api.selectors import StoryState, story_state

log = logging.getLogger(__name__)

EPOCH_KEY = "api:stories-epoch"
# Goes into every state entry's key: bump it when `StoryState` changes shape, so processes of
# two releases running side by side during a deploy never read each other's entries.
STATE_FORMAT = 1

# Runs after the key check and count (KEYS[1-2], ARGV[1-3]). KEYS[3]: the stories epoch,
# KEYS[4]: the story's remembered state. ARGV[4], ARGV[5]: the head and tail of its cached
# representation's key around "id:version:rendition" (tail '' when no body is wanted).
# A missing epoch (a new or emptied Redis) starts from Redis's clock in microseconds, so it
# never comes back to a value an old entry carries.
STATE_LUA = """
local epoch = redis.call('GET', KEYS[3])
if not epoch then
  local now = redis.call('TIME')
  redis.call('SET', KEYS[3], now[1] .. string.sub('000000' .. now[2], -6), 'NX')
  epoch = redis.call('GET', KEYS[3])
end
local state = redis.call('GET', KEYS[4])
local body = false
if state then
  local tag, identity = string.match(state, '^(%d+) (%S+) ')
  if tag ~= epoch then
    state = false
  elseif ARGV[5] ~= '' then
    body = redis.call('GET', ARGV[4] .. identity .. ARGV[5])
  end
end
return {entry, count, ttl, epoch, state, body}
"""

# The new epoch is Redis's clock in microseconds, or one more than the current epoch when that
# is ahead: a Redis restored from an older snapshot (or a failed-over replica that missed the
# last moves) still never comes back to an epoch a remembered state carries after its next move.
EPOCH_BUMP_LUA = """
local now = redis.call('TIME')
local clock = now[1] .. string.sub('000000' .. now[2], -6)
local current = redis.call('GET', KEYS[1])
if current and (string.len(current) > string.len(clock)
    or (string.len(current) == string.len(clock) and current >= clock)) then
  return redis.call('INCR', KEYS[1])
end
redis.call('SET', KEYS[1], clock)
return 0
"""


def enabled() -> bool:
    return (
        settings.NEWSDESK_API_CACHE
        and settings.NEWSDESK_API_STATE_SECONDS > 0
        and isinstance(caches["default"], RedisCache)
    )


def state_rider(slug: str, *, body_kind: str | None) -> Rider:
    """What the key check's script should also read for the story at `slug`: its state and,
    with `body_kind`, the cached representation of that kind."""
    return _rider(slug, body_kind) if enabled() else PLAIN


@functools.lru_cache(maxsize=4096)
def _rider(slug: str, body_kind: str | None) -> Rider:
    head, tail = _body_key_parts(body_kind) if body_kind else ("", "")
    return Rider(lua=STATE_LUA, keys=(_epoch_key(), _state_key(slug)), args=(head, tail))


def state_from_read(slug: str, read: list | None) -> tuple[StoryState | None, bytes | None]:
    """(state, cached body) from what the rider read. A state that was not remembered under
    the current epoch is read from the primary (a lagging replica must not be remembered as
    current) and remembered; without the script's answer (Redis down, key not remembered)
    it comes from the database as before."""
    if not read:
        return story_state(slug=slug), None
    epoch, raw_state, raw_body = read
    remembered = _decoded(raw_state) if raw_state else None
    if remembered is not None:
        return remembered, cache.client.decode(raw_body) if raw_body else None
    state = story_state(slug=slug, using=DEFAULT_DB_ALIAS)
    if state is not None:
        _remember(epoch, state)
    return state, None


def stories_changed() -> None:
    """Move the stories epoch on: every remembered state is stale from now. Called when a
    change commits; a Redis that cannot be reached is logged, not raised (the save stands,
    and the entries expire on their own). Moved whatever the settings say, so no process
    with the cache on can keep a state another process changed."""
    if not isinstance(caches["default"], RedisCache):
        return
    try:
        _bump_script()(keys=[_epoch_key()], client=get_redis_connection("default"))
    except RedisError:
        log.warning(
            "Could not mark remembered story states stale: Redis is unreachable. Partners may "
            "see the previous state for up to %s s.",
            settings.NEWSDESK_API_STATE_SECONDS,
        )


def stories_changed_on_commit(using: str = DEFAULT_DB_ALIAS) -> None:
    # robust: another callback that fails must not keep the epoch from moving.
    transaction.on_commit(stories_changed, using=using, robust=True)


def _remember(epoch: bytes, state: StoryState) -> None:
    values = asdict(state)
    for name, value in values.items():
        if isinstance(value, datetime):
            values[name] = value.isoformat()
    identity = f"{state.id}:{state.version}:{state.rendition}"
    entry = f"{epoch.decode()} {identity} {json.dumps(values, separators=(',', ':'))}"
    try:
        get_redis_connection("default").set(
            _state_key(state.slug),
            entry,
            ex=settings.NEWSDESK_API_STATE_SECONDS,
        )
    except RedisError:  # the next request reads the database again
        pass


@functools.lru_cache(maxsize=4096)
def _decoded(raw: bytes) -> StoryState | None:
    """A remembered state, parsed once per process (entries change with every epoch); None
    for an entry this code cannot read, which then counts as not remembered."""
    try:
        values = json.loads(raw.split(b" ", 2)[2])
        for name in ("updated_at", "published_at", "embargo_until", "withdrawn_at"):
            if values[name] is not None:
                values[name] = datetime.fromisoformat(values[name])
        return StoryState(**values)
    except (IndexError, KeyError, TypeError, ValueError):
        log.warning("A remembered story state could not be read; reading the database.")
        return None


@functools.cache
def _body_key_parts(kind: str) -> tuple[str, str]:
    """The cache key of a representation, split around its "id:version:rendition"."""
    head = cache.make_and_validate_key("api:story:")
    tail = f":{REPRESENTATION_REVISION}:{kind}"
    key = representation_key(story_id=7, version=8, rendition=9, kind=kind)
    assert cache.make_and_validate_key(key) == f"{head}7:8:9{tail}"  # noqa: S101
    return head, tail


def _state_key(slug: str) -> str:
    return cache.make_and_validate_key(f"api:state:{STATE_FORMAT}:{slug}")


@functools.cache
def _epoch_key() -> str:
    return cache.make_and_validate_key(EPOCH_KEY)


@functools.cache
def _bump_script():
    return get_redis_connection("default").register_script(EPOCH_BUMP_LUA)
