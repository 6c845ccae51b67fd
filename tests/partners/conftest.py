import pytest

from tests.api.conftest import api, demo, partner_key  # noqa: F401
from tests.partners.receiver import Receiver


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


@pytest.fixture
def private_network_ok(settings):
    """Let the guarded client reach the local receiver on 127.0.0.1 (tests only)."""
    settings.NEWSDESK_FETCH_ALLOW_PRIVATE_NETWORKS = True
    settings.NEWSDESK_WEBHOOK_TIMEOUT = 3.0
    settings.NEWSDESK_FETCH_READ_TIMEOUT = 2.0
    return settings
