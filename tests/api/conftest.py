import pytest
from django.core.management import call_command
from django.test import Client

from partners import services
from stories.models import Story


@pytest.fixture
def partner_key(db):
    """A partner with a generous rate, and its key in clear."""
    partner, key = services.partner_create(name="Daily Planet", rate_per_minute=10_000)
    return partner, key


@pytest.fixture
def api(partner_key):
    """A client that sends the partner's key on every request."""
    return Client(HTTP_AUTHORIZATION=f"Api-Key {partner_key[1]}")


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0)
    return {s.slug: s for s in Story.objects.all()}
