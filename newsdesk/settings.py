"""Newsdesk settings: everything that differs between a laptop and production comes from the
environment (django-environ). Every variable read here has a line in README.md.

With no environment at all, Newsdesk runs on a laptop: SQLite, Celery in eager mode, the
local-memory cache and the console e-mail backend. `DATABASE_URL` and `REDIS_URL` switch to
PostgreSQL and Redis; `DEBUG=false` switches on production hardening.
"""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=True)
_DEV_SECRET_KEY = "django-insecure-newsdesk-development-key-do-not-use-in-production"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET_KEY)
if not DEBUG and SECRET_KEY == _DEV_SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "rest_framework",
    "rest_framework_api_key",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "reversion",
    "axes",
    "stories",
    "sources",
    "partners",
    "newsroom",
    "pictures",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "newsdesk.db_routers.PartnerReadsOnReplicaMiddleware",
    # A partner's cached story or 304, answered before the layers below that the API never
    # uses (sessions, users, messages, CSRF); anything else goes on (stories/api/fast_path.py).
    "stories.api.fast_path.StoryFastPathMiddleware",
    # After the fast path on purpose: its JSON needs no policy, and its hot path no extra work.
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into our lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "newsdesk.urls"
WSGI_APPLICATION = "newsdesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "stories.context_processors.newsroom",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Optional read replica: partner API reads go there (newsdesk/db_routers.py).
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["newsdesk.db_routers.ReplicaRouter"]
# psycopg's connection pool (per process) when DATABASE_POOL_MAX_SIZE > 0; it replaces
# persistent connections, so CONN_MAX_AGE must stay 0 then.
DATABASE_POOL_MAX_SIZE = env.int("DATABASE_POOL_MAX_SIZE", default=0)
# DATABASE_URL points at pgbouncer in transaction pooling mode (README "Deployment").
NEWSDESK_PGBOUNCER = env.bool("NEWSDESK_PGBOUNCER", default=False)
for _db in DATABASES.values():
    _db["CONN_HEALTH_CHECKS"] = True
    _db["CONN_MAX_AGE"] = 0 if DATABASE_POOL_MAX_SIZE else env.int("CONN_MAX_AGE", default=0)
    if _db["ENGINE"] == "django.db.backends.postgresql" and NEWSDESK_PGBOUNCER:
        # pgbouncer in transaction mode hands each transaction any server connection: no
        # server-side cursors (they outlive the transaction) and no prepared statements.
        _db["DISABLE_SERVER_SIDE_CURSORS"] = True
        _db.setdefault("OPTIONS", {})["prepare_threshold"] = None
    if _db["ENGINE"] == "django.db.backends.postgresql" and DATABASE_POOL_MAX_SIZE:
        _db.setdefault("OPTIONS", {})["pool"] = {
            "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=1),
            "max_size": DATABASE_POOL_MAX_SIZE,
            "timeout": 10,
        }
    if _db["ENGINE"] == "django.db.backends.sqlite3":
        # Concurrent admin saves and an eager task on a laptop must not hit "database is locked".
        _db.setdefault("OPTIONS", {}).update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: Celery broker and cache ---------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True
    CELERY_RESULT_BACKEND = None
    CELERY_TASK_ALWAYS_EAGER = False
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "newsdesk",
            # A cache that is down must not take pages, the API or saves down with it: reads
            # miss and writes are dropped (logged), and everything is built from the database.
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": 2,
                "SOCKET_TIMEOUT": 2,
                "IGNORE_EXCEPTIONS": True,
            },
        }
    }
