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
from pathlib import Path

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
# Request limits of `dateline serve` (config/settings/base.py, dateline/core/front.py).
BODY_MAX_KB = _int("DATELINE_BODY_MAX_KB", 1024)
UPLOAD_MAX_MB = _int("DATELINE_UPLOAD_MAX_MB", 40)
BODY_TIMEOUT = _int("DATELINE_BODY_TIMEOUT", 10)
BODY_MIN_RATE_KB = _int("DATELINE_BODY_MIN_RATE_KB", 50)
HEADER_TIMEOUT = _int("DATELINE_HEADER_TIMEOUT", 15)
# The front's WSGI threads per worker: set by `dateline serve --threads` for its workers.
THREADS = _int("DATELINE_THREADS", 4)
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
