"""Where pictures are stored and served from, read from the environment (newsdesk/settings.py)."""

import json

from tests.newsdesk.test_settings import run_manage

SHOW = (
    "from django.conf import settings as s; from django.core.files.storage import storages "
    "; d = storages['default']; print(json.dumps([type(d).__module__ + '.' + type(d).__name__, "
    "s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src'], s.NEWSDESK_PICTURE_FORMATS]))"
)


def _settings(**env):
    result = run_manage("shell", "-c", "import json; " + SHOW, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_filesystem_by_default_and_only_our_own_images_allowed():
    storage, img_src, formats = _settings()
    assert storage == "django.core.files.storage.filesystem.FileSystemStorage"
    assert img_src == ["'self'", "data:"]
    assert formats == ["webp", "jpeg"]


def test_a_bucket_switches_to_s3_and_the_policy_allows_its_host():
    storage, img_src, _ = _settings(
        AWS_STORAGE_BUCKET_NAME="newsdesk-pictures",
        AWS_S3_CUSTOM_DOMAIN="pictures.news.example",
    )
    assert storage == "storages.backends.s3.S3Storage"
    assert img_src == ["'self'", "data:", "https://pictures.news.example"]


def test_an_s3_compatible_endpoint_is_allowed_by_its_origin():
    _, img_src, _ = _settings(
        AWS_STORAGE_BUCKET_NAME="b", AWS_S3_ENDPOINT_URL="https://s3.eu.example:9000/"
    )
    assert img_src[-1] == "https://s3.eu.example:9000"


def test_avif_can_replace_webp():
    assert _settings(NEWSDESK_PICTURE_FORMAT="avif")[2] == ["avif", "jpeg"]
