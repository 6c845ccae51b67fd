"""Partner API throughput against "the floor", measured in one run (issue 7).

Builds a 500-story data set on PostgreSQL, starts gunicorn with 2 sync workers on 127.0.0.1,
and runs wrk (Debian's) against: the floor (a constant 15 KB JSON view), story detail with the
representation cache warm and with it off (cold), the list of 20 full items, and 304
revalidation, and the public story page. Prints a table with req/s, p50, p99, SQL queries per request and the ratio to
the floor, writes it to docs/benchmarks.md and plots the ratios to docs/benchmarks-api.png.

    .venv/bin/python bench/api.py [--stories 500] [--duration 15] [--load]

`--load` adds the load test: 64 connections for 60 s against detail and list, zero errors
expected, p99 reported. Needs PostgreSQL and Redis on 127.0.0.1 (as CI has) and `wrk`.
"""

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from report import write_section  # noqa: E402

PY = sys.executable
TARGETS = {  # name: minimum ratio to the floor (issue 7)
    "detail (warm)": 0.40,
    "detail (cold)": 0.10,
    "list of 20": 0.05,
    "304 revalidation": 0.70,
    "public story page": 0.25,
}


def sh(*args, env=None, check=True, capture=True):
    result = subprocess.run(args, cwd=ROOT, env=env, check=False, capture_output=capture, text=True)
    if check and result.returncode != 0:
        sys.exit(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def bench_env(db_name: str, *, cache: bool, redis_db: int) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "NEWSDESK_"))}
    env.update(
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{db_name}",
        REDIS_URL=f"redis://127.0.0.1:6379/{redis_db}",
        DEBUG="false",
        SECRET_KEY="bench-" + "k" * 50,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        NEWSDESK_SITE_URL="http://127.0.0.1",
        NEWSDESK_BENCH_FLOOR="true",
        NEWSDESK_API_CACHE="true" if cache else "false",
        LOG_LEVEL="WARNING",
        # Persistent connections, as in production: a sync worker reuses its one connection.
        CONN_MAX_AGE="600",
    )
    return env


def prepare_database(db_name: str, stories: int, env: dict) -> str:
    """A fresh database with the demo content plus `stories` bench stories; returns a key."""
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
        c.execute(f'CREATE DATABASE "{db_name}"')
    sh(PY, "manage.py", "migrate", "--noinput", "-v0", env=env)
    sh(PY, "manage.py", "seed_demo", "--stories", str(stories), env=env)
    out = sh(PY, "manage.py", "partner_create", "Bench partner", "--rate", "100000000", env=env)
    return re.search(r"API key: (\S+)", out.stdout).group(1)


QUERY_COUNTS = """
import json
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
c = Client(HTTP_AUTHORIZATION="Api-Key %(key)s", HTTP_HOST="127.0.0.1")
def count(path, **headers):
    with CaptureQueriesContext(connection) as q:
        r = c.get(path, **headers)
    assert r.status_code in (200, 304), (path, r.status_code, r.content[:300])
    return len(q), r
cache.clear()
c.get("/api/v1/changes/")  # the key check is remembered from here on
connection.features.supports_json_field
cold, r = count("/api/v1/stories/%(slug)s/")
warm, r = count("/api/v1/stories/%(slug)s/")
etag = r["ETag"]
list5_cold, _ = count("/api/v1/stories/?limit=5")
cache.clear(); c.get("/api/v1/changes/")
list_cold, _ = count("/api/v1/stories/?limit=20")
lst, _ = count("/api/v1/stories/?limit=20")
c.get("/api/v1/stories/%(slug)s/", HTTP_IF_NONE_MATCH=etag)  # the state is remembered again
nm, r304 = count("/api/v1/stories/%(slug)s/", HTTP_IF_NONE_MATCH=etag)
count("/stories/%(slug)s/")
page, _ = count("/stories/%(slug)s/")
print(json.dumps({"cold": cold, "warm": warm, "list": lst, "list_cold": list_cold,
                  "list5_cold": list5_cold, "304": nm, "etag": etag,
                  "status304": r304.status_code, "page": page}))
"""


IN_PROCESS = """
import io, json, time
from django.core.handlers.wsgi import WSGIHandler
handler = WSGIHandler()
def call(path, **meta):
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "",
               "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1",
               "wsgi.input": io.BytesIO(), "wsgi.url_scheme": "http", **meta}
    status = []
    b"".join(handler(environ, lambda s, h, e=None: status.append(s)))
    return status[0]
auth = {"HTTP_AUTHORIZATION": "Api-Key %(key)s"}
detail = "/api/v1/stories/%(slug)s/"
for _ in range(3):
    call(detail, **auth)
cases = {"floor": ("/bench/floor", {}), "detail (warm)": (detail, auth),
         "304 revalidation": (detail, {**auth, "HTTP_IF_NONE_MATCH": %(etag)r})}
out = {}
for name, (path, meta) in cases.items():
    assert call(path, **meta)[:3] in ("200", "304"), name
    best = 1.0
    for _ in range(7):
        start = time.perf_counter()
        for _ in range(2000):
            call(path, **meta)
        best = min(best, (time.perf_counter() - start) / 2000)
    out[name] = best * 1000
print(json.dumps(out))
"""


