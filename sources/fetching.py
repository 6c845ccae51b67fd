"""The one HTTP client that reaches outside: cited articles and webhook deliveries.

A URL typed by a journalist or a partner must never become a way into our own network (SSRF).
So every request goes through `send`, which only speaks http/https on ports 80/443, resolves the
host once, refuses any address that is not on the public internet, connects to exactly the
address it checked (keeping the Host header and TLS name of the real host), follows redirects by
hand checking every hop, and stops at a deadline and a size cap. Each refusal says why.
"""

from __future__ import annotations

import codecs
import ipaddress
import logging
import re
import socket
import ssl
import threading
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache

import certifi
import httpx
from django.conf import settings

log = logging.getLogger(__name__)

MAX_REDIRECTS = 5
ALLOWED_PORTS = {80, 443}
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
HTML_TYPES = ("text/html", "application/xhtml+xml")
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Ranges Python's `is_global` does not already rule out, named for the refusal message.
CGNAT = ipaddress.ip_network("100.64.0.0/10")
NAT64 = ipaddress.ip_network("64:ff9b::/96")


class FetchError(Exception):
    """The request could not be made or completed; `reason` says why, for people."""

    retryable = True

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class Blocked(FetchError):
    """The guard refused the URL or an address it resolves to. Trying again will not help."""

    retryable = False


class TooLarge(FetchError):
    """The body is bigger than the size cap."""

    retryable = False


class NotHTML(FetchError):
    """An HTML page was asked for and something else came back."""

    retryable = False


class Unresolvable(FetchError):
    """The host name does not resolve. Not retried here; a cited link retries it later, as DNS
    failures are often temporary (only a 404 or 410 makes a link gone)."""

    retryable = False


class BadRedirect(FetchError):
    """The answer redirects to something that is not a link we can follow (`data:…`, a broken
    URL). Trying again will not help."""

    retryable = False


class HostBusy(FetchError):
    """Too many requests to this host are in flight already (politeness limit); try later."""


@dataclass
class FetchResult:
    """What came back: status, headers (case-insensitive), body and the URL after redirects."""

    status_code: int
    headers: httpx.Headers
    content: bytes
    final_url: str
    redirects: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return decode_body(self.content, self.headers.get("content-type", ""))

    @property
    def is_html(self) -> bool:
        return is_html(self.headers.get("content-type", ""), self.content[:512])


# --- The guard -------------------------------------------------------------------------------


def resolve(host: str, port: int) -> list[IPAddress]:
    """The addresses a host name resolves to (the only DNS lookup; tests replace it)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        if exc.errno in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME)):
            raise Unresolvable(f"{host} does not resolve (no such host)") from exc
        raise FetchError(f"could not resolve {host}: {exc.strerror or exc}") from exc
    addresses: list[IPAddress] = []
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise Unresolvable(f"{host} does not resolve (no addresses)")
    return addresses


def address_problem(address: IPAddress) -> str | None:
    """Why this address must not be fetched from, or None when it is a public address."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address.teredo:
            embedded = address.teredo[1]
        if embedded is None and address in NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            problem = address_problem(embedded)
            return f"{problem} (inside {address})" if problem else None
        if address in ipaddress.ip_network("fc00::/7"):
            return "a private address (IPv6 unique local)"
    if address.is_unspecified:
        return "an unspecified address"
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address (cloud metadata lives here)"
    if isinstance(address, ipaddress.IPv4Address) and address in CGNAT:
        return "a shared (carrier-grade NAT) address"
    if address.is_multicast:
        return "a multicast address"
    if address.is_private:
        return "a private address"
    if address.is_reserved or not address.is_global:
        return "a reserved address"
    return None


def allow_private_networks() -> bool:
    return bool(getattr(settings, "NEWSDESK_FETCH_ALLOW_PRIVATE_NETWORKS", False))


def check_url(url: httpx.URL) -> None:
    """Refuse what is wrong with the URL itself, before any lookup."""
    if url.scheme not in ("http", "https"):
        raise Blocked(f"blocked: only http and https links are fetched, not {url.scheme or '?'}:")
    if not url.host:
        raise Blocked("blocked: the link has no host name")
    if url.userinfo:
        raise Blocked("blocked: links with a user name or password (user@host) are not fetched")
    if url.port is not None and url.port not in ALLOWED_PORTS and not allow_private_networks():
        raise Blocked(f"blocked: port {url.port} is not allowed, only 80 and 443")


def checked_addresses(url: httpx.URL) -> list[IPAddress]:
    """Resolve the URL's host once and return its addresses, refusing any that is not public."""
    host = url.raw_host.decode("ascii")
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        literal = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        literal = None
    addresses = [literal] if literal else resolve(host, port)
    if not allow_private_networks():
        for address in addresses:
            problem = address_problem(address)
            if problem:
                raise Blocked(f"blocked: {address} is {problem}")
    return addresses


# --- Politeness: at most N requests in flight per host --------------------------------------

_local_lock = threading.Lock()
_local_semaphores: dict[str, threading.BoundedSemaphore] = {}

