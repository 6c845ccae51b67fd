"""A real Celery worker process for end-to-end tests, pointed at the test database and Redis.

The worker is a separate process, so its tests commit their rows (transactional tests) and
the worker reads them from the same PostgreSQL test database.
"""

import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]


def worker_database_url() -> str:
    """The PostgreSQL database this test run uses, as a DATABASE_URL for the worker."""
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


@contextmanager
def celery_worker(
    *, queues: list[str], log: Path, pool: str = "solo", concurrency: int = 1, env=None
):
    """Start `celery worker` on `queues`, yield the process, stop it (SIGTERM, then kill)."""
    environment = {
        **os.environ,
        "DATABASE_URL": worker_database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "DJANGO_SETTINGS_MODULE": "newsdesk.settings",
        **(env or {}),
    }
    command = [
        sys.executable, "-m", "celery", "-A", "newsdesk", "worker",
        f"--pool={pool}", f"--concurrency={concurrency}", f"--queues={','.join(queues)}",
        f"--hostname=test-{queues[0]}-{os.getpid()}@%h", "--loglevel=INFO",
        "--without-gossip", "--without-mingle", "--without-heartbeat",
    ]  # fmt: skip
    with log.open("w") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def wait_for(condition, timeout: float = 60.0, every: float = 0.1) -> bool:
    """Poll `condition` until it is true or `timeout` seconds pass."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(every)
    return False
