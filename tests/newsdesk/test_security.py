"""Login throttling (django-axes)."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from tests import factories

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
