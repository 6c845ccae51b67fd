"""Fetch throughput, end to end: 200 citations through Redis and a real worker on a thread pool.

    createdb -h 127.0.0.1 -U postgres newsdesk_bench   # once; the script migrates it
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/newsdesk_bench \\
    REDIS_URL=redis://127.0.0.1:6379/3 .venv/bin/python bench/fetch_throughput.py

Every page is served after a 1 s delay, so fetching them one after another takes 200 s. The 200
links are spread over 50 hosts (four citations per outlet, as a real archive of stories is; the
local server listens on 127.0.0.1 … 127.0.0.50), so the per-host politeness limit (2 at once)
stays on. A second run queues, first, 10 links to sites that accept connections and never answer:
each costs one thread one read timeout, in parallel, not the queue.

It migrates the database it is given and uses its own story (slug `bench-fetch-throughput`),
starts `celery -A newsdesk worker -Q fetch --pool threads --concurrency 50`, and writes the
results to the "Sources: fetch throughput" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import signal
import socket
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsdesk.settings")
os.environ.setdefault("NEWSDESK_FETCH_ALLOW_PRIVATE_NETWORKS", "true")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from bench.extraction import reflow  # noqa: E402
from bench.report import write_section  # noqa: E402
from sources import services  # noqa: E402
from sources.models import Citation, LinkStatus, Snapshot  # noqa: E402

SECTION = "## Sources: fetch throughput"
SLUG = "bench-fetch-throughput"
PAGE = """<!doctype html><html lang="en"><head><title>Bench story {n} | Bench Daily</title>
<meta property="og:site_name" content="Bench Daily">
<meta property="article:published_time" content="2025-11-0{d}T09:00:00+00:00">
</head><body><article><h1>Bench story {n}</h1>
<p>Paragraph one of story {n}, long enough to count as the article's main text for the extractor
that reads it, with a second sentence for good measure.</p>
<p>Paragraph two of story {n}: officials said the drills would continue through the week.</p>
</article></body></html>"""


class SlowHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802 - the name http.server calls
        time.sleep(1.0)
        n = int(self.path.strip("/").split("-")[-1] or 0)
        body = PAGE.format(n=n, d=n % 9 + 1).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128


def serve(addresses: list[str]) -> tuple[list[Server], int]:
    """One slow server per loopback address, all on the same port."""
    port = 0
    servers = []
    for address in addresses:
        server = Server((address, port), SlowHandler)
        port = server.server_address[1]
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    return servers, port


def black_holes(addresses: list[str]) -> tuple[list[socket.socket], int]:
    """Accept connections, never answer: one dead site per address, all on one port."""
    port, sockets = 0, []
    for address in addresses:
        sock = socket.socket()
        sock.bind((address, port))
        sock.listen(128)
        port = sock.getsockname()[1]
        sockets.append(sock)
    return sockets, port


def start_worker(concurrency: int) -> subprocess.Popen:
    from newsdesk.celery import app

    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge("fetch")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "newsdesk", "worker", "-Q", "fetch"]
        + ["--pool", "threads", "--concurrency", str(concurrency), "--loglevel", "WARNING"],
        cwd=ROOT,
        env={**os.environ},
    )
    end = time.monotonic() + 60
    while time.monotonic() < end:
        if app.control.inspect(timeout=0.5).ping():
            return worker
    worker.terminate()
    raise SystemExit("The worker did not start within 60 s.")


def stop_worker(worker: subprocess.Popen) -> None:
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=30)
    except subprocess.TimeoutExpired:
        worker.kill()


def run(urls: list[str], hanging: list[str] = ()) -> tuple[float, float, dict[str, int]]:
    """Create the citations (dead links first, the worst case), queue their fetches after
    commit, and time until the `urls` are all fetched and until none waits for a first answer."""
    from stories.models import Story, StoryTemplate
    from stories.services import story_create

    Snapshot.objects.filter(citation__story__slug=SLUG).delete()
    Story.objects.filter(slug=SLUG).delete()
    story = story_create(
        by=None,
        headline="Bench: fetch throughput",
        slug=SLUG,
        template=StoryTemplate.objects.order_by("id").first(),
    )
    citations = Citation.objects.bulk_create(
        Citation(story=story, url=url, claim=f"Claim {i}.", order=i)
        for i, url in enumerate([*hanging, *urls])
    )
    started = time.monotonic()
    with transaction.atomic():
        for citation in citations:
            services.citation_schedule_fetch(citation=citation)
    # Settled: fetched, failed for good, or failed once and waiting for its retry.
    waiting = Citation.objects.filter(story=story, link_status=LinkStatus.PENDING, link_reason="")
    good_ids = [c.pk for c in citations[len(hanging) :]]
    fetched = Citation.objects.filter(pk__in=good_ids, link_status=LinkStatus.FETCHED)
    good_elapsed = None
    while True:
        now = time.monotonic() - started
        if good_elapsed is None and fetched.count() == len(good_ids):
            good_elapsed = now
        if good_elapsed is not None and not waiting.exists():
            break
        if now > 600:
            raise SystemExit("Still pending after 10 minutes.")
        time.sleep(0.05)
    elapsed = time.monotonic() - started
    counts: dict[str, int] = {}
    for status in Citation.objects.filter(story=story).values_list("link_status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return good_elapsed, elapsed, counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--citations", type=int, default=200)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    if not settings.REDIS_URL:
        raise SystemExit("Set REDIS_URL: this benchmark goes through Redis and a real worker.")

    call_command("migrate", verbosity=0)
    addresses = [f"127.0.0.{i}" for i in range(1, args.hosts + 1)]
    servers, port = serve(addresses)
    holes, hole_port = black_holes([f"127.0.1.{i}" for i in range(1, 11)])
    urls = [
        f"http://{addresses[i % len(addresses)]}:{port}/story-{i}" for i in range(args.citations)
    ]
    hanging = [f"http://127.0.1.{i}:{hole_port}/never" for i in range(1, 11)]

    worker = start_worker(args.concurrency)
    try:
        elapsed, _, counts = run(urls)
        print(f"{args.citations} citations: {elapsed:.1f} s {counts}")
        hang_good, hang_elapsed, hang_counts = run(urls, hanging)
        print(f"+10 never answering: {hang_good:.1f} s / {hang_elapsed:.1f} s {hang_counts}")
    finally:
        stop_worker(worker)
        for hole in holes:
            hole.close()
        for server in servers:
            server.shutdown()

    serial = args.citations * 1.0
    body = f"""`bench/fetch_throughput.py`: {args.citations} citations whose pages each answer after