# Take a slot when fewer than `limit` unexpired holders exist; holders expire, so a worker that
# died holding one cannot shut a host out for ever.
_ACQUIRE_LUA = """
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
  return 1
end
return 0
"""


@cache
def _redis():
    import redis

    return redis.Redis.from_url(
        settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2, health_check_interval=30
    )


def _per_host_limit() -> int:
    return max(1, int(getattr(settings, "NEWSDESK_FETCH_PER_HOST", 2)))


@contextmanager
def host_slot(host: str, *, wait: float, hold: float) -> Iterator[None]:
    """Hold one of the host's request slots: shared through Redis when there is one, so the
    limit holds across worker processes; process-local otherwise."""
    limit = _per_host_limit()
    if getattr(settings, "REDIS_URL", ""):
        try:
            with _redis_slot(host, limit=limit, wait=wait, hold=hold):
                yield
            return
        except _RedisUnavailable as exc:
            log.warning("Per-host limit falls back to this process: Redis: %s", exc)
    with _local_lock:
        semaphore = _local_semaphores.get(host)
        if semaphore is None or getattr(semaphore, "_limit", None) != limit:
            semaphore = threading.BoundedSemaphore(limit)
            semaphore._limit = limit
            _local_semaphores[host] = semaphore
    if not semaphore.acquire(timeout=max(wait, 0)):
        raise HostBusy(f"busy: {limit} requests to {host} are already in flight")
    try:
        yield
    finally:
        semaphore.release()


class _RedisUnavailable(Exception):
    pass


@contextmanager
def _redis_slot(host: str, *, limit: int, wait: float, hold: float) -> Iterator[None]:
    import redis

    key = f"newsdesk:fetch:host:{host}"
    token = uuid.uuid4().hex
    end = time.monotonic() + max(wait, 0)
    delay = 0.02
    try:
        client = _redis()
        while True:
            now_ms = int(time.time() * 1000)
            hold_ms = int((hold + 5) * 1000)
            got = client.eval(
                _ACQUIRE_LUA, 1, key, now_ms, limit, now_ms + hold_ms, token, hold_ms * 2
            )
            if got:
                break
            if time.monotonic() >= end:
                raise HostBusy(f"busy: {limit} requests to {host} are already in flight")
            time.sleep(min(delay, max(end - time.monotonic(), 0.001)))
            delay = min(delay * 1.5, 0.25)
    except redis.RedisError as exc:
        raise _RedisUnavailable(str(exc)) from exc
    try:
        yield
    finally:
        try:
            client.zrem(key, token)
        except redis.RedisError:
            log.warning("Could not release the fetch slot for %s; it expires by itself.", host)


# --- Sending -----------------------------------------------------------------------------------


@cache
def _tls_context() -> ssl.SSLContext:
    return ssl.create_default_context(cafile=certifi.where())


def user_agent() -> str:
    return settings.NEWSDESK_FETCH_USER_AGENT


def send(
    method: str,
    url: str,
    *,
    content: bytes | None = None,
    headers: dict[str, str] | None = None,
    html_only: bool = False,
    max_bytes: int | None = None,
    timeout: float | None = None,
    host_wait: float | None = None,
) -> FetchResult:
    """Make one guarded request and return what came back, whatever its status.

    GET and HEAD follow up to 5 redirects, checking each hop like the first URL. Other methods
    (webhook POSTs) never follow: the 3xx comes back as the result. Raises `Blocked` when the
    guard refuses, `FetchError` (with `.reason`) for timeouts, transport errors, a body over
    `max_bytes`, or, with `html_only`, a successful answer that is not HTML. When the host
    already has its limit of requests in flight, waits for a slot up to `host_wait` seconds
    (default: until the deadline), then raises `HostBusy`.
    """
    method = method.upper()
    timeout = settings.NEWSDESK_FETCH_TIMEOUT if timeout is None else timeout
    max_bytes = settings.NEWSDESK_FETCH_MAX_BYTES if max_bytes is None else max_bytes
    deadline = time.monotonic() + timeout
    follow = method in ("GET", "HEAD")
    try:
        current = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise Blocked(f"blocked: not a valid link ({exc})") from exc
    redirects: list[str] = []
    while True:
        check_url(current)
        addresses = checked_addresses(current)
        result = _send_once(
            method,
            current,
            addresses,
            content=content,
            headers=headers or {},
            html_only=html_only,
            max_bytes=max_bytes,
            deadline=deadline,
            timeout=timeout,
            host_wait=host_wait,
        )
        location = result.headers.get("location")
        if not (follow and result.status_code in REDIRECT_STATUSES and location):
            result.redirects = redirects
            return result
        if len(redirects) >= MAX_REDIRECTS:
            raise FetchError(f"too many redirects (more than {MAX_REDIRECTS})")
        try:
            current = current.join(location.strip())
        except httpx.InvalidURL as exc:
            raise BadRedirect(f"bad redirect to {location[:100]!r}: {exc}") from exc
        redirects.append(str(current))
        if result.status_code == 303:
            method, content = "GET", None


