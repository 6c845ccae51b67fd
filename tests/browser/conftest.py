"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

No browser is ever downloaded (`playwright install` is not used): Debian's `chromium` is used,
installed here with apt-get when missing and running as root. Without it the tests skip
locally and fail under CI=true.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
OUTPUT = Path(__file__).resolve().parents[2] / "test-output" / "browser"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _install_chromium() -> str:
    """apt-get install chromium, when we may; returns what happened, for the message."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or not shutil.which("apt-get"):
        return "not root (or no apt-get), so it could not be installed"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "chromium"]):
        result = subprocess.run(  # noqa: S603 - fixed commands
            command, env=env, capture_output=True, text=True, timeout=900, check=False
        )
        if result.returncode != 0:
            return f"`{' '.join(command)}` failed: {result.stderr.strip()[-500:]}"
    return "installed with apt-get"


@pytest.fixture(scope="session")
def chromium_path():
    if not Path(CHROMIUM).exists():
        outcome = _install_chromium()
        if not Path(CHROMIUM).exists():
            reason = f"Debian's chromium is missing at {CHROMIUM}: {outcome}"
            if IN_CI:
                pytest.fail(f"{reason} (CI=true: the browser test must run)", pytrace=False)
            pytest.skip(reason)
    return CHROMIUM


@pytest.fixture
def browser(chromium_path, monkeypatch):
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made here
    # (fixtures, assertions) would otherwise be refused as "async unsafe".
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
            # ORM calls made while Playwright runs use their own connections (Django keeps
            # them per async context); close them, or the test database cannot be dropped.
            connections.close_all()


@pytest.fixture
def screenshots(request):
    """`shot(page, name)` saves test-output/browser/<test>/<NN>-<name>.png."""
    folder = OUTPUT / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    taken = []

    def shot(page, name: str, **kwargs) -> Path:
        path = folder / f"{len(taken) + 1:02d}-{name}.png"
        page.screenshot(path=str(path), **kwargs)
        taken.append(path)
        return path

    shot.taken = taken
    return shot