else:
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# In eager mode a failing task must not turn a journalist's save into an error page;
# the database row it works on records the failure instead.
CELERY_TASK_EAGER_PROPAGATES = env.bool("CELERY_TASK_EAGER_PROPAGATES", default=False)
# A task is acknowledged after it ran, and given back to the queue when its worker dies, so
# tasks must be idempotent (sources' tasks say so themselves, sources/tasks.py).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# Redis gives a task a worker took but never acknowledged (the worker was killed) to another
# worker after this many seconds (kombu's default: an hour). 15 minutes: well above the longest
# task run (a fetch stops at NEWSDESK_FETCH_TIMEOUT, 20 s; a webhook at 10 s) and above the
# longest countdown but one: a task waiting for its countdown sits unacknowledged in a worker,
# so a longer wait is handed out twice. Story e-mails retry after at most 600 s; citation fetches
# keep their countdowns under half of this (longer waits stay in the database for the sweep);
# webhook retries wait up to 6 h, but a delivery is claimed in the database and sent once.
NEWSDESK_TASK_VISIBILITY_TIMEOUT = env.int("NEWSDESK_TASK_VISIBILITY_TIMEOUT", default=15 * 60)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": NEWSDESK_TASK_VISIBILITY_TIMEOUT,
    # Look for such tasks every tenth of the timeout, at most every 10 s (kombu: every 100 s).
    "unacked_restore_interval": max(1, min(10, NEWSDESK_TASK_VISIBILITY_TIMEOUT // 10)),
    "unacked_restore_throttle": 1,
}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE: dict = {}
CELERY_TASK_ROUTES: dict = {}

# --- Auth, i18n, static ---------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
# Dates and times in the newsroom's style, never "9:30 a.m.." at the end of a sentence.
FORMAT_MODULE_PATH = ["newsdesk.formats"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- Pictures: uploads and renditions (pictures/) -----------------------------------------------
# Uploaded originals and their renditions go through Django's storage API: the filesystem under
# MEDIA_ROOT by default (`make run` needs nothing), an S3-compatible bucket through
# django-storages when AWS_STORAGE_BUCKET_NAME is set.
MEDIA_URL = env.str("MEDIA_URL", default="/media/")
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Django serves MEDIA_URL itself: for `make run` only (DEBUG); never behind a real web server.
NEWSDESK_SERVE_MEDIA = env.bool("NEWSDESK_SERVE_MEDIA", default=DEBUG)
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default="") or None
    AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default="") or None
    # A CDN or public host in front of the bucket (pictures.example.org).
    AWS_S3_CUSTOM_DOMAIN = env.str("AWS_S3_CUSTOM_DOMAIN", default="") or None
    # Pictures are public and their URLs go into cached pages and partner feeds: never signed.
    AWS_QUERYSTRING_AUTH = False
    AWS_DEFAULT_ACL = None
    AWS_S3_FILE_OVERWRITE = True
    AWS_S3_OBJECT_PARAMETERS = {"CacheControl": "public, max-age=31536000, immutable"}
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}
NEWSDESK_PICTURE_MAX_BYTES = env.int("NEWSDESK_PICTURE_MAX_BYTES", default=30_000_000)
NEWSDESK_PICTURE_MAX_PIXELS = env.int("NEWSDESK_PICTURE_MAX_PIXELS", default=60_000_000)
# The modern format beside the JPEG fallback: webp (default) or avif (smaller, ~2x the encoding).
NEWSDESK_PICTURE_FORMATS = (env.str("NEWSDESK_PICTURE_FORMAT", default="webp"), "jpeg")
if NEWSDESK_PICTURE_FORMATS[0] not in ("webp", "avif"):
    raise ImproperlyConfigured("NEWSDESK_PICTURE_FORMAT must be webp or avif.")
# Where to read how our own pictures may be used (JSON-LD `license` of a picture without a
# licence URL of its own); empty: none given.
NEWSDESK_PICTURE_LICENCE_URL = env.str("NEWSDESK_PICTURE_LICENCE_URL", default="")
NEWSDESK_PICTURE_STRIP_LOCATION = env.bool("NEWSDESK_PICTURE_STRIP_LOCATION", default=True)


def _media_origin() -> str:
    """Where pictures are served from when it is not this site: the policy must allow it."""
    if AWS_STORAGE_BUCKET_NAME:
        if AWS_S3_CUSTOM_DOMAIN:
            return f"https://{AWS_S3_CUSTOM_DOMAIN}"
        if AWS_S3_ENDPOINT_URL:
            parts = urlsplit(AWS_S3_ENDPOINT_URL)
            return f"{parts.scheme}://{parts.netloc}"
        return f"https://{AWS_STORAGE_BUCKET_NAME}.s3.amazonaws.com"
    parts = urlsplit(MEDIA_URL)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else ""


NEWSDESK_MEDIA_ORIGIN = _media_origin()

LOGIN_URL = "admin:login"
# Axes first: it refuses a locked-out (username, address) before any password is checked. It
# needs the request, which Django's login views and DRF pass; `client.login()` in tests does not
# (use `force_login`).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
FORMS_URLFIELD_ASSUME_HTTPS = True

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="newsdesk@localhost")

# --- Production hardening (DEBUG off) -------------------------------------------------------
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- Newsdesk's own knobs -------------------------------------------------------------------
NEWSDESK_SITE_NAME = env.str("NEWSDESK_SITE_NAME", default="Newsdesk")


def _development_site_url() -> str:
    """Where `make run` serves (`HOST`, `PORT`), so a laptop on another port links to itself."""
    host = env.str("HOST", default="127.0.0.1")
    if host in {"", "0.0.0.0", "::"}:  # noqa: S104 - listening everywhere: link to this machine
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{env.int('PORT', default=8000)}"


