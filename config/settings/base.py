"""Settings shared by every environment. Values that vary come from config.env only."""

from __future__ import annotations

import datetime as dt

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from js_asset import static_lazy

from config import env

BASE_DIR = env.BASE_DIR
VAR_DIR = env.VAR_DIR
SECRET_KEY = env.secret_key()
DEBUG = env.DEBUG
ALLOWED_HOSTS = env.ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]"]
SITE_URL = env.SITE_URL

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "django_prose_editor",
    # The API's reference page (Swagger UI) from django-ninja's static files.
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "dateline.core",
    "dateline.pagecache",
    "dateline.pictures",
    "dateline.news",
    "dateline.live",
    "dateline.ingest",
    "dateline.newsroom",
    "dateline.syndication",
    "dateline.api",
    "dateline.ops",
    "dateline.search",
    "dateline.pages",
    "dateline.mostread",
    "dateline.newsletters",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Content-Security-Policy for the public site and for the desk; the desk's answers
    # private, no-store (config/security.py). After whitenoise: static files need neither.
    "config.security.SecurityHeadersMiddleware",
    # Before anything reads the database: public requests' statements are bounded, and one
    # cut answers 503 (its process_exception runs after the later middlewares').
    "dateline.core.timeouts.ReaderStatementTimeoutMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Django's, with the storage made only for a request that uses it (core/messages.py).
    "dateline.core.messages.LazyMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "dateline.news.middleware.LegacyRedirectMiddleware",
    # Last, as django-axes asks: it turns a lockout found while signing in into its page.
    "axes.middleware.AxesMiddleware",
]
# Where news.middleware looks up an address nothing answered (404), in order: a static
# page's old address first (pages.PageRedirect), then a story's (news.Redirect).
DATELINE_REDIRECT_LOOKUPS = [
    "dateline.pages.selectors.page_redirect_target",
    "dateline.news.selectors.redirect_target",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        # Public pages render with Jinja2: it is the cheaper engine on the hot path. Every
        # template lives in an app (the site's shell in news/jinja2/news/), so that it ships
        # in the wheel: nothing is read from beside the package.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "config.jinja.environment",
            "autoescape": True,
            "auto_reload": False,
        },
    },
    {
        # Django admin keeps its own templates.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dateline.newsroom.context_processors.roles",
            ],
        },
    },
]

DATABASES = {"default": dj_database_url.parse(env.DATABASE_URL, conn_max_age=600)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    env.var_dir_make()
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers proceed while a writer commits; IMMEDIATE avoids the
        # "database is locked" upgrade deadlock between two writers.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA mmap_size=134217728; PRAGMA cache_size=-20000;"
        ),
    }
    DATABASES["default"]["CONN_MAX_AGE"] = None
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


_REDIS_SCHEMES = ("redis://", "rediss://", "unix://")
_CACHE_SCHEMES = (*_REDIS_SCHEMES, "locmem://", "dummy://")


def _cache(url: str) -> dict:
    """The cache CACHE_URL names. An unknown scheme is refused rather than taken for local
    memory: several servers each keeping their own versions would serve each other's
    stale pages."""
    if url.startswith(_REDIS_SCHEMES):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if url.startswith("dummy://"):
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    if url.startswith("locmem://"):
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "dateline",
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    # The scheme only: the rest of the URL may hold a password.
    scheme = f"scheme {url.partition('://')[0]}://" if "://" in url else "no scheme"
    raise ImproperlyConfigured(
        f"CACHE_URL has {scheme}, which Dateline does not know; use one of "
        + ", ".join(_CACHE_SCHEMES)
    )


CACHES = {"default": _cache(env.CACHE_URL)}
# Page-cache versions live in Redis when there is one (several servers share them), in a
# file under var/ otherwise (pagecache/versions.py).
CACHE_SHARED = env.CACHE_URL.startswith(_REDIS_SCHEMES)
# Several servers must sign with one key (sessions, messages, password resets): with a
# shared cache, `check --deploy` asks for DATELINE_SECRET_KEY (dateline/core/checks.py).
DATELINE_SECRET_KEY_SET = env.SECRET_KEY_SET