def _remaining(deadline: float, timeout: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchError(f"timed out: no complete answer within {timeout:g} s")
    return left


def _send_once(
    method: str,
    url: httpx.URL,
    addresses: list[IPAddress],
    *,
    content: bytes | None,
    headers: Mapping[str, str],
    html_only: bool,
    max_bytes: int,
    deadline: float,
    timeout: float,
    host_wait: float | None = None,
) -> FetchResult:
    host = url.raw_host.decode("ascii")
    default_port = 443 if url.scheme == "https" else 80
    host_header = host if url.port in (None, default_port) else f"{host}:{url.port}"
    if ":" in host and not host.startswith("["):
        host_header = f"[{host}]" if url.port in (None, default_port) else f"[{host}]:{url.port}"
    request_headers = {
        "User-Agent": user_agent(),
        "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5" if html_only else "*/*",
        "Accept-Encoding": "gzip, deflate",
        **headers,
        "Host": host_header,
    }
    last_error: FetchError | None = None
    wait = _remaining(deadline, timeout)
    with host_slot(host, wait=wait if host_wait is None else min(host_wait, wait), hold=timeout):
        for address in addresses:
            left = _remaining(deadline, timeout)
            connect = min(settings.NEWSDESK_FETCH_CONNECT_TIMEOUT, left)
            read = min(settings.NEWSDESK_FETCH_READ_TIMEOUT, left)
            target = url.copy_with(host=str(address))
            try:
                with (
                    httpx.Client(
                        verify=_tls_context(),
                        trust_env=False,
                        follow_redirects=False,
                        timeout=httpx.Timeout(connect=connect, read=read, write=read, pool=connect),
                    ) as client,
                    client.stream(
                        method,
                        target,
                        content=content,
                        headers=request_headers,
                        extensions={"sni_hostname": host} if url.scheme == "https" else {},
                    ) as response,
                ):
                    return _read(response, url, html_only, max_bytes, deadline, timeout)
            except httpx.ConnectError as exc:
                last_error = FetchError(f"could not connect to {host} ({address}): {exc}")
                continue
            except httpx.InvalidURL as exc:
                # httpx reads a redirect's Location before handing us the answer, and refuses
                # one it cannot parse (`Location: data:text/html,…`).
                raise BadRedirect(f"bad redirect from {host}: {exc}") from exc
            except httpx.TimeoutException as exc:
                raise FetchError(f"timed out talking to {host}: {type(exc).__name__}") from exc
            except httpx.HTTPError as exc:
                raise FetchError(
                    f"transport error from {host}: {exc or type(exc).__name__}"
                ) from exc
    assert last_error is not None
    raise last_error


def _read(
    response: httpx.Response,
    url: httpx.URL,
    html_only: bool,
    max_bytes: int,
    deadline: float,
    timeout: float,
) -> FetchResult:
    headers = response.headers
    content_type = headers.get("content-type", "")
    successful = 200 <= response.status_code < 300
    if html_only and successful and content_type and not is_html(content_type, b""):
        raise NotHTML(f"not HTML: the page is {content_type.split(';')[0].strip()}")
    declared = headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise TooLarge(f"too large: {_size(int(declared))} (the limit is {_size(max_bytes)})")
    chunks: list[bytes] = []
    total = 0
    for chunk in response.iter_bytes():
        total += len(chunk)
        if total > max_bytes:
            raise TooLarge(f"too large: more than {_size(max_bytes)}")
        chunks.append(chunk)
        _remaining(deadline, timeout)
    body = b"".join(chunks)
    if html_only and successful and not content_type and not is_html("", body[:512]):
        raise NotHTML("not HTML: the answer has no content type and does not look like a page")
    return FetchResult(
        status_code=response.status_code,
        headers=httpx.Headers(headers),
        content=body,
        final_url=str(url),
    )


def _size(n: int) -> str:
    return f"{n / 1_048_576:.1f} MB" if n >= 1_048_576 else f"{n / 1024:.0f} kB"


# --- Bodies --------------------------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.I)


def is_html(content_type: str, head: bytes) -> bool:
    """HTML by its content type, or, when there is none, by how it starts."""
    kind = content_type.split(";")[0].strip().lower()
    if kind:
        return kind in HTML_TYPES
    start = head.lstrip()[:100].lower()
    return start.startswith((b"<!doctype html", b"<html")) or b"<html" in start


def decode_body(content: bytes, content_type: str = "") -> str:
    """Text from bytes: the header's charset, else the page's meta charset, else UTF-8
    (Windows-1252 when that fails, as browsers do for Latin pages)."""
    candidates = []
    match = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type, re.I)
    if match:
        candidates.append(match.group(1))
    meta = _META_CHARSET.search(content[:4096])
    if meta:
        candidates.append(meta.group(1).decode("ascii", "ignore"))
    for name in candidates:
        try:
            codecs.lookup(name)
        except LookupError:
            continue
        return content.decode(name, errors="replace")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")