# Absolute URLs in feeds, ninjs, JSON-LD, webhooks and e-mails are built from this, never from
# the request's Host. Unset in DEBUG, it follows `PORT` (`PORT=8100 make run`).
NEWSDESK_SITE_URL = env.str(
    "NEWSDESK_SITE_URL", default=_development_site_url() if DEBUG else "http://127.0.0.1:8000"
).rstrip("/")
NEWSDESK_DEMO_PASSWORD = env.str("NEWSDESK_DEMO_PASSWORD", default="newsdesk-demo")
# Serves /bench/floor, the constant-JSON view benchmarks compare against (bench/api.py).
NEWSDESK_BENCH_FLOOR = env.bool("NEWSDESK_BENCH_FLOOR", default=False)
# Public story pages (stories/views.py): readers' copies are cached per story version in the
# cache backend for this long, browsers keep a page MAX_AGE seconds and a CDN CDN_MAX_AGE.
NEWSDESK_PAGE_CACHE_SECONDS = env.int("NEWSDESK_PAGE_CACHE_SECONDS", default=3600)
NEWSDESK_PAGE_MAX_AGE = env.int("NEWSDESK_PAGE_MAX_AGE", default=60)
NEWSDESK_PAGE_CDN_MAX_AGE = env.int("NEWSDESK_PAGE_CDN_MAX_AGE", default=300)
# Entity cards not reviewed by the research desk for this many days are flagged (stories/checks.py).
NEWSDESK_ENTITY_REVIEW_DAYS = env.int("NEWSDESK_ENTITY_REVIEW_DAYS", default=180)

# --- Security: login throttling (django-axes) and Content-Security-Policy (django-csp) ------
# A username is locked out from one address after this many wrong passwords in a row, for
# COOLOFF_MINUTES after the last try; another address (a colleague) is not. A good password
# resets the count; an admin unlocks by deleting the attempt (README "Security").
NEWSDESK_LOGIN_FAILURE_LIMIT = env.int("NEWSDESK_LOGIN_FAILURE_LIMIT", default=5)
NEWSDESK_LOGIN_COOLOFF_MINUTES = env.int("NEWSDESK_LOGIN_COOLOFF_MINUTES", default=15)
AXES_FAILURE_LIMIT = NEWSDESK_LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=NEWSDESK_LOGIN_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_LOCKOUT_CALLABLE = "newsdesk.lockout.login_locked_out"
# Only the address the connection came from: a client-sent X-Forwarded-For would let an
# attacker pick a fresh "address" for every guess.
AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)

# Scripts run only from our own files or with this response's nonce (`request.csp_nonce`).
# Inline styles stay allowed: admin code writes `style=` attributes (which no nonce can cover),
# and a reader's story page is cached as HTML per version, so its <style> cannot carry a
# per-response nonce. Archived pages (sources/views.py) send their own, stricter policy, which
# the middleware leaves alone. The partner API's JSON gets none: its fast path answers before
# the middleware, and the same answer through DRF must look alike (tests/api/test_fast_path.py).
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/api/v1/"],
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        # data: for Swagger UI's icons; the pictures' host when it is not this site (S3, a CDN).
        "img-src": [SELF, "data:", *([NEWSDESK_MEDIA_ORIGIN] if NEWSDESK_MEDIA_ORIGIN else [])],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- Sources: fetching cited articles (sources/fetching.py) ---------------------------------
# Private networks are for tests and local demos only: refused outright in production mode.
NEWSDESK_FETCH_ALLOW_PRIVATE_NETWORKS = env.bool(
    "NEWSDESK_FETCH_ALLOW_PRIVATE_NETWORKS", default=False
)
if NEWSDESK_FETCH_ALLOW_PRIVATE_NETWORKS and not DEBUG:
    raise ImproperlyConfigured(
        "NEWSDESK_FETCH_ALLOW_PRIVATE_NETWORKS is never allowed when DEBUG is off."
    )
