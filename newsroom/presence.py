"""Who has a story open now, and in which section: a heartbeat every ~20 s keeps an entry.

Kept in Redis (a hash per story with a TTL) when `REDIS_URL` is set, in the cache otherwise.
Presence is a courtesy: a store that fails answers "nobody else" and editing goes on.
"""

import json
import logging
import time

import redis
from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)
_clients: dict[str, object] = {}


def _redis():
    url = settings.REDIS_URL
    if url not in _clients:
        _clients[url] = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    return _clients[url]


def _key(story_id: int) -> str:
    return f"newsdesk:presence:{story_id}"


def _initials(user) -> str:
    name = user.get_full_name() or user.get_username()
    parts = [part for part in name.replace(".", " ").split() if part]
    return "".join(part[0] for part in parts[:2]).upper() or "?"


def _fresh(entries: dict, now: float) -> dict:
    ttl = settings.NEWSDESK_PRESENCE_SECONDS
    return {uid: e for uid, e in entries.items() if now - e["at"] <= ttl}


def presence_beat(*, story_id: int, user, section: str = "") -> list[dict]:
    """Record that `user` has the story open (editing `section`, if any); returns who else
    has it open now: [{"user": id, "name", "initials", "section"}]."""
    now = time.time()
    entry = {
        "user": user.pk,
        "name": user.get_full_name() or user.get_username(),
        "initials": _initials(user),
        "section": section[:50],
        "at": now,
    }
    try:
        entries = _store_beat(story_id, user.pk, entry, now)
    except Exception:  # noqa: BLE001 - Redis or the cache down: presence is a courtesy
        logger.warning("Presence unavailable for story %s", story_id, exc_info=True)
        return []
    return [
        {k: e[k] for k in ("user", "name", "initials", "section")}
        for uid, e in sorted(_fresh(entries, now).items())
        if int(uid) != user.pk
    ]


def presence_leave(*, story_id: int, user) -> None:
    """Forget that `user` has the story open (they closed it)."""
    try:
        if settings.REDIS_URL:
            _redis().hdel(_key(story_id), str(user.pk))
        else:
            entries = cache.get(_key(story_id)) or {}
            entries.pop(str(user.pk), None)
            cache.set(_key(story_id), entries, settings.NEWSDESK_PRESENCE_SECONDS * 2)
    except Exception:  # noqa: BLE001
        logger.warning("Presence unavailable for story %s", story_id, exc_info=True)


def _store_beat(story_id: int, user_id: int, entry: dict, now: float) -> dict:
    ttl = settings.NEWSDESK_PRESENCE_SECONDS
    key = _key(story_id)
    if settings.REDIS_URL:
        client = _redis()
        pipe = client.pipeline()
        pipe.hset(key, str(user_id), json.dumps(entry))
        pipe.expire(key, ttl * 2)
        pipe.hgetall(key)
        raw = pipe.execute()[-1]
        entries = {k.decode(): json.loads(v) for k, v in raw.items()}
        stale = [uid for uid, e in entries.items() if now - e["at"] > ttl]
        if stale:
            client.hdel(key, *stale)
        return entries
    entries = cache.get(key) or {}
    entries[str(user_id)] = entry
    entries = _fresh(entries, now)
    cache.set(key, entries, ttl * 2)
    return entries
