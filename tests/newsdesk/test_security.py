"""Login throttling (django-axes) and the Content-Security-Policy (django-csp)."""

import gzip
import re
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from sources.models import Snapshot
from sources.views import RAW_POLICY
from stories.models import Entity
from tests import factories
from tests.newsdesk.test_settings import run_manage

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
PASSWORD = "secret-pass-123"  # tests.factories.UserFactory's
LOCKED = "the account is locked"


def attempt_login(client, username, password, address="10.0.0.1"):
    return client.post(
        LOGIN, {"username": username, "password": password, "next": "/admin/"}, REMOTE_ADDR=address
    )


def fail(client, username, times, address="10.0.0.1"):
    for _ in range(times):
        attempt_login(client, username, "wrong-password", address)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def journalist():
    return factories.UserFactory(username="ana", is_staff=True)


# --- Login throttling -----------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_login_and_the_right_one_is_refused(client, journalist):
    fail(client, "ana", 5)
    response = attempt_login(client, "ana", PASSWORD)
    assert response.status_code == 429
    assert not logged_in(client)
    page = response.content.decode()
    assert LOCKED in page
    assert "15 minutes, until" in page
    assert 'id="login-form"' in page  # the admin's own login page, not a bare error page
    assert "<title>Log in | Newsdesk</title>" in page


def test_four_wrong_passwords_do_not_lock(client, journalist):
    fail(client, "ana", 4)
    assert attempt_login(client, "ana", PASSWORD).status_code == 302
    assert logged_in(client)


def test_another_user_from_the_same_address_is_not_locked(client, journalist):
    factories.UserFactory(username="ben", is_staff=True)
    fail(client, "ana", 6)
    response = attempt_login(client, "ben", PASSWORD)
    assert response.status_code == 302
    assert logged_in(client)


def test_the_same_user_from_another_address_is_not_locked(client, journalist):
    fail(client, "ana", 6, address="10.0.0.1")
    assert attempt_login(client, "ana", PASSWORD, address="10.0.0.2").status_code == 302


def test_a_forged_forwarded_for_header_buys_no_fresh_guesses(client, journalist):
    for number in range(5):
        client.post(
            LOGIN,
            {"username": "ana", "password": "wrong-password"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"198.51.100.{number}",
        )
    assert attempt_login(client, "ana", PASSWORD).status_code == 429


def test_a_successful_login_resets_the_count(client, journalist):
    fail(client, "ana", 4)
    assert attempt_login(client, "ana", PASSWORD).status_code == 302
    client.logout()
    fail(client, "ana", 4)
    assert attempt_login(client, "ana", PASSWORD).status_code == 302


def test_the_lock_ends_after_the_cool_off(client, journalist, settings):
    fail(client, "ana", 5)
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - timedelta(minutes=settings.NEWSDESK_LOGIN_COOLOFF_MINUTES + 1)
    )
    assert attempt_login(client, "ana", PASSWORD).status_code == 302


def test_an_admin_sees_the_lock_out_and_deleting_it_lets_the_user_in(client, journalist):
    fail(client, "ana", 5)
    attempt = AccessAttempt.objects.get(username="ana")

    admin = factories.UserFactory(username="chief", is_staff=True, is_superuser=True)
    from django.test import Client

    chief = Client()
    chief.force_login(admin)
    listing = chief.get(reverse("admin:axes_accessattempt_changelist") + "?locked_out=yes")
    assert listing.status_code == 200
    assert "ana" in listing.content.decode()
    response = chief.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()

    assert attempt_login(client, "ana", PASSWORD).status_code == 302
    assert logged_in(client)


def test_the_limits_come_from_the_environment():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.AXES_FAILURE_LIMIT, "
        "settings.AXES_COOLOFF_TIME.total_seconds())",
        NEWSDESK_LOGIN_FAILURE_LIMIT="3",
        NEWSDESK_LOGIN_COOLOFF_MINUTES="2",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-2:] == ["3", "120.0"]


def test_axes_reset_command_unlocks_everyone(client, journalist):
    from django.core.management import call_command

    fail(client, "ana", 5)
    call_command("axes_reset")
    assert attempt_login(client, "ana", PASSWORD).status_code == 302


