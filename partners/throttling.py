"""Per-partner request limits."""

import functools
import hmac
import logging
import math
import os
import threading
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache, caches
from django_redis import get_redis_connection
from django_redis.cache import RedisCache
from redis.exceptions import NoScriptError, RedisError
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.throttling import BaseThrottle

from partners.authentication import (
    KEY_REFUSED,
    PartnerKeyAuthentication,
    key_cache_key,
    key_digest,
    key_from_entry_trusted,
    key_token_key,
    key_well_formed,
    partner_key_check,
)
from partners.models import PartnerKey

WINDOW_SECONDS = 60

# Set on the Django request by the story fast path (stories/api/views.py) once it has counted
# the request: the seconds to wait when over the limit, else None. A request handed on to DRF
# afterwards is then judged by that verdict instead of being counted a second time.
COUNTED_ATTRIBUTE = "newsdesk_partner_throttle"

log = logging.getLogger(__name__)


def _count_in_redis(key: str) -> tuple[int, float]:
    """One round trip: count the request, and read how long the window has left."""
    redis = get_redis_connection("default")
    raw_key = cache.make_and_validate_key(key)
    count, ttl = redis.pipeline(transaction=False).incr(raw_key).ttl(raw_key).execute()
    if ttl < 0:  # a new window (or one whose expiry was lost): it ends a minute from now
        redis.expire(raw_key, WINDOW_SECONDS)
        ttl = WINDOW_SECONDS
    return count, ttl


def _count_in_memory(key: str) -> tuple[int, float]:
    """The same on a laptop's local-memory cache (one process, so no race to speak of)."""
    now = time.monotonic()
    count, ends = cache.get(key) or (0, now + WINDOW_SECONDS)
    if ends <= now:
        count, ends = 0, now + WINDOW_SECONDS
    cache.set(key, (count + 1, ends), timeout=WINDOW_SECONDS)
    return count + 1, ends - now


def partner_request_count(partner) -> int | None:
    """Count one request of `partner`: None when within its rate, else the seconds to wait."""
    try:
        return _partner_request_count(partner)
    except RedisError:
        # Redis down: serve partners unthrottled rather than not at all.
        log.warning("Partner throttle skipped: Redis is unreachable or refuses writes.")
        return None


def _partner_request_count(partner) -> int | None:
    key = _counter_key(partner.pk)
    if isinstance(caches["default"], RedisCache):
        count, left = _count_in_redis(key)
    else:
        count, left = _count_in_memory(key)
    if count <= partner.rate_per_minute:
        return None
    return max(1, math.ceil(left))


# KEYS: the key's remembered entry, its plain token ("digest partner-id"). ARGV: the digest of
# the key sent, the partner counter's name without the partner id, the window. When the token
# matches, the partner's request is counted as `_count_in_redis` counts it, and a rider (see
# `Rider`) may read more in the same round trip.
CHECK_AND_COUNT = """
local entry = redis.call('GET', KEYS[1])
local token = redis.call('GET', KEYS[2])
if not entry or not token then return {false, false, false} end
local digest, partner = string.match(token, '^(%x+) (%d+)$')
if digest ~= ARGV[1] then return {false, false, false} end
local counter = ARGV[2] .. partner
local count = redis.call('INCR', counter)
local ttl = redis.call('TTL', counter)
if ttl < 0 then
  redis.call('EXPIRE', counter, ARGV[3])
  ttl = tonumber(ARGV[3])
end
"""


@dataclass(frozen=True)
class Rider:
    """More for the key check's Redis script to read once the key has passed, so a hot
    endpoint spends one round trip on all it needs (stories/api/states.py).

    `lua` runs after the count with `entry`, `count` and `ttl` set, reads its own KEYS from
    KEYS[3] and ARGV from ARGV[4] on, and returns `{entry, count, ttl, ...}`.
    """

    lua: str
    keys: tuple[str, ...] = ()
    args: tuple = ()


PLAIN = Rider(lua="return {entry, count, ttl}")


def partner_key_check_counted(
    key: str, *, rider: Rider = PLAIN
) -> tuple[PartnerKey | None, int | None, list | None]:
    """(the usable key or None, None or the seconds to wait, what the rider read or None):
    the key check of `partner_key_check` and the count of `partner_request_count`, in one
    Redis round trip when the key was checked recently; the two of them one after the other
    otherwise (and then nothing was read for the rider)."""
    if not key_well_formed(key):
        return None, None, None
    prefix = key.partition(".")[0]
    if isinstance(caches["default"], RedisCache) and settings.NEWSDESK_API_KEY_CACHE_SECONDS > 0:
        digest = key_digest(key)
        keys = [*_key_names(prefix), *rider.keys]
        args = [digest, _counter_base(), WINDOW_SECONDS, *rider.args]
        try:
            entry, count, left, *read = _run(_script(rider.lua), keys, args)
        except RedisError:
            # Redis down, or refusing writes (the script counts): a revocation may not have
            # reached it either, so the database decides, whatever Redis still remembers.
            api_key = partner_key_check(key, remembered=False)
            if api_key is None:
                return None, None, None
            return api_key, partner_request_count(api_key.partner), None
        api_key = _key_from_raw_entry(digest, prefix, entry) if count else None
        if api_key is not None and not api_key.has_expired and api_key.partner.active:
            if count <= api_key.partner.rate_per_minute:
                return api_key, None, read
            return api_key, max(1, math.ceil(left)), read
    api_key = partner_key_check(key)
    if api_key is None:
        return None, None, None
    return api_key, partner_request_count(api_key.partner), None


