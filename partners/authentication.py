"""Who is calling the partner API: a partner's key, sent as `Authorization: Api-Key <key>`.

A checked key is remembered in Django's cache (Redis when configured) for
`NEWSDESK_API_KEY_CACHE_SECONDS`, so a warm request spends no SQL on who is calling. The entry
holds a SHA-256 digest of the whole key (never the key), and revoking a key or editing a
partner deletes it and bars it from being remembered for a while (`partner_keys_forget`), so
those take effect at once, even for a request that read the key just before the change.
"""

import functools
import hashlib
import hmac
import logging
import time
from dataclasses import dataclass
from typing import ClassVar

from django.conf import settings
from django.core.cache import cache, caches
from django.db import DEFAULT_DB_ALIAS, transaction
from django.utils import timezone
from django_redis import get_redis_connection
from django_redis.cache import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_api_key.permissions import KeyParser

from partners.models import Partner, PartnerKey

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PartnerClient:
    """Stands in for `request.user` on partner requests: a partner, not a newsroom account."""

    partner: Partner
    is_authenticated: ClassVar[bool] = True
    is_anonymous: ClassVar[bool] = False
    is_staff: ClassVar[bool] = False

    def __str__(self):
        return f"partner {self.partner.name}"


# Set on the Django request by the story fast path (stories/api/views.py) once it has checked
# the key (the key, or None when unusable): a request it hands on to DRF is not checked twice.
CHECKED_ATTRIBUTE = "newsdesk_partner_key"


def key_cache_key(prefix: str) -> str:
    return f"api:key:{prefix}"


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def key_token_key(prefix: str) -> str:
    """A plain-text twin of the entry ("digest partner-id") that a Redis script can read, so
    the hot path checks the key and counts the partner's request in one round trip
    (partners/throttling.py); written only for a usable key."""
    return f"api:keytoken:{prefix}"


def key_barred_key(prefix: str) -> str:
    """Set while a key's check may not be remembered (see `partner_keys_forget`)."""
    return f"api:keybarred:{prefix}"


def partner_keys_forget(*, prefixes) -> bool:
    """Drop remembered key checks, e.g. after a revocation or a partner edit: now, and again
    once the caller's transaction commits. Until then, and for a key cache's lifetime after,
    no check of those keys is remembered anew: a request that read a key's row just before
    the change committed cannot put its out-of-date check back (those keys are checked in the
    database meanwhile). Returns whether the cache took it now (False: Redis refused)."""
    prefixes = list(prefixes)
    if not prefixes:
        return True
    refused = _forget(prefixes)
    transaction.on_commit(lambda: _forget(prefixes), robust=True)
    return refused is None


def partner_keys_forget_waiting(*, prefixes, seconds: float) -> bool:
    """`_forget`, tried again for up to `seconds` while Redis refuses it (paused for writes,
    read-only, out of memory): a revocation should reach the cache before the newsroom is told
    it is done. Returns whether it did."""
    deadline = time.monotonic() + seconds
    while (refused := _forget(list(prefixes))) is not None:
        # A Redis that cannot be reached serves no remembered check either: only one that
        # answers (read-only, paused, out of memory) is worth waiting for.
        if isinstance(refused, RedisConnectionError) or time.monotonic() >= deadline:
            return False
        time.sleep(0.2)
    return True


def _forget(prefixes: list[str]) -> RedisError | None:
    """Drop the keys' remembered checks and bar them a while; the error when Redis refused."""
    names = [name for prefix in prefixes for name in (key_cache_key(prefix), key_token_key(prefix))]
    seconds = settings.NEWSDESK_API_KEY_CACHE_SECONDS
    if not isinstance(caches["default"], RedisCache):
        cache.delete_many(names)
        if seconds > 0:
            cache.set_many({key_barred_key(prefix): True for prefix in prefixes}, timeout=seconds)
        return None
    # Straight to Redis, not through the cache (which ignores a Redis it cannot reach): a
    # revocation that could not be passed on must at least be logged.
    pipeline = get_redis_connection("default").pipeline()
    pipeline.delete(*[cache.make_and_validate_key(name) for name in names])
    for prefix in prefixes if seconds > 0 else ():
        pipeline.set(cache.make_and_validate_key(key_barred_key(prefix)), 1, ex=seconds)
    try:
        pipeline.execute()
    except RedisError as error:
        log.warning(
            "Could not drop the remembered checks of keys %s: Redis refused (%s). They may "
            "keep working for up to %s s on servers that remembered them.",
            ", ".join(prefixes),
            error,
            seconds,
        )
        return error
    return None


def partner_forget(*, partner_id: int) -> None:
    """Drop the remembered checks of every key of the partner (deactivated, new rate…)."""
    prefixes = PartnerKey.objects.filter(partner_id=partner_id).values_list("prefix", flat=True)
    partner_keys_forget(prefixes=list(prefixes))