NEWSDESK_FETCH_TIMEOUT = env.float("NEWSDESK_FETCH_TIMEOUT", default=20.0)
NEWSDESK_FETCH_CONNECT_TIMEOUT = env.float("NEWSDESK_FETCH_CONNECT_TIMEOUT", default=5.0)
NEWSDESK_FETCH_READ_TIMEOUT = env.float("NEWSDESK_FETCH_READ_TIMEOUT", default=10.0)
NEWSDESK_FETCH_MAX_BYTES = env.int("NEWSDESK_FETCH_MAX_BYTES", default=5 * 1024 * 1024)
NEWSDESK_FETCH_PER_HOST = env.int("NEWSDESK_FETCH_PER_HOST", default=2)
NEWSDESK_FETCH_HOST_WAIT = env.float("NEWSDESK_FETCH_HOST_WAIT", default=2.0)
NEWSDESK_FETCH_USER_AGENT = env.str(
    "NEWSDESK_FETCH_USER_AGENT",
    default=f"Newsdesk/0.1 (citation checker; +{NEWSDESK_SITE_URL})",
)
NEWSDESK_FETCH_MAX_RETRIES = env.int("NEWSDESK_FETCH_MAX_RETRIES", default=5)
NEWSDESK_FETCH_RETRY_BASE = env.float("NEWSDESK_FETCH_RETRY_BASE", default=30.0)
NEWSDESK_FETCH_PENDING_MINUTES = env.int("NEWSDESK_FETCH_PENDING_MINUTES", default=10)
# A fetch that crashes (a bug, not the outlet) is left to the sweep this many times, then failed.
NEWSDESK_FETCH_MAX_ERRORS = env.int("NEWSDESK_FETCH_MAX_ERRORS", default=3)
NEWSDESK_LINK_HEALTH_HOURS = env.int("NEWSDESK_LINK_HEALTH_HOURS", default=20)
NEWSDESK_LINK_HEALTH_BATCH = env.int("NEWSDESK_LINK_HEALTH_BATCH", default=2000)
NEWSDESK_LINK_HEALTH_PER_MINUTE = env.int("NEWSDESK_LINK_HEALTH_PER_MINUTE", default=30)
CELERY_TASK_ROUTES.update({"sources.tasks.citation_fetch_task": {"queue": "fetch"}})
CELERY_BEAT_SCHEDULE.update(
    {
        "sources-link-health": {
            "task": "sources.tasks.link_health_task",
            "schedule": 24 * 60 * 60,
        },
        "sources-pending-sweep": {
            "task": "sources.tasks.pending_sweep_task",
            "schedule": 5 * 60,
        },
    }
)

# --- Partner API, feeds and webhooks (partners/, stories/api/) ------------------------------
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Every API error is RFC 9457 problem details (application/problem+json).
    "EXCEPTION_HANDLER": "stories.api.problems.problem_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Newsdesk partner API",
    "DESCRIPTION": "Published stories, entities and a change log for partner sites. "
    "Send your key as `Authorization: Api-Key <key>`.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # /api/docs/ serves Swagger UI from our own static files, not from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
NEWSDESK_API_PAGE_SIZE = env.int("NEWSDESK_API_PAGE_SIZE", default=20)
NEWSDESK_API_MAX_PAGE_SIZE = env.int("NEWSDESK_API_MAX_PAGE_SIZE", default=100)
NEWSDESK_API_RATE_PER_MINUTE = env.int("NEWSDESK_API_RATE_PER_MINUTE", default=120)
NEWSDESK_API_MAX_AGE = env.int("NEWSDESK_API_MAX_AGE", default=60)
NEWSDESK_API_CDN_MAX_AGE = env.int("NEWSDESK_API_CDN_MAX_AGE", default=300)
# A checked partner key is remembered this long (revoking or editing deletes it at once).
NEWSDESK_API_KEY_CACHE_SECONDS = env.int("NEWSDESK_API_KEY_CACHE_SECONDS", default=60)
# Story representations (JSON, ninjs) cached per (id, version, rendition); false to build each.
NEWSDESK_API_CACHE = env.bool("NEWSDESK_API_CACHE", default=True)
# With Redis and the cache on, a story's state (status, version) is remembered for the detail
# fast path and dropped by any committed story change; this bounds its life should Redis miss
# that (stories/api/states.py). 0: read the state from the database on every request.
NEWSDESK_API_STATE_SECONDS = env.int("NEWSDESK_API_STATE_SECONDS", default=60)
# Story detail/ninjs: a 200 or 304 with a good key answered without DRF's machinery (same rules).
NEWSDESK_API_FAST_PATH = env.bool("NEWSDESK_API_FAST_PATH", default=True)
NEWSDESK_FEED_ITEMS = env.int("NEWSDESK_FEED_ITEMS", default=30)
NEWSDESK_WEBHOOK_TIMEOUT = env.float("NEWSDESK_WEBHOOK_TIMEOUT", default=10.0)
NEWSDESK_WEBHOOK_MAX_ATTEMPTS = env.int("NEWSDESK_WEBHOOK_MAX_ATTEMPTS", default=10)
NEWSDESK_WEBHOOK_BACKOFF_SECONDS = env.int("NEWSDESK_WEBHOOK_BACKOFF_SECONDS", default=30)
# Webhook delivery waits on partners' servers: the thread-pool worker's "webhooks" queue.
CELERY_TASK_ROUTES.update({"partners.tasks.webhook_delivery_task": {"queue": "webhooks"}})
NEWSDESK_OUTBOX_SWEEP_SECONDS = env.int("NEWSDESK_OUTBOX_SWEEP_SECONDS", default=60)
CELERY_BEAT_SCHEDULE.update(
    {
        "partners-outbox-sweep": {
            "task": "partners.tasks.outbox_sweep_task",
            "schedule": NEWSDESK_OUTBOX_SWEEP_SECONDS,
        },
    }
)