1 s, queued after commit through Redis to one worker process
(`celery -A newsdesk worker -Q fetch --pool threads --concurrency {args.concurrency}`), PostgreSQL,
per-host limit {settings.NEWSDESK_FETCH_PER_HOST} on, links spread over {args.hosts} hosts (loopback
addresses of one local server). Wall time runs from the commit until no citation is pending.
Measured {dt.date.today():%Y-%m-%d} on {os.cpu_count()} cores, Python {platform.python_version()}.

| run | wall time | serial fetch | outcome |
|---|---|---|---|
| {args.citations} citations | {elapsed:.1f} s | {serial:.0f} s | {counts.get("fetched", 0)} fetched |
| 10 links to sites that never answer, queued first, then the {args.citations} | {hang_good:.1f} s for the {args.citations}; {hang_elapsed:.1f} s until the 10 timed out | {serial:.0f} s + 10 × {settings.NEWSDESK_FETCH_TIMEOUT:g} s | {hang_counts.get("fetched", 0)} fetched; 10 timed out once, pending a retry with backoff |

Target: under 20 s for {args.citations}. A link that never answers holds one thread for one read
timeout ({settings.NEWSDESK_FETCH_READ_TIMEOUT:g} s, within the {settings.NEWSDESK_FETCH_TIMEOUT:g} s
deadline) while the other threads carry on."""
    print(reflow(body))
    if not args.no_write:
        write_section(SECTION, body)
        print("\nWritten to docs/benchmarks.md")


if __name__ == "__main__":
    main()
