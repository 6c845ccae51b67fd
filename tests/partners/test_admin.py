"""Partners, keys, the change log and webhook deliveries in the newsroom admin."""

import re

import pytest
from django.contrib.messages import get_messages
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
        follow=True,
    )
    assert response.status_code == 200
    partner = Partner.objects.get(name="The Bugle")
    assert partner.rate_per_minute == 60 and partner.webhook_secret.startswith("whsec_")
    (message,) = [m for m in shown_once(response) if "API key" in m]
    key = re.search(r"API key for The Bugle: (\S+)", message).group(1)
    assert partner.webhook_secret in message
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
        follow=True,
    )
    (message,) = [m for m in shown_once(response) if "New API key" in m]
    second = re.search(r"Daily Planet: (\S+) ", message).group(1)
    assert PartnerKey.objects.filter(partner=partner, revoked=False).count() == 2
    old = PartnerKey.objects.get(prefix=first.split(".")[0])
    admin_client.post(
        "/admin/partners/partnerkey/",
        {"action": "revoke", "_selected_action": [old.pk]},
        follow=True,
    )
    assert Client(HTTP_AUTHORIZATION=f"Api-Key {first}").get("/api/v1/stories/").status_code == 401
    assert Client(HTTP_AUTHORIZATION=f"Api-Key {second}").get("/api/v1/stories/").status_code == 200


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