# Signing in (admin's login page, which the newsroom sends people to): django-axes counts
# wrong passwords per username and address. Ten in a row lock that pair out for fifteen
# minutes, during which even the right password is refused; a good sign-in clears the
# count. Locking the pair, not the username, keeps a stranger from locking staff out from
# elsewhere by typing their name. An admin unlocks at once: admin, Axes → Access attempts
# (delete), or `dateline axes_reset_username NAME`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "dateline.newsroom.lockout.locked_out"
AXES_CLIENT_IP_CALLABLE = "dateline.newsroom.lockout.client_address"
DATELINE_TRUSTED_PROXY = env.TRUSTED_PROXY
# The address the server sees. Behind a proxy that is the proxy's, so the pair is then the
# username alone; which forwarded header to trust is the proxy setting's to say.
AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Static files come from the apps' static/ folders only (the site's own in news/static/news/),
# which ship in the wheel; collectstatic gathers them into var/static for whitenoise.
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_URL = "/media/"
MEDIA_ROOT = env.MEDIA_ROOT


# Pictures and renditions in a bucket when DATELINE_MEDIA_URL names one: readers fetch them
# from the bucket's (or its CDN's) address, and renditions are made when a picture is saved
# (pictures/renditions.py), since nothing of ours sees those requests to make them then.
def s3_storage(media: env.MediaStorage) -> dict:
    """The STORAGES entry for a bucket (the object-storage tests use it too)."""
    from botocore.config import Config

    options = media.storage_options()
    # Short waits and few retries: an upload, a restore or /healthz must fail within
    # seconds when the bucket cannot be reached, not after boto3's minute-long defaults.
    options["client_config"] = Config(
        s3={"addressing_style": options.pop("addressing_style")},
        connect_timeout=5,
        read_timeout=30,
        retries={"max_attempts": 3, "mode": "standard"},
    )
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


_media = env.media_storage(env.MEDIA_URL)
DATELINE_MEDIA_REMOTE = _media is not None
if _media is not None:
    STORAGES["default"] = s3_storage(_media)
    MEDIA_URL = _media.public_url

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# Nothing frames our pages, ourselves included: the policies' frame-ancestors 'none' says
# the same (config/security.py).
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"

# Django's own limits, the second line behind the front's (below): a form's fields or a JSON
# body (an article being saved) at most 10 MB; an uploaded file over 2.5 MB goes to a
# temporary file rather than memory; at most 1,000 fields and 20 files in one request.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 20

# Import limits: an item file larger than this is refused; a fetched picture larger than
# DATELINE_FETCH_MAX_BYTES or slower than DATELINE_FETCH_TIMEOUT is skipped.
DATELINE_IMPORT_MAX_BYTES = 20 * 1024 * 1024
DATELINE_FETCH_MAX_BYTES = 25 * 1024 * 1024
DATELINE_FETCH_TIMEOUT = 10
# Fetches go to public addresses only (dateline/ingest/fetch.py). Tests that serve from
# 127.0.0.1 turn this on for themselves; nothing else should.
DATELINE_FETCH_ALLOW_LOOPBACK = False
DATELINE_PAGE_CACHE = True
DATELINE_PAGE_CACHE_SECONDS = env.PAGE_CACHE_SECONDS
DATELINE_PREVIEW_SECONDS = env.PREVIEW_SECONDS
# Varnish (xkey) addresses to purge after every change, by the tags it touches; with them,
# pages tell shared caches to keep them for their whole lifetime (pagecache/purge.py).
DATELINE_PURGE_URLS = env.PURGE_URLS
_TAG_HEADERS = {"xkey": "xkey", "surrogate-key": "Surrogate-Key", "cache-tag": "Cache-Tag"}
_unknown = sorted(set(env.CACHE_TAG_HEADERS) - set(_TAG_HEADERS))
if _unknown:
    raise ImproperlyConfigured(
        f"DATELINE_CACHE_TAG_HEADERS names {', '.join(_unknown)}; use any of "
        + ", ".join(_TAG_HEADERS)
    )
# The headers that carry a page's tags, as sent.
DATELINE_CACHE_TAG_HEADERS = tuple(_TAG_HEADERS[h] for h in env.CACHE_TAG_HEADERS)
# The page cache's budget per process, counting each page's bytes, its gzipped copy and its
# headers; least recently used pages leave first. A page larger than the second figure is
# served but not kept: one 26 MB sitemap page would push out a thousand article pages.
DATELINE_PAGE_CACHE_BYTES = env.PAGE_CACHE_MB * 1024 * 1024
DATELINE_PAGE_CACHE_MAX_ENTRY_BYTES = DATELINE_PAGE_CACHE_BYTES // 16

