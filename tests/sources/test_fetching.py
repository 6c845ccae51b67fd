"""The guarded client: what it refuses (and says why), and what it fetches, from a local server."""

import ipaddress
import shutil
import ssl
import subprocess
import sys
import threading
import time
from http.server import ThreadingHTTPServer

import pytest

from sources import fetching
from sources.fetching import Blocked, FetchError, send
from tests.sources.server import ArticleServer


def fake_dns(monkeypatch, table: dict[str, list[str]]):
    """Answer our module's resolver from a table (the only thing here that stands in for the
    internet), counting lookups."""
    calls = []

    def resolve(host, port):
        calls.append(host)
        if host not in table:
            raise fetching.Unresolvable(f"{host} does not resolve (no such host)")
        return [ipaddress.ip_address(a) for a in table[host]]

    monkeypatch.setattr(fetching, "resolve", resolve)
    return calls


# --- Refusals --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "says"),
    [
        ("127.0.0.1", "loopback"),
        ("10.0.0.5", "private"),
        ("172.16.4.1", "private"),
        ("192.168.1.10", "private"),
        ("169.254.169.254", "link-local"),
        ("100.64.0.1", "carrier-grade NAT"),
        ("0.0.0.0", "unspecified"),  # noqa: S104
        ("224.0.0.1", "multicast"),
        ("::1", "loopback"),
        ("fd00::1", "unique local"),
        ("fe80::1", "link-local"),
        ("::ffff:10.0.0.1", "private"),
        ("::ffff:169.254.169.254", "link-local"),
        ("64:ff9b::a00:1", "private"),
        ("2002:a00:1::1", "private"),
    ],
)
def test_addresses_that_are_not_public_are_refused_with_the_reason(monkeypatch, address, says):
    fake_dns(monkeypatch, {"news.example": [address]})
    with pytest.raises(Blocked) as refused:
        send("GET", "http://news.example/story")
    assert refused.value.reason.startswith(f"blocked: {ipaddress.ip_address(address)} is ")
    assert says in refused.value.reason


def test_the_exact_private_address_message():
    with pytest.raises(Blocked, match=r"^blocked: 10\.0\.0\.5 is a private address$"):
        send("GET", "http://10.0.0.5/")


@pytest.mark.parametrize(
    "url",
    ["http://169.254.169.254/latest/meta-data/", "http://[::ffff:a9fe:a9fe]/", "http://[fd12::1]/"],
)
def test_literal_private_addresses_in_the_link_are_refused(url):
    with pytest.raises(Blocked):
        send("GET", url)


def test_a_public_name_that_resolves_to_a_private_address_is_refused(monkeypatch):
    fake_dns(monkeypatch, {"intranet.news.example": ["10.1.2.3"]})
    with pytest.raises(Blocked, match="blocked: 10.1.2.3 is a private address"):
        send("GET", "https://intranet.news.example/")


def test_a_name_with_one_private_address_among_public_ones_is_refused(monkeypatch):
    fake_dns(monkeypatch, {"mixed.news.example": ["93.184.215.14", "192.168.0.1"]})
    with pytest.raises(Blocked, match="192.168.0.1"):
        send("GET", "https://mixed.news.example/")


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("http://editor:secret@news.example/", "user@host"),
        ("http://news.example@10.0.0.1/", "user@host"),
        ("ftp://news.example/file", "only http and https"),
        ("file:///etc/passwd", "only http and https"),
        ("http://news.example:8080/", "port 8080 is not allowed"),
        ("https://news.example:22/", "port 22 is not allowed"),
    ],
)
def test_odd_links_are_refused_before_any_lookup(monkeypatch, url, says):
    calls = fake_dns(monkeypatch, {"news.example": ["93.184.215.14"]})
    with pytest.raises(Blocked, match=says):
        send("GET", url)
    assert calls == []


def test_a_redirect_to_the_cloud_metadata_address_is_refused(monkeypatch, article_server):
    # news.example stands for a public site: its one address is treated as public, the rest of
    # the guard is untouched, so the redirect's target is checked like any first link.
    fake_dns(monkeypatch, {"news.example": ["127.0.0.1"]})
    checked = fetching.address_problem
    monkeypatch.setattr(
        fetching,
        "address_problem",
        lambda a: None if str(a) == "127.0.0.1" else checked(a),
    )
    monkeypatch.setattr(fetching, "ALLOWED_PORTS", {80, 443, article_server.port})
    with pytest.raises(Blocked, match="blocked: 169.254.169.254 is a link-local address"):
        send("GET", f"http://news.example:{article_server.port}/to-metadata")
    assert article_server.hits["/to-metadata"] == 1


