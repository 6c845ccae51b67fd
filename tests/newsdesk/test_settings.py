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