def _run(script, keys: list, args: list):
    """EVALSHA on this thread's own connection (`_own_connection`); the script is loaded into
    Redis again should Redis have lost it. Any other failure drops the connection (the next
    call opens a new one) and is raised as a RedisError: the caller then checks the database."""
    connection = _own_connection()
    try:
        connection.send_command("EVALSHA", script.sha, len(keys), *keys, *args)
        return connection.read_response()
    except NoScriptError:  # a whole answer was read: the connection is fine
        return script(keys=keys, args=args, client=get_redis_connection("default"))
    except (RedisError, OSError) as error:
        connection.disconnect()
        raise RedisError(f"The partner key script failed: {error}") from error


_own = threading.local()


def _own_connection():
    """A Redis connection of this thread's own, made by the cache's pool but kept out of it:
    the pool's lock, its readiness poll (a system call) and the retry wrapper around each
    command cost a third of the hot path's round trip. Safe because every call reads its whole
    answer or drops the connection; a new one after a fork or a new pool."""
    pool = get_redis_connection("default").connection_pool
    if getattr(_own, "pool", None) is not pool or _own.pid != os.getpid():
        # Made as the pool makes its own, but not counted by it: nothing takes it back there.
        connection = pool.connection_class(**pool.connection_kwargs)
        _own.connection, _own.pool, _own.pid = connection, pool, os.getpid()
    return _own.connection


def _key_from_raw_entry(digest: str, prefix: str, raw: bytes) -> PartnerKey | None:
    """`key_from_entry` for the entry as Redis sent it: decoded and built once per entry
    (model instances cost more than the rest of a 304), the digest still compared each time.
    The instances are shared by the requests of that entry: read them, never change them."""
    remembered_digest, api_key = _decoded_entry(raw, prefix)
    if api_key is None or not hmac.compare_digest(remembered_digest, digest):
        return None
    return api_key


@functools.lru_cache(maxsize=1024)
def _decoded_entry(raw: bytes, prefix: str) -> tuple[str, PartnerKey | None]:
    entry = cache.client.decode(raw)
    if not entry:
        return "", None
    return entry["digest"], key_from_entry_trusted(prefix, entry)


@functools.cache
def _script(lua: str):
    """Sent by its SHA-1 (EVALSHA), loaded into Redis again should Redis have lost it."""
    return get_redis_connection("default").register_script(CHECK_AND_COUNT + lua)


@functools.lru_cache(maxsize=1024)
def _key_names(prefix: str) -> tuple[str, str]:
    """The Redis names of a key's remembered entry and of its plain token."""
    return (
        cache.make_and_validate_key(key_cache_key(prefix)),
        cache.make_and_validate_key(key_token_key(prefix)),
    )


@functools.cache
def _counter_base() -> str:
    """The Redis name of a partner's counter, less the id (Django's key prefix and version)."""
    base = cache.make_and_validate_key(_counter_key(""))
    assert cache.make_and_validate_key(_counter_key(7)) == f"{base}7"  # noqa: S101
    return base


def _counter_key(partner_id) -> str:
    return f"throttle:partner:{partner_id}"


class PartnerRateThrottle(BaseThrottle):
    """Each partner's own requests per minute, across all its keys.

    Counted in Django's default cache, which is Redis when `REDIS_URL` is set, so every web
    process shares one count per partner. Over the limit: 429 with `Retry-After` (when the
    partner's minute ends). A window of one minute from the partner's first request, counted
    with INCR in a single Redis round trip: DRF's sliding log stores every request's time and
    would pickle up to a minute's worth of them on each request of a busy partner.
    """

    def __init__(self):
        self.retry_after = None

    def allow_request(self, request, view):
        partner = getattr(request.auth, "partner", None)
        if partner is None:
            return True
        counted = getattr(request._request, COUNTED_ATTRIBUTE, False)
        if counted is not False:
            self.retry_after = counted
            return self.retry_after is None
        try:
            self.retry_after = _partner_request_count(partner)
        except RedisError:
            # Redis refuses writes: the key was accepted from what it remembers, which a
            # revocation it refused cannot have cleared. The database decides.
            key = (PartnerKeyAuthentication.key_parser.get(request) or "").strip()
            if partner_key_check(key, remembered=False) is None:
                raise AuthenticationFailed(KEY_REFUSED) from None
            log.warning("Partner throttle skipped: Redis is unreachable or refuses writes.")
            self.retry_after = None
        return self.retry_after is None

    def wait(self):
        return self.retry_after
