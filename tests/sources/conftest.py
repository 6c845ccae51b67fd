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
    settings.NEWSDESK_FETCH_RETRY_BASE = 0.01
    return settings


@pytest.fixture
def citation_at(db, article_server, private_ok):
    """A citation of a fresh story pointing at a page of the local server."""
    from tests import factories

    def make(path: str, **fields):
        from sources.models import Citation

        story = fields.pop("story", None) or factories.story()
        return Citation.objects.create(
            story=story, url=article_server.url(path), claim="What the source says.", **fields
        )

    return make


@pytest.fixture
def hosted(monkeypatch, article_server, private_ok):
    """`hosted("news.daily.example", "/article")`: a URL on that host name, which our resolver
    (and only it) answers with the local server's address."""
    import ipaddress

    from sources import fetching

    real_resolve = fetching.resolve
    names: set[str] = set()

    def resolve(host, port):
        if host in names:
            return [ipaddress.ip_address(article_server.host)]
        return real_resolve(host, port)

    monkeypatch.setattr(fetching, "resolve", resolve)

    def url(host: str, path: str) -> str:
        names.add(host)
        return f"http://{host}:{article_server.port}{path}"

    return url