def in_process_ms(env: dict, key: str, slug: str, etag: str) -> dict:
    """Milliseconds per request through Django's WSGI handler (all middleware, no HTTP
    server), best of 7 rounds: where a request's time goes, apart from gunicorn and wrk."""
    script = IN_PROCESS % {"key": key, "slug": slug, "etag": etag}
    out = sh(PY, "manage.py", "shell", "-c", script, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


def queries_per_request(env: dict, key: str, slug: str) -> dict:
    """Count SQL queries of each request kind in-process, with Django's test client."""
    script = QUERY_COUNTS % {"key": key, "slug": slug}
    out = sh(PY, "manage.py", "shell", "-c", script, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


class Gunicorn:
    def __init__(self, env: dict, port: int):
        self.env, self.port = env, port

    def __enter__(self):
        self.proc = subprocess.Popen(
            [
                str(ROOT / ".venv/bin/gunicorn"),
                "newsdesk.wsgi",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2)  # noqa: S310
                return self
            except OSError:
                time.sleep(0.3)
        self.__exit__()
        sys.exit("gunicorn did not start")

    def __exit__(self, *exc):
        os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=20)


def get(url: str, headers: dict) -> None:
    request = urllib.request.Request(url, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - our server
        response.read()


def wrk(url: str, *, duration: int, connections: int, threads: int, headers: dict) -> dict:
    args = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency"]
    for name, value in headers.items():
        args += ["-H", f"{name}: {value}"]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def latency(pct):
        m = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    errors = 0
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors += int(m.group(1)) if m else 0
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors += sum(int(g) for g in m.groups()) if m else 0
    total = int(re.search(r"(\d+) requests in", out).group(1))
    return {"rps": rps, "p50": latency(50), "p99": latency(99), "errors": errors, "total": total}


def plot(rows: list[dict], path: Path) -> bool:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    named = [r for r in rows if r["name"] in TARGETS]
    fig, ax = plt.subplots(figsize=(7, 3.2), dpi=120)
    names = [r["name"] for r in named]
    ax.barh(names, [r["ratio"] * 100 for r in named], color="#b3261e", label="measured")
    ax.scatter(
        [TARGETS[n] * 100 for n in names], names, marker="|", s=400, color="black", label="target"
    )
    ax.set_xlabel("% of the floor (constant 15 KB JSON view), same run")
    ax.invert_yaxis()
    ax.legend(loc="lower right", fontsize=8)
    ax.set_title("Newsdesk partner API vs the floor", fontsize=10)
    fig.tight_layout()
    fig.savefig(path)
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=500)
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--db-name", default="newsdesk_bench")
    parser.add_argument("--redis-db", type=int, default=9)
    parser.add_argument("--load", action="store_true", help="also run the 64-connection load test")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install wrk")

    warm_env = bench_env(args.db_name, cache=True, redis_db=args.redis_db)
    cold_env = bench_env(args.db_name, cache=False, redis_db=args.redis_db)
    key = prepare_database(args.db_name, args.stories, warm_env)
    slug = "bench-story-00001"
    queries = queries_per_request(warm_env, key, slug)
    cold_queries = queries_per_request(cold_env, key, slug)
    etag = queries["etag"]
    inproc = in_process_ms(warm_env, key, slug, etag)
    auth = {"Authorization": f"Api-Key {key}"}
    opts = dict(duration=args.duration, connections=args.connections, threads=args.threads)

    rows = []
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    detail = f"{base}/api/v1/stories/{slug}/"
    page = f"{base}/stories/{slug}/"
    load = []

    def measure(name, url, queries, headers=auth):
        rows.append({"name": name, **wrk(url, headers=headers, **opts), "queries": queries})

    floors = []  # measured three times; the best one divides (load from other work only lowers it)

    def measure_floor():
        floors.append(wrk(f"{base}/bench/floor", headers={}, **opts))

    with Gunicorn(cold_env, port):
        measure_floor()
        measure("detail (cold)", detail, cold_queries["cold"])
        measure("list of 20 (cold)", f"{base}/api/v1/stories/?limit=20", cold_queries["list"])
    with Gunicorn(warm_env, port):
        flush = ["redis-cli", "-n", str(args.redis_db), "FLUSHDB"]
        subprocess.run(flush, check=True, capture_output=True)
        measure_floor()
        get(detail, auth)  # build the representation once
        measure("detail (warm)", detail, queries["warm"])
        get(f"{base}/api/v1/stories/?limit=20", auth)
        measure("list of 20", f"{base}/api/v1/stories/?limit=20", queries["list"])
        measure("304 revalidation", detail, queries["304"], {**auth, "If-None-Match": etag})
        get(page, {})
        measure("public story page", page, queries["page"], {})
        measure_floor()
        if args.load:
            for name, path in [
                ("detail", detail),
                ("list of 20", f"{base}/api/v1/stories/?limit=20"),
            ]:
                result = wrk(path, headers=auth, duration=60, connections=64, threads=2)
                load.append({"name": name, **result})
    order = [
        "floor",
        "detail (warm)",
        "detail (cold)",
        "list of 20",
        "list of 20 (cold)",
        "304 revalidation",
        "public story page",
    ]
    floor = max(floors, key=lambda r: r["rps"])
    floor_runs = ", ".join(f"{run['rps']:,.0f}" for run in floors)
    rows.append({"name": "floor", **floor, "queries": 0})
    rows.sort(key=lambda r: order.index(r["name"]))
    for row in rows:
        row["ratio"] = row["rps"] / floor["rps"]

    lines = [
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC on {platform.node()} "
        f"({os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}, "
        f"PostgreSQL + Redis on 127.0.0.1), {args.stories} explainer-sized stories, gunicorn 2 sync "
        f"workers, `wrk -t{args.threads} -c{args.connections} -d{args.duration}s`.",
        "",
        "| request | req/s | p50 ms | p99 ms | errors | SQL queries | ratio to floor | target |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        target = f"≥ {TARGETS[r['name']]:.0%}" if r["name"] in TARGETS else ""
        ok = "" if not target else (" ✅" if r["ratio"] >= TARGETS[r["name"]] else " ❌")
        lines.append(
            f"| {r['name']} | {r['rps']:,.0f} | {r['p50']:.2f} | {r['p99']:.2f} | {r['errors']} | "
            f"{r['queries']} | {r['ratio']:.0%}{ok} | {target} |"
        )
    lines += [
        "",
        "SQL queries are counted in-process with the key check already remembered (a key's "
        "first request costs one more). Cold list: "
        f"{queries['list_cold']} queries for 20 items, {queries['list5_cold']} for 5; "
        f"the 304 row was checked to answer {queries['status304']}. `(cold)` rows run with "
        "NEWSDESK_API_CACHE=false: every request builds the representation. The floor was "
        f"measured three times ({floor_runs} req/s); the "
        "best divides, so a busy moment on this shared machine cannot flatter the ratios.",
        "",
        "How the cached rows get there: a warm detail or a 304 is one Redis round trip (one "
        "script checks the key, counts the partner's request and returns the story's "
        "remembered state and, for a partner without a copy, the cached body; "
        "stories/api/states.py) and no SQL, answered by a middleware ahead of the session, "
        "auth, messages and CSRF layers the API does not use (stories/api/fast_path.py). "
        "In-process, through Django's WSGI handler with all middleware but no HTTP server "
        f"(best of 7 × 2,000): floor {inproc['floor']:.3f} ms, warm detail "
        f"{inproc['detail (warm)']:.3f} ms, 304 {inproc['304 revalidation']:.3f} ms. The "
        "rest of each request (gunicorn parsing HTTP, a new TCP connection per request since "
        "sync workers do not keep connections alive, wrk itself) costs every row alike. "
        "Run to run, on this shared 2-core machine (2026-11-22, after the key check's script "
        "moved to a connection of its own, out of redis-py's pool): the 304 row measured "
        "76–78% of the floor and the warm detail 67–70% over five runs (69.7–74% and 64–67% "
        "before). A busy moment can still pull one row down (one run showed the public page "
        "at 27%, 37–38% in the runs either side); that is why the floor is the best of three "
        "and a row worth doubting is worth running again. What is left of a 304 is mostly "
        "the one Redis round trip (about 50 µs in-process, of which the Lua script is 12 µs "
        "in Redis).",
        "Wagtail 8.0 API v2 on the same kind of machine (from the issue): detail ~100 req/s and 20 "
        "queries, list of 20 ~11 req/s and 286 queries, floor ~5,000 req/s — i.e. detail ≈2% and "
        "list ≈0.2% of the floor.",
    ]
    if load:
        lines += [
            "",
            "Load test: `wrk -t2 -c64 -d60s`.",
            "",
            "| request | requests | req/s | p50 ms | p99 ms | errors |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for r in load:
            lines.append(
                f"| {r['name']} | {r['total']:,} | {r['rps']:,.0f} | {r['p50']:.2f} | {r['p99']:.2f} | {r['errors']} |"
            )
    if not args.no_write and plot(rows, ROOT / "docs" / "benchmarks-api.png"):
        lines += ["", "![API throughput as a share of the floor](benchmarks-api.png)"]
    text = "\n".join(lines)
    print(text)
    if not args.no_write:
        write_section("Partner API throughput (bench/api.py)", text)


if __name__ == "__main__":
    with tempfile.TemporaryDirectory():
        main()
