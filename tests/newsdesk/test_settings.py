import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, **env):
    environment = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
    )


def test_production_mode_passes_check_deploy_without_warnings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        SECRET_KEY="x" * 30 + "-a-long-random-production-secret-key",
        ALLOWED_HOSTS="news.example",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_mode_refuses_the_development_secret_key():
    result = run_manage("check", DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_creates_demo_accounts_in_debug(settings):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from stories.models import Story

    settings.DEBUG = True
    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)
    assert sorted(Story.objects.values_list("status", flat=True)) == [
        "draft",
        "published",
        "published",
    ]
    User = get_user_model()
    for name in ["journalist", "editor", "admin"]:
        assert User.objects.get(username=name).check_password(settings.NEWSDESK_DEMO_PASSWORD)
    assert User.objects.get(username="admin").is_superuser


@pytest.mark.django_db
def test_seed_demo_creates_no_accounts_outside_debug(settings):
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    settings.DEBUG = False
    call_command("seed_demo", verbosity=0)
    assert not get_user_model().objects.filter(username="journalist").exists()


def site_url(**env) -> str:
    """NEWSDESK_SITE_URL as settings compute it in a fresh process with this environment."""
    unset = {"DEBUG", "SECRET_KEY", "NEWSDESK_SITE_URL", "PORT", "HOST"}
    environment = {k: v for k, v in os.environ.items() if k not in unset}
    environment.update(env, DJANGO_SETTINGS_MODULE="newsdesk.settings")
    code = "from django.conf import settings; print(settings.NEWSDESK_SITE_URL)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_site_url_follows_the_port_make_run_serves_on_in_debug():
    assert site_url() == "http://127.0.0.1:8000"
    assert site_url(PORT="8100") == "http://127.0.0.1:8100"
    assert site_url(PORT="8100", HOST="0.0.0.0") == "http://127.0.0.1:8100"  # noqa: S104
    assert site_url(PORT="8100", HOST="localhost") == "http://localhost:8100"


def test_a_set_site_url_wins_and_production_never_guesses_from_the_port():
    assert site_url(PORT="8100", NEWSDESK_SITE_URL="https://news.example/") == (
        "https://news.example"
    )
    production = {"DEBUG": "false", "SECRET_KEY": "x" * 50, "PORT": "8100"}
    assert site_url(**production) == "http://127.0.0.1:8000"


def test_make_run_hands_its_port_to_the_server_process():
    result = subprocess.run(
        ["make", "-n", "run", "PORT=8100"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert "PORT=8100 .venv/bin/python manage.py runserver 127.0.0.1:8100" in result.stdout
