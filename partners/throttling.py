"""Per-partner request limits."""

import math
import time

from django.core.cache import cache, caches
from django_redis import get_redis_connection
from django_redis.cache import RedisCache
from rest_framework.throttling import BaseThrottle

WINDOW_SECONDS = 60


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
        key = f"throttle:partner:{partner.pk}"
        if isinstance(caches["default"], RedisCache):
            count, left = _count_in_redis(key)
        else:
            count, left = _count_in_memory(key)
        if count <= partner.rate_per_minute:
            return True
        self.retry_after = max(1, math.ceil(left))
        return False

    def wait(self):
        return self.retry_after