# --- Editorial workflow (stories/workflow.py, stories/tasks.py) -----------------------------
# How often the beat task publishes due scheduled stories and announces lifted embargoes.
NEWSDESK_PUBLISH_CHECK_SECONDS = env.int("NEWSDESK_PUBLISH_CHECK_SECONDS", default=60)
CELERY_BEAT_SCHEDULE.update(
    {
        "stories-publish-due": {
            "task": "stories.tasks.publish_due_stories_task",
            "schedule": NEWSDESK_PUBLISH_CHECK_SECONDS,
            # A run still queued when the next is due is dropped: the next one catches up.
            "options": {"expires": NEWSDESK_PUBLISH_CHECK_SECONDS},
        },
    }
)
# Workflow e-mails are an outbox (stories/notifications.py): what the broker or the mail server
# kept back is sent by a sweep this long after its step, tried this many times at most.
NEWSDESK_NOTIFY_SWEEP_SECONDS = env.int("NEWSDESK_NOTIFY_SWEEP_SECONDS", default=60)
NEWSDESK_NOTIFY_MAX_ATTEMPTS = env.int("NEWSDESK_NOTIFY_MAX_ATTEMPTS", default=10)
CELERY_BEAT_SCHEDULE.update(
    {
        "stories-notifications-sweep": {
            "task": "stories.tasks.notifications_sweep_task",
            "schedule": NEWSDESK_NOTIFY_SWEEP_SECONDS,
            "options": {"expires": NEWSDESK_NOTIFY_SWEEP_SECONDS},
        },
    }
)

# --- The desk talks (newsroom/): comments, mentions, inbox, preview links, presence ----------
# Mention e-mails wait this long after the first mention of a burst, so one e-mail carries them all.
NEWSDESK_MENTION_EMAIL_DELAY_SECONDS = env.int("NEWSDESK_MENTION_EMAIL_DELAY_SECONDS", default=120)
CELERY_BEAT_SCHEDULE.update(
    {
        "newsroom-mention-emails-sweep": {
            "task": "newsroom.tasks.mention_emails_sweep_task",
            "schedule": NEWSDESK_NOTIFY_SWEEP_SECONDS,
            "options": {"expires": NEWSDESK_NOTIFY_SWEEP_SECONDS},
        },
    }
)
# Preview links: default and longest lifetime, and wrong tokens an address may try per hour.
NEWSDESK_PREVIEW_HOURS = env.int("NEWSDESK_PREVIEW_HOURS", default=72)
NEWSDESK_PREVIEW_MAX_HOURS = env.int("NEWSDESK_PREVIEW_MAX_HOURS", default=14 * 24)
NEWSDESK_PREVIEW_MISSES_PER_HOUR = env.int("NEWSDESK_PREVIEW_MISSES_PER_HOUR", default=20)
# Presence: a story page beats every NEWSDESK_PRESENCE_BEAT_SECONDS; an entry lives this long.
NEWSDESK_PRESENCE_BEAT_SECONDS = env.int("NEWSDESK_PRESENCE_BEAT_SECONDS", default=20)
NEWSDESK_PRESENCE_SECONDS = env.int("NEWSDESK_PRESENCE_SECONDS", default=50)

# --- Pictures' rights (pictures/services.py) -----------------------------------------------------
# How often agency and handout pictures past their rights' last day are taken down.
NEWSDESK_PICTURE_TAKEDOWN_SECONDS = env.int("NEWSDESK_PICTURE_TAKEDOWN_SECONDS", default=3600)
CELERY_BEAT_SCHEDULE.update(
    {
        "pictures-take-down-expired": {
            "task": "pictures.tasks.pictures_take_down_expired_task",
            "schedule": NEWSDESK_PICTURE_TAKEDOWN_SECONDS,
            "options": {"expires": NEWSDESK_PICTURE_TAKEDOWN_SECONDS},
        },
    }
)