# Every line JSON on stderr (dateline/ops/logs.py): warnings and errors, and one line per
# request from the access log (dateline/ops/access_log.py, DATELINE_ACCESS_LOG).
DATELINE_ACCESS_LOG = env.ACCESS_LOG
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "dateline.ops.logs.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# The body editor's extension module: our reference nodes (dateline/newsroom/editor.py).
_NO_RULES = "dateline.newsroom.editor.no_rules"
DJANGO_PROSE_EDITOR_EXTENSIONS = [
    {
        "js": [static_lazy("newsroom/editor.js")],
        "extensions": {
            name: _NO_RULES
            for name in (
                "DatelinePicture",
                "DatelineAlsoRead",
                "DatelineEmbed",
                "DatelineStoryLink",
            )
        },
    }
]

# Request limits, enforced by the front of `dateline serve` before Django sees a request
# (dateline/core/front.py; docs/architecture.md, "Serving"). A body over its cap is refused
# with 413 before it is read; a body slower than the minimum rate, once the grace period is
# over, gets 408. Uploads (pictures) are allowed the larger cap on the upload paths, and
# only for requests that carry a session cookie.
DATELINE_BODY_MAX_BYTES = env.BODY_MAX_KB * 1024
DATELINE_UPLOAD_MAX_BYTES = env.UPLOAD_MAX_MB * 1024 * 1024
# The largest picture file the library takes (admin uploads, imports, the wire): a
# full-frame camera's JPEG is 10–25 MB. Refused by its size before it is read. A megabyte
# under the server's upload cap, so that a picture the form would take always reaches the
# form (with its other fields), which then gives the editor a message, not a bare 413.
DATELINE_PICTURE_MAX_BYTES = DATELINE_UPLOAD_MAX_BYTES - 1024 * 1024
DATELINE_UPLOAD_PATHS = ["/admin/", "/newsroom/"]
DATELINE_BODY_TIMEOUT = env.BODY_TIMEOUT
DATELINE_BODY_MIN_RATE = env.BODY_MIN_RATE_KB * 1024
# granian closes a connection whose request headers take longer than this, and a keep-alive
# connection idle as long.
DATELINE_HEADER_TIMEOUT = env.HEADER_TIMEOUT
DATELINE_SERVE_THREADS = env.THREADS
DATELINE_READER_STATEMENT_TIMEOUT_MS = env.READER_STATEMENT_TIMEOUT_MS

# The management API (dateline/api): requests per token per minute, counted in the cache
# (shared across processes and servers when CACHE_URL is Redis).
DATELINE_API_RATE_PER_MINUTE = 300

# Background tasks (webhook deliveries), queued in the database; `dateline worker` runs them
# (`make run` starts one beside the development server).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Webhooks: the wait before each retry of a failed delivery (then it is marked failed),
# and how long one attempt may take.
DATELINE_WEBHOOK_RETRY_SECONDS = (10, 60, 300, 1800, 7200, 21600)
DATELINE_WEBHOOK_TIMEOUT = 10

# Newsletters (dateline/newsletters): mail through SMTP as DATELINE_EMAIL_URL says (`make
# run` prints it on the console instead, settings/dev.py).
_email = env.email_settings(env.EMAIL_URL)
EMAIL_BACKEND = _email.pop("EMAIL_BACKEND")
globals().update(_email)
# The From of every newsletter; empty: the publication's name at newsletters@<site host>.
DATELINE_EMAIL_FROM = env.EMAIL_FROM
# The mailbox of List-Unsubscribe's mailto; empty: unsubscribe@<site host>.
DATELINE_UNSUBSCRIBE_MAILTO = env.UNSUBSCRIBE_MAILTO
# When the daily briefing and the sections' digests leave, in the publication's time zone.
DATELINE_BRIEFING_AT = env.BRIEFING_AT
# Mails per task: each batch opens one SMTP connection and queues the next batch.
DATELINE_NEWSLETTER_BATCH = 200
# Sign-ups: per client address, at most this many an hour; per address, one confirmation
# mail per this many seconds (a second sign-up in between sends nothing more).
DATELINE_SIGNUPS_PER_HOUR = 20
DATELINE_CONFIRMATION_INTERVAL = 600