# KEYS: the key's barrier, its entry, its plain token. ARGV: the entry (as the cache encodes
# it), its seconds, the token ('' for none), its seconds. Nothing is written while barred.
REMEMBER = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[2], ARGV[1], 'EX', ARGV[2])
if ARGV[3] ~= '' then redis.call('SET', KEYS[3], ARGV[3], 'EX', ARGV[4]) end
return 1
"""


def _remember(key: str, api_key: PartnerKey) -> None:
    seconds = settings.NEWSDESK_API_KEY_CACHE_SECONDS
    if seconds <= 0:
        return
    partner = api_key.partner
    entry = {
        "digest": key_digest(key),
        "id": api_key.id,
        "name": api_key.name,
        "expiry_date": api_key.expiry_date,
        "partner": (partner.id, partner.name, partner.rate_per_minute, partner.active),
    }
    prefix = api_key.prefix
    if not isinstance(caches["default"], RedisCache):  # one process: no race to guard
        if not cache.get(key_barred_key(prefix)):
            cache.set(key_cache_key(prefix), entry, timeout=seconds)
        return
    token, token_seconds = "", seconds
    if partner.active:
        if api_key.expiry_date is not None:  # gone with the key's expiry, never after it
            token_seconds = min(
                seconds, int((api_key.expiry_date - timezone.now()).total_seconds())
            )
        if token_seconds > 0:
            token = f"{entry['digest']} {partner.id}"
    names = (key_barred_key(prefix), key_cache_key(prefix), key_token_key(prefix))
    try:
        _remember_script()(
            keys=[cache.make_and_validate_key(name) for name in names],
            args=[cache.client.encode(entry), seconds, token, max(token_seconds, 1)],
            client=get_redis_connection("default"),
        )
    except RedisError:  # Redis down: the next request checks the database again
        pass


@functools.cache
def _remember_script():
    return get_redis_connection("default").register_script(REMEMBER)


def _recall(key: str, prefix: str) -> PartnerKey | None:
    if settings.NEWSDESK_API_KEY_CACHE_SECONDS <= 0:
        return None
    return key_from_entry(key, prefix, cache.get(key_cache_key(prefix)))


def key_from_entry(key: str, prefix: str, entry: dict | None) -> PartnerKey | None:
    """The key (with its partner) a remembered entry describes, if it is the entry of `key`."""
    if not entry or not hmac.compare_digest(entry["digest"], key_digest(key)):
        return None
    return key_from_entry_trusted(prefix, entry)


def key_from_entry_trusted(prefix: str, entry: dict) -> PartnerKey:
    """The key an entry describes, its digest already compared by the caller."""
    partner_id, name, rate, active = entry["partner"]
    partner = Partner(id=partner_id, name=name, rate_per_minute=rate, active=active)
    return PartnerKey(
        id=entry["id"],
        prefix=prefix,
        name=entry["name"],
        expiry_date=entry["expiry_date"],
        partner=partner,
    )


# Our keys are "prefix.secret" in ASCII letters and digits, well under this length.
MAX_KEY_LENGTH = 200


def key_well_formed(key: str) -> bool:
    """Whether `key` could be one of ours: anything else (NUL, which PostgreSQL refuses in a
    query, other control or non-ASCII characters, kilobytes of text) is refused unread."""
    return len(key) <= MAX_KEY_LENGTH and key.isascii() and key.isprintable() and "." in key


def partner_key_check(key: str, *, remembered: bool = True) -> PartnerKey | None:
    """The usable key `key` with its partner, from the cache or in one query; None if unusable.

    `remembered=False` asks the database even when the cache remembers the key: when Redis
    refuses writes, a revocation may not have reached it either, so the database decides.
    """
    if not key_well_formed(key):
        return None
    prefix = key.partition(".")[0]
    api_key = _recall(key, prefix) if remembered else None
    if api_key is None:
        try:
            # From the primary, even for partner reads: a lagging replica could put a key
            # revoked a moment ago back into the cache.
            api_key = PartnerKey.objects.db_manager(DEFAULT_DB_ALIAS).get_from_key(key)
        except PartnerKey.DoesNotExist:
            return None
        _remember(key, api_key)
    if api_key.has_expired or not api_key.partner.active:
        return None
    return api_key


KEY_REFUSED = (
    "This API key is not valid: it is unknown, revoked or expired, or the partner has been "
    "deactivated. Ask the newsroom for a new key."
)


class PartnerKeyAuthentication(BaseAuthentication):
    """A partner's hashed API key (djangorestframework-api-key): cached, or one query."""

    keyword = KeyParser.keyword
    key_parser = KeyParser()

    def authenticate(self, request):
        key = self.key_parser.get(request)
        if not key:
            return None
        api_key = getattr(request._request, CHECKED_ATTRIBUTE, False)
        if api_key is False:
            api_key = partner_key_check(key.strip())
        if api_key is None:
            raise AuthenticationFailed(KEY_REFUSED)
        return PartnerClient(api_key.partner), api_key

    def authenticate_header(self, request):
        # Makes DRF answer 401 (not 403) with WWW-Authenticate when the key is missing.
        return self.keyword
