import pytest

from tests.sources.server import ArticleServer


@pytest.fixture
def article_server():
    with ArticleServer() as server:
        yield server


@pytest.fixture
def private_ok(settings):
    """Let the guarded client reach the local test server on 127.0.0.1."""
    settings.NEWSDESK_FETCH_ALLOW_PRIVATE_NETWORKS = True
    settings.NEWSDESK_FETCH_TIMEOUT = 3.0
    settings.NEWSDESK_FETCH_READ_TIMEOUT = 2.0
    return settings
