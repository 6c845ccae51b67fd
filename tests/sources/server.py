"""A small threaded HTTP server on 127.0.0.1 serving article pages the way publishers do:
with and without JSON-LD, redirects, 404/410, 429 with Retry-After, slow, huge and binary answers.
Tests change `server.pages` to make a page disappear or change."""

from __future__ import annotations

import gzip
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Page:
    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/html"})
    delay: float = 0.0
    chunked: bool = False
    gzip: bool = False


ARTICLE_JSONLD = """<!doctype html>
<html lang="en-GB"><head>
<meta charset="utf-8">
<title>Allies hold drills as tension rises | The Daily Example</title>
<link rel="canonical" href="https://daily.example/world/allies-drills">
<meta property="og:site_name" content="The Daily Example">
<meta property="og:title" content="Allies hold drills as tension rises">
<meta name="description" content="Three navies sailed together on Monday.">
<script type="application/ld+json">
{"@context": "https://schema.org", "@graph": [
  {"@type": "WebSite", "name": "The Daily Example", "url": "https://daily.example/"},
  {"@type": "NewsArticle", "headline": "Allies hold drills as tension rises",
   "datePublished": "2025-11-03T08:15:00+09:00",
   "author": [{"@type": "Person", "name": "Kim Min-ji"}, {"@type": "Person", "name": "Jane Roe"}],
   "publisher": {"@type": "Organization", "name": "The Daily Example"}}
]}
</script>
</head><body>
<header><nav><a href="/">Home</a> <a href="/world">World</a></nav></header>
<article>
<h1>Allies hold drills as tension rises</h1>
<p class="byline">By Kim Min-ji and Jane Roe</p>
<p>Three navies sailed together in the waters east of the peninsula on Monday, in the largest
joint exercise of the year, officials said.</p>
<p>“We will respond to any provocation with overwhelming force,” the defence minister told
reporters in Seoul, adding that the drills were planned months ago.</p>
<p>The exercise involved an aircraft carrier, six destroyers and two submarines, and is expected
to last five days. Analysts said the timing sent a clear signal.</p>
<p>Pyongyang has not commented on the drills, but state media carried a long editorial on
Sunday criticising what it called hostile manoeuvres by the allies near its waters.</p>
</article>
<footer>© The Daily Example</footer>
</body></html>
"""

ARTICLE_OPENGRAPH = """<!doctype html>
<html lang="de"><head>
<meta charset="utf-8">
<title>Regierung plant neues Gesetz - Beispielzeitung</title>
<meta property="og:title" content="Regierung plant neues Gesetz">
<meta property="og:site_name" content="Beispielzeitung">
<meta property="article:published_time" content="2025-10-30T17:45:00+01:00">
<meta name="author" content="Erika Mustermann">
</head><body><article>
<h1>Regierung plant neues Gesetz</h1>
<p>Die Regierung hat am Donnerstag einen Entwurf für ein neues Gesetz vorgestellt, das den
Ausbau der Netze beschleunigen soll. Der Entwurf geht nun in die Abstimmung mit den Ländern.</p>
<p>Kritiker bemängeln, dass die Finanzierung weiterhin ungeklärt sei und die Kommunen die
Hauptlast tragen müssten. Die Opposition kündigte Widerstand im Bundestag an.</p>
</article></body></html>
"""

ARTICLE_PLAIN = """<html><head><title>Harbour reopens after storm</title></head>
<body><div class="content">
<h1>Harbour reopens after storm</h1>
<p>Published 12 September 2025</p>
<p>The harbour reopened to ships on Friday after three days of closure, the port authority
said, as crews cleared debris left by the storm that struck the coast earlier in the week.</p>
<p>Fishing boats were the first to leave, followed by the ferry to the islands, which had been
cancelled since Tuesday. The authority said damage to the piers was lighter than feared.</p>
</div></body></html>
"""


def default_pages() -> dict[str, Page]:
    return {
        "/article": Page(body=ARTICLE_JSONLD),
        "/article-gzip": Page(body=ARTICLE_JSONLD, gzip=True),
        "/opengraph": Page(body=ARTICLE_OPENGRAPH, headers={"Content-Type": "text/html"}),
        "/plain": Page(body=ARTICLE_PLAIN),
        "/moved": Page(status=301, headers={"Location": "/article"}),
        "/hop1": Page(status=302, headers={"Location": "/hop2"}),
        "/hop2": Page(status=307, headers={"Location": "/article"}),
        "/loop": Page(status=302, headers={"Location": "/loop"}),
        "/to-metadata": Page(
            status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"}
        ),
        "/missing": Page(status=404, body="<html><body>Not found</body></html>"),
        "/removed": Page(status=410, body="<html><body>Gone</body></html>"),
        "/busy": Page(
            status=429, body="slow down", headers={"Content-Type": "text/plain", "Retry-After": "7"}
        ),
        "/broken": Page(status=503, body="<html>down</html>"),
        "/slow": Page(body=ARTICLE_PLAIN, delay=30),
        "/huge": Page(body=b"<html><body>" + b"x" * (6 * 1024 * 1024), chunked=True),
        "/huge-declared": Page(body=b"<html><body>" + b"x" * (6 * 1024 * 1024)),
        "/paper.pdf": Page(body=b"%PDF-1.7 binary", headers={"Content-Type": "application/pdf"}),
        "/untyped": Page(body=b"\x00\x01\x02binary", headers={}),
        "/post-redirect": Page(status=302, headers={"Location": "/article"}),
        "/to-data": Page(status=302, headers={"Location": "data:text/html,hi"}),
    }


class ArticleServer:
    """`with ArticleServer() as server: server.url("/article")`."""

    def __init__(self, host: str = "127.0.0.1"):
        self.pages = default_pages()
        self.hits: dict[str, int] = {}
        self.requests: list[tuple[str, str, dict[str, str], bytes]] = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.active = 0
        self.most_active = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _answer(self):
                path = self.path.split("?", 1)[0]
                length = int(self.headers.get("Content-Length") or 0)
                body_in = self.rfile.read(length) if length else b""
                with server.lock:
                    server.hits[path] = server.hits.get(path, 0) + 1
                    server.requests.append((self.command, path, dict(self.headers), body_in))
                    server.active += 1
                    server.most_active = max(server.most_active, server.active)
                try:
                    self._page(path)
                finally:
                    with server.lock:
                        server.active -= 1

            def _page(self, path):
                page = server.pages.get(path) or Page(status=404, body="<html>no page</html>")
                if page.delay:
                    server.stopping.wait(page.delay)
                body = page.body.encode() if isinstance(page.body, str) else page.body
                self.send_response(page.status)
                for name, value in page.headers.items():
                    self.send_header(name, value)
                if page.gzip:
                    body = gzip.compress(body)
                    self.send_header("Content-Encoding", "gzip")
                if page.chunked:
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    try:
                        for i in range(0, len(body), 65536):
                            part = body[i : i + 65536]
                            self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
                        self.wfile.write(b"0\r\n\r\n")
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                    return
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    try:
                        self.wfile.write(body)
                    except (BrokenPipeError, ConnectionResetError):
                        pass

            do_GET = do_POST = do_HEAD = _answer

        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.host = host
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def __enter__(self) -> ArticleServer:
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def wait_for(self, path: str, hits: int, timeout: float = 10) -> bool:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.hits.get(path, 0) >= hits:
                return True
            time.sleep(0.02)
        return False