def test_wrong_basic_auth_passwords_lock_basic_auth_too(client, journalist):
    """DRF's Basic auth (the schema view) counts towards the same lock."""
    import base64

    wrong = base64.b64encode(b"ana:wrong-password").decode()
    for _ in range(5):
        client.get(reverse("api-schema"), HTTP_AUTHORIZATION=f"Basic {wrong}")
    right = base64.b64encode(f"ana:{PASSWORD}".encode()).decode()
    response = client.get(reverse("api-schema"), HTTP_AUTHORIZATION=f"Basic {right}")
    assert response.status_code == 403
    assert AccessAttempt.objects.get(username="ana").failures_since_start == 6


# --- Content-Security-Policy ----------------------------------------------------------------


def directives(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {
        part.split()[0]: " ".join(part.split()[1:])
        for part in (p.strip() for p in header.split(";"))
        if part
    }


def inline_scripts(html: str) -> list[str]:
    """The opening tags of every <script> without a src."""
    return [tag for tag in re.findall(r"<script\b[^>]*>", html) if "src=" not in tag]


def assert_base_policy(response):
    policy = directives(response)
    assert policy["default-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'self'"
    assert policy["form-action"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    return policy


def test_admin_login_page_has_the_policy(client):
    assert_base_policy(client.get(LOGIN))


def test_admin_story_page_has_the_policy_and_its_inline_script_the_nonce(client):
    client.force_login(factories.UserFactory(username="chief", is_staff=True, is_superuser=True))
    Entity.objects.create(name="Ines Varga", slug="ines-varga", kind="person")
    story = factories.story(citations=2)
    section = story.sections.get(key="whats-happened")
    section.body = "Ines Varga leads the crews."  # a "Link" suggestion: the checklist's script
    section.save()

    response = client.get(reverse("admin:stories_story_change", args=[story.pk]))
    html = response.content.decode()
    nonce = re.search(r"'nonce-([^']+)'", assert_base_policy(response)["script-src"]).group(1)
    scripts = inline_scripts(html)
    assert "checklist-link-entity" in html
    assert scripts, "the checklist panel's script is inline"
    assert all(f'nonce="{nonce}"' in tag for tag in scripts), scripts


def test_each_response_gets_its_own_nonce(client):
    client.force_login(factories.UserFactory(username="chief", is_staff=True, is_superuser=True))
    Entity.objects.create(name="Ines Varga", slug="ines-varga", kind="person")
    story = factories.story(citations=2)
    story.sections.filter(key="whats-happened").update(body="Ines Varga leads the crews.")
    url = reverse("admin:stories_story_change", args=[story.pk])
    first, second = (directives(client.get(url))["script-src"] for _ in range(2))
    assert first != second


def test_public_pages_have_the_policy_also_from_the_page_cache(client):
    story = factories.story(published=True)
    assert_base_policy(client.get(reverse("stories:home")))
    rendered = client.get(story.get_absolute_url())
    cached = client.get(story.get_absolute_url())
    for response in (rendered, cached):
        assert response.status_code == 200
        policy = assert_base_policy(response)
        # The page is cached as HTML per version: its <style> needs no per-response nonce.
        assert "'unsafe-inline'" in policy["style-src"]
    assert all("ld+json" in tag for tag in inline_scripts(cached.content.decode()))


def test_the_partner_api_json_is_sent_without_a_policy(client):
    response = client.get("/api/v1/stories/")
    assert response["Content-Type"] == "application/problem+json"
    assert "Content-Security-Policy" not in response


def test_archived_pages_keep_their_own_sandbox_policy(client):
    client.force_login(factories.UserFactory(username="chief", is_staff=True))
    snapshot = Snapshot.objects.create(
        requested_url="https://example.org/a",
        final_url="https://example.org/a",
        http_status=200,
        html_gz=gzip.compress(b"<h1>Archived</h1><script>alert(1)</script>"),
        content_hash="0" * 64,
    )
    response = client.get(reverse("sources:snapshot_raw", args=[snapshot.pk]))
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == RAW_POLICY
    # The page around it is ours, under our policy.
    assert_base_policy(client.get(reverse("sources:snapshot", args=[snapshot.pk])))


def test_api_docs_load_their_start_up_script_from_a_url(client):
    response = client.get(reverse("api-docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert inline_scripts(html) == []
    script = re.search(r'<script src="([^"]*script=[^"]*)"', html).group(1)
    start_up = client.get(script.replace("&amp;", "&"))
    assert start_up.status_code == 200
    assert start_up["Content-Type"].startswith("application/javascript")