def test_private_networks_stay_refused_unless_the_setting_allows_them(article_server):
    with pytest.raises(Blocked, match="127.0.0.1 is a loopback address"):
        send("GET", article_server.url("/article").replace(f":{article_server.port}", ""))
    with pytest.raises(Blocked, match=f"port {article_server.port} is not allowed"):
        send("GET", article_server.url("/article"))


def test_production_mode_refuses_to_start_with_private_networks_allowed():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup()",
        ],
        env={
            "DJANGO_SETTINGS_MODULE": "newsdesk.settings",
            "DEBUG": "false",
            "SECRET_KEY": "x" * 50,
            "NEWSDESK_FETCH_ALLOW_PRIVATE_NETWORKS": "true",
            "PATH": "/usr/bin:/bin",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "NEWSDESK_FETCH_ALLOW_PRIVATE_NETWORKS is never allowed" in result.stderr


def test_an_unknown_host_is_unresolvable(monkeypatch):
    fake_dns(monkeypatch, {})
    with pytest.raises(fetching.Unresolvable, match="does not resolve"):
        send("GET", "https://no-such-host.example/")


# --- Fetching from the local server ----------------------------------------------------------


def test_fetches_a_page_with_status_headers_and_text(private_ok, article_server):
    result = send("GET", article_server.url("/article"), html_only=True)
    assert result.status_code == 200
    assert result.headers["content-type"] == "text/html"
    assert result.headers["CONTENT-TYPE"] == "text/html"
    assert "Allies hold drills" in result.text
    assert result.final_url == article_server.url("/article")


def test_sends_an_honest_user_agent(private_ok, article_server):
    send("GET", article_server.url("/article"))
    headers = article_server.requests[-1][2]
    assert headers["User-Agent"].startswith("Newsdesk/")


def test_gzip_bodies_are_decoded(private_ok, article_server):
    assert "Allies hold drills" in send("GET", article_server.url("/article-gzip")).text


def test_connects_to_the_checked_address_and_keeps_the_host_name(
    monkeypatch, private_ok, article_server
):
    calls = fake_dns(monkeypatch, {"news.example": ["127.0.0.1"]})
    result = send("GET", f"http://news.example:{article_server.port}/moved")
    assert result.status_code == 200
    assert result.final_url == f"http://news.example:{article_server.port}/article"
    assert calls == ["news.example", "news.example"]  # once per hop, never again
    assert article_server.requests[-1][2]["Host"] == f"news.example:{article_server.port}"


def test_follows_redirects_checking_each_hop(private_ok, article_server):
    result = send("GET", article_server.url("/hop1"))
    assert result.status_code == 200
    assert result.final_url == article_server.url("/article")
    assert result.redirects == [article_server.url("/hop2"), article_server.url("/article")]


def test_stops_after_five_redirects(private_ok, article_server):
    with pytest.raises(FetchError, match="too many redirects"):
        send("GET", article_server.url("/loop"))
    assert article_server.hits["/loop"] == 6


def test_post_never_follows_a_redirect(private_ok, article_server):
    result = send("POST", article_server.url("/post-redirect"), content=b"{}")
    assert result.status_code == 302
    assert "/article" not in article_server.hits
    assert article_server.requests[-1][3] == b"{}"


@pytest.mark.parametrize(("path", "status"), [("/missing", 404), ("/removed", 410)])
def test_error_statuses_come_back_as_results(private_ok, article_server, path, status):
    assert send("GET", article_server.url(path), html_only=True).status_code == status


def test_retry_after_is_readable_on_a_429(private_ok, article_server):
    result = send("GET", article_server.url("/busy"), html_only=True)
    assert result.status_code == 429
    assert result.headers["retry-after"] == "7"


def test_a_slow_server_costs_one_deadline(private_ok, article_server):
    started = time.monotonic()
    with pytest.raises(FetchError, match="timed out"):
        send("GET", article_server.url("/slow"), timeout=1.0)
    assert time.monotonic() - started < 2.5


@pytest.mark.parametrize("path", ["/huge", "/huge-declared"])
def test_stops_past_the_size_cap(private_ok, article_server, path):
    with pytest.raises(fetching.TooLarge, match="too large"):
        send("GET", article_server.url(path))


def test_the_size_cap_can_be_set_per_call(private_ok, article_server):
    with pytest.raises(fetching.TooLarge):
        send("GET", article_server.url("/article"), max_bytes=100)


@pytest.mark.parametrize(("path", "says"), [("/paper.pdf", "application/pdf"), ("/untyped", "")])
def test_html_only_refuses_binary_answers(private_ok, article_server, path, says):
    with pytest.raises(fetching.NotHTML, match=f"not HTML.*{says}"):
        send("GET", article_server.url(path), html_only=True)
    assert send("GET", article_server.url(path)).status_code == 200


def test_a_closed_port_is_a_transport_error(private_ok):
    with ThreadingHTTPServer(("127.0.0.1", 0), None) as unused:
        port = unused.server_address[1]
    with pytest.raises(FetchError, match="could not connect"):
        send("GET", f"http://127.0.0.1:{port}/")


def test_no_more_than_the_per_host_limit_at_once(private_ok, article_server):
    private_ok.NEWSDESK_FETCH_PER_HOST = 2
    article_server.pages["/article"].delay = 0.3
    threads = [
        threading.Thread(target=send, args=("GET", article_server.url("/article")))
        for _ in range(6)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert article_server.hits["/article"] == 6
    assert article_server.most_active == 2


# --- TLS: the certificate is checked against the real name, not the address ------------------


def _tls_server(tmp_path, name):
    if not shutil.which("openssl"):
        pytest.skip("openssl is needed to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-keyout", str(key), "-out", str(cert), "-subj", f"/CN={name}"]
        + ["-addext", f"subjectAltName=DNS:{name}"],
        check=True,
        capture_output=True,
    )
    server = ArticleServer()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.httpd.socket = context.wrap_socket(server.httpd.socket, server_side=True)
    return server, cert


@pytest.mark.parametrize(("cert_name", "ok"), [("news.example", True), ("other.example", False)])
def test_tls_verifies_the_real_host_name(monkeypatch, private_ok, tmp_path, cert_name, ok):
    server, cert = _tls_server(tmp_path, cert_name)
    trusted = ssl.create_default_context(cafile=str(cert))
    monkeypatch.setattr(fetching, "_tls_context", lambda: trusted)
    fake_dns(monkeypatch, {"news.example": ["127.0.0.1"]})
    with server:
        url = f"https://news.example:{server.port}/article"
        if ok:
            assert "Allies hold drills" in send("GET", url).text
        else:
            with pytest.raises(FetchError):
                send("GET", url)


# --- The per-host limit shared through Redis --------------------------------------------------


@pytest.mark.redis
def test_the_per_host_limit_is_shared_through_redis(settings):
    settings.NEWSDESK_FETCH_PER_HOST = 2
    fetching._redis.cache_clear()
    host = f"limit-{time.monotonic_ns()}.example"
    with fetching.host_slot(host, wait=0, hold=5), fetching.host_slot(host, wait=0, hold=5):
        # A third request anywhere (any process) must wait, then give up.
        with pytest.raises(fetching.HostBusy, match="2 requests to .* already in flight"):
            with fetching.host_slot(host, wait=0.2, hold=5):
                pass
        assert fetching._redis().zcard(f"newsdesk:fetch:host:{host}") == 2
    assert fetching._redis().zcard(f"newsdesk:fetch:host:{host}") == 0


@pytest.mark.redis
def test_a_slot_held_by_a_dead_worker_expires(settings):
    settings.NEWSDESK_FETCH_PER_HOST = 1
    fetching._redis.cache_clear()
    host = f"expiry-{time.monotonic_ns()}.example"
    key = f"newsdesk:fetch:host:{host}"
    # A worker that died while fetching left its slot, stamped to expire a second ago.
    fetching._redis().zadd(key, {"dead-worker": int(time.time() * 1000) - 1000})
    with fetching.host_slot(host, wait=0, hold=5):
        assert fetching._redis().zscore(key, "dead-worker") is None


def test_without_redis_the_limit_holds_in_the_process(settings):
    settings.REDIS_URL = ""
    settings.NEWSDESK_FETCH_PER_HOST = 1
    with fetching.host_slot("local.example", wait=0, hold=5):
        with pytest.raises(fetching.HostBusy):
            with fetching.host_slot("local.example", wait=0.05, hold=5):
                pass
    with fetching.host_slot("local.example", wait=0, hold=5):
        pass


def test_a_redirect_to_a_link_that_cannot_be_parsed_is_a_fetch_error(private_ok, article_server):
    with pytest.raises(FetchError, match="redirect") as refused:
        send("GET", article_server.url("/to-data"))
    assert not refused.value.retryable
