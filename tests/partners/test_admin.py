"""Partners, keys, the change log and webhook deliveries in the newsroom admin."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.db.models.signals import post_save
from django.test import Client, TestCase

from partners import services
from partners.models import ChangeEvent, Partner, PartnerKey, WebhookDelivery
from tests import factories
from tests.api import newsroom

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def shown_once(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def secrets_on_page(response) -> list[str]:
    """The secrets the response's page shows (each in a <code class="newsdesk-secret">)."""
    return re.findall(r'<code class="newsdesk-secret">([^<]+)</code>', response.content.decode())


def assert_secret_shown_once(response, secret: str):
    """On the page of the POST's answer, kept by no cache, and in no cookie or message."""
    assert response.status_code == 200
    assert secret in secrets_on_page(response)
    assert "no-store" in response["Cache-Control"]
    for cookie in response.cookies.values():
        assert secret not in cookie.OutputString()
    assert not any(secret in header for header in response.headers.values())
    assert not any(secret in message for message in shown_once(response))


def test_adding_a_partner_in_the_admin_shows_its_key_and_secret_once(admin_client):
    response = admin_client.post(
        "/admin/partners/partner/add/",
        {
            "name": "The Bugle",
            "contact_name": "Ann",
            "contact_email": "ann@bugle.example",
            "active": "on",
            "rate_per_minute": "60",
            "webhook_url": "https://bugle.example/hooks",
            "notes": "",
            "keys-TOTAL_FORMS": "0",
            "keys-INITIAL_FORMS": "0",
        },
    )
    partner = Partner.objects.get(name="The Bugle")
    assert partner.rate_per_minute == 60 and partner.webhook_secret.startswith("whsec_")
    key, secret = secrets_on_page(response)
    assert secret == partner.webhook_secret
    assert_secret_shown_once(response, key)
    assert_secret_shown_once(response, secret)
    api = Client(HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert api.get("/api/v1/stories/").status_code == 200
    page = admin_client.get(f"/admin/partners/partner/{partner.pk}/change/").content.decode()
    assert key not in page and partner.webhook_secret not in page
    assert PartnerKey.objects.get(partner=partner).prefix in page


def test_issue_key_action_and_revoking_from_the_key_list(admin_client):
    partner, first = services.partner_create(name="Daily Planet")
    response = admin_client.post(
        "/admin/partners/partner/",
        {"action": "issue_key", "_selected_action": [partner.pk]},
    )
    (second,) = secrets_on_page(response)
    assert_secret_shown_once(response, second)
    assert second not in admin_client.get("/admin/partners/partner/").content.decode()
    assert PartnerKey.objects.filter(partner=partner, revoked=False).count() == 2
    old = PartnerKey.objects.get(prefix=first.split(".")[0])
    admin_client.post(
        "/admin/partners/partnerkey/",
        {"action": "revoke", "_selected_action": [old.pk]},
        follow=True,
    )
    assert Client(HTTP_AUTHORIZATION=f"Api-Key {first}").get("/api/v1/stories/").status_code == 401
    assert Client(HTTP_AUTHORIZATION=f"Api-Key {second}").get("/api/v1/stories/").status_code == 200


def test_rotating_a_webhook_secret_shows_it_once_on_its_own_page(admin_client):
    partner, _ = services.partner_create(name="Daily Planet", webhook_url="https://p.example/h")
    before = partner.webhook_secret
    response = admin_client.post(
        "/admin/partners/partner/",
        {"action": "rotate_webhook_secret", "_selected_action": [partner.pk]},
    )
    partner.refresh_from_db()
    assert partner.webhook_secret != before
    assert secrets_on_page(response) == [partner.webhook_secret]
    assert_secret_shown_once(response, partner.webhook_secret)
    assert (
        partner.webhook_secret
        not in admin_client.get(f"/admin/partners/partner/{partner.pk}/change/").content.decode()
    )


def test_a_first_webhook_url_shows_its_new_secret_once(admin_client):
    partner, _ = services.partner_create(name="Daily Planet")
    response = admin_client.post(
        f"/admin/partners/partner/{partner.pk}/change/",
        change_form(partner, webhook_url="https://planet.example/hooks"),
    )
    partner.refresh_from_db()
    assert_secret_shown_once(response, partner.webhook_secret)


def change_form(partner, **changes) -> dict:
    data = {
        "name": partner.name,
        "contact_name": partner.contact_name,
        "contact_email": partner.contact_email,
        "active": "on" if partner.active else "",
        "rate_per_minute": str(partner.rate_per_minute),
        "webhook_url": partner.webhook_url,
        "notes": partner.notes,
        "keys-TOTAL_FORMS": "0",
        "keys-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_changing_the_webhook_url_saves_the_partner_once(admin_client):
    partner, _ = services.partner_create(name="Daily Planet", webhook_url="https://a.example/h")
    saves = []

    def count(sender, instance, **kwargs):
        saves.append(instance.pk)

    post_save.connect(count, sender=Partner)
    try:
        response = admin_client.post(
            f"/admin/partners/partner/{partner.pk}/change/",
            change_form(partner, webhook_url="https://b.example/h", rate_per_minute="30"),
        )
    finally:
        post_save.disconnect(count, sender=Partner)
    assert response.status_code == 302
    assert saves == [partner.pk]
    partner.refresh_from_db()
    assert (partner.webhook_url, partner.rate_per_minute) == ("https://b.example/h", 30)


# --- Custom actions need the change permission -----------------------------------------------


def staff_with(*codenames):
    user = factories.UserFactory(username=f"staff-{'-'.join(codenames)}"[:150])
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    client = Client()
    client.force_login(user)
    return client


VIEW_ONLY = ("view_partner", "view_partnerkey", "view_webhookdelivery")
MAY_CHANGE = (*VIEW_ONLY, "change_partner", "change_partnerkey", "change_webhookdelivery")


@pytest.fixture
def failed_delivery(journalist):
    partner, _ = services.partner_create(name="Hooked", webhook_url="https://h.example/hook")
    newsroom.publish(factories.story(by=journalist))
    delivery = WebhookDelivery.objects.get(partner=partner)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status="failed")
    return delivery


def act(client, model: str, action: str, pk: int):
    return client.post(
        f"/admin/partners/{model}/", {"action": action, "_selected_action": [pk]}, follow=True
    )


def test_view_only_staff_cannot_run_any_partner_action(failed_delivery):
    partner = failed_delivery.partner
    secret, key = partner.webhook_secret, partner.keys.get()
    client = staff_with(*VIEW_ONLY)
    assert client.get("/admin/partners/partner/").status_code == 200
    for model, action, pk in [
        ("partner", "issue_key", partner.pk),
        ("partner", "rotate_webhook_secret", partner.pk),
        ("partnerkey", "revoke", key.pk),
        ("webhookdelivery", "retry_now", failed_delivery.pk),
    ]:
        page = client.get(f"/admin/partners/{model}/").content.decode()
        assert f'value="{action}"' not in page, action
        response = act(client, model, action, pk)
        assert response.status_code in (200, 403), action
        assert not secrets_on_page(response)
    partner.refresh_from_db()
    key.refresh_from_db()
    failed_delivery.refresh_from_db()
    assert partner.webhook_secret == secret and partner.keys.count() == 1
    assert key.revoked is False
    assert failed_delivery.status == "failed"


def test_staff_who_may_change_partners_can_run_the_actions(failed_delivery):
    partner = failed_delivery.partner
    secret, key = partner.webhook_secret, partner.keys.get()
    client = staff_with(*MAY_CHANGE)
    with TestCase.captureOnCommitCallbacks(execute=False):
        assert len(secrets_on_page(act(client, "partner", "issue_key", partner.pk))) == 1
        assert len(secrets_on_page(act(client, "partner", "rotate_webhook_secret", partner.pk)))
        act(client, "partnerkey", "revoke", key.pk)
        act(client, "webhookdelivery", "retry_now", failed_delivery.pk)
    partner.refresh_from_db()
    key.refresh_from_db()
    failed_delivery.refresh_from_db()
    assert partner.webhook_secret != secret and partner.keys.count() == 2
    assert key.revoked is True
    assert failed_delivery.status == "pending"


@pytest.mark.usefixtures("eager_tasks", "private_network_ok")
def test_deliveries_with_their_attempts_and_the_change_log_are_visible(
    admin_client, journalist, receiver
):
    partner, _ = services.partner_create(name="Daily Planet", webhook_url=receiver.url)
    receiver.answers = [503]
    story = newsroom.publish(factories.story(by=journalist))
    delivery = WebhookDelivery.objects.get()
    listing = admin_client.get("/admin/partners/webhookdelivery/").content.decode()
    assert delivery.message_id in listing and story.slug in listing and "Pending" in listing
    detail = admin_client.get(f"/admin/partners/webhookdelivery/{delivery.pk}/change/")
    page = detail.content.decode()
    assert "503" in page and "The partner answered HTTP 503." in page
    partners_page = admin_client.get("/admin/partners/partner/").content.decode()
    assert ">1<" in partners_page  # one pending delivery in the list
    changes = admin_client.get("/admin/partners/changeevent/").content.decode()
    assert story.slug in changes
    assert ChangeEvent.objects.get().sequence == 1


@pytest.mark.usefixtures("eager_tasks", "private_network_ok")
def test_send_again_now_from_the_admin(admin_client, journalist, receiver, settings):
    settings.NEWSDESK_WEBHOOK_MAX_ATTEMPTS = 1
    services.partner_create(name="Daily Planet", webhook_url=receiver.url)
    receiver.answers = [500]
    newsroom.publish(factories.story(by=journalist))
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "failed"
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = admin_client.post(
            "/admin/partners/webhookdelivery/",
            {"action": "retry_now", "_selected_action": [delivery.pk]},
            follow=True,
        )
    assert "queued to be sent again" in " ".join(shown_once(response))
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and len(receiver.requests) == 2
