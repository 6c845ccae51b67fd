"""Story states remembered in Redis, so a cached detail or a 304 costs no SQL at all.

A detail request needs the story's state (public? withdrawn? which version?) before anything
else. Read from the database, that query alone is as long as the whole of a plain Django view.
Here the state rides along in the partner key check's Redis script (partners/throttling.py):
one round trip brings the key verdict, the partner's count, the state and, when the partner has
no copy yet, the cached representation itself.

Kept honest by epochs, counters that committed changes move on: one per slug, moved by every
committed change to the story at that slug (a save, an `update()`, a delete; see
stories/receivers.py), and one for all stories, moved by migrations. A remembered state counts
only while both epochs it was read under are still current. They are read *before* the
database, so a state read just before a change is filed under the old epochs and never served
once the change has committed; no entry has to be found and deleted, and editing one story
leaves every other story's state remembered. Should Redis be unreachable at the moment a change
commits, its epoch cannot move: entries then live `NEWSDESK_API_STATE_SECONDS` at most, which
bounds how long such a change can go unseen. (Between a commit and its epoch's move, which
runs as the commit's first callback, a request may still be answered from the old state, as
it would be from a read that began a moment earlier.)

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
STORY_EPOCH_KEY = "api:story-epoch:{slug}"
# A slug's epoch lives this long after its last move (it keeps epochs of stories nobody
# changes from piling up); entries live far shorter (NEWSDESK_API_STATE_SECONDS), so none
# filed under an epoch outlives it.
STORY_EPOCH_SECONDS = 7 * 24 * 60 * 60
# Goes into every state entry's key: bump it when `StoryState` changes shape, so processes of
# two releases running side by side during a deploy never read each other's entries.
STATE_FORMAT = 1

# An epoch's next value is Redis's clock in microseconds, or one more than the current value
# when that is ahead; a missing epoch starts from the clock. So an epoch never comes back to a
# value an entry carries, even after Redis lost it, was emptied, or was restored from an older
# snapshot (its next move passes every value it had).
_CLOCK_LUA = """
local function clock()
  local now = redis.call('TIME')
  return now[1] .. string.sub('000000' .. now[2], -6)
end
"""

# Runs after the key check and count (KEYS[1-2], ARGV[1-3]). KEYS[3]: the all-stories epoch,
# KEYS[4]: the slug's epoch, KEYS[5]: the story's remembered state. ARGV[4], ARGV[5]: the
# head and tail of its cached representation's key around "id:version:rendition" (tail ''
# when no body is wanted). A slug whose epoch never moved (or expired) reads as epoch 0, and
# no key is made for it (a partner asking for made-up slugs must not fill Redis): its first
# move starts from the clock, far above 0, and an entry filed under 0 expires long before
# an epoch does.
STATE_LUA = (
    _CLOCK_LUA
    + """
local function current(key)
  local value = redis.call('GET', key)
  if value then return value end
  redis.call('SET', key, clock(), 'NX')
  return redis.call('GET', key)
end
local epoch = current(KEYS[3]) .. '.' .. (redis.call('GET', KEYS[4]) or '0')
local state = redis.call('GET', KEYS[5])
local body = false
if state then
  local tag, identity = string.match(state, '^(%S+) (%S+) ')
  if tag ~= epoch then
    state = false
  elseif ARGV[5] ~= '' then
    body = redis.call('GET', ARGV[4] .. identity .. ARGV[5])
  end
end
return {entry, count, ttl, epoch, state, body}
"""
)

# KEYS: the epochs to move on. ARGV[1]: their seconds ('' to keep them for good).
EPOCH_BUMP_LUA = (
    _CLOCK_LUA
    + """
local now = clock()
for _, key in ipairs(KEYS) do
  local current = redis.call('GET', key)
  if current and (string.len(current) > string.len(now)
      or (string.len(current) == string.len(now) and current >= now)) then
    redis.call('INCR', key)
  else
    redis.call('SET', key, now)
  end
  if ARGV[1] ~= '' then redis.call('EXPIRE', key, ARGV[1]) end
end
return #KEYS
"""
)


def enabled() -> bool:
    return (
        settings.NEWSDESK_API_CACHE
        and settings.NEWSDESK_API_STATE_SECONDS > 0
        and _remembers_states()
    )


def state_rider(slug: str, *, body_kind: str | None) -> Rider:
    """What the key check's script should also read for the story at `slug`: its state and,
    with `body_kind`, the cached representation of that kind."""
    return _rider(slug, body_kind) if enabled() else PLAIN


@functools.lru_cache(maxsize=4096)
def _rider(slug: str, body_kind: str | None) -> Rider:
    head, tail = _body_key_parts(body_kind) if body_kind else ("", "")
    return Rider(
        lua=STATE_LUA,
        keys=(_epoch_key(), _story_epoch_key(slug), _state_key(slug)),
        args=(head, tail),
    )


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


def stories_changed(*, slugs=None) -> None:
    """Move on the epochs of the stories at `slugs` (every story's when None): their
    remembered states are stale from now. Called when a change commits; a Redis that cannot be
    reached is logged, not raised (the save stands, and the entries expire on their own).
    Moved whatever the settings say, so no process with the cache on can keep a state another
    process changed."""
    if not _remembers_states():
        return
    if slugs is None:
        keys, seconds = [_epoch_key()], ""
    else:
        keys = [_story_epoch_key(slug) for slug in set(slugs)]
        seconds = max(STORY_EPOCH_SECONDS, 2 * settings.NEWSDESK_API_STATE_SECONDS)
    if not keys:
        return
    try:
        _bump_script()(keys=keys, args=[seconds], client=get_redis_connection("default"))
    except RedisError:
        log.warning(
            "Could not mark remembered story states stale: Redis is unreachable. Partners may "
            "see the previous state for up to %s s.",
            settings.NEWSDESK_API_STATE_SECONDS,
        )


def stories_changed_on_commit(*, slugs=None, using: str = DEFAULT_DB_ALIAS) -> None:
    # robust: another callback that fails must not keep the epochs from moving.
    transaction.on_commit(functools.partial(stories_changed, slugs=slugs), using=using, robust=True)


def _remembers_states() -> bool:
    """Whether states are remembered anywhere at all (Redis is the cache): story changes
    move epochs only then."""
    return isinstance(caches["default"], RedisCache)


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


def _story_epoch_key(slug: str) -> str:
    return cache.make_and_validate_key(STORY_EPOCH_KEY.format(slug=slug))


@functools.cache
def _epoch_key() -> str:
    return cache.make_and_validate_key(EPOCH_KEY)


@functools.cache
def _bump_script():
    return get_redis_connection("default").register_script(EPOCH_BUMP_LUA)
