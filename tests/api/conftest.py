import pytest
from django.core.management import call_command
from django.test import Client

from partners import services
from stories.api import states
from stories.models import Story


def state_queries() -> int:
    """SQL queries a detail request spends on its story's state: none once Redis remembers
    it (stories/api/states.py), one on the local-memory cache."""
    return 0 if states.enabled() else 1


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed(): change()` runs what the change's commit runs (the test's own
    transaction never commits), such as marking remembered story states stale."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


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
