"""The only module that reads the environment.

Every setting that may differ between machines comes through here, so a reader can see in
one place what an operator can set (README lists the same variables).

Where the site's local state lives (VAR_DIR: the SQLite database, uploaded media, the secret
key, collected static files, page-cache versions), unless DATELINE_VAR_DIR says:
- a source checkout (`make run`, `pip install -e .`: the folder with pyproject.toml beside
  config/) keeps it beside the code, in ./var;
- an installed package (`pip install .`) keeps it in var/ under the folder `dateline` runs
  in: the site owner's site folder. Never beside the code, which is then in site-packages:
  rebuilding the virtualenv would lose the database and the key, and it may not be writable.
`dateline` makes the folder on first use and says so; if it cannot be made or written it
says that and what to do, and stops (dateline/cli.py).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
# site-packages never holds a pyproject.toml beside config/; a checkout always does.
CHECKOUT = (BASE_DIR / "pyproject.toml").is_file()


def _str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


VAR_DIR_SET = bool(_str("DATELINE_VAR_DIR"))
VAR_DIR = Path(_str("DATELINE_VAR_DIR") or ((BASE_DIR if CHECKOUT else Path.cwd()) / "var"))

# Whether the operator set the secret key, rather than letting each machine make its own.
SECRET_KEY_SET = bool(_str("DATELINE_SECRET_KEY"))
DATABASE_URL = _str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'dateline.sqlite3'}")
CACHE_URL = _str("CACHE_URL") or "locmem://"
# The page cache's memory, per worker process.
PAGE_CACHE_MB = _int("DATELINE_PAGE_CACHE_MB", 256)
# How long a page (and a memo) may be kept when nothing it shows changes, in the page cache
# and, when purges are sent, in the HTTP cache in front.
PAGE_CACHE_SECONDS = _int("DATELINE_PAGE_CACHE_SECONDS", 300)
# How long a story's preview address works (news/preview.py): a day.
PREVIEW_SECONDS = _int("DATELINE_PREVIEW_SECONDS", 24 * 3600)
# The HTTP caches in front (Varnish with xkey): every change is purged there by the tags it
# touches (dateline/pagecache/purge.py), so they may keep pages their whole lifetime.
PURGE_URLS = [u.strip() for u in _str("DATELINE_PURGE_URL").split(",") if u.strip()]
# Which response headers carry a page's tags: xkey (Varnish), surrogate-key (Fastly),
# cache-tag (Cloudflare).
CACHE_TAG_HEADERS = [
    h.strip().lower() for h in _str("DATELINE_CACHE_TAG_HEADERS", "xkey").split(",") if h.strip()
]
DEBUG = _bool("DATELINE_DEBUG", False)
ALLOWED_HOSTS = [h.strip() for h in _str("DATELINE_ALLOWED_HOSTS", "").split(",") if h.strip()]
SITE_URL = _str("DATELINE_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# HTTPS behind a proxy that terminates TLS (settings/production.py): the proxy sets
# X-Forwarded-Proto on every request and drops any a client sent. With an https SITE_URL
# this turns on the redirect to HTTPS, HSTS and secure cookies.
TRUSTED_PROXY = _bool("DATELINE_TRUSTED_PROXY", False)
SSL_REDIRECT = _bool("DATELINE_SSL_REDIRECT", True)
HSTS_SECONDS = _int("DATELINE_HSTS_SECONDS", 365 * 24 * 3600)
HSTS_INCLUDE_SUBDOMAINS = _bool("DATELINE_HSTS_INCLUDE_SUBDOMAINS", False)
MEDIA_ROOT = Path(_str("DATELINE_MEDIA_ROOT", str(VAR_DIR / "media")))
# Uploaded pictures and their renditions in an S3 bucket instead of MEDIA_ROOT
# (media_storage below); empty: the folder.
MEDIA_URL = _str("DATELINE_MEDIA_URL")
# Request limits of `dateline serve` (config/settings/base.py, dateline/core/front.py).
BODY_MAX_KB = _int("DATELINE_BODY_MAX_KB", 1024)
UPLOAD_MAX_MB = _int("DATELINE_UPLOAD_MAX_MB", 40)
BODY_TIMEOUT = _int("DATELINE_BODY_TIMEOUT", 10)
BODY_MIN_RATE_KB = _int("DATELINE_BODY_MIN_RATE_KB", 50)
HEADER_TIMEOUT = _int("DATELINE_HEADER_TIMEOUT", 15)
# The longest a reader's SQL statement may run on PostgreSQL, in milliseconds (0: no bound):
# a public page or API answer cut by it is a 503 with Retry-After (dateline/core/timeouts.py).
# The newsroom, the CLI, imports and migrations are never bounded.
READER_STATEMENT_TIMEOUT_MS = _int("DATELINE_READER_STATEMENT_TIMEOUT_MS", 5000)
# The front's WSGI threads per worker: set by `dateline serve --threads` for its workers.
THREADS = _int("DATELINE_THREADS", 4)
# One JSON line per request on stderr (dateline/ops/access_log.py).
ACCESS_LOG = _bool("DATELINE_ACCESS_LOG", True)
# Newsletters (dateline/newsletters): where mail goes, who it is from, when the briefing
# leaves (the publication's local time).
EMAIL_URL = _str("DATELINE_EMAIL_URL", "smtp://localhost:25")
EMAIL_FROM = _str("DATELINE_EMAIL_FROM")
UNSUBSCRIBE_MAILTO = _str("DATELINE_UNSUBSCRIBE_MAILTO")
BRIEFING_AT = _str("DATELINE_BRIEFING_AT", "07:00")
# Tests that need ../shared/ find it here; a user's machine has none.
SHARED_DIR = Path(_str("DATELINE_SHARED_DIR", str(BASE_DIR.parent / "shared")))


class VarDirError(Exception):
    """VAR_DIR cannot be made or written; the message says which folder and what to do."""


def var_dir_make() -> bool:
    """Make VAR_DIR if it is missing, and return whether it was made now; VarDirError if it
    cannot be made, or exists but cannot be written."""
    try:
        made = not VAR_DIR.is_dir()
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        problem = None if os.access(VAR_DIR, os.W_OK | os.X_OK) else "it is not writable"
    except OSError as exc:
        problem = exc.strerror or str(exc)
    if problem is None:
        return made
    if VAR_DIR_SET:
        advice = "Set DATELINE_VAR_DIR to a folder this user can write."
    else:
        advice = (
            "Run dateline from your site's folder (it keeps its state in var/ there), or set "
            "DATELINE_VAR_DIR to a folder this user can write."
        )
    raise VarDirError(
        f"cannot keep the site's database, media and secret key in {VAR_DIR}: {problem}. " + advice
    )


def secret_key() -> str:
    """DATELINE_SECRET_KEY, or a key made once for this machine and kept in var/.

    A single-machine install must work with no configuration, and every worker must agree
    on the key, so it is written to disk rather than drawn per process.
    """
    key = _str("DATELINE_SECRET_KEY")
    if key:
        return key
    path = VAR_DIR / "secret-key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        var_dir_make()
        key = secrets.token_urlsafe(50)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(key)
        return key


@dataclass(frozen=True)
class MediaStorage:
    """Where media live when DATELINE_MEDIA_URL names a bucket, and the public address
    readers fetch them from (the bucket itself, or a CDN in front of it)."""

    bucket: str
    prefix: str
    endpoint: str | None
    region: str | None
    access_key: str | None
    secret_key: str | None
    public_url: str  # ends with "/": public_url + storage name is a file's address

    def storage_options(self) -> dict:
        """OPTIONS for django-storages' S3Storage."""
        scheme, _, domain = self.public_url.rstrip("/").partition("//")
        if self.prefix:
            # S3Storage puts `location` after custom_domain itself.
            domain = domain.removesuffix("/" + self.prefix)
        return {
            "bucket_name": self.bucket,
            "location": self.prefix,
            "endpoint_url": self.endpoint,
            "region_name": self.region,
            "access_key": self.access_key,
            "secret_key": self.secret_key,
            # Files are public through public_url; signed URLs would differ per render
            # and break every cache between readers and the bucket.
            "querystring_auth": False,
            # With custom_domain, a file's URL is built from strings, never by boto3.
            "custom_domain": domain,
            "url_protocol": scheme,
            # Two uploads named alike must not replace each other's picture.
            "file_overwrite": False,
            # bucket.host names exist at AWS; at another service's endpoint the bucket is
            # a path, which every S3-compatible service answers.
            "addressing_style": "path" if self.endpoint else None,
            # Stored names never change content (renditions carry a token of their
            # source), so readers and CDNs may keep them for good.
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        }


