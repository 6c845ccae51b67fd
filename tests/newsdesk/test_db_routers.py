"""DATABASE_REPLICA_URL for real: Django runs (in a subprocess, so settings load fresh) with two
SQLite files as primary and replica holding different headlines for the same story. Partner API
reads must show the replica's, the admin and public pages the primary's, and writes land on the
primary even while a partner read is in progress."""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SETUP = """
import json
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from partners import services as partner_services
from tests import factories
journalist = factories.journalist()
editor = factories.editor(username="replica-editor")
story = factories.story(by=journalist, published=True, citations=1, entities=1)
_, key = partner_services.partner_create(name="Replica Planet", rate_per_minute=10_000)
print(json.dumps({"key": key, "slug": story.slug, "id": story.pk}))
"""

CHECK = """
import json, sys
import django
django.setup()
from django.contrib.auth import get_user_model
from django.test import Client
from newsdesk import db_routers
from stories.models import Entity, Story

facts = json.loads(sys.argv[1])
slug, key = facts["slug"], facts["key"]
out = {}
api = Client(HTTP_AUTHORIZATION=f"Api-Key {key}")
response = api.get(f"/api/v1/stories/{slug}/")
out["api_status"] = response.status_code
out["api_headline"] = response.json().get("headline")
out["page"] = Client().get(f"/stories/{slug}/").content.decode()
editor = Client()
editor.force_login(get_user_model().objects.get(username="replica-editor"))
change = editor.get(f"/admin/stories/story/{facts['id']}/change/")
out["admin_status"] = change.status_code
out["admin"] = change.content.decode()
# A write made while a partner read is in progress still goes to the primary.
token = db_routers._use_replica.set(True)
try:
    out["read_during_api"] = Story.objects.get(slug=slug).headline
    Entity.objects.create(name="Written during a partner read", slug="written-during-read")
finally:
    db_routers._use_replica.reset(token)
print(json.dumps(out))
"""


def _run(code: str, env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout.strip().splitlines()[-1]


def _sql(path: Path, query: str, *params):
    with sqlite3.connect(path) as db:
        rows = db.execute(query, params).fetchall()
    db.close()
    return rows


def test_partner_reads_use_the_replica_and_everything_else_the_primary(tmp_path):
    primary, replica = tmp_path / "primary.sqlite3", tmp_path / "replica.sqlite3"
    base = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DATABASE_REPLICA_URL"}
    }
    base.update(
        DJANGO_SETTINGS_MODULE="newsdesk.settings",
        REDIS_URL="",  # the local-memory cache: this test is about databases only
        PYTHONPATH=str(ROOT),
    )
    facts = json.loads(_run(SETUP, {**base, "DATABASE_URL": f"sqlite:///{primary}"}))
    shutil.copyfile(primary, replica)
    # Same story, different headline in each file: whichever is shown says where it was read.
    _sql(primary, "UPDATE stories_story SET headline = 'Headline on the primary'")
    _sql(replica, "UPDATE stories_story SET headline = 'Headline on the replica'")

    env = {
        **base,
        "DATABASE_URL": f"sqlite:///{primary}",
        "DATABASE_REPLICA_URL": f"sqlite:///{replica}",
    }
    out = json.loads(_run(CHECK, env, json.dumps(facts)))

    assert out["api_status"] == 200
    assert out["api_headline"] == "Headline on the replica"
    assert "Headline on the primary" in out["page"]
    assert "Headline on the replica" not in out["page"]
    assert out["admin_status"] == 200
    assert "Headline on the primary" in out["admin"]
    assert "Headline on the replica" not in out["admin"]
    assert out["read_during_api"] == "Headline on the replica"
    written = "SELECT count(*) FROM stories_entity WHERE slug = 'written-during-read'"
    assert _sql(primary, written) == [(1,)]
    assert _sql(replica, written) == [(0,)]


def test_pgbouncer_mode_turns_off_server_side_cursors_and_prepared_statements():
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "db = settings.DATABASES['default']; "
        "print(json.dumps([db.get('DISABLE_SERVER_SIDE_CURSORS', False), "
        "db.get('OPTIONS', {}).get('prepare_threshold', 'default')]))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsdesk.settings",
        "DATABASE_URL": "postgres://newsdesk@pgbouncer.invalid:6432/newsdesk",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DATABASE_REPLICA_URL", None)
    on = json.loads(_run(code, {**env, "NEWSDESK_PGBOUNCER": "true"}))
    off = json.loads(_run(code, {**env, "NEWSDESK_PGBOUNCER": "false"}))
    assert on == [True, None]
    assert off == [False, "default"]