def media_storage(url: str) -> MediaStorage | None:
    """Parse DATELINE_MEDIA_URL:

        s3://[KEY:SECRET@]BUCKET[/PREFIX][?endpoint=URL&region=NAME&public=URL]

    `endpoint` for any S3-compatible service (MinIO, Ceph, R2…; AWS when absent), `public`
    the address readers fetch files from when it is not the bucket's own (a CDN), ending
    where PREFIX starts. Without KEY:SECRET boto3 finds credentials its usual way (instance
    role, ~/.aws). None when `url` is empty: media stay in MEDIA_ROOT."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.hostname:
        raise ImproperlyConfigured(
            "DATELINE_MEDIA_URL must look like s3://BUCKET/PREFIX?endpoint=URL, "
            f"not scheme {parts.scheme or 'none'}"
        )
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    unknown = set(query) - {"endpoint", "region", "public"}
    if unknown:
        raise ImproperlyConfigured(
            f"DATELINE_MEDIA_URL has {', '.join(sorted(unknown))}; it knows endpoint, region "
            "and public"
        )
    # The bucket name as written: urlsplit lowercases hostname, and S3 names are lowercase
    # anyway, but a mistyped capital should fail at the bucket, not silently change.
    bucket = parts.netloc.rpartition("@")[2]
    prefix = parts.path.strip("/")
    endpoint = query.get("endpoint", "").rstrip("/") or None
    region = query.get("region") or None
    if query.get("public"):
        public = query["public"].rstrip("/") + "/"
    elif endpoint:  # path-style: every S3-compatible service answers it
        public = f"{endpoint}/{bucket}/" + (f"{prefix}/" if prefix else "")
    else:
        host = f"{bucket}.s3.{region}.amazonaws.com" if region else f"{bucket}.s3.amazonaws.com"
        public = f"https://{host}/" + (f"{prefix}/" if prefix else "")
    for name, value in (("endpoint", endpoint), ("public", public)):
        if value and urlsplit(value).scheme not in ("http", "https"):
            raise ImproperlyConfigured(f"DATELINE_MEDIA_URL's {name} must be an http(s) URL")
    if query.get("public") and prefix and not public.rstrip("/").endswith("/" + prefix):
        # S3Storage builds URLs as custom_domain/location/name: the public address must
        # end with the prefix for the two to name the same file.
        raise ImproperlyConfigured(
            f"DATELINE_MEDIA_URL's public address must end with the prefix /{prefix}"
        )
    return MediaStorage(
        bucket=bucket,
        prefix=prefix,
        endpoint=endpoint,
        region=region,
        access_key=unquote(parts.username) if parts.username else None,
        secret_key=unquote(parts.password) if parts.password else None,
        public_url=public,
    )


_EMAIL_SCHEMES = {"smtp": (False, False), "smtp+tls": (True, False), "smtps": (False, True)}


def email_settings(url: str) -> dict:
    """Django's email settings from DATELINE_EMAIL_URL:

        smtp://[USER:PASSWORD@]HOST[:PORT]       plain SMTP (a local MTA), port 25
        smtp+tls://[USER:PASSWORD@]HOST[:PORT]   STARTTLS, port 587
        smtps://[USER:PASSWORD@]HOST[:PORT]      TLS from the start, port 465
        console://                               every mail printed on stdout

    USER and PASSWORD are percent-encoded (an @ in a user name is %40)."""
    parts = urlsplit(url)
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme not in _EMAIL_SCHEMES or not parts.hostname:
        raise ImproperlyConfigured(
            "DATELINE_EMAIL_URL must look like smtp://HOST:PORT, smtp+tls://USER:PASSWORD@HOST"
            f" or console://, not scheme {parts.scheme or 'none'}"
        )
    tls, ssl = _EMAIL_SCHEMES[parts.scheme]
    try:
        port = parts.port or (587 if tls else 465 if ssl else 25)
    except ValueError:
        raise ImproperlyConfigured("DATELINE_EMAIL_URL has a port that is not a number") from None
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": tls,
        "EMAIL_USE_SSL": ssl,
        "EMAIL_TIMEOUT": 30,
    }
